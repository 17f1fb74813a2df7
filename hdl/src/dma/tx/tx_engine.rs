//! `TxEngine`: the transmit half of the DMA engine as the `nic` top
//! instantiates it (issue 13): the transmit rings
//! ([`crate::dma::desc_fetch`]), the frame read mover
//! ([`crate::dma::dma_read`]) and their control and buffer
//! ([`crate::dma::tx_core`]), the two readers joined by
//! [`crate::dma::axi_rd_arb`] onto one 128-bit AXI4 read port (`arid` bit
//! 0: 0 descriptors, 1 frame data). Frames leave on `m_axis_tx_*` for the
//! datapath's `s_axis_tx` (`tdest` the ring, `tuser` marked bad);
//! completions on `req_*` for [`crate::dma::cpl_queue`].
//!
//! * `cons`, `ring_err`, `fetch_fault`: the rings' (`txq.Q<n>_CONS`).
//! * `err_valid`: a frame ended for want of `EOP` (too long), sent bad.
//! * `idle`: nothing gathered, streaming or being read.
//! * `q_posted`: rings with descriptors posted and not yet taken.
//!
//! Wiring only: each line of `update` joins one port.

use crate::dma::axi_rd_arb::AxiRdArb;
use crate::dma::cpl_queue::CQ_BITS;
use crate::dma::desc_fetch::{DescFetch, RING_BITS, RING_SLOTS};
use crate::dma::dma_read::DmaRead;
use crate::dma::regs::DMA_CFG_BITS;
use crate::dma::tx_core::{TxCore, TX_BUFFER_BITS};
use ferronic_regmap::RegMap;
use rust_hdl::prelude::*;

/// The transmit engine; see the module documentation.
#[derive(LogicBlock)]
pub struct TxEngine {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub cfg: Signal<In, Bits<DMA_CFG_BITS>>,
    pub m_axis_tx_tdata: Signal<Out, Bits<64>>,
    pub m_axis_tx_tkeep: Signal<Out, Bits<8>>,
    pub m_axis_tx_tvalid: Signal<Out, Bit>,
    pub m_axis_tx_tready: Signal<In, Bit>,
    pub m_axis_tx_tlast: Signal<Out, Bit>,
    pub m_axis_tx_tuser: Signal<Out, Bit>,
    pub m_axis_tx_tdest: Signal<Out, Bits<RING_BITS>>,
    pub req_valid: Signal<Out, Bit>,
    pub req_ready: Signal<In, Bit>,
    pub req_cq: Signal<Out, Bits<CQ_BITS>>,
    pub req_rec: Signal<Out, Bits<256>>,
    pub cons: Signal<Out, Bits<{ 16 * RING_SLOTS }>>,
    pub ring_err: Signal<Out, Bits<RING_SLOTS>>,
    pub fetch_fault: Signal<Out, Bit>,
    pub err_valid: Signal<Out, Bit>,
    pub idle: Signal<Out, Bit>,
    pub q_posted: Signal<Out, Bits<RING_SLOTS>>,
    pub m_axi_arid: Signal<Out, Bits<4>>,
    pub m_axi_araddr: Signal<Out, Bits<64>>,
    pub m_axi_arlen: Signal<Out, Bits<8>>,
    pub m_axi_arsize: Signal<Out, Bits<3>>,
    pub m_axi_arburst: Signal<Out, Bits<2>>,
    pub m_axi_arvalid: Signal<Out, Bit>,
    pub m_axi_arready: Signal<In, Bit>,
    pub m_axi_rid: Signal<In, Bits<4>>,
    pub m_axi_rdata: Signal<In, Bits<128>>,
    pub m_axi_rresp: Signal<In, Bits<2>>,
    pub m_axi_rlast: Signal<In, Bit>,
    pub m_axi_rvalid: Signal<In, Bit>,
    pub m_axi_rready: Signal<Out, Bit>,
    fetch: DescFetch,
    mover: DmaRead<128, 16, TX_BUFFER_BITS>,
    core: TxCore<TX_BUFFER_BITS>,
    arb: AxiRdArb,
}

impl TxEngine {
    /// The transmit engine for `map`'s transmit rings.
    pub fn new(map: &RegMap) -> Self {
        TxEngine {
            clock: Default::default(),
            rst: Default::default(),
            cfg: Default::default(),
            m_axis_tx_tdata: Default::default(),
            m_axis_tx_tkeep: Default::default(),
            m_axis_tx_tvalid: Default::default(),
            m_axis_tx_tready: Default::default(),
            m_axis_tx_tlast: Default::default(),
            m_axis_tx_tuser: Default::default(),
            m_axis_tx_tdest: Default::default(),
            req_valid: Default::default(),
            req_ready: Default::default(),
            req_cq: Default::default(),
            req_rec: Default::default(),
            cons: Default::default(),
            ring_err: Default::default(),
            fetch_fault: Default::default(),
            err_valid: Default::default(),
            idle: Default::default(),
            q_posted: Default::default(),
            m_axi_arid: Default::default(),
            m_axi_araddr: Default::default(),
            m_axi_arlen: Default::default(),
            m_axi_arsize: Default::default(),
            m_axi_arburst: Default::default(),
            m_axi_arvalid: Default::default(),
            m_axi_arready: Default::default(),
            m_axi_rid: Default::default(),
            m_axi_rdata: Default::default(),
            m_axi_rresp: Default::default(),
            m_axi_rlast: Default::default(),
            m_axi_rvalid: Default::default(),
            m_axi_rready: Default::default(),
            fetch: DescFetch::new(map, false).with_ready_flip_flop(),
            // both read movers' c_ready from a flip-flop of their own:
            // TxCore's accept path (107.7 -> 130.5 MHz on ECP5, seed 1;
            // 110.6 with the copy in this mover only)
            mover: DmaRead::default().with_ready_flip_flop(),
            core: TxCore::new(map),
            arb: AxiRdArb::default(),
        }
    }
}

impl Logic for TxEngine {
    #[hdl_gen]
    fn update(&mut self) {
        self.fetch.clock.next = self.clock.val();
        self.fetch.rst.next = self.rst.val();
        self.mover.clock.next = self.clock.val();
        self.mover.rst.next = self.rst.val();
        self.core.clock.next = self.clock.val();
        self.core.rst.next = self.rst.val();
        self.arb.clock.next = self.clock.val();
        self.arb.rst.next = self.rst.val();
        self.fetch.cfg.next = self.cfg.val();
        self.core.cfg.next = self.cfg.val();
        self.fetch.tk_valid.next = self.core.tk_valid.val();
        self.fetch.tk_q.next = self.core.tk_q.val();
        self.fetch.cm_valid.next = self.core.cm_valid.val();
        self.fetch.cm_q.next = self.core.cm_q.val();
        self.fetch.rt_valid.next = self.core.rt_valid.val();
        self.fetch.rt_q.next = self.core.rt_q.val();
        self.fetch.rt_n.next = self.core.rt_n.val();
        self.core.td_valid.next = self.fetch.td_valid.val();
        self.core.td_ok.next = self.fetch.td_ok.val();
        self.core.td_index.next = self.fetch.td_index.val();
        self.core.td_desc.next = self.fetch.td_desc.val();
        self.core.q_avail.next = self.fetch.q_avail.val();
        self.mover.c_valid.next = self.core.c_valid.val();
        self.mover.c_haddr.next = self.core.c_haddr.val();
        self.mover.c_raddr.next = self.core.c_raddr.val();
        self.mover.c_len.next = self.core.c_len.val();
        self.mover.c_tag.next = self.core.c_tag.val();
        self.core.c_ready.next = self.mover.c_ready.val();
        self.core.st_valid.next = self.mover.st_valid.val();
        self.core.st_tag.next = self.mover.st_tag.val();
        self.core.st_resp.next = self.mover.st_resp.val();
        self.core.ram_wr_en.next = self.mover.ram_wr_en.val();
        self.core.ram_wr_addr.next = self.mover.ram_wr_addr.val();
        self.core.ram_wr_data.next = self.mover.ram_wr_data.val();
        self.core.ram_wr_strb.next = self.mover.ram_wr_strb.val();
        self.m_axis_tx_tdata.next = self.core.m_axis_tdata.val();
        self.m_axis_tx_tkeep.next = self.core.m_axis_tkeep.val();
        self.m_axis_tx_tvalid.next = self.core.m_axis_tvalid.val();
        self.m_axis_tx_tlast.next = self.core.m_axis_tlast.val();
        self.m_axis_tx_tuser.next = self.core.m_axis_tuser.val();
        self.m_axis_tx_tdest.next = self.core.m_axis_tdest.val();
        self.core.m_axis_tready.next = self.m_axis_tx_tready.val();
        self.req_valid.next = self.core.req_valid.val();
        self.req_cq.next = self.core.req_cq.val();
        self.req_rec.next = self.core.req_rec.val();
        self.err_valid.next = self.core.err_valid.val();
        self.core.req_ready.next = self.req_ready.val();
        self.cons.next = self.fetch.cons.val();
        self.ring_err.next = self.fetch.ring_err.val();
        self.fetch_fault.next = self.fetch.fetch_fault.val();
        self.q_posted.next = self.fetch.q_posted.val();
        self.arb.s0_araddr.next = self.fetch.m_axi_araddr.val();
        self.arb.s0_arlen.next = self.fetch.m_axi_arlen.val();
        self.arb.s0_arsize.next = self.fetch.m_axi_arsize.val();
        self.arb.s0_arburst.next = self.fetch.m_axi_arburst.val();
        self.arb.s0_arvalid.next = self.fetch.m_axi_arvalid.val();
        self.fetch.m_axi_arready.next = self.arb.s0_arready.val();
        self.fetch.m_axi_rdata.next = self.arb.s0_rdata.val();
        self.fetch.m_axi_rresp.next = self.arb.s0_rresp.val();
        self.fetch.m_axi_rlast.next = self.arb.s0_rlast.val();
        self.fetch.m_axi_rvalid.next = self.arb.s0_rvalid.val();
        self.arb.s0_rready.next = self.fetch.m_axi_rready.val();
        self.arb.s1_araddr.next = self.mover.m_axi_araddr.val();
        self.arb.s1_arlen.next = self.mover.m_axi_arlen.val();
        self.arb.s1_arsize.next = self.mover.m_axi_arsize.val();
        self.arb.s1_arburst.next = self.mover.m_axi_arburst.val();
        self.arb.s1_arvalid.next = self.mover.m_axi_arvalid.val();
        self.mover.m_axi_arready.next = self.arb.s1_arready.val();
        self.mover.m_axi_rdata.next = self.arb.s1_rdata.val();
        self.mover.m_axi_rresp.next = self.arb.s1_rresp.val();
        self.mover.m_axi_rlast.next = self.arb.s1_rlast.val();
        self.mover.m_axi_rvalid.next = self.arb.s1_rvalid.val();
        self.arb.s1_rready.next = self.mover.m_axi_rready.val();
        self.m_axi_arid.next = self.arb.m_axi_arid.val();
        self.m_axi_araddr.next = self.arb.m_axi_araddr.val();
        self.m_axi_arlen.next = self.arb.m_axi_arlen.val();
        self.m_axi_arsize.next = self.arb.m_axi_arsize.val();
        self.m_axi_arburst.next = self.arb.m_axi_arburst.val();
        self.m_axi_arvalid.next = self.arb.m_axi_arvalid.val();
        self.arb.m_axi_arready.next = self.m_axi_arready.val();
        self.arb.m_axi_rid.next = self.m_axi_rid.val();
        self.arb.m_axi_rdata.next = self.m_axi_rdata.val();
        self.arb.m_axi_rresp.next = self.m_axi_rresp.val();
        self.arb.m_axi_rlast.next = self.m_axi_rlast.val();
        self.arb.m_axi_rvalid.next = self.m_axi_rvalid.val();
        self.m_axi_rready.next = self.arb.m_axi_rready.val();
        self.fetch.rb_valid.next = false;
        self.fetch.rb_q.next = 0_u64.into();
        self.arb.s0_arid.next = 0_u64.into();
        self.arb.s1_arid.next = 0_u64.into();
        self.idle.next = self.core.idle.val() & self.fetch.idle.val();
    }
}
