//! `TailCapture`: the write side of the open board's reverse migration
//! (CPU port to switch port), in the CPU-side MAC's receive clock. It
//! watches the beats [`crate::board::rgmii::GmiiRx`] hands to the frame
//! FIFO and, per frame the FIFO keeps, writes one descriptor for
//! [`crate::board::bump::TagRewrite`]: the frame's length, whether its FCS
//! was good, and the tag the CPU put at its tail (Linux `rtl8_4t` layout:
//! the tag's bytes just before the FCS, `net/dsa/tag_rtl8_4.c`).
//!
//! * In: `s_tdata` (64 bits, byte 0 in bits 7:0), `s_tkeep`, `s_tvalid`,
//!   `s_tlast`: at most one beat every 8 clocks (GmiiRx's rate).
//!   `cfg_tag_format` (4 bits) and `cfg_tag_mode` (2 bits), sampled at
//!   a frame's first beat. `kept`: the FIFO's commit pulse for the frame
//!   (the clock after its last beat). `desc_room`: the descriptor FIFO
//!   is not full.
//! * `force_drop`: high at a frame's last beat when the descriptor FIFO
//!   had no room at its first (OR it into the FIFO's `s_tuser`, so data
//!   and descriptors never part).
//! * How: each beat's bytes go one a clock (8 clocks a beat at most, the
//!   next beat's pace) through a CRC-32 byte step and a 12-byte tail
//!   shift register. After the last byte the register holds the FCS in
//!   its top 4 bytes and the tag (2, 4 or 8 bytes) below them.
//! * `d_valid` (one clock, at most 9 clocks after the last beat) with
//!   `d_data` (85 bits): [63:0] the tag (wire order, byte 0 in bits 7:0,
//!   zero beyond its length), [77:64] length in bytes with FCS
//!   (saturating at 16,383), [78] restore (mode tail, a format with a tag,
//!   and at least 14 + tag + 4 bytes), [79] FCS bad (IEEE 802.3 clause
//!   3.2.9 residue check), [80] the tag goes after the source MAC (byte
//!   12, else before the destination MAC), [84:81] tag length in bytes.
//!   `ev_short` pulses with a descriptor whose frame was too short for
//!   its tag in mode tail.

use crate::common::crc_lanes::Crc32Lanes;
use crate::common::keep::KeepCount;
use rust_hdl::prelude::*;

/// Width of [`TailCapture`]'s descriptor, bits.
pub const DESC_BITS: usize = 85;

/// Reverse migration, write side; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct TailCapture {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub s_tdata: Signal<In, Bits<64>>,
    pub s_tkeep: Signal<In, Bits<8>>,
    pub s_tvalid: Signal<In, Bit>,
    pub s_tlast: Signal<In, Bit>,
    pub cfg_tag_format: Signal<In, Bits<4>>,
    pub cfg_tag_mode: Signal<In, Bits<2>>,
    pub kept: Signal<In, Bit>,
    pub desc_room: Signal<In, Bit>,
    pub force_drop: Signal<Out, Bit>,
    pub d_valid: Signal<Out, Bit>,
    pub d_data: Signal<Out, Bits<85>>,
    pub ev_short: Signal<Out, Bit>,
    keep: KeepCount,
    crc_step: Crc32Lanes,
    /// The beat being stepped (byte 0 at the bottom), its bytes left,
    /// whether it is its frame's last.
    sh: DFF<Bits<64>>,
    n: DFF<Bits<4>>,
    last: DFF<Bit>,
    /// CRC register (raw), the last 12 bytes (newest at the top), length.
    crc: DFF<Bits<32>>,
    tail: DFF<Bits<96>>,
    len: DFF<Bits<14>>,
    /// The next beat is a frame's first; the frame had no descriptor room.
    first: DFF<Bit>,
    noroom: DFF<Bit>,
    fmt: DFF<Bits<4>>,
    mode: DFF<Bits<2>>,
    /// The FIFO kept the frame; its last byte was stepped last clock.
    kept_q: DFF<Bit>,
    fin: DFF<Bit>,
    d_valid_q: DFF<Bit>,
    d_data_q: DFF<Bits<85>>,
    short_q: DFF<Bit>,
    step: Signal<Local, Bit>,
    tag: Signal<Local, Bits<64>>,
    restore: Signal<Local, Bit>,
    tl: Signal<Local, Bits<4>>,
    off12: Signal<Local, Bit>,
}

impl Logic for TailCapture {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, sh, n, last, crc, tail, len, first, noroom, fmt, mode, kept_q, fin,
            d_valid_q, d_data_q, short_q
        );
        self.keep.tkeep.next = self.s_tkeep.val();
        // the format's tag: length and place (regmap::tag::TagFormat)
        self.tl.next = 4_u64.into();
        self.off12.next = true;
        if (self.fmt.q.val() == 0_u64) | (self.fmt.q.val() > 9_u64) {
            self.tl.next = 0_u64.into();
            self.off12.next = false;
        }
        if (self.fmt.q.val() == 2_u64) | (self.fmt.q.val() == 7_u64) {
            self.off12.next = false;
        }
        if (self.fmt.q.val() == 4_u64) | (self.fmt.q.val() == 9_u64) {
            self.tl.next = 8_u64.into();
        }
        if (self.fmt.q.val() == 6_u64) | (self.fmt.q.val() == 7_u64) {
            self.tl.next = 2_u64.into();
        }
        self.crc_step.crc_in.next = self.crc.q.val();
        self.crc_step.data.next = self.sh.q.val();
        self.crc_step.nbytes.next = 1_u64.into();
        self.step.next = self.n.q.val() != 0_u64;
        // a byte a clock from the beat
        if self.step.val() {
            self.crc.d.next = self.crc_step.crc_out.val();
            self.tail.d.next = (self.tail.q.val() >> 8_u64)
                | (bit_cast::<96, 8>(self.sh.q.val().get_bits::<8>(0)) << 88_u64);
            if self.len.q.val() != 16383_u64 {
                self.len.d.next = self.len.q.val() + 1_u64;
            }
            self.sh.d.next = self.sh.q.val() >> 8_u64;
            self.n.d.next = self.n.q.val() - 1_u64;
        }
        self.fin.d.next = self.step.val() & (self.n.q.val() == 1_u64) & self.last.q.val();
        // a beat arrives (the one before has at most its last byte left)
        if self.s_tvalid.val() {
            self.sh.d.next = self.s_tdata.val();
            self.n.d.next = self.keep.count.val();
            self.last.d.next = self.s_tlast.val();
            self.first.d.next = self.s_tlast.val();
            if self.first.q.val() {
                self.crc.d.next = 0xFFFF_FFFF_u64.into();
                self.len.d.next = 0_u64.into();
                self.noroom.d.next = !self.desc_room.val();
                self.fmt.d.next = self.cfg_tag_format.val();
                self.mode.d.next = self.cfg_tag_mode.val();
            }
        }
        if self.first.q.val() {
            self.force_drop.next = !self.desc_room.val();
        } else {
            self.force_drop.next = self.noroom.q.val();
        }
        if self.kept.val() {
            self.kept_q.d.next = true;
        }
        // the descriptor, the clock after the last byte
        self.tag.next = self.tail.q.val().get_bits::<64>(0);
        if self.tl.val() == 4_u64 {
            self.tag.next = bit_cast::<64, 32>(self.tail.q.val().get_bits::<32>(32));
        }
        if self.tl.val() == 2_u64 {
            self.tag.next = bit_cast::<64, 16>(self.tail.q.val().get_bits::<16>(48));
        }
        self.restore.next = (self.mode.q.val() == 2_u64)
            & (self.tl.val() != 0_u64)
            & (self.len.q.val() >= bit_cast::<14, 4>(self.tl.val()) + 18_u64);
        self.d_valid_q.d.next = self.fin.q.val() & self.kept_q.q.val();
        self.short_q.d.next = self.fin.q.val()
            & self.kept_q.q.val()
            & (self.mode.q.val() == 2_u64)
            & (self.tl.val() != 0_u64)
            & !self.restore.val();
        if self.fin.q.val() {
            self.kept_q.d.next = false;
            self.d_data_q.d.next = bit_cast::<85, 64>(self.tag.val())
                | (bit_cast::<85, 14>(self.len.q.val()) << 64_u64)
                | (bit_cast::<85, 1>(self.restore.val().into()) << 78_u64)
                | (bit_cast::<85, 1>((self.crc.q.val() != 0xDEBB_20E3_u64).into()) << 79_u64)
                | (bit_cast::<85, 1>(self.off12.val().into()) << 80_u64)
                | (bit_cast::<85, 4>(self.tl.val()) << 81_u64);
        }
        if self.rst.val() {
            self.n.d.next = 0_u64.into();
            self.first.d.next = true;
            self.kept_q.d.next = false;
            self.fin.d.next = false;
            self.d_valid_q.d.next = false;
            self.short_q.d.next = false;
        }
        self.d_valid.next = self.d_valid_q.q.val();
        self.d_data.next = self.d_data_q.q.val();
        self.ev_short.next = self.short_q.q.val();
    }
}
