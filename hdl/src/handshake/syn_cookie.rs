//! `SynCookie`: Linux's IPv4 SYN cookies in hardware (`net/ipv4/
//! syncookies.c`), one operation every [`INTERVAL`] clocks, fixed latency
//! [`LATENCY`].
//!
//! Each operation needs three SipHashes of the same connection tuple:
//! `hash0` (secret 0, counter 0), `hash1` (secret 1, counter `count`) and
//! `hash1'` (secret 1, counter `count - 1`), so both a new cookie and the
//! check of a returning one (whose counter may be one period old) finish
//! in one pass. One [`crate::common::siphash`] pipeline computes all three
//! on consecutive clocks (see [`cookie_verilog`]).
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
    pub tag_out: Signal<Out, Bits<T>>,
    _sim: VecDeque<(bool, bool, CookieOut, Bits<T>)>,
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
        self.tag_out.next = t;
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

/// [`cookie_verilog`] with every port name and internal name prefixed by
/// `p`, to inline the unit in a bigger custom module (which declares
/// `{p}key0`, ... itself: inputs as wires, outputs as `reg`s).
pub fn cookie_verilog_prefixed(t: usize, p: &str) -> String {
    // the shared functions and localparam are emitted once by the host module
    let body = cookie_verilog(t).replace(&siphash::functions_verilog(), "");
    let mut out = String::with_capacity(body.len() + 4096);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            let keep = word == "clock"
                || word == "rst"
                || word.starts_with("sip_")
                || word == "LEN_WORD"
                || word.chars().next().is_some_and(|c| c.is_ascii_digit());
            if !keep
                && word
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && !VERILOG_WORDS.contains(&word.as_str())
            {
                out.push_str(p);
            }
            out.push_str(word);
            word.clear();
        }
    };
    let mut in_comment = false;
    let mut prev = ' ';
    for c in body.chars() {
        if in_comment {
            out.push(c);
            if prev == '*' && c == '/' {
                in_comment = false;
            }
            prev = c;
            continue;
        }
        if prev == '/' && c == '*' {
            in_comment = true;
            out.push(c);
            prev = c;
            continue;
        }
        // sized literals (32'd1, 64'h...) are not names
        if c.is_ascii_alphanumeric() || c == '_' {
            if word.is_empty() && prev == '\'' {
                out.push(c);
                prev = c;
                continue;
            }
            if !word.is_empty() || !(prev.is_ascii_alphanumeric() || prev == '\'') {
                word.push(c);
            } else {
                out.push(c);
            }
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
        prev = c;
    }
    flush(&mut word, &mut out);
    out
}

/// Verilog keywords and system names that appear in the generated body.
const VERILOG_WORDS: [&str; 14] = [
    "wire",
    "reg",
    "always",
    "posedge",
    "begin",
    "end",
    "if",
    "else",
    "function",
    "input",
    "localparam",
    "endfunction",
    "assign",
    "integer",
];

/// Depth of the side-data FIFOs (operations in flight between `in_valid`
/// and the output: at most `LATENCY / INTERVAL` + 1 = 9).
const SIDE_DEPTH: usize = 16;

/// The Verilog body of [`SynCookie`] with a `t`-bit tag.
///
/// One SipHash pipeline ([`siphash::pipeline_body`]) hashes the three
/// messages of an operation on three consecutive clocks: `hash0` (key0,
/// counter 0) in the `in_valid` cycle straight from the inputs, then
/// `hash1` (key1, `count`) and `hash1'` (key1, `count - 1`) from registers
/// captured then. The operation's other fields and its tag wait in two
/// 16-entry FIFOs (distributed RAM, not flop chains). After the pipeline,
/// four collector stages (one 32-bit adder or compare deep each) finish
/// the cookie arithmetic: `c0` hash0 + seq, `c1` cookie - that and the
/// ISN's high part, `c2` both candidate low parts, `c3` the verdict.
pub fn cookie_verilog(t: usize) -> String {
    let s = siphash::STAGES;
    let tw = t.max(1);
    let mut v = siphash::functions_verilog();
    v.push_str(
        "wire [31:0] ports = {sport[7:0], sport[15:8], dport[7:0], dport[15:8]};\n\
         wire [63:0] mw0 = {daddr[7:0], daddr[15:8], daddr[23:16], daddr[31:24], saddr[7:0], saddr[15:8], saddr[23:16], saddr[31:24]};\n\
         wire [1:0] idx_in = (mss >= 16'd1460) ? 2'd3 : (mss >= 16'd1440) ? 2'd2 : (mss >= 16'd1300) ? 2'd1 : 2'd0;\n\
         wire [3:0] ws_in = !wscale_ok ? 4'hf : (wscale > 4'd14) ? 4'd14 : wscale;\n\
         wire [31:0] ts_opt = {ts_now[31:6], ecn, sack, ws_in};\n\
         wire [31:0] tsval_in = (ts_opt > ts_now) ? ts_opt - 32'd64 : ts_opt;\n\
         wire [31:0] seq_in = op_check ? seq - 32'd1 : seq;\n\
         // the messages: hash0 from the inputs, then hash1 and hash1' from a_*\n\
         reg [1:0] a_ph; reg [95:0] a_pm; reg [31:0] a_c1, a_c2;\n\
         always @(posedge clock) begin\n\
         \x20 if (rst) a_ph <= 2'd0; else a_ph <= in_valid ? 2'd1 : (a_ph == 2'd1) ? 2'd2 : 2'd0;\n\
         \x20 if (in_valid) begin a_pm <= {ports, mw0}; a_c1 <= count; a_c2 <= count - 32'd1; end\n\
         end\n\
         wire s_valid = in_valid | (a_ph != 2'd0);\n\
         wire [127:0] s_key = (a_ph == 2'd0) ? key0 : key1;\n\
         wire [127:0] s_msg = (a_ph == 2'd0) ? {32'd0, ports, mw0} : {(a_ph == 2'd1) ? a_c1 : a_c2, a_pm};\n",
    );
    v.push_str(&siphash::pipeline_body(
        "h_", "s_key", "s_msg", "s_valid", true,
    ));
    // which of the three hashes each stage holds
    v.push_str(&siphash::delay_verilog("hid", 2, "a_ph", false));
    // side data: op(1) seq(32) ack-1(32) count[7:0](8) idx(2) tsval(32) tsecr[5:0](6) = 113
    v.push_str(&format!(
        "reg [112:0] cq [0:{d1}]; reg [{tw1}:0] tq [0:{d1}]; reg [3:0] cw, cr, to;\n\
         always @(posedge clock) begin\n\
         \x20 if (rst) cw <= 4'd0;\n\
         \x20 else if (in_valid) begin\n\
         \x20   cq[cw] <= {{op_check, seq_in, ack - 32'd1, count[7:0], idx_in, tsval_in, ts_opts}};\n\
         \x20   tq[cw] <= tag_in; cw <= cw + 4'd1;\n\
         \x20 end\n\
         end\n\
         wire [31:0] hh32 = h_st_{s}[31:0] ^ h_st_{s}[95:64] ^ h_st_{s}[159:128] ^ h_st_{s}[223:192];\n\
         wire c0 = h_v_{s} && hid_{s} == 2'd0;\n\
         wire c1 = h_v_{s} && hid_{s} == 2'd1;\n\
         wire c2 = h_v_{s} && hid_{s} == 2'd2;\n\
         wire [112:0] c_head = cq[cr];\n\
         reg [80:0] xr; reg c3;\n\
         wire x_check = xr[80];\n\
         wire [31:0] x_cookie = xr[79:48];\n\
         wire [7:0] x_count = xr[47:40];\n\
         wire [1:0] x_idx = xr[39:38];\n\
         wire [31:0] x_tsval = xr[37:6];\n\
         wire [5:0] x_tsecr = xr[5:0];\n\
         reg [31:0] h0s, c_c, isn1, isn2; reg [23:0] h1r, h1i, d1, d2; reg [7:0] diff;\n\
         wire [23:0] x_d = (diff == 8'd0) ? d1 : d2;\n\
         wire x_ok = (diff < 8'd2) && (x_d < 24'd4);\n\
         wire [1:0] x_mi = x_check ? x_d[1:0] : x_idx;\n\
         wire [15:0] x_mss = (x_mi == 2'd0) ? 16'd536 : (x_mi == 2'd1) ? 16'd1300 : (x_mi == 2'd2) ? 16'd1440 : 16'd1460;\n\
         always @(posedge clock) begin\n\
         \x20 if (rst) begin cr <= 4'd0; c3 <= 1'b0; out_valid <= 1'b0; to <= 4'd0; end\n\
         \x20 else begin\n\
         \x20   c3 <= c2; out_valid <= c3;\n\
         \x20   if (c0) cr <= cr + 4'd1;\n\
         \x20   if (out_valid) to <= to + 4'd1;\n\
         \x20 end\n\
         \x20 // c0: hash0 + seq (seq - 1 for a check)\n\
         \x20 if (c0) begin xr <= {{c_head[112], c_head[79:0]}}; h0s <= hh32 + c_head[111:80]; end\n\
         \x20 // c1: cookie - (hash0 + seq - 1); the ISN's hash0 + seq + (count << 24)\n\
         \x20 if (c1) begin\n\
         \x20   h1r <= hh32[23:0]; h1i <= hh32[23:0] + {{22'd0, x_idx}};\n\
         \x20   c_c <= x_cookie - h0s; isn1 <= h0s + {{x_count, 24'd0}};\n\
         \x20 end\n\
         \x20 // c2: the low 24 bits against hash1 and hash1'; the ISN\n\
         \x20 if (c2) begin\n\
         \x20   d1 <= c_c[23:0] - h1r; d2 <= c_c[23:0] - hh32[23:0];\n\
         \x20   diff <= x_count - c_c[31:24]; isn2 <= isn1 + {{8'd0, h1i}};\n\
         \x20 end\n\
         \x20 if (c3) begin\n\
         \x20   out_check <= x_check;\n\
         \x20   isn <= x_check ? 32'd0 : isn2;\n\
         \x20   ok <= x_check & x_ok;\n\
         \x20   mss_out <= (!x_check || x_ok) ? x_mss : 16'd0;\n\
         \x20   tsval <= x_check ? 32'd0 : x_tsval;\n\
         \x20   ts_wscale <= x_check ? x_tsecr[3:0] : 4'd0;\n\
         \x20   ts_sack <= x_check & x_tsecr[4];\n\
         \x20   ts_ecn <= x_check & x_tsecr[5];\n\
         \x20 end\n\
         end\n\
         always @(*) tag_out = tq[to];\n",
        d1 = SIDE_DEPTH - 1,
        tw1 = tw - 1,
    ));
    v
}
