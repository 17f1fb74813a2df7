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
//!   one needs one more beat, so the input is held for one cycle after such
//!   a frame (the output stays busy: it carries 4 more bytes per frame).
//!   Frames are not padded: the host pads to 60 bytes as drivers do.
//! * Latency: 1 cycle (registered output).

use crate::common::axis::{AxisMaster64, AxisSlave64};
use crate::common::axis_out::AxisOutReg64;
use crate::common::crc_lanes::Crc32Lanes;
use crate::common::keep::KeepCount;
use rust_hdl::prelude::*;

/// Transmit FCS insertion; see the module documentation.
#[derive(LogicBlock)]
pub struct FcsAppend {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub s_axis: AxisSlave64,
    pub s_tuser: Signal<In, Bit>,
    pub enable: Signal<In, Bit>,
    pub frame_drop: Signal<Out, Bit>,
    pub m_axis: AxisMaster64,
    pub m_tuser: Signal<Out, Bit>,
    lanes: Crc32Lanes,
    keep: KeepCount,
    crc: DFF<Bits<32>>,
    in_frame: DFF<Bit>,
    dropping: DFF<Bit>,
    extra: DFF<Bit>,
    extra_data: DFF<Bits<64>>,
    extra_keep: DFF<Bits<8>>,
    out: AxisOutReg64,
    o_user: DFF<Bit>,
    fire: Signal<Local, Bit>,
    take_extra: Signal<Local, Bit>,
    fcs: Signal<Local, Bits<64>>,
    kb: Signal<Local, Bits<7>>,
    init: Constant<Bits<32>>,
    ones: Constant<Bits<8>>,
    ones64: Constant<Bits<64>>,
}

impl Default for FcsAppend {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            rst: Default::default(),
            s_axis: Default::default(),
            s_tuser: Default::default(),
            enable: Default::default(),
            frame_drop: Default::default(),
            m_axis: Default::default(),
            m_tuser: Default::default(),
            lanes: Default::default(),
            keep: Default::default(),
            crc: Default::default(),
            in_frame: Default::default(),
            dropping: Default::default(),
            extra: Default::default(),
            extra_data: Default::default(),
            extra_keep: Default::default(),
            out: Default::default(),
            o_user: Default::default(),
            fire: Default::default(),
            take_extra: Default::default(),
            fcs: Default::default(),
            kb: Default::default(),
            init: Constant::new(u64::from(crate::common::crc32::INIT).into()),
            ones: Constant::new(0xFF_u64.into()),
            ones64: Constant::new(u64::MAX.into()),
        }
    }
}

impl Logic for FcsAppend {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, crc, in_frame, dropping, extra, extra_data, extra_keep, o_user);
        self.out.clock.next = self.clock.val();
        self.out.rst.next = self.rst.val();
        self.keep.tkeep.next = self.s_axis.tkeep.val();
        if !self.in_frame.q.val() {
            self.lanes.crc_in.next = self.init.val();
        } else {
            self.lanes.crc_in.next = self.crc.q.val();
        }
        self.lanes.data.next = self.s_axis.tdata.val();
        self.lanes.nbytes.next = self.keep.count.val();
        if !self.in_frame.q.val() {
            self.frame_drop.next = !self.enable.val();
        } else {
            self.frame_drop.next = self.dropping.q.val();
        }
        self.s_axis.tready.next = !self.extra.q.val() & self.out.free.val();
        self.fire.next = self.s_axis.tvalid.val() & self.s_axis.tready.val();
        // FCS, least significant byte first; complemented again when bad
        self.fcs.next = bit_cast::<64, 32>(!self.lanes.crc_out.val());
        if self.s_tuser.val() {
            self.fcs.next = bit_cast::<64, 32>(self.lanes.crc_out.val());
        }
        self.kb.next = bit_cast::<7, 4>(self.keep.count.val()) << 3_u64;
        // the output beat: the held FCS remainder once the beat before it
        // is taken, else the input beat (with the FCS on its last beat);
        // each assigned once per path (crate::comb_once)
        self.take_extra.next =
            self.extra.q.val() & self.m_axis.tvalid.val() & self.m_axis.tready.val();
        if self.take_extra.val() {
            self.extra.d.next = false;
        }
        self.out.load.next = self.take_extra.val() | (self.fire.val() & !self.frame_drop.val());
        if self.extra.q.val() {
            self.out.tdata.next = self.extra_data.q.val();
            self.out.tkeep.next = self.extra_keep.q.val();
            self.out.tlast.next = true;
        } else if self.s_axis.tlast.val() {
            // data bytes, then the FCS from lane `count`
            self.out.tdata.next = (self.s_axis.tdata.val() & !(self.ones64.val() << self.kb.val()))
                | (self.fcs.val() << self.kb.val());
            if self.keep.count.val() > 4_u64 {
                self.out.tkeep.next = self.ones.val();
                self.out.tlast.next = false;
            } else {
                self.out.tkeep.next = !(self.ones.val() << (self.keep.count.val() + 4_u64));
                self.out.tlast.next = true;
            }
        } else {
            self.out.tdata.next = self.s_axis.tdata.val();
            self.out.tkeep.next = self.s_axis.tkeep.val();
            self.out.tlast.next = false;
        }
        if self.fire.val() {
            self.crc.d.next = self.lanes.crc_out.val();
            self.in_frame.d.next = !self.s_axis.tlast.val();
            self.dropping.d.next = self.frame_drop.val();
            self.o_user.d.next = self.s_tuser.val();
            // a last beat of more than 4 bytes leaves part of its FCS for
            // one more beat
            if self.s_axis.tlast.val() & (self.keep.count.val() > 4_u64) {
                self.extra.d.next = !self.frame_drop.val();
                self.extra_data.d.next = self.fcs.val() >> (64_u64 - self.kb.val());
                self.extra_keep.d.next = !(self.ones.val() << (self.keep.count.val() - 4_u64));
            }
        }
        if self.rst.val() {
            self.in_frame.d.next = false;
            self.extra.d.next = false;
        }
        AxisMaster64::link(&mut self.m_axis, &mut self.out.m_axis);
        self.m_tuser.next = self.o_user.q.val();
    }
}
