//! `FcsTail`: the CRC stages of [`crate::tx::fcs_append::FcsAppend`]. Every
//! accepted beat enters with its data lanes already masked; six clocks
//! after a frame's last beat entered, its FCS leaves, already placed in the
//! lanes after the last byte.
//!
//! * Q, L ([`CrcStep64`]): the beat's share of the 8-byte step, then the
//!   loop alone; U, V, W ([`CrcFinish`], loaded for a last beat only): the
//!   `8 - n` zero bytes the masked lanes added taken back out. The FCS is
//!   the complement of the register after exactly the frame's bytes, or
//!   the register itself when the host marked the frame bad (so the link
//!   partner drops it).
//! * Out of W (combinational, two LUT levels): the FCS shifted to lanes
//!   `n..n+4` of a 12-lane (96-bit) window, and the window's lane mask `kw`
//!   (12 bits, lanes `0..n+4` set); lanes 8..12 are the extra beat a last
//!   beat of more than 4 bytes needs. The caller writes it into a FIFO.
//! * Fixed latency: `f_v` rises 5 clocks after `a_v` carried the last beat;
//!   one beat per clock, no stall.

use crate::common::crc_pipe::{CrcFinish, CrcStep64};
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
    step: CrcStep64,
    finish: CrcFinish,
    q_n: DFF<Bits<4>>,
    q_l: DFF<Bit>,
    q_u: DFF<Bit>,
    q_v: DFF<Bit>,
    l_fin: DFF<Bit>,
    /// Zero bytes the masked lanes added (`8 - n`, 0..=7).
    l_z: DFF<Bits<4>>,
    l_n: DFF<Bits<4>>,
    l_u: DFF<Bit>,
    u_n: DFF<Bits<4>>,
    v_n: DFF<Bits<4>>,
    w_n: DFF<Bits<4>>,
    placed: Signal<Local, Bits<96>>,
    kw: Signal<Local, Bits<12>>,
    ones12: Signal<Local, Bits<12>>,
}

impl Logic for FcsTail {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, q_n, q_l, q_u, q_v, l_fin, l_z, l_n, l_u, u_n, v_n, w_n);
        clock!(self, clock, step, finish);
        self.step.rst.next = self.rst.val();
        self.finish.rst.next = self.rst.val();
        // --- Q, L: the CRC register after each beat
        self.step.en.next = true;
        self.step.v.next = self.a_v.val();
        self.step.data.next = self.a_md.val();
        self.step.tkeep.next = 0xFF_u64.into();
        self.step.last.next = self.a_l.val();
        self.q_v.d.next = self.a_v.val() & !self.rst.val();
        self.q_n.d.next = self.a_n.val();
        self.q_l.d.next = self.a_l.val();
        self.q_u.d.next = self.a_u.val();
        self.l_fin.d.next = self.q_v.q.val() & self.q_l.q.val() & !self.rst.val();
        self.l_z.d.next = 8_u64 - self.q_n.q.val();
        self.l_n.d.next = self.q_n.q.val();
        self.l_u.d.next = self.q_u.q.val();
        // --- U, V, W: the padding back out, for a last beat
        self.finish.en.next = self.l_fin.q.val();
        self.finish.crc.next = self.step.crc.val();
        self.finish.z.next = self.l_z.q.val();
        self.finish.raw.next = self.l_u.q.val();
        self.u_n.d.next = self.l_n.q.val();
        self.v_n.d.next = self.u_n.q.val();
        self.w_n.d.next = self.v_n.q.val();
        // --- out: placed after the last byte
        self.placed.next = bit_cast::<96, 32>(self.finish.fcs.val())
            << (bit_cast::<7, 4>(self.w_n.q.val()) << 3_u64);
        self.ones12.next = 0xFFF_u64.into();
        self.kw.next = !(self.ones12.val() << (self.w_n.q.val() + 4_u64));
        self.f_word.next = bit_cast::<TAIL_BITS, 96>(self.placed.val())
            | (bit_cast::<TAIL_BITS, 12>(self.kw.val()) << 96_u64);
        self.f_v.next = self.finish.done.val();
    }
}
