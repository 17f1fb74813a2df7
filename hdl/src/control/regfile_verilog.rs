//! The Verilog of [`crate::control::regfile::RegFile`] for a register map:
//! the write decoder with byte strobes, the pipelined read mux, the
//! counters' carry resolution and shadow, the live inputs and strobes, all
//! generated from the one map definition.

use crate::control::config_bus::{hs_first, rss_storage, HS_FIELDS};
use crate::control::regfile_write::{ram_words, write_path};
use crate::HS_STORAGE;
use ferronic_regmap::{Access, Owner, Reg, RegMap, Source};
use std::collections::BTreeMap;

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

/// The value a read of `r` returns in its page mux (counters go their
/// own way), if not 0.
fn word(map: &RegMap, r: &Reg) -> Option<String> {
    let st = map.storage();
    match (r.access, r.source) {
        (Access::Wo, _) => None,
        (_, Source::Const(x) | Source::BuildConst(x)) => Some(format!("32'h{x:08x}")),
        (_, Source::Storage(_)) => {
            let k = st.iter().position(|s| s.offset == r.offset).unwrap();
            Some(format!("storage[{}:{}]", 32 * k + 31, 32 * k))
        }
        (_, Source::Input(i)) => Some(format!("inputs[{}:{}]", 32 * i + 31, 32 * i)),
        _ => None,
    }
}

/// A 32-bit mask of the words in `page` whose register passes `f`.
fn page_mask(map: &RegMap, page: u32, f: impl Fn(&Source) -> bool) -> u32 {
    map.owned(Owner::Core)
        .filter(|r| r.offset >> 7 == page && f(&r.source))
        .fold(0, |m, r| m | 1 << (r.offset >> 2 & 31))
}

/// The read path, six stages (see [`crate::control::REG_RD_LATENCY`]):
/// R1 registers the request; R2 muxes each 128-byte page's words by
/// address bits 6:2 (large storage pages from their RAM copy, see
/// [`crate::control::regfile_write`]; each page's counters, chunks and owed carries by bits
/// 6:3), and looks up in each page's masks whether the word is mapped, a
/// counter's LO or HI, and whether the address is aligned and inside the
/// map's pages; R3 picks the page by bits 11:7 (up to 13:7 in a large
/// build); R4, R5 and R6 add a counter's owed carries 16 bits at a time
/// (R6 also latches the HI word into the shadow); `rd_data`/`rd_err`
/// load at R6.
fn read_path(map: &RegMap) -> String {
    let rams = ram_words(map);
    let mut pages: BTreeMap<u32, Vec<(u32, String)>> = BTreeMap::new();
    let mut cpages: BTreeMap<u32, Vec<(u32, usize)>> = BTreeMap::new();
    for r in map.owned(Owner::Core) {
        assert!(r.offset < 0x4000, "register {} above 0x3fff", r.name);
        let page = r.offset >> 7;
        if let Source::CounterLo(i) = r.source {
            cpages
                .entry(page)
                .or_default()
                .push((r.offset >> 3 & 15, i));
        } else if let Some(w) = word(map, r) {
            // a RAM page's RW words: the reset value until written
            let w = match (rams.contains_key(&page), r.access, r.source) {
                (true, Access::Rw, Source::Storage(x)) => format!("32'h{x:08x}"),
                _ => w,
            };
            pages.entry(page).or_default().push((r.offset >> 2 & 31, w));
        }
    }
    // every page with a register, for the mapped/LO/HI masks
    let mut all: Vec<u32> = map.owned(Owner::Core).map(|r| r.offset >> 7).collect();
    all.sort_unstable();
    all.dedup();
    // the page number's width: 5 bits (registers below 0x1000) unless
    // a large build's map reaches further
    let top = all.iter().max().copied().unwrap_or(0);
    let pb = (32 - top.leading_zeros()).max(5) as usize;
    let mut v = format!(
        "reg r1_en, r2_en, r3_en, r4_en, r5_en;\n/* verilator lint_off UNUSEDSIGNAL */\nreg [15:0] r1_a; // bits 6:2 are read through the pages' copies r1_w_P\n/* verilator lint_on UNUSEDSIGNAL */\nreg [{}:0] r2_p;\nreg r2_al, r3_ok, r3_lo, r3_hi, r4_ok, r4_lo, r4_hi, r5_ok, r5_lo, r5_hi;\nreg [{n}:0] r2_ok, r2_lo, r2_hi;\nreg [31:0] r3_w, r4_w, r5_w, r4_lo32, r5_lo32;\nreg [66:0] r3_c;\nreg [15:0] r4_c2, r4_c3, r5_mid, r5_c3;\nreg r4_k1, r4_k2, r4_y, r5_k2, r5_y;\n",
        pb - 1,
        n = all.len() - 1,
    );
    for p in pages.keys() {
        v.push_str(&format!("reg [31:0] pg_{p};\n"));
    }
    for p in cpages.keys() {
        v.push_str(&format!("reg [66:0] cp_{p};\n"));
    }
    // each page's own R1 copy of the word index, loaded only by a read
    // of the page (copies with one enable would be merged by yosys): no
    // R1 flip-flop drives every page's mux selects
    for p in &all {
        v.push_str(&format!(
            "(* keep *) reg [4:0] r1_w_{p};\nalways @(posedge clock) if (rd_en && rd_addr[15:7] == 9'd{p}) r1_w_{p} <= rd_addr[6:2];\n"
        ));
    }
    // a counter page's selects: a copy per slice of its mux (`keep` on the
    // process, or yosys merges the copies)
    for p in cpages.keys() {
        for k in 0..4 {
            v.push_str(&format!(
                "(* keep *) reg [3:0] r1_c_{p}_{k};\n(* keep *) always @(posedge clock) if (rd_en && rd_addr[15:7] == 9'd{p}) r1_c_{p}_{k} <= rd_addr[6:3];\n"
            ));
        }
    }
    for (j, &p) in all.iter().enumerate() {
        let ok = page_mask(map, p, |_| true);
        let lo = page_mask(map, p, |s| matches!(s, Source::CounterLo(_)));
        let hi = page_mask(map, p, |s| matches!(s, Source::CounterHi(_)));
        v.push_str(&format!(
            "localparam [31:0] OK_{j} = 32'h{ok:08x}, LO_{j} = 32'h{lo:08x}, HI_{j} = 32'h{hi:08x};\n"
        ));
    }
    // R1, R2
    v.push_str("always @(posedge clock) begin\n  r1_en <= rd_en & ~rst;\n  r1_a <= rd_addr;\n  r2_en <= r1_en & ~rst;\n  r2_p <= r1_a[@PT@:7];\n"
        .replace("@PT@", &(6 + pb).to_string()).as_str());
    let upper = if 7 + pb <= 15 {
        format!(" && r1_a[15:{}] == {}'d0", 7 + pb, 16 - 7 - pb)
    } else {
        String::new()
    };
    v.push_str(&format!(
        "  if (r1_en) begin\n  r2_al <= r1_a[1:0] == 2'd0{upper};\n"
    ));
    for (j, p) in all.iter().enumerate() {
        v.push_str(&format!(
            "  r2_ok[{j}] <= OK_{j}[r1_w_{p}];\n  r2_lo[{j}] <= LO_{j}[r1_w_{p}];\n  r2_hi[{j}] <= HI_{j}[r1_w_{p}];\n"
        ));
    }
    for (p, ws) in &pages {
        let sel = format!("r1_w_{p}");
        v.push_str(&format!("  case ({sel})\n"));
        for (w, e) in ws {
            v.push_str(&format!("    5'd{w}: pg_{p} <= {e};\n"));
        }
        v.push_str(&format!("    default: pg_{p} <= 32'h0;\n  endcase\n"));
        if rams.contains_key(p) {
            // bytes written since reset: from the RAM (overrides the case)
            for b in 0..4 {
                v.push_str(&format!(
                    "  if (vb_{p}[{{{sel}, 2'd{b}}}]) pg_{p}[{}:{}] <= ram_{p}[{sel}][{}:{}];\n",
                    8 * b + 7,
                    8 * b,
                    8 * b + 7,
                    8 * b
                ));
            }
        }
    }
    // a counter page's 16:1 mux in four slices, each with its own copy of
    // the select (one copy drove all 67 bits' mux trees: 5.3 ns of routing)
    for (p, cs) in &cpages {
        for (k, (hi, lo)) in [(15, 0), (31, 16), (47, 32), (66, 48)]
            .into_iter()
            .enumerate()
        {
            v.push_str(&format!("  case (r1_c_{p}_{k})\n"));
            for (w, i) in cs {
                let carry = if k == 3 {
                    format!("carries[{}:{}], ", 3 * i + 2, 3 * i)
                } else {
                    String::new()
                };
                v.push_str(&format!(
                    "    4'd{w}: cp_{p}[{hi}:{lo}] <= {{{carry}counters[{}:{}]}};\n",
                    64 * i + hi.min(63),
                    64 * i + lo
                ));
            }
            v.push_str(&format!(
                "    default: cp_{p}[{hi}:{lo}] <= {}'h0;\n  endcase\n",
                hi - lo + 1
            ));
        }
    }
    // (the R2 registers load only for a read: a clock enable, and a
    // simulator skips the decodes and muxes on the clocks without one)
    v.push_str("  end\n");
    // R3
    v.push_str("  r3_en <= r2_en & ~rst;\n  case (r2_p)\n");
    for (j, p) in all.iter().enumerate() {
        v.push_str(&format!(
            "    {pb}'d{p}: begin r3_ok <= r2_al & r2_ok[{j}]; r3_lo <= r2_al & r2_lo[{j}]; r3_hi <= r2_al & r2_hi[{j}]; end\n"
        ));
    }
    v.push_str("    default: begin r3_ok <= 1'b0; r3_lo <= 1'b0; r3_hi <= 1'b0; end\n  endcase\n  case (r2_p)\n");
    for p in pages.keys() {
        v.push_str(&format!(
            "    {pb}'d{p}: r3_w <= pg_{p} & {{32{{r2_al}}}};\n"
        ));
    }
    v.push_str("    default: r3_w <= 32'h0;\n  endcase\n  case (r2_p)\n");
    for p in cpages.keys() {
        v.push_str(&format!("    {pb}'d{p}: r3_c <= cp_{p};\n"));
    }
    v.push_str("    default: r3_c <= 67'h0;\n  endcase\n");
    // R4, R5, R6: the owed carries, 16 bits a stage
    v.push_str(concat!(
        "  r4_en <= r3_en & ~rst;\n  r4_ok <= r3_ok;\n  r4_lo <= r3_lo;\n  r4_hi <= r3_hi;\n  r4_w <= r3_w;\n",
        "  {r4_y, r4_lo32[31:16]} <= {1'b0, r3_c[31:16]} + {16'h0, r3_c[64]};\n  r4_lo32[15:0] <= r3_c[15:0];\n",
        "  r4_c2 <= r3_c[47:32];\n  r4_c3 <= r3_c[63:48];\n  r4_k1 <= r3_c[65];\n  r4_k2 <= r3_c[66];\n",
        "  r5_en <= r4_en & ~rst;\n  r5_ok <= r4_ok;\n  r5_lo <= r4_lo;\n  r5_hi <= r4_hi;\n  r5_w <= r4_w;\n  r5_lo32 <= r4_lo32;\n",
        "  {r5_y, r5_mid} <= {1'b0, r4_c2} + {16'h0, r4_k1} + {16'h0, r4_y};\n  r5_c3 <= r4_c3;\n  r5_k2 <= r4_k2;\n",
        "  if (rst) begin\n    rd_data <= 32'h0;\n    rd_err <= 1'b0;\n    shadow <= 32'h0;\n  end else if (r5_en) begin\n",
        "    rd_err <= ~r5_ok;\n    rd_data <= r5_lo ? r5_lo32 : r5_hi ? shadow : r5_w;\n",
        "    if (r5_lo) shadow <= {r5_c3 + {15'h0, r5_k2} + {15'h0, r5_y}, r5_mid};\n  end\nend\n",
    ));
    v
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
