//! The SipHash16 Verilog, run in Icarus Verilog: 2,000 random keys and
//! messages fed with random gaps come out after exactly `LATENCY` cycles,
//! each equal to the `siphasher` crate; plus the paper's 16-byte vector.

use ferronic_hdl::common::siphash::{SipHash16, LATENCY};
use rand::{Rng, SeedableRng};
use rust_hdl::prelude::*;
use siphasher::sip::SipHasher24;
use std::fmt::Write as _;
use std::process::Command;

fn verilog() -> String {
    let mut uut = SipHash16::<16>::default();
    uut.connect_all();
    generate_verilog(&uut)
}

#[test]
fn icarus_equals_siphasher_at_one_hash_per_clock() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = rand::rngs::StdRng::seed_from_u64(0x51f);
    // (valid, k, m): the paper's vector first, then random, with gaps
    let mut vecs: Vec<(bool, u128, u128)> = vec![(
        true,
        0x0f0e0d0c0b0a09080706050403020100,
        0x0f0e0d0c0b0a09080706050403020100,
    )];
    for _ in 0..2000 {
        vecs.push((r.gen_bool(0.8), r.gen(), r.gen()));
    }
    let mut hex = String::new();
    for (v, k, m) in &vecs {
        writeln!(hex, "{:x}{k:032x}{m:032x}", u8::from(*v)).unwrap();
    }
    std::fs::write(dir.path().join("vec.hex"), hex).unwrap();
    let n = vecs.len();
    let tb = format!(
        "module tb;\n\
         reg clock = 0; reg rst = 1; reg [127:0] k = 0; reg [127:0] m = 0; reg in_valid = 0; reg [15:0] tag_in = 0;\n\
         wire out_valid; wire [15:0] tag_out; wire [63:0] hash;\n\
         reg [259:0] vecs [0:{last}];\n\
         integer i; integer cycle = 0;\n\
         top dut(.clock(clock), .rst(rst), .k(k), .m(m), .in_valid(in_valid), .tag_in(tag_in), .out_valid(out_valid), .tag_out(tag_out), .hash(hash));\n\
         always #1 clock = ~clock;\n\
         always @(posedge clock) begin cycle <= cycle + 1; if (out_valid) $display(\"%0d %0d %h\", cycle, tag_out, hash); end\n\
         initial begin\n\
           $readmemh(\"{dir}/vec.hex\", vecs);\n\
           @(negedge clock); rst = 0;\n\
           for (i = 0; i < {n}; i = i + 1) begin\n\
             in_valid = vecs[i][256]; k = vecs[i][255:128]; m = vecs[i][127:0]; tag_in = i;\n\
             @(negedge clock);\n\
           end\n\
           in_valid = 0;\n\
           repeat ({lat}) @(negedge clock);\n\
           $finish;\n\
         end\n\
         endmodule\n",
        last = n - 1,
        dir = dir.path().display(),
        lat = LATENCY + 2,
    );
    let src = dir.path().join("sip.v");
    std::fs::write(&src, format!("{}\n{tb}", verilog())).unwrap();
    let exe = dir.path().join("sip.vvp");
    let c = Command::new("iverilog")
        .args(["-g2005", "-o"])
        .arg(&exe)
        .arg(&src)
        .output()
        .expect("iverilog is installed (apt-get install iverilog)");
    assert!(c.status.success(), "{}", String::from_utf8_lossy(&c.stderr));
    let run = Command::new("vvp").arg(&exe).output().unwrap();
    let out = String::from_utf8_lossy(&run.stdout);
    let lines: Vec<(u64, usize, u64)> = out
        .lines()
        .filter(|l| !l.starts_with("VCD") && !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (
                f[0].parse().unwrap(),
                f[1].parse().unwrap(),
                u64::from_str_radix(f[2], 16).unwrap(),
            )
        })
        .collect();
    let want: Vec<usize> = (0..n).filter(|&i| vecs[i].0).collect();
    assert_eq!(lines.len(), want.len(), "one hash per valid input");
    for ((cycle, tag, hash), &i) in lines.iter().zip(&want) {
        assert_eq!(*tag, i % 65536);
        // input i is sampled at the edge ending cycle i (after one reset cycle)
        assert_eq!(*cycle as usize, i + 1 + LATENCY, "latency of input {i}");
        let (_, k, m) = vecs[i];
        let h = SipHasher24::new_with_keys(k as u64, (k >> 64) as u64).hash(&m.to_le_bytes());
        assert_eq!(*hash, h, "input {i}");
    }
    assert_eq!(
        lines[0].2.to_le_bytes(),
        [0xdb, 0x9b, 0xc2, 0x57, 0x7f, 0xcc, 0x2a, 0x3f]
    );
}
