//! `DmaRegs`: the DMA engine's register file, generated from the blocks
//! of the register map that the engine decodes ([`Owner::Dma`]: `dma`,
//! `rxq`, `txq`, `cq`, from [`ferronic_regmap::DMA_BASE`]), and
//! [`DmaRegBlock`], the same behind its own AXI4-Lite slave
//! ([`crate::control::axil_slave::AxilSlave`], so both register files
//! answer the bus alike: SLVERR for unmapped or unaligned addresses and
//! instruction accesses, RO writes ignored, WO reads 0).
//!
//! * Request side as [`crate::control::regfile`]: a write takes effect
//!   [`crate::control::REG_WR_LATENCY`] (2) clocks after `wr_en`, a read's
//!   `rd_data`/`rd_err` load [`crate::control::REG_RD_LATENCY`] (6) clocks
//!   after `rd_en` (the source sampled one clock after `rd_en`).
//! * `cfg`: every storage register (driver-written: ring and completion
//!   queue bases, controls, producer/consumer indices, moderation), word
//!   k of [`DmaRegs::cfg_word`] order at bits 32k+31..32k, byte strobes
//!   honoured, reset values from the map.
//! * `inputs`: live words from the engine (`Source::Input(n)`: engine
//!   status, hardware consumer and producer indices), word n at bits
//!   32n+31..32n; `strobes`: bit n pulses one clock on any write to a
//!   `Source::Strobe(n)` register (the completion queues' ARM).
//! * Read path: R1 registers the request, R2 muxes each 128-byte page by
//!   address bits 6:2 and decodes whether the address is mapped, R3 picks
//!   the page by bits 15:7, R4..R6 carry it to `rd_data` (the latency the
//!   slave expects).

use crate::control::axil_slave::AxilSlave;
use ferronic_regmap::{Access, MapParams, Owner, RegMap, Source};
use rust_hdl::prelude::*;
use std::collections::BTreeMap;

/// Storage words of the engine's blocks for `rx` receive and `tx`
/// transmit rings: `dma.CTRL`, 4 per ring, 5 per completion queue.
pub const fn cfg_words(rx: usize, tx: usize) -> usize {
    1 + 4 * (rx + tx) + 5 * (rx + tx)
}

/// Input words: `dma.STATUS`, a consumer index per ring, a producer index
/// and a status word per completion queue.
pub const fn input_words(rx: usize, tx: usize) -> usize {
    1 + (rx + tx) + 2 * (rx + tx)
}

/// `cfg` width of the default build.
pub const DMA_CFG_BITS: usize = 32 * cfg_words(crate::RX_QUEUES, crate::TX_QUEUES);
/// `inputs` width of the default build.
pub const DMA_INPUT_BITS: usize = 32 * input_words(crate::RX_QUEUES, crate::TX_QUEUES);
/// `strobes` width of the default build (one ARM per completion queue).
pub const DMA_STROBES: usize = crate::RX_QUEUES + crate::TX_QUEUES;

/// The default build's map with the engine's blocks.
pub fn nic_map() -> RegMap {
    RegMap::new(MapParams {
        rx_queues: crate::RX_QUEUES,
        tx_queues: crate::TX_QUEUES,
        dma: true,
        ..MapParams::default()
    })
}

/// The engine's register file; see the module documentation.
#[derive(LogicBlock)]
pub struct DmaRegs {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub wr_en: Signal<In, Bit>,
    pub wr_addr: Signal<In, Bits<16>>,
    pub wr_data: Signal<In, Bits<32>>,
    pub wr_strb: Signal<In, Bits<4>>,
    pub wr_err: Signal<Out, Bit>,
    pub rd_en: Signal<In, Bit>,
    pub rd_addr: Signal<In, Bits<16>>,
    pub rd_data: Signal<Out, Bits<32>>,
    pub rd_err: Signal<Out, Bit>,
    pub cfg: Signal<Out, Bits<DMA_CFG_BITS>>,
    pub inputs: Signal<In, Bits<DMA_INPUT_BITS>>,
    pub strobes: Signal<Out, Bits<DMA_STROBES>>,
    _map: Box<RegMap>,
}

impl DmaRegs {
    /// The register file for `map` (its engine blocks must match the
    /// default build's bus widths).
    pub fn new(map: &RegMap) -> Self {
        let (cfg, inputs, strobes) = widths(map);
        assert_eq!(
            (32 * cfg, 32 * inputs, strobes),
            (DMA_CFG_BITS, DMA_INPUT_BITS, DMA_STROBES),
            "engine bus widths of the map"
        );
        DmaRegs {
            clock: Default::default(),
            rst: Default::default(),
            wr_en: Default::default(),
            wr_addr: Default::default(),
            wr_data: Default::default(),
            wr_strb: Default::default(),
            wr_err: Default::default(),
            rd_en: Default::default(),
            rd_addr: Default::default(),
            rd_data: Default::default(),
            rd_err: Default::default(),
            cfg: Default::default(),
            inputs: Default::default(),
            strobes: Default::default(),
            _map: Box::new(map.clone()),
        }
    }

    /// The `cfg` word of storage register `path` (`"rxq.Q3_CTRL"`).
    pub fn cfg_word(map: &RegMap, path: &str) -> Option<usize> {
        let r = map.reg(path)?;
        storage(map).iter().position(|&(off, _, _)| off == r.offset)
    }
}

/// The engine's storage registers: (offset, access, reset value).
fn storage(map: &RegMap) -> Vec<(u32, Access, u32)> {
    map.owned(Owner::Dma)
        .filter_map(|r| match r.source {
            Source::Storage(v) => Some((r.offset, r.access, v)),
            _ => None,
        })
        .collect()
}

/// (storage words, input words, strobes) of `map`'s engine blocks.
fn widths(map: &RegMap) -> (usize, usize, usize) {
    let (mut inputs, mut strobes) = (0, 0);
    for r in map.owned(Owner::Dma) {
        match r.source {
            Source::Input(i) => inputs = inputs.max(i + 1),
            Source::Strobe(i) => strobes = strobes.max(i + 1),
            _ => {}
        }
    }
    (storage(map).len(), inputs, strobes)
}

/// The Verilog body for `map`.
pub fn verilog(map: &RegMap) -> String {
    let st = storage(map);
    let regs: Vec<_> = map.owned(Owner::Dma).collect();
    let mapped: Vec<String> = regs
        .iter()
        .map(|r| format!("16'h{:04x}", r.offset))
        .collect();
    let m = mapped.join(", ");
    let reset: Vec<String> = st
        .iter()
        .rev()
        .map(|s| format!("32'h{:08x}", s.2))
        .collect();
    let mut v = format!(
        "reg w1_en; reg [15:0] w1_a; reg [31:0] w1_d; reg [3:0] w1_s;\n\
         always @(posedge clock) begin\n  w1_en <= wr_en & ~rst; w1_a <= wr_addr; w1_d <= wr_data; w1_s <= wr_strb;\nend\n\
         always @(posedge clock) begin\n  strobes <= {DMA_STROBES}'d0;\n  if (rst) begin\n    cfg <= {{{}}};\n    wr_err <= 1'b0;\n  end else if (w1_en) begin\n    case (w1_a)\n      {m}: wr_err <= 1'b0;\n      default: wr_err <= 1'b1;\n    endcase\n    case (w1_a)\n",
        reset.join(", ")
    );
    for (k, s) in st.iter().enumerate() {
        if s.1 == Access::Ro {
            continue;
        }
        v.push_str(&format!("      16'h{:04x}: begin\n", s.0));
        for b in 0..4 {
            let lo = 32 * k + 8 * b;
            v.push_str(&format!(
                "        if (w1_s[{b}]) cfg[{}:{lo}] <= w1_d[{}:{}];\n",
                lo + 7,
                8 * b + 7,
                8 * b
            ));
        }
        v.push_str("      end\n");
    }
    for r in &regs {
        if let Source::Strobe(i) = r.source {
            v.push_str(&format!(
                "      16'h{:04x}: strobes[{i}] <= 1'b1;\n",
                r.offset
            ));
        }
    }
    v.push_str("      default: ;\n    endcase\n  end\nend\n");
    // the read path
    let mut pages: BTreeMap<u32, Vec<(u32, String)>> = BTreeMap::new();
    for r in &regs {
        let w = match (r.access, r.source) {
            (Access::Wo, _) => continue,
            (_, Source::Const(x) | Source::BuildConst(x)) => format!("32'h{x:08x}"),
            (_, Source::Storage(_)) => {
                let k = st.iter().position(|s| s.0 == r.offset).unwrap();
                format!("cfg[{}:{}]", 32 * k + 31, 32 * k)
            }
            (_, Source::Input(i)) => format!("inputs[{}:{}]", 32 * i + 31, 32 * i),
            (_, s) => panic!("{}: source {s:?} in an engine block", r.name),
        };
        pages
            .entry(r.offset >> 7)
            .or_default()
            .push((r.offset >> 2 & 31, w));
    }
    v.push_str("reg r1_en, r2_en, r3_en, r4_en, r5_en;\nreg [15:0] r1_a;\nreg [8:0] r2_p;\n");
    v.push_str("reg r2_ok, r3_ok, r4_ok, r5_ok;\nreg [31:0] r3_w, r4_w, r5_w;\n");
    for p in pages.keys() {
        v.push_str(&format!("reg [31:0] pg_{p};\n"));
    }
    v.push_str(&format!(
        "always @(posedge clock) begin\n  r1_en <= rd_en & ~rst; r1_a <= rd_addr;\n  r2_en <= r1_en & ~rst;\n  if (r1_en) begin\n    r2_p <= r1_a[15:7];\n    case (r1_a)\n      {m}: r2_ok <= 1'b1;\n      default: r2_ok <= 1'b0;\n    endcase\n"
    ));
    for (p, ws) in &pages {
        v.push_str("    case (r1_a[6:2])\n");
        for (w, e) in ws {
            v.push_str(&format!("      5'd{w}: pg_{p} <= {e};\n"));
        }
        v.push_str(&format!("      default: pg_{p} <= 32'h0;\n    endcase\n"));
    }
    v.push_str("  end\n  r3_en <= r2_en & ~rst; r3_ok <= r2_ok;\n  case (r2_p)\n");
    for p in pages.keys() {
        v.push_str(&format!("    9'd{p}: r3_w <= pg_{p} & {{32{{r2_ok}}}};\n"));
    }
    v.push_str(concat!(
        "    default: r3_w <= 32'h0;\n  endcase\n",
        "  r4_en <= r3_en & ~rst; r4_ok <= r3_ok; r4_w <= r3_w;\n",
        "  r5_en <= r4_en & ~rst; r5_ok <= r4_ok; r5_w <= r4_w;\n",
        "  if (rst) begin\n    rd_data <= 32'h0; rd_err <= 1'b0;\n",
        "  end else if (r5_en) begin\n    rd_data <= r5_w; rd_err <= ~r5_ok;\n  end\nend\n",
    ));
    v
}

impl Logic for DmaRegs {
    fn update(&mut self) {
        self.wr_err.next = false;
        self.rd_data.next = 0.into();
        self.rd_err.next = false;
        self.cfg.next = 0.into();
        self.strobes.next = 0.into();
    }

    fn connect(&mut self) {
        self.wr_err.connect();
        self.rd_data.connect();
        self.rd_err.connect();
        self.cfg.connect();
        self.strobes.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(verilog(&self._map))
    }
}

/// [`DmaRegs`] behind an [`AxilSlave`]: the engine's register port.
#[derive(LogicBlock)]
pub struct DmaRegBlock {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub s_axil_awaddr: Signal<In, Bits<16>>,
    pub s_axil_awprot: Signal<In, Bits<3>>,
    pub s_axil_awvalid: Signal<In, Bit>,
    pub s_axil_awready: Signal<Out, Bit>,
    pub s_axil_wdata: Signal<In, Bits<32>>,
    pub s_axil_wstrb: Signal<In, Bits<4>>,
    pub s_axil_wvalid: Signal<In, Bit>,
    pub s_axil_wready: Signal<Out, Bit>,
    pub s_axil_bresp: Signal<Out, Bits<2>>,
    pub s_axil_bvalid: Signal<Out, Bit>,
    pub s_axil_bready: Signal<In, Bit>,
    pub s_axil_araddr: Signal<In, Bits<16>>,
    pub s_axil_arprot: Signal<In, Bits<3>>,
    pub s_axil_arvalid: Signal<In, Bit>,
    pub s_axil_arready: Signal<Out, Bit>,
    pub s_axil_rdata: Signal<Out, Bits<32>>,
    pub s_axil_rresp: Signal<Out, Bits<2>>,
    pub s_axil_rvalid: Signal<Out, Bit>,
    pub s_axil_rready: Signal<In, Bit>,
    pub cfg: Signal<Out, Bits<DMA_CFG_BITS>>,
    pub inputs: Signal<In, Bits<DMA_INPUT_BITS>>,
    pub strobes: Signal<Out, Bits<DMA_STROBES>>,
    axil: AxilSlave,
    regs: DmaRegs,
}

impl DmaRegBlock {
    /// The port for `map`'s engine blocks.
    pub fn new(map: &RegMap) -> Self {
        DmaRegBlock {
            clock: Default::default(),
            rst: Default::default(),
            s_axil_awaddr: Default::default(),
            s_axil_awprot: Default::default(),
            s_axil_awvalid: Default::default(),
            s_axil_awready: Default::default(),
            s_axil_wdata: Default::default(),
            s_axil_wstrb: Default::default(),
            s_axil_wvalid: Default::default(),
            s_axil_wready: Default::default(),
            s_axil_bresp: Default::default(),
            s_axil_bvalid: Default::default(),
            s_axil_bready: Default::default(),
            s_axil_araddr: Default::default(),
            s_axil_arprot: Default::default(),
            s_axil_arvalid: Default::default(),
            s_axil_arready: Default::default(),
            s_axil_rdata: Default::default(),
            s_axil_rresp: Default::default(),
            s_axil_rvalid: Default::default(),
            s_axil_rready: Default::default(),
            cfg: Default::default(),
            inputs: Default::default(),
            strobes: Default::default(),
            axil: AxilSlave::default(),
            regs: DmaRegs::new(map),
        }
    }
}

impl Logic for DmaRegBlock {
    #[hdl_gen]
    fn update(&mut self) {
        self.axil.clock.next = self.clock.val();
        self.regs.clock.next = self.clock.val();
        self.axil.rst.next = self.rst.val();
        self.regs.rst.next = self.rst.val();
        self.axil.awaddr.next = self.s_axil_awaddr.val();
        self.axil.awprot.next = self.s_axil_awprot.val();
        self.axil.awvalid.next = self.s_axil_awvalid.val();
        self.s_axil_awready.next = self.axil.awready.val();
        self.axil.wdata.next = self.s_axil_wdata.val();
        self.axil.wstrb.next = self.s_axil_wstrb.val();
        self.axil.wvalid.next = self.s_axil_wvalid.val();
        self.s_axil_wready.next = self.axil.wready.val();
        self.s_axil_bresp.next = self.axil.bresp.val();
        self.s_axil_bvalid.next = self.axil.bvalid.val();
        self.axil.bready.next = self.s_axil_bready.val();
        self.axil.araddr.next = self.s_axil_araddr.val();
        self.axil.arprot.next = self.s_axil_arprot.val();
        self.axil.arvalid.next = self.s_axil_arvalid.val();
        self.s_axil_arready.next = self.axil.arready.val();
        self.s_axil_rdata.next = self.axil.rdata.val();
        self.s_axil_rresp.next = self.axil.rresp.val();
        self.s_axil_rvalid.next = self.axil.rvalid.val();
        self.axil.rready.next = self.s_axil_rready.val();
        self.regs.wr_en.next = self.axil.wr_en.val();
        self.regs.wr_addr.next = self.axil.wr_addr.val();
        self.regs.wr_data.next = self.axil.wr_data.val();
        self.regs.wr_strb.next = self.axil.wr_strb.val();
        self.axil.wr_err.next = self.regs.wr_err.val();
        self.regs.rd_en.next = self.axil.rd_en.val();
        self.regs.rd_addr.next = self.axil.rd_addr.val();
        self.axil.rd_err.next = self.regs.rd_err.val();
        self.axil.rd_data.next = self.regs.rd_data.val();
        self.cfg.next = self.regs.cfg.val();
        self.regs.inputs.next = self.inputs.val();
        self.strobes.next = self.regs.strobes.val();
    }
}
