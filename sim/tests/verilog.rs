//! The generated Verilog: lints clean under `verilator --lint-only -Wall`
//! (waivers as DESIGN.md allows), compiles under `iverilog -g2005`,
//! synthesizes with `yosys synth_xilinx -family xcup`, and is exactly what
//! the simulator was built from.

use std::path::PathBuf;
use std::process::Command;

/// The Verilog of top `top` (`nic_core` or `nic`) as nicgen writes it, in
/// a fresh file.
fn fresh_top(top: &str) -> (tempfile::TempDir, PathBuf, String) {
    use ferronic_hdl::verilog;
    let v = if top == "nic" {
        verilog::emit_nic(&verilog::nic_regmap(0, 0)).unwrap()
    } else {
        verilog::emit(&verilog::regmap(0, 0)).unwrap()
    };
    let dir = tempfile::Builder::new()
        .prefix("ferronic-verilog-")
        .tempdir()
        .unwrap();
    let p = dir.path().join(format!("{top}.v"));
    std::fs::write(&p, &v).unwrap();
    (dir, p, v)
}

fn fresh() -> (tempfile::TempDir, PathBuf, String) {
    fresh_top("nic_core")
}

fn tool(cmd: &mut Command, name: &str) -> std::process::Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("{name} not runnable ({e}): apt-get install -y {name}"))
}

#[test]
fn simulator_runs_the_current_verilog() {
    let built = include_str!(concat!(env!("OUT_DIR"), "/nic_core.v"));
    let (_dir, _, now) = fresh();
    assert!(
        built == now,
        "sim was built from stale Verilog: rebuild ferronic-sim"
    );
}

/// Both tops lint clean; WIDTH is waived for rust-hdl's literals
/// (DESIGN.md), the custom modules are checked for it by the unit lint
/// (`ferronic_hdl::dma::units`).
#[test]
fn verilator_lint_wall_is_clean() {
    for top in ["nic_core", "nic"] {
        let (_dir, p, v) = fresh_top(top);
        assert!(v.contains(&format!("module {top}(")));
        assert!(!v.contains("module top("));
        let out = tool(
            Command::new("verilator")
                .args(["--lint-only", "-Wall", "-Wno-WIDTH", "--top-module", top])
                .arg(&p),
            "verilator",
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && !err.contains("%Warning"),
            "{top} lint:\n{err}"
        );
    }
}

#[test]
fn iverilog_2005_compiles() {
    for top in ["nic_core", "nic"] {
        let (_dir, p, _) = fresh_top(top);
        let out = tool(
            Command::new("iverilog")
                .args(["-g2005", "-s", top, "-o"])
                .arg(p.with_extension("vvp"))
                .arg(&p),
            "iverilog",
        );
        assert!(
            out.status.success(),
            "iverilog {top}:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The `nic` top carries the whole core and the engine, and its ports are
/// the documented ones: the full AXI4 master and the interrupt handshake.
#[test]
fn nic_top_has_the_documented_ports() {
    let (_dir, _, v) = fresh_top("nic");
    assert!(v.contains("top_core"), "nic_core inside");
    let head = &v[v.find("module nic(").unwrap()..];
    let head = &head[..head.find(");").unwrap()];
    for ch in ["aw", "ar"] {
        for f in [
            "id", "addr", "len", "size", "burst", "lock", "cache", "prot", "qos", "valid", "ready",
        ] {
            assert!(head.contains(&format!("m_axi_{ch}{f}")), "m_axi_{ch}{f}");
        }
    }
    for p in [
        "m_axi_wdata",
        "m_axi_wstrb",
        "m_axi_wlast",
        "m_axi_bid",
        "m_axi_bresp",
        "m_axi_rid",
        "m_axi_rdata",
        "m_axi_rresp",
        "m_axi_rlast",
        "irq_req",
        "irq_ack",
        "s_axis_tdata",
        "m_axis_tx_tdata",
        "m_axis_tx_tuser",
        "s_axil_awaddr",
        "s_axil_rdata",
    ] {
        assert!(head.contains(p), "{p}");
    }
}

/// The whole core through `synth_xilinx -flatten -family xcup` (as the
/// README's area figures are measured), in two yosys runs side by side:
/// the handshake engine (`top_hs`) alone, and `nic_core` with the engine
/// a black box (one `top_hs` cell). Together they map every module of the
/// core. One flattened run took 356 s of a clean-clone `.ci/run` on this
/// 2-core machine with the second core idle; the two halves take 153 s
/// and 158 s side by side (yosys 0.23, nothing else running). The sum differs from the one-run figure only
/// by what optimisation across the engine's ports would have removed.
#[test]
fn yosys_synth_xilinx_ultrascale_plus() {
    let (_dir, p, _) = fresh();
    let run = |tag: &str, script: String| {
        let log = p.with_extension(format!("{tag}.yosys.log"));
        let child = Command::new("yosys")
            .arg("-q")
            .arg("-l")
            .arg(&log)
            .args(["-p", &script])
            .stderr(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("yosys not runnable ({e}): apt-get install -y yosys"));
        (child, log)
    };
    let v = p.display();
    let jobs = [
        run(
            "hs",
            format!("read_verilog {v}; synth_xilinx -flatten -family xcup -top top_hs; stat"),
        ),
        run(
            "rest",
            format!(
                "read_verilog {v}; blackbox top_hs; synth_xilinx -flatten -family xcup -top nic_core; stat"
            ),
        ),
    ];
    let mut stats = Vec::new();
    for (child, log) in jobs {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "yosys:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&log).unwrap();
        stats.push((ferronic_hdl::synth::parse_stat(&text), text));
    }
    let (hs, rest) = (&stats[0].0, &stats[1].0);
    // the rest instantiates the engine exactly once, as a black box
    let tail = &stats[1].1[stats[1].1.rfind("Number of cells:").unwrap()..];
    assert!(
        tail.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["top_hs", "1"]),
        "nic_core without one top_hs cell:\n{tail}"
    );
    eprintln!(
        "yosys synth_xilinx -flatten -family xcup: {} LUTs, {} FFs, {} CARRY4 \
         (engine {} / {} / {}, the rest {} / {} / {})",
        hs.luts + rest.luts,
        hs.ffs + rest.ffs,
        hs.carry + rest.carry,
        hs.luts,
        hs.ffs,
        hs.carry,
        rest.luts,
        rest.ffs,
        rest.carry
    );
    // each half holds at least its window and output registers
    for s in [hs, rest] {
        assert!(s.ffs > 500 && s.luts > 500, "{s:?}");
    }
}
