//! `TagMigrate`: moves a switch's DSA tag out of the Ethernet header.
//!
//! * Bus: AXI4-Stream, 64-bit, frames *with* their 4-byte FCS slot at the end.
//!   The slot's content on output is meaningless (zero or the old FCS):
//!   [`crate::rx::fcs_insert::FcsInsert`] overwrites it.
//! * Format and mode come per frame in `s_tuser[7:4]` / `s_tuser[9:8]`
//!   (sampled by `FcsCheck` at the first beat); see [`crate::rx::tag`].
//! * Modes: pass (unchanged); strip (tag removed, delivered on `m_tag` with
//!   the `tlast` beat; a frame of at least 64 bytes that shrinks below is
//!   zero-padded to 64); tail (tag moved just before the FCS slot). A frame
//!   shorter than 14 + tag + 4 bytes passes unchanged with `TAG_SHORT` and
//!   `BAD` set in `m_tuser`.
//! * How: a three-beat look-ahead window (`e0` head, `e1`, `e2`). The head is
//!   emitted once the frame's end is either inside the window or more than two
//!   beats away; then every byte position relative to the head beat is known:
//!   `[0,hd)` head bytes kept, `[hd,de)` bytes copied from the window shifted
//!   by the tag length, `[de,te)` tag bytes (tail), the rest zero (pad/slot).
//!   Positions are computed biased by +16 so they stay unsigned.
//! * Latency: 4 cycles from a beat's acceptance to its output at line rate;
//!   one beat accepted per clock, back-to-back frames, no bubble, any mode.

use crate::common::axis::{AxisMaster64, AxisSlave64};
use crate::common::axis_out::AxisOutReg64;
use crate::common::keep::KeepCount;
use rust_hdl::prelude::*;

/// DSA tag migration stage; see the module documentation.
#[derive(LogicBlock)]
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
    // window: data, and meta = [3:0] byte count, [4] last,
    // [15:5] user (3:0 flags, 7:4 format, 9:8 mode, 10 drop)
    e0: DFF<Bits<64>>,
    e1: DFF<Bits<64>>,
    e2: DFF<Bits<64>>,
    m0: DFF<Bits<16>>,
    m1: DFF<Bits<16>>,
    m2: DFF<Bits<16>>,
    wc: DFF<Bits<2>>,
    beat: DFF<Bits<4>>,
    tag: DFF<Bits<64>>,
    /// Output skid buffer; sideband = {tag (64), tuser (7)}.
    out: AxisOutReg64<71>,
    in_meta: Signal<Local, Bits<16>>,
    e0d: Signal<Local, Bits<64>>,
    e1d: Signal<Local, Bits<64>>,
    e2d: Signal<Local, Bits<64>>,
    e0u: Signal<Local, Bits<11>>,
    luser: Signal<Local, Bits<4>>,
    head_ok: Signal<Local, Bit>,
    vis: Signal<Local, Bit>,
    rem_b: Signal<Local, Bits<7>>,
    nabs: Signal<Local, Bits<8>>,
    fmt: Signal<Local, Bits<4>>,
    mode: Signal<Local, Bits<2>>,
    tl: Signal<Local, Bits<7>>,
    off12: Signal<Local, Bit>,
    short: Signal<Local, Bit>,
    mig: Signal<Local, Bit>,
    lz: Signal<Local, Bits<7>>,
    pad: Signal<Local, Bit>,
    hd_b: Signal<Local, Bits<7>>,
    de_b: Signal<Local, Bits<7>>,
    te_b: Signal<Local, Bits<7>>,
    ol_b: Signal<Local, Bits<7>>,
    hd: Signal<Local, Bits<7>>,
    de: Signal<Local, Bits<7>>,
    te: Signal<Local, Bits<7>>,
    ol: Signal<Local, Bits<7>>,
    mh: Signal<Local, Bits<64>>,
    md: Signal<Local, Bits<64>>,
    mt: Signal<Local, Bits<64>>,
    win: Signal<Local, Bits<64>>,
    tw: Signal<Local, Bits<64>>,
    tagsrc: Signal<Local, Bits<64>>,
    tx: Signal<Local, Bits<64>>,
    out_data: Signal<Local, Bits<64>>,
    out_emit: Signal<Local, Bit>,
    out_last: Signal<Local, Bit>,
    out_user: Signal<Local, Bits<7>>,
    pop: Signal<Local, Bit>,
    push: Signal<Local, Bit>,
    widx: Signal<Local, Bits<2>>,
    ones: Constant<Bits<64>>,
    ones8: Constant<Bits<8>>,
}

impl Default for TagMigrate {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            rst: Default::default(),
            s_axis: Default::default(),
            s_tuser: Default::default(),
            m_axis: Default::default(),
            m_tuser: Default::default(),
            m_tag: Default::default(),
            keep: Default::default(),
            e0: Default::default(),
            e1: Default::default(),
            e2: Default::default(),
            m0: Default::default(),
            m1: Default::default(),
            m2: Default::default(),
            wc: Default::default(),
            beat: Default::default(),
            tag: Default::default(),
            out: Default::default(),
            in_meta: Default::default(),
            e0d: Default::default(),
            e1d: Default::default(),
            e2d: Default::default(),
            e0u: Default::default(),
            luser: Default::default(),
            head_ok: Default::default(),
            vis: Default::default(),
            rem_b: Default::default(),
            nabs: Default::default(),
            fmt: Default::default(),
            mode: Default::default(),
            tl: Default::default(),
            off12: Default::default(),
            short: Default::default(),
            mig: Default::default(),
            lz: Default::default(),
            pad: Default::default(),
            hd_b: Default::default(),
            de_b: Default::default(),
            te_b: Default::default(),
            ol_b: Default::default(),
            hd: Default::default(),
            de: Default::default(),
            te: Default::default(),
            ol: Default::default(),
            mh: Default::default(),
            md: Default::default(),
            mt: Default::default(),
            win: Default::default(),
            tw: Default::default(),
            tagsrc: Default::default(),
            tx: Default::default(),
            out_data: Default::default(),
            out_emit: Default::default(),
            out_last: Default::default(),
            out_user: Default::default(),
            pop: Default::default(),
            push: Default::default(),
            widx: Default::default(),
            ones: Constant::new(u64::MAX.into()),
            ones8: Constant::new(0xFF_u64.into()),
        }
    }
}

impl Logic for TagMigrate {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, e0, e1, e2, m0, m1, m2, wc, beat, tag);
        self.out.clock.next = self.clock.val();
        self.out.rst.next = self.rst.val();
        self.keep.tkeep.next = self.s_axis.tkeep.val();
        self.in_meta.next = bit_cast::<16, 4>(self.keep.count.val())
            | (bit_cast::<16, 1>(self.s_axis.tlast.val().into()) << 4_u64)
            | (bit_cast::<16, 11>(self.s_tuser.val()) << 5_u64);
        self.e0d.next = self.e0.q.val();
        self.e1d.next = self.e1.q.val();
        self.e2d.next = self.e2.q.val();
        self.e0u.next = self.m0.q.val().get_bits::<11>(5);
        // --- where does the frame end, relative to the head beat (+16)?
        self.head_ok.next = false;
        self.vis.next = false;
        self.rem_b.next = 100_u64.into();
        self.luser.next = self.e0u.val().get_bits::<4>(0);
        if self.wc.q.val() == 3_u64 {
            self.head_ok.next = true;
            if self.m2.q.val().get_bit(4) {
                self.vis.next = true;
                self.rem_b.next = bit_cast::<7, 4>(self.m2.q.val().get_bits::<4>(0)) + 32_u64;
                self.luser.next = self.m2.q.val().get_bits::<4>(5);
            }
        }
        if (self.wc.q.val() >= 2_u64) & self.m1.q.val().get_bit(4) {
            self.head_ok.next = true;
            self.vis.next = true;
            self.rem_b.next = bit_cast::<7, 4>(self.m1.q.val().get_bits::<4>(0)) + 24_u64;
            self.luser.next = self.m1.q.val().get_bits::<4>(5);
        }
        if (self.wc.q.val() >= 1_u64) & self.m0.q.val().get_bit(4) {
            self.head_ok.next = true;
            self.vis.next = true;
            self.rem_b.next = bit_cast::<7, 4>(self.m0.q.val().get_bits::<4>(0)) + 16_u64;
            self.luser.next = self.e0u.val().get_bits::<4>(0);
        }
        self.nabs.next = (bit_cast::<8, 4>(self.beat.q.val()) << 3_u64)
            + bit_cast::<8, 7>(self.rem_b.val())
            - 16_u64;
        // --- tag format and mode of this frame
        self.fmt.next = self.e0u.val().get_bits::<4>(4);
        self.mode.next = self.e0u.val().get_bits::<2>(8);
        self.tl.next = 4_u64.into();
        self.off12.next = true;
        if (self.fmt.val() == 0_u64) | (self.fmt.val() > 9_u64) {
            self.tl.next = 0_u64.into();
            self.off12.next = false;
        }
        if self.fmt.val() == 2_u64 {
            self.off12.next = false;
        }
        if (self.fmt.val() == 4_u64) | (self.fmt.val() == 9_u64) {
            self.tl.next = 8_u64.into();
        }
        if self.fmt.val() == 6_u64 {
            self.tl.next = 2_u64.into();
        }
        if self.fmt.val() == 7_u64 {
            self.tl.next = 2_u64.into();
            self.off12.next = false;
        }
        self.short.next =
            self.vis.val() & (self.nabs.val() < (bit_cast::<8, 7>(self.tl.val()) + 18_u64));
        self.mig.next = (self.tl.val() != 0_u64)
            & ((self.mode.val() == 1_u64) | (self.mode.val() == 2_u64))
            & !self.short.val();
        self.lz.next = 0_u64.into();
        if self.mig.val() {
            self.lz.next = self.tl.val();
        }
        self.pad.next = self.mig.val()
            & (self.mode.val() == 1_u64)
            & self.vis.val()
            & (self.beat.q.val() != 15_u64)
            & (self.nabs.val() >= 64_u64)
            & ((self.nabs.val() - bit_cast::<8, 7>(self.tl.val())) < 64_u64);
        // --- region boundaries, relative to the head beat, biased by +16
        self.hd_b.next = 16_u64.into();
        if self.mig.val() & self.off12.val() & (self.beat.q.val() == 0_u64) {
            self.hd_b.next = 24_u64.into();
        }
        if self.mig.val() & self.off12.val() & (self.beat.q.val() == 1_u64) {
            self.hd_b.next = 20_u64.into();
        }
        self.de_b.next = self.rem_b.val();
        self.ol_b.next = self.rem_b.val();
        if self.mig.val() & (self.mode.val() == 1_u64) {
            self.de_b.next = self.rem_b.val() - self.lz.val();
            self.ol_b.next = self.rem_b.val() - self.lz.val();
        }
        if self.mig.val() & (self.mode.val() == 2_u64) {
            self.de_b.next = self.rem_b.val() - self.lz.val() - 4_u64;
        }
        if self.pad.val() {
            self.de_b.next = self.rem_b.val() - self.lz.val() - 4_u64;
            self.ol_b.next = 80_u64 - (bit_cast::<7, 4>(self.beat.q.val()) << 3_u64);
        }
        self.te_b.next = self.de_b.val();
        if self.mig.val() & (self.mode.val() == 2_u64) {
            self.te_b.next = self.rem_b.val() - 4_u64;
        }
        if !self.vis.val() {
            self.de_b.next = 100_u64.into();
            self.te_b.next = 100_u64.into();
            self.ol_b.next = 100_u64.into();
        }
        // --- clamp to lane counts 0..=8
        self.hd.next = self.hd_b.val() - 16_u64;
        self.de.next = 8_u64.into();
        if self.de_b.val() <= 16_u64 {
            self.de.next = 0_u64.into();
        }
        if (self.de_b.val() > 16_u64) & (self.de_b.val() < 24_u64) {
            self.de.next = self.de_b.val() - 16_u64;
        }
        self.te.next = 8_u64.into();
        if self.te_b.val() <= 16_u64 {
            self.te.next = 0_u64.into();
        }
        if (self.te_b.val() > 16_u64) & (self.te_b.val() < 24_u64) {
            self.te.next = self.te_b.val() - 16_u64;
        }
        self.ol.next = 8_u64.into();
        if self.ol_b.val() <= 16_u64 {
            self.ol.next = 0_u64.into();
        }
        if (self.ol_b.val() > 16_u64) & (self.ol_b.val() < 24_u64) {
            self.ol.next = self.ol_b.val() - 16_u64;
        }
        self.mh.next = !(self.ones.val() << (self.hd.val() << 3_u64));
        self.md.next = !(self.ones.val() << (self.de.val() << 3_u64));
        self.mt.next = !(self.ones.val() << (self.te.val() << 3_u64));
        // --- data: window shifted by the tag length; tag: captured at beat 0
        self.win.next = (self.e0d.val() >> (self.lz.val() << 3_u64))
            | (self.e1d.val() << (64_u64 - (self.lz.val() << 3_u64)));
        self.tw.next = self.e0d.val() & !(self.ones.val() << (self.tl.val() << 3_u64));
        if self.off12.val() {
            self.tw.next = ((self.e1d.val() >> 32_u64) | (self.e2d.val() << 32_u64))
                & !(self.ones.val() << (self.tl.val() << 3_u64));
        }
        self.tagsrc.next = self.tag.q.val();
        if self.beat.q.val() == 0_u64 {
            self.tagsrc.next = self.tw.val();
        }
        // tag byte at lane i is tag[i - de]: shift left by de, or right by -de
        self.tx.next = self.tagsrc.val() << (self.de.val() << 3_u64);
        if self.de_b.val() < 16_u64 {
            self.tx.next = self.tagsrc.val() >> ((16_u64 - self.de_b.val()) << 3_u64);
        }
        self.out_data.next = (self.e0d.val() & self.mh.val())
            | (self.win.val() & self.md.val() & !self.mh.val())
            | (self.tx.val() & self.mt.val() & !self.md.val());
        self.out_emit.next = self.ol.val() != 0_u64;
        self.out_last.next = self.vis.val() & (self.ol_b.val() <= 24_u64);
        // bit 6: drop mark of the frame, on every beat
        self.out_user.next = bit_cast::<7, 1>(self.e0u.val().get_bit(10).into()) << 6_u64;
        if self.out_last.val() {
            self.out_user.next = (bit_cast::<7, 1>(self.e0u.val().get_bit(10).into()) << 6_u64)
                | bit_cast::<7, 4>(self.luser.val());
            if self.short.val() {
                self.out_user.next = (bit_cast::<7, 1>(self.e0u.val().get_bit(10).into()) << 6_u64)
                    | bit_cast::<7, 4>(self.luser.val())
                    | 0x11_u64;
            }
            if self.mig.val() {
                self.out_user.next = (bit_cast::<7, 1>(self.e0u.val().get_bit(10).into()) << 6_u64)
                    | bit_cast::<7, 4>(self.luser.val())
                    | 0x20_u64;
            }
        }
        // --- handshakes
        self.pop.next = self.head_ok.val() & (!self.out_emit.val() | self.out.free.val());
        self.s_axis.tready.next = (self.wc.q.val() != 3_u64) | self.pop.val();
        self.push.next = self.s_axis.tvalid.val() & self.s_axis.tready.val();
        self.out.load.next = self.pop.val() & self.out_emit.val();
        self.out.tdata.next = self.out_data.val();
        self.out.tkeep.next = !(self.ones8.val() << self.ol.val());
        self.out.tlast.next = self.out_last.val();
        // the migrated tag rides with the last beat of a migrated frame
        if self.mig.val() & self.out_last.val() {
            self.out.tuser.next = (bit_cast::<71, 64>(self.tagsrc.val()) << 7_u64)
                | bit_cast::<71, 7>(self.out_user.val());
        } else {
            self.out.tuser.next = bit_cast::<71, 7>(self.out_user.val());
        }
        self.widx.next = self.wc.q.val();
        if self.pop.val() {
            self.widx.next = self.wc.q.val() - 1_u64;
            self.e0.d.next = self.e1.q.val();
            self.e1.d.next = self.e2.q.val();
            self.m0.d.next = self.m1.q.val();
            self.m1.d.next = self.m2.q.val();
            self.beat.d.next = self.beat.q.val() + 1_u64;
            if self.beat.q.val() == 15_u64 {
                self.beat.d.next = 15_u64.into();
            }
            if self.m0.q.val().get_bit(4) {
                self.beat.d.next = 0_u64.into();
            }
            if self.beat.q.val() == 0_u64 {
                self.tag.d.next = self.tw.val();
            }
        }
        if self.push.val() {
            if self.widx.val() == 0_u64 {
                self.e0.d.next = self.s_axis.tdata.val();
                self.m0.d.next = self.in_meta.val();
            }
            if self.widx.val() == 1_u64 {
                self.e1.d.next = self.s_axis.tdata.val();
                self.m1.d.next = self.in_meta.val();
            }
            if self.widx.val() == 2_u64 {
                self.e2.d.next = self.s_axis.tdata.val();
                self.m2.d.next = self.in_meta.val();
            }
        }
        self.wc.d.next = self.widx.val();
        if self.push.val() {
            self.wc.d.next = self.widx.val() + 1_u64;
        }
        if self.rst.val() {
            self.wc.d.next = 0_u64.into();
            self.beat.d.next = 0_u64.into();
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
