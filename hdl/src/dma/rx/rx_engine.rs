//! `RxEngine`: the receive half of the DMA engine as the `nic` top
//! instantiates it (issue 13): the receive buffer
//! ([`crate::dma::rx_buffer`]), the receive rings
//! ([`crate::dma::desc_fetch`]), the data write mover
//! ([`crate::dma::dma_write`]) and their control ([`crate::dma::rx_core`]),
//! on one 128-bit AXI4 master (descriptor reads on AR/R, frame writes on
//! AW/W/B). Completions leave on `req_*` for [`crate::dma::cpl_queue`].
//!
//! * `s_axis_*`: the datapath's receive stream (`nic_core`'s `m_axis`),
//!   never back-pressured; `tdest` the RSS queue.
//! * Drops, each a one-clock pulse with its queue: `drop_*` no buffer
//!   posted (or the ring or engine off), `full_*` the receive buffer full.
//! * `cons`, `ring_err`, `fetch_fault`: the rings' (`rxq.Q<n>_CONS`).
//! * `fault_valid`: a refused frame write, reported and written again.
//! * `idle`: no frame in flight in the control and no descriptor read
//!   outstanding (the buffer may still hold frames).
//! * `q_avail`: rings with a fetched descriptor waiting.
//!
//! Wiring only: each line of `update` joins one port.

use crate::dma::cpl_queue::CQ_BITS;
use crate::dma::desc_fetch::{DescFetch, RING_BITS, RING_SLOTS};
use crate::dma::dma_write::DmaWrite;
use crate::dma::regs::DMA_CFG_BITS;
use crate::dma::rx_buffer::RxBuffer;
use crate::dma::rx_core::RxCore;
use crate::dma::RX_BUFFER_BITS;
use ferronic_regmap::RegMap;
use rust_hdl::prelude::*;

/// The receive engine; see the module documentation.
#[derive(LogicBlock)]
pub struct RxEngine {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub cfg: Signal<In, Bits<DMA_CFG_BITS>>,
    pub s_axis_tdata: Signal<In, Bits<64>>,
    pub s_axis_tkeep: Signal<In, Bits<8>>,
    pub s_axis_tvalid: Signal<In, Bit>,
    pub s_axis_tready: Signal<Out, Bit>,
    pub s_axis_tlast: Signal<In, Bit>,
    pub s_axis_tuser: Signal<In, Bits<6>>,
    pub s_axis_tag: Signal<In, Bits<64>>,
    pub s_axis_tdest: Signal<In, Bits<RING_BITS>>,
    pub s_axis_hash: Signal<In, Bits<32>>,
    pub req_valid: Signal<Out, Bit>,
    pub req_ready: Signal<In, Bit>,
    pub req_cq: Signal<Out, Bits<CQ_BITS>>,
    pub req_rec: Signal<Out, Bits<256>>,
    pub cons: Signal<Out, Bits<{ 16 * RING_SLOTS }>>,
    pub ring_err: Signal<Out, Bits<RING_SLOTS>>,
    pub fetch_fault: Signal<Out, Bit>,
    pub drop_valid: Signal<Out, Bit>,
    pub drop_queue: Signal<Out, Bits<RING_BITS>>,
    pub full_valid: Signal<Out, Bit>,
    pub full_queue: Signal<Out, Bits<RING_BITS>>,
    pub fault_valid: Signal<Out, Bit>,
    pub idle: Signal<Out, Bit>,
    pub q_avail: Signal<Out, Bits<RING_SLOTS>>,
    pub m_axi_araddr: Signal<Out, Bits<64>>,
    pub m_axi_arlen: Signal<Out, Bits<8>>,
    pub m_axi_arsize: Signal<Out, Bits<3>>,
    pub m_axi_arburst: Signal<Out, Bits<2>>,
    pub m_axi_arvalid: Signal<Out, Bit>,
    pub m_axi_arready: Signal<In, Bit>,
    pub m_axi_rdata: Signal<In, Bits<128>>,
    pub m_axi_rresp: Signal<In, Bits<2>>,
    pub m_axi_rlast: Signal<In, Bit>,
    pub m_axi_rvalid: Signal<In, Bit>,
    pub m_axi_rready: Signal<Out, Bit>,
    pub m_axi_awaddr: Signal<Out, Bits<64>>,
    pub m_axi_awlen: Signal<Out, Bits<8>>,
    pub m_axi_awsize: Signal<Out, Bits<3>>,
    pub m_axi_awburst: Signal<Out, Bits<2>>,
    pub m_axi_awvalid: Signal<Out, Bit>,
    pub m_axi_awready: Signal<In, Bit>,
    pub m_axi_wdata: Signal<Out, Bits<128>>,
    pub m_axi_wstrb: Signal<Out, Bits<16>>,
    pub m_axi_wlast: Signal<Out, Bit>,
    pub m_axi_wvalid: Signal<Out, Bit>,
    pub m_axi_wready: Signal<In, Bit>,
    pub m_axi_bresp: Signal<In, Bits<2>>,
    pub m_axi_bvalid: Signal<In, Bit>,
    pub m_axi_bready: Signal<Out, Bit>,
    rxbuf: RxBuffer<128, 16, RX_BUFFER_BITS, RING_BITS>,
    fetch: DescFetch,
    mover: DmaWrite<128, 16, RX_BUFFER_BITS>,
    core: RxCore<RX_BUFFER_BITS>,
}

impl RxEngine {
    /// The receive engine for `map`'s receive rings.
    pub fn new(map: &RegMap) -> Self {
        RxEngine {
            clock: Default::default(),
            rst: Default::default(),
            cfg: Default::default(),
            s_axis_tdata: Default::default(),
            s_axis_tkeep: Default::default(),
            s_axis_tvalid: Default::default(),
            s_axis_tready: Default::default(),
            s_axis_tlast: Default::default(),
            s_axis_tuser: Default::default(),
            s_axis_tag: Default::default(),
            s_axis_tdest: Default::default(),
            s_axis_hash: Default::default(),
            req_valid: Default::default(),
            req_ready: Default::default(),
            req_cq: Default::default(),
            req_rec: Default::default(),
            cons: Default::default(),
            ring_err: Default::default(),
            fetch_fault: Default::default(),
            drop_valid: Default::default(),
            drop_queue: Default::default(),
            full_valid: Default::default(),
            full_queue: Default::default(),
            fault_valid: Default::default(),
            idle: Default::default(),
            q_avail: Default::default(),
            m_axi_araddr: Default::default(),
            m_axi_arlen: Default::default(),
            m_axi_arsize: Default::default(),
            m_axi_arburst: Default::default(),
            m_axi_arvalid: Default::default(),
            m_axi_arready: Default::default(),
            m_axi_rdata: Default::default(),
            m_axi_rresp: Default::default(),
            m_axi_rlast: Default::default(),
            m_axi_rvalid: Default::default(),
            m_axi_rready: Default::default(),
            m_axi_awaddr: Default::default(),
            m_axi_awlen: Default::default(),
            m_axi_awsize: Default::default(),
            m_axi_awburst: Default::default(),
            m_axi_awvalid: Default::default(),
            m_axi_awready: Default::default(),
            m_axi_wdata: Default::default(),
            m_axi_wstrb: Default::default(),
            m_axi_wlast: Default::default(),
            m_axi_wvalid: Default::default(),
            m_axi_wready: Default::default(),
            m_axi_bresp: Default::default(),
            m_axi_bvalid: Default::default(),
            m_axi_bready: Default::default(),
            rxbuf: RxBuffer::default(),
            fetch: DescFetch::new(map, true),
            // the buffer answers a read in 2 clocks (its banks' registers)
            mover: DmaWrite::default().with_read_latency_2(),
            core: RxCore::new(map),
        }
    }
}

impl Logic for RxEngine {
    #[hdl_gen]
    fn update(&mut self) {
        self.rxbuf.clock.next = self.clock.val();
        self.rxbuf.rst.next = self.rst.val();
        self.fetch.clock.next = self.clock.val();
        self.fetch.rst.next = self.rst.val();
        self.mover.clock.next = self.clock.val();
        self.mover.rst.next = self.rst.val();
        self.core.clock.next = self.clock.val();
        self.core.rst.next = self.rst.val();
        self.fetch.cfg.next = self.cfg.val();
        self.core.cfg.next = self.cfg.val();
        self.rxbuf.s_axis_tdata.next = self.s_axis_tdata.val();
        self.rxbuf.s_axis_tkeep.next = self.s_axis_tkeep.val();
        self.rxbuf.s_axis_tvalid.next = self.s_axis_tvalid.val();
        self.rxbuf.s_axis_tlast.next = self.s_axis_tlast.val();
        self.rxbuf.s_axis_tuser.next = self.s_axis_tuser.val();
        self.rxbuf.s_axis_tag.next = self.s_axis_tag.val();
        self.rxbuf.s_axis_tdest.next = self.s_axis_tdest.val();
        self.rxbuf.s_axis_hash.next = self.s_axis_hash.val();
        self.s_axis_tready.next = self.rxbuf.s_axis_tready.val();
        self.core.m_frame_valid.next = self.rxbuf.m_frame_valid.val();
        self.core.m_frame_addr.next = self.rxbuf.m_frame_addr.val();
        self.core.m_frame_len.next = self.rxbuf.m_frame_len.val();
        self.core.m_frame_queue.next = self.rxbuf.m_frame_queue.val();
        self.core.m_frame_tuser.next = self.rxbuf.m_frame_tuser.val();
        self.core.m_frame_tag.next = self.rxbuf.m_frame_tag.val();
        self.core.m_frame_hash.next = self.rxbuf.m_frame_hash.val();
        self.core.m_frame_end.next = self.rxbuf.m_frame_end.val();
        self.rxbuf.m_frame_ready.next = self.core.m_frame_ready.val();
        self.rxbuf.rel_valid.next = self.core.rel_valid.val();
        self.rxbuf.rel_end.next = self.core.rel_end.val();
        self.rxbuf.ram_rd_en.next = self.mover.ram_rd_en.val();
        self.rxbuf.ram_rd_addr.next = self.mover.ram_rd_addr.val();
        self.mover.ram_rd_data.next = self.rxbuf.ram_rd_data.val();
        self.fetch.tk_valid.next = self.core.tk_valid.val();
        self.fetch.tk_q.next = self.core.tk_q.val();
        self.fetch.cm_valid.next = self.core.cm_valid.val();
        self.fetch.cm_q.next = self.core.cm_q.val();
        self.fetch.rb_valid.next = self.core.rb_valid.val();
        self.fetch.rb_q.next = self.core.rb_q.val();
        self.fetch.rt_valid.next = self.core.rt_valid.val();
        self.fetch.rt_q.next = self.core.rt_q.val();
        self.fetch.rt_n.next = self.core.rt_n.val();
        self.core.td_valid.next = self.fetch.td_valid.val();
        self.core.td_ok.next = self.fetch.td_ok.val();
        self.core.td_index.next = self.fetch.td_index.val();
        self.core.td_desc.next = self.fetch.td_desc.val();
        self.core.q_posted.next = self.fetch.q_posted.val();
        self.mover.c_valid.next = self.core.c_valid.val();
        self.mover.c_haddr.next = self.core.c_haddr.val();
        self.mover.c_raddr.next = self.core.c_raddr.val();
        self.mover.c_len.next = self.core.c_len.val();
        self.mover.c_tag.next = self.core.c_tag.val();
        self.core.c_ready.next = self.mover.c_ready.val();
        self.core.st_valid.next = self.mover.st_valid.val();
        self.core.st_tag.next = self.mover.st_tag.val();
        self.core.st_resp.next = self.mover.st_resp.val();
        self.req_valid.next = self.core.req_valid.val();
        self.req_cq.next = self.core.req_cq.val();
        self.req_rec.next = self.core.req_rec.val();
        self.drop_valid.next = self.core.drop_valid.val();
        self.drop_queue.next = self.core.drop_queue.val();
        self.fault_valid.next = self.core.fault_valid.val();
        self.core.req_ready.next = self.req_ready.val();
        self.cons.next = self.fetch.cons.val();
        self.ring_err.next = self.fetch.ring_err.val();
        self.fetch_fault.next = self.fetch.fetch_fault.val();
        self.q_avail.next = self.fetch.q_avail.val();
        self.full_valid.next = self.rxbuf.drop_valid.val();
        self.full_queue.next = self.rxbuf.drop_queue.val();
        self.m_axi_araddr.next = self.fetch.m_axi_araddr.val();
        self.m_axi_arlen.next = self.fetch.m_axi_arlen.val();
        self.m_axi_arsize.next = self.fetch.m_axi_arsize.val();
        self.m_axi_arburst.next = self.fetch.m_axi_arburst.val();
        self.m_axi_arvalid.next = self.fetch.m_axi_arvalid.val();
        self.fetch.m_axi_arready.next = self.m_axi_arready.val();
        self.fetch.m_axi_rdata.next = self.m_axi_rdata.val();
        self.fetch.m_axi_rresp.next = self.m_axi_rresp.val();
        self.fetch.m_axi_rlast.next = self.m_axi_rlast.val();
        self.fetch.m_axi_rvalid.next = self.m_axi_rvalid.val();
        self.m_axi_rready.next = self.fetch.m_axi_rready.val();
        self.m_axi_awaddr.next = self.mover.m_axi_awaddr.val();
        self.m_axi_awlen.next = self.mover.m_axi_awlen.val();
        self.m_axi_awsize.next = self.mover.m_axi_awsize.val();
        self.m_axi_awburst.next = self.mover.m_axi_awburst.val();
        self.m_axi_awvalid.next = self.mover.m_axi_awvalid.val();
        self.mover.m_axi_awready.next = self.m_axi_awready.val();
        self.m_axi_wdata.next = self.mover.m_axi_wdata.val();
        self.m_axi_wstrb.next = self.mover.m_axi_wstrb.val();
        self.m_axi_wlast.next = self.mover.m_axi_wlast.val();
        self.m_axi_wvalid.next = self.mover.m_axi_wvalid.val();
        self.mover.m_axi_wready.next = self.m_axi_wready.val();
        self.mover.m_axi_bresp.next = self.m_axi_bresp.val();
        self.mover.m_axi_bvalid.next = self.m_axi_bvalid.val();
        self.m_axi_bready.next = self.mover.m_axi_bready.val();
        self.idle.next = self.core.idle.val() & self.fetch.idle.val();
    }
}
