//! `FcsTail`: the CRC stages of [`crate::tx::fcs_append::FcsAppend`]. Every
//! accepted beat enters with its data lanes already masked; six clocks
//! after a frame's last beat entered, its FCS leaves, already placed in the
//! lanes after the last byte.
//!
//! * Q: the beat's share of one 8-byte CRC-32 step (IEEE 802.3 clause
//!   3.2.9), `D8 x md` (32 bits), as two registered halves (lanes 0..4 and
//!   4..8): two 32-input networks instead of one 64-input one.
//! * L: the loop alone, `crc <- M8 x crc ^ dc_lo ^ dc_hi`, set to all ones
//!   after a frame's last beat (and by `rst`).
//! * U, V, W: the `8 - n` zero bytes the masked lanes added are taken back
//!   out ([`Crc32UnpadBy`] 0..=3 bytes in U, 4 more in V, both loaded only
//!   for a last beat; W picks). The FCS is the complement of the register
//!   after exactly the frame's bytes, or the register itself when the host
//!   marked the frame bad (so the link partner drops it).
//! * Out of W (combinational, two LUT levels): the FCS shifted to lanes
//!   `n..n+4` of a 12-lane (96-bit) window, and the window's lane mask `kw`
//!   (12 bits, lanes `0..n+4` set); lanes 8..12 are the extra beat a last
//!   beat of more than 4 bytes needs. The caller writes it into a FIFO.
//! * Fixed latency: `f_v` rises 5 clocks after `a_v` carried the last beat;
//!   one beat per clock, no stall.

use crate::common::crc_beat::Crc32Pad;
use crate::common::crc_unpad::Crc32UnpadBy;
use rust_hdl::prelude::*;

/// Width of the word [`FcsTail`] leaves per frame: the placed FCS (96 bits)
/// then the lane mask (12 bits).
pub const TAIL_BITS: usize = 108;

/// CRC stages of `FcsAppend`; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct FcsTail {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// A beat is registered in `a_*` (every accepted beat of a kept frame).
    pub a_v: Signal<In, Bit>,
    /// The beat (64 bits, byte 0 in bits 7:0), lanes outside `tkeep` zero.
    pub a_md: Signal<In, Bits<64>>,
    /// Bytes in the beat (1..=8; `tkeep` contiguous from lane 0).
    pub a_n: Signal<In, Bits<4>>,
    /// `tlast` of the beat and the host's bad-frame flag (`tuser`).
    pub a_l: Signal<In, Bit>,
    pub a_u: Signal<In, Bit>,
    /// One frame's FCS is ready (a register, one clock).
    pub f_v: Signal<Out, Bit>,
    /// `{kw (12 bits), FCS << 8n (96 bits)}`, least significant FCS byte
    /// first (combinational from W's registers).
    pub f_word: Signal<Out, Bits<TAIL_BITS>>,
    dnet_lo: Crc32Pad,
    dnet_hi: Crc32Pad,
    snet: Crc32Pad,
    unpad1: Crc32UnpadBy<1>,
    unpad4: Crc32UnpadBy<4>,
    crc: DFF<Bits<32>>,
    q_v: DFF<Bit>,
    q_dl: DFF<Bits<32>>,
    q_dh: DFF<Bits<32>>,
    q_n: DFF<Bits<4>>,
    q_l: DFF<Bit>,
    q_u: DFF<Bit>,
    l_fin: DFF<Bit>,
    l_fc: DFF<Bits<32>>,
    /// Zero bytes the masked lanes added (`8 - n`, 0..=7).
    l_z: DFF<Bits<3>>,
    l_n: DFF<Bits<4>>,
    l_u: DFF<Bit>,
    u_fin: DFF<Bit>,
    u_z4: DFF<Bit>,
    u_n: DFF<Bits<4>>,
    u_u: DFF<Bit>,
    v_fin: DFF<Bit>,
    v_z4: DFF<Bit>,
    v_y: DFF<Bits<32>>,
    v_n: DFF<Bits<4>>,
    v_u: DFF<Bit>,
    w_fin: DFF<Bit>,
    w_fcs: DFF<Bits<32>>,
    w_n: DFF<Bits<4>>,
    x: Signal<Local, Bits<32>>,
    placed: Signal<Local, Bits<96>>,
    kw: Signal<Local, Bits<12>>,
    ones12: Signal<Local, Bits<12>>,
}

impl Logic for FcsTail {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, crc, q_v, q_dl, q_dh, q_n, q_l, q_u, l_fin, l_fc, l_z, l_n, l_u, u_fin,
            u_z4, u_n, u_u, v_fin, v_z4, v_y, v_n, v_u, w_fin, w_fcs, w_n
        );
        // --- Q: the data's share of the step, two halves
        self.dnet_lo.crc_in.next = 0_u64.into();
        self.dnet_lo.data.next = self.a_md.val();
        self.dnet_lo.tkeep.next = 0x0F_u64.into();
        self.q_dl.d.next = self.dnet_lo.crc_out.val();
        self.dnet_hi.crc_in.next = 0_u64.into();
        self.dnet_hi.data.next = self.a_md.val();
        self.dnet_hi.tkeep.next = 0xF0_u64.into();
        self.q_dh.d.next = self.dnet_hi.crc_out.val();
        self.q_v.d.next = self.a_v.val() & !self.rst.val();
        self.q_n.d.next = self.a_n.val();
        self.q_l.d.next = self.a_l.val();
        self.q_u.d.next = self.a_u.val();
        // --- L: the CRC register, all ones again after a last beat
        self.snet.crc_in.next = self.crc.q.val();
        self.snet.data.next = 0_u64.into();
        self.snet.tkeep.next = 0_u64.into();
        self.l_fc.d.next = self.snet.crc_out.val() ^ self.q_dl.q.val() ^ self.q_dh.q.val();
        if self.q_v.q.val() {
            if self.q_l.q.val() {
                self.crc.d.next = 0xFFFF_FFFF_u64.into();
            } else {
                self.crc.d.next = self.snet.crc_out.val() ^ self.q_dl.q.val() ^ self.q_dh.q.val();
            }
        }
        if self.rst.val() {
            self.crc.d.next = 0xFFFF_FFFF_u64.into();
        }
        self.l_fin.d.next = self.q_v.q.val() & self.q_l.q.val() & !self.rst.val();
        self.l_z.d.next = bit_cast::<3, 4>(8_u64 - self.q_n.q.val());
        self.l_n.d.next = self.q_n.q.val();
        self.l_u.d.next = self.q_u.q.val();
        // --- U: 0..=3 zero bytes back out (loaded for a last beat only)
        self.unpad1.clock.next = self.clock.val();
        self.unpad1.en.next = self.l_fin.q.val();
        self.unpad1.crc_in.next = self.l_fc.q.val();
        self.unpad1.sel.next = self.l_z.q.val().get_bits::<2>(0);
        self.u_z4.d.next = self.l_z.q.val().get_bit(2);
        self.u_fin.d.next = self.l_fin.q.val() & !self.rst.val();
        self.u_n.d.next = self.l_n.q.val();
        self.u_u.d.next = self.l_u.q.val();
        // --- V: 4 more, computed; W picks
        self.unpad4.clock.next = self.clock.val();
        self.unpad4.en.next = self.u_fin.q.val();
        self.unpad4.crc_in.next = self.unpad1.q.val();
        self.unpad4.sel.next = 1_u64.into();
        self.v_y.d.next = self.unpad1.q.val();
        self.v_z4.d.next = self.u_z4.q.val();
        self.v_fin.d.next = self.u_fin.q.val() & !self.rst.val();
        self.v_n.d.next = self.u_n.q.val();
        self.v_u.d.next = self.u_u.q.val();
        // --- W: the register after exactly the frame's bytes; the FCS is
        // its complement (the register itself for a frame marked bad)
        if self.v_z4.q.val() {
            self.x.next = self.unpad4.q.val();
        } else {
            self.x.next = self.v_y.q.val();
        }
        if self.v_u.q.val() {
            self.w_fcs.d.next = self.x.val();
        } else {
            self.w_fcs.d.next = !self.x.val();
        }
        self.w_fin.d.next = self.v_fin.q.val() & !self.rst.val();
        self.w_n.d.next = self.v_n.q.val();
        // --- out: placed after the last byte
        self.placed.next =
            bit_cast::<96, 32>(self.w_fcs.q.val()) << (bit_cast::<7, 4>(self.w_n.q.val()) << 3_u64);
        self.ones12.next = 0xFFF_u64.into();
        self.kw.next = !(self.ones12.val() << (self.w_n.q.val() + 4_u64));
        self.f_word.next = bit_cast::<TAIL_BITS, 96>(self.placed.val())
            | (bit_cast::<TAIL_BITS, 12>(self.kw.val()) << 96_u64);
        self.f_v.next = self.w_fin.q.val();
    }
}
