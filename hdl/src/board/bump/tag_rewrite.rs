//! `TagRewrite`: the read side of the open board's reverse migration, in
//! the transmit clock of the switch-side MAC (125 MHz). Per frame it
//! takes one descriptor of [`crate::board::bump::TailCapture`] and the
//! frame's beats from the frame FIFO (whole frames only), and writes the
//! frame with the tag back at its header position (byte 12, after the
//! source MAC, or byte 0) and a recomputed FCS (IEEE 802.3 clause 3.2.9;
//! complemented when the frame came with a bad one, so it stays bad).
//!
//! * A restored frame of `n` bytes with a tag of `L` at offset `o` goes
//!   out as input bytes `[0, o)`, the tag, input bytes `[o, n-4-L)`, the
//!   new FCS: the same length. The tail's tag and the old FCS are read
//!   and dropped. A frame the descriptor does not mark restore (mode pass
//!   or strip, no tag format, too short) goes out unchanged, FCS
//!   included.
//! * A byte a clock: the output is packed into 64-bit beats (byte 0 in
//!   `tdata[7:0]`) through an 8-beat FIFO to `m_axis_*`, so
//!   [`crate::board::rgmii::GmiiTx`], which takes a beat every 8 clocks,
//!   never waits inside a frame: this block makes a frame's bytes in
//!   `n + L + 2` clocks, the line needs `n + 20`.
//! * `desc` (85 bits, `TailCapture`'s layout) with `desc_valid`;
//!   `desc_pop` takes it. `s_*`: the frame FIFO's beats, `s_tready` takes
//!   one.

use crate::common::crc_lanes::Crc32Lanes;
use crate::common::keep::KeepCount;
use crate::common::sync_fifo::SyncFifo;
use rust_hdl::prelude::*;

/// Reverse migration, read side; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct TagRewrite {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub desc: Signal<In, Bits<85>>,
    pub desc_valid: Signal<In, Bit>,
    pub desc_pop: Signal<Out, Bit>,
    pub s_tdata: Signal<In, Bits<64>>,
    pub s_tkeep: Signal<In, Bits<8>>,
    pub s_tvalid: Signal<In, Bit>,
    pub s_tlast: Signal<In, Bit>,
    pub s_tready: Signal<Out, Bit>,
    pub m_axis_tdata: Signal<Out, Bits<64>>,
    pub m_axis_tkeep: Signal<Out, Bits<8>>,
    pub m_axis_tvalid: Signal<Out, Bit>,
    pub m_axis_tlast: Signal<Out, Bit>,
    pub m_axis_tready: Signal<In, Bit>,
    keep: KeepCount,
    crc_step: Crc32Lanes,
    out: SyncFifo<73, 3>,
    // state: 0 Idle, 7 Load (a frame and its descriptor are there: take
    // them), 1 Head, 2 Tag, 3 Body, 6 Wait (a clock: the CRC takes in the
    // body's last byte), 4 Fcs, 5 Drain (the tail's tag and old FCS);
    // `left` bytes of this state
    state: DFF<Bits<3>>,
    left: DFF<Bits<14>>,
    body: DFF<Bits<14>>,
    /// The descriptor, registered: the FIFO's read data comes out of
    /// distributed RAM and muxes, too late to decide `state` and `left`
    /// in the same clock at 125 MHz; it is stable from the clock
    /// `desc_valid` is seen until `desc_pop`, so Load reads it here.
    dq: DFF<Bits<85>>,
    /// The frame's length and tag place, from its descriptor.
    len: DFF<Bits<14>>,
    off12: DFF<Bit>,
    tl: DFF<Bits<4>>,
    tg: DFF<Bits<64>>,
    crc: DFF<Bits<32>>,
    /// The byte emitted last clock, and whether the CRC takes it in.
    ob_q: DFF<Bits<8>>,
    crcv: DFF<Bit>,
    bad: DFF<Bit>,
    restore: DFF<Bit>,
    /// The input beat (byte 0 at the bottom), its bytes left, its tlast.
    ib: DFF<Bits<64>>,
    icnt: DFF<Bits<4>>,
    ilast: DFF<Bit>,
    /// Packer: 8 byte lanes, the next lane, a beat to push.
    o0: DFF<Bits<8>>,
    o1: DFF<Bits<8>>,
    o2: DFF<Bits<8>>,
    o3: DFF<Bits<8>>,
    o4: DFF<Bits<8>>,
    o5: DFF<Bits<8>>,
    o6: DFF<Bits<8>>,
    o7: DFF<Bits<8>>,
    lane: DFF<Bits<3>>,
    /// Lanes of the beat being packed written so far (a thermometer).
    wk: DFF<Bits<8>>,
    push: DFF<Bit>,
    /// `emit` and `olast` a clock late (the byte is `ob_q`): the packer
    /// works from flip-flops, so `go` reaches only the state, the CRC and
    /// these two (placement put the packer, next to the output FIFO, far
    /// from the state and the frame FIFO: 120.6 MHz on seed 1).
    emit_q: DFF<Bit>,
    olast_q: DFF<Bit>,
    push_keep: DFF<Bits<8>>,
    push_last: DFF<Bit>,
    /// Beats in the output FIFO, and room for three more (registered).
    occ: DFF<Bits<4>>,
    room: DFF<Bit>,
    /// `room` a clock later, next to `go`: `room` sits by the output
    /// FIFO (placed by GmiiTx's pins), the state far from it.
    room2: DFF<Bit>,
    /// A beat was offered last clock and not taken.
    tv: DFF<Bit>,
    go: Signal<Local, Bit>,
    uses_in: Signal<Local, Bit>,
    emit: Signal<Local, Bit>,
    obyte: Signal<Local, Bits<8>>,
    olast: Signal<Local, Bit>,
    start: Signal<Local, Bit>,
    pop_out: Signal<Local, Bit>,
}

impl Logic for TagRewrite {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, state, left, body, dq, len, off12, tl, tg, crc, ob_q, crcv, bad, restore,
            ib, icnt, ilast, o0, o1, o2, o3, o4, o5, o6, o7, lane, wk, push, emit_q, olast_q,
            push_keep, push_last, occ, room, room2, tv
        );
        self.out.clock.next = self.clock.val();
        self.out.rst.next = self.rst.val();
        self.keep.tkeep.next = self.s_tkeep.val();
        // input bytes are taken in Head, Body, Fcs and Drain; a beat's
        // last byte taken loads the next (there: the frame is whole)
        self.uses_in.next = (self.state.q.val() == 1_u64)
            | (self.state.q.val() == 3_u64)
            | (self.state.q.val() == 4_u64)
            | (self.state.q.val() == 5_u64);
        // a beat offered and not taken is still offered next clock (AXI4-
        // Stream), so `tv` (registered) proves the next beat is there
        // without s_tvalid reaching `go`'s wide fan-out; just after a take
        // the next beat is not due for 2 or more clocks (a beat that is not
        // its frame's last has 8 bytes)
        self.go.next = self.room2.q.val()
            & !(self.uses_in.val()
                & (self.icnt.q.val() == 1_u64)
                & !self.ilast.q.val()
                & !self.tv.q.val());
        // the FIFOs' valid flags (Gray compares) only decide Idle -> Load
        if (self.state.q.val() == 0_u64) & self.desc_valid.val() & self.s_tvalid.val() {
            self.state.d.next = 7_u64.into();
        }
        self.start.next = (self.state.q.val() == 7_u64) & self.room2.q.val();
        self.s_tready.next = self.start.val()
            | (self.go.val()
                & self.uses_in.val()
                & (self.icnt.q.val() == 1_u64)
                & !self.ilast.q.val());
        self.desc_pop.next = self.start.val();
        self.dq.d.next = self.desc.val();
        self.tv.d.next = self.s_tvalid.val() & !self.s_tready.val();
        self.emit.next = self.go.val()
            & (self.state.q.val() != 0_u64)
            & (self.state.q.val() != 5_u64)
            & (self.state.q.val() != 6_u64)
            & (self.state.q.val() != 7_u64);
        self.obyte.next = self.ib.q.val().get_bits::<8>(0);
        if self.state.q.val() == 2_u64 {
            self.obyte.next = self.tg.q.val().get_bits::<8>(0);
        }
        if self.state.q.val() == 4_u64 {
            if self.bad.q.val() {
                self.obyte.next = self.crc.q.val().get_bits::<8>(0);
            } else {
                self.obyte.next = !self.crc.q.val().get_bits::<8>(0);
            }
        }
        self.olast.next = (self.left.q.val() == 1_u64)
            & ((self.state.q.val() == 4_u64)
                | ((self.state.q.val() == 1_u64) & !self.restore.q.val()));
        // the CRC steps a clock behind the bytes (its input registered)
        self.crc_step.crc_in.next = self.crc.q.val();
        self.crc_step.data.next = bit_cast::<64, 8>(self.ob_q.q.val());
        self.crc_step.nbytes.next = 1_u64.into();
        self.ob_q.d.next = self.obyte.val();
        self.crcv.d.next = self.emit.val() & (self.state.q.val() != 4_u64);
        // the input side
        if self.go.val() & self.uses_in.val() {
            self.ib.d.next = self.ib.q.val() >> 8_u64;
            self.icnt.d.next = self.icnt.q.val() - 1_u64;
            if (self.icnt.q.val() == 1_u64) & !self.ilast.q.val() {
                self.ib.d.next = self.s_tdata.val();
                self.icnt.d.next = self.keep.count.val();
                self.ilast.d.next = self.s_tlast.val();
            }
        }
        // the states
        if self.go.val() & (self.state.q.val() != 0_u64) & (self.state.q.val() != 7_u64) {
            self.left.d.next = self.left.q.val() - 1_u64;
        }
        if self.crcv.q.val() {
            self.crc.d.next = self.crc_step.crc_out.val();
        }
        if self.emit.val() & (self.state.q.val() == 4_u64) {
            self.crc.d.next = self.crc.q.val() >> 8_u64;
        }
        if self.emit.val() & (self.state.q.val() == 2_u64) {
            self.tg.d.next = self.tg.q.val() >> 8_u64;
        }
        if self.go.val() & (self.left.q.val() == 1_u64) {
            if self.state.q.val() == 1_u64 {
                if self.restore.q.val() {
                    self.state.d.next = 2_u64.into();
                    self.left.d.next = bit_cast::<14, 4>(self.tl.q.val());
                } else {
                    self.state.d.next = 0_u64.into();
                }
            }
            if self.state.q.val() == 2_u64 {
                self.state.d.next = 3_u64.into();
                self.left.d.next = self.body.q.val();
            }
            if self.state.q.val() == 3_u64 {
                self.state.d.next = 6_u64.into();
            }
            if self.state.q.val() == 4_u64 {
                self.state.d.next = 5_u64.into();
            }
        }
        if self.go.val() & (self.state.q.val() == 6_u64) {
            self.state.d.next = 4_u64.into();
            self.left.d.next = 4_u64.into();
        }
        if self.go.val()
            & (self.state.q.val() == 5_u64)
            & (self.icnt.q.val() == 1_u64)
            & self.ilast.q.val()
        {
            self.state.d.next = 0_u64.into();
        }
        if self.start.val() {
            // desc: [63:0] tag, [77:64] length, [78] restore, [79] FCS
            // bad, [80] offset 12, [84:81] tag length
            self.ib.d.next = self.s_tdata.val();
            self.icnt.d.next = self.keep.count.val();
            self.ilast.d.next = self.s_tlast.val();
            self.tg.d.next = self.dq.q.val().get_bits::<64>(0);
            self.crc.d.next = 0xFFFF_FFFF_u64.into();
            self.bad.d.next = self.dq.q.val().get_bit(79);
            self.restore.d.next = self.dq.q.val().get_bit(78);
            self.tl.d.next = self.dq.q.val().get_bits::<4>(81);
            self.len.d.next = self.dq.q.val().get_bits::<14>(64);
            self.off12.d.next = self.dq.q.val().get_bit(80);
            if !self.dq.q.val().get_bit(78) {
                self.state.d.next = 1_u64.into();
                self.left.d.next = self.dq.q.val().get_bits::<14>(64);
            } else if self.dq.q.val().get_bit(80) {
                self.state.d.next = 1_u64.into();
                self.left.d.next = 12_u64.into();
            } else {
                self.state.d.next = 2_u64.into();
                self.left.d.next = bit_cast::<14, 4>(self.dq.q.val().get_bits::<4>(81));
            }
        }
        // the body's bytes, n - 4 - L - offset, from registers (a clock
        // after the start; first needed when the tag's 2 or more bytes
        // or the head's 12 are out)
        self.body.d.next = self.len.q.val() - 4_u64 - bit_cast::<14, 4>(self.tl.q.val());
        if self.off12.q.val() {
            self.body.d.next = self.len.q.val() - 16_u64 - bit_cast::<14, 4>(self.tl.q.val());
        }
        self.emit_q.d.next = self.emit.val();
        self.olast_q.d.next = self.olast.val();
        // the packer, a clock behind the bytes: a byte into its lane; a
        // beat is pushed the clock after its last lane (or the frame's
        // last byte) is written
        self.push.d.next =
            self.emit_q.q.val() & ((self.lane.q.val() == 7_u64) | self.olast_q.q.val());
        if self.emit_q.q.val() {
            self.push_last.d.next = self.olast_q.q.val();
            self.push_keep.d.next = (self.wk.q.val() << 1_u64) | 1_u64;
            self.wk.d.next = (self.wk.q.val() << 1_u64) | 1_u64;
            if (self.lane.q.val() == 7_u64) | self.olast_q.q.val() {
                self.wk.d.next = 0_u64.into();
            }
            self.lane.d.next = self.lane.q.val() + 1_u64;
            if self.olast_q.q.val() {
                self.lane.d.next = 0_u64.into();
            }
            if self.lane.q.val() == 0_u64 {
                self.o0.d.next = self.ob_q.q.val();
            }
            if self.lane.q.val() == 1_u64 {
                self.o1.d.next = self.ob_q.q.val();
            }
            if self.lane.q.val() == 2_u64 {
                self.o2.d.next = self.ob_q.q.val();
            }
            if self.lane.q.val() == 3_u64 {
                self.o3.d.next = self.ob_q.q.val();
            }
            if self.lane.q.val() == 4_u64 {
                self.o4.d.next = self.ob_q.q.val();
            }
            if self.lane.q.val() == 5_u64 {
                self.o5.d.next = self.ob_q.q.val();
            }
            if self.lane.q.val() == 6_u64 {
                self.o6.d.next = self.ob_q.q.val();
            }
            if self.lane.q.val() == 7_u64 {
                self.o7.d.next = self.ob_q.q.val();
            }
        }
        self.out.din.next = bit_cast::<73, 8>(self.o0.q.val())
            | (bit_cast::<73, 8>(self.o1.q.val()) << 8_u64)
            | (bit_cast::<73, 8>(self.o2.q.val()) << 16_u64)
            | (bit_cast::<73, 8>(self.o3.q.val()) << 24_u64)
            | (bit_cast::<73, 8>(self.o4.q.val()) << 32_u64)
            | (bit_cast::<73, 8>(self.o5.q.val()) << 40_u64)
            | (bit_cast::<73, 8>(self.o6.q.val()) << 48_u64)
            | (bit_cast::<73, 8>(self.o7.q.val()) << 56_u64)
            | (bit_cast::<73, 8>(self.push_keep.q.val()) << 64_u64)
            | (bit_cast::<73, 1>(self.push_last.q.val().into()) << 72_u64);
        self.out.push.next = self.push.q.val();
        self.pop_out.next = self.m_axis_tready.val() & !self.out.empty.val();
        self.out.pop.next = self.pop_out.val();
        // occupancy: `room2` falls 3 clocks after the push that makes 5
        // beats; the bytes emitted until it does complete at most two
        // more (a beat, or a frame's short last beat: the next frame's
        // Drain, Idle and Load emit nothing), so at most 7 of the 8
        if self.push.q.val() & !self.pop_out.val() {
            self.occ.d.next = self.occ.q.val() + 1_u64;
        }
        if !self.push.q.val() & self.pop_out.val() {
            self.occ.d.next = self.occ.q.val() - 1_u64;
        }
        self.room.d.next = (self.occ.q.val() < 5_u64) & !self.out.full.val();
        self.room2.d.next = self.room.q.val();
        self.m_axis_tdata.next = self.out.dout.val().get_bits::<64>(0);
        self.m_axis_tkeep.next = self.out.dout.val().get_bits::<8>(64);
        self.m_axis_tlast.next = self.out.dout.val().get_bit(72);
        self.m_axis_tvalid.next = !self.out.empty.val();
        if self.rst.val() {
            self.state.d.next = 0_u64.into();
            self.icnt.d.next = 0_u64.into();
            self.lane.d.next = 0_u64.into();
            self.wk.d.next = 0_u64.into();
            self.push.d.next = false;
            self.emit_q.d.next = false;
            self.crcv.d.next = false;
            self.occ.d.next = 0_u64.into();
            self.room.d.next = false;
            self.room2.d.next = false;
        }
    }
}
