//! The test's traffic and golden expectations: random frames that RSS
//! spreads over every queue, and what the datapath makes of each.

use etherparse::PacketBuilder;
use ferronic_hdl::rx::tag::{TagFormat, TagMode};
use ferronic_sim::model::frame::{append_fcs, process};
use ferronic_sim::model::rss::{steer, RssConfig};
use rand::rngs::StdRng;
use rand::Rng;

/// What the driver must find for one received frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Want {
    pub queue: usize,
    pub data: Vec<u8>,
    pub tuser: u8,
    pub tag: u64,
    pub hash: u32,
}

/// The golden model's delivery of `input` (FCS included).
pub fn want(input: &[u8], format: TagFormat, mode: TagMode, rss: &RssConfig) -> Want {
    let out = process(input, format, mode);
    let st = steer(&out.frame, rss);
    Want {
        queue: usize::from(st.queue),
        data: out.frame,
        tuser: out.tuser,
        tag: out.tag,
        hash: st.hash,
    }
}

/// A frame of `len` bytes (FCS included, good): IPv4 or IPv6, TCP or UDP,
/// random addresses and ports when `len` holds the headers, random bytes
/// otherwise.
pub fn rx_frame(rng: &mut StdRng, len: usize) -> Vec<u8> {
    let v6 = rng.gen_bool(0.3);
    let head = if v6 { 14 + 40 + 20 } else { 14 + 20 + 20 };
    if len < head + 4 || rng.gen_bool(0.1) {
        let body: Vec<u8> = (0..len.saturating_sub(4).max(1))
            .map(|_| rng.gen())
            .collect();
        let mut f = append_fcs(&body);
        f.truncate(len.max(1));
        return f;
    }
    let (sp, dp): (u16, u16) = (rng.gen(), rng.gen());
    let b = PacketBuilder::ethernet2(rng.gen(), rng.gen());
    let b = if v6 {
        b.ipv6(rng.gen(), rng.gen(), 64)
    } else {
        b.ipv4(rng.gen(), rng.gen(), 64)
    };
    let tcp = rng.gen_bool(0.5);
    let hlen = head - if tcp { 0 } else { 12 };
    let payload: Vec<u8> = (0..len - 4 - hlen).map(|_| rng.gen()).collect();
    let mut f = Vec::with_capacity(len);
    if tcp {
        b.tcp(sp, dp, rng.gen(), 4096).write(&mut f, &payload)
    } else {
        b.udp(sp, dp).write(&mut f, &payload)
    }
    .expect("frame builds");
    append_fcs(&f)
}

/// How frame lengths are drawn: percentages of (runts, 64..128 bytes,
/// 129..1,518, jumbo to 9,600); the lengths include the FCS. Transmit
/// frames have no runts (their share goes to 64..128).
#[derive(Clone, Copy)]
pub struct Mix(pub [u32; 4]);

/// Many frames in little time: mostly short ones, 2 % jumbo.
pub const MANY: Mix = Mix([1, 70, 27, 2]);
/// Long frames weigh more: 10 % jumbo.
pub const WIDE: Mix = Mix([4, 40, 46, 10]);

fn len(rng: &mut StdRng, mix: Mix, min: usize) -> usize {
    let k = rng.gen_range(0..100);
    let [a, b, c, _] = mix.0;
    if k < a && min < 64 {
        rng.gen_range(min..64)
    } else if k < a + b {
        rng.gen_range(64..=128)
    } else if k < a + b + c {
        rng.gen_range(129..=1518)
    } else {
        rng.gen_range(1519..=9600)
    }
}

/// A random receive length (FCS included; runts down to 1 byte).
pub fn rx_len(rng: &mut StdRng, mix: Mix) -> usize {
    len(rng, mix, 1)
}

/// A random transmit frame body (no FCS: 60 to 9,596 bytes) and its
/// gather count.
pub fn tx_body(rng: &mut StdRng, mix: Mix) -> (Vec<u8>, usize) {
    let len = len(rng, mix, 64) - 4;
    let body: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
    let segs = match rng.gen_range(0..10) {
        0..=4 => 1,
        5..=8 => rng.gen_range(2..=4),
        _ => rng.gen_range(5..=12),
    };
    (body, segs.min(len))
}
