//! Golden model of Linux's IPv4 SYN cookies (`net/ipv4/syncookies.c`,
//! `include/net/tcp.h`), built on the `siphasher` crate: what the hardware
//! handshake engine must compute bit for bit.
//!
//! * `cookie_hash` is `siphash_4u32(saddr, daddr, sport << 16 | dport,
//!   count, &syncookie_secret[c])` truncated to 32 bits. The four words are
//!   the raw `__be32`/`__be16` values as a little-endian host (x86-64,
//!   arm64) holds them, so the 16 hashed bytes are: source address, then
//!   destination address (network order), destination port, source port
//!   (network order), then `count` little-endian.
//! * The ISN is `hash0 + client_isn + (count << 24) + ((hash1(count) +
//!   mss_index) mod 2^24)`; `count` is the minute counter
//!   (`tcp_cookie_time()`, jiffies / 60 s in Linux, a clock divider here).
//! * A returning ACK is accepted when the counter in the cookie is less
//!   than [`MAX_AGE`] periods old and the recovered MSS index is below 4
//!   (`__cookie_v4_check`).
//! * With timestamps, the low [`TS_BITS`] bits of TSval carry window scale,
//!   SACK and ECN (`cookie_init_timestamp`, `cookie_timestamp_decode`).

use siphasher::sip::SipHasher24;

/// `COOKIEBITS`: bits of the cookie below the counter.
pub const COOKIE_BITS: u32 = 24;
/// `COOKIEMASK`.
pub const COOKIE_MASK: u32 = (1 << COOKIE_BITS) - 1;
/// `MAX_SYNCOOKIE_AGE`: counter periods a cookie stays valid.
pub const MAX_AGE: u32 = 2;
/// `msstab[]`: the MSS values a cookie can carry (index in 2 bits).
pub const MSS_TABLE: [u16; 4] = [536, 1300, 1440, 1460];
/// `TSBITS`: low bits of TSval that carry the options.
pub const TS_BITS: u32 = 6;
/// `TS_OPT_WSCALE_MASK`: window-scale field; 0xf = no window scaling.
pub const TS_OPT_WSCALE_MASK: u32 = 0xf;
/// `TS_OPT_SACK`.
pub const TS_OPT_SACK: u32 = 1 << 4;
/// `TS_OPT_ECN`.
pub const TS_OPT_ECN: u32 = 1 << 5;
/// `TCP_MAX_WSCALE` (RFC 7323 section 2.3).
pub const MAX_WSCALE: u8 = 14;

/// The two 128-bit secrets (`syncookie_secret[2]`), each as SipHash's
/// `(k0, k1)`: key bytes 0..7 and 8..15 read little-endian.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Secrets(pub [[u64; 2]; 2]);

/// A connection's addresses, as in the client's SYN: `saddr`/`sport` the
/// client, `daddr`/`dport` the listener.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tuple {
    /// Client IPv4 address, network order.
    pub saddr: [u8; 4],
    /// Listener IPv4 address, network order.
    pub daddr: [u8; 4],
    /// Client port.
    pub sport: u16,
    /// Listener port.
    pub dport: u16,
}

impl Tuple {
    /// The 16 bytes `siphash_4u32` hashes for `count`.
    pub fn message(&self, count: u32) -> [u8; 16] {
        let mut m = [0u8; 16];
        m[0..4].copy_from_slice(&self.saddr);
        m[4..8].copy_from_slice(&self.daddr);
        m[8..10].copy_from_slice(&self.dport.to_be_bytes());
        m[10..12].copy_from_slice(&self.sport.to_be_bytes());
        m[12..16].copy_from_slice(&count.to_le_bytes());
        m
    }
}

/// `cookie_hash(saddr, daddr, sport, dport, count, c)`.
pub fn cookie_hash(s: &Secrets, t: &Tuple, count: u32, c: usize) -> u32 {
    let [k0, k1] = s.0[c];
    SipHasher24::new_with_keys(k0, k1).hash(&t.message(count)) as u32
}

/// `secure_tcp_syn_cookie`: the ISN for a SYN with sequence number `sseq`
/// at minute `count`, carrying `data` (the MSS index) in its low 24 bits.
pub fn make_cookie(s: &Secrets, t: &Tuple, sseq: u32, count: u32, data: u32) -> u32 {
    cookie_hash(s, t, 0, 0)
        .wrapping_add(sseq)
        .wrapping_add(count << COOKIE_BITS)
        .wrapping_add(cookie_hash(s, t, count, 1).wrapping_add(data) & COOKIE_MASK)
}

/// `check_tcp_syn_cookie`: the `data` of a cookie issued for `sseq` at
/// most [`MAX_AGE`] - 1 periods before `count`, or `None` when too old.
pub fn check_cookie(s: &Secrets, t: &Tuple, cookie: u32, sseq: u32, count: u32) -> Option<u32> {
    let c = cookie.wrapping_sub(cookie_hash(s, t, 0, 0).wrapping_add(sseq));
    let diff = count.wrapping_sub(c >> COOKIE_BITS) & (u32::MAX >> COOKIE_BITS);
    if diff >= MAX_AGE {
        return None;
    }
    Some(c.wrapping_sub(cookie_hash(s, t, count.wrapping_sub(diff), 1)) & COOKIE_MASK)
}

/// The MSS table index for a client MSS: the largest entry not above it
/// (index 0 for anything below 1300).
pub fn mss_index(mss: u16) -> u32 {
    (1..MSS_TABLE.len())
        .rev()
        .find(|&i| mss >= MSS_TABLE[i])
        .unwrap_or(0) as u32
}

/// `__cookie_v4_init_sequence`: (ISN, MSS the cookie carries) for a SYN
/// from `t` with sequence number `seq` offering `mss` at minute `count`.
pub fn init_sequence(s: &Secrets, t: &Tuple, seq: u32, mss: u16, count: u32) -> (u32, u16) {
    let i = mss_index(mss);
    (make_cookie(s, t, seq, count, i), MSS_TABLE[i as usize])
}

/// `__cookie_v4_check`: for the ACK completing the handshake (sequence
/// `seq`, acknowledgment `ack`), the MSS the cookie carries, or `None` if
/// it is forged or stale.
pub fn check(s: &Secrets, t: &Tuple, seq: u32, ack: u32, count: u32) -> Option<u16> {
    let cookie = ack.wrapping_sub(1);
    let i = check_cookie(s, t, cookie, seq.wrapping_sub(1), count)?;
    MSS_TABLE.get(i as usize).copied()
}

/// Options a SYN offered, as the cookie timestamp carries them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct TsOptions {
    /// The client's window scale (`snd_wscale`), `None` without the option.
    pub wscale: Option<u8>,
    /// SACK permitted.
    pub sack: bool,
    /// ECN requested (ECE and CWR in the SYN).
    pub ecn: bool,
}

/// `cookie_init_timestamp`: TSval for the SYN-ACK at timestamp clock
/// `now` (ms) with the options folded into its low [`TS_BITS`] bits, never
/// above `now`.
pub fn init_timestamp(now: u32, o: &TsOptions) -> u32 {
    let mut options = o
        .wscale
        .map_or(TS_OPT_WSCALE_MASK, |w| u32::from(w.min(MAX_WSCALE)));
    if o.sack {
        options |= TS_OPT_SACK;
    }
    if o.ecn {
        options |= TS_OPT_ECN;
    }
    let mut ts = (now >> TS_BITS << TS_BITS) | options;
    if ts > now {
        ts = ts.wrapping_sub(1 << TS_BITS);
    }
    ts
}

/// `cookie_timestamp_decode`: the options from the echoed TSecr (a
/// window-scale field of 0xf means the SYN had no window scaling).
pub fn decode_timestamp(tsecr: u32) -> TsOptions {
    let w = tsecr & TS_OPT_WSCALE_MASK;
    TsOptions {
        wscale: (w != TS_OPT_WSCALE_MASK).then_some(w as u8),
        sack: tsecr & TS_OPT_SACK != 0,
        ecn: tsecr & TS_OPT_ECN != 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// `vectors_sip64[0..=16]` of the SipHash reference implementation
    /// (Aumasson and Bernstein, `vectors.h`): key 00..0f, message
    /// 00..len-1, output little-endian.
    const PAPER: [[u8; 8]; 17] = [
        [0x31, 0x0e, 0x0e, 0xdd, 0x47, 0xdb, 0x6f, 0x72],
        [0xfd, 0x67, 0xdc, 0x93, 0xc5, 0x39, 0xf8, 0x74],
        [0x5a, 0x4f, 0xa9, 0xd9, 0x09, 0x80, 0x6c, 0x0d],
        [0x2d, 0x7e, 0xfb, 0xd7, 0x96, 0x66, 0x67, 0x85],
        [0xb7, 0x87, 0x71, 0x27, 0xe0, 0x94, 0x27, 0xcf],
        [0x8d, 0xa6, 0x99, 0xcd, 0x64, 0x55, 0x76, 0x18],
        [0xce, 0xe3, 0xfe, 0x58, 0x6e, 0x46, 0xc9, 0xcb],
        [0x37, 0xd1, 0x01, 0x8b, 0xf5, 0x00, 0x02, 0xab],
        [0x62, 0x24, 0x93, 0x9a, 0x79, 0xf5, 0xf5, 0x93],
        [0xb0, 0xe4, 0xa9, 0x0b, 0xdf, 0x82, 0x00, 0x9e],
        [0xf3, 0xb9, 0xdd, 0x94, 0xc5, 0xbb, 0x5d, 0x7a],
        [0xa7, 0xad, 0x6b, 0x22, 0x46, 0x2f, 0xb3, 0xf4],
        [0xfb, 0xe5, 0x0e, 0x86, 0xbc, 0x8f, 0x1e, 0x75],
        [0x90, 0x3d, 0x84, 0xc0, 0x27, 0x56, 0xea, 0x14],
        [0xee, 0xf2, 0x7a, 0x8e, 0x90, 0xca, 0x23, 0xf7],
        [0xe5, 0x45, 0xbe, 0x49, 0x61, 0xca, 0x29, 0xa1],
        [0xdb, 0x9b, 0xc2, 0x57, 0x7f, 0xcc, 0x2a, 0x3f],
    ];

    #[test]
    fn siphash_2_4_paper_vectors() {
        let h = SipHasher24::new_with_keys(0x0706_0504_0302_0100, 0x0f0e_0d0c_0b0a_0908);
        for (len, want) in PAPER.iter().enumerate() {
            let m: Vec<u8> = (0..len as u8).collect();
            assert_eq!(h.hash(&m).to_le_bytes(), *want, "length {len}");
        }
    }

    fn random(r: &mut impl Rng) -> (Secrets, Tuple) {
        (
            Secrets([[r.gen(), r.gen()], [r.gen(), r.gen()]]),
            Tuple {
                saddr: r.gen(),
                daddr: r.gen(),
                sport: r.gen(),
                dport: r.gen(),
            },
        )
    }

    #[test]
    fn cookies_round_trip_within_two_periods_only() {
        let mut r = rand::rngs::StdRng::seed_from_u64(5);
        for _ in 0..2000 {
            let (s, t) = random(&mut r);
            let (seq, count, mss) = (r.gen::<u32>(), r.gen::<u32>(), r.gen_range(0..9000u16));
            let (isn, carried) = init_sequence(&s, &t, seq, mss, count);
            assert!(carried <= mss.max(536));
            let ack = isn.wrapping_add(1);
            let seq1 = seq.wrapping_add(1);
            assert_eq!(check(&s, &t, seq1, ack, count), Some(carried));
            assert_eq!(
                check(&s, &t, seq1, ack, count.wrapping_add(1)),
                Some(carried)
            );
            assert_eq!(check(&s, &t, seq1, ack, count.wrapping_add(2)), None);
            // another tuple or another secret: refused (up to 2^-22 luck)
            let mut t2 = t;
            t2.sport ^= 1;
            assert_eq!(check(&s, &t2, seq1, ack, count), None);
            let mut s2 = s;
            s2.0[0][0] ^= 1;
            assert_eq!(check(&s2, &t, seq1, ack, count), None);
        }
    }

    #[test]
    fn mss_table_choice() {
        for (mss, i) in [
            (0, 0),
            (535, 0),
            (1299, 0),
            (1300, 1),
            (1459, 2),
            (1460, 3),
            (9000, 3),
        ] {
            assert_eq!(mss_index(mss), i, "{mss}");
        }
    }

    #[test]
    fn timestamp_options_round_trip() {
        for now in [0u32, 63, 64, 1_000_000, u32::MAX] {
            for w in (0..=14).map(Some).chain([None]) {
                for (sack, ecn) in [(false, false), (true, false), (false, true), (true, true)] {
                    let o = TsOptions {
                        wscale: w,
                        sack,
                        ecn,
                    };
                    let ts = init_timestamp(now, &o);
                    assert!(ts <= now || now < 64, "{now} {ts}");
                    assert_eq!(decode_timestamp(ts), o);
                }
            }
        }
        assert_eq!(decode_timestamp(14 | 16).wscale, Some(14));
        assert_eq!(decode_timestamp(0x3f).wscale, None);
    }
}
