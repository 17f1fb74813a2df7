//! The DMA movers' realignment shifter, as Verilog text: `<p>_cat` (the
//! newer beat above the older, `2 * DW` bits) shifted right by `<p>_sh`
//! bytes (1..=`K`), in two register stages: whole 4-byte groups into the
//! register `<p>_co`, then the remaining 0..3 bytes into the wire
//! `<p>_out`. Two shallow multiplexers with a register between them
//! instead of one `K`-way multiplexer per bit.
//!
//! Timing: each select drives hundreds of multiplexers, which on ECP5
//! costs more in routing than in logic. So the selects are [`COPIES`]
//! registers, each driving one slice of the data, each loaded in its own
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
    let (dw, lb) = (8 * g.bytes, g.lb());
    let cw = dw + 24;
    let (wc, wf) = (cw / COPIES, dw / COPIES);
    let mut s = String::new();
    writeln!(s, "wire [{}:0] {p}_pad = {{24'd0, {p}_cat}};", 2 * dw + 23).unwrap();
    for k in 0..COPIES {
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
    for k in 0..COPIES {
        writeln!(s, "  case ({p}_sh{k}[{lb}:2])").unwrap();
        for v in 0..=g.bytes / 4 {
            writeln!(
                s,
                "    {}'d{v}: {p}_coarse[{}:{}] = {p}_pad[{}:{}];",
                lb - 1,
                k * wc + wc - 1,
                k * wc,
                v * 32 + k * wc + wc - 1,
                v * 32 + k * wc
            )
            .unwrap();
        }
        writeln!(
            s,
            "    default: {p}_coarse[{}:{}] = {wc}'d0;\n  endcase",
            k * wc + wc - 1,
            k * wc
        )
        .unwrap();
        writeln!(s, "  case ({p}_fine{k})").unwrap();
        for f in 0..4 {
            writeln!(
                s,
                "    2'd{f}: {p}_out[{}:{}] = {p}_co[{}:{}];",
                k * wf + wf - 1,
                k * wf,
                f * 8 + k * wf + wf - 1,
                f * 8 + k * wf
            )
            .unwrap();
        }
        s.push_str("  endcase\n");
    }
    s.push_str("end\n");
    // one always block per copy, each marked keep: yosys merges equal
    // flip-flops of one block, but not those of a kept block
    writeln!(s, "always @(posedge clock) {p}_co <= {p}_coarse;").unwrap();
    for k in 0..COPIES {
        writeln!(
            s,
            "(* keep *) always @(posedge clock) if ({when}) {p}_sh{k} <= {src};\n\
             (* keep *) always @(posedge clock) {p}_fine{k} <= {p}_sh{k}[1:0];"
        )
        .unwrap();
    }
    s
}
