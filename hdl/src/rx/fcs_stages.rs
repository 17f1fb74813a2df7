//! `FcsStages`: the CRC and patch stages of [`crate::rx::fcs_insert`].
//! Each beat leaves the window stage with its data bytes already masked
//! (`p_md`: lanes at and after `p_nd` zero) and where its FCS slot lies;
//! six stages later it leaves with the FCS written over the slot.
//!
//! * Q: the data's share of one 8-byte CRC-32 step (IEEE 802.3 clause
//!   3.2.9), `D8 x md` (32 bits), as two registered halves (lanes 0..4,
//!   4..8).
//! * L: the loop, `crc <- M8 x crc ^ dc_lo ^ dc_hi`, nothing else between the CRC
//!   register and itself; the register is set to all ones after a frame's
//!   last beat. A beat that ends the data (`fin`) keeps the value.
//! * U, V, W: the zero bytes the masked lanes added are taken back out
//!   (`8 - nd` bytes: [`Crc32UnpadBy`] 0..=3 in U; V computes 4 and 8
//!   more, W picks 0, 4 or 8), giving the
//!   register after exactly the frame's data: the FCS is its complement,
//!   or the register itself when the frame's FCS was bad (so a corrupt
//!   frame stays corrupt).
//! * F: the FCS bytes over lanes `nd..` (least significant byte first),
//!   or, for a last beat that holds only the slot's tail (`to`), the bytes
//!   of the FCS held from the beat before; a frame flagged `TAG_SHORT`
//!   (`keep`) passes unchanged.
//! * Fixed latency 6, one beat per clock, no stall: the caller reserves
//!   room downstream before it loads `p_v`.

use crate::common::byte_mask::ByteMask;
use crate::common::crc_beat::Crc32Pad;
use crate::common::crc_unpad::Crc32UnpadBy;
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
    dnet: Crc32Pad,
    dnet_hi: Crc32Pad,
    snet: Crc32Pad,
    unpad1: Crc32UnpadBy<1>,
    unpad4: Crc32UnpadBy<4>,
    unpad8: Crc32UnpadBy<4>,
    dmask: ByteMask,
    crc: DFF<Bits<32>>,
    q_v: DFF<Bit>,
    q_dc: DFF<Bits<32>>,
    q_dh: DFF<Bits<32>>,
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
    l_fc: DFF<Bits<32>>,
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
    u_z4: DFF<Bits<2>>,
    u_err: DFF<Bit>,
    u_d: DFF<Bits<64>>,
    u_nd: DFF<Bits<4>>,
    u_dm: DFF<Bits<8>>,
    u_k: DFF<Bits<8>>,
    u_l: DFF<Bit>,
    u_u: DFF<Bits<7>>,
    u_fin: DFF<Bit>,
    u_to: DFF<Bit>,
    u_keep: DFF<Bit>,
    v_v: DFF<Bit>,
    v_y: DFF<Bits<32>>,
    v_z4: DFF<Bits<2>>,
    v_err: DFF<Bit>,
    v_d: DFF<Bits<64>>,
    v_nd: DFF<Bits<4>>,
    v_dm: DFF<Bits<8>>,
    v_k: DFF<Bits<8>>,
    v_l: DFF<Bit>,
    v_u: DFF<Bits<7>>,
    v_fin: DFF<Bit>,
    v_to: DFF<Bit>,
    v_keep: DFF<Bit>,
    w_v: DFF<Bit>,
    w_fcs: DFF<Bits<32>>,
    w_d: DFF<Bits<64>>,
    w_nd: DFF<Bits<4>>,
    w_dm: DFF<Bits<8>>,
    w_k: DFF<Bits<8>>,
    w_l: DFF<Bit>,
    w_u: DFF<Bits<7>>,
    w_fin: DFF<Bit>,
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
    x: Signal<Local, Bits<32>>,
    fill: Signal<Local, Bits<64>>,
}

impl Logic for FcsStages {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, crc, q_v, q_dc, q_dh, q_d, q_nd, q_z, l_z, q_dm, q_k, q_l, q_u, q_fin,
            q_to, q_err, q_keep, l_v, l_fc, l_d, l_nd, l_dm, l_k, l_l, l_u, l_fin, l_to, l_err,
            l_keep, u_v, u_z4, u_err, u_d, u_nd, u_dm, u_k, u_l, u_u, u_fin, u_to, u_keep, v_v,
            v_y, v_z4, v_err, v_d, v_nd, v_dm, v_k, v_l, v_u, v_fin, v_to, v_keep, w_v, w_fcs, w_d,
            w_nd, w_dm, w_k, w_l, w_u, w_fin, w_to, w_keep, hold, fv, fd, fk, fl, fu
        );
        // --- Q: the data's share of the step
        // (lanes 0..4 and 4..8 apart: two 32-input networks, XORed in L)
        self.dnet.crc_in.next = 0_u64.into();
        self.dnet.data.next = self.p_md.val();
        self.dnet.tkeep.next = 0x0F_u64.into();
        self.q_dc.d.next = self.dnet.crc_out.val();
        self.dnet_hi.crc_in.next = 0_u64.into();
        self.dnet_hi.data.next = self.p_md.val();
        self.dnet_hi.tkeep.next = 0xF0_u64.into();
        self.q_dh.d.next = self.dnet_hi.crc_out.val();
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
        // --- L: the CRC register, stepped by every beat, all ones again
        // after a frame's last beat (and after reset)
        self.snet.crc_in.next = self.crc.q.val();
        self.snet.data.next = 0_u64.into();
        self.snet.tkeep.next = 0_u64.into();
        self.l_fc.d.next = self.snet.crc_out.val() ^ self.q_dc.q.val() ^ self.q_dh.q.val();
        if self.q_v.q.val() {
            self.crc.d.next = self.snet.crc_out.val() ^ self.q_dc.q.val() ^ self.q_dh.q.val();
            if self.q_l.q.val() {
                self.crc.d.next = 0xFFFF_FFFF_u64.into();
            }
        }
        if self.rst.val() {
            self.crc.d.next = 0xFFFF_FFFF_u64.into();
        }
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
        // --- U: the zero bytes back out, 0..=3 of them ...
        // (registered inside the blocks, loaded only for a beat that ends
        // the data: a simulator computes the networks once a frame)
        self.unpad1.clock.next = self.clock.val();
        self.unpad1.en.next = self.l_v.q.val() & self.l_fin.q.val();
        self.unpad1.crc_in.next = self.l_fc.q.val();
        self.unpad1.sel.next = self.l_z.q.val().get_bits::<2>(0);
        self.u_z4.d.next = self.l_z.q.val().get_bits::<2>(2);
        self.u_err.d.next = self.l_err.q.val();
        self.u_v.d.next = self.l_v.q.val() & !self.rst.val();
        self.u_d.d.next = self.l_d.q.val();
        self.u_nd.d.next = self.l_nd.q.val();
        self.u_dm.d.next = self.l_dm.q.val();
        self.u_k.d.next = self.l_k.q.val();
        self.u_l.d.next = self.l_l.q.val();
        self.u_u.d.next = self.l_u.q.val();
        self.u_fin.d.next = self.l_fin.q.val();
        self.u_to.d.next = self.l_to.q.val();
        self.u_keep.d.next = self.l_keep.q.val();
        // --- V: ... then 4 and 8 more, both computed ...
        self.unpad4.clock.next = self.clock.val();
        self.unpad4.en.next = self.u_v.q.val() & self.u_fin.q.val();
        self.unpad4.crc_in.next = self.unpad1.q.val();
        self.unpad4.sel.next = 1_u64.into();
        self.unpad8.clock.next = self.clock.val();
        self.unpad8.en.next = self.u_v.q.val() & self.u_fin.q.val();
        self.unpad8.crc_in.next = self.unpad1.q.val();
        self.unpad8.sel.next = 2_u64.into();
        self.v_y.d.next = self.unpad1.q.val();
        self.v_z4.d.next = self.u_z4.q.val();
        self.v_err.d.next = self.u_err.q.val();
        self.v_v.d.next = self.u_v.q.val() & !self.rst.val();
        self.v_d.d.next = self.u_d.q.val();
        self.v_nd.d.next = self.u_nd.q.val();
        self.v_dm.d.next = self.u_dm.q.val();
        self.v_k.d.next = self.u_k.q.val();
        self.v_l.d.next = self.u_l.q.val();
        self.v_u.d.next = self.u_u.q.val();
        self.v_fin.d.next = self.u_fin.q.val();
        self.v_to.d.next = self.u_to.q.val();
        self.v_keep.d.next = self.u_keep.q.val();
        // --- W: ... and the one that applies; the FCS is the complemented
        // register
        self.x.next = self.v_y.q.val();
        if self.v_z4.q.val() == 1_u64 {
            self.x.next = self.unpad4.q.val();
        }
        if self.v_z4.q.val() == 2_u64 {
            self.x.next = self.unpad8.q.val();
        }
        if self.v_err.q.val() {
            self.w_fcs.d.next = self.x.val();
        } else {
            self.w_fcs.d.next = !self.x.val();
        }
        self.w_v.d.next = self.v_v.q.val() & !self.rst.val();
        self.w_d.d.next = self.v_d.q.val();
        self.w_nd.d.next = self.v_nd.q.val();
        self.w_dm.d.next = self.v_dm.q.val();
        self.w_k.d.next = self.v_k.q.val();
        self.w_l.d.next = self.v_l.q.val();
        self.w_u.d.next = self.v_u.q.val();
        self.w_fin.d.next = self.v_fin.q.val();
        self.w_to.d.next = self.v_to.q.val();
        self.w_keep.d.next = self.v_keep.q.val();
        // --- F: the FCS over the slot lanes
        if self.w_v.q.val() & self.w_fin.q.val() & !self.w_l.q.val() {
            self.hold.d.next = self.w_fcs.q.val();
        }
        self.fcs32.next = self.w_fcs.q.val();
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
