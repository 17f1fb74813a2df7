//! Compiles the Verilator runtime once; dependents find its headers through
//! `DEP_VERILATED_INCLUDE`.
use std::path::PathBuf;
use std::process::Command;

#[path = "../build_cache.rs"]
mod cache;

fn verilator_root() -> PathBuf {
    if let Ok(r) = std::env::var("VERILATOR_ROOT") {
        return PathBuf::from(r);
    }
    let out = Command::new("verilator")
        .arg("--getenv")
        .arg("VERILATOR_ROOT")
        .output()
        .expect("verilator not found: apt-get install -y verilator (5.006 or later)");
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

fn main() {
    let root = verilator_root();
    let inc = root.join("include");
    println!("cargo:rerun-if-env-changed=VERILATOR_ROOT");
    println!("cargo:include={}", inc.display());
    // under `cargo clippy` nothing links: the runtime need not be compiled
    println!("cargo:rerun-if-env-changed=RUSTC_WORKSPACE_WRAPPER");
    if std::env::var("RUSTC_WORKSPACE_WRAPPER").is_ok_and(|w| w.contains("clippy")) {
        return;
    }
    let mut cc = cc::Build::new();
    cc.cpp(true)
        .std("c++17")
        .opt_level(2)
        .warnings(false)
        .include(&inc)
        .include(inc.join("vltstd"))
        .define("VM_TRACE", "1")
        .file(inc.join("verilated.cpp"))
        .file(inc.join("verilated_threads.cpp"))
        .file(inc.join("verilated_vcd_c.cpp"));
    let cxx = cache::compiler(&mut cc);
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let root_text = root.to_string_lossy();
    let key = cache::key(&[root_text.as_bytes(), b"c++17 -O2 VM_TRACE", cxx.as_bytes()]);
    cache::compile(&cc, "verilated", key, &out);
    println!("cargo:rustc-link-lib=pthread");
}
