//! `FcsCheck`: checks the Ethernet FCS (IEEE 802.3 clause 3.2.9) of every
//! frame as it streams through, flags runts and giants, and samples the
//! run-time configuration at the frame's first beat.
//!
//! * Bus: AXI4-Stream, 64-bit `tdata`, byte 0 in `tdata[7:0]`, contiguous
//!   `tkeep`; frames arrive *with* their 4-byte FCS.
//! * Latency: 1 cycle (registered output); accepts one beat per clock while
//!   `m_tready` is high, back-to-back frames with no bubble.
//! * `m_tuser` (11 bits, internal bus): bits 7:4 = tag format, 9:8 =
//!   tag mode and 10 = drop (CTRL.ENABLE was 0) sampled at the first beat, on every beat of the frame; on the
//!   `tlast` beat bit 0 = bad, 1 = FCS error, 2 = runt (< 64 bytes),
//!   3 = giant (> [`crate::MAX_FRAME`] bytes). See [`crate::rx::tag::tuser`].
//! * The check compares the raw register after the whole frame with the
//!   residue 0xDEBB20E3, using one [`Crc32Lanes`] network (8 bytes on every
//!   beat, `tkeep`'s byte count on the last).

use crate::common::axis::{AxisMaster64, AxisSlave64};
use crate::common::axis_out::AxisOutReg64;
use crate::common::crc_lanes::Crc32Lanes;
use crate::common::keep::KeepCount;
use rust_hdl::prelude::*;

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
    lanes: Crc32Lanes,
    keep: KeepCount,
    crc: DFF<Bits<32>>,
    in_frame: DFF<Bit>,
    len: DFF<Bits<16>>,
    cfg: DFF<Bits<7>>,
    out: AxisOutReg64,
    o_user: DFF<Bits<11>>,
    fire: Signal<Local, Bit>,
    cfg_now: Signal<Local, Bits<7>>,
    total: Signal<Local, Bits<16>>,
    flags: Signal<Local, Bits<4>>,
    residue: Constant<Bits<32>>,
    init: Constant<Bits<32>>,
    min_len: Constant<Bits<16>>,
    max_len: Constant<Bits<16>>,
}

impl Default for FcsCheck {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            rst: Default::default(),
            cfg_tag_format: Default::default(),
            cfg_tag_mode: Default::default(),
            cfg_enable: Default::default(),
            s_axis: Default::default(),
            m_axis: Default::default(),
            m_tuser: Default::default(),
            lanes: Default::default(),
            keep: Default::default(),
            crc: Default::default(),
            in_frame: Default::default(),
            len: Default::default(),
            cfg: Default::default(),
            out: Default::default(),
            o_user: Default::default(),
            fire: Default::default(),
            cfg_now: Default::default(),
            total: Default::default(),
            flags: Default::default(),
            residue: Constant::new(u64::from(crate::common::crc32::RESIDUE).into()),
            init: Constant::new(u64::from(crate::common::crc32::INIT).into()),
            min_len: Constant::new(64_u64.into()),
            max_len: Constant::new((crate::MAX_FRAME as u64).into()),
        }
    }
}

impl Logic for FcsCheck {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, crc, in_frame, len, cfg, o_user);
        self.out.clock.next = self.clock.val();
        self.out.rst.next = self.rst.val();
        self.s_axis.tready.next = self.out.free.val();
        self.fire.next = self.s_axis.tvalid.val() & self.s_axis.tready.val();
        self.keep.tkeep.next = self.s_axis.tkeep.val();
        // Configuration sampled at the first beat, held for the frame.
        self.cfg_now.next = self.cfg.q.val();
        if !self.in_frame.q.val() {
            self.cfg_now.next = bit_cast::<7, 4>(self.cfg_tag_format.val())
                | (bit_cast::<7, 2>(self.cfg_tag_mode.val()) << 4_u64)
                | (bit_cast::<7, 1>(self.cfg_enable.val().into()) << 6_u64);
        }
        if !self.in_frame.q.val() {
            self.lanes.crc_in.next = self.init.val();
            self.total.next = bit_cast::<16, 4>(self.keep.count.val());
        } else {
            self.lanes.crc_in.next = self.crc.q.val();
            self.total.next = self.len.q.val() + bit_cast::<16, 4>(self.keep.count.val());
        }
        self.lanes.data.next = self.s_axis.tdata.val();
        self.lanes.nbytes.next = self.keep.count.val();
        // flags: 0 bad, 1 fcs error, 2 runt, 3 giant
        self.flags.next = 0_u64.into();
        if self.lanes.crc_out.val() != self.residue.val() {
            self.flags.next = self.flags.val() | 0x3_u64;
        }
        if self.total.val() < self.min_len.val() {
            self.flags.next = self.flags.val() | 0x5_u64;
        }
        if self.total.val() > self.max_len.val() {
            self.flags.next = self.flags.val() | 0x9_u64;
        }
        self.out.load.next = self.fire.val();
        self.out.tdata.next = self.s_axis.tdata.val();
        self.out.tkeep.next = self.s_axis.tkeep.val();
        self.out.tlast.next = self.s_axis.tlast.val();
        if self.fire.val() {
            self.crc.d.next = self.lanes.crc_out.val();
            self.in_frame.d.next = !self.s_axis.tlast.val();
            self.len.d.next = self.total.val();
            if self.in_frame.q.val() & (self.total.val() < self.len.q.val()) {
                // saturate instead of wrapping on absurdly long frames
                self.len.d.next = 0xFFFF_u64.into();
            }
            self.cfg.d.next = self.cfg_now.val();
            self.o_user.d.next = (bit_cast::<11, 6>(self.cfg_now.val().get_bits::<6>(0)) << 4_u64)
                | (bit_cast::<11, 1>((!self.cfg_now.val().get_bit(6)).into()) << 10_u64);
            if self.s_axis.tlast.val() {
                self.o_user.d.next = (bit_cast::<11, 6>(self.cfg_now.val().get_bits::<6>(0))
                    << 4_u64)
                    | (bit_cast::<11, 1>((!self.cfg_now.val().get_bit(6)).into()) << 10_u64)
                    | bit_cast::<11, 4>(self.flags.val());
            }
        }
        if self.rst.val() {
            self.in_frame.d.next = false;
            self.crc.d.next = self.init.val();
            self.len.d.next = 0_u64.into();
            self.cfg.d.next = 0_u64.into();
        }
        AxisMaster64::link(&mut self.m_axis, &mut self.out.m_axis);
        self.m_tuser.next = self.o_user.q.val();
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
