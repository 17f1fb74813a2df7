//! The text report `nicgen` writes beside `nic_core.v`: ports, configuration
//! encodings, latency and the lint waivers in force.

use crate::nic_core::LATENCY;
use crate::rx::tag::{tuser, TagFormat, TagMode};

/// Lint waivers the emitted Verilog needs, with the reason for each.
pub const WAIVERS: &[(&str, &str)] = &[
    (
        "DECLFILENAME",
        "rust-hdl emits every sub-module into one file (allowed by DESIGN.md)",
    ),
    (
        "WIDTH",
        "rust-hdl writes literals as 32/64-bit constants (allowed by DESIGN.md)",
    ),
];

/// The report text.
pub fn report() -> String {
    let mut r = String::new();
    r.push_str("ferronic nic_core: receive conversion datapath\n");
    r.push_str("===============================================\n\n");
    r.push_str("Pipeline: s_axis -> FcsCheck -> TagMigrate -> FcsInsert -> m_axis\n");
    r.push_str(
        "Bus: AXI4-Stream, 64-bit tdata, byte 0 in tdata[7:0], tkeep contiguous from lane 0\n",
    );
    r.push_str(&format!(
        "Latency: {LATENCY} cycles (s_axis accept -> m_axis valid) at line rate; 1 beat/clock, no bubbles\n\n"
    ));
    r.push_str("Ports\n-----\n");
    for (p, w, d) in [
        ("clk", "1", "in: clock (156.25 MHz for 10G)"),
        ("rst", "1", "in: synchronous reset, active high"),
        ("s_axis_tdata", "64", "in: frame data with FCS"),
        ("s_axis_tkeep", "8", "in: byte enables"),
        ("s_axis_tvalid", "1", "in"),
        ("s_axis_tready", "1", "out"),
        ("s_axis_tlast", "1", "in"),
        ("m_axis_tdata", "64", "out: frame data with recomputed FCS"),
        ("m_axis_tkeep", "8", "out"),
        ("m_axis_tvalid", "1", "out"),
        ("m_axis_tready", "1", "in"),
        ("m_axis_tlast", "1", "out"),
        ("m_axis_tuser", "6", "out: flags on the tlast beat (below)"),
        (
            "m_axis_tag",
            "64",
            "out: migrated tag on the tlast beat, wire order, zero-extended",
        ),
    ] {
        r.push_str(&format!("  {p:<16} {w:>3}  {d}\n"));
    }
    r.push_str("\ndatapath.CTRL bits 7:4: tag format\n----------------------------------\n");
    for f in TagFormat::ALL {
        r.push_str(&format!(
            "  {:>2}  {:<13} offset {:>2}  length {}\n",
            f.code(),
            f.name(),
            f.offset(),
            f.len()
        ));
    }
    r.push_str("  10..15 act as none\n\ndatapath.CTRL bits 9:8: tag mode\n--------------------------------\n");
    for m in TagMode::ALL {
        r.push_str(&format!("  {}  {}\n", m.code(), m.name()));
    }
    r.push_str("  3 acts as pass\n\nm_axis_tuser (tlast beat)\n-------------------------\n");
    for (bit, name) in [
        (tuser::BAD, "bad frame (OR of bits 1-4)"),
        (
            tuser::FCS_ERR,
            "input FCS wrong; output FCS deliberately wrong",
        ),
        (tuser::RUNT, "input shorter than 64 bytes"),
        (tuser::GIANT, "input longer than MAX_FRAME bytes"),
        (
            tuser::TAG_SHORT,
            "too short for header+tag+FCS: passed unchanged",
        ),
        (tuser::MIGRATED, "tag migrated; m_axis_tag holds it"),
    ] {
        r.push_str(&format!("  [{}] {name}\n", bit.trailing_zeros()));
    }
    r.push_str(&format!("  MAX_FRAME = {} bytes\n", crate::MAX_FRAME));
    r.push_str("\nLint waivers (verilator --lint-only -Wall)\n------------------------------------------\n");
    for (w, why) in WAIVERS {
        r.push_str(&format!("  {w}: {why}\n"));
    }
    r
}
