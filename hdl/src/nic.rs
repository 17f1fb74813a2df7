//! `Nic`: top of `nic.v` (issue 13): [`NicCore`] and the DMA engine, so
//! frames reach host memory and leave from it. `nicgen` emits it beside
//! `nic_core.v` (which stays, for users who bring their own DMA).
//!
//! ```text
//! s_axis ─> NicCore (receive datapath) ─> RxEngine ─> CplQueue (queues 0..7) ─┐
//!                                            └ frame data ───────────────────┼─> m_axi AW/W/B
//! m_axis_tx <─ NicCore (transmit path) <─ TxEngine ─> CplQueue (queues 8..15) ┘   (AxiWrArb)
//!                      descriptors (both), frame data (transmit) ─> m_axi AR/R (AxiRdArb)
//! s_axil ─> AxilSplit ─> NicCore's registers (below DMA_BASE) | DmaRegBlock (above)
//! ```
//!
//! Two completion queue sets, as Corundum has: receive rings complete into
//! queues 0..[`RX_QUEUES`] (`rxq.Q<n>_CTRL` bits 23:16), transmit rings
//! into the next [`TX_QUEUES`]; a ring pointed at the other set's queue
//! has its completions dropped and counted (`dma.CPL_DROPS`). Each set
//! writes a record every 5 clocks through its own write mover, so both
//! directions complete 64-byte frames at 10G line rate (one every 10.5
//! clocks each way).
//!
//! | port | width | meaning |
//! |---|---|---|
//! | `clk`, `rst` | 1 | clock (156.25 MHz for 10G); synchronous active-high reset |
//! | `s_axis_tdata/tkeep/tvalid/tready/tlast` | 64/8/1/1/1 | frames from the MAC, with FCS, byte 0 in `tdata[7:0]` |
//! | `m_axis_tx_tdata/tkeep/tvalid/tready/tlast`, `m_axis_tx_tuser` | 64/8/1/1/1, 1 | frames to the MAC, FCS appended (wrong when `tuser`: marked bad) |
//! | `s_axil_*` | 16-bit address, 32-bit data | AXI4-Lite registers: the map of [`crate::dma::regs::nic_map`] |
//! | `m_axi_*` | 4-bit IDs, 64-bit addresses, 128-bit data | AXI4 master to host memory: full signal set (id, len, size, burst, lock, cache, prot, qos) |
//! | `irq_req`, `irq_ack` | 16, 16 | interrupt vectors: `irq_req[v]` held until `irq_ack[v]` (XDMA `usr_irq_req`/`usr_irq_ack`, PG195) |
//!
//! AXI4 IDs: `arid` bit 0 is 0 for the receive rings' descriptor reads and
//! 1 for the transmit engine, whose bit 1 is 0 for descriptors and 1 for
//! frame data; `awid` 0 is frame data, 1 receive completions, 2 transmit
//! completions. Bursts are INCR, at
//! most 256 beats, never across 4 KiB (the movers' `burst` logic). The
//! datapath's receive output is never back-pressured: the receive engine
//! buffers frames and drops whole ones it cannot hold (`rxq.Q<n>_FULL`).
//!
//! Wiring only: each line of `update` joins one port; the blocks keep
//! their registered handshakes (`m_axis` leaves `NicCore` through a skid
//! buffer, the arbiters' address and request stages are registers).

use crate::common::axis::{AxisMaster64, AxisSlave64};
use crate::control::axil_split::AxilSplit;
use crate::dma::axi_rd_arb::AxiRdArb;
use crate::dma::axi_wr_arb::AxiWrArb;
use crate::dma::cpl_queue::{CplQueue, CQS, IRQS};
use crate::dma::desc_fetch::RING_BITS;
use crate::dma::dma_status::DmaStatus;
use crate::dma::reg_block::DmaRegBlock;
use crate::dma::regs::DMA_STROBES;
use crate::dma::rx_engine::RxEngine;
use crate::dma::tx_engine::TxEngine;
use crate::nic_core::NicCore;
use crate::{RX_QUEUES, RX_QUEUE_BITS, TX_QUEUES};
use rust_hdl::prelude::*;

mod new;

/// The completion queues the receive engine's set writes (bit c: queue c).
pub const RX_CQS: u128 = u128::MAX >> (128 - RX_QUEUES);
/// The completion queues the transmit engine's set writes.
pub const TX_CQS: u128 = (u128::MAX >> (128 - TX_QUEUES)) << RX_QUEUES;

/// The NIC with its DMA engine; see the module documentation.
#[derive(LogicBlock)]
pub struct Nic {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub s_axis: AxisSlave64,
    pub m_axis_tx: AxisMaster64,
    pub m_axis_tx_tuser: Signal<Out, Bit>,
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
    pub m_axi_awid: Signal<Out, Bits<4>>,
    pub m_axi_awaddr: Signal<Out, Bits<64>>,
    pub m_axi_awlen: Signal<Out, Bits<8>>,
    pub m_axi_awsize: Signal<Out, Bits<3>>,
    pub m_axi_awburst: Signal<Out, Bits<2>>,
    pub m_axi_awlock: Signal<Out, Bit>,
    pub m_axi_awcache: Signal<Out, Bits<4>>,
    pub m_axi_awprot: Signal<Out, Bits<3>>,
    pub m_axi_awqos: Signal<Out, Bits<4>>,
    pub m_axi_awvalid: Signal<Out, Bit>,
    pub m_axi_awready: Signal<In, Bit>,
    pub m_axi_wdata: Signal<Out, Bits<128>>,
    pub m_axi_wstrb: Signal<Out, Bits<16>>,
    pub m_axi_wlast: Signal<Out, Bit>,
    pub m_axi_wvalid: Signal<Out, Bit>,
    pub m_axi_wready: Signal<In, Bit>,
    pub m_axi_bid: Signal<In, Bits<4>>,
    pub m_axi_bresp: Signal<In, Bits<2>>,
    pub m_axi_bvalid: Signal<In, Bit>,
    pub m_axi_bready: Signal<Out, Bit>,
    pub m_axi_arid: Signal<Out, Bits<4>>,
    pub m_axi_araddr: Signal<Out, Bits<64>>,
    pub m_axi_arlen: Signal<Out, Bits<8>>,
    pub m_axi_arsize: Signal<Out, Bits<3>>,
    pub m_axi_arburst: Signal<Out, Bits<2>>,
    pub m_axi_arlock: Signal<Out, Bit>,
    pub m_axi_arcache: Signal<Out, Bits<4>>,
    pub m_axi_arprot: Signal<Out, Bits<3>>,
    pub m_axi_arqos: Signal<Out, Bits<4>>,
    pub m_axi_arvalid: Signal<Out, Bit>,
    pub m_axi_arready: Signal<In, Bit>,
    pub m_axi_rid: Signal<In, Bits<4>>,
    pub m_axi_rdata: Signal<In, Bits<128>>,
    pub m_axi_rresp: Signal<In, Bits<2>>,
    pub m_axi_rlast: Signal<In, Bit>,
    pub m_axi_rvalid: Signal<In, Bit>,
    pub m_axi_rready: Signal<Out, Bit>,
    pub irq_req: Signal<Out, Bits<IRQS>>,
    pub irq_ack: Signal<In, Bits<IRQS>>,
    core: NicCore,
    split: AxilSplit,
    regs: DmaRegBlock,
    status: DmaStatus,
    rx: RxEngine,
    tx: TxEngine,
    cpl_rx: CplQueue,
    cpl_tx: CplQueue,
    rd_arb: AxiRdArb,
    wr_arb: AxiWrArb,
}

impl Logic for Nic {
    #[hdl_gen]
    fn update(&mut self) {
        self.core.clk.next = self.clk.val();
        self.core.rst.next = self.rst.val();
        self.split.clock.next = self.clk.val();
        self.split.rst.next = self.rst.val();
        self.regs.clock.next = self.clk.val();
        self.regs.rst.next = self.rst.val();
        self.status.clock.next = self.clk.val();
        self.status.rst.next = self.rst.val();
        self.rx.clock.next = self.clk.val();
        self.rx.rst.next = self.rst.val();
        self.tx.clock.next = self.clk.val();
        self.tx.rst.next = self.rst.val();
        self.cpl_rx.clock.next = self.clk.val();
        self.cpl_rx.rst.next = self.rst.val();
        self.cpl_tx.clock.next = self.clk.val();
        self.cpl_tx.rst.next = self.rst.val();
        self.rd_arb.clock.next = self.clk.val();
        self.rd_arb.rst.next = self.rst.val();
        self.wr_arb.clock.next = self.clk.val();
        self.wr_arb.rst.next = self.rst.val();
        // MAC receive side into the datapath, the datapath into the receive engine
        self.core.s_axis.tdata.next = self.s_axis.tdata.val();
        self.core.s_axis.tkeep.next = self.s_axis.tkeep.val();
        self.core.s_axis.tvalid.next = self.s_axis.tvalid.val();
        self.core.s_axis.tlast.next = self.s_axis.tlast.val();
        self.s_axis.tready.next = self.core.s_axis.tready.val();
        self.rx.s_axis_tdata.next = self.core.m_axis.tdata.val();
        self.rx.s_axis_tkeep.next = self.core.m_axis.tkeep.val();
        self.rx.s_axis_tvalid.next = self.core.m_axis.tvalid.val();
        self.rx.s_axis_tlast.next = self.core.m_axis.tlast.val();
        self.core.m_axis.tready.next = self.rx.s_axis_tready.val();
        self.rx.s_axis_tuser.next = self.core.m_axis_tuser.val();
        self.rx.s_axis_tag.next = self.core.m_axis_tag.val();
        // (queue numbers into ring slots: a build of fewer than 8 queues
        // has 8 slots, see desc_fetch::RING_SLOTS)
        self.rx.s_axis_tdest.next =
            bit_cast::<RING_BITS, RX_QUEUE_BITS>(self.core.m_axis_tdest.val());
        self.rx.s_axis_hash.next = self.core.m_axis_hash.val();
        // the transmit engine into the datapath, the datapath to the MAC
        self.core.s_axis_tx.tdata.next = self.tx.m_axis_tx_tdata.val();
        self.core.s_axis_tx.tkeep.next = self.tx.m_axis_tx_tkeep.val();
        self.core.s_axis_tx.tvalid.next = self.tx.m_axis_tx_tvalid.val();
        self.core.s_axis_tx.tlast.next = self.tx.m_axis_tx_tlast.val();
        self.tx.m_axis_tx_tready.next = self.core.s_axis_tx.tready.val();
        self.core.s_axis_tx_tuser.next = self.tx.m_axis_tx_tuser.val();
        self.core.s_axis_tx_tdest.next =
            bit_cast::<RX_QUEUE_BITS, RING_BITS>(self.tx.m_axis_tx_tdest.val());
        self.m_axis_tx.tdata.next = self.core.m_axis_tx.tdata.val();
        self.m_axis_tx.tkeep.next = self.core.m_axis_tx.tkeep.val();
        self.m_axis_tx.tvalid.next = self.core.m_axis_tx.tvalid.val();
        self.m_axis_tx.tlast.next = self.core.m_axis_tx.tlast.val();
        self.core.m_axis_tx.tready.next = self.m_axis_tx.tready.val();
        self.m_axis_tx_tuser.next = self.core.m_axis_tx_tuser.val();
        // registers: the split, the core below DMA_BASE, the engine above
        self.split.s_axil_awaddr.next = self.s_axil_awaddr.val();
        self.split.s_axil_awprot.next = self.s_axil_awprot.val();
        self.split.s_axil_awvalid.next = self.s_axil_awvalid.val();
        self.s_axil_awready.next = self.split.s_axil_awready.val();
        self.split.s_axil_wdata.next = self.s_axil_wdata.val();
        self.split.s_axil_wstrb.next = self.s_axil_wstrb.val();
        self.split.s_axil_wvalid.next = self.s_axil_wvalid.val();
        self.s_axil_wready.next = self.split.s_axil_wready.val();
        self.s_axil_bresp.next = self.split.s_axil_bresp.val();
        self.s_axil_bvalid.next = self.split.s_axil_bvalid.val();
        self.split.s_axil_bready.next = self.s_axil_bready.val();
        self.split.s_axil_araddr.next = self.s_axil_araddr.val();
        self.split.s_axil_arprot.next = self.s_axil_arprot.val();
        self.split.s_axil_arvalid.next = self.s_axil_arvalid.val();
        self.s_axil_arready.next = self.split.s_axil_arready.val();
        self.s_axil_rdata.next = self.split.s_axil_rdata.val();
        self.s_axil_rresp.next = self.split.s_axil_rresp.val();
        self.s_axil_rvalid.next = self.split.s_axil_rvalid.val();
        self.split.s_axil_rready.next = self.s_axil_rready.val();
        self.core.s_axil_awaddr.next = self.split.m_awaddr.val();
        self.core.s_axil_awprot.next = self.split.m_awprot.val();
        self.core.s_axil_wdata.next = self.split.m_wdata.val();
        self.core.s_axil_wstrb.next = self.split.m_wstrb.val();
        self.core.s_axil_araddr.next = self.split.m_araddr.val();
        self.core.s_axil_arprot.next = self.split.m_arprot.val();
        self.core.s_axil_awvalid.next = self.split.m0_awvalid.val();
        self.core.s_axil_wvalid.next = self.split.m0_wvalid.val();
        self.core.s_axil_bready.next = self.split.m0_bready.val();
        self.core.s_axil_arvalid.next = self.split.m0_arvalid.val();
        self.core.s_axil_rready.next = self.split.m0_rready.val();
        self.split.m0_awready.next = self.core.s_axil_awready.val();
        self.split.m0_wready.next = self.core.s_axil_wready.val();
        self.split.m0_bresp.next = self.core.s_axil_bresp.val();
        self.split.m0_bvalid.next = self.core.s_axil_bvalid.val();
        self.split.m0_arready.next = self.core.s_axil_arready.val();
        self.split.m0_rdata.next = self.core.s_axil_rdata.val();
        self.split.m0_rresp.next = self.core.s_axil_rresp.val();
        self.split.m0_rvalid.next = self.core.s_axil_rvalid.val();
        self.regs.s_axil_awaddr.next = self.split.m_awaddr.val();
        self.regs.s_axil_awprot.next = self.split.m_awprot.val();
        self.regs.s_axil_wdata.next = self.split.m_wdata.val();
        self.regs.s_axil_wstrb.next = self.split.m_wstrb.val();
        self.regs.s_axil_araddr.next = self.split.m_araddr.val();
        self.regs.s_axil_arprot.next = self.split.m_arprot.val();
        self.regs.s_axil_awvalid.next = self.split.m1_awvalid.val();
        self.regs.s_axil_wvalid.next = self.split.m1_wvalid.val();
        self.regs.s_axil_bready.next = self.split.m1_bready.val();
        self.regs.s_axil_arvalid.next = self.split.m1_arvalid.val();
        self.regs.s_axil_rready.next = self.split.m1_rready.val();
        self.split.m1_awready.next = self.regs.s_axil_awready.val();
        self.split.m1_wready.next = self.regs.s_axil_wready.val();
        self.split.m1_bresp.next = self.regs.s_axil_bresp.val();
        self.split.m1_bvalid.next = self.regs.s_axil_bvalid.val();
        self.split.m1_arready.next = self.regs.s_axil_arready.val();
        self.split.m1_rdata.next = self.regs.s_axil_rdata.val();
        self.split.m1_rresp.next = self.regs.s_axil_rresp.val();
        self.split.m1_rvalid.next = self.regs.s_axil_rvalid.val();
        // the engine's configuration and live words
        self.rx.cfg.next = self.regs.cfg.val();
        self.tx.cfg.next = self.regs.cfg.val();
        self.cpl_rx.cfg.next = self.regs.cfg.val();
        self.cpl_tx.cfg.next = self.regs.cfg.val();
        // (a build of fewer than 8 queues has more completion queue slots
        // than ARM strobes: the others are never armed)
        self.cpl_rx.arm.next = bit_cast::<CQS, DMA_STROBES>(self.regs.strobes.val());
        self.cpl_tx.arm.next = bit_cast::<CQS, DMA_STROBES>(self.regs.strobes.val());
        self.regs.inputs.next = self.status.inputs.val();
        self.status.idle.next = self.rx.idle.val() & self.tx.idle.val();
        self.status.rx_ring_err.next = self.rx.ring_err.val();
        self.status.tx_ring_err.next = self.tx.ring_err.val();
        self.status.rx_q_avail.next = self.rx.q_avail.val();
        self.status.tx_q_posted.next = self.tx.q_posted.val();
        self.status.rx_fault.next = self.rx.fault_valid.val();
        self.status.tx_err.next = self.tx.err_valid.val();
        self.status.rx_fetch_fault.next = self.rx.fetch_fault.val();
        self.status.tx_fetch_fault.next = self.tx.fetch_fault.val();
        self.status.cpl_drop_rx.next = self.cpl_rx.cpl_drop.val();
        self.status.cpl_drop_tx.next = self.cpl_tx.cpl_drop.val();
        self.status.cpl_fault_rx.next = self.cpl_rx.cpl_fault.val();
        self.status.cpl_fault_tx.next = self.cpl_tx.cpl_fault.val();
        self.status.drop_valid.next = self.rx.drop_valid.val();
        self.status.drop_queue.next = self.rx.drop_queue.val();
        self.status.full_valid.next = self.rx.full_valid.val();
        self.status.full_queue.next = self.rx.full_queue.val();
        self.status.rx_cons.next = self.rx.cons.val();
        self.status.tx_cons.next = self.tx.cons.val();
        // the two completion queue sets own disjoint queues: their words OR
        self.status.cq_prod.next = self.cpl_rx.cq_prod.val() | self.cpl_tx.cq_prod.val();
        self.status.cq_armed.next = self.cpl_rx.cq_armed.val() | self.cpl_tx.cq_armed.val();
        self.status.cq_full.next = self.cpl_rx.cq_full.val() | self.cpl_tx.cq_full.val();
        // completions: each engine into its own completion queue set
        self.cpl_rx.req_valid.next = self.rx.req_valid.val();
        self.rx.req_ready.next = self.cpl_rx.req_ready.val();
        self.cpl_rx.req_cq.next = self.rx.req_cq.val();
        self.cpl_rx.req_rec.next = self.rx.req_rec.val();
        self.cpl_rx.irq_ack.next = self.irq_ack.val();
        self.cpl_tx.req_valid.next = self.tx.req_valid.val();
        self.tx.req_ready.next = self.cpl_tx.req_ready.val();
        self.cpl_tx.req_cq.next = self.tx.req_cq.val();
        self.cpl_tx.req_rec.next = self.tx.req_rec.val();
        self.cpl_tx.irq_ack.next = self.irq_ack.val();
        self.irq_req.next = self.cpl_rx.irq_req.val() | self.cpl_tx.irq_req.val();
        // host memory reads: descriptors (receive), descriptors and frames (transmit)
        self.rd_arb.s0_arid.next = 0_u64.into();
        self.rd_arb.s1_arid.next = self.tx.m_axi_arid.val();
        self.rd_arb.s0_araddr.next = self.rx.m_axi_araddr.val();
        self.rd_arb.s0_arlen.next = self.rx.m_axi_arlen.val();
        self.rd_arb.s0_arsize.next = self.rx.m_axi_arsize.val();
        self.rd_arb.s0_arburst.next = self.rx.m_axi_arburst.val();
        self.rd_arb.s0_arvalid.next = self.rx.m_axi_arvalid.val();
        self.rx.m_axi_arready.next = self.rd_arb.s0_arready.val();
        self.rx.m_axi_rdata.next = self.rd_arb.s0_rdata.val();
        self.rx.m_axi_rresp.next = self.rd_arb.s0_rresp.val();
        self.rx.m_axi_rlast.next = self.rd_arb.s0_rlast.val();
        self.rx.m_axi_rvalid.next = self.rd_arb.s0_rvalid.val();
        self.rd_arb.s0_rready.next = self.rx.m_axi_rready.val();
        self.rd_arb.s1_araddr.next = self.tx.m_axi_araddr.val();
        self.rd_arb.s1_arlen.next = self.tx.m_axi_arlen.val();
        self.rd_arb.s1_arsize.next = self.tx.m_axi_arsize.val();
        self.rd_arb.s1_arburst.next = self.tx.m_axi_arburst.val();
        self.rd_arb.s1_arvalid.next = self.tx.m_axi_arvalid.val();
        self.tx.m_axi_arready.next = self.rd_arb.s1_arready.val();
        self.tx.m_axi_rdata.next = self.rd_arb.s1_rdata.val();
        self.tx.m_axi_rresp.next = self.rd_arb.s1_rresp.val();
        self.tx.m_axi_rlast.next = self.rd_arb.s1_rlast.val();
        self.tx.m_axi_rvalid.next = self.rd_arb.s1_rvalid.val();
        self.rd_arb.s1_rready.next = self.tx.m_axi_rready.val();
        self.tx.m_axi_rid.next = self.m_axi_rid.val() >> 1;
        self.m_axi_arid.next = self.rd_arb.m_axi_arid.val();
        self.m_axi_araddr.next = self.rd_arb.m_axi_araddr.val();
        self.m_axi_arlen.next = self.rd_arb.m_axi_arlen.val();
        self.m_axi_arsize.next = self.rd_arb.m_axi_arsize.val();
        self.m_axi_arburst.next = self.rd_arb.m_axi_arburst.val();
        self.m_axi_arvalid.next = self.rd_arb.m_axi_arvalid.val();
        self.rd_arb.m_axi_arready.next = self.m_axi_arready.val();
        self.rd_arb.m_axi_rid.next = self.m_axi_rid.val();
        self.rd_arb.m_axi_rdata.next = self.m_axi_rdata.val();
        self.rd_arb.m_axi_rresp.next = self.m_axi_rresp.val();
        self.rd_arb.m_axi_rlast.next = self.m_axi_rlast.val();
        self.rd_arb.m_axi_rvalid.next = self.m_axi_rvalid.val();
        self.m_axi_rready.next = self.rd_arb.m_axi_rready.val();
        // host memory writes: frames (receive), receive and transmit completions
        self.wr_arb.s0_awaddr.next = self.rx.m_axi_awaddr.val();
        self.wr_arb.s0_awlen.next = self.rx.m_axi_awlen.val();
        self.wr_arb.s0_awsize.next = self.rx.m_axi_awsize.val();
        self.wr_arb.s0_awburst.next = self.rx.m_axi_awburst.val();
        self.wr_arb.s0_awvalid.next = self.rx.m_axi_awvalid.val();
        self.wr_arb.s0_wdata.next = self.rx.m_axi_wdata.val();
        self.wr_arb.s0_wstrb.next = self.rx.m_axi_wstrb.val();
        self.wr_arb.s0_wlast.next = self.rx.m_axi_wlast.val();
        self.wr_arb.s0_wvalid.next = self.rx.m_axi_wvalid.val();
        self.wr_arb.s0_bready.next = self.rx.m_axi_bready.val();
        self.rx.m_axi_awready.next = self.wr_arb.s0_awready.val();
        self.rx.m_axi_wready.next = self.wr_arb.s0_wready.val();
        self.rx.m_axi_bresp.next = self.wr_arb.s0_bresp.val();
        self.rx.m_axi_bvalid.next = self.wr_arb.s0_bvalid.val();
        self.wr_arb.s1_awaddr.next = self.cpl_rx.m_axi_awaddr.val();
        self.wr_arb.s1_awlen.next = self.cpl_rx.m_axi_awlen.val();
        self.wr_arb.s1_awsize.next = self.cpl_rx.m_axi_awsize.val();
        self.wr_arb.s1_awburst.next = self.cpl_rx.m_axi_awburst.val();
        self.wr_arb.s1_awvalid.next = self.cpl_rx.m_axi_awvalid.val();
        self.wr_arb.s1_wdata.next = self.cpl_rx.m_axi_wdata.val();
        self.wr_arb.s1_wstrb.next = self.cpl_rx.m_axi_wstrb.val();
        self.wr_arb.s1_wlast.next = self.cpl_rx.m_axi_wlast.val();
        self.wr_arb.s1_wvalid.next = self.cpl_rx.m_axi_wvalid.val();
        self.wr_arb.s1_bready.next = self.cpl_rx.m_axi_bready.val();
        self.cpl_rx.m_axi_awready.next = self.wr_arb.s1_awready.val();
        self.cpl_rx.m_axi_wready.next = self.wr_arb.s1_wready.val();
        self.cpl_rx.m_axi_bresp.next = self.wr_arb.s1_bresp.val();
        self.cpl_rx.m_axi_bvalid.next = self.wr_arb.s1_bvalid.val();
        self.wr_arb.s2_awaddr.next = self.cpl_tx.m_axi_awaddr.val();
        self.wr_arb.s2_awlen.next = self.cpl_tx.m_axi_awlen.val();
        self.wr_arb.s2_awsize.next = self.cpl_tx.m_axi_awsize.val();
        self.wr_arb.s2_awburst.next = self.cpl_tx.m_axi_awburst.val();
        self.wr_arb.s2_awvalid.next = self.cpl_tx.m_axi_awvalid.val();
        self.wr_arb.s2_wdata.next = self.cpl_tx.m_axi_wdata.val();
        self.wr_arb.s2_wstrb.next = self.cpl_tx.m_axi_wstrb.val();
        self.wr_arb.s2_wlast.next = self.cpl_tx.m_axi_wlast.val();
        self.wr_arb.s2_wvalid.next = self.cpl_tx.m_axi_wvalid.val();
        self.wr_arb.s2_bready.next = self.cpl_tx.m_axi_bready.val();
        self.cpl_tx.m_axi_awready.next = self.wr_arb.s2_awready.val();
        self.cpl_tx.m_axi_wready.next = self.wr_arb.s2_wready.val();
        self.cpl_tx.m_axi_bresp.next = self.wr_arb.s2_bresp.val();
        self.cpl_tx.m_axi_bvalid.next = self.wr_arb.s2_bvalid.val();
        self.m_axi_awid.next = self.wr_arb.m_axi_awid.val();
        self.m_axi_awaddr.next = self.wr_arb.m_axi_awaddr.val();
        self.m_axi_awlen.next = self.wr_arb.m_axi_awlen.val();
        self.m_axi_awsize.next = self.wr_arb.m_axi_awsize.val();
        self.m_axi_awburst.next = self.wr_arb.m_axi_awburst.val();
        self.m_axi_awvalid.next = self.wr_arb.m_axi_awvalid.val();
        self.m_axi_wdata.next = self.wr_arb.m_axi_wdata.val();
        self.m_axi_wstrb.next = self.wr_arb.m_axi_wstrb.val();
        self.m_axi_wlast.next = self.wr_arb.m_axi_wlast.val();
        self.m_axi_wvalid.next = self.wr_arb.m_axi_wvalid.val();
        self.m_axi_bready.next = self.wr_arb.m_axi_bready.val();
        self.wr_arb.m_axi_awready.next = self.m_axi_awready.val();
        self.wr_arb.m_axi_wready.next = self.m_axi_wready.val();
        self.wr_arb.m_axi_bid.next = self.m_axi_bid.val();
        self.wr_arb.m_axi_bresp.next = self.m_axi_bresp.val();
        self.wr_arb.m_axi_bvalid.next = self.m_axi_bvalid.val();
        // AXI4 attributes: normal non-cacheable bufferable memory (AxCACHE 0011),
        // unprivileged non-secure data (AxPROT 010), no locks, QoS 0 (ARM IHI 0022E A4.4, A4.7)
        self.m_axi_awlock.next = false;
        self.m_axi_awcache.next = 3_u64.into();
        self.m_axi_awprot.next = 2_u64.into();
        self.m_axi_awqos.next = 0_u64.into();
        self.m_axi_arlock.next = false;
        self.m_axi_arcache.next = 3_u64.into();
        self.m_axi_arprot.next = 2_u64.into();
        self.m_axi_arqos.next = 0_u64.into();
    }
}
