//! The HandshakeEngine Verilog passes `verilator --lint-only -Wall`.

use ferronic_hdl::handshake::HandshakeEngine;
use rust_hdl::prelude::*;
use std::process::Command;

#[test]
fn verilator_lint_wall_is_clean() {
    let mut uut = HandshakeEngine::<4, 256>::default();
    uut.connect_all();
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("top.v");
    std::fs::write(&src, generate_verilog(&uut)).unwrap();
    let o = Command::new("verilator")
        .args(["--lint-only", "-Wall", "-Wno-DECLFILENAME"])
        .arg(&src)
        .output()
        .expect("verilator is installed");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}
