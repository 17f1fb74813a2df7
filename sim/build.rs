//! Generates `nic_core.v` from the `ferronic-hdl` sources (so the simulator
//! never runs stale Verilog), verilates it, compiles the model as one unity
//! C++ file at -O2, and generates a C shim plus Rust port bindings from the
//! `VL_IN*/VL_OUT*` lines of `Vnic_core.h`.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

#[path = "build_units.rs"]
mod units;

#[path = "build_cache.rs"]
mod cache;

pub(crate) struct Port {
    pub(crate) name: String,
    pub(crate) input: bool,
    /// C type of the port, or "wide" for a `VlWide` (32-bit words)
    pub(crate) ctype: &'static str,
    pub(crate) rtype: &'static str,
    pub(crate) width: u32,
}

pub(crate) fn parse_ports(header: &str) -> Vec<Port> {
    let mut ports = Vec::new();
    for line in header.lines() {
        let l = line.trim();
        let Some(open) = l.find('(') else { continue };
        let mac = &l[..open];
        let (input, ctype, rtype) = match mac {
            "VL_IN8" => (true, "uint8_t", "u8"),
            "VL_OUT8" => (false, "uint8_t", "u8"),
            "VL_IN16" => (true, "uint16_t", "u16"),
            "VL_OUT16" => (false, "uint16_t", "u16"),
            "VL_IN" => (true, "uint32_t", "u32"),
            "VL_OUT" => (false, "uint32_t", "u32"),
            "VL_IN64" => (true, "uint64_t", "u64"),
            "VL_OUT64" => (false, "uint64_t", "u64"),
            "VL_INW" => (true, "wide", "u32"),
            "VL_OUTW" => (false, "wide", "u32"),
            _ => continue,
        };
        let args: Vec<&str> = l[open + 1..]
            .trim_end_matches(';')
            .trim_end_matches(')')
            .split(',')
            .map(str::trim)
            .collect();
        let name = args[0].trim_start_matches('&').to_string();
        let msb: u32 = args[1].parse().expect("port msb");
        ports.push(Port {
            name,
            input,
            ctype,
            rtype,
            width: msb + 1,
        });
    }
    ports
}

/// Under `cargo clippy` (`clippy-driver` as the workspace wrapper) nothing
/// links, so the C++ models are not compiled: the Rust bindings are still
/// generated from Verilator's headers. Saves the models' compile (about 6
/// minutes on 2 cores) in CI's clippy pass.
pub(crate) fn check_only() -> bool {
    println!("cargo:rerun-if-env-changed=RUSTC_WORKSPACE_WRAPPER");
    std::env::var("RUSTC_WORKSPACE_WRAPPER").is_ok_and(|w| w.contains("clippy"))
}

fn main() {
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let inc = PathBuf::from(
        std::env::var("DEP_VERILATED_INCLUDE")
            .expect("ferronic-verilated sets DEP_VERILATED_INCLUDE"),
    );
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build_units.rs");
    println!("cargo:rerun-if-changed=build_cache.rs");
    println!("cargo:rerun-if-changed=../hdl/src");

    println!("cargo:rerun-if-changed=../regmap/src");
    // build time and git hash 0: the simulated core is reproducible
    let map = ferronic_hdl::verilog::regmap(0, 0);
    let verilog = ferronic_hdl::verilog::emit(&map).expect("Verilog generation");
    let vfile = out.join("nic_core.v");
    std::fs::write(&vfile, &verilog).unwrap();
    let mdir = out.join("obj");
    let _ = std::fs::remove_dir_all(&mdir);
    let status = Command::new("verilator")
        .args([
            "--cc",
            "--prefix",
            "Vnic_core",
            "-O3",
            "--trace",
            "-Wall",
            "-Wno-WIDTH",
        ])
        .arg("--Mdir")
        .arg(&mdir)
        .arg(&vfile)
        .status()
        .expect("verilator not found: apt-get install -y verilator");
    assert!(
        status.success(),
        "verilator failed on the generated nic_core.v"
    );

    let header = std::fs::read_to_string(mdir.join("Vnic_core.h")).unwrap();
    // nic_core has no port wider than 64 bits
    let ports: Vec<Port> = parse_ports(&header)
        .into_iter()
        .filter(|p| p.ctype != "wide")
        .collect();
    assert!(
        ports.iter().any(|p| p.name == "clk"),
        "no clk port in Vnic_core.h"
    );

    // one unity file for the whole model
    let mut unity = unity_includes(&mdir);
    let root = std::fs::read_to_string(mdir.join("Vnic_core___024root.h")).unwrap();
    let shim = shim(&ports, &tick(&root));
    unity.push_str(&shim);
    let ufile = out.join("nic_core_unity.cpp");
    std::fs::write(&ufile, unity).unwrap();
    if !check_only() {
        let mut cc = cc::Build::new();
        let cxx = cache::compiler(&mut cc);
        let key = cache::key(&[
            verilog.as_bytes(),
            shim.as_bytes(),
            b"verilator --cc -O3 --trace -Wall; c++17 -O3 VM_TRACE",
            cxx.as_bytes(),
        ]);
        cc.cpp(true)
            .std("c++17")
            .opt_level(3)
            .warnings(false)
            .include(&inc)
            .include(inc.join("vltstd"))
            .include(&mdir)
            .define("VM_TRACE", "1")
            .file(&ufile);
        cache::compile(&cc, "nic_core_model", key, &out);
    }
    std::fs::write(out.join("ports.rs"), bindings(&ports)).unwrap();
    units::build(&out, &inc);
}

/// `#include` lines for every C++ file Verilator wrote in `mdir`, in name
/// order: the start of a model's unity file.
pub(crate) fn unity_includes(mdir: &std::path::Path) -> String {
    let mut cpps: Vec<_> = std::fs::read_dir(mdir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "cpp"))
        .collect();
    cpps.sort();
    cpps.iter()
        .map(|p| format!("#include \"{}\"\n", p.display()))
        .collect()
}

/// The body of `nic_core_tick`: one rising edge of `clk` in one
/// evaluation. Verilator detects the edge by comparing `clk` with the
/// value it saw at the previous evaluation; clearing that copy (a member of
/// the root class, `__Vtrigrprev__TOP__clk` in Verilator 5.006) stands for
/// the falling edge, so the clock-low evaluation, which reruns the whole
/// input region, is skipped. Valid because every output of `nic_core` is
/// a register (nothing changes between the falling and the rising edge).
/// Without that member (another Verilator), two evaluations.
fn tick(root_header: &str) -> String {
    let prev = "__Vtrigrprev__TOP__clk";
    if root_header.contains(&format!("{prev};")) {
        format!("m->top->clk = 1; m->top->rootp->{prev} = 0; m->top->eval();")
    } else {
        "m->top->clk = 0; m->top->eval(); m->top->clk = 1; m->top->eval();".into()
    }
}

fn shim(ports: &[Port], tick: &str) -> String {
    let s = String::from(
        r#"
#include "verilated_vcd_c.h"
#include "Vnic_core___024root.h"
struct FerronicModel {
    VerilatedContext* ctx;
    Vnic_core* top;
    VerilatedVcdC* vcd;
};
extern "C" {
FerronicModel* nic_core_new() {
    FerronicModel* m = new FerronicModel;
    m->ctx = new VerilatedContext;
    m->ctx->traceEverOn(true);
    m->top = new Vnic_core{m->ctx, "nic_core"};
    m->vcd = nullptr;
    return m;
}
void nic_core_eval(FerronicModel* m) { m->top->eval(); }
void nic_core_tick(FerronicModel* m) { TICK }
void nic_core_free(FerronicModel* m) {
    if (m->vcd) { m->vcd->close(); delete m->vcd; }
    m->top->final();
    delete m->top;
    delete m->ctx;
    delete m;
}
int nic_core_trace_open(FerronicModel* m, const char* path) {
    if (m->vcd) return 0;
    m->vcd = new VerilatedVcdC;
    m->top->trace(m->vcd, 99);
    m->vcd->open(path);
    return m->vcd->isOpen() ? 0 : -1;
}
void nic_core_trace_dump(FerronicModel* m, uint64_t t) { if (m->vcd) m->vcd->dump(t); }
void nic_core_trace_flush(FerronicModel* m) { if (m->vcd) m->vcd->flush(); }
"#,
    );
    let mut s = s.replace("TICK", tick);
    for p in ports {
        writeln!(
            s,
            "{t}* nic_core_port_{n}(FerronicModel* m) {{ return reinterpret_cast<{t}*>(&m->top->{n}); }}",
            t = p.ctype,
            n = p.name
        )
        .unwrap();
    }
    s.push_str("}\n");
    s
}

fn bindings(ports: &[Port]) -> String {
    let mut s = String::from("// Generated by sim/build.rs from Vnic_core.h; do not edit.\n");
    s.push_str("/// Raw pointers to the Verilated model's ports (valid while the model lives).\n");
    s.push_str("#[allow(dead_code)]\npub(crate) struct Ports {\n");
    for p in ports {
        writeln!(s, "    pub {}: *mut {},", p.name, p.rtype).unwrap();
    }
    s.push_str("}\n\nextern \"C\" {\n");
    for p in ports {
        writeln!(
            s,
            "    fn nic_core_port_{}(m: *mut std::ffi::c_void) -> *mut {};",
            p.name, p.rtype
        )
        .unwrap();
    }
    s.push_str("}\n\nimpl Ports {\n    /// # Safety\n    /// `m` must be a live model from `nic_core_new`.\n    pub(crate) unsafe fn new(m: *mut std::ffi::c_void) -> Self {\n        Ports {\n");
    for p in ports {
        writeln!(s, "            {n}: nic_core_port_{n}(m),", n = p.name).unwrap();
    }
    s.push_str("        }\n    }\n}\n\n/// (name, width in bits, is input) of every port.\npub const PORTS: &[(&str, u32, bool)] = &[\n");
    for p in ports {
        writeln!(s, "    (\"{}\", {}, {}),", p.name, p.width, p.input).unwrap();
    }
    s.push_str("];\n");
    s
}
