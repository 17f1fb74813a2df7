//! [`Nic::new`]: the NIC's constructor (every port at its default, the
//! blocks built for the register map), apart from `nic.rs` to keep that
//! file to the block's ports and wiring.

use super::{Nic, RX_CQS, TX_CQS};
use crate::control::axil_split::AxilSplit;
use crate::dma::axi_rd_arb::AxiRdArb;
use crate::dma::axi_wr_arb::AxiWrArb;
use crate::dma::cpl_queue::CplQueue;
use crate::dma::dma_status::DmaStatus;
use crate::dma::reg_block::DmaRegBlock;
use crate::dma::rx_engine::RxEngine;
use crate::dma::tx_engine::TxEngine;
use crate::nic_core::NicCore;
use ferronic_regmap::RegMap;

impl Nic {
    /// The NIC for register map `map`, built with the DMA engine's blocks
    /// ([`crate::dma::regs::nic_map`] or [`crate::verilog::nic_regmap`]).
    pub fn new(map: &RegMap) -> Self {
        Nic {
            clk: Default::default(),
            rst: Default::default(),
            s_axis: Default::default(),
            m_axis_tx: Default::default(),
            m_axis_tx_tuser: Default::default(),
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
            m_axi_awid: Default::default(),
            m_axi_awaddr: Default::default(),
            m_axi_awlen: Default::default(),
            m_axi_awsize: Default::default(),
            m_axi_awburst: Default::default(),
            m_axi_awlock: Default::default(),
            m_axi_awcache: Default::default(),
            m_axi_awprot: Default::default(),
            m_axi_awqos: Default::default(),
            m_axi_awvalid: Default::default(),
            m_axi_awready: Default::default(),
            m_axi_wdata: Default::default(),
            m_axi_wstrb: Default::default(),
            m_axi_wlast: Default::default(),
            m_axi_wvalid: Default::default(),
            m_axi_wready: Default::default(),
            m_axi_bid: Default::default(),
            m_axi_bresp: Default::default(),
            m_axi_bvalid: Default::default(),
            m_axi_bready: Default::default(),
            m_axi_arid: Default::default(),
            m_axi_araddr: Default::default(),
            m_axi_arlen: Default::default(),
            m_axi_arsize: Default::default(),
            m_axi_arburst: Default::default(),
            m_axi_arlock: Default::default(),
            m_axi_arcache: Default::default(),
            m_axi_arprot: Default::default(),
            m_axi_arqos: Default::default(),
            m_axi_arvalid: Default::default(),
            m_axi_arready: Default::default(),
            m_axi_rid: Default::default(),
            m_axi_rdata: Default::default(),
            m_axi_rresp: Default::default(),
            m_axi_rlast: Default::default(),
            m_axi_rvalid: Default::default(),
            m_axi_rready: Default::default(),
            irq_req: Default::default(),
            irq_ack: Default::default(),
            core: NicCore::new(map),
            split: AxilSplit::default(),
            regs: DmaRegBlock::new(map),
            status: DmaStatus::new(map),
            rx: RxEngine::new(map),
            tx: TxEngine::new(map),
            cpl_rx: CplQueue::with_queues(map, RX_CQS),
            cpl_tx: CplQueue::with_queues(map, TX_CQS),
            rd_arb: AxiRdArb::default(),
            wr_arb: AxiWrArb::default(),
        }
    }
}
