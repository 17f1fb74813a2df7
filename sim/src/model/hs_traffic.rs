//! Random TCP traffic for the handshake-engine tests (Icarus and
//! Verilator): SYNs with the option sets of common stacks, the ACKs that
//! complete them (or forged ones), and noise the engine must pass: data,
//! broken checksums, VLAN tags, fragments, long SYNs, bad FCS, runts, UDP.

use crate::model::handshake::{process, Action, Config};
use etherparse::{PacketBuilder, TcpOptionElement as O};
use rand::rngs::StdRng;
use rand::Rng;

/// The listener address of [`traffic`].
pub const SERVER: [u8; 4] = [198, 18, 1, 1];

/// A random SYN option set: Linux, Windows, macOS layouts, none, MSS
/// only, odd orders, random sequences.
pub fn random_opts(r: &mut StdRng) -> Vec<O> {
    let mss = O::MaximumSegmentSize([1460, 1400, 536, 1300, 9000, 0, 1440][r.gen_range(0..7)]);
    let ts = O::Timestamp(r.gen(), 0);
    // window scales 0..=15 (15 clamps to 14), and one draw in eight a
    // value over 15: one of bits 4-7 set plus low bits 8..=15 (24..=31,
    // 40..=47, 72..=79, 136..=143; RFC 7323 section 2.3: a shift over 14
    // is used as 14); one draw of the generator either way
    let w: u8 = r.gen();
    let ws = O::WindowScale(if w >= 224 {
        (16 << (w & 3)) | ((w >> 2) & 15)
    } else {
        w % 16
    });
    match r.gen_range(0..7) {
        0 => vec![mss, O::SelectiveAcknowledgementPermitted, ts, O::Noop, ws], // Linux
        1 => vec![
            mss,
            O::Noop,
            ws,
            O::Noop,
            O::Noop,
            O::SelectiveAcknowledgementPermitted,
        ], // Windows
        2 => vec![
            mss,
            O::Noop,
            ws,
            O::Noop,
            O::Noop,
            ts,
            O::SelectiveAcknowledgementPermitted,
        ], // macOS
        3 => vec![],
        4 => vec![mss],
        5 => vec![O::Noop, O::Noop, ts, mss],
        _ => {
            let pool = [O::Noop, mss, ws, ts, O::SelectiveAcknowledgementPermitted];
            let n = r.gen_range(0..12);
            (0..n).map(|_| pool[r.gen_range(0..5)].clone()).collect()
        }
    }
}

/// A TCP segment from `src` to `dst` (Ethernet II, no FCS).
#[allow(clippy::too_many_arguments)] // one argument per header field
pub fn segment(
    src: [u8; 4],
    dst: [u8; 4],
    sport: u16,
    dport: u16,
    seq: u32,
    ack: Option<u32>,
    syn: bool,
    ece_cwr: bool,
    opts: &[O],
    payload: &[u8],
) -> Option<Vec<u8>> {
    let mut b = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 9], [2, 0, 0, 0, 0, 1])
        .ipv4(src, dst, 64)
        .tcp(sport, dport, seq, 29200);
    if syn {
        b = b.syn();
    }
    if let Some(a) = ack {
        b = b.ack(a);
    }
    if ece_cwr {
        b = b.ece().cwr();
    }
    let b = b.options(opts).ok()?;
    let mut f = Vec::new();
    b.write(&mut f, payload).ok()?;
    Some(f)
}

/// Random traffic: (frame without FCS, to be sent with a bad FCS?).
pub fn traffic(c: &Config, r: &mut StdRng, n: usize) -> Vec<(Vec<u8>, bool)> {
    let mut out = Vec::new();
    while out.len() < n {
        let client = [198, 18, r.gen_range(2..4), r.gen()];
        let sport: u16 = r.gen_range(1024..65535);
        let dport = [80, 443, 8080, 22, 80, 443][r.gen_range(0..6)];
        let dst = if r.gen_bool(0.9) {
            SERVER
        } else {
            [198, 18, 1, 2]
        };
        let seq: u32 = r.gen();
        let opts = random_opts(r);
        let Some(syn) = segment(
            client,
            dst,
            sport,
            dport,
            seq,
            None,
            true,
            r.gen_bool(0.2),
            &opts,
            &[],
        ) else {
            continue;
        };
        out.push((syn.clone(), false));
        if let Action::SynAck(sa) = process(c, &syn) {
            {
                // the client's ACK: echo the timestamp if both sides had it
                let isn = u32::from_be_bytes(sa[38..42].try_into().unwrap());
                let tsval_ours = (sa.len() >= 70 && sa[54 + 4..54 + 8].ends_with(&[8, 10]))
                    .then(|| u32::from_be_bytes(sa[62..66].try_into().unwrap()));
                let ack_opts: Vec<O> = tsval_ours
                    .map(|t| vec![O::Noop, O::Noop, O::Timestamp(r.gen(), t)])
                    .unwrap_or_default();
                let ack = match r.gen_range(0..5) {
                    0 => isn.wrapping_add(r.gen()), // forged
                    _ => isn.wrapping_add(1),
                };
                if let Some(a) = segment(
                    client,
                    dst,
                    sport,
                    dport,
                    seq.wrapping_add(1),
                    Some(ack),
                    false,
                    false,
                    &ack_opts,
                    &[],
                ) {
                    out.push((a, false));
                }
            }
        }
        // noise
        match r.gen_range(0..12) {
            0 => {
                // data on an established connection
                if let Some(d) = segment(
                    client,
                    dst,
                    sport,
                    dport,
                    seq,
                    Some(r.gen()),
                    false,
                    false,
                    &[],
                    b"GET / HTTP/1.0\r\n\r\n",
                ) {
                    out.push((d, false));
                }
            }
            1 => {
                // a SYN with a broken TCP checksum
                if let Some(mut d) =
                    segment(client, dst, sport, 80, seq, None, true, false, &opts, &[])
                {
                    d[50] ^= 0x01;
                    out.push((d, false));
                }
            }
            2 => {
                // bad FCS on the wire
                out.push((syn.clone(), true));
            }
            3 => {
                // VLAN-tagged SYN
                let mut d = syn.clone();
                d.splice(12..12, [0x81, 0x00, 0x00, 0x05]);
                out.push((d, false));
            }
            4 => {
                // fragment
                let mut d = syn.clone();
                d[20] |= 0x20;
                let ck = etherparse::Ipv4HeaderSlice::from_slice(&d[14..34])
                    .unwrap()
                    .to_header()
                    .calc_header_checksum();
                d[24..26].copy_from_slice(&ck.to_be_bytes());
                out.push((d, false));
            }
            5 => {
                // a SYN carrying data: longer than the window
                if let Some(d) = segment(
                    client,
                    dst,
                    sport,
                    80,
                    seq,
                    None,
                    true,
                    false,
                    &[],
                    &[0x42; 60],
                ) {
                    out.push((d, false));
                }
            }
            6 => {
                // runt
                let k = r.gen_range(1..40);
                out.push((syn[..k].to_vec(), false));
            }
            7 => {
                // UDP
                let mut d = Vec::new();
                PacketBuilder::ethernet2([2, 0, 0, 0, 0, 9], [2, 0, 0, 0, 0, 1])
                    .ipv4(client, dst, 64)
                    .udp(sport, 80)
                    .write(&mut d, &[1, 2, 3])
                    .unwrap();
                out.push((d, false));
            }
            _ => {}
        }
    }
    out
}

/// Flood SYN number `i`: a minimum-size pure SYN (no options, padded to 60
/// bytes, no FCS) from client 198.18.(2 + i / 256).(i % 256) port
/// 40000 + i % 1000 to [`SERVER`] port 80.
pub fn min_syn(i: u32, seq: u32) -> Vec<u8> {
    flood_segment(i, seq, None)
}

/// The segment after [`min_syn`] `i`: a pure ACK of `ack` with sequence
/// number `seq` (the client's ISN + 1 to complete the handshake), padded to
/// 60 bytes, no FCS.
pub fn flood_ack(i: u32, seq: u32, ack: u32) -> Vec<u8> {
    flood_segment(i, seq, Some(ack))
}

fn flood_segment(i: u32, seq: u32, ack: Option<u32>) -> Vec<u8> {
    let client = [198, 18, 2 + (i >> 8) as u8, i as u8];
    let mut f = segment(
        client,
        SERVER,
        40000 + (i % 1000) as u16,
        80,
        seq,
        ack,
        ack.is_none(),
        false,
        &[],
        &[],
    )
    .expect("frame builds");
    f.resize(60, 0);
    f
}
