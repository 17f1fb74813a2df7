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
//! * How: stage A registers the beat; its CRC step is one 8-byte
//!   [`Crc32Pad`] network (lanes outside `tkeep` as zero bytes), so the
//!   running register needs no per-byte-count networks. On the last beat
//!   the padded register moves to stage B, where [`Crc32Unpad`] takes the
//!   zero bytes back out (the FCS, registered into stage C); stage C
//!   places the FCS after the last byte.
//! * Latency: 4 cycles (stages A, B, C and the output skid buffer); one
//!   beat per clock. `s_axis.tready` depends only on this block's
//!   registers.

use crate::common::axis::{AxisMaster64, AxisSlave64};
use crate::common::axis_out::AxisOutReg64;
use crate::common::crc_beat::{Crc32Pad, Crc32Unpad};
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
    net: Crc32Pad,
    unpad: Crc32Unpad,
    keep: KeepCount,
    in_frame: DFF<Bit>,
    dropping: DFF<Bit>,
    crc: DFF<Bits<32>>,
    // stage A: the accepted beat
    a_v: DFF<Bit>,
    a_d: DFF<Bits<64>>,
    a_k: DFF<Bits<8>>,
    a_l: DFF<Bit>,
    a_u: DFF<Bit>,
    // stage B: the beat being emitted; b_c = padded register after it
    b_v: DFF<Bit>,
    b_d: DFF<Bits<64>>,
    b_k: DFF<Bits<8>>,
    b_n: DFF<Bits<4>>,
    b_l: DFF<Bit>,
    b_u: DFF<Bit>,
    b_c: DFF<Bits<32>>,
    // stage C: the beat and, on a last beat, its FCS (complemented when bad)
    c_v: DFF<Bit>,
    c_d: DFF<Bits<64>>,
    c_k: DFF<Bits<8>>,
    c_n: DFF<Bits<4>>,
    c_l: DFF<Bit>,
    c_u: DFF<Bit>,
    c_f: DFF<Bits<32>>,
    /// The main beat of a long last beat left; the FCS remainder is next.
    c_x: DFF<Bit>,
    /// Output skid buffer; sideband = the frame's `tuser` bit.
    out: AxisOutReg64<1>,
    fire: Signal<Local, Bit>,
    split: Signal<Local, Bit>,
    b_go: Signal<Local, Bit>,
    c_go: Signal<Local, Bit>,
    a_go: Signal<Local, Bit>,
    fcs32: Signal<Local, Bits<32>>,
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
            net: Default::default(),
            unpad: Default::default(),
            keep: Default::default(),
            in_frame: Default::default(),
            dropping: Default::default(),
            crc: Default::default(),
            a_v: Default::default(),
            a_d: Default::default(),
            a_k: Default::default(),
            a_l: Default::default(),
            a_u: Default::default(),
            b_v: Default::default(),
            b_d: Default::default(),
            b_k: Default::default(),
            b_n: Default::default(),
            b_l: Default::default(),
            b_u: Default::default(),
            b_c: Default::default(),
            c_v: Default::default(),
            c_d: Default::default(),
            c_k: Default::default(),
            c_n: Default::default(),
            c_l: Default::default(),
            c_u: Default::default(),
            c_f: Default::default(),
            c_x: Default::default(),
            out: Default::default(),
            fire: Default::default(),
            split: Default::default(),
            b_go: Default::default(),
            c_go: Default::default(),
            a_go: Default::default(),
            fcs32: Default::default(),
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
        dff_setup!(
            self, clock, in_frame, dropping, crc, a_v, a_d, a_k, a_l, a_u, b_v, b_d, b_k, b_n, b_l,
            b_u, b_c, c_v, c_d, c_k, c_n, c_l, c_u, c_f, c_x
        );
        self.out.clock.next = self.clock.val();
        self.out.rst.next = self.rst.val();
        // --- stage C: emit the beat, then (long last beat) the remainder
        self.split.next = self.c_l.q.val() & (self.c_n.q.val() > 4_u64) & !self.c_x.q.val();
        self.c_go.next = self.c_v.q.val() & self.out.free.val() & !self.split.val();
        self.b_go.next = self.b_v.q.val() & (!self.c_v.q.val() | self.c_go.val());
        self.a_go.next = self.a_v.q.val() & (!self.b_v.q.val() | self.b_go.val());
        self.s_axis.tready.next = !self.a_v.q.val() | self.a_go.val();
        self.fire.next = self.s_axis.tvalid.val() & self.s_axis.tready.val();
        if !self.in_frame.q.val() {
            self.frame_drop.next = !self.enable.val();
        } else {
            self.frame_drop.next = self.dropping.q.val();
        }
        self.fcs.next = bit_cast::<64, 32>(self.c_f.q.val());
        self.kb.next = bit_cast::<7, 4>(self.c_n.q.val()) << 3_u64;
        self.out.load.next = self.c_v.q.val() & self.out.free.val();
        self.out.tuser.next = bit_cast::<1, 1>(self.c_u.q.val().into());
        if self.c_x.q.val() {
            self.out.tdata.next = self.fcs.val() >> (64_u64 - self.kb.val());
            self.out.tkeep.next = !(self.ones.val() << (self.c_n.q.val() - 4_u64));
            self.out.tlast.next = true;
        } else if self.c_l.q.val() {
            // data bytes, then the FCS from lane `c_n`
            self.out.tdata.next = (self.c_d.q.val() & !(self.ones64.val() << self.kb.val()))
                | (self.fcs.val() << self.kb.val());
            if self.c_n.q.val() > 4_u64 {
                self.out.tkeep.next = self.ones.val();
                self.out.tlast.next = false;
            } else {
                self.out.tkeep.next = !(self.ones.val() << (self.c_n.q.val() + 4_u64));
                self.out.tlast.next = true;
            }
        } else {
            self.out.tdata.next = self.c_d.q.val();
            self.out.tkeep.next = self.c_k.q.val();
            self.out.tlast.next = false;
        }
        if self.c_v.q.val() & self.out.free.val() & self.split.val() {
            self.c_x.d.next = true;
        }
        if self.c_go.val() {
            self.c_v.d.next = false;
            self.c_x.d.next = false;
        }
        // --- stage B -> C: the FCS, least significant byte first;
        // complemented again when bad (in 32 bits: `~` inside the 64-bit
        // cast would also set the zero-extended upper half in Verilog)
        self.unpad.crc_in.next = self.b_c.q.val();
        self.unpad.z.next = 8_u64 - self.b_n.q.val();
        if self.b_u.q.val() {
            self.fcs32.next = self.unpad.crc_out.val();
        } else {
            self.fcs32.next = !self.unpad.crc_out.val();
        }
        if self.b_go.val() {
            self.c_v.d.next = true;
            self.c_d.d.next = self.b_d.q.val();
            self.c_k.d.next = self.b_k.q.val();
            self.c_n.d.next = self.b_n.q.val();
            self.c_l.d.next = self.b_l.q.val();
            self.c_u.d.next = self.b_u.q.val();
            self.c_f.d.next = self.fcs32.val();
            self.b_v.d.next = false;
        }
        // --- stage A -> B: one 8-byte network per beat
        self.net.crc_in.next = self.crc.q.val();
        self.net.data.next = self.a_d.q.val();
        self.net.tkeep.next = self.a_k.q.val();
        self.keep.tkeep.next = self.a_k.q.val();
        if self.a_go.val() {
            self.b_v.d.next = true;
            self.b_d.d.next = self.a_d.q.val();
            self.b_k.d.next = self.a_k.q.val();
            self.b_n.d.next = self.keep.count.val();
            self.b_l.d.next = self.a_l.q.val();
            self.b_u.d.next = self.a_u.q.val();
            self.b_c.d.next = self.net.crc_out.val();
            if self.a_l.q.val() {
                self.crc.d.next = self.init.val();
            } else {
                self.crc.d.next = self.net.crc_out.val();
            }
            self.a_v.d.next = false;
        }
        // --- input -> stage A (a dropped frame's beats are consumed here)
        if self.fire.val() {
            self.in_frame.d.next = !self.s_axis.tlast.val();
            self.dropping.d.next = self.frame_drop.val();
            if !self.frame_drop.val() {
                self.a_v.d.next = true;
                self.a_d.d.next = self.s_axis.tdata.val();
                self.a_k.d.next = self.s_axis.tkeep.val();
                self.a_l.d.next = self.s_axis.tlast.val();
                self.a_u.d.next = self.s_tuser.val();
            }
        }
        if self.rst.val() {
            self.in_frame.d.next = false;
            self.crc.d.next = self.init.val();
            self.a_v.d.next = false;
            self.b_v.d.next = false;
            self.c_v.d.next = false;
            self.c_x.d.next = false;
        }
        AxisMaster64::link(&mut self.m_axis, &mut self.out.m_axis);
        self.m_tuser.next = self.out.m_tuser.val().any();
    }
}
