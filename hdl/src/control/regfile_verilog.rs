//! The Verilog of [`crate::control::regfile::RegFile`] for a register map:
//! the write decoder with byte strobes, the registered read mux, the
//! counter shadow, the live inputs and strobes, all generated from the one
//! map definition.

use crate::control::regfile::{hs_first, HS_FIELDS};
use crate::{HS_STORAGE, STROBES};
use ferronic_regmap::{Access, RegMap, Source};

/// The Verilog body of [`crate::control::regfile::RegFile`] for `map`.
pub fn verilog(map: &RegMap) -> String {
    let st = map.storage();
    let n = st.len();
    let mut v = format!("reg [{}:0] storage;\nreg [31:0] shadow;\n", 32 * n - 1);
    let ctrl = map.storage_index("datapath.CTRL").expect("datapath.CTRL");
    let dq = map
        .storage_index("datapath.DEFAULT_QUEUE")
        .expect("DEFAULT_QUEUE");
    let reset: Vec<String> = st
        .iter()
        .rev()
        .map(|r| match r.source {
            Source::Storage(x) => format!("32'h{x:08x}"),
            _ => unreachable!(),
        })
        .collect();
    v.push_str(&format!(
        "always @(*) begin\n  enable = storage[{c}];\n  tx_enable = storage[{c} + 1];\n  tag_format = storage[{c4}:{c1}];\n  tag_mode = storage[{c9}:{c8}];\n  default_queue = storage[{dh}:{dl}];\nend\n",
        c = 32 * ctrl,
        c4 = 32 * ctrl + 7,
        c1 = 32 * ctrl + 4,
        c9 = 32 * ctrl + 9,
        c8 = 32 * ctrl + 8,
        dh = 32 * dq + crate::RX_QUEUE_BITS - 1,
        dl = 32 * dq,
    ));
    let rc = map.storage_index("rss.CTRL").expect("rss.CTRL");
    let k0 = map.storage_index("rss.KEY0").expect("rss.KEY0");
    let t0 = map.storage_index("rss.TABLE0").expect("rss.TABLE0");
    let key: Vec<String> = (0..10)
        .map(|k| {
            let lo = 32 * (k0 + k) + usize::from(k == 9);
            format!("storage[{}:{}]", 32 * (k0 + k) + 31, lo)
        })
        .collect();
    v.push_str(&format!(
        "always @(*) begin\n  rss_enable = storage[{}];\n  rss_key = {{{}}};\n  case (rss_index)\n",
        32 * rc,
        key.join(", ")
    ));
    for e in 0..128 {
        let lo = 32 * (t0 + e / 4) + 8 * (e % 4);
        v.push_str(&format!(
            "    7'd{e}: rss_queue = storage[{}:{lo}];\n",
            lo + crate::RX_QUEUE_BITS - 1
        ));
    }
    v.push_str("    default: rss_queue = 0;\n  endcase\nend\n");
    let h0 = hs_first(map);
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
    v.push_str(&format!("always @(*) hs_cfg = {{{}}};\n", parts.join(", ")));
    let mapped: Vec<String> = map
        .regs()
        .map(|r| format!("16'h{:04x}", r.offset))
        .collect();
    let m = mapped.join(", ");
    v.push_str(&format!(
        "always @(posedge clock) begin\n  clear <= 1'b0;\n  strobes <= {STROBES}'d0;\n  if (rst) begin\n    storage <= {{{}}};\n    shadow <= 32'h0;\n    rd_data <= 32'h0;\n    rd_err <= 1'b0;\n    wr_err <= 1'b0;\n  end else begin\n",
        reset.join(", ")
    ));
    v.push_str(&format!(
        "    if (wr_en) begin\n      case (wr_addr)\n        {m}: wr_err <= 1'b0;\n        default: wr_err <= 1'b1;\n      endcase\n    end\n    if (rd_en) begin\n      case (rd_addr)\n        {m}: rd_err <= 1'b0;\n        default: rd_err <= 1'b1;\n      endcase\n    end\n"
    ));
    v.push_str("    if (wr_en) begin\n      case (wr_addr)\n");
    for (k, r) in st.iter().enumerate() {
        if r.access == Access::Ro {
            continue;
        }
        v.push_str(&format!("        16'h{:04x}: begin\n", r.offset));
        for b in 0..4 {
            let lo = 32 * k + 8 * b;
            v.push_str(&format!(
                "          if (wr_strb[{b}]) storage[{}:{lo}] <= wr_data[{}:{}];\n",
                lo + 7,
                8 * b + 7,
                8 * b
            ));
        }
        v.push_str("        end\n");
    }
    for r in map.regs().filter(|r| r.source == Source::Clear) {
        v.push_str(&format!(
            "        16'h{:04x}: clear <= wr_data[0];\n",
            r.offset
        ));
    }
    for r in map.regs() {
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
    v.push_str(
        "        default: ;\n      endcase\n    end\n    if (rd_en) begin\n      case (rd_addr)\n",
    );
    for r in map.regs() {
        let rhs = match (r.access, r.source) {
            (Access::Wo, _) => continue,
            (_, Source::Const(x) | Source::BuildConst(x)) => format!("rd_data <= 32'h{x:08x};"),
            (_, Source::Storage(_)) => {
                let k = st.iter().position(|s| s.offset == r.offset).unwrap();
                format!("rd_data <= storage[{}:{}];", 32 * k + 31, 32 * k)
            }
            (_, Source::CounterLo(i)) => format!(
                "begin rd_data <= counters[{}:{}]; shadow <= counters[{}:{}]; end",
                64 * i + 31,
                64 * i,
                64 * i + 63,
                64 * i + 32
            ),
            (_, Source::CounterHi(_)) => "rd_data <= shadow;".to_string(),
            (_, Source::Input(i)) => format!("rd_data <= inputs[{}:{}];", 32 * i + 31, 32 * i),
            (_, Source::Clear | Source::Strobe(_)) => continue,
        };
        v.push_str(&format!("        16'h{:04x}: {rhs}\n", r.offset));
    }
    v.push_str("        default: rd_data <= 32'h0;\n      endcase\n    end\n  end\nend\n");
    v
}
