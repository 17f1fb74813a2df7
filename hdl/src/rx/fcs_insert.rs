//! `FcsInsert` (replace): recomputes the CRC-32 FCS (IEEE 802.3 clause
//! 3.2.9) over each frame and writes it over the frame's last 4 bytes.
//!
//! * Bus: AXI4-Stream, 64-bit, frames whose last 4 bytes are the FCS slot.
//! * A frame flagged `FCS_ERR` (bit 1 of `s_tuser` on its last beat) gets the
//!   recomputed FCS complemented, so a corrupt frame never looks valid. A
//!   frame flagged `TAG_SHORT` (bit 4) passes unchanged, old FCS included.
//! * How: a two-beat look-ahead window, the two oldest beats of a 3-slot
//!   ring (a beat is written once; `s_axis.tready` is a flip-flop). The
//!   slot starts in the head beat when the head is last with at least 4
//!   bytes, or when the next beat is last with fewer than 4 bytes (the FCS
//!   then straddles: its remainder is written into the last beat). The
//!   head leaves with its data bytes masked and the slot's place
//!   registered; [`FcsStages`] then steps the CRC with one 8-byte network,
//!   takes the masked lanes back out and writes the FCS, never stalling:
//!   the window releases a head only while a 16-entry output FIFO has room
//!   for every beat in flight (a registered credit).
//! * `s_tag`/`m_tag` (64 bits) ride along with the `tlast` beat (a 16-entry
//!   FIFO of tags beside the window and the stages; zero on other beats).
//! * Latency: 11 cycles at line rate (window 2, head register, six stages,
//!   FIFO, skid buffer); one beat per clock, no bubble.

use crate::common::axis::{AxisMaster64, AxisSlave64};
use crate::common::axis_out::AxisOutReg64;
use crate::common::byte_mask::ByteMask;
use crate::common::sync_fifo::SyncFifo;
use crate::rx::fcs_stages::FcsStages;
use rust_hdl::prelude::*;

/// FCS recompute-and-replace stage; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct FcsInsert {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub s_axis: AxisSlave64,
    pub s_tuser: Signal<In, Bits<7>>,
    pub s_tag: Signal<In, Bits<64>>,
    pub m_axis: AxisMaster64,
    pub m_tuser: Signal<Out, Bits<7>>,
    pub m_tag: Signal<Out, Bits<64>>,
    // ring: data, and meta = [0] last, [7:1] user (flags, drop mark),
    // [15:8] tkeep
    d0: DFF<Bits<64>>,
    d1: DFF<Bits<64>>,
    d2: DFF<Bits<64>>,
    n0: DFF<Bits<16>>,
    n1: DFF<Bits<16>>,
    n2: DFF<Bits<16>>,
    /// Write slot (one-hot), read slot (a copy for the head's data, its
    /// meta and the next beat's meta), beats held (0..=3), `s_axis.tready`.
    wo: DFF<Bits<3>>,
    ra: DFF<Bits<2>>,
    qa: DFF<Bits<2>>,
    qb: DFF<Bits<2>>,
    cnt: DFF<Bits<2>>,
    rdy: DFF<Bit>,
    // the head beat, registered for the stages
    p_v: DFF<Bit>,
    p_d: DFF<Bits<64>>,
    p_md: DFF<Bits<64>>,
    p_nd: DFF<Bits<4>>,
    p_dm: DFF<Bits<8>>,
    p_k: DFF<Bits<8>>,
    p_l: DFF<Bit>,
    p_user: DFF<Bits<7>>,
    p_fin: DFF<Bit>,
    p_to: DFF<Bit>,
    p_err: DFF<Bit>,
    p_keep: DFF<Bit>,
    stages: FcsStages,
    dm: ByteMask,
    /// Output FIFO `{tag (64), tuser (7), tlast, tkeep (8), tdata (64)}`, its
    /// entries, the heads released in the last 7 cycles, the credit.
    fifo: SyncFifo<144, 4>,
    oc: DFF<Bits<5>>,
    fl: DFF<Bits<7>>,
    room: DFF<Bit>,
    /// Tags of the frames between the input and the output FIFO, in order.
    tags: SyncFifo<64, 4>,
    /// Output skid buffer; sideband = {tag (64), tuser (7)}.
    out: AxisOutReg64<71>,
    in_meta: Signal<Local, Bits<16>>,
    e0: Signal<Local, Bits<64>>,
    m0: Signal<Local, Bits<16>>,
    /// The next beat's last, FCS_ERR, TAG_SHORT and tkeep[3:0].
    m1: Signal<Local, Bits<7>>,
    dml: Signal<Local, Bits<8>>,
    l0: Signal<Local, Bit>,
    l1: Signal<Local, Bit>,
    to: Signal<Local, Bit>,
    st: Signal<Local, Bit>,
    head_ok: Signal<Local, Bit>,
    pop: Signal<Local, Bit>,
    push: Signal<Local, Bit>,
    cnt_n: Signal<Local, Bits<2>>,
    occ: Signal<Local, Bits<5>>,
    oc_n: Signal<Local, Bits<5>>,
    f_pop: Signal<Local, Bit>,
    fdin: Signal<Local, Bits<144>>,
    f_last: Signal<Local, Bit>,
}

impl Logic for FcsInsert {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, d0, d1, d2, n0, n1, n2, wo, ra, qa, qb, cnt, rdy, p_v, p_d, p_md, p_nd,
            p_dm, p_k, p_l, p_user, p_fin, p_to, p_err, p_keep, oc, fl, room
        );
        self.stages.clock.next = self.clock.val();
        self.stages.rst.next = self.rst.val();
        self.fifo.clock.next = self.clock.val();
        self.fifo.rst.next = self.rst.val();
        self.tags.clock.next = self.clock.val();
        self.tags.rst.next = self.rst.val();
        self.out.clock.next = self.clock.val();
        self.out.rst.next = self.rst.val();
        self.in_meta.next = bit_cast::<16, 1>(self.s_axis.tlast.val().into())
            | (bit_cast::<16, 7>(self.s_tuser.val()) << 1_u64)
            | (bit_cast::<16, 8>(self.s_axis.tkeep.val()) << 8_u64);
        // --- the window: head data and meta, next beat's meta
        self.e0.next = self.d0.q.val();
        if self.ra.q.val() == 1_u64 {
            self.e0.next = self.d1.q.val();
        }
        if self.ra.q.val() == 2_u64 {
            self.e0.next = self.d2.q.val();
        }
        self.m0.next = self.n0.q.val();
        if self.qa.q.val() == 1_u64 {
            self.m0.next = self.n1.q.val();
        }
        if self.qa.q.val() == 2_u64 {
            self.m0.next = self.n2.q.val();
        }
        self.m1.next = bit_cast::<7, 16>(
            (self.n0.q.val() & 1_u64)
                | ((self.n0.q.val() >> 1_u64) & 2_u64)
                | ((self.n0.q.val() >> 3_u64) & 4_u64)
                | ((self.n0.q.val() >> 5_u64) & 0x78_u64),
        );
        if self.qb.q.val() == 1_u64 {
            self.m1.next = bit_cast::<7, 16>(
                (self.n1.q.val() & 1_u64)
                    | ((self.n1.q.val() >> 1_u64) & 2_u64)
                    | ((self.n1.q.val() >> 3_u64) & 4_u64)
                    | ((self.n1.q.val() >> 5_u64) & 0x78_u64),
            );
        }
        if self.qb.q.val() == 2_u64 {
            self.m1.next = bit_cast::<7, 16>(
                (self.n2.q.val() & 1_u64)
                    | ((self.n2.q.val() >> 1_u64) & 2_u64)
                    | ((self.n2.q.val() >> 3_u64) & 4_u64)
                    | ((self.n2.q.val() >> 5_u64) & 0x78_u64),
            );
        }
        // --- where the slot lies: tail only (head last, < 4 bytes), straddle
        // (next beat last with < 4 bytes), in the head (head last), or not
        self.l0.next = self.m0.val().get_bit(0);
        self.l1.next = self.m1.val().get_bit(0) & (self.cnt.q.val() >= 2_u64);
        self.head_ok.next =
            (self.cnt.q.val() != 0_u64) & (self.l0.val() | (self.cnt.q.val() >= 2_u64));
        self.to.next = self.l0.val() & !self.m0.val().get_bit(11);
        self.st.next = !self.l0.val() & self.l1.val() & !self.m1.val().get_bit(6);
        self.p_nd.d.next = 8_u64.into();
        self.dml.next = 0xFF_u64.into();
        if self.l0.val() {
            // c0 - 4 for c0 in 4..=8: the lanes kept of 4..8
            self.p_nd.d.next = 0_u64.into();
            if self.m0.val().get_bit(12) {
                self.p_nd.d.next = 1_u64.into();
            }
            if self.m0.val().get_bit(13) {
                self.p_nd.d.next = 2_u64.into();
            }
            if self.m0.val().get_bit(14) {
                self.p_nd.d.next = 3_u64.into();
            }
            if self.m0.val().get_bit(15) {
                self.p_nd.d.next = 4_u64.into();
            }
            self.dml.next = bit_cast::<8, 4>(self.m0.val().get_bits::<4>(12));
        }
        if self.st.val() {
            // c1 + 4 for c1 in 1..=3
            self.p_nd.d.next = 5_u64.into();
            if self.m1.val().get_bit(4) {
                self.p_nd.d.next = 6_u64.into();
            }
            if self.m1.val().get_bit(5) {
                self.p_nd.d.next = 7_u64.into();
            }
            self.dml.next = (bit_cast::<8, 4>(self.m1.val().get_bits::<4>(3)) << 4_u64) | 0xF_u64;
        }
        if self.to.val() {
            self.p_nd.d.next = 0_u64.into();
            self.dml.next = 0_u64.into();
        }
        self.dm.lanes.next = self.dml.val();
        self.p_dm.d.next = self.dml.val();
        self.p_md.d.next = self.e0.val() & self.dm.mask.val();
        self.p_d.d.next = self.e0.val();
        self.p_k.d.next = self.m0.val().get_bits::<8>(8);
        self.p_l.d.next = self.l0.val();
        self.p_user.d.next = self.m0.val().get_bits::<7>(1);
        self.p_fin.d.next = self.st.val() | (self.l0.val() & !self.to.val());
        self.p_to.d.next = self.to.val();
        // the flags ride on the last beat: the head's, or the next beat's
        if self.l0.val() {
            self.p_err.d.next = self.m0.val().get_bit(2);
            self.p_keep.d.next = self.m0.val().get_bit(5);
        } else {
            self.p_err.d.next = self.m1.val().get_bit(1);
            self.p_keep.d.next = self.m1.val().get_bit(2);
        }
        // --- credit: release a head only while the FIFO can take every
        // beat in flight (head register and the six stages) and the next
        self.occ.next = self.oc.q.val()
            + bit_cast::<5, 1>(self.fl.q.val().get_bit(0).into())
            + bit_cast::<5, 1>(self.fl.q.val().get_bit(1).into())
            + bit_cast::<5, 1>(self.fl.q.val().get_bit(2).into())
            + bit_cast::<5, 1>(self.fl.q.val().get_bit(3).into())
            + bit_cast::<5, 1>(self.fl.q.val().get_bit(4).into())
            + bit_cast::<5, 1>(self.fl.q.val().get_bit(5).into())
            + bit_cast::<5, 1>(self.fl.q.val().get_bit(6).into());
        // (neither FIFO is ever full while occ <= 14: the beats FIFO holds
        // at most occ beats, the tags FIFO at most 9 frames; guards that
        // cost a gate off the timing paths)
        self.room.d.next =
            (self.occ.val() <= 14_u64) & !self.fifo.full.val() & !self.tags.full.val();
        self.pop.next = self.head_ok.val() & self.room.q.val();
        self.p_v.d.next = self.pop.val() & !self.rst.val();
        self.fl.d.next = (self.fl.q.val() << 1_u64) | bit_cast::<7, 1>(self.pop.val().into());
        self.stages.p_v.next = self.p_v.q.val();
        self.stages.p_d.next = self.p_d.q.val();
        self.stages.p_md.next = self.p_md.q.val();
        self.stages.p_nd.next = self.p_nd.q.val();
        self.stages.p_dm.next = self.p_dm.q.val();
        self.stages.p_k.next = self.p_k.q.val();
        self.stages.p_l.next = self.p_l.q.val();
        self.stages.p_user.next = self.p_user.q.val();
        self.stages.p_fin.next = self.p_fin.q.val();
        self.stages.p_to.next = self.p_to.q.val();
        self.stages.p_err.next = self.p_err.q.val();
        self.stages.p_keep.next = self.p_keep.q.val();
        // --- output: FIFO, then the skid buffer; the tag with the last beat
        self.fdin.next = (bit_cast::<144, 7>(self.stages.f_user.val()) << 73_u64)
            | (bit_cast::<144, 1>(self.stages.f_last.val().into()) << 72_u64)
            | (bit_cast::<144, 8>(self.stages.f_keep.val()) << 64_u64)
            | bit_cast::<144, 64>(self.stages.f_data.val());
        if self.stages.f_last.val() {
            self.fdin.next = (bit_cast::<144, 64>(self.tags.dout.val()) << 80_u64)
                | (bit_cast::<144, 7>(self.stages.f_user.val()) << 73_u64)
                | (bit_cast::<144, 1>(self.stages.f_last.val().into()) << 72_u64)
                | (bit_cast::<144, 8>(self.stages.f_keep.val()) << 64_u64)
                | bit_cast::<144, 64>(self.stages.f_data.val());
        }
        self.fifo.din.next = self.fdin.val();
        self.fifo.push.next = self.stages.f_v.val();
        self.f_pop.next = !self.fifo.empty.val() & self.out.free.val();
        self.fifo.pop.next = self.f_pop.val();
        self.f_last.next = self.fifo.dout.val().get_bit(72);
        self.oc_n.next = self.oc.q.val();
        if self.stages.f_v.val() & !self.f_pop.val() {
            self.oc_n.next = self.oc.q.val() + 1_u64;
        }
        if !self.stages.f_v.val() & self.f_pop.val() {
            self.oc_n.next = self.oc.q.val() - 1_u64;
        }
        if self.rst.val() {
            self.oc_n.next = 0_u64.into();
        }
        self.oc.d.next = self.oc_n.val();
        self.out.load.next = self.f_pop.val();
        self.out.tdata.next = self.fifo.dout.val().get_bits::<64>(0);
        self.out.tkeep.next = self.fifo.dout.val().get_bits::<8>(64);
        self.out.tlast.next = self.f_last.val();
        self.out.tuser.next = self.fifo.dout.val().get_bits::<71>(73);
        self.tags.pop.next =
            self.stages.f_v.val() & self.stages.f_last.val() & !self.tags.empty.val();
        // --- ring: accept while a slot will be free (registered)
        self.s_axis.tready.next = self.rdy.q.val();
        self.push.next = self.s_axis.tvalid.val() & self.rdy.q.val();
        self.tags.din.next = self.s_tag.val();
        self.tags.push.next = self.push.val() & self.s_axis.tlast.val();
        // the write slot copies the offered beat whenever a slot is free
        if self.wo.q.val().get_bit(0) & self.rdy.q.val() {
            self.d0.d.next = self.s_axis.tdata.val();
            self.n0.d.next = self.in_meta.val();
        }
        if self.wo.q.val().get_bit(1) & self.rdy.q.val() {
            self.d1.d.next = self.s_axis.tdata.val();
            self.n1.d.next = self.in_meta.val();
        }
        if self.wo.q.val().get_bit(2) & self.rdy.q.val() {
            self.d2.d.next = self.s_axis.tdata.val();
            self.n2.d.next = self.in_meta.val();
        }
        if self.push.val() {
            self.wo.d.next = (self.wo.q.val() << 1_u64) | (self.wo.q.val() >> 2_u64);
        }
        if self.pop.val() {
            self.ra.d.next = self.ra.q.val() + 1_u64;
            if self.ra.q.val() == 2_u64 {
                self.ra.d.next = 0_u64.into();
            }
            self.qa.d.next = self.qa.q.val() + 1_u64;
            if self.qa.q.val() == 2_u64 {
                self.qa.d.next = 0_u64.into();
            }
            self.qb.d.next = self.qb.q.val() + 1_u64;
            if self.qb.q.val() == 2_u64 {
                self.qb.d.next = 0_u64.into();
            }
        }
        self.cnt_n.next = self.cnt.q.val();
        if self.push.val() & !self.pop.val() {
            self.cnt_n.next = self.cnt.q.val() + 1_u64;
        }
        if !self.push.val() & self.pop.val() {
            self.cnt_n.next = self.cnt.q.val() - 1_u64;
        }
        self.cnt.d.next = self.cnt_n.val();
        self.rdy.d.next = self.cnt_n.val() != 3_u64;
        if self.rst.val() {
            self.wo.d.next = 1_u64.into();
            self.ra.d.next = 0_u64.into();
            self.qa.d.next = 0_u64.into();
            self.qb.d.next = 1_u64.into();
            self.cnt.d.next = 0_u64.into();
            self.rdy.d.next = true;
            self.fl.d.next = 0_u64.into();
        }
        AxisMaster64::link(&mut self.m_axis, &mut self.out.m_axis);
        self.m_tuser.next = self.out.m_tuser.val().get_bits::<7>(0);
        self.m_tag.next = self.out.m_tuser.val().get_bits::<64>(7);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rx::tag::tuser;
    use crate::testbench::{fcs_ok, run_stream};

    #[test]
    fn writes_valid_fcs_for_every_tail_length_and_bad_one_when_flagged() {
        let mut uut = FcsInsert::default();
        uut.connect_all();
        // frames of 60..=68 bytes: every position of the slot in the last beat
        let frames: Vec<(Vec<u8>, u64)> = (60..=68)
            .map(|n| {
                let mut f: Vec<u8> = (0..n).map(|i| (i * 7 + n) as u8).collect();
                f[n - 4..].fill(0);
                let flags = if n % 2 == 0 {
                    0
                } else {
                    u64::from(tuser::BAD | tuser::FCS_ERR)
                };
                (f, flags)
            })
            .collect();
        let (out, cycles) = run_stream!(
            &mut uut,
            &frames,
            0,
            |u, v| {
                u.s_tuser.next = v.into();
            },
            |o| o.m_tuser.val().to_u64()
        );
        for ((inp, flags), (got, user)) in frames.iter().zip(&out) {
            assert_eq!(got.len(), inp.len());
            assert_eq!(got[..inp.len() - 4], inp[..inp.len() - 4]);
            assert_eq!(fcs_ok(got), *flags == 0, "{} bytes", inp.len());
            assert_eq!(user, flags);
        }
        let beats: u64 = frames.iter().map(|(f, _)| f.len().div_ceil(8) as u64).sum();
        assert!(
            cycles <= beats + 12,
            "bubbles: {cycles} cycles for {beats} beats"
        );
    }
}
