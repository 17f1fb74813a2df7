//! The frame buffers' banked RAM (`hdl/src/dma/bank_ram.rs`): its ECP5
//! flavour (DP16KD block RAMs with output registers, what an ECP5 build
//! and the timing report synthesize) against the inferred flavour (what
//! Verilator, Icarus and Vivado get), side by side in Icarus under random
//! writes and reads, word by word every clock. The DP16KD is a model
//! (`hdl/src/board/rtl/dp16kd_sim.v`) of the one mode used, written from Lattice's memory guide
//! and yosys's own mapping; a wrong byte lane, address bit or latency in
//! the instantiation shows up as a mismatch.

#[path = "../icarus/run.rs"]
mod run;

use ferronic_hdl::dma::bank_ram::{ecp5, generic, out_mux, Addr, Lane};
use std::time::Duration;

const MODEL: &str = ferronic_hdl::board::rgmii::DP16KD_SIM_V;

/// One RAM shape: word bits, words, write lanes (bits each), whether the
/// first read stage has an enable.
struct Shape {
    dw: usize,
    words: usize,
    lane_bits: usize,
    rd_en: bool,
}

/// A module `name` around one flavour's text: write port `wa`, `we` (a
/// bit a lane), `wd`; read port `ra`, `ren`; the word on `q`.
fn module(
    name: &str,
    s: &Shape,
    body: fn(&str, usize, usize, Addr, &[Lane], Addr, &str) -> String,
) -> String {
    let ab = s.words.trailing_zeros();
    let lanes: Vec<Lane> = (0..s.dw / s.lane_bits)
        .map(|n| Lane {
            en: format!("we[{n}]"),
            hi: n * s.lane_bits + s.lane_bits - 1,
            lo: n * s.lane_bits,
            data: format!(
                "wd[{}:{}]",
                n * s.lane_bits + s.lane_bits - 1,
                n * s.lane_bits
            ),
        })
        .collect();
    let (wa, ra) = (Addr { sig: "wa", lo: 0 }, Addr { sig: "ra", lo: 0 });
    let ren = if s.rd_en { "ren" } else { "1'b1" };
    format!(
        "module {name}(input clock, input [{am}:0] wa, input [{lm}:0] we, input [{dm}:0] wd,\n\
         \x20 input [{am}:0] ra, input ren, output [{dm}:0] q);\n{}{}assign q = m_out;\nendmodule\n",
        body("m", s.dw, s.words, wa, &lanes, ra, ren),
        out_mux("m", s.dw, s.words, ra),
        am = ab - 1,
        lm = s.dw / s.lane_bits - 1,
        dm = s.dw - 1
    )
}

/// The testbench: every word written once in full, then `n` clocks of
/// random lane writes and random reads; `q` of both compared each clock
/// (X included); the counts go to `out.txt`.
fn bench(s: &Shape, n: usize, seed: u32) -> String {
    let ab = s.words.trailing_zeros();
    let lanes = s.dw / s.lane_bits;
    let words32 = s.dw.div_ceil(32);
    format!(
        "module tb;\n\
         reg clock = 0; reg [{am}:0] wa = 0; reg [{lm}:0] we = 0; reg [{wm}:0] wd = 0;\n\
         reg [{am}:0] ra = 0; reg ren = 0; wire [{dm}:0] qg; wire [{dm}:0] qe;\n\
         ram_g g(.clock(clock), .wa(wa), .we(we), .wd(wd[{dm}:0]), .ra(ra), .ren(ren), .q(qg));\n\
         ram_e e(.clock(clock), .wa(wa), .we(we), .wd(wd[{dm}:0]), .ra(ra), .ren(ren), .q(qe));\n\
         integer seed = {seed}; integer i; integer j; integer bad = 0; integer seen = 0; integer f;\n\
         always #5 clock = !clock;\n\
         initial begin\n\
         \x20 for (i = 0; i < {words}; i = i + 1) begin\n\
         \x20   @(negedge clock); wa = i; we = {{{lanes}{{1'b1}}}};\n\
         \x20   for (j = 0; j < {words32}; j = j + 1) wd[32*j +: 32] = $random(seed);\n\
         \x20 end\n\
         \x20 @(negedge clock); we = 0;\n\
         \x20 for (i = 0; i < {n}; i = i + 1) begin\n\
         \x20   @(negedge clock);\n\
         \x20   if (i > 4) begin\n\
         \x20     seen = seen + 1;\n\
         \x20     if (qg !== qe) begin bad = bad + 1; if (bad < 5) $display(\"clock %0d: %h %h\", i, qg, qe); end\n\
         \x20   end\n\
         \x20   wa = $random(seed); we = $random(seed); ra = $random(seed); ren = $random(seed);\n\
         \x20   for (j = 0; j < {words32}; j = j + 1) wd[32*j +: 32] = $random(seed);\n\
         \x20 end\n\
         \x20 f = $fopen(\"out.txt\"); $fdisplay(f, \"%0d %0d\", seen, bad); $fclose(f); $finish;\n\
         end\nendmodule\n",
        am = ab - 1,
        lm = lanes - 1,
        dm = s.dw - 1,
        wm = 32 * words32 - 1,
        words = s.words
    )
}

fn compare(s: Shape) {
    let dir = tempfile::tempdir().unwrap();
    let n = 20_000;
    let v = format!(
        "{}{}{}{}",
        module("ram_g", &s, generic),
        module("ram_e", &s, ecp5),
        MODEL,
        bench(&s, n, 1 + s.dw as u32)
    );
    std::fs::write(dir.path().join("t.v"), v).unwrap();
    run::icarus(dir.path(), "tb", &[], &["t.v"], Duration::from_secs(120));
    let out = std::fs::read_to_string(dir.path().join("out.txt")).unwrap();
    let f: Vec<usize> = out.split_whitespace().map(|x| x.parse().unwrap()).collect();
    assert_eq!(f[0], n - 5, "clocks compared");
    assert_eq!(f[1], 0, "clocks where the DP16KD banks read differently");
}

#[test]
fn transmit_buffer_shape_byte_lanes_four_banks() {
    compare(Shape {
        dw: 128,
        words: 2048,
        lane_bits: 8,
        rd_en: false,
    });
}

#[test]
fn receive_buffer_shape_64_bit_lanes() {
    compare(Shape {
        dw: 128,
        words: 2048,
        lane_bits: 64,
        rd_en: false,
    });
}

#[test]
fn frame_queue_shape_one_shallow_bank_with_a_read_enable() {
    // 144-bit entries: the last block RAM holds 2 of its 4 byte lanes
    compare(Shape {
        dw: 144,
        words: 64,
        lane_bits: 144,
        rd_en: true,
    });
}
