//! `TagMigrate`: moves a switch's DSA tag out of the Ethernet header.
//!
//! * Bus: AXI4-Stream, 64-bit, frames *with* their 4-byte FCS slot at the end.
//!   The slot's content on output is meaningless (zero or the old FCS):
//!   [`crate::rx::fcs_insert::FcsInsert`] overwrites it.
//! * Format and mode come in `s_tuser[7:4]` / `s_tuser[9:8]`, the same on
//!   every beat of a frame (`FcsCheck` samples them at the first beat); see
//!   [`crate::rx::tag`].
//! * Modes: pass (unchanged); strip (tag removed, delivered on `m_tag` with
//!   the `tlast` beat; a frame of at least 64 bytes that shrinks below is
//!   zero-padded to 64); tail (tag moved just before the FCS slot). A frame
//!   shorter than 14 + tag + 4 bytes passes unchanged with `TAG_SHORT` and
//!   `BAD` set in `m_tuser`.
//! * How: a three-beat look-ahead window (`e0` head, `e1`, `e2`: the oldest
//!   beats of a 4-slot ring, [`TagRing`], so a beat is written once and the
//!   head leaves by moving the read slot, not by shifting 200 flip-flops). The head
//!   leaves the window once the frame's end is either inside the window or
//!   more than two beats away; every byte position relative to the head
//!   beat is then known: `[0,hd)` head bytes kept, `[hd,de)` bytes copied
//!   from the window shifted by the tag length, `[de,te)` tag bytes (tail),
//!   the rest zero (pad/slot).
//! * Pipeline (timing): each beat's end-of-frame facts (is it short for
//!   its tag, does a strip pad it: [`TagBeatFacts`]) are computed from
//!   `tkeep` and a beat counter as it enters the window, so the window stage only selects;
//!   the head is registered (`h_*`) and [`TagLanes`] derives the lane masks
//!   from a 24-bit end thermometer by shifts (stage C), then places the
//!   tag and selects each lane (stage D). Those stages never stall: the
//!   window releases a head only while an 8-entry output FIFO has room for
//!   every beat in flight (a credit, registered), and the FIFO feeds the
//!   skid buffer. `s_axis.tready` is a flip-flop (a ring slot will be free).
//! * Latency: 8 cycles from a beat's acceptance to its output at line rate
//!   (window 3, head 1, C 1, D 1, FIFO 1, skid 1); one beat accepted per
//!   clock, back-to-back frames, no bubble, any mode.

use crate::common::axis::{AxisMaster64, AxisSlave64};
use crate::common::axis_out::AxisOutReg64;
use crate::common::keep::KeepCount;
use crate::common::sync_fifo::SyncFifo;
use crate::rx::tag_facts::TagBeatFacts;
use crate::rx::tag_lanes::TagLanes;
use crate::rx::tag_ring::TagRing;
use rust_hdl::prelude::*;

/// DSA tag migration stage; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct TagMigrate {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub s_axis: AxisSlave64,
    pub s_tuser: Signal<In, Bits<11>>,
    pub m_axis: AxisMaster64,
    pub m_tuser: Signal<Out, Bits<7>>,
    /// The tag (wire order, byte 0 in bits 7:0, zero beyond its length);
    /// valid with `m_tlast` when `m_tuser` has `MIGRATED`.
    pub m_tag: Signal<Out, Bits<64>>,
    keep: KeepCount,
    facts: TagBeatFacts,
    /// The ring of four beats and the look-ahead window; meta = [3:0] byte
    /// count, [4] last, [15:5] user (3:0 flags, 7:4 format, 9:8 mode, 10
    /// drop), [16] short for its tag if last, [17] a strip pads it if
    /// last, [25:18] tkeep, [29:26] tag length, [30] tag at offset 12.
    ring: TagRing,
    /// Index of the head beat in its frame, and of the next input beat
    /// (both saturate at 15).
    beat: DFF<Bits<4>>,
    ib: DFF<Bits<4>>,
    // head stage
    h_v: DFF<Bit>,
    h_e0: DFF<Bits<64>>,
    h_e1: DFF<Bits<64>>,
    h_e2: DFF<Bits<32>>,
    h_off12: DFF<Bit>,
    h_k: DFF<Bits<24>>,
    h_vis: DFF<Bit>,
    h_mig: DFF<Bit>,
    h_mode: DFF<Bits<2>>,
    h_tl: DFF<Bits<4>>,
    h_tl4: DFF<Bits<4>>,
    h_pad: DFF<Bit>,
    h_lz: DFF<Bits<3>>,
    h_short: DFF<Bit>,
    h_hd: DFF<Bits<2>>,
    h_beat: DFF<Bits<4>>,
    h_pos: DFF<Bits<5>>,
    h_luser: DFF<Bits<4>>,
    h_drop: DFF<Bit>,
    lanes: TagLanes,
    /// Output FIFO: `{tuser (71), tlast, tkeep (8), tdata (64)}`.
    fifo: SyncFifo<144, 3>,
    /// FIFO entries; pops of the last three cycles (beats in stages H/C/D).
    oc: DFF<Bits<4>>,
    fl: DFF<Bits<3>>,
    room: DFF<Bit>,
    /// Output skid buffer; sideband = {tag (64), tuser (7)}.
    out: AxisOutReg64<71>,
    in_meta: Signal<Local, Bits<31>>,
    l0: Signal<Local, Bit>,
    l1: Signal<Local, Bit>,
    l2: Signal<Local, Bit>,
    head_ok: Signal<Local, Bit>,
    vis: Signal<Local, Bit>,
    mj: Signal<Local, Bits<6>>,
    mode: Signal<Local, Bits<2>>,
    tl: Signal<Local, Bits<4>>,
    tl4: Signal<Local, Bits<4>>,
    off12: Signal<Local, Bit>,
    short: Signal<Local, Bit>,
    mig: Signal<Local, Bit>,
    pop: Signal<Local, Bit>,
    push: Signal<Local, Bit>,
    f_pop: Signal<Local, Bit>,
    occ: Signal<Local, Bits<4>>,
    oc_n: Signal<Local, Bits<4>>,
}

impl Logic for TagMigrate {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, beat, ib, h_v, h_e0, h_e1, h_e2, h_off12, h_k, h_vis, h_mig, h_mode, h_tl,
            h_tl4, h_pad, h_lz, h_short, h_hd, h_beat, h_pos, h_luser, h_drop, oc, fl, room
        );
        self.lanes.clock.next = self.clock.val();
        self.lanes.rst.next = self.rst.val();
        self.fifo.clock.next = self.clock.val();
        self.fifo.rst.next = self.rst.val();
        self.out.clock.next = self.clock.val();
        self.out.rst.next = self.rst.val();
        // --- input: the beat's facts were it its frame's last
        self.keep.tkeep.next = self.s_axis.tkeep.val();
        self.facts.fmt.next = self.s_tuser.val().get_bits::<4>(4);
        self.facts.kodd.next = bit_cast::<4, 8>(
            ((self.s_axis.tkeep.val() >> 1_u64) & 1_u64)
                | ((self.s_axis.tkeep.val() >> 2_u64) & 2_u64)
                | ((self.s_axis.tkeep.val() >> 3_u64) & 4_u64)
                | ((self.s_axis.tkeep.val() >> 4_u64) & 8_u64),
        );
        self.facts.ib.next = self.ib.q.val();
        self.in_meta.next = bit_cast::<31, 4>(self.keep.count.val())
            | (bit_cast::<31, 1>(self.s_axis.tlast.val().into()) << 4_u64)
            | (bit_cast::<31, 11>(self.s_tuser.val()) << 5_u64)
            | (bit_cast::<31, 1>(self.facts.short.val().into()) << 16_u64)
            | (bit_cast::<31, 1>(self.facts.padc.val().into()) << 17_u64)
            | (bit_cast::<31, 8>(self.s_axis.tkeep.val()) << 18_u64)
            | (bit_cast::<31, 4>(self.facts.tl.val()) << 26_u64)
            | (bit_cast::<31, 1>(self.facts.off12.val().into()) << 30_u64);
        // --- head: where the frame ends in the window (slot 0, 1, 2 or not)
        self.l0.next = (self.ring.cnt.val() != 0_u64) & self.ring.m0.val().get_bit(4);
        self.l1.next = (self.ring.cnt.val() >= 2_u64) & self.ring.m1.val().get_bit(4);
        self.l2.next = (self.ring.cnt.val() >= 3_u64) & self.ring.m2.val().get_bit(4);
        self.head_ok.next = (self.ring.cnt.val() >= 3_u64) | self.l0.val() | self.l1.val();
        self.vis.next = self.l0.val() | self.l1.val() | self.l2.val();
        // the last beat's meta, the end thermometer and the end position
        self.mj.next = bit_cast::<6, 31>((self.ring.m0.val() >> 5_u64) & 0xF_u64)
            | bit_cast::<6, 31>((self.ring.m0.val() >> 12_u64) & 0x30_u64);
        self.h_k.d.next = 0xFF_FFFF_u64.into();
        self.h_pos.d.next = 0_u64.into();
        if self.l2.val() {
            self.mj.next = bit_cast::<6, 31>((self.ring.m2.val() >> 5_u64) & 0xF_u64)
                | bit_cast::<6, 31>((self.ring.m2.val() >> 12_u64) & 0x30_u64);
            self.h_k.d.next =
                (bit_cast::<24, 8>(self.ring.m2.val().get_bits::<8>(18)) << 16_u64) | 0xFFFF_u64;
            self.h_pos.d.next = (bit_cast::<5, 3>(self.ring.m2.val().get_bits::<3>(0))) | 16_u64;
            if self.ring.m2.val().get_bit(3) {
                self.h_pos.d.next = 24_u64.into();
            }
        }
        if self.l1.val() {
            self.mj.next = bit_cast::<6, 31>((self.ring.m1.val() >> 5_u64) & 0xF_u64)
                | bit_cast::<6, 31>((self.ring.m1.val() >> 12_u64) & 0x30_u64);
            self.h_k.d.next =
                (bit_cast::<24, 8>(self.ring.m1.val().get_bits::<8>(18)) << 8_u64) | 0xFF_u64;
            self.h_pos.d.next = (bit_cast::<5, 3>(self.ring.m1.val().get_bits::<3>(0))) | 8_u64;
            if self.ring.m1.val().get_bit(3) {
                self.h_pos.d.next = 16_u64.into();
            }
        }
        if self.l0.val() {
            self.mj.next = bit_cast::<6, 31>((self.ring.m0.val() >> 5_u64) & 0xF_u64)
                | bit_cast::<6, 31>((self.ring.m0.val() >> 12_u64) & 0x30_u64);
            self.h_k.d.next = bit_cast::<24, 8>(self.ring.m0.val().get_bits::<8>(18));
            self.h_pos.d.next = bit_cast::<5, 4>(self.ring.m0.val().get_bits::<4>(0));
        }
        // --- the frame's tag and whether it migrates
        self.mode.next = self.ring.m0.val().get_bits::<2>(13);
        self.tl.next = self.ring.m0.val().get_bits::<4>(26);
        self.off12.next = self.ring.m0.val().get_bit(30);
        self.tl4.next = 12_u64.into();
        if self.tl.val() == 0_u64 {
            self.tl4.next = 4_u64.into();
        }
        if self.tl.val() == 2_u64 {
            self.tl4.next = 6_u64.into();
        }
        if self.tl.val() == 4_u64 {
            self.tl4.next = 8_u64.into();
        }
        self.short.next = self.vis.val() & self.mj.val().get_bit(4);
        self.mig.next = (self.tl.val() != 0_u64)
            & ((self.mode.val() == 1_u64) | (self.mode.val() == 2_u64))
            & !self.short.val();
        self.h_pad.d.next =
            self.mig.val() & (self.mode.val() == 1_u64) & self.vis.val() & self.mj.val().get_bit(5);
        self.h_lz.d.next = 0_u64.into();
        if self.mig.val() & (self.tl.val() == 2_u64) {
            self.h_lz.d.next = 1_u64.into();
        }
        if self.mig.val() & (self.tl.val() == 4_u64) {
            self.h_lz.d.next = 2_u64.into();
        }
        if self.mig.val() & (self.tl.val() == 8_u64) {
            self.h_lz.d.next = 4_u64.into();
        }
        self.h_hd.d.next = 0_u64.into();
        if self.mig.val() & self.off12.val() & (self.beat.q.val() == 0_u64) {
            self.h_hd.d.next = 2_u64.into();
        }
        if self.mig.val() & self.off12.val() & (self.beat.q.val() == 1_u64) {
            self.h_hd.d.next = 1_u64.into();
        }
        // the tag, captured from the frame's first beats at its head beat
        self.h_e0.d.next = self.ring.e0.val();
        self.h_e1.d.next = self.ring.e1.val();
        self.h_e2.d.next = self.ring.e2.val();
        self.h_off12.d.next = self.off12.val();
        self.h_vis.d.next = self.vis.val();
        self.h_mig.d.next = self.mig.val();
        self.h_mode.d.next = self.mode.val();
        self.h_tl.d.next = self.tl.val();
        self.h_tl4.d.next = self.tl4.val();
        self.h_short.d.next = self.short.val();
        self.h_beat.d.next = self.beat.q.val();
        self.h_luser.d.next = self.mj.val().get_bits::<4>(0);
        self.h_drop.d.next = self.ring.m0.val().get_bit(15);
        self.lanes.h_v.next = self.h_v.q.val();
        self.lanes.h_e0.next = self.h_e0.q.val();
        self.lanes.h_e1.next = self.h_e1.q.val();
        self.lanes.h_e2.next = self.h_e2.q.val();
        self.lanes.h_off12.next = self.h_off12.q.val();
        self.lanes.h_k.next = self.h_k.q.val();
        self.lanes.h_vis.next = self.h_vis.q.val();
        self.lanes.h_mig.next = self.h_mig.q.val();
        self.lanes.h_mode.next = self.h_mode.q.val();
        self.lanes.h_tl.next = self.h_tl.q.val();
        self.lanes.h_tl4.next = self.h_tl4.q.val();
        self.lanes.h_pad.next = self.h_pad.q.val();
        self.lanes.h_lz.next = self.h_lz.q.val();
        self.lanes.h_short.next = self.h_short.q.val();
        self.lanes.h_hd.next = self.h_hd.q.val();
        self.lanes.h_beat.next = self.h_beat.q.val();
        self.lanes.h_pos.next = self.h_pos.q.val();
        self.lanes.h_luser.next = self.h_luser.q.val();
        self.lanes.h_drop.next = self.h_drop.q.val();
        // --- credit: release a head only while the FIFO holds every beat
        // in flight (stages H, C, D) plus the next one
        self.occ.next = self.oc.q.val()
            + bit_cast::<4, 1>(self.fl.q.val().get_bit(0).into())
            + bit_cast::<4, 1>(self.fl.q.val().get_bit(1).into())
            + bit_cast::<4, 1>(self.fl.q.val().get_bit(2).into());
        // (`full` never holds while occ <= 6: a guard that costs one gate)
        self.room.d.next = (self.occ.val() <= 6_u64) & !self.fifo.full.val();
        self.pop.next = self.head_ok.val() & self.room.q.val();
        self.h_v.d.next = self.pop.val() & !self.rst.val();
        self.fl.d.next = (self.fl.q.val() << 1_u64) | bit_cast::<3, 1>(self.pop.val().into());
        self.fifo.din.next = (bit_cast::<144, 71>(self.lanes.d_user.val()) << 73_u64)
            | (bit_cast::<144, 1>(self.lanes.d_last.val().into()) << 72_u64)
            | (bit_cast::<144, 8>(self.lanes.d_keep.val()) << 64_u64)
            | bit_cast::<144, 64>(self.lanes.d_data.val());
        self.fifo.push.next = self.lanes.d_v.val();
        self.f_pop.next = !self.fifo.empty.val() & self.out.free.val();
        self.fifo.pop.next = self.f_pop.val();
        self.oc_n.next = self.oc.q.val();
        if self.lanes.d_v.val() & !self.f_pop.val() {
            self.oc_n.next = self.oc.q.val() + 1_u64;
        }
        if !self.lanes.d_v.val() & self.f_pop.val() {
            self.oc_n.next = self.oc.q.val() - 1_u64;
        }
        if self.rst.val() {
            self.oc_n.next = 0_u64.into();
        }
        self.oc.d.next = self.oc_n.val();
        self.out.load.next = self.f_pop.val();
        self.out.tdata.next = self.fifo.dout.val().get_bits::<64>(0);
        self.out.tkeep.next = self.fifo.dout.val().get_bits::<8>(64);
        self.out.tlast.next = self.fifo.dout.val().get_bit(72);
        self.out.tuser.next = self.fifo.dout.val().get_bits::<71>(73);
        // --- ring: accept while a slot will be free (registered), release
        // the head when its frame's end is known
        self.ring.clock.next = self.clock.val();
        self.ring.rst.next = self.rst.val();
        self.ring.tvalid.next = self.s_axis.tvalid.val();
        self.ring.tdata.next = self.s_axis.tdata.val();
        self.ring.meta.next = self.in_meta.val();
        self.ring.pop.next = self.pop.val();
        self.s_axis.tready.next = self.ring.tready.val();
        self.push.next = self.s_axis.tvalid.val() & self.ring.tready.val();
        if self.push.val() {
            self.ib.d.next = self.ib.q.val() + 1_u64;
            if self.ib.q.val() == 15_u64 {
                self.ib.d.next = 15_u64.into();
            }
            if self.s_axis.tlast.val() {
                self.ib.d.next = 0_u64.into();
            }
        }
        if self.pop.val() {
            self.beat.d.next = self.beat.q.val() + 1_u64;
            if self.beat.q.val() == 15_u64 {
                self.beat.d.next = 15_u64.into();
            }
            if self.ring.m0.val().get_bit(4) {
                self.beat.d.next = 0_u64.into();
            }
        }
        if self.rst.val() {
            self.beat.d.next = 0_u64.into();
            self.ib.d.next = 0_u64.into();
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
    use crate::rx::tag::{tuser, TagFormat, TagMode};
    use crate::testbench::run_stream;

    fn cfg(f: TagFormat, m: TagMode) -> u64 {
        (u64::from(f.code()) << 4) | (u64::from(m.code()) << 8)
    }

    #[test]
    fn edsa_tail_strip_pass_and_short() {
        let mut uut = TagMigrate::default();
        uut.connect_all();
        let f: Vec<u8> = (0..100u8).collect();
        let short: Vec<u8> = (0..20u8).collect();
        let frames = vec![
            (f.clone(), cfg(TagFormat::Edsa, TagMode::Tail)),
            (f.clone(), cfg(TagFormat::Edsa, TagMode::Strip)),
            (f.clone(), cfg(TagFormat::BrcmPrepend, TagMode::Strip)),
            (f.clone(), cfg(TagFormat::Edsa, TagMode::Pass)),
            (short.clone(), cfg(TagFormat::Edsa, TagMode::Strip)),
        ];
        let (out, _) = run_stream!(
            &mut uut,
            &frames,
            4,
            |u, v| {
                u.s_tuser.next = v.into();
            },
            |o| (o.m_tuser.val().to_u64(), o.m_tag.val().to_u64())
        );
        let tag = u64::from_le_bytes(f[12..20].try_into().unwrap());
        // tail: tag just before the 4-byte FCS slot, length unchanged
        let mut want: Vec<u8> = [&f[..12], &f[20..96], &f[12..20]].concat();
        assert_eq!(out[0].0[..96], want[..]);
        assert_eq!(out[0].0.len(), 100);
        assert_eq!(out[0].1, (u64::from(tuser::MIGRATED), tag));
        // strip: tag removed, frame 8 bytes shorter
        want = [&f[..12], &f[20..]].concat();
        assert_eq!(out[1].0[..88], want[..88]);
        assert_eq!(out[1].0.len(), 92);
        // prepend: the first 4 bytes go
        assert_eq!(out[2].0[..92], f[4..96]);
        assert_eq!(out[2].1 .1, u64::from_le_bytes([0, 1, 2, 3, 0, 0, 0, 0]));
        // pass: unchanged
        assert_eq!(out[3].0, f);
        // too short: unchanged, flagged
        assert_eq!(out[4].0, short);
        assert_eq!(out[4].1 .0, u64::from(tuser::TAG_SHORT | tuser::BAD));
    }
}
