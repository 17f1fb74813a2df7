//! The generated Verilog: lints clean under `verilator --lint-only -Wall`
//! (waivers as DESIGN.md allows), compiles under `iverilog -g2005`,
//! synthesizes with `yosys synth_xilinx -family xcup`, and is exactly what
//! the simulator was built from.

use std::path::PathBuf;
use std::process::Command;

fn fresh() -> (PathBuf, String) {
    let v = ferronic_hdl::verilog::emit(&ferronic_hdl::verilog::regmap(0, 0)).unwrap();
    let dir = std::env::temp_dir().join(format!(
        "ferronic-verilog-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("nic_core.v");
    std::fs::write(&p, &v).unwrap();
    (p, v)
}

fn tool(cmd: &mut Command, name: &str) -> std::process::Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("{name} not runnable ({e}): apt-get install -y {name}"))
}

#[test]
fn simulator_runs_the_current_verilog() {
    let built = include_str!(concat!(env!("OUT_DIR"), "/nic_core.v"));
    let (_, now) = fresh();
    assert!(
        built == now,
        "sim was built from stale Verilog: rebuild ferronic-sim"
    );
}

#[test]
fn verilator_lint_wall_is_clean() {
    let (p, v) = fresh();
    assert!(v.contains("module nic_core("));
    assert!(!v.contains("module top("));
    let out = tool(
        Command::new("verilator")
            .args([
                "--lint-only",
                "-Wall",
                "-Wno-WIDTH",
                "--top-module",
                "nic_core",
            ])
            .arg(&p),
        "verilator",
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && !err.contains("%Warning"),
        "lint:\n{err}"
    );
}

#[test]
fn iverilog_2005_compiles() {
    let (p, _) = fresh();
    let out = tool(
        Command::new("iverilog")
            .args(["-g2005", "-s", "nic_core", "-o"])
            .arg(p.with_extension("vvp"))
            .arg(&p),
        "iverilog",
    );
    assert!(
        out.status.success(),
        "iverilog:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn yosys_synth_xilinx_ultrascale_plus() {
    let (p, _) = fresh();
    let log = p.with_extension("yosys.log");
    let script = format!(
        "read_verilog {}; synth_xilinx -family xcup -top nic_core; stat",
        p.display()
    );
    let out = tool(
        Command::new("yosys")
            .arg("-q")
            .arg("-l")
            .arg(&log)
            .args(["-p", &script]),
        "yosys",
    );
    assert!(
        out.status.success(),
        "yosys:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = ferronic_hdl::synth::parse_stat(&std::fs::read_to_string(&log).unwrap());
    eprintln!(
        "yosys synth_xilinx -family xcup: {} LUTs, {} FFs, {} CARRY8",
        s.luts, s.ffs, s.carry
    );
    // the datapath holds at least its window and output registers
    assert!(s.ffs > 500 && s.luts > 500, "{s:?}");
}
