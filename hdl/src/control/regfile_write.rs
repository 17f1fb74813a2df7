//! The write side of [`crate::control::regfile::RegFile`]'s Verilog: the
//! request's pipeline (W1 request, W2 decode, W3 storage), the reset's
//! tree of flip-flop copies and the read copies (LUT RAM) of the large
//! storage pages, generated from the register map.
//!
//! Timing on ECP5 (issue 12): one flip-flop driving every storage word's
//! decode or reset is a net to thousands of loads across the chip (11 ns
//! of routing for a shared word decode, 13.5 ns for `rst`). So each page
//! with storage has its own W1 and W2 copies of a write, and the reset
//! reaches the storage through a copy of `rst` per four words: the
//! storage resets one clock after `rst` (see
//! [`crate::control::REG_STORE_LATENCY`] for why a write is still never
//! lost to it).

use crate::control::regfile_verilog::labels;
use crate::STROBES;
use ferronic_regmap::{Access, Owner, RegMap, Source};
use std::collections::BTreeMap;

/// Storage words per copy of `rst` (128 flip-flops at most).
const RESET_WORDS: usize = 4;

/// Pages with at least this many RW storage words read them from a LUT
/// RAM copy (see [`ram_pages`]); smaller pages mux their flip-flops.
const RAM_MIN: usize = 8;

/// The RW storage words of each page that reads them from a RAM copy:
/// page -> word indices in the page.
pub(crate) fn ram_words(map: &RegMap) -> BTreeMap<u32, Vec<u32>> {
    let mut pages: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for r in map.storage() {
        if let (Access::Rw, Source::Storage(_)) = (r.access, r.source) {
            pages
                .entry(r.offset >> 7)
                .or_default()
                .push(r.offset >> 2 & 31);
        }
    }
    pages.retain(|_, ws| ws.len() >= RAM_MIN);
    pages
}

/// Storage indices by page (every storage word, RO included).
fn storage_pages(map: &RegMap) -> BTreeMap<u32, Vec<usize>> {
    let mut pages: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (k, r) in map.storage().iter().enumerate() {
        pages.entry(r.offset >> 7).or_default().push(k);
    }
    pages
}

/// A flip-flop copy of `src` named `name`; `keep` on the process stops
/// yosys from merging copies of one source back into one flip-flop.
pub(crate) fn copy(name: &str, src: &str) -> String {
    format!("(* keep *) reg {name};\n(* keep *) always @(posedge clock) {name} <= {src};\n")
}

/// The write path. W1 registers the request: `w1_en`/`w1_a` for
/// `wr_err`, `clear` and the strobes, and per storage page P `w1_pe_P`
/// (the write enable matched to the page and aligned), the word index,
/// data and strobes (loaded only by a write to the page: copies with one
/// enable would be merged). W2 decodes `wr_err`, `clear` and the strobes,
/// and per page registers the word as one-hot `w2_h_P`; each group of
/// [`RESET_WORDS`] storage words of a page (J the group's first storage
/// index) has its own W2 copy of the strobes and data, `w2_ds_J`
/// (`{strobes, data}`, 36 bits), and a RAM page one more for its RAM
/// copy. W3 writes the storage bytes (and the page's RAM copy). Storage
/// word k resets from `rsl_J`, a copy of `rst` per group. The storage
/// words are one register vector
/// (Verilator copies the configuration buses out of it every clock: one
/// vector is one copy; separate word registers made the simulation 4x
/// slower).
pub(crate) fn write_path(map: &RegMap) -> String {
    let st = map.storage();
    let m = labels(map, |_| true);
    let mut v = String::from(
        "reg w1_en, w1_d0;\nreg [15:0] w1_a;\nalways @(posedge clock) begin\n  w1_en <= wr_en & ~rst;\n  w1_a <= wr_addr;\n  w1_d0 <= wr_data[0];\nend\n",
    );
    let pages = storage_pages(map);
    let rams = ram_words(map);
    for (p, ks) in &pages {
        // the one-hot word: bits of words that are not storage stay unread
        v.push_str(&format!(
            "(* keep *) reg w1_pe_{p};\nreg w2_pe_{p};\nreg [4:0] w1_w_{p};\nreg [31:0] w1_d_{p};\nreg [3:0] w1_s_{p};\n\
             /* verilator lint_off UNUSEDSIGNAL */\nreg [31:0] w2_h_{p};\n/* verilator lint_on UNUSEDSIGNAL */\n\
             always @(posedge clock) begin\n  w1_pe_{p} <= wr_en & ~rst & wr_addr[15:7] == 9'd{p} & wr_addr[1:0] == 2'd0;\n  \
             if (wr_en && wr_addr[15:7] == 9'd{p}) begin\n    w1_w_{p} <= wr_addr[6:2];\n    w1_d_{p} <= wr_data;\n    w1_s_{p} <= wr_strb;\n  end\n  \
             w2_pe_{p} <= w1_pe_{p};\n  w2_h_{p} <= w1_pe_{p} ? 32'd1 << w1_w_{p} : 32'd0;\nend\n"
        ));
        if rams.contains_key(p) {
            // the RAM copy's write: address, data and strobes
            v.push_str(&format!(
                "reg [4:0] w2_w_{p};\nreg [31:0] w2_d_{p};\nreg [3:0] w2_s_{p};\n\
                 always @(posedge clock) if (w1_pe_{p}) begin\n  w2_w_{p} <= w1_w_{p};\n  w2_d_{p} <= w1_d_{p};\n  w2_s_{p} <= w1_s_{p};\nend\n"
            ));
        }
        for group in ks.chunks(RESET_WORDS) {
            let j = group[0];
            v.push_str(&copy(&format!("rsl_{j}"), "rst"));
            if group.iter().all(|&k| st[k].access == Access::Ro) {
                continue;
            }
            // the group's own copy of the data and strobes (one copy for
            // the page's 32 words was an 11.2 ns net; `keep` on the
            // process, or yosys merges copies with one enable)
            v.push_str(&format!(
                "(* keep *) reg [35:0] w2_ds_{j};\n(* keep *) always @(posedge clock) if (w1_pe_{p}) w2_ds_{j} <= {{w1_s_{p}, w1_d_{p}}};\n"
            ));
        }
    }
    // W3: the storage. A page's writes load under its W2 enable (a
    // simulator skips them on the clocks without a write to the page),
    // then the resets, which win (the later assignment).
    v.push_str("always @(posedge clock) begin\n");
    for (p, ks) in &pages {
        v.push_str(&page_gate(*p));
        for group in ks.chunks(RESET_WORDS) {
            let j = group[0];
            for &k in group {
                let r = &st[k];
                if r.access == Access::Ro {
                    continue;
                }
                let w = r.offset >> 2 & 31;
                for b in 0..4 {
                    let lo = 32 * k + 8 * b;
                    v.push_str(&format!(
                        "    if (w2_h_{p}[{w}] && w2_ds_{j}[{}]) storage[{}:{lo}] <= w2_ds_{j}[{}:{}];\n",
                        32 + b,
                        lo + 7,
                        8 * b + 7,
                        8 * b
                    ));
                }
            }
        }
        v.push_str("  end\n");
        for group in ks.chunks(RESET_WORDS) {
            v.push_str(&format!("  if (rsl_{}) begin\n", group[0]));
            for &k in group {
                let Source::Storage(x) = st[k].source else {
                    unreachable!()
                };
                v.push_str(&format!(
                    "    storage[{}:{}] <= 32'h{x:08x};\n",
                    32 * k + 31,
                    32 * k
                ));
            }
            v.push_str("  end\n");
        }
    }
    v.push_str("end\n");
    // W2: wr_err, clear, strobes
    v.push_str(&format!(
        "always @(posedge clock) begin\n  clear <= 1'b0;\n  strobes <= {STROBES}'d0;\n  if (rst) wr_err <= 1'b0;\n  else if (w1_en) begin\n      case (w1_a)\n        {m}: wr_err <= 1'b0;\n        default: wr_err <= 1'b1;\n      endcase\n      case (w1_a)\n"
    ));
    for r in map.owned(Owner::Core).filter(|r| r.source == Source::Clear) {
        v.push_str(&format!("        16'h{:04x}: clear <= w1_d0;\n", r.offset));
    }
    for r in map.owned(Owner::Core) {
        if let Source::Strobe(i) = r.source {
            // a 1-bit bus is a scalar in the generated module
            let bit = if STROBES == 1 {
                "strobes".to_string()
            } else {
                format!("strobes[{i}]")
            };
            v.push_str(&format!("        16'h{:04x}: {bit} <= 1'b1;\n", r.offset));
        }
    }
    v.push_str("        default: ;\n      endcase\n  end\nend\n");
    v.push_str(&ram_pages(map));
    v
}

/// The `begin` of a page's W3 writes: under the page's W2 enable
/// `w2_pe_P` for a simulator (it skips the page's byte conditions on the
/// clocks without a write to it), without it for synthesis (`SYNTHESIS`
/// is defined by yosys and Vivado): the one-hot `w2_h_P` is already 0
/// without a write, and the gate put `w2_pe_P` in every byte's clock
/// enable, 10.4 ns of routing on ECP5.
fn page_gate(p: u32) -> String {
    sim_gate(&format!("w2_pe_{p}"))
}

/// `if (en) begin` for a simulator, `begin` for synthesis (`SYNTHESIS`,
/// defined by yosys and Vivado): a clock enable that only saves a
/// simulator work, on registers whose value is read only in the clock
/// after `en` (or that do not change without it).
pub(crate) fn sim_gate(en: &str) -> String {
    format!("`ifndef SYNTHESIS\n  if ({en}) begin\n`else\n  begin\n`endif\n")
}

/// The read copies of the large storage pages: per page a 32-word LUT
/// RAM `ram_P`, written at W3 with the storage word (byte strobes), and
/// `vb_P`, bit 4w+b set when byte b of word w has been written since the
/// storage's reset (a RAM does not reset: an unwritten byte reads its
/// reset value from the page mux; `vb_P` resets from its own copy of
/// `rst`, with the storage). The read mux then has one RAM read per
/// page instead of a flip-flop fan-in of 32 words; the flip-flops stay
/// for the configuration buses.
fn ram_pages(map: &RegMap) -> String {
    let mut v = String::new();
    for (p, ws) in ram_words(map) {
        v.push_str(&copy(&format!("rsv_{p}"), "rst"));
        v.push_str(&format!(
            "(* ram_style = \"distributed\" *) reg [31:0] ram_{p} [0:31];\nreg [127:0] vb_{p};\n\
             always @(posedge clock) begin\n  if (w2_pe_{p}) begin\n"
        ));
        for b in 0..4 {
            let r = format!("{}:{}", 8 * b + 7, 8 * b);
            v.push_str(&format!(
                "    if (w2_s_{p}[{b}]) ram_{p}[w2_w_{p}][{r}] <= w2_d_{p}[{r}];\n"
            ));
        }
        v.push_str(&format!(
            "  end\n  if (rsv_{p}) vb_{p} <= 128'd0;\n  else\n{}",
            page_gate(p)
        ));
        for w in &ws {
            v.push_str(&format!(
                "    if (w2_h_{p}[{w}]) vb_{p}[{}:{}] <= vb_{p}[{}:{}] | w2_s_{p};\n",
                4 * w + 3,
                4 * w,
                4 * w + 3,
                4 * w
            ));
        }
        v.push_str("  end\nend\n");
    }
    v
}
