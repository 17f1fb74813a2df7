//! `FcsStages`: the CRC and patch stages of [`crate::rx::fcs_insert`].
//! Each beat leaves the window stage with its data bytes already masked
//! (`p_md`: lanes at and after `p_nd` zero) and where its FCS slot lies;
//! six stages later it leaves with the FCS written over the slot.
//!
//! * Q, L ([`CrcStep64`]): the data's share of one 8-byte CRC-32 step,
//!   then the loop alone; U, V, W ([`CrcFinish`], loaded for a beat that
//!   ends the data, `fin`): the `8 - nd` zero bytes the masked lanes added
//!   taken back out, giving the register after exactly the frame's data:
//!   the FCS is its complement, or the register itself when the frame's
//!   FCS was bad (so a corrupt frame stays corrupt).
//! * F: the FCS bytes over lanes `nd..` (least significant byte first),
//!   or, for a last beat that holds only the slot's tail (`to`), the bytes
//!   of the FCS held from the beat before; a frame flagged `TAG_SHORT`
//!   (`keep`) passes unchanged.
//! * Fixed latency 6, one beat per clock, no stall: the caller reserves
//!   room downstream before it loads `p_v`.

use crate::common::byte_mask::ByteMask;
use crate::common::crc_pipe::{CrcFinish, CrcStep64};
use rust_hdl::prelude::*;

/// CRC and patch stages of `FcsInsert`; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct FcsStages {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// A beat is registered in `p_*`.
    pub p_v: Signal<In, Bit>,
    /// The beat (64 bits, byte 0 in bits 7:0) and its data bytes only
    /// (lanes `nd..` zero).
    pub p_d: Signal<In, Bits<64>>,
    pub p_md: Signal<In, Bits<64>>,
    /// Data bytes before the slot (0..=8) and their lane mask (8 bits).
    pub p_nd: Signal<In, Bits<4>>,
    pub p_dm: Signal<In, Bits<8>>,
    /// `tkeep` of the beat (contiguous from lane 0), `tlast`, and `tuser`
    /// (7 bits).
    pub p_k: Signal<In, Bits<8>>,
    pub p_l: Signal<In, Bit>,
    pub p_user: Signal<In, Bits<7>>,
    /// The beat ends the frame's data: the FCS starts at lane `nd`.
    pub p_fin: Signal<In, Bit>,
    /// Last beat holding only the slot's last `c` bytes (the FCS's first
    /// `4 - c` bytes ended the beat before).
    pub p_to: Signal<In, Bit>,
    /// The frame's FCS was bad (complemented FCS out) / the frame passes
    /// unchanged (`TAG_SHORT`).
    pub p_err: Signal<In, Bit>,
    pub p_keep: Signal<In, Bit>,
    /// The beat out (registered).
    pub f_v: Signal<Out, Bit>,
    pub f_data: Signal<Out, Bits<64>>,
    pub f_keep: Signal<Out, Bits<8>>,
    pub f_last: Signal<Out, Bit>,
    pub f_user: Signal<Out, Bits<7>>,
    step: CrcStep64,
    finish: CrcFinish,
    dmask: ByteMask,
    q_v: DFF<Bit>,
    q_d: DFF<Bits<64>>,
    q_nd: DFF<Bits<4>>,
    /// Zero bytes the masked lanes added (`8 - nd`).
    q_z: DFF<Bits<4>>,
    l_z: DFF<Bits<4>>,
    q_dm: DFF<Bits<8>>,
    q_k: DFF<Bits<8>>,
    q_l: DFF<Bit>,
    q_u: DFF<Bits<7>>,
    q_fin: DFF<Bit>,
    q_to: DFF<Bit>,
    q_err: DFF<Bit>,
    q_keep: DFF<Bit>,
    l_v: DFF<Bit>,
    l_d: DFF<Bits<64>>,
    l_nd: DFF<Bits<4>>,
    l_dm: DFF<Bits<8>>,
    l_k: DFF<Bits<8>>,
    l_l: DFF<Bit>,
    l_u: DFF<Bits<7>>,
    l_fin: DFF<Bit>,
    l_to: DFF<Bit>,
    l_err: DFF<Bit>,
    l_keep: DFF<Bit>,
    u_v: DFF<Bit>,
    u_d: DFF<Bits<64>>,
    u_nd: DFF<Bits<4>>,
    u_dm: DFF<Bits<8>>,
    u_k: DFF<Bits<8>>,
    u_l: DFF<Bit>,
    u_u: DFF<Bits<7>>,
    u_to: DFF<Bit>,
    u_keep: DFF<Bit>,
    v_v: DFF<Bit>,
    v_d: DFF<Bits<64>>,
    v_nd: DFF<Bits<4>>,
    v_dm: DFF<Bits<8>>,
    v_k: DFF<Bits<8>>,
    v_l: DFF<Bit>,
    v_u: DFF<Bits<7>>,
    v_to: DFF<Bit>,
    v_keep: DFF<Bit>,
    w_v: DFF<Bit>,
    w_d: DFF<Bits<64>>,
    w_nd: DFF<Bits<4>>,
    w_dm: DFF<Bits<8>>,
    w_k: DFF<Bits<8>>,
    w_l: DFF<Bit>,
    w_u: DFF<Bits<7>>,
    w_to: DFF<Bit>,
    w_keep: DFF<Bit>,
    /// FCS of the frame whose slot straddles into its last beat.
    hold: DFF<Bits<32>>,
    fv: DFF<Bit>,
    fd: DFF<Bits<64>>,
    fk: DFF<Bits<8>>,
    fl: DFF<Bit>,
    fu: DFF<Bits<7>>,
    fcs32: Signal<Local, Bits<32>>,
    fill: Signal<Local, Bits<64>>,
}

impl Logic for FcsStages {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, q_v, q_d, q_nd, q_z, l_z, q_dm, q_k, q_l, q_u, q_fin, q_to, q_err, q_keep,
            l_v, l_d, l_nd, l_dm, l_k, l_l, l_u, l_fin, l_to, l_err, l_keep, u_v, u_d, u_nd, u_dm,
            u_k, u_l, u_u, u_to, u_keep, v_v, v_d, v_nd, v_dm, v_k, v_l, v_u, v_to, v_keep, w_v,
            w_d, w_nd, w_dm, w_k, w_l, w_u, w_to, w_keep, hold, fv, fd, fk, fl, fu
        );
        clock!(self, clock, step, finish);
        self.step.rst.next = self.rst.val();
        self.finish.rst.next = self.rst.val();
        // --- Q, L: the CRC register after each beat
        self.step.en.next = true;
        self.step.v.next = self.p_v.val();
        self.step.data.next = self.p_md.val();
        self.step.tkeep.next = 0xFF_u64.into();
        self.step.last.next = self.p_l.val();
        self.q_v.d.next = self.p_v.val() & !self.rst.val();
        self.q_d.d.next = self.p_d.val();
        self.q_nd.d.next = self.p_nd.val();
        self.q_z.d.next = 8_u64 - self.p_nd.val();
        self.q_dm.d.next = self.p_dm.val();
        self.q_k.d.next = self.p_k.val();
        self.q_l.d.next = self.p_l.val();
        self.q_u.d.next = self.p_user.val();
        self.q_fin.d.next = self.p_fin.val();
        self.q_to.d.next = self.p_to.val();
        self.q_err.d.next = self.p_err.val();
        self.q_keep.d.next = self.p_keep.val();
        self.l_v.d.next = self.q_v.q.val() & !self.rst.val();
        self.l_d.d.next = self.q_d.q.val();
        self.l_nd.d.next = self.q_nd.q.val();
        self.l_z.d.next = self.q_z.q.val();
        self.l_dm.d.next = self.q_dm.q.val();
        self.l_k.d.next = self.q_k.q.val();
        self.l_l.d.next = self.q_l.q.val();
        self.l_u.d.next = self.q_u.q.val();
        self.l_fin.d.next = self.q_fin.q.val();
        self.l_to.d.next = self.q_to.q.val();
        self.l_err.d.next = self.q_err.q.val();
        self.l_keep.d.next = self.q_keep.q.val();
        // --- U, V, W: the padding back out, for a beat that ends the data
        self.finish.en.next = self.l_v.q.val() & self.l_fin.q.val();
        self.finish.crc.next = self.step.crc.val();
        self.finish.z.next = self.l_z.q.val();
        self.finish.raw.next = self.l_err.q.val();
        self.u_v.d.next = self.l_v.q.val() & !self.rst.val();
        self.u_d.d.next = self.l_d.q.val();
        self.u_nd.d.next = self.l_nd.q.val();
        self.u_dm.d.next = self.l_dm.q.val();
        self.u_k.d.next = self.l_k.q.val();
        self.u_l.d.next = self.l_l.q.val();
        self.u_u.d.next = self.l_u.q.val();
        self.u_to.d.next = self.l_to.q.val();
        self.u_keep.d.next = self.l_keep.q.val();
        self.v_v.d.next = self.u_v.q.val() & !self.rst.val();
        self.v_d.d.next = self.u_d.q.val();
        self.v_nd.d.next = self.u_nd.q.val();
        self.v_dm.d.next = self.u_dm.q.val();
        self.v_k.d.next = self.u_k.q.val();
        self.v_l.d.next = self.u_l.q.val();
        self.v_u.d.next = self.u_u.q.val();
        self.v_to.d.next = self.u_to.q.val();
        self.v_keep.d.next = self.u_keep.q.val();
        self.w_v.d.next = self.v_v.q.val() & !self.rst.val();
        self.w_d.d.next = self.v_d.q.val();
        self.w_nd.d.next = self.v_nd.q.val();
        self.w_dm.d.next = self.v_dm.q.val();
        self.w_k.d.next = self.v_k.q.val();
        self.w_l.d.next = self.v_l.q.val();
        self.w_u.d.next = self.v_u.q.val();
        self.w_to.d.next = self.v_to.q.val();
        self.w_keep.d.next = self.v_keep.q.val();
        // --- F: the FCS over the slot lanes
        if self.finish.done.val() & !self.w_l.q.val() {
            self.hold.d.next = self.finish.fcs.val();
        }
        self.fcs32.next = self.finish.fcs.val();
        // the slot's last 1, 2 or 3 bytes: the FCS's last ones
        if self.w_to.q.val() {
            self.fcs32.next = self.hold.q.val() >> 24_u64;
            if self.w_k.q.val().get_bit(1) {
                self.fcs32.next = self.hold.q.val() >> 16_u64;
            }
            if self.w_k.q.val().get_bit(2) {
                self.fcs32.next = self.hold.q.val() >> 8_u64;
            }
        }
        self.fill.next =
            bit_cast::<64, 32>(self.fcs32.val()) << (bit_cast::<7, 4>(self.w_nd.q.val()) << 3_u64);
        self.dmask.lanes.next = self.w_dm.q.val();
        if self.w_keep.q.val() {
            self.fd.d.next = self.w_d.q.val();
        } else {
            self.fd.d.next = (self.w_d.q.val() & self.dmask.mask.val())
                | (self.fill.val() & !self.dmask.mask.val());
        }
        self.fk.d.next = self.w_k.q.val();
        self.fl.d.next = self.w_l.q.val();
        self.fu.d.next = self.w_u.q.val();
        self.fv.d.next = self.w_v.q.val() & !self.rst.val();
        self.f_v.next = self.fv.q.val();
        self.f_data.next = self.fd.q.val();
        self.f_keep.next = self.fk.q.val();
        self.f_last.next = self.fl.q.val();
        self.f_user.next = self.fu.q.val();
    }
}
