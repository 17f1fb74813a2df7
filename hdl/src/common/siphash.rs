//! `SipHash16`: SipHash-2-4 of a 16-byte message, fully pipelined, one
//! hash per clock (Aumasson and Bernstein, "SipHash: a fast short-input
//! PRF", 2012). This is Linux's `siphash_4u32` (`lib/siphash.c`), the hash
//! of the SYN cookies (`net/ipv4/syncookies.c`).
//!
//! A 16-byte message is three compression blocks (two message words and
//! the length word `16 << 56`) of 2 SipRounds each, then 4 finalization
//! SipRounds: 10 SipRounds. Each pipeline stage does half a SipRound (one
//! 64-bit adder deep), so there are [`STAGES`] stages after the input
//! register and the latency is [`LATENCY`] cycles.
//!
//! Ports:
//! * `k` (128 bits): the key; `k0` in bits 63:0, `k1` in 127:64 (key bytes
//!   0..7 and 8..15 read little-endian).
//! * `m` (128 bits): the message; bytes 0..7 little-endian in bits 63:0,
//!   bytes 8..15 in 127:64.
//! * `in_valid`, `tag_in` (`T` bits): sampled with `k` and `m` at a rising
//!   edge, whatever the cycle (no backpressure).
//! * `out_valid`, `tag_out`, `hash` (64 bits): [`LATENCY`] cycles later.
//! * `rst`: clears the valid bits.
//!
//! Emitted as custom Verilog (two Verilog functions for the half rounds and
//! one register set per stage). The Rust `update()` computes the same hash
//! with [`siphash16`] and delays it by [`LATENCY`] cycles; the Verilog is
//! checked against the `siphasher` crate by this module's Icarus test and in
//! Verilator through the handshake engine.

use crate::common::add_select::{carry_select, statements};
use rust_hdl::prelude::*;
use std::collections::VecDeque;

/// Half-SipRound stages after the input register.
pub const STAGES: usize = 20;
/// Cycles from `in_valid` to `out_valid`.
pub const LATENCY: usize = STAGES + 1;

/// SipHash's initialization constants ("somepseudorandomlygeneratedbytes").
pub const IV: [u64; 4] = [
    0x736f_6d65_7073_6575,
    0x646f_7261_6e64_6f6d,
    0x6c79_6765_6e65_7261,
    0x7465_6462_7974_6573,
];

/// First half of a SipRound: `v0 += v1; v1 = rotl(v1,13) ^ v0; v0 =
/// rotl(v0,32); v2 += v3; v3 = rotl(v3,16) ^ v2`.
pub fn half_a(v: [u64; 4]) -> [u64; 4] {
    let [mut v0, mut v1, mut v2, mut v3] = v;
    v0 = v0.wrapping_add(v1);
    v1 = v1.rotate_left(13) ^ v0;
    v0 = v0.rotate_left(32);
    v2 = v2.wrapping_add(v3);
    v3 = v3.rotate_left(16) ^ v2;
    [v0, v1, v2, v3]
}

/// Second half: `v0 += v3; v3 = rotl(v3,21) ^ v0; v2 += v1; v1 =
/// rotl(v1,17) ^ v2; v2 = rotl(v2,32)`.
pub fn half_b(v: [u64; 4]) -> [u64; 4] {
    let [mut v0, mut v1, mut v2, mut v3] = v;
    v0 = v0.wrapping_add(v3);
    v3 = v3.rotate_left(21) ^ v0;
    v2 = v2.wrapping_add(v1);
    v1 = v1.rotate_left(17) ^ v2;
    v2 = v2.rotate_left(32);
    [v0, v1, v2, v3]
}

/// What is XORed into the state after stage `s` (1-based) to move to the
/// next block: `(into v0, into v2, into v3)` given the message words.
fn fixup(s: usize, m0: u64, m1: u64) -> (u64, u64, u64) {
    const B: u64 = 16 << 56;
    match s {
        4 => (m0, 0, m1),
        8 => (m1, 0, B),
        12 => (B, 0xff, 0),
        _ => (0, 0, 0),
    }
}

/// SipHash-2-4 of 16 bytes given as two little-endian words, computed with
/// the same stage schedule as the hardware.
pub fn siphash16(k0: u64, k1: u64, m0: u64, m1: u64) -> u64 {
    let mut v = [IV[0] ^ k0, IV[1] ^ k1, IV[2] ^ k0, IV[3] ^ k1 ^ m0];
    for s in 1..=STAGES {
        v = if s % 2 == 1 { half_a(v) } else { half_b(v) };
        let (x0, x2, x3) = fixup(s, m0, m1);
        v[0] ^= x0;
        v[2] ^= x2;
        v[3] ^= x3;
    }
    v[0] ^ v[1] ^ v[2] ^ v[3]
}

/// Pipelined SipHash-2-4 of 16 bytes; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct SipHash16<const T: usize> {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub k: Signal<In, Bits<128>>,
    pub m: Signal<In, Bits<128>>,
    pub in_valid: Signal<In, Bit>,
    pub tag_in: Signal<In, Bits<T>>,
    pub out_valid: Signal<Out, Bit>,
    pub tag_out: Signal<Out, Bits<T>>,
    pub hash: Signal<Out, Bits<64>>,
    _sim: VecDeque<(bool, Bits<T>, u64)>,
}

fn word(b: Bits<128>, i: usize) -> u64 {
    b.get_bits::<64>(64 * i).to_u64()
}

impl<const T: usize> Logic for SipHash16<T> {
    fn update(&mut self) {
        if self._sim.len() != LATENCY {
            self._sim = (0..LATENCY).map(|_| (false, Bits::default(), 0)).collect();
        }
        if self.clock.pos_edge() {
            self._sim.pop_back();
            let (k, m) = (self.k.val(), self.m.val());
            let h = siphash16(word(k, 0), word(k, 1), word(m, 0), word(m, 1));
            let v = self.in_valid.val() && !self.rst.val();
            self._sim.push_front((v, self.tag_in.val(), h));
            if self.rst.val() {
                for e in self._sim.iter_mut() {
                    e.0 = false;
                }
            }
        }
        let (v, t, h) = *self._sim.back().expect("filled");
        self.out_valid.next = v;
        self.tag_out.next = t;
        self.hash.next = Bits::<64>::from(h);
    }

    fn connect(&mut self) {
        self.out_valid.connect();
        self.tag_out.connect();
        self.hash.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(pipeline_verilog(T))
    }
}

/// `x` (a 64-bit name) rotated left by `n`.
fn rotl(x: &str, n: usize) -> String {
    format!("{{{x}[{}:0], {x}[63:{}]}}", 63 - n, 64 - n)
}

/// Module-level declarations the pipelines need (the length word of the
/// last compression block); emitted once per module.
pub fn functions_verilog() -> String {
    "localparam [63:0] LEN_WORD = 64'h1000000000000000;\n".to_string()
}

/// One SipHash pipeline's registers and `always` block: key `k` and
/// message `m` (128-bit signal names, not expressions: they are
/// part-selected) sampled when `v` (a 1-bit signal) is high. A valid bit
/// `{p}v_s` travels beside stage `s` (cleared by `rst`). The input stage
/// loads every clock (an enable from `v` would fan out to 384 flip-flops:
/// the handshake engine's ECP5 critical path); each later stage's
/// registers load only when the stage before holds a valid hash: clock
/// enables, so an idle pipeline holds still (in Verilator it costs one
/// test per stage); the message words beside stages 1-7 (`{p}ms_s`,
/// then only `m1` in `{p}mh_s`) shift every clock instead, a delay line
/// that synthesis maps to shift-register LUTs. Stage `s` holds the state words `v0..v3` in
/// `{p}s{s}_0..3`, each half round written out per word (no function and
/// no 256-bit temporaries, which Verilator would clear every clock). The
/// state after the last stage is the wire `{p}st_20` (`{v3, v2, v1,
/// v0}`), valid while `{p}v_20`; the hash is [`hash_expr`]. Needs
/// [`functions_verilog`] in the same module.
///
/// `partial`: the user takes only some bits of the hash; the last stage's
/// other bits are then waived from Verilator's UNUSEDSIGNAL lint (synthesis
/// removes those flops).
pub fn pipeline_body(p: &str, k: &str, m: &str, v_in: &str, partial: bool) -> String {
    let mut v = String::new();
    for s in 0..=STAGES {
        v.push_str(&format!(
            "reg [63:0] {p}s{s}_0, {p}s{s}_1, {p}s{s}_2, {p}s{s}_3;\nreg {p}v_{s};\n"
        ));
        // both message words until stage 4 uses m0, then only m1
        if s < 4 {
            v.push_str(&format!("reg [127:0] {p}ms_{s};\n"));
        } else if s < 8 {
            v.push_str(&format!("reg [63:0] {p}mh_{s};\n"));
        }
    }
    let last = STAGES;
    let (off, on) = if partial {
        (
            "/* verilator lint_off UNUSEDSIGNAL */\n",
            "/* verilator lint_on UNUSEDSIGNAL */\n",
        )
    } else {
        ("", "")
    };
    v.push_str(&format!(
        "{off}wire [255:0] {p}st_{last} = {{{p}s{last}_3, {p}s{last}_2, {p}s{last}_1, {p}s{last}_0}};\n{on}"
    ));
    // the adders' temporaries are declared before the block that
    // assigns them (blocking, inside each stage's enable)
    let mut decls = String::new();
    let head = std::mem::take(&mut v);
    v.push_str("always @(posedge clock) begin\n  if (rst) begin\n");
    for s in 0..=STAGES {
        v.push_str(&format!("    {p}v_{s} <= 1'b0;\n"));
    }
    v.push_str(&format!("  end else begin\n    {p}v_0 <= {v_in};\n"));
    for s in 1..=STAGES {
        v.push_str(&format!("    {p}v_{s} <= {p}v_{};\n", s - 1));
    }
    v.push_str("  end\n");
    v.push_str(&format!(
        "  // the input stage loads every clock (an enable here fans out to\n  // 384 flip-flops; the valid bit says when it holds a hash)\n  begin\n    {p}s0_0 <= 64'h{:016x} ^ {k}[63:0];\n    {p}s0_1 <= 64'h{:016x} ^ {k}[127:64];\n\
         \x20   {p}s0_2 <= 64'h{:016x} ^ {k}[63:0];\n    {p}s0_3 <= 64'h{:016x} ^ {k}[127:64] ^ {m}[63:0];\n    {p}ms_0 <= {m};\n  end\n",
        IV[0], IV[1], IV[2], IV[3]
    ));
    for s in 1..=STAGES {
        let q = s - 1;
        let a = |j: usize| format!("{p}s{q}_{j}");
        // what is XORed into v0, v2, v3 after this stage (next block)
        let (x0, x2, x3) = match s {
            4 => (
                format!(" ^ {p}ms_{q}[63:0]"),
                String::new(),
                format!(" ^ {p}ms_{q}[127:64]"),
            ),
            8 => (
                format!(" ^ {p}mh_{q}"),
                String::new(),
                " ^ LEN_WORD".to_string(),
            ),
            12 => (
                " ^ LEN_WORD".to_string(),
                " ^ 64'hff".to_string(),
                String::new(),
            ),
            _ => (String::new(), String::new(), String::new()),
        };
        // the stage's two 64-bit adds, carry-select in 16-bit pieces
        // (temporaries assigned inside the stage's enable)
        let (ja, jb) = if s % 2 == 1 {
            ((0, 1), (2, 3))
        } else {
            ((0, 3), (2, 1))
        };
        let (na, nb) = (format!("{p}x{s}_a"), format!("{p}x{s}_b"));
        let add_a = carry_select(&na, &a(ja.0), &a(ja.1), 64, 16);
        let add_b = carry_select(&nb, &a(jb.0), &a(jb.1), 64, 16);
        decls.push_str(&add_a.decl);
        decls.push_str(&add_b.decl);
        let n = if s % 2 == 1 {
            // v0 += v1; v1 = rotl(v1,13) ^ v0; v0 = rotl(v0,32);
            // v2 += v3; v3 = rotl(v3,16) ^ v2
            let (s01, s23) = (&na, &nb);
            [
                format!("{}{x0}", rotl(s01, 32)),
                format!("{} ^ {s01}", rotl(&a(1), 13)),
                format!("{s23}{x2}"),
                format!("{} ^ {s23}{x3}", rotl(&a(3), 16)),
            ]
        } else {
            // v0 += v3; v3 = rotl(v3,21) ^ v0; v2 += v1;
            // v1 = rotl(v1,17) ^ v2; v2 = rotl(v2,32)
            let (s03, s21) = (&na, &nb);
            [
                format!("{s03}{x0}"),
                format!("{} ^ {s21}", rotl(&a(1), 17)),
                format!("{}{x2}", rotl(s21, 32)),
                format!("{} ^ {s03}{x3}", rotl(&a(3), 21)),
            ]
        };
        v.push_str(&format!("  if ({p}v_{q}) begin\n"));
        v.push_str(&statements(&[&add_a, &add_b], "    "));
        for (j, e) in n.iter().enumerate() {
            v.push_str(&format!("    {p}s{s}_{j} <= {e};\n"));
        }
        v.push_str("  end\n");
    }
    // the message words beside the stages that read them: a plain delay
    // line, shifting every clock (a hash moves one stage a clock, loaded
    // or not), so synthesis maps it to shift-register LUTs (SRL16 on
    // xcup: 768 flip-flops fewer than with the stages' enables)
    v.push_str("  begin\n");
    for s in 1..=7 {
        let q = s - 1;
        match s {
            1..=3 => v.push_str(&format!("    {p}ms_{s} <= {p}ms_{q};\n")),
            4 => v.push_str(&format!("    {p}mh_4 <= {p}ms_3[127:64];\n")),
            _ => v.push_str(&format!("    {p}mh_{s} <= {p}mh_{q};\n")),
        }
    }
    v.push_str("  end\n");
    v.push_str("end\n/* verilator lint_on BLKSEQ */\n");
    format!("{head}{decls}/* verilator lint_off BLKSEQ */\n{v}")
}

/// The 64-bit hash of pipeline `p`'s last stage.
pub fn hash_expr(p: &str) -> String {
    let s = STAGES;
    format!("({p}st_{s}[63:0] ^ {p}st_{s}[127:64] ^ {p}st_{s}[191:128] ^ {p}st_{s}[255:192])")
}

/// A delay line of `LATENCY` registers `{p}_0..{p}_20` of `w` bits fed
/// by `input` (cleared by `rst` when `clear`), for what travels beside a
/// pipeline. The last is `{p}_20`.
pub fn delay_verilog(p: &str, w: usize, input: &str, clear: bool) -> String {
    let mut v = String::new();
    for s in 0..=STAGES {
        v.push_str(&format!("reg [{}:0] {p}_{s};\n", w - 1));
    }
    v.push_str("always @(posedge clock) begin\n");
    let body = |v: &mut String, ind: &str| {
        v.push_str(&format!("{ind}{p}_0 <= {input};\n"));
        for s in 1..=STAGES {
            v.push_str(&format!("{ind}{p}_{s} <= {p}_{};\n", s - 1));
        }
    };
    if clear {
        v.push_str("  if (rst) begin\n");
        for s in 0..=STAGES {
            v.push_str(&format!("    {p}_{s} <= {w}'d0;\n"));
        }
        v.push_str("  end else begin\n");
        body(&mut v, "    ");
        v.push_str("  end\n");
    } else {
        body(&mut v, "  ");
    }
    v.push_str("end\n");
    v
}

/// The Verilog body of [`SipHash16`] with a `t`-bit tag.
pub fn pipeline_verilog(t: usize) -> String {
    let mut v = functions_verilog();
    v.push_str(&pipeline_body("", "k", "m", "in_valid", false));
    v.push_str(&delay_verilog("tg", t.max(1), "tag_in", false));
    v.push_str(&format!(
        "always @(*) begin\n  out_valid = v_{STAGES};\n  tag_out = tg_{STAGES};\n  hash = {};\nend\n",
        hash_expr("")
    ));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_equals_the_reference_implementation() {
        // the SipHash paper's vector for a 16-byte message (vectors.h [16])
        let k0 = 0x0706_0504_0302_0100;
        let k1 = 0x0f0e_0d0c_0b0a_0908;
        let m0 = 0x0706_0504_0302_0100;
        let m1 = 0x0f0e_0d0c_0b0a_0908;
        assert_eq!(
            siphash16(k0, k1, m0, m1).to_le_bytes(),
            [0xdb, 0x9b, 0xc2, 0x57, 0x7f, 0xcc, 0x2a, 0x3f]
        );
    }
}
