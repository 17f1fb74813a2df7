//! The custom-Verilog blocks, each emitted alone, pass
//! `verilator --lint-only -Wall` (DECLFILENAME waived: one module per test
//! file here, not per file name).

use ferronic_hdl::common::siphash::SipHash16;
use ferronic_hdl::handshake::engine::HandshakeEngine;
use ferronic_hdl::handshake::syn_cookie::SynCookie;
use rust_hdl::prelude::*;
use std::process::Command;

fn lint(uut: &mut impl Block) {
    uut.connect_all();
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("top.v");
    std::fs::write(&src, generate_verilog(uut)).unwrap();
    let o = Command::new("verilator")
        .args(["--lint-only", "-Wall", "-Wno-DECLFILENAME"])
        .arg(&src)
        .output()
        .expect("verilator is installed");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn siphash_is_lint_clean() {
    lint(&mut SipHash16::<16>::default());
}

#[test]
fn syn_cookie_is_lint_clean() {
    lint(&mut SynCookie::<24>::default());
}

#[test]
fn handshake_engine_is_lint_clean() {
    lint(&mut HandshakeEngine::<4, 256>::default());
}
