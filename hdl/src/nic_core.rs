//! `NicCore`: the receive conversion datapath with its control plane, top
//! of `nic_core.v`.
//!
//! `s_axis` (MAC/switch side, frames with FCS) -> [`FcsCheck`] ->
//! [`TagMigrate`] -> [`FcsInsert`] -> [`RssSteer`] -> `m_axis` (host
//! side, frames with a recomputed FCS). The AXI4-Lite slave `s_axil_*`
//! ([`AxilSlave`] + [`RegFile`]) exposes the register map of
//! `ferronic_regmap`: identity, configuration (tag format/mode, enable,
//! default queue, RSS key and indirection table) and the 64-bit counters of
//! [`CounterBank`].
//!
//! | port | width | meaning |
//! |---|---|---|
//! | `clk`, `rst` | 1 | clock; synchronous active-high reset |
//! | `s_axis_tdata/tkeep/tvalid/tready/tlast` | 64/8/1/1/1 | input frames, byte 0 in `tdata[7:0]` |
//! | `m_axis_tdata/tkeep/tvalid/tready/tlast` | 64/8/1/1/1 | output frames |
//! | `m_axis_tuser` | 6 | flags on the `tlast` beat, [`crate::rx::tag::tuser`] |
//! | `m_axis_tag` | 64 | migrated tag on the `tlast` beat (wire order, zero-extended) |
//! | `m_axis_tdest` | 3 | receive queue (RSS or default), constant over the frame; [`RX_QUEUE_BITS`] wide (3 at 8 queues; 1, always 0, at one queue) |
//! | `m_axis_hash` | 32 | Toeplitz RSS hash of IP frames (0 otherwise), constant over the frame |
//! | `s_axis_tx_tdata/tkeep/tvalid/tready/tlast` | 64/8/1/1/1 | transmit frames from the host, without FCS |
//! | `s_axis_tx_tuser`, `s_axis_tx_tdest` | 1, 3 | host marks the frame bad; its transmit queue ([`RX_QUEUE_BITS`] wide; ANDed with [`crate::QUEUE_MASK`]) |
//! | `m_axis_tx_*` (`tuser` 1) | 64/8/1/1/1/1 | transmit frames to the MAC, FCS appended ([`FcsAppend`]) |
//! | `s_axil_*` | 16-bit address, 32-bit data | AXI4-Lite register access |
//!
//! Latency: [`LATENCY`] cycles from a beat's acceptance on `s_axis` to its
//! appearance on `m_axis` at line rate; one beat per clock, no bubbles.
//! `m_axis` leaves through a skid buffer ([`AxisOutReg64`]), so
//! `m_axis_tready` reaches no logic but that buffer: a board top or DMA
//! engine behind the core sees registered outputs and a one-register
//! `tready` load.

use crate::common::axis::{AxisMaster64, AxisSlave64};
use crate::common::axis_out::AxisOutReg64;
use crate::control::axil_slave::AxilSlave;
use crate::control::counter_bank::CounterBank;
use crate::control::counter_events::CounterEvents;
use crate::control::regfile::RegFile;
use crate::handshake::clock::HsClock;
use crate::handshake::engine::HandshakeEngine;
use crate::rx::fcs_check::FcsCheck;
use crate::rx::fcs_insert::FcsInsert;
use crate::rx::rss_steer::RssSteer;
use crate::rx::tag_migrate::TagMigrate;
use crate::tx::fcs_append::FcsAppend;
use crate::tx::tx_arb::TxArb;
use crate::{COUNTERS, HS_COUNTER0, INPUT_BITS, LISTEN, RX_QUEUE_BITS};
use ferronic_regmap::RegMap;
use rust_hdl::prelude::*;

/// Cycles from the acceptance of a beat on `s_axis` to the same beat's
/// valid cycle on `m_axis`, at line rate with `m_axis_tready` high
/// (FcsCheck 4 + TagMigrate 8 + FcsInsert 11 + RssSteer 26 + the output
/// skid buffer 1; asserted by the sim tests). RssSteer holds a frame until its first 96 bytes are parsed
/// and hashed and the handshake engine has decided whether the frame is a
/// SYN it answers (in its FIFO's head at most 26 cycles after the first beat, for frames of
/// 12 beats or more), and holds every frame as long, so the latency is the
/// same for every frame size.
pub const LATENCY: usize = 50;

/// The listen table's words on the handshake configuration bus.
const HS_LISTEN_BITS: usize = 64 * LISTEN;

/// Sideband of the receive output skid buffer: `m_axis_tuser` (6 bits) at
/// 0, `m_parse_err` at 6, `m_axis_hash` at 7, `m_axis_tag` at 39,
/// `m_axis_tdest` ([`RX_QUEUE_BITS`]) at 103.
const RX_SIDE: usize = 103 + RX_QUEUE_BITS;

/// The receive datapath top; see the module documentation.
#[derive(LogicBlock)]
pub struct NicCore {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub s_axis: AxisSlave64,
    pub m_axis: AxisMaster64,
    pub m_axis_tuser: Signal<Out, Bits<6>>,
    pub m_axis_tag: Signal<Out, Bits<64>>,
    pub m_axis_tdest: Signal<Out, Bits<RX_QUEUE_BITS>>,
    pub m_axis_hash: Signal<Out, Bits<32>>,
    pub s_axis_tx: AxisSlave64,
    pub s_axis_tx_tuser: Signal<In, Bit>,
    pub s_axis_tx_tdest: Signal<In, Bits<RX_QUEUE_BITS>>,
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
    fcs_check: FcsCheck,
    tag_migrate: TagMigrate,
    fcs_insert: FcsInsert,
    rss: RssSteer,
    rx_out: AxisOutReg64<RX_SIDE>,
    tx_fcs: FcsAppend,
    hs: HandshakeEngine<LISTEN, { 64 * LISTEN }>,
    timers: HsClock,
    tx_arb: TxArb,
    axil: AxilSlave,
    regs: RegFile,
    events: CounterEvents,
    bank: CounterBank,
    /// The handshake engine is present (generation parameter
    /// [`crate::params::CoreParams::handshake`]): when 0 its outputs are
    /// tied off here, so synthesis removes it.
    has_hs: Constant<Bit>,
    /// The first handshake counter ([`HS_COUNTER0`]).
    hs_at: Constant<Bits<16>>,
    /// The first settings bit on the handshake configuration bus (64
    /// [`LISTEN`]: after the listen table's words).
    hs_set: Constant<Bits<16>>,
    /// [`crate::QUEUE_MASK`]: a transmit queue number past the build's
    /// queues (a one-queue build's `s_axis_tx_tdest` = 1) counts as queue 0.
    queue_mask: Constant<Bits<RX_QUEUE_BITS>>,
    /// Without the engine: the next beat into RssSteer starts a frame
    /// (each first beat queues a "deliver" decision in the engine's place).
    rx_first: DFF<Bit>,
    /// A beat enters RssSteer.
    rx_fire: Signal<Local, Bit>,
}

impl NicCore {
    /// The core for register map `map` (built with `rx_queues` =
    /// [`crate::RX_QUEUES`]); the map's `rss` and `handshake` parameters
    /// say which of those blocks are present.
    pub fn new(map: &RegMap) -> Self {
        NicCore {
            clk: Default::default(),
            rst: Default::default(),
            s_axis: Default::default(),
            m_axis: Default::default(),
            m_axis_tuser: Default::default(),
            m_axis_tag: Default::default(),
            m_axis_tdest: Default::default(),
            m_axis_hash: Default::default(),
            s_axis_tx: Default::default(),
            s_axis_tx_tuser: Default::default(),
            s_axis_tx_tdest: Default::default(),
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
            fcs_check: Default::default(),
            tag_migrate: Default::default(),
            fcs_insert: Default::default(),
            rss: Default::default(),
            rx_out: Default::default(),
            tx_fcs: Default::default(),
            hs: Default::default(),
            timers: Default::default(),
            tx_arb: Default::default(),
            axil: Default::default(),
            regs: RegFile::new(map),
            events: Default::default(),
            bank: Default::default(),
            has_hs: Constant::new(map.params.handshake),
            hs_at: Constant::new(HS_COUNTER0.to_bits()),
            hs_set: Constant::new(HS_LISTEN_BITS.to_bits()),
            queue_mask: Constant::new(crate::QUEUE_MASK.to_bits()),
            rx_first: Default::default(),
            rx_fire: Default::default(),
        }
    }
}

impl Logic for NicCore {
    #[hdl_gen]
    fn update(&mut self) {
        self.fcs_check.clock.next = self.clk.val();
        self.tag_migrate.clock.next = self.clk.val();
        self.fcs_insert.clock.next = self.clk.val();
        self.fcs_check.rst.next = self.rst.val();
        self.tag_migrate.rst.next = self.rst.val();
        self.fcs_insert.rst.next = self.rst.val();
        self.rss.clock.next = self.clk.val();
        self.tx_fcs.clock.next = self.clk.val();
        self.tx_fcs.rst.next = self.rst.val();
        // transmit: host and handshake engine -> TxArb -> FcsAppend -> MAC
        self.tx_arb.clock.next = self.clk.val();
        self.tx_arb.rst.next = self.rst.val();
        AxisSlave64::link(&mut self.s_axis_tx, &mut self.tx_arb.h_axis);
        self.tx_arb.h_tuser.next = self.s_axis_tx_tuser.val();
        // the engine's generated frames; none when it is absent (then every
        // output of the engine and its timers is tied off below, so
        // nothing reads them and synthesis removes them)
        if self.has_hs.val() {
            self.tx_arb.e_axis.tdata.next = self.hs.g_axis.tdata.val();
            self.tx_arb.e_axis.tkeep.next = self.hs.g_axis.tkeep.val();
            self.tx_arb.e_axis.tlast.next = self.hs.g_axis.tlast.val();
            self.tx_arb.e_axis.tvalid.next = self.hs.g_axis.tvalid.val();
        } else {
            self.tx_arb.e_axis.tdata.next = 0_u64.into();
            self.tx_arb.e_axis.tkeep.next = 0_u64.into();
            self.tx_arb.e_axis.tlast.next = false;
            self.tx_arb.e_axis.tvalid.next = false;
        }
        self.hs.g_axis.tready.next = self.tx_arb.e_axis.tready.val();
        self.tx_fcs.enable.next = self.regs.tx_enable.val();
        AxisMaster64::join(&mut self.tx_arb.m_axis, &mut self.tx_fcs.s_axis);
        self.tx_fcs.s_tuser.next = self.tx_arb.m_tuser.val();
        // handshake engine: watches FcsInsert -> RssSteer, configured by
        // the listen table's words (bits 0 to 64 LISTEN - 1), then the
        // handshake block's settings packed as config_bus::HS_FIELDS from
        // hs_set = 64 LISTEN (CTRL +0..1, KEY0 +2..129, KEY1 +130..257, CLOCK_DIV +258,
        // COUNT_PERIOD +290, TS_BASE +322, COUNT_BASE +354, MSS +386,
        // WSCALE +402, WINDOW +406, TTL +422)
        self.hs.clock.next = self.clk.val();
        self.hs.rst.next = self.rst.val();
        self.hs.t_tdata.next = self.fcs_insert.m_axis.tdata.val();
        self.hs.t_tkeep.next = self.fcs_insert.m_axis.tkeep.val();
        self.hs.t_tvalid.next = self.fcs_insert.m_axis.tvalid.val();
        self.hs.t_tready.next = self.rss.s_axis.tready.val();
        self.hs.t_tlast.next = self.fcs_insert.m_axis.tlast.val();
        self.hs.t_bad.next = self.fcs_insert.m_tuser.val().get_bit(0);
        // the engine's decisions, one per frame; without it each frame's
        // first beat decides "deliver" (RssSteer holds frames as long)
        self.rx_fire.next = self.fcs_insert.m_axis.tvalid.val() & self.rss.s_axis.tready.val();
        self.rx_first.clock.next = self.clk.val();
        if self.rst.val() {
            self.rx_first.d.next = true;
        } else if self.rx_fire.val() {
            self.rx_first.d.next = self.fcs_insert.m_axis.tlast.val();
        } else {
            self.rx_first.d.next = self.rx_first.q.val();
        }
        if self.has_hs.val() {
            self.rss.hs_valid.next = self.hs.d_valid.val();
            self.rss.hs_consume.next = self.hs.d_consume.val();
        } else {
            self.rss.hs_valid.next = self.rx_fire.val() & self.rx_first.q.val();
            self.rss.hs_consume.next = false;
        }
        self.hs.en.next = self.regs.hs_cfg.val().get_bit(self.hs_set.val().index());
        self.hs.rst_closed.next = self
            .regs
            .hs_cfg
            .val()
            .get_bit(self.hs_set.val().index() + 1);
        self.hs.key0.next = self
            .regs
            .hs_cfg
            .val()
            .get_bits::<128>(self.hs_set.val().index() + 2);
        self.hs.key1.next = self
            .regs
            .hs_cfg
            .val()
            .get_bits::<128>(self.hs_set.val().index() + 130);
        self.timers.clock.next = self.clk.val();
        self.timers.rst.next = self.rst.val();
        self.timers.div.next = self
            .regs
            .hs_cfg
            .val()
            .get_bits::<32>(self.hs_set.val().index() + 258);
        self.timers.period.next = self
            .regs
            .hs_cfg
            .val()
            .get_bits::<32>(self.hs_set.val().index() + 290);
        self.timers.ts_base.next = self
            .regs
            .hs_cfg
            .val()
            .get_bits::<32>(self.hs_set.val().index() + 322);
        self.timers.count_base.next = self
            .regs
            .hs_cfg
            .val()
            .get_bits::<32>(self.hs_set.val().index() + 354);
        self.hs.our_mss.next = self
            .regs
            .hs_cfg
            .val()
            .get_bits::<16>(self.hs_set.val().index() + 386);
        self.hs.our_wscale.next = self
            .regs
            .hs_cfg
            .val()
            .get_bits::<4>(self.hs_set.val().index() + 402);
        self.hs.our_window.next = self
            .regs
            .hs_cfg
            .val()
            .get_bits::<16>(self.hs_set.val().index() + 406);
        self.hs.ttl.next = self
            .regs
            .hs_cfg
            .val()
            .get_bits::<8>(self.hs_set.val().index() + 422);
        self.hs.listen.next = self.regs.hs_cfg.val().get_bits::<HS_LISTEN_BITS>(0);
        self.hs.count.next = self.timers.count.val();
        self.hs.ts_now.next = self.timers.ts_now.val();
        self.hs.h_pop.next = self.regs.strobes.val().any();
        if self.has_hs.val() {
            self.regs.inputs.next = bit_cast::<INPUT_BITS, 32>(self.timers.ts_now.val())
                | (bit_cast::<INPUT_BITS, 32>(self.timers.count.val()) << 32_u64)
                | (bit_cast::<INPUT_BITS, 1>(self.hs.h_valid.val().into()) << 64_u64)
                | (bit_cast::<INPUT_BITS, 288>(self.hs.h_data.val()) << 96_u64);
        } else {
            self.regs.inputs.next = 0_u64.into();
        }
        AxisMaster64::link(&mut self.m_axis_tx, &mut self.tx_fcs.m_axis);
        self.m_axis_tx_tuser.next = self.tx_fcs.m_tuser.val();
        self.events.tx_tkeep.next = self.s_axis_tx.tkeep.val();
        self.events.tx_fire.next = self.s_axis_tx.tvalid.val() & self.s_axis_tx.tready.val();
        self.events.tx_tlast.next = self.s_axis_tx.tlast.val();
        self.events.tx_tdest.next = self.s_axis_tx_tdest.val() & self.queue_mask.val();
        self.events.tx_bad.next = self.s_axis_tx_tuser.val();
        self.events.tx_drop.next = self.tx_fcs.frame_drop.val();
        self.bank.add_tx.next = self.events.add_tx.val();
        self.bank.tx_bytes.next = self.events.tx_bytes.val();
        self.axil.clock.next = self.clk.val();
        self.regs.clock.next = self.clk.val();
        self.events.clock.next = self.clk.val();
        self.bank.clock.next = self.clk.val();
        self.rss.rst.next = self.rst.val();
        self.axil.rst.next = self.rst.val();
        self.regs.rst.next = self.rst.val();
        self.events.rst.next = self.rst.val();
        self.bank.rst.next = self.rst.val();
        // configuration from the register file
        self.fcs_check.cfg_tag_format.next = self.regs.tag_format.val();
        self.fcs_check.cfg_tag_mode.next = self.regs.tag_mode.val();
        self.fcs_check.cfg_enable.next = self.regs.enable.val();
        self.rss.default_queue.next = self.regs.default_queue.val();
        self.rss.rss_enable.next = self.regs.rss_enable.val();
        self.rss.rss_key.next = self.regs.rss_key.val();
        self.regs.rss_index.next = self.rss.rss_index.val();
        self.rss.rss_queue.next = self.regs.rss_queue.val();
        // s_axis -> FcsCheck
        AxisSlave64::link(&mut self.s_axis, &mut self.fcs_check.s_axis);
        // FcsCheck -> TagMigrate
        AxisMaster64::join(&mut self.fcs_check.m_axis, &mut self.tag_migrate.s_axis);
        self.tag_migrate.s_tuser.next = self.fcs_check.m_tuser.val();
        // TagMigrate -> FcsInsert
        AxisMaster64::join(&mut self.tag_migrate.m_axis, &mut self.fcs_insert.s_axis);
        self.fcs_insert.s_tuser.next = self.tag_migrate.m_tuser.val();
        self.fcs_insert.s_tag.next = self.tag_migrate.m_tag.val();
        // FcsInsert -> RssSteer -> m_axis
        AxisMaster64::join(&mut self.fcs_insert.m_axis, &mut self.rss.s_axis);
        self.rss.s_tuser.next = self.fcs_insert.m_tuser.val();
        self.rss.s_tag.next = self.fcs_insert.m_tag.val();
        // output skid buffer: RssSteer sees its registered `free` as tready
        self.rx_out.clock.next = self.clk.val();
        self.rx_out.rst.next = self.rst.val();
        self.rx_out.load.next = self.rss.m_axis.tvalid.val() & self.rx_out.free.val();
        self.rss.m_axis.tready.next = self.rx_out.free.val();
        self.rx_out.tdata.next = self.rss.m_axis.tdata.val();
        self.rx_out.tkeep.next = self.rss.m_axis.tkeep.val();
        self.rx_out.tlast.next = self.rss.m_axis.tlast.val();
        self.rx_out.tuser.next = bit_cast::<RX_SIDE, 6>(self.rss.m_tuser.val())
            | (bit_cast::<RX_SIDE, 1>(self.rss.m_parse_err.val().into()) << 6_u64)
            | (bit_cast::<RX_SIDE, 32>(self.rss.m_hash.val()) << 7_u64)
            | (bit_cast::<RX_SIDE, 64>(self.rss.m_tag.val()) << 39_u64)
            | (bit_cast::<RX_SIDE, RX_QUEUE_BITS>(self.rss.m_tdest.val()) << 103_u64);
        AxisMaster64::link(&mut self.m_axis, &mut self.rx_out.m_axis);
        self.m_axis_tuser.next = self.rx_out.m_tuser.val().get_bits::<6>(0);
        self.m_axis_tdest.next = self.rx_out.m_tuser.val().get_bits::<RX_QUEUE_BITS>(103);
        self.m_axis_hash.next = self.rx_out.m_tuser.val().get_bits::<32>(7);
        self.m_axis_tag.next = self.rx_out.m_tuser.val().get_bits::<64>(39);
        // AXI4-Lite slave <-> register file
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
        // counters
        self.events.s_last_fire.next =
            self.s_axis.tvalid.val() & self.s_axis.tready.val() & self.s_axis.tlast.val();
        self.events.drop.next = self.rss.drop_last.val();
        self.events.drop_tdest.next = self.rss.m_tdest.val();
        self.events.m_tkeep.next = self.m_axis.tkeep.val();
        self.events.m_tvalid.next = self.m_axis.tvalid.val();
        self.events.m_tready.next = self.m_axis.tready.val();
        self.events.m_tlast.next = self.m_axis.tlast.val();
        self.events.m_tuser.next = self.rx_out.m_tuser.val().get_bits::<6>(0);
        self.events.m_tdest.next = self.rx_out.m_tuser.val().get_bits::<RX_QUEUE_BITS>(103);
        self.events.m_parse_err.next = self.rx_out.m_tuser.val().get_bit(6);
        self.bank.clear.next = self.regs.clear.val();
        if self.has_hs.val() {
            self.bank.inc.next = self.events.inc.val()
                | (bit_cast::<COUNTERS, 8>(self.hs.ev.val()) << self.hs_at.val());
        } else {
            self.bank.inc.next = self.events.inc.val();
        }
        self.bank.add.next = self.events.add.val();
        self.bank.bytes.next = self.events.bytes.val();
        self.regs.counters.next = self.bank.counters.val();
        self.regs.carries.next = self.bank.carries.val();
    }
}
