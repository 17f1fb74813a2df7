//! `RssSteer`: receive-side scaling. Parses each frame's headers, hashes its
//! IPv4/IPv6 2-tuple or 4-tuple with the Toeplitz hash of the Microsoft RSS
//! specification, and picks the receive queue (`m_tdest`) from a
//! 128-entry indirection table.
//!
//! * Parser: Ethernet with up to two VLAN tags (TPID 0x8100 or 0x88A8),
//!   IPv4 (options allowed: ports found through IHL) and IPv6 (fixed header
//!   only: the Next Header field is not walked through extension headers,
//!   so such packets hash as 2-tuples). TCP (6) and UDP (17) give the
//!   4-tuple {src addr, dst addr, src port, dst port}; other protocols and
//!   IPv4 fragments the 2-tuple {src addr, dst addr}. The last 4 bytes of a
//!   frame are its FCS and never header.
//! * Parser errors (IPv4/IPv6 EtherType but a truncated header, a wrong
//!   version, IHL < 5): the frame goes to `default_queue` and `m_parse_err`
//!   is set. Non-IP frames, or `rss_enable` low: `default_queue`.
//! * Queue = indirection-table entry `hash[6:0]` (`rss_index` out to the
//!   register file, `rss_queue` back).
//! * Pipeline: beats wait in a 32-deep FIFO while the header is captured
//!   and parsed ([`crate::rx::rss_parse`], 4 registered stages after the
//!   12th beat or the frame's end), the tuple waits in a 4-deep FIFO for the
//!   Toeplitz engine ([`crate::common::toeplitz`], 12 bytes a clock: one
//!   clock an IPv4 or non-IP frame, three an IPv6 one), the hash meets the
//!   indirection table (two stages: the register file registers the
//!   entry), and the handshake engine decides (below; its decision is in
//!   the decision FIFO's head 26 cycles after the first beat at the
//!   latest). A frame's first beat leaves [`HOLD`] cycles after it arrived
//!   at the earliest, so at line rate the latency is fixed whatever the
//!   frame size; one beat per clock, back-to-back frames, no bubble.
//! * Timing: `s_axis.tready` is a flip-flop (room for a beat next clock);
//!   the beats' control bits (last, drop), the results and the decisions
//!   keep their FIFO heads in flip-flops ([`crate::common::sync_fifo_reg`];
//!   the beat data leaves straight from its FIFO's RAM) and a frame is due when a 25-clock
//!   delay line of first-beat arrivals says so, so the pop decision reads
//!   only flip-flops.
//! * The tuple FIFO cannot overflow: a frame that takes the engine three
//!   clocks (IPv6, at least 22 bytes) has at least three beats, so a
//!   frame's work never exceeds the clocks since the previous frame's
//!   header, and at most three clocks of work are ever queued.
//! * The handshake engine's decisions (`hs_valid`/`hs_consume`, one per
//!   frame in order, from [`crate::handshake::engine`] watching this block's
//!   input) queue in a 33-deep FIFO; a frame's first beat also waits for
//!   its decision, and a consumed frame (a SYN the NIC answered) is
//!   swallowed without leaving or counting as a drop.
//! * `m_tdest`, `m_parse_err` and `m_hash` (the 32-bit Toeplitz hash of IP
//!   frames, 0 otherwise, for the host's flow hash) are constant over a frame.

use crate::common::axis::{AxisMaster64, AxisSlave64};
use crate::common::sync_fifo::SyncFifo;
use crate::common::sync_fifo_reg::SyncFifoReg;
use crate::common::toeplitz::Toeplitz;
use crate::rx::rss_parse::RssParse;
use crate::RX_QUEUE_BITS;
use rust_hdl::prelude::*;

/// Cycles a first beat spends in the block at least (line-rate latency).
pub const HOLD: u64 = 26;

/// Bits of a frame's result: queue, parser error, hash.
const RESULT_BITS: usize = RX_QUEUE_BITS + 33;

impl Default for RssSteer {
    fn default() -> Self {
        RssSteer {
            clock: Default::default(),
            rst: Default::default(),
            s_axis: Default::default(),
            s_tuser: Default::default(),
            s_tag: Default::default(),
            m_axis: Default::default(),
            m_tuser: Default::default(),
            m_tag: Default::default(),
            m_tdest: Default::default(),
            m_parse_err: Default::default(),
            m_hash: Default::default(),
            drop_last: Default::default(),
            rss_enable: Default::default(),
            rss_key: Default::default(),
            rss_index: Default::default(),
            rss_queue: Default::default(),
            default_queue: Default::default(),
            hs_valid: Default::default(),
            hs_consume: Default::default(),
            beats: Default::default(),
            bctl: Default::default(),
            results: Default::default(),
            err_at: Constant::new(RX_QUEUE_BITS.to_bits()),
            hash_at: Constant::new((RX_QUEUE_BITS + 1).to_bits()),
            decisions: Default::default(),
            cons: Default::default(),
            dropit: Default::default(),
            bcnt: Default::default(),
            bcnt_n: Default::default(),
            room: Default::default(),
            parse: Default::default(),
            tuples: Default::default(),
            toep: Default::default(),
            ages: Default::default(),
            infirst: Default::default(),
            due: Default::default(),
            due_nz: Default::default(),
            due_n: Default::default(),
            i_v: Default::default(),
            i_meta: Default::default(),
            i_hash: Default::default(),
            r: Default::default(),
            r_v: Default::default(),
            first: Default::default(),
            held_q: Default::default(),
            held_err: Default::default(),
            held_hash: Default::default(),
            queue: Default::default(),
            rfirst: Default::default(),
        }
    }
}

/// RSS steering stage; see the module documentation.
#[derive(LogicBlock)]
pub struct RssSteer {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub s_axis: AxisSlave64,
    /// Bits 5:0 flags (to `m_tuser`), bit 6: drop the frame (marked by
    /// FcsCheck when CTRL.ENABLE was 0): it is steered, then consumed
    /// without leaving, and `drop_last` pulses at its last beat.
    pub s_tuser: Signal<In, Bits<7>>,
    pub s_tag: Signal<In, Bits<64>>,
    pub m_axis: AxisMaster64,
    pub m_tuser: Signal<Out, Bits<6>>,
    pub m_tag: Signal<Out, Bits<64>>,
    pub m_tdest: Signal<Out, Bits<RX_QUEUE_BITS>>,
    pub m_parse_err: Signal<Out, Bit>,
    /// The frame's Toeplitz hash (0 unless hashed), constant over the frame.
    pub m_hash: Signal<Out, Bits<32>>,
    /// One cycle per dropped frame, at its last beat (queue on `m_tdest`).
    pub drop_last: Signal<Out, Bit>,
    pub rss_enable: Signal<In, Bit>,
    pub rss_key: Signal<In, Bits<319>>,
    /// Indirection: `rss_index` (hash bits 6:0) out, its entry `rss_queue`
    /// in one clock later (the register file registers it).
    pub rss_index: Signal<Out, Bits<7>>,
    pub rss_queue: Signal<In, Bits<RX_QUEUE_BITS>>,
    pub default_queue: Signal<In, Bits<RX_QUEUE_BITS>>,
    /// A decision of the handshake engine (one per frame, in order).
    pub hs_valid: Signal<In, Bit>,
    /// The decided frame is consumed (never delivered).
    pub hs_consume: Signal<In, Bit>,
    // [63:0] data, [71:64] keep, [72] last, [78:73] user flags, [142:79] tag
    beats: SyncFifo<143, 5>,
    /// The beats' control bits, [0] last, [1] drop, with the head in
    /// flip-flops: the pop decision reads only these, the data leaves
    /// straight from the beat FIFO's RAM (no 143-bit load enable).
    bctl: SyncFifoReg<2, 5>,
    // [QB-1:0] queue, [QB] parser error, [QB+32:QB+1] hash (QB =
    // RX_QUEUE_BITS; the positions are the localparams err_at, hash_at)
    results: SyncFifoReg<RESULT_BITS, 5>,
    err_at: Constant<Bits<8>>,
    hash_at: Constant<Bits<8>>,
    decisions: SyncFifoReg<1, 5>,
    cons: DFF<Bit>,
    dropit: Signal<Local, Bit>,
    /// Beats in the beat FIFO (0..=32) and the registered `tready`.
    bcnt: DFF<Bits<6>>,
    bcnt_n: Signal<Local, Bits<6>>,
    room: DFF<Bit>,
    parse: RssParse,
    // [287:0] tuple, [288] IPv6, [289] hash it, [290] parser error
    tuples: SyncFifo<291, 2>,
    // meta [0] hash it, [1] parser error
    toep: Toeplitz<2>,
    /// First beats accepted 1..=25 clocks ago (bit k: k + 1 clocks ago).
    ages: DFF<Bits<25>>,
    /// The next beat accepted is a first beat.
    infirst: DFF<Bit>,
    /// Frames held whose first beat arrived at least HOLD clocks ago.
    due: DFF<Bits<6>>,
    due_nz: DFF<Bit>,
    due_n: Signal<Local, Bits<6>>,
    i_v: DFF<Bit>,
    i_meta: DFF<Bits<2>>,
    i_hash: DFF<Bits<32>>,
    r: DFF<Bits<RESULT_BITS>>,
    r_v: DFF<Bit>,
    first: DFF<Bit>,
    held_q: DFF<Bits<RX_QUEUE_BITS>>,
    held_err: DFF<Bit>,
    held_hash: DFF<Bits<32>>,
    queue: Signal<Local, Bits<RX_QUEUE_BITS>>,
    rfirst: Signal<Local, Bit>,
}

impl Logic for RssSteer {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, bcnt, room, ages, infirst, due, due_nz, i_v, i_meta, i_hash, r, r_v,
            first, held_q, held_err, held_hash, cons
        );
        self.beats.clock.next = self.clock.val();
        self.bctl.clock.next = self.clock.val();
        self.results.clock.next = self.clock.val();
        self.decisions.clock.next = self.clock.val();
        self.tuples.clock.next = self.clock.val();
        self.parse.clock.next = self.clock.val();
        self.toep.clock.next = self.clock.val();
        self.decisions.rst.next = self.rst.val();
        self.decisions.push.next = self.hs_valid.val();
        self.decisions.din.next = self.hs_consume.val().into();
        self.beats.rst.next = self.rst.val();
        self.bctl.rst.next = self.rst.val();
        self.results.rst.next = self.rst.val();
        self.tuples.rst.next = self.rst.val();
        self.parse.rst.next = self.rst.val();
        self.toep.rst.next = self.rst.val();
        // ---- input: into the beat FIFO, the header into the parser
        // `tready` is a flip-flop: room for a beat next clock if the beat FIFO
        // holds at most 30 now (one push may land in between). The other
        // FIFOs cannot fill first (a result and a decision per frame whose
        // first beat is still in the beat FIFO; the tuple FIFO, see above):
        // their flags are guards.
        self.s_axis.tready.next = self.room.q.val();
        self.beats.push.next = self.s_axis.tvalid.val() & self.room.q.val();
        self.bctl.push.next = self.s_axis.tvalid.val() & self.room.q.val();
        self.bctl.din.next = bit_cast::<2, 1>(self.s_axis.tlast.val().into())
            | (bit_cast::<2, 1>(self.s_tuser.val().get_bit(6).into()) << 1_u64);
        self.beats.din.next = bit_cast::<143, 64>(self.s_axis.tdata.val())
            | (bit_cast::<143, 8>(self.s_axis.tkeep.val()) << 64_u64)
            | (bit_cast::<143, 1>(self.s_axis.tlast.val().into()) << 72_u64)
            | (bit_cast::<143, 6>(self.s_tuser.val().get_bits::<6>(0)) << 73_u64)
            | (bit_cast::<143, 64>(self.s_tag.val()) << 79_u64);
        self.parse.fire.next = self.s_axis.tvalid.val() & self.room.q.val();
        self.parse.tdata.next = self.s_axis.tdata.val();
        self.parse.tkeep.next = self.s_axis.tkeep.val();
        self.parse.tlast.next = self.s_axis.tlast.val();
        // ---- tuples wait for the Toeplitz engine
        self.tuples.push.next = self.parse.t_valid.val();
        self.tuples.din.next = bit_cast::<291, 288>(self.parse.t_tuple.val())
            | (bit_cast::<291, 1>(self.parse.t_six.val().into()) << 288_u64)
            | (bit_cast::<291, 1>(self.parse.t_ip.val().into()) << 289_u64)
            | (bit_cast::<291, 1>(self.parse.t_err.val().into()) << 290_u64);
        self.toep.key.next = self.rss_key.val();
        self.toep.s_valid.next = !self.tuples.empty.val();
        self.toep.s_tuple.next = self.tuples.dout.val().get_bits::<288>(0);
        self.toep.s_six.next = self.tuples.dout.val().get_bit(288);
        self.toep.s_meta.next = self.tuples.dout.val().get_bits::<2>(289);
        self.tuples.pop.next = self.toep.s_pop.val();
        // ---- indirection table: the hash register's low bits index it; the
        // register file answers (registered) while the result waits in i_*
        self.rss_index.next = self.toep.m_hash.val().get_bits::<7>(0);
        self.i_v.d.next = self.toep.m_valid.val();
        self.i_meta.d.next = self.toep.m_meta.val();
        self.i_hash.d.next = self.toep.m_hash.val();
        self.queue.next = self.default_queue.val();
        if self.rss_enable.val() & self.i_meta.q.val().get_bit(0) {
            self.queue.next = self.rss_queue.val();
        }
        self.r.d.next = bit_cast::<RESULT_BITS, RX_QUEUE_BITS>(self.queue.val())
            | (bit_cast::<RESULT_BITS, 1>(self.i_meta.q.val().get_bit(1).into())
                << self.err_at.val());
        if self.i_meta.q.val().get_bit(0) {
            self.r.d.next = bit_cast::<RESULT_BITS, RX_QUEUE_BITS>(self.queue.val())
                | (bit_cast::<RESULT_BITS, 32>(self.i_hash.q.val()) << self.hash_at.val());
        }
        self.r_v.d.next = self.i_v.q.val();
        // ---- stage 4: result FIFO; output when the head frame's result is in
        self.results.push.next = self.r_v.q.val();
        self.results.din.next = self.r.q.val();
        // the head frame is due once a first beat's age reached HOLD: a
        // 25-clock delay line and a count, no arithmetic on the FIFO's output
        self.rfirst.next =
            !self.results.empty.val() & !self.decisions.empty.val() & self.due_nz.q.val();
        // dropped: marked by FcsCheck (bit 79) or consumed by the handshake engine
        self.dropit.next = self.bctl.dout.val().get_bit(1) | self.cons.q.val();
        if self.first.q.val() {
            self.dropit.next = self.bctl.dout.val().get_bit(1) | self.decisions.dout.val().any();
        }
        // a frame marked for dropping is consumed whatever m_tready says
        self.beats.pop.next = !self.bctl.empty.val()
            & (!self.first.q.val() | self.rfirst.val())
            & (self.m_axis.tready.val() | self.dropit.val());
        self.bctl.pop.next = !self.bctl.empty.val()
            & (!self.first.q.val() | self.rfirst.val())
            & (self.m_axis.tready.val() | self.dropit.val());
        self.results.pop.next = !self.bctl.empty.val()
            & self.first.q.val()
            & self.rfirst.val()
            & (self.m_axis.tready.val() | self.dropit.val());
        self.decisions.pop.next = !self.bctl.empty.val()
            & self.first.q.val()
            & self.rfirst.val()
            & (self.m_axis.tready.val() | self.dropit.val());
        self.m_axis.tvalid.next =
            !self.bctl.empty.val() & (!self.first.q.val() | self.rfirst.val()) & !self.dropit.val();
        self.drop_last.next = !self.bctl.empty.val()
            & (!self.first.q.val() | self.rfirst.val())
            & self.bctl.dout.val().get_bit(1)
            & self.bctl.dout.val().get_bit(0);
        self.m_axis.tdata.next = self.beats.dout.val().get_bits::<64>(0);
        self.m_axis.tkeep.next = self.beats.dout.val().get_bits::<8>(64);
        self.m_axis.tlast.next = self.beats.dout.val().get_bit(72);
        self.m_tuser.next = self.beats.dout.val().get_bits::<6>(73);
        self.m_tag.next = self.beats.dout.val().get_bits::<64>(79);
        if self.first.q.val() {
            self.m_tdest.next = self.results.dout.val().get_bits::<RX_QUEUE_BITS>(0);
            self.m_parse_err.next = self.results.dout.val().get_bit(self.err_at.val().index());
            self.m_hash.next = self
                .results
                .dout
                .val()
                .get_bits::<32>(self.hash_at.val().index());
        } else {
            self.m_tdest.next = self.held_q.q.val();
            self.m_parse_err.next = self.held_err.q.val();
            self.m_hash.next = self.held_hash.q.val();
        }
        if !self.bctl.empty.val()
            & (!self.first.q.val() | self.rfirst.val())
            & (self.m_axis.tready.val() | self.dropit.val())
        {
            self.first.d.next = self.bctl.dout.val().get_bit(0);
            if self.first.q.val() {
                self.cons.d.next = self.decisions.dout.val().any();
            }
            if self.first.q.val() {
                self.held_q.d.next = self.results.dout.val().get_bits::<RX_QUEUE_BITS>(0);
                self.held_err.d.next = self.results.dout.val().get_bit(self.err_at.val().index());
                self.held_hash.d.next = self
                    .results
                    .dout
                    .val()
                    .get_bits::<32>(self.hash_at.val().index());
            }
        }
        // ---- beat count and the registered tready
        self.bcnt_n.next = self.bcnt.q.val();
        if self.beats.push.val() & !self.beats.pop.val() {
            self.bcnt_n.next = self.bcnt.q.val() + 1_u64;
        }
        if !self.beats.push.val() & self.beats.pop.val() {
            self.bcnt_n.next = self.bcnt.q.val() - 1_u64;
        }
        self.bcnt.d.next = self.bcnt_n.val();
        self.room.d.next = ((self.bcnt.q.val() <= 30_u64) | self.beats.empty.val())
            & !self.beats.full.val()
            & !self.bctl.full.val()
            & !self.results.full.val()
            & !self.decisions.full.val()
            & !self.tuples.full.val();
        // ---- ages of first beats: due when HOLD clocks old
        self.ages.d.next = self.ages.q.val() << 1_u64;
        if self.parse.fire.val() {
            self.ages.d.next =
                (self.ages.q.val() << 1_u64) | bit_cast::<25, 1>(self.infirst.q.val().into());
            self.infirst.d.next = self.s_axis.tlast.val();
        }
        self.due_n.next = self.due.q.val();
        if self.ages.q.val().get_bit(24) & !(self.results.pop.val()) {
            self.due_n.next = self.due.q.val() + 1_u64;
        }
        if !self.ages.q.val().get_bit(24) & self.results.pop.val() {
            self.due_n.next = self.due.q.val() - 1_u64;
        }
        self.due.d.next = self.due_n.val();
        self.due_nz.d.next = self.due_n.val() != 0_u64;
        if self.rst.val() {
            self.bcnt.d.next = 0_u64.into();
            self.room.d.next = false;
            self.ages.d.next = 0_u64.into();
            self.infirst.d.next = true;
            self.due.d.next = 0_u64.into();
            self.due_nz.d.next = false;
            self.i_v.d.next = false;
            self.r_v.d.next = false;
            self.first.d.next = true;
        }
    }
}
