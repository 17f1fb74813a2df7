//! The read path of [`crate::control::regfile::RegFile`]'s Verilog: six
//! pipeline stages from `rd_en` to `rd_data`, generated from the register
//! map (see [`read_path`]).
//!
//! Timing on ECP5 (issue 12): a select that one flip-flop drives into a
//! wide mux is a net to every data bit's mux tree, spread as far as the
//! data. So each page has its own copy of the word index, each counter
//! group its own copy of its select per slice of the counter word, and the
//! counters' 16:1 mux is two registered 4:1 levels.

use crate::control::regfile_write::{copy, ram_words, sim_gate};
use ferronic_regmap::{Access, Owner, Reg, RegMap, Source};
use std::collections::BTreeMap;

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

/// The read path of `map`, six stages (see [`crate::control::REG_RD_LATENCY`]):
/// - R1 registers the request, with per-page copies of the word index.
/// - R2 muxes each 128-byte page's words by address bits 6:2 (large
///   storage pages from their RAM copy, see
///   [`crate::control::regfile_write`]), and picks in each group of four
///   counters of a page (`cg_P_G`: the counter and its three owed carries,
///   67 bits) by bits 4:3; it looks up in each page's masks whether the
///   word is mapped, a counter's LO or HI, and whether the address is
///   aligned and inside the map's pages.
/// - R3 picks the page's word by bits 11:7 (up to 13:7 in a large build),
///   and each counter page's group by bits 6:5 (`cp_P`).
/// - R4 picks the counter page.
/// - R5 adds the owed carries to each 16-bit chunk, R6 ripples the chunks'
///   carries into the HI half and latches it into the shadow; `rd_data`
///   and `rd_err` load at R6.
pub fn read_path(map: &RegMap) -> String {
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
        "reg r1_en, r2_en, r3_en, r4_en, r5_en;\n/* verilator lint_off UNUSEDSIGNAL */\nreg [15:0] r1_a; // bits 6:2 are read through the pages' copies r1_w_P\n/* verilator lint_on UNUSEDSIGNAL */\nreg [{}:0] r2_p;\nreg r2_al, r3_ok, r3_lo, r3_hi, r4_ok, r4_lo, r4_hi, r5_ok, r5_lo, r5_hi;\nreg [{n}:0] r2_ok, r2_lo, r2_hi;\nreg [31:0] r3_w, r4_w, r5_w, r5_lo32;\nreg [66:0] r4_c;\nreg [15:0] r5_m0, r5_m1, r5_t0, r5_t1;\nreg r5_y1, r5_y0, r5_yc;\n/* verilator lint_off UNUSEDSIGNAL */\nreg r5_z1, r5_z2;\n/* verilator lint_on UNUSEDSIGNAL */\n",
        pb - 1,
        n = all.len() - 1,
    );
    for p in pages.keys() {
        v.push_str(&format!("reg [31:0] pg_{p};\n"));
    }
    v.push_str(&counter_regs(&cpages, pb));
    // each page's own R1 copy of the word index, loaded only by a read
    // of the page (copies with one enable would be merged by yosys): no
    // R1 flip-flop drives every page's mux selects
    for p in &all {
        v.push_str(&format!(
            "reg [4:0] r1_w_{p};\nalways @(posedge clock) if (rd_en && rd_addr[15:7] == 9'd{p}) r1_w_{p} <= rd_addr[6:2];\n"
        ));
    }
    // the R2 clock enables, for simulators only (see `sim_gate`): a copy
    // of `r1_en` per page and per counter group. Synthesis loads the R2
    // registers every clock: a read uses them only in the clock after its
    // R1, when they hold its values either way, and the enables' fan-out
    // was RegFile's path on ECP5 (one `r1_en`: 12.8 ns of routing; one
    // group's copy: 11.3 ns)
    for p in pages.keys() {
        v.push_str(&en_copy(&format!("r1_e_{p}")));
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
        "{}  r2_al <= r1_a[1:0] == 2'd0{upper};\n",
        sim_gate("r1_en")
    ));
    for (j, p) in all.iter().enumerate() {
        v.push_str(&format!(
            "  r2_ok[{j}] <= OK_{j}[r1_w_{p}];\n  r2_lo[{j}] <= LO_{j}[r1_w_{p}];\n  r2_hi[{j}] <= HI_{j}[r1_w_{p}];\n"
        ));
    }
    v.push_str("  end\n");
    for (p, ws) in &pages {
        let sel = format!("r1_w_{p}");
        v.push_str(&sim_gate(&format!("r1_e_{p}")));
        v.push_str(&format!("  case ({sel})\n"));
        for (w, e) in ws {
            v.push_str(&format!("    5'd{w}: pg_{p} <= {e};\n"));
        }
        v.push_str(&format!("    default: pg_{p} <= 32'h0;\n  endcase\n"));
        if rams.contains_key(p) {
            // bytes written since reset: from the RAM (overrides the case)
            for b in 0..4 {
                let r = format!("{}:{}", 8 * b + 7, 8 * b);
                v.push_str(&format!(
                    "  if (vb_{p}[{{{sel}, 2'd{b}}}]) pg_{p}[{r}] <= ram_{p}[{sel}][{r}];\n"
                ));
            }
        }
        v.push_str("  end\n");
    }
    // (in a simulator the R2 registers load only for a read: it skips the
    // decodes and muxes on the clocks without one)
    v.push_str(&counter_r2(&cpages));
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
    v.push_str("    default: r3_w <= 32'h0;\n  endcase\n");
    v.push_str(&counter_r3_r4(&cpages, pb));
    // R4 waits for the counter page pick; R5 adds each 16-bit chunk's
    // owed carry (bits 64, 65, 66 of the counter word owe 2^16, 2^32,
    // 2^48), and for the upper chunks also the sums with a carry in
    // (carry select; the carry in as a low bit 1 on both operands, one
    // carry chain, its sum's low bit unread: r5_z*);
    // R6 picks them by the carries out of the chunks below: two muxes, no
    // carry chain after another
    v.push_str(concat!(
        "  r4_en <= r3_en & ~rst;\n  r4_ok <= r3_ok;\n  r4_lo <= r3_lo;\n  r4_hi <= r3_hi;\n  r4_w <= r3_w;\n",
        "  r5_en <= r4_en & ~rst;\n  r5_ok <= r4_ok;\n  r5_lo <= r4_lo;\n  r5_hi <= r4_hi;\n  r5_w <= r4_w;\n",
        "  {r5_y1, r5_lo32[31:16]} <= {1'b0, r4_c[31:16]} + {16'h0, r4_c[64]};\n  r5_lo32[15:0] <= r4_c[15:0];\n",
        "  {r5_y0, r5_m0} <= {1'b0, r4_c[47:32]} + {16'h0, r4_c[65]};\n  {r5_yc, r5_m1, r5_z1} <= {1'b0, r4_c[47:32], 1'b1} + {16'h0, r4_c[65], 1'b1};\n",
        "  r5_t0 <= r4_c[63:48] + {15'h0, r4_c[66]};\n  {r5_t1, r5_z2} <= {r4_c[63:48], 1'b1} + {15'h0, r4_c[66], 1'b1};\n",
        "  if (rst) begin\n    rd_data <= 32'h0;\n    rd_err <= 1'b0;\n    shadow <= 32'h0;\n  end else if (r5_en) begin\n",
        "    rd_err <= ~r5_ok;\n    rd_data <= r5_lo ? r5_lo32 : r5_hi ? shadow : r5_w;\n",
        "    if (r5_lo) shadow <= r5_y1 ? {r5_yc ? r5_t1 : r5_t0, r5_m1} : {r5_y0 ? r5_t1 : r5_t0, r5_m0};\n  end\nend\n",
    ));
    v
}

/// The counter word's slices, (high bit, low bit): each has its own copy
/// of every select (one copy drove all 67 bits' mux trees: 5.3 ns of
/// routing; with a copy per 16-bit slice of a 16:1 mux, the decoded select
/// still travelled 6.2 ns to its data).
const SLICES: [(usize, usize); 2] = [(31, 0), (66, 32)];

/// A flip-flop copy `name` of `r1_en`.
fn en_copy(name: &str) -> String {
    copy(name, "rd_en & ~rst")
}

/// The groups of [`GROUP`] counters that a counter page has (`cs`: its
/// counters' word index in the page, ascending).
fn groups(cs: &[(u32, usize)]) -> Vec<u32> {
    let mut g: Vec<u32> = cs.iter().map(|(w, _)| w / GROUP).collect();
    g.dedup();
    g
}

/// Counters per R2 group (a 4:1 mux by address bits 4:3).
const GROUP: u32 = 4;

/// The counter pages' registers and select copies: per page P and group
/// G of [`GROUP`] counters, `cg_P_G` (R2) with a copy of the select
/// `r1_c_P_G_K` per slice K; per page `r1_g_P` (bits 6:5, R1), its copies
/// `r2_g_P_K` (R2) and `cp_P` (R3); `r3_p_K`, copies of the page for R4's
/// pick. `keep` on a copy's process, or yosys merges the copies.
fn counter_regs(cpages: &BTreeMap<u32, Vec<(u32, usize)>>, pb: usize) -> String {
    let mut v = String::new();
    let hit = |p: &u32| format!("rd_en && rd_addr[15:7] == 9'd{p}");
    for (p, cs) in cpages {
        for g in groups(cs) {
            v.push_str(&format!("reg [66:0] cg_{p}_{g};\n"));
            v.push_str(&en_copy(&format!("r1_e_{p}_{g}")));
            for k in 0..SLICES.len() {
                v.push_str(&format!(
                    "(* keep *) reg [1:0] r1_c_{p}_{g}_{k};\n(* keep *) always @(posedge clock) if ({}) r1_c_{p}_{g}_{k} <= rd_addr[4:3];\n",
                    hit(p)
                ));
            }
        }
        v.push_str(&format!(
            "reg [66:0] cp_{p};\nreg [1:0] r1_g_{p};\nalways @(posedge clock) if ({}) r1_g_{p} <= rd_addr[6:5];\n",
            hit(p)
        ));
        for k in 0..SLICES.len() {
            v.push_str(&format!(
                "(* keep *) reg [1:0] r2_g_{p}_{k};\n(* keep *) always @(posedge clock) r2_g_{p}_{k} <= r1_g_{p};\n"
            ));
        }
    }
    for k in 0..SLICES.len() {
        v.push_str(&format!(
            "(* keep *) reg [{}:0] r3_p_{k};\n(* keep *) always @(posedge clock) r3_p_{k} <= r2_p;\n",
            pb - 1
        ));
    }
    v
}

/// R2 of the counter pages: each group's 4:1 mux by bits 4:3, a slice at
/// a time (inside the read's enable).
fn counter_r2(cpages: &BTreeMap<u32, Vec<(u32, usize)>>) -> String {
    let mut v = String::new();
    for (p, cs) in cpages {
        for (k, (hi, lo)) in SLICES.into_iter().enumerate() {
            for g in groups(cs) {
                let members = cs.iter().filter(|(w, _)| w / GROUP == g);
                v.push_str(&sim_gate(&format!("r1_e_{p}_{g}")));
                v.push_str(&format!("  case (r1_c_{p}_{g}_{k})\n"));
                for (w, i) in members {
                    let carry = if hi > 63 {
                        format!("carries[{}:{}], ", 3 * i + 2, 3 * i)
                    } else {
                        String::new()
                    };
                    v.push_str(&format!(
                        "    2'd{}: cg_{p}_{g}[{hi}:{lo}] <= {{{carry}counters[{}:{}]}};\n",
                        w % GROUP,
                        64 * i + hi.min(63),
                        64 * i + lo
                    ));
                }
                v.push_str(&format!(
                    "    default: cg_{p}_{g}[{hi}:{lo}] <= {}'h0;\n  endcase\n  end\n",
                    hi - lo + 1
                ));
            }
        }
    }
    v
}

/// R3 and R4 of the counter pages: R3 picks each page's group by bits 6:5
/// (`cp_P`), R4 the page (`r4_c`), a slice at a time.
fn counter_r3_r4(cpages: &BTreeMap<u32, Vec<(u32, usize)>>, pb: usize) -> String {
    let mut v = String::new();
    for (p, cs) in cpages {
        let groups = groups(cs);
        for (k, (hi, lo)) in SLICES.into_iter().enumerate() {
            v.push_str(&format!("  case (r2_g_{p}_{k})\n"));
            for g in &groups {
                v.push_str(&format!(
                    "    2'd{g}: cp_{p}[{hi}:{lo}] <= cg_{p}_{g}[{hi}:{lo}];\n"
                ));
            }
            v.push_str(&format!(
                "    default: cp_{p}[{hi}:{lo}] <= {}'h0;\n  endcase\n",
                hi - lo + 1
            ));
        }
    }
    for (k, (hi, lo)) in SLICES.into_iter().enumerate() {
        v.push_str(&format!("  case (r3_p_{k})\n"));
        for p in cpages.keys() {
            v.push_str(&format!(
                "    {pb}'d{p}: r4_c[{hi}:{lo}] <= cp_{p}[{hi}:{lo}];\n"
            ));
        }
        v.push_str(&format!(
            "    default: r4_c[{hi}:{lo}] <= {}'h0;\n  endcase\n",
            hi - lo + 1
        ));
    }
    v
}
