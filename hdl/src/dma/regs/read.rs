//! The read path of [`super::DmaRegs`]'s Verilog (see the parent
//! module's documentation for the stages and their latency).

use ferronic_regmap::{Access, Owner, RegMap, Source};
use std::collections::BTreeMap;

/// The read path: R1 the request (a copy per 128-byte page), R2 the word
/// select per group of 8, one-hot (its own flip-flops for each group's 32
/// AND-ORs: a shared decode after the select's flip-flops cost 4.7 ns of
/// routing to them) and whether the page holds the address, R3 a word of
/// each group, R4 the page's word, R5 the OR of the pages (one at most
/// holds it), R6 `rd_data` (6 clocks after `rd_en`).
///
/// `st`: the storage words (offset, access, reset value) in `cfg` order.
/// Returns the Verilog text; it reads `rd_en`, `rd_addr`, `cfg` and
/// `inputs` and drives `rd_data` and `rd_err`.
pub(super) fn read_path(map: &RegMap, st: &[(u32, Access, u32)]) -> String {
    let mut v = String::new();
    let mut pages: BTreeMap<u32, Vec<(u32, Option<String>)>> = BTreeMap::new();
    for r in map.owned(Owner::Dma) {
        let w = match (r.access, r.source) {
            (Access::Wo, _) => None,
            (_, Source::Const(x) | Source::BuildConst(x)) => Some(format!("32'h{x:08x}")),
            (_, Source::Storage(_)) => {
                let k = st.iter().position(|s| s.0 == r.offset).unwrap();
                Some(format!("cfg[{}:{}]", 32 * k + 31, 32 * k))
            }
            (_, Source::Input(i)) => Some(format!("inputs[{}:{}]", 32 * i + 31, 32 * i)),
            (_, s) => panic!("{}: source {s:?} in an engine block", r.name),
        };
        pages
            .entry(r.offset >> 7)
            .or_default()
            .push((r.offset >> 2 & 31, w));
    }
    v.push_str("reg r1_en, r2_en, r3_en, r4_en, r5_en, r5_ok;\nreg [31:0] r5_w;\n");
    let mut ors = Vec::new();
    let mut oks = Vec::new();
    for (p, ws) in &pages {
        let labels: Vec<String> = ws.iter().map(|(w, _)| format!("5'd{w}")).collect();
        v.push_str(&format!(
            "(* keep *) reg [15:0] ra_{p};\n(* keep *) always @(posedge clock) ra_{p} <= rd_addr;\n\
             reg hit_{p}; reg [1:0] sel_{p}; reg hit2_{p}; reg [1:0] sel2_{p}; reg [31:0] pg_{p}; reg ok_{p};\n"
        ));
        let groups: Vec<u32> = (0..4)
            .filter(|g| ws.iter().any(|(w, e)| w / 8 == *g && e.is_some()))
            .collect();
        for g in &groups {
            // (a group's one-hot bits of absent words are left unread)
            v.push_str(&format!(
                "reg [31:0] gr_{p}_{g};\n/* verilator lint_off UNUSEDSIGNAL */ (* keep *) reg [7:0] rg_{p}_{g}; /* verilator lint_on UNUSEDSIGNAL */\n\
                 (* keep *) always @(posedge clock) rg_{p}_{g} <= 8'd1 << ra_{p}[4:2];\n"
            ));
        }
        v.push_str(&format!(
            "always @(posedge clock) begin\n  hit_{p} <= 1'b0;\n  if (r1_en && ra_{p}[15:7] == 9'd{p} && ra_{p}[1:0] == 2'd0) case (ra_{p}[6:2])\n    {}: hit_{p} <= 1'b1;\n    default: hit_{p} <= 1'b0;\n  endcase\n  sel_{p} <= ra_{p}[6:5];\n  hit2_{p} <= hit_{p}; sel2_{p} <= sel_{p};\n",
            labels.join(", ")
        ));
        for g in &groups {
            let terms: Vec<String> = ws
                .iter()
                .filter(|(w, e)| w / 8 == *g && e.is_some())
                .map(|(w, e)| {
                    format!(
                        "({{32{{rg_{p}_{g}[{}]}}}} & {})",
                        w % 8,
                        e.as_ref().unwrap()
                    )
                })
                .collect();
            v.push_str(&format!("  gr_{p}_{g} <= {};\n", terms.join(" | ")));
        }
        v.push_str(&format!("  ok_{p} <= hit2_{p};\n  case (sel2_{p})\n"));
        for g in &groups {
            v.push_str(&format!(
                "    2'd{g}: pg_{p} <= gr_{p}_{g} & {{32{{hit2_{p}}}}};\n"
            ));
        }
        v.push_str(&format!("    default: pg_{p} <= 32'h0;\n  endcase\nend\n"));
        ors.push(format!("pg_{p}"));
        oks.push(format!("ok_{p}"));
    }
    v.push_str(&format!(
        "always @(posedge clock) begin\n  r1_en <= rd_en & ~rst; r2_en <= r1_en & ~rst; r3_en <= r2_en & ~rst;\n  r4_en <= r3_en & ~rst;\n  r5_en <= r4_en & ~rst; r5_w <= {}; r5_ok <= {};\n  if (rst) begin\n    rd_data <= 32'h0; rd_err <= 1'b0;\n  end else if (r5_en) begin\n    rd_data <= r5_w; rd_err <= ~r5_ok;\n  end\nend\n",
        ors.join(" | "),
        oks.join(" | ")
    ));
    v
}
