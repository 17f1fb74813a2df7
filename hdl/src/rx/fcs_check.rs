//! `FcsCheck`: checks the Ethernet FCS (IEEE 802.3 clause 3.2.9) of every
//! frame as it streams through, flags runts and giants, and samples the
//! run-time configuration at the frame's first beat.
//!
//! * Bus: AXI4-Stream, 64-bit `tdata`, byte 0 in `tdata[7:0]`, contiguous
//!   `tkeep`; frames arrive *with* their 4-byte FCS.
//! * Accepts one beat per clock while `m_tready` is high, back-to-back
//!   frames with no bubble.
//! * `m_tuser` (11 bits, internal bus): bits 7:4 = tag format, 9:8 =
//!   tag mode and 10 = drop (CTRL.ENABLE was 0) sampled at the first beat, on every beat of the frame; on the
//!   `tlast` beat bit 0 = bad, 1 = FCS error, 2 = runt (< 64 bytes),
//!   3 = giant (> [`crate::MAX_FRAME`] bytes). See [`crate::rx::tag::tuser`].
//! * The check steps the CRC-32 by 8 bytes per beat, the lanes outside
//!   `tkeep` as zeros, and compares the last beat's register with the
//!   residue a good frame leaves after that many zero bytes
//!   ([`Crc32Residue`], picked from `tkeep`). Runts and giants come from a
//!   saturating beat counter and the last beat's `tkeep`, not from a
//!   byte-length adder.
//! * Three stages, all advancing together while the output skid buffer
//!   ([`AxisOutReg64`]) is free (a flip-flop, which is also
//!   `s_axis.tready`): A registers the beat, its flags and its residue; Q
//!   and P carry it through the shared CRC pipeline's two stages
//!   ([`CrcStep64`]: the beat's share in two halves, then the loop alone),
//!   so the CRC register is the one after P's beat. The compare of that
//!   register with P's residue and the flags feed the skid buffer.
//!   Latency 4 cycles; no logic between the input ports and registers but
//!   the flags.

use crate::common::axis::{AxisMaster64, AxisSlave64};
use crate::common::axis_out::AxisOutReg64;
use crate::common::crc_beat::Crc32Residue;
use crate::common::crc_pipe::CrcStep64;
use rust_hdl::prelude::*;

/// `len` bytes as (full 8-byte beats, bytes left over).
const fn split(len: usize) -> (u64, usize) {
    ((len / 8) as u64, len % 8)
}

/// FCS check stage; see the module documentation.
#[derive(LogicBlock)]
pub struct FcsCheck {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub cfg_tag_format: Signal<In, Bits<4>>,
    pub cfg_tag_mode: Signal<In, Bits<2>>,
    /// Frames flow when 1; when 0 at a frame's first beat the frame is
    /// marked for dropping (`m_tuser[10]` on every beat); the drop happens
    /// after queue selection so it is counted per queue.
    pub cfg_enable: Signal<In, Bit>,
    pub s_axis: AxisSlave64,
    pub m_axis: AxisMaster64,
    pub m_tuser: Signal<Out, Bits<11>>,
    res: Crc32Residue,
    /// Stages Q and P's CRC register (Q, L of the shared pipeline).
    step: CrcStep64,
    in_frame: DFF<Bit>,
    /// Full beats of the frame so far, saturating at `giant_beats + 1`.
    beats: DFF<Bits<12>>,
    cfg: DFF<Bits<7>>,
    // stage A: the beat, its tuser without the FCS flags and the residue a
    // good frame ending here leaves
    a_v: DFF<Bit>,
    a_d: DFF<Bits<64>>,
    a_k: DFF<Bits<8>>,
    a_l: DFF<Bit>,
    a_user: DFF<Bits<11>>,
    a_t: DFF<Bits<32>>,
    // stage Q: the same (the beat's share of the CRC step is in `step`)
    q_v: DFF<Bit>,
    q_d: DFF<Bits<64>>,
    q_k: DFF<Bits<8>>,
    q_l: DFF<Bit>,
    q_user: DFF<Bits<11>>,
    q_t: DFF<Bits<32>>,
    // stage P: the same, and the padded register after the beat
    p_v: DFF<Bit>,
    p_d: DFF<Bits<64>>,
    p_k: DFF<Bits<8>>,
    p_l: DFF<Bit>,
    p_user: DFF<Bits<11>>,
    p_t: DFF<Bits<32>>,
    /// Output skid buffer; sideband = `m_tuser`.
    out: AxisOutReg64<11>,
    fire: Signal<Local, Bit>,
    en: Signal<Local, Bit>,
    cfg_now: Signal<Local, Bits<7>>,
    runt: Signal<Local, Bit>,
    giant: Signal<Local, Bit>,
    fcs_err: Signal<Local, Bit>,
    drop_mark: Signal<Local, Bit>,
    bad: Signal<Local, Bit>,
    user_base: Signal<Local, Bits<11>>,
    /// A runt has fewer full beats before its last beat, or exactly this
    /// many and a last beat of fewer than 8 bytes.
    runt_beats: Constant<Bits<12>>,
    /// A giant has more full beats before its last beat, or exactly this
    /// many and a last beat of 8 bytes.
    giant_beats: Constant<Bits<12>>,
    beats_max: Constant<Bits<12>>,
}

impl Default for FcsCheck {
    fn default() -> Self {
        // runt: total < 64 = 8*8 + 0 -> fewer than 7 full beats before the
        // last, or 7 and the last beat holds fewer than 8 bytes (!tkeep[7]).
        // giant: total > MAX_FRAME = 8q + r -> more than q full beats, or q
        // and the last beat holds more than r bytes (tkeep[r]).
        let (q, r) = split(crate::MAX_FRAME);
        assert_eq!(r, 7, "the giant test below reads tkeep[7]");
        assert_eq!(split(64), (8, 0), "the runt test below reads tkeep[7]");
        Self {
            clock: Default::default(),
            rst: Default::default(),
            cfg_tag_format: Default::default(),
            cfg_tag_mode: Default::default(),
            cfg_enable: Default::default(),
            s_axis: Default::default(),
            m_axis: Default::default(),
            m_tuser: Default::default(),
            res: Default::default(),
            step: Default::default(),
            in_frame: Default::default(),
            beats: Default::default(),
            cfg: Default::default(),
            a_v: Default::default(),
            a_d: Default::default(),
            a_k: Default::default(),
            a_l: Default::default(),
            a_user: Default::default(),
            a_t: Default::default(),
            q_v: Default::default(),
            q_d: Default::default(),
            q_k: Default::default(),
            q_l: Default::default(),
            q_user: Default::default(),
            q_t: Default::default(),
            p_v: Default::default(),
            p_d: Default::default(),
            p_k: Default::default(),
            p_l: Default::default(),
            p_user: Default::default(),
            p_t: Default::default(),
            out: Default::default(),
            fire: Default::default(),
            en: Default::default(),
            cfg_now: Default::default(),
            runt: Default::default(),
            giant: Default::default(),
            fcs_err: Default::default(),
            drop_mark: Default::default(),
            bad: Default::default(),
            user_base: Default::default(),
            runt_beats: Constant::new(7_u64.into()),
            giant_beats: Constant::new(q.into()),
            beats_max: Constant::new((q + 1).into()),
        }
    }
}

impl Logic for FcsCheck {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, in_frame, beats, cfg, a_v, a_d, a_k, a_l, a_user, a_t, q_v, q_d, q_k, q_l,
            q_user, q_t, p_v, p_d, p_k, p_l, p_user, p_t
        );
        clock!(self, clock, step);
        self.step.rst.next = self.rst.val();
        self.out.clock.next = self.clock.val();
        self.out.rst.next = self.rst.val();
        // every stage advances while the skid buffer is free
        self.en.next = self.out.free.val();
        self.s_axis.tready.next = self.out.free.val();
        self.fire.next = self.s_axis.tvalid.val() & self.out.free.val();
        // Configuration sampled at the first beat, held for the frame.
        if !self.in_frame.q.val() {
            self.cfg_now.next = bit_cast::<7, 4>(self.cfg_tag_format.val())
                | (bit_cast::<7, 2>(self.cfg_tag_mode.val()) << 4_u64)
                | (bit_cast::<7, 1>(self.cfg_enable.val().into()) << 6_u64);
        } else {
            self.cfg_now.next = self.cfg.q.val();
        }
        self.res.tkeep.next = self.s_axis.tkeep.val();
        self.runt.next = (self.beats.q.val() < self.runt_beats.val())
            | ((self.beats.q.val() == self.runt_beats.val()) & !self.s_axis.tkeep.val().get_bit(7));
        self.giant.next = (self.beats.q.val() > self.giant_beats.val())
            | ((self.beats.q.val() == self.giant_beats.val()) & self.s_axis.tkeep.val().get_bit(7));
        // 1-bit locals: a `~` inside a wider Verilog expression would
        // invert the zero-extended operand
        self.drop_mark.next = !self.cfg_now.val().get_bit(6);
        self.user_base.next = (bit_cast::<11, 6>(self.cfg_now.val().get_bits::<6>(0)) << 4_u64)
            | (bit_cast::<11, 1>(self.drop_mark.val().into()) << 10_u64);
        // --- stage P -> output: flags on the last beat (0 bad, 1 FCS
        // error, 2 runt, 3 giant)
        // (`crc` is the register after P's beat: it steps as a beat enters P)
        self.fcs_err.next = self.p_l.q.val() & (self.step.crc.val() != self.p_t.q.val());
        self.bad.next =
            self.fcs_err.val() | self.p_user.q.val().get_bit(2) | self.p_user.q.val().get_bit(3);
        self.out.tuser.next = self.p_user.q.val()
            | bit_cast::<11, 1>(self.bad.val().into())
            | (bit_cast::<11, 1>(self.fcs_err.val().into()) << 1_u64);
        self.out.load.next = self.en.val() & self.p_v.q.val();
        self.out.tdata.next = self.p_d.q.val();
        self.out.tkeep.next = self.p_k.q.val();
        self.out.tlast.next = self.p_l.q.val();
        // --- stage A -> Q -> P: the CRC register after each beat
        self.step.en.next = self.en.val();
        self.step.v.next = self.a_v.q.val();
        self.step.data.next = self.a_d.q.val();
        self.step.tkeep.next = self.a_k.q.val();
        self.step.last.next = self.a_l.q.val();
        if self.en.val() {
            self.p_v.d.next = self.q_v.q.val();
            self.p_d.d.next = self.q_d.q.val();
            self.p_k.d.next = self.q_k.q.val();
            self.p_l.d.next = self.q_l.q.val();
            self.p_user.d.next = self.q_user.q.val();
            self.p_t.d.next = self.q_t.q.val();
            self.q_v.d.next = self.a_v.q.val();
            self.q_d.d.next = self.a_d.q.val();
            self.q_k.d.next = self.a_k.q.val();
            self.q_l.d.next = self.a_l.q.val();
            self.q_user.d.next = self.a_user.q.val();
            self.q_t.d.next = self.a_t.q.val();
            // --- input -> stage A
            self.a_v.d.next = self.fire.val();
            self.a_d.d.next = self.s_axis.tdata.val();
            self.a_k.d.next = self.s_axis.tkeep.val();
            self.a_l.d.next = self.s_axis.tlast.val();
            self.a_t.d.next = self.res.residue.val();
            if self.s_axis.tlast.val() {
                self.a_user.d.next = self.user_base.val()
                    | (bit_cast::<11, 1>(self.runt.val().into()) << 2_u64)
                    | (bit_cast::<11, 1>(self.giant.val().into()) << 3_u64);
            } else {
                self.a_user.d.next = self.user_base.val();
            }
        }
        if self.fire.val() {
            self.in_frame.d.next = !self.s_axis.tlast.val();
            self.cfg.d.next = self.cfg_now.val();
            if self.s_axis.tlast.val() {
                self.beats.d.next = 0_u64.into();
            } else if self.beats.q.val() != self.beats_max.val() {
                self.beats.d.next = self.beats.q.val() + 1_u64;
            }
        }
        if self.rst.val() {
            self.in_frame.d.next = false;
            self.beats.d.next = 0_u64.into();
            self.cfg.d.next = 0_u64.into();
            self.a_v.d.next = false;
            self.q_v.d.next = false;
            self.p_v.d.next = false;
        }
        AxisMaster64::link(&mut self.m_axis, &mut self.out.m_axis);
        self.m_tuser.next = self.out.m_tuser.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rx::tag::tuser;
    use crate::testbench::{run_stream, with_fcs};

    #[test]
    fn flags_good_bad_runt_and_samples_cfg() {
        let mut uut = FcsCheck::default();
        uut.connect_all();
        let good = with_fcs(&[0x5A; 96]);
        let mut bad = good.clone();
        bad[40] ^= 0x10;
        let runt = with_fcs(&[1; 40]);
        let frames = vec![
            (good.clone(), 0x24),
            (bad.clone(), 0x13),
            (runt.clone(), 0x00),
        ];
        let (out, _) = run_stream!(
            &mut uut,
            &frames,
            3,
            |u, v| {
                u.cfg_enable.next = true;
                u.cfg_tag_format.next = (v & 0xF).into();
                u.cfg_tag_mode.next = (v >> 4).into();
            },
            |o| o.m_tuser.val().to_u64()
        );
        assert_eq!(out[0], (good, 0x240));
        assert_eq!(
            out[1],
            (bad, 0x130 | u64::from(tuser::BAD | tuser::FCS_ERR))
        );
        assert_eq!(out[2], (runt, u64::from(tuser::BAD | tuser::RUNT)));
    }
}
