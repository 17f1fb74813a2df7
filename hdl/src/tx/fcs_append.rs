//! `FcsAppend`: the transmit side's FCS insertion. Frames from the host
//! arrive without an FCS; the CRC-32 (IEEE 802.3 clause 3.2.9) is computed
//! as they stream and appended after the last byte, least significant byte
//! first.
//!
//! * Bus: AXI4-Stream, 64-bit, byte 0 in `tdata[7:0]`.
//! * `s_tuser` (1 bit): the host marks the frame bad; it leaves with the
//!   FCS complemented (a deliberately wrong FCS: the link partner drops it)
//!   and `m_tuser` set.
//! * `enable` is sampled at each frame's first beat; a frame met by 0 is
//!   consumed and nothing leaves. `frame_drop` tells whether the frame now
//!   on `s_axis` is (being) dropped, for the counters.
//! * A last beat of up to 4 bytes takes the FCS in the same beat; a longer
//!   one is followed by one more beat with the FCS's remaining bytes.
//!   Frames are not padded: the host pads to 60 bytes as drivers do.
//! * How: stage A registers each beat with the lanes outside `tkeep`
//!   zeroed. From there it goes two ways: into a 16-entry data FIFO (LUT
//!   RAM), and through the CRC stages of [`FcsTail`], which leave each
//!   frame's FCS, already placed after the last byte, in a 16-entry FCS
//!   FIFO. A beat becomes visible at the data FIFO's head [`VISIBLE`]
//!   clocks after it was written, by which time its frame's FCS is in the
//!   FCS FIFO; the output stage ORs the FCS into a last beat (one LUT
//!   level) and, for a long one, sends the remainder next.
//! * Flow control by credit: `s_axis.tready` is a flip-flop, set while
//!   stage A and the data FIFO hold at most 13 beats, so no beat is ever
//!   refused downstream and the CRC stages never stall. Frames met by 0
//!   take no credit.
//! * Latency: [`LATENCY`] cycles from a beat accepted to it on `m_axis`
//!   while the output is free; one beat per clock, plus one clock per frame
//!   whose last beat holds more than 4 bytes.

use crate::common::axis::{AxisMaster64, AxisSlave64};
use crate::common::axis_out::AxisOutReg64;
use crate::common::byte_mask::ByteMask;
use crate::common::keep::KeepCount;
use crate::common::sync_fifo::SyncFifo;
use crate::tx::fcs_tail::{FcsTail, TAIL_BITS};
use rust_hdl::prelude::*;

/// Clocks between a beat written to the data FIFO and it at the head:
/// [`FcsTail`]'s 5 stages plus the FCS FIFO write.
pub const VISIBLE: usize = 6;
// `update()` names the oldest write as bit 5 (rust-hdl emits no constants)
const _: () = assert!(VISIBLE == 6);

/// Cycles from a beat accepted on `s_axis` to it on `m_axis` (output free).
pub const LATENCY: usize = VISIBLE + 3;

/// Data FIFO word: `{tuser, tlast, tkeep (8), tdata (64)}`.
const DATA_BITS: usize = 74;

/// Transmit FCS insertion; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct FcsAppend {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub s_axis: AxisSlave64,
    pub s_tuser: Signal<In, Bit>,
    pub enable: Signal<In, Bit>,
    pub frame_drop: Signal<Out, Bit>,
    pub m_axis: AxisMaster64,
    pub m_tuser: Signal<Out, Bit>,
    tail: FcsTail,
    keep: KeepCount,
    kmask: ByteMask,
    data: SyncFifo<DATA_BITS, 4>,
    fcsq: SyncFifo<TAIL_BITS, 4>,
    out: AxisOutReg64<1>,
    in_frame: DFF<Bit>,
    dropping: DFF<Bit>,
    /// `s_axis.tready`: a registered credit.
    rdy: DFF<Bit>,
    /// Beats in stage A and the data FIFO (0..=15).
    cnt: DFF<Bits<5>>,
    // stage A: the accepted beat, lanes outside `tkeep` zero
    a_v: DFF<Bit>,
    a_md: DFF<Bits<64>>,
    a_k: DFF<Bits<8>>,
    a_l: DFF<Bit>,
    a_u: DFF<Bit>,
    /// Writes of the last `VISIBLE` clocks, newest in bit 0.
    wr: DFF<Bits<VISIBLE>>,
    /// Visible beats in the data FIFO (0..=16) and whether there are any.
    vis: DFF<Bits<5>>,
    vis_ne: DFF<Bit>,
    /// The FCS remainder of a long last beat goes next; its `tuser`.
    x: DFF<Bit>,
    xu: DFF<Bit>,
    fire: Signal<Local, Bit>,
    take: Signal<Local, Bit>,
    go: Signal<Local, Bit>,
    pop: Signal<Local, Bit>,
    fpop: Signal<Local, Bit>,
    hd: Signal<Local, Bits<64>>,
    hk: Signal<Local, Bits<8>>,
    hl: Signal<Local, Bit>,
    hu: Signal<Local, Bit>,
    fw: Signal<Local, Bits<TAIL_BITS>>,
    kw: Signal<Local, Bits<12>>,
}

impl Logic for FcsAppend {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, in_frame, dropping, rdy, cnt, a_v, a_md, a_k, a_l, a_u, wr, vis, vis_ne,
            x, xu
        );
        clock!(self, clock, tail, data, fcsq, out);
        self.tail.rst.next = self.rst.val();
        self.data.rst.next = self.rst.val();
        self.fcsq.rst.next = self.rst.val();
        self.out.rst.next = self.rst.val();
        // --- input: enable sampled at a frame's first beat
        self.s_axis.tready.next = self.rdy.q.val();
        if !self.in_frame.q.val() {
            self.frame_drop.next = !self.enable.val();
        } else {
            self.frame_drop.next = self.dropping.q.val();
        }
        self.fire.next = self.s_axis.tvalid.val() & self.rdy.q.val();
        self.take.next = self.fire.val() & !self.frame_drop.val();
        if self.fire.val() {
            self.in_frame.d.next = !self.s_axis.tlast.val();
            self.dropping.d.next = self.frame_drop.val();
        }
        self.kmask.lanes.next = self.s_axis.tkeep.val();
        self.a_v.d.next = self.take.val() & !self.rst.val();
        self.a_md.d.next = self.s_axis.tdata.val() & self.kmask.mask.val();
        self.a_k.d.next = self.s_axis.tkeep.val();
        self.a_l.d.next = self.s_axis.tlast.val();
        self.a_u.d.next = self.s_tuser.val();
        // --- stage A -> data FIFO and CRC stages
        self.keep.tkeep.next = self.a_k.q.val();
        self.tail.a_v.next = self.a_v.q.val();
        self.tail.a_md.next = self.a_md.q.val();
        self.tail.a_n.next = self.keep.count.val();
        self.tail.a_l.next = self.a_l.q.val();
        self.tail.a_u.next = self.a_u.q.val();
        self.data.push.next = self.a_v.q.val();
        self.data.din.next = bit_cast::<DATA_BITS, 64>(self.a_md.q.val())
            | (bit_cast::<DATA_BITS, 8>(self.a_k.q.val()) << 64_u64)
            | (bit_cast::<DATA_BITS, 1>(self.a_l.q.val().into()) << 72_u64)
            | (bit_cast::<DATA_BITS, 1>(self.a_u.q.val().into()) << 73_u64);
        self.fcsq.push.next = self.tail.f_v.val();
        self.fcsq.din.next = self.tail.f_word.val();
        // --- output: the visible head, the FCS ORed into a last beat
        self.hd.next = self.data.dout.val().get_bits::<64>(0);
        self.hk.next = self.data.dout.val().get_bits::<8>(64);
        self.hl.next = self.data.dout.val().get_bit(72);
        self.hu.next = self.data.dout.val().get_bit(73);
        self.fw.next = self.fcsq.dout.val();
        self.kw.next = self.fw.val().get_bits::<12>(96);
        if self.x.q.val() {
            // the FCS bytes a long last beat had no room for
            self.go.next = false;
            self.pop.next = false;
            self.fpop.next = self.out.free.val();
            self.out.load.next = self.out.free.val();
            self.out.tuser.next = bit_cast::<1, 1>(self.xu.q.val().into());
            self.out.tdata.next = bit_cast::<64, 32>(self.fw.val().get_bits::<32>(64));
            self.out.tkeep.next = bit_cast::<8, 4>(self.kw.val().get_bits::<4>(8));
            self.out.tlast.next = true;
        } else if self.hl.val() {
            // a last beat: the FCS (or its first bytes) in the lanes after
            // it (the FCS FIFO is never empty here: `!empty` is a guard)
            self.go.next = self.out.free.val() & self.vis_ne.q.val() & !self.fcsq.empty.val();
            self.pop.next = self.go.val();
            self.fpop.next = self.go.val() & !self.kw.val().get_bit(8);
            self.out.load.next = self.go.val();
            self.out.tuser.next = bit_cast::<1, 1>(self.hu.val().into());
            self.out.tdata.next = self.hd.val() | self.fw.val().get_bits::<64>(0);
            self.out.tkeep.next = self.kw.val().get_bits::<8>(0);
            self.out.tlast.next = !self.kw.val().get_bit(8);
        } else {
            self.go.next = self.out.free.val() & self.vis_ne.q.val() & !self.data.empty.val();
            self.pop.next = self.go.val();
            self.fpop.next = false;
            self.out.load.next = self.go.val();
            self.out.tuser.next = bit_cast::<1, 1>(self.hu.val().into());
            self.out.tdata.next = self.hd.val();
            self.out.tkeep.next = self.hk.val();
            self.out.tlast.next = false;
        }
        self.data.pop.next = self.pop.val();
        self.fcsq.pop.next = self.fpop.val();
        if self.pop.val() & self.hl.val() & self.kw.val().get_bit(8) {
            self.x.d.next = true;
            self.xu.d.next = self.hu.val();
        }
        if self.fpop.val() {
            self.x.d.next = false;
        }
        // --- visibility and credit
        self.wr.d.next =
            (self.wr.q.val() << 1_u64) | bit_cast::<VISIBLE, 1>(self.a_v.q.val().into());
        if self.wr.q.val().get_bit(5) & !self.pop.val() {
            self.vis.d.next = self.vis.q.val() + 1_u64;
            self.vis_ne.d.next = true;
        }
        if !self.wr.q.val().get_bit(5) & self.pop.val() {
            self.vis.d.next = self.vis.q.val() - 1_u64;
            self.vis_ne.d.next = self.vis.q.val() != 1_u64;
        }
        if self.take.val() & !self.pop.val() {
            self.cnt.d.next = self.cnt.q.val() + 1_u64;
        }
        if !self.take.val() & self.pop.val() {
            self.cnt.d.next = self.cnt.q.val() - 1_u64;
        }
        // (neither FIFO fills while cnt <= 13: the `full` terms are guards)
        self.rdy.d.next =
            (self.cnt.q.val() <= 13_u64) & !self.data.full.val() & !self.fcsq.full.val();
        if self.rst.val() {
            self.in_frame.d.next = false;
            self.rdy.d.next = false;
            self.cnt.d.next = 0_u64.into();
            self.wr.d.next = 0_u64.into();
            self.vis.d.next = 0_u64.into();
            self.vis_ne.d.next = false;
            self.x.d.next = false;
        }
        AxisMaster64::link(&mut self.m_axis, &mut self.out.m_axis);
        self.m_tuser.next = self.out.m_tuser.val().any();
    }
}
