//! The DMA movers' realignment shifter, as Verilog text: `<p>_cat` (the
//! newer beat above the older, `2 * DW` bits) shifted right by `<p>_sh`
//! bytes (1..=`K`), in two register stages: whole 4-byte groups into the
//! register `<p>_co`, then the remaining 0..3 bytes into the wire
//! `<p>_out`. Two shallow multiplexers with a register between them
//! instead of one `K`-way multiplexer per bit.
//!
//! Timing: each select drives hundreds of multiplexers, which on ECP5
//! costs more in routing than in logic. So the selects are [`COPIES`]
//! registers (or as many as [`rotate_copies`] is given), each driving one
//! slice of the data, each loaded in its own
//! `(* keep *) always` block: yosys merges equal flip-flops (a `keep` on
//! the `reg` alone did not stop it: the 8 copies became one), but not
//! those of a kept block.

use crate::dma::burst::Geometry;
use std::fmt::Write as _;

/// Copies of each select register (slices of the data per copy).
pub const COPIES: usize = 8;

/// Declarations, loads and multiplexers for prefix `p`: the copies of
/// `<p>_sh` load `src` when `when` is 1, `<p>_co` and the fine selects
/// load every clock (the body's valid flags say when they hold a beat);
/// the body defines `<p>_cat` and reads `<p>_out`.
pub fn rotate(g: &Geometry, p: &str, when: &str, src: &str) -> String {
    rotate_copies(g, p, when, src, COPIES)
}

/// As [`rotate`] with `copies` select registers (1..=the data width in
/// bytes; slices differ by at most a bit where `copies` does not divide
/// the widths).
pub fn rotate_copies(g: &Geometry, p: &str, when: &str, src: &str, copies: usize) -> String {
    let (dw, lb) = (8 * g.bytes, g.lb());
    let cw = dw + 24;
    assert!((1..=g.bytes).contains(&copies), "1..=K copies");
    // slice k of a width-w word: bits lo(k, w) .. lo(k + 1, w) - 1
    let lo = |k: usize, w: usize| k * w / copies;
    let mut s = String::new();
    writeln!(s, "wire [{}:0] {p}_pad = {{24'd0, {p}_cat}};", 2 * dw + 23).unwrap();
    for k in 0..copies {
        writeln!(
            s,
            "(* keep *) reg [{lb}:0] {p}_sh{k}; (* keep *) reg [1:0] {p}_fine{k};"
        )
        .unwrap();
    }
    writeln!(
        s,
        "reg [{}:0] {p}_coarse; reg [{}:0] {p}_co; reg [{}:0] {p}_out;",
        cw - 1,
        cw - 1,
        dw - 1
    )
    .unwrap();
    s.push_str("always @(*) begin\n");
    for k in 0..copies {
        let (c0, c1) = (lo(k, cw), lo(k + 1, cw) - 1);
        writeln!(s, "  case ({p}_sh{k}[{lb}:2])").unwrap();
        for v in 0..=g.bytes / 4 {
            writeln!(
                s,
                "    {}'d{v}: {p}_coarse[{c1}:{c0}] = {p}_pad[{}:{}];",
                lb - 1,
                v * 32 + c1,
                v * 32 + c0
            )
            .unwrap();
        }
        writeln!(
            s,
            "    default: {p}_coarse[{c1}:{c0}] = {}'d0;\n  endcase",
            c1 - c0 + 1
        )
        .unwrap();
        let (f0, f1) = (lo(k, dw), lo(k + 1, dw) - 1);
        writeln!(s, "  case ({p}_fine{k})").unwrap();
        for f in 0..4 {
            writeln!(
                s,
                "    2'd{f}: {p}_out[{f1}:{f0}] = {p}_co[{}:{}];",
                f * 8 + f1,
                f * 8 + f0
            )
            .unwrap();
        }
        s.push_str("  endcase\n");
    }
    s.push_str("end\n");
    // one always block per copy, each marked keep: yosys merges equal
    // flip-flops of one block, but not those of a kept block
    writeln!(s, "always @(posedge clock) {p}_co <= {p}_coarse;").unwrap();
    for k in 0..copies {
        writeln!(
            s,
            "(* keep *) always @(posedge clock) if ({when}) {p}_sh{k} <= {src};\n\
             (* keep *) always @(posedge clock) {p}_fine{k} <= {p}_sh{k}[1:0];"
        )
        .unwrap();
    }
    s
}
