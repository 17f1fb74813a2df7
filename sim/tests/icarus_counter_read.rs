//! The register file's counter read path in the emitted Verilog (module
//! `top_regs` of `nic_core.v`, under Icarus): counters arrive as 16-bit
//! chunks with carries still owed between them (issue 12's `CounterBank`),
//! and a read must return their sum, LO then HI from the shadow. Random
//! chunks biased to 0xFFFF and random owed carries change every clock,
//! reads enter every clock, and every answer is checked against plain
//! 64-bit arithmetic on the inputs sampled one clock after the read.

use ferronic_hdl::control::REG_RD_LATENCY;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Duration;

#[path = "icarus/run.rs"]
mod run;
use run::icarus;

/// Counters driven: the first and the last (the others stay 0).
const DRIVEN: [usize; 2] = [0, COUNTERS - 1];
use ferronic_hdl::COUNTERS;

const TB: &str = r#"
`timescale 1ns/1ps
module tb_regs;
parameter N = 1;
reg clk = 0;
always #5 clk = !clk;
reg [159:0] stim [0:N-1];
reg [159:0] s = 0;
integer n = 0, fd;
wire [31:0] rd_data; wire rd_err;
// stimulus: 151 rst, 150 rd_en, 149:134 rd_addr, 133:131 and 130:67 the
// first counter's carries and chunks, 66:64 and 63:0 the last one's
wire [@CB1@:0] counters = {s[63:0], {(@CB@ - 128){1'b0}}, s[130:67]};
wire [@KB1@:0] carries = {s[66:64], {(@KB@ - 6){1'b0}}, s[133:131]};
top_regs dut(.clock(clk), .rst(s[151]), .wr_en(1'b0), .wr_addr(16'h0), .wr_data(32'h0),
  .wr_strb(4'h0), .rd_en(s[150]), .rd_addr(s[149:134]), .rd_data(rd_data), .rd_err(rd_err),
  .counters(counters), .carries(carries), .rss_index(7'h0), .inputs(@IB@'h0));
initial begin
  $readmemh("stim.hex", stim);
  fd = $fopen("out.txt", "w");
end
always @(negedge clk) begin
  $fwrite(fd, "%h %0d\n", rd_data, rd_err);
  if (n == N) begin $fclose(fd); $finish; end
  s = stim[n];
  n = n + 1;
end
endmodule
"#;

/// One clock's inputs: reset, a read (address) and both driven counters'
/// chunks and owed carries.
struct Cycle {
    rst: bool,
    read: Option<u16>,
    c: [u64; 2],
    k: [u64; 2],
}

fn chunk(rng: &mut StdRng) -> u64 {
    match rng.gen_range(0..4) {
        0 => 0xFFFF,
        1 => 0,
        _ => rng.gen_range(0..=0xFFFF),
    }
}

#[test]
fn counter_reads_add_the_owed_carries() {
    let seed: u64 = std::env::var("FERRONIC_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::thread_rng().gen());
    eprintln!("counter_reads_add_the_owed_carries: FERRONIC_SEED={seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let map = ferronic_hdl::verilog::regmap(0, 0);
    let lo = |i: usize| -> u16 {
        let name = &map.counters[i].name;
        map.reg(&format!("counters.{name}_LO")).unwrap().offset as u16
    };
    let mut cycles: Vec<Cycle> = (0..3)
        .map(|_| Cycle {
            rst: true,
            read: None,
            c: [0; 2],
            k: [0; 2],
        })
        .collect();
    for t in 0..2000 {
        let which = rng.gen_range(0..2);
        // LO then, the next clock, HI of the same counter, or a gap
        let read = match t % 3 {
            0 => Some(lo(DRIVEN[which])),
            1 => cycles.last().unwrap().read.map(|a| a + 4),
            _ => None,
        };
        let mut c = [0; 2];
        let mut k = [0; 2];
        for d in 0..2 {
            c[d] = (0..4).fold(0, |v, j| v | chunk(&mut rng) << (16 * j));
            k[d] = rng.gen_range(0..8);
        }
        cycles.push(Cycle {
            rst: false,
            read,
            c,
            k,
        });
    }
    // an idle tail so the last reads come out
    for _ in 0..REG_RD_LATENCY + 2 {
        cycles.push(Cycle {
            rst: false,
            read: None,
            c: [0; 2],
            k: [0; 2],
        });
    }
    let hex: String = cycles
        .iter()
        .map(|y| {
            // (value, width) fields from bit 0 up, as the testbench reads them
            let fields = [
                (y.c[1], 64),
                (y.k[1], 3),
                (y.c[0], 64),
                (y.k[0], 3),
                (u64::from(y.read.unwrap_or(0)), 16),
                (u64::from(y.read.is_some()), 1),
                (u64::from(y.rst), 1),
            ];
            let mut bits = [false; 160];
            let mut at = 0;
            for (v, w) in fields {
                for b in 0..w {
                    bits[at + b] = v >> b & 1 == 1;
                }
                at += w;
            }
            let mut line: String = bits
                .rchunks(4)
                .map(|n| {
                    let x = n.iter().rev().fold(0, |a, &b| a << 1 | u32::from(b));
                    char::from_digit(x, 16).unwrap()
                })
                .collect();
            line.push('\n');
            line
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("stim.hex"), hex).unwrap();
    // the bus widths of this build (81 counters for 8 queues, 529 for 64)
    let tb = TB
        .replace("@CB1@", &(64 * COUNTERS - 1).to_string())
        .replace("@CB@", &(64 * COUNTERS).to_string())
        .replace("@KB1@", &(3 * COUNTERS - 1).to_string())
        .replace("@KB@", &(3 * COUNTERS).to_string())
        .replace("@IB@", &ferronic_hdl::INPUT_BITS.to_string());
    std::fs::write(dir.path().join("tb.v"), tb).unwrap();
    let v = ferronic_hdl::verilog::emit(&map).unwrap();
    std::fs::write(dir.path().join("nic_core.v"), v).unwrap();
    // twice: as simulators see the Verilog, and as synthesis does
    // (`SYNTHESIS` defined: the read path's R2 registers load every clock,
    // without the enables simulators keep for speed)
    for synthesis in [false, true] {
        let mut params = vec![format!("-Ptb_regs.N={}", cycles.len())];
        if synthesis {
            params.push("-DSYNTHESIS".to_string());
        }
        icarus(
            dir.path(),
            "tb_regs",
            &params,
            &["tb.v", "nic_core.v"],
            Duration::from_secs(300),
        );
        let out: Vec<u32> = std::fs::read_to_string(dir.path().join("out.txt"))
            .unwrap()
            .lines()
            .map(|l| u32::from_str_radix(l.split(' ').next().unwrap(), 16).unwrap_or(u32::MAX))
            .collect();
        check(
            &cycles,
            &out,
            seed,
            synthesis,
            [lo(DRIVEN[0]), lo(DRIVEN[1])],
        );
    }
}

/// Every read's answer against plain 64-bit arithmetic on the chunks and
/// owed carries sampled the clock after it; `los`: the driven counters'
/// LO register offsets.
fn check(cycles: &[Cycle], out: &[u32], seed: u64, synthesis: bool, los: [u16; 2]) {
    // out[n] is rd_data while stimulus n is applied; a read in stimulus t
    // samples stimulus t + 1 and answers in t + REG_RD_LATENCY
    let mut shadow = 0u32;
    let mut checked = 0;
    for (t, y) in cycles.iter().enumerate() {
        let Some(a) = y.read else { continue };
        let sampled = &cycles[t + 1];
        let is_lo = a == los[0] || a == los[1];
        let d = usize::from(!(a == los[0] || a == los[0] + 4));
        // the exact value: chunks plus each owed carry at 2^16, 2^32, 2^48
        let mut value = sampled.c[d];
        for j in 0..3 {
            if sampled.k[d] >> j & 1 == 1 {
                value = value.wrapping_add(1 << (16 * (j + 1)));
            }
        }
        let want = if is_lo {
            shadow = (value >> 32) as u32;
            value as u32
        } else {
            shadow
        };
        let got = out[t + REG_RD_LATENCY];
        assert_eq!(
            got, want,
            "seed {seed} (SYNTHESIS {synthesis}): read of {a:#06x} at clock {t}: {got:#010x}, want {want:#010x}"
        );
        checked += 1;
    }
    assert!(checked > 1000, "{checked} reads checked");
}
