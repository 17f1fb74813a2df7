//! [`DmaRegBlock`]: the engine's register file ([`DmaRegs`]) behind its
//! own AXI4-Lite slave ([`AxilSlave`]), so both register files of the
//! `nic` top answer the bus alike (SLVERR for unmapped or unaligned
//! addresses and instruction accesses, RO writes ignored, WO reads 0).

use crate::control::axil_slave::AxilSlave;
use crate::dma::regs::{DmaRegs, DMA_CFG_BITS, DMA_INPUT_BITS, DMA_STROBES};
use ferronic_regmap::RegMap;
use rust_hdl::prelude::*;

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
