//! Queue counts and listen entries as generation parameters (issue 15).
//!
//! `nicgen --set rx_queues=64 --set tx_queues=64 --set listen=16` builds
//! itself for those values (they are bit widths of the rust-hdl sources)
//! and writes a core and a `nic` whose sized parts follow: 6-bit `tdest`,
//! 64 receive and 64 transmit rings, 128 completion queues, 4 counters per
//! queue, the ring bitmaps past ring 31 in `dma.*_1` words, 16 listen
//! entries (`identity.SIZES`). The `nic` passes the
//! Verilator lint the simulator's build uses; the host, rebuilding the map
//! from `identity.CAPABILITIES` as `nicctl` does, finds every register
//! where the export puts it. A count nicgen cannot generate is refused
//! before anything is built. The minimal one-queue build gets the same
//! checks. The first build of the 64-queue nicgen is
//! about a minute on 2 cores (its dependencies;
//! `target/nicgen-params/rx64-tx64-listen16/`).

use ferronic_regmap::{MapParams, RegMap};
use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Command;

fn nicgen(args: &[&str], out: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_nicgen"))
        .args(args)
        .arg("--out")
        .arg(out)
        .env("SOURCE_DATE_EPOCH", "0")
        .output()
        .expect("nicgen runs")
}

/// `nicgen --set S` for each `S` of `sets`.
fn nicgen_set(sets: &[&str], out: &std::path::Path) -> std::process::Output {
    let args: Vec<&str> = sets.iter().flat_map(|s| ["--set", s]).collect();
    nicgen(&args, out)
}

/// (block.REG, offset) of every register of an exported map.
fn exported(json: &Value) -> BTreeSet<(String, u64)> {
    let mut s = BTreeSet::new();
    for b in json["blocks"].as_array().expect("blocks") {
        for r in b["regs"].as_array().expect("regs") {
            s.insert((
                format!(
                    "{}.{}",
                    b["name"].as_str().unwrap(),
                    r["name"].as_str().unwrap()
                ),
                r["offset"].as_u64().unwrap(),
            ));
        }
    }
    s
}

/// The const value of `block.REG` in an exported map.
fn constant(json: &Value, block: &str, reg: &str) -> u32 {
    let b = json["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == block)
        .unwrap_or_else(|| panic!("no block {block}"));
    let r = b["regs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == reg)
        .unwrap_or_else(|| panic!("no {block}.{reg}"));
    assert_eq!(r["source"]["kind"], "const", "{block}.{reg}");
    r["source"]["arg"].as_u64().unwrap() as u32
}

/// `core` declares the output `decl` (`[5:0] name` or `name`), as a `reg`
/// or, where nicgen made its copy a continuous assignment
/// (`verilog_hoist`), a `wire`.
fn has_output(core: &str, decl: &str) -> bool {
    ["reg", "wire"]
        .iter()
        .any(|k| core.contains(&format!("output {k}  {decl};")))
}

#[test]
fn nicgen_generates_64_queues_and_16_listen_entries() {
    let dir = tempfile::tempdir().unwrap();
    // (the build sim/tests/icarus_queues.rs runs: the two share
    // target/nicgen-params/rx64-tx64-listen16/)
    let o = nicgen_set(&["rx_queues=64", "tx_queues=64", "listen=16"], dir.path());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("building nicgen for them"), "{err}");
    let core = std::fs::read_to_string(dir.path().join("nic_core.v")).unwrap();
    assert!(has_output(&core, "[5:0] m_axis_tdest"), "6-bit tdest");
    assert!(core.contains("input wire  [5:0] s_axis_tx_tdest;"));

    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("nic_regmap.json")).unwrap())
            .unwrap();
    // what nicctl does: the map from CAPABILITIES and SIZES
    let caps = constant(&json, "identity", "CAPABILITIES");
    let sizes = constant(&json, "identity", "SIZES");
    assert_eq!(sizes, 16 | 128 << 16, "identity.SIZES");
    let p = MapParams::from_identity(caps, sizes);
    assert_eq!(
        (p.rx_queues, p.tx_queues, p.dma, p.listen),
        (64, 64, true, 16)
    );
    let mine = host_map(p, &json);
    let has = |name: &str| mine.iter().any(|(n, _)| n == name);
    for r in [
        "rxq.Q63_CONS",
        "txq.Q63_PROD",
        "cq.C127_PROD",
        "dma.RX_STOPPED_1",
        "dma.TX_POSTED_1",
        "counters.RXQ63_FRAMES_LO",
        "counters.TXQ63_FRAMES_HI",
        "handshake.LISTEN15_PORT",
    ] {
        assert!(has(r), "{r}");
    }
    assert!(!has("rxq.Q64_CONS") && !has("dma.RX_STOPPED_2"));
    assert!(!has("handshake.LISTEN16_ADDR"));
    assert_eq!(
        constant(&json, "dma", "QUEUES"),
        64 | 64 << 8 | 128 << 16,
        "dma.QUEUES"
    );
    // its per-queue loops are generate loops, which Verilator unrolls for
    // 128 completion queues
    lint(&dir.path().join("nic.v"));
}

/// The map the host builds from `p` (what `identity` says), as (name,
/// offset) pairs, checked equal to the exported one.
fn host_map(p: MapParams, json: &Value) -> BTreeSet<(String, u64)> {
    let host = RegMap::new(p);
    let mine: BTreeSet<(String, u64)> = host
        .blocks
        .iter()
        .flat_map(|b| {
            b.regs
                .iter()
                .map(move |r| (format!("{}.{}", b.name, r.name), u64::from(r.offset)))
        })
        .collect();
    assert_eq!(mine, exported(json), "the host's map is the bitstream's");
    mine
}

/// Lints `nic.v` as the simulator's build does (rust-hdl's widths aside):
/// no unused or undriven signal, no other warning.
fn lint(nic: &std::path::Path) {
    let lint = Command::new("verilator")
        .args(["--lint-only", "-Wall", "-Wno-WIDTH", "-Wno-DECLFILENAME"])
        .arg(nic)
        .output()
        .expect("verilator is installed");
    assert!(
        lint.status.success(),
        "{}",
        String::from_utf8_lossy(&lint.stderr)
    );
}

/// The minimal one-queue build: 1-bit `tdest` (Verilog has no 0-bit
/// port), one ring each way and two completion queues in the map, the
/// DMA engine's 8 ring slots of which 7 have no registers and lint clean.
#[test]
fn nicgen_generates_a_one_queue_minimal_build() {
    let dir = tempfile::tempdir().unwrap();
    // (the build sim/tests/icarus_queues.rs simulates: the two share
    // target/nicgen-params/rx1-tx1-listen64/)
    let sets = ["rss=false", "handshake=false", "rx_queues=1", "tx_queues=1"];
    let o = nicgen_set(&sets, dir.path());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    let core = std::fs::read_to_string(dir.path().join("nic_core.v")).unwrap();
    assert!(has_output(&core, "m_axis_tdest"), "1-bit tdest");
    assert!(core.contains("input wire  s_axis_tx_tdest;"));
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("nic_regmap.json")).unwrap())
            .unwrap();
    let caps = constant(&json, "identity", "CAPABILITIES");
    // tag, FCS, counters, DMA (bits 0-2, 5); 1 - 1 queues each way
    assert_eq!(caps, 0x0000_0027, "identity.CAPABILITIES");
    let sizes = constant(&json, "identity", "SIZES");
    assert_eq!(sizes, 128 << 16, "identity.SIZES: no listen table");
    let p = MapParams::from_identity(caps, sizes);
    assert_eq!(
        (p.rx_queues, p.tx_queues, p.rss, p.handshake),
        (1, 1, false, false)
    );
    let mine = host_map(p, &json);
    let has = |name: &str| mine.iter().any(|(n, _)| n == name);
    for r in [
        "rxq.Q0_CONS",
        "txq.Q0_PROD",
        "cq.C1_ARM",
        "counters.TXQ0_BYTES_LO",
    ] {
        assert!(has(r), "{r}");
    }
    for r in [
        "rxq.Q1_CONS",
        "txq.Q1_PROD",
        "cq.C2_CTRL",
        "counters.RXQ1_FRAMES_LO",
        "rss.CTRL",
    ] {
        assert!(!has(r), "{r}");
    }
    assert_eq!(
        constant(&json, "dma", "QUEUES"),
        1 | 1 << 8 | 2 << 16,
        "dma.QUEUES"
    );
    lint(&dir.path().join("nic.v"));
}

#[test]
fn nicgen_refuses_counts_it_cannot_generate() {
    let dir = tempfile::tempdir().unwrap();
    for (args, says) in [
        (
            &["--set", "rx_queues=12", "--set", "tx_queues=12"][..],
            "rx_queues = 12: this nicgen generates rx_queues = a power of two from 1 to 64",
        ),
        (
            &["--set", "rx_queues=128"][..],
            "rx_queues = 128: this nicgen generates rx_queues = a power of two from 1 to 64",
        ),
        (
            &["--set", "rx_queues=16"][..],
            "tx_queues = 8: this nicgen generates tx_queues = rx_queues (16)",
        ),
        (
            &["--set", "listen=300"][..],
            "listen = 300: this nicgen generates listen = 1 to 256",
        ),
        (
            &["--set", "handshake=false", "--set", "listen=8"][..],
            "there is no listen table without the handshake engine",
        ),
    ] {
        let o = nicgen(args, dir.path());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success() && err.contains(says), "{args:?}: {err}");
        assert!(!err.contains("building nicgen"), "refused before a build");
    }
}
