//! The Verilog of [`crate::control::regfile::RegFile`] for a register map:
//! the write decoder with byte strobes, the pipelined read mux, the
//! counters' carry resolution and shadow, the live inputs and strobes, all
//! generated from the one map definition.

use crate::control::config_bus::{hs_first, rss_storage, HS_FIELDS};
use crate::control::regfile_read::read_path;
use crate::control::regfile_write::write_path;
use crate::HS_STORAGE;
use ferronic_regmap::{Owner, RegMap, Source};

/// The Verilog body of [`crate::control::regfile::RegFile`] for `map`.
pub fn verilog(map: &RegMap) -> String {
    let st = map.storage();
    let n = st.len();
    // a RAM page's words that no configuration bus reads are read from
    // the RAM copy alone: their flip-flops have no load, and synthesis
    // removes them
    let mut v = format!(
        "/* verilator lint_off UNUSEDSIGNAL */\nreg [{}:0] storage;\n/* verilator lint_on UNUSEDSIGNAL */\nreg [31:0] shadow;\n",
        32 * n - 1
    );
    let ctrl = map.storage_index("datapath.CTRL").expect("datapath.CTRL");
    let dq = map
        .storage_index("datapath.DEFAULT_QUEUE")
        .expect("DEFAULT_QUEUE");
    v.push_str(&format!(
        "always @(*) begin\n  enable = storage[{c}];\n  tx_enable = storage[{c} + 1];\n  tag_format = storage[{c4}:{c1}];\n  tag_mode = storage[{c9}:{c8}];\n  default_queue = {dq};\nend\n",
        c = 32 * ctrl,
        c4 = 32 * ctrl + 7,
        c1 = 32 * ctrl + 4,
        c9 = 32 * ctrl + 9,
        c8 = 32 * ctrl + 8,
        dq = queue_bits(32 * dq),
    ));
    v.push_str(&rss_path(map));
    v.push_str(&hs_path(map));
    v.push_str(&unused(map));
    v.push_str(&write_path(map));
    v.push_str(&read_path(map));
    v
}

/// A queue number from storage bit `lo` on: the build's
/// [`crate::RX_QUEUE_BITS`] bits, or 0 in a one-queue build (its 1-bit
/// `tdest` never names a queue 1, whatever the register holds).
fn queue_bits(lo: usize) -> String {
    if crate::RX_QUEUES == 1 {
        format!("{}'d0", crate::RX_QUEUE_BITS)
    } else {
        format!("storage[{}:{lo}]", lo + crate::RX_QUEUE_BITS - 1)
    }
}

/// `case` labels of the registers whose source passes `f`.
pub(crate) fn labels(map: &RegMap, f: impl Fn(&Source) -> bool) -> String {
    let l: Vec<String> = map
        .owned(Owner::Core)
        .filter(|r| f(&r.source))
        .map(|r| format!("16'h{:04x}", r.offset))
        .collect();
    l.join(", ")
}

/// `rss_enable`, `rss_key` and the registered indirection entry
/// `rss_queue`; constants 0 without the `rss` block.
fn rss_path(map: &RegMap) -> String {
    let Some((rc, k0, t0)) = rss_storage(map) else {
        return "always @(*) begin\n  rss_enable = 1'b0;\n  rss_key = 319'd0;\nend\n\
                always @(posedge clock) rss_queue <= 0;\n"
            .into();
    };
    let key: Vec<String> = (0..10)
        .map(|k| {
            let lo = 32 * (k0 + k) + usize::from(k == 9);
            format!("storage[{}:{}]", 32 * (k0 + k) + 31, lo)
        })
        .collect();
    let mut v = format!(
        "always @(*) begin\n  rss_enable = storage[{}];\n  rss_key = {{{}}};\nend\n\
         // the indirection entry, registered (no path through the table\n\
         // from RssSteer's hash register back into RssSteer)\n\
         always @(posedge clock) begin\n  case (rss_index)\n",
        32 * rc,
        key.join(", ")
    );
    for e in 0..128 {
        let lo = 32 * (t0 + e / 4) + 8 * (e % 4);
        v.push_str(&format!("    7'd{e}: rss_queue <= {};\n", queue_bits(lo)));
    }
    v.push_str("    default: rss_queue <= 0;\n  endcase\nend\n");
    v
}

/// The handshake configuration bus `hs_cfg`: the listen table, then the
/// settings ([`HS_FIELDS`]); 0 without the `handshake` block.
fn hs_path(map: &RegMap) -> String {
    let Some(h0) = hs_first(map) else {
        return "always @(*) hs_cfg = 0;\n".into();
    };
    // the listen table first: word-aligned at bit 0, it is one copy in
    // Verilator rather than a 4096-bit shift every clock
    let mut parts: Vec<String> = vec![format!(
        "storage[{}:{}]",
        32 * (h0 + HS_STORAGE) - 1,
        32 * (h0 + 17)
    )];
    parts.extend(
        HS_FIELDS
            .iter()
            .map(|&(k, n)| format!("storage[{}:{}]", 32 * (h0 + k) + n - 1, 32 * (h0 + k))),
    );
    parts.reverse();
    format!("always @(*) hs_cfg = {{{}}};\n", parts.join(", "))
}

/// The inputs a map without some blocks does not read (no `rss`: the
/// index; no `handshake`: the live words and the engine's counters),
/// marked used for Verilator's lint by its `*unused*` naming rule.
fn unused(map: &RegMap) -> String {
    let mut parts = Vec::new();
    let n = map.counters.len();
    if n < crate::COUNTERS {
        parts.push(format!("counters[{}:{}]", 64 * crate::COUNTERS - 1, 64 * n));
        parts.push(format!("carries[{}:{}]", 3 * crate::COUNTERS - 1, 3 * n));
    }
    if rss_storage(map).is_none() {
        parts.push("rss_index".into());
    }
    if !map
        .owned(Owner::Core)
        .any(|r| matches!(r.source, Source::Input(_)))
    {
        parts.push("inputs".into());
    }
    if parts.is_empty() {
        return String::new();
    }
    format!("wire unused_inputs = &{{1'b0, {}}};\n", parts.join(", "))
}
