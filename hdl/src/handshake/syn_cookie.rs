//! `SynCookie`: Linux's IPv4 SYN cookies in hardware (`net/ipv4/
//! syncookies.c`), one operation every [`INTERVAL`] clocks, fixed latency
//! [`LATENCY`].
//!
//! Each operation needs three SipHashes of the same connection tuple:
//! `hash0` (secret 0, counter 0), `hash1` (secret 1, counter `count`) and
//! `hash1'` (secret 1, counter `count - 1`), so both a new cookie and the
//! check of a returning one (whose counter may be one period old) finish
//! in one pass. One [`crate::common::siphash`] pipeline computes all three
//! on consecutive clocks (see
//! [`crate::handshake::syn_cookie_verilog::cookie_verilog`]).
//!
//! * make (`op_check` = 0): `isn = hash0 + seq + (count << 24) + ((hash1 +
//!   mss_index) mod 2^24)` with `mss_index` the largest entry of {536,
//!   1300, 1440, 1460} not above `mss`; `mss_out` that entry; `tsval` =
//!   `cookie_init_timestamp`: `ts_now` with its low 6 bits replaced by
//!   window scale (0xf: none), SACK (bit 4) and ECN (bit 5), minus 64 if
//!   that is above `ts_now`.
//! * check (`op_check` = 1, `seq`/`ack` of the ACK): `cookie = ack - 1`,
//!   `c = cookie - (hash0 + seq - 1)`, `diff = (count - c[31:24]) mod 256`;
//!   valid when `diff` < 2 and `(c - hash1(count - diff)) mod 2^24` < 4;
//!   `mss_out` the carried MSS (0 if invalid). The options come back from
//!   `ts_opts`, the low 6 bits of the ACK's TSecr
//!   (`cookie_timestamp_decode`).
//!
//! Addresses and ports are numbers with the first wire byte most
//! significant (`saddr` = 198.18.0.1 is 0xC6120001). The hashed bytes are
//! those of `siphash_4u32(saddr, daddr, sport << 16 | dport, count)` on a
//! little-endian host.
//!
//! Secrets: `key0`, `key1` (128 bits each, SipHash `k0` in bits 63:0).
//!
//! Custom Verilog; the Rust `update()` computes the same results with
//! [`make`] and [`check`] and delays them by [`LATENCY`] cycles. The Verilog
//! is checked against ferronic-sim's model of Linux (`sim/tests/
//! cookie_unit.rs`, Icarus).

use crate::common::siphash::{self, siphash16};
use crate::handshake::syn_cookie_verilog::cookie_verilog;
use rust_hdl::prelude::*;
use std::collections::VecDeque;

/// Cycles from `in_valid` to `out_valid`: the pipeline's
/// [`siphash::LATENCY`], two more for `hash1'` issued two clocks after
/// `hash0`, and the collector stages `c1`..`c3` less the one `c0` shares
/// with the last pipeline register.
pub const LATENCY: usize = siphash::LATENCY + 4;
/// Least cycles between two operations (`in_valid`): the three hashes of
/// one operation share one pipeline. The handshake engine launches at most
/// one operation per 8 beats (a frame it answers has at least 58 bytes).
pub const INTERVAL: usize = 3;
/// `msstab[]`.
pub const MSS_TABLE: [u16; 4] = [536, 1300, 1440, 1460];

/// Inputs of one operation (software view, for `update()` and tests).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CookieIn {
    /// Check an ACK (else make a cookie for a SYN).
    pub check: bool,
    /// Client address (first byte most significant).
    pub saddr: u32,
    /// Listener address.
    pub daddr: u32,
    /// Client port.
    pub sport: u16,
    /// Listener port.
    pub dport: u16,
    /// The segment's sequence number.
    pub seq: u32,
    /// The segment's acknowledgment number (check).
    pub ack: u32,
    /// The minute counter.
    pub count: u32,
    /// The SYN's MSS option (make).
    pub mss: u16,
    /// Timestamp clock, ms (make).
    pub ts_now: u32,
    /// The SYN's window scale, if offered (make).
    pub wscale: Option<u8>,
    /// SACK permitted (make).
    pub sack: bool,
    /// ECN requested (make).
    pub ecn: bool,
    /// The ACK's TSecr (check; only bits 5:0 matter).
    pub tsecr: u32,
}

/// Results of one operation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CookieOut {
    /// ISN (make).
    pub isn: u32,
    /// MSS carried by the cookie; 0 when a check fails.
    pub mss: u16,
    /// The check passed (check).
    pub ok: bool,
    /// TSval for the SYN-ACK (make).
    pub tsval: u32,
    /// Options decoded from TSecr (check): window scale (0xf = none).
    pub wscale: u8,
    /// SACK (check).
    pub sack: bool,
    /// ECN (check).
    pub ecn: bool,
}

fn words(i: &CookieIn, count: u32) -> (u64, u64) {
    let m0 = u64::from(i.saddr.swap_bytes()) | u64::from(i.daddr.swap_bytes()) << 32;
    let ports = u32::from(i.dport.swap_bytes()) | u32::from(i.sport.swap_bytes()) << 16;
    (m0, u64::from(ports) | u64::from(count) << 32)
}

fn hash(key: [u64; 2], i: &CookieIn, count: u32) -> u32 {
    let (m0, m1) = words(i, count);
    siphash16(key[0], key[1], m0, m1) as u32
}

/// The MSS table index for `mss`.
pub fn mss_index(mss: u16) -> usize {
    (1..4).rev().find(|&k| mss >= MSS_TABLE[k]).unwrap_or(0)
}

/// A make operation, in software.
pub fn make(key: [[u64; 2]; 2], i: &CookieIn) -> CookieOut {
    let idx = mss_index(i.mss);
    let isn = hash(key[0], i, 0)
        .wrapping_add(i.seq)
        .wrapping_add(i.count << 24)
        .wrapping_add(hash(key[1], i, i.count).wrapping_add(idx as u32) & 0xFF_FFFF);
    let mut opt = i.wscale.map_or(0xf, |w| u32::from(w.min(14)));
    opt |= u32::from(i.sack) << 4 | u32::from(i.ecn) << 5;
    let mut tsval = (i.ts_now & !0x3f) | opt;
    if tsval > i.ts_now {
        tsval = tsval.wrapping_sub(64);
    }
    CookieOut {
        isn,
        mss: MSS_TABLE[idx],
        tsval,
        ..CookieOut::default()
    }
}

/// A check operation, in software.
pub fn check(key: [[u64; 2]; 2], i: &CookieIn) -> CookieOut {
    let cookie = i.ack.wrapping_sub(1);
    let c = cookie.wrapping_sub(hash(key[0], i, 0).wrapping_add(i.seq.wrapping_sub(1)));
    let diff = i.count.wrapping_sub(c >> 24) & 0xFF;
    let d = c.wrapping_sub(hash(key[1], i, i.count.wrapping_sub(diff))) & 0xFF_FFFF;
    let ok = diff < 2 && d < 4;
    CookieOut {
        mss: if ok { MSS_TABLE[d as usize] } else { 0 },
        ok,
        wscale: (i.tsecr & 0xf) as u8,
        sack: i.tsecr & 0x10 != 0,
        ecn: i.tsecr & 0x20 != 0,
        ..CookieOut::default()
    }
}

/// The SYN cookie unit; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct SynCookie<const T: usize> {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub key0: Signal<In, Bits<128>>,
    pub key1: Signal<In, Bits<128>>,
    pub in_valid: Signal<In, Bit>,
    pub op_check: Signal<In, Bit>,
    pub saddr: Signal<In, Bits<32>>,
    pub daddr: Signal<In, Bits<32>>,
    pub sport: Signal<In, Bits<16>>,
    pub dport: Signal<In, Bits<16>>,
    pub seq: Signal<In, Bits<32>>,
    pub ack: Signal<In, Bits<32>>,
    pub count: Signal<In, Bits<32>>,
    pub mss: Signal<In, Bits<16>>,
    pub ts_now: Signal<In, Bits<32>>,
    pub wscale_ok: Signal<In, Bit>,
    pub wscale: Signal<In, Bits<4>>,
    pub sack: Signal<In, Bit>,
    pub ecn: Signal<In, Bit>,
    pub ts_opts: Signal<In, Bits<6>>,
    pub tag_in: Signal<In, Bits<T>>,
    pub out_valid: Signal<Out, Bit>,
    pub out_check: Signal<Out, Bit>,
    pub isn: Signal<Out, Bits<32>>,
    pub mss_out: Signal<Out, Bits<16>>,
    pub ok: Signal<Out, Bit>,
    pub tsval: Signal<Out, Bits<32>>,
    pub ts_wscale: Signal<Out, Bits<4>>,
    pub ts_sack: Signal<Out, Bit>,
    pub ts_ecn: Signal<Out, Bit>,
    /// The tag of the operation in `out_valid`, held from that clock until
    /// the next operation's `out_valid` (a register after the tag FIFO).
    pub tag_out: Signal<Out, Bits<T>>,
    _sim: VecDeque<(bool, bool, CookieOut, Bits<T>)>,
    _held: Bits<T>,
}

fn key(b: Bits<128>) -> [u64; 2] {
    [b.get_bits::<64>(0).to_u64(), b.get_bits::<64>(64).to_u64()]
}

impl<const T: usize> Logic for SynCookie<T> {
    fn update(&mut self) {
        if self._sim.len() != LATENCY {
            self._sim = (0..LATENCY)
                .map(|_| (false, false, CookieOut::default(), Bits::default()))
                .collect();
        }
        if self.clock.pos_edge() {
            if let Some(&(true, _, _, t)) = self._sim.back() {
                self._held = t;
            }
            self._sim.pop_back();
            let u32v = |s: &Signal<In, Bits<32>>| s.val().to_u64() as u32;
            let i = CookieIn {
                check: self.op_check.val(),
                saddr: u32v(&self.saddr),
                daddr: u32v(&self.daddr),
                sport: self.sport.val().to_u64() as u16,
                dport: self.dport.val().to_u64() as u16,
                seq: u32v(&self.seq),
                ack: u32v(&self.ack),
                count: u32v(&self.count),
                mss: self.mss.val().to_u64() as u16,
                ts_now: u32v(&self.ts_now),
                wscale: self
                    .wscale_ok
                    .val()
                    .then_some(self.wscale.val().to_u64() as u8),
                sack: self.sack.val(),
                ecn: self.ecn.val(),
                tsecr: self.ts_opts.val().to_u64() as u32,
            };
            let k = [key(self.key0.val()), key(self.key1.val())];
            let o = if i.check { check(k, &i) } else { make(k, &i) };
            let v = self.in_valid.val() && !self.rst.val();
            self._sim.push_front((v, i.check, o, self.tag_in.val()));
            if self.rst.val() {
                for e in self._sim.iter_mut() {
                    e.0 = false;
                }
            }
        }
        let (v, c, o, t) = *self._sim.back().expect("filled");
        self.out_valid.next = v;
        self.out_check.next = c;
        self.isn.next = Bits::<32>::from(u64::from(o.isn));
        self.mss_out.next = Bits::<16>::from(u64::from(o.mss));
        self.ok.next = o.ok;
        self.tsval.next = Bits::<32>::from(u64::from(o.tsval));
        self.ts_wscale.next = Bits::<4>::from(u64::from(o.wscale));
        self.ts_sack.next = o.sack;
        self.ts_ecn.next = o.ecn;
        self.tag_out.next = if v { t } else { self._held };
    }

    fn connect(&mut self) {
        self.out_valid.connect();
        self.out_check.connect();
        self.isn.connect();
        self.mss_out.connect();
        self.ok.connect();
        self.tsval.connect();
        self.ts_wscale.connect();
        self.ts_sack.connect();
        self.ts_ecn.connect();
        self.tag_out.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(cookie_verilog(T))
    }
}

/// The port names of [`SynCookie`] (besides `clock` and `rst`).
pub const PORTS: [&str; 29] = [
    "key0",
    "key1",
    "in_valid",
    "op_check",
    "saddr",
    "daddr",
    "sport",
    "dport",
    "seq",
    "ack",
    "count",
    "mss",
    "ts_now",
    "wscale_ok",
    "wscale",
    "sack",
    "ecn",
    "ts_opts",
    "tag_in",
    "out_valid",
    "out_check",
    "isn",
    "mss_out",
    "ok",
    "tsval",
    "ts_wscale",
    "ts_sack",
    "ts_ecn",
    "tag_out",
];
