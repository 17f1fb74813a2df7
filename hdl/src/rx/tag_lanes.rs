//! `TagLanes`: the two output stages of [`crate::rx::tag_migrate`]. They
//! turn one head beat of the look-ahead window, as the window stage
//! registered it (`h_*`), into one output beat.
//!
//! * Stage C: the lane masks, each a slice of the 24-bit end thermometer
//!   `h_k` shifted by a per-mode offset (no arithmetic on positions), the
//!   window shifted by the tag length, the tail tag's lane offset.
//! * Stage D: the tag placed at its lanes and the per-lane select
//!   (head bytes, shifted window, tag, zero); `d_v` when the beat has at
//!   least one byte.
//! * Fixed latency of 2 cycles, one beat per clock, no stall: the caller
//!   reserves room downstream before it loads `h_v` (a credit, see
//!   `TagMigrate`).
//! * Positions are in bytes relative to lane 0 of the head beat.

use crate::common::byte_mask::ByteMask;
use rust_hdl::prelude::*;

/// Output stages of `TagMigrate`; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct TagLanes {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// A head beat is registered in `h_*`.
    pub h_v: Signal<In, Bit>,
    /// Head beat and the beat after it (64 bits each, byte 0 in bits 7:0).
    pub h_e0: Signal<In, Bits<64>>,
    pub h_e1: Signal<In, Bits<64>>,
    /// Bytes 0..4 of the beat after `h_e1` (the end of a tag at offset 12).
    pub h_e2: Signal<In, Bits<32>>,
    /// The tag sits at byte offset 12 (else 0) of the frame.
    pub h_off12: Signal<In, Bit>,
    /// End thermometer: bit `p` set when byte `p` (0..24) precedes the
    /// frame's end (all ones when the end is not in the window).
    pub h_k: Signal<In, Bits<24>>,
    /// The frame's end is in the window.
    pub h_vis: Signal<In, Bit>,
    /// The frame is migrated (tag format set, mode strip or tail, not short).
    pub h_mig: Signal<In, Bit>,
    /// Mode (1 strip, 2 tail), tag length `tl` and `tl + 4` in bytes.
    pub h_mode: Signal<In, Bits<2>>,
    pub h_tl: Signal<In, Bits<4>>,
    pub h_tl4: Signal<In, Bits<4>>,
    /// Bytes the window shifts by, one-hot: bit 0 = 2, 1 = 4, 2 = 8 (none:
    /// 0; the tag length when migrated, else 0).
    pub h_lz: Signal<In, Bits<3>>,
    /// Stripped frame re-padded to 64 bytes at this beat.
    pub h_pad: Signal<In, Bit>,
    /// Frame too short for its tag (flagged, passed unchanged).
    pub h_short: Signal<In, Bit>,
    /// Head bytes kept in place: 0 none, 1 lanes 0..4, 2 all 8.
    pub h_hd: Signal<In, Bits<2>>,
    /// Head beat's index in its frame (saturates at 15).
    pub h_beat: Signal<In, Bits<4>>,
    /// Frame end position (bytes, 1..=24) when `h_vis`.
    pub h_pos: Signal<In, Bits<5>>,
    /// `tuser[3:0]` of the frame's last beat; drop mark of the frame.
    pub h_luser: Signal<In, Bits<4>>,
    pub h_drop: Signal<In, Bit>,
    /// An output beat (registered): data, keep, last and the sideband
    /// `{tag (64, with the last beat of a migrated frame), tuser (7)}`.
    pub d_v: Signal<Out, Bit>,
    pub d_data: Signal<Out, Bits<64>>,
    pub d_keep: Signal<Out, Bits<8>>,
    pub d_last: Signal<Out, Bit>,
    pub d_user: Signal<Out, Bits<71>>,
    c_v: DFF<Bit>,
    c_e0: DFF<Bits<64>>,
    c_win: DFF<Bits<64>>,
    c_tag: DFF<Bits<64>>,
    /// The tag of the frame in stage C, taken at its first beat.
    ftag: DFF<Bits<64>>,
    c_mh: DFF<Bits<64>>,
    c_md: DFF<Bits<8>>,
    c_mt: DFF<Bits<8>>,
    c_keep: DFF<Bits<8>>,
    c_last: DFF<Bit>,
    c_emit: DFF<Bit>,
    c_user: DFF<Bits<7>>,
    c_send: DFF<Bit>,
    c_r: DFF<Bits<5>>,
    dv: DFF<Bit>,
    dd: DFF<Bits<64>>,
    dk: DFF<Bits<8>>,
    dl: DFF<Bit>,
    du: DFF<Bits<71>>,
    md: ByteMask,
    mt: ByteMask,
    s_de: Signal<Local, Bits<5>>,
    s_te: Signal<Local, Bits<5>>,
    s_ol: Signal<Local, Bits<5>>,
    ko: Signal<Local, Bits<9>>,
    rr: Signal<Local, Bits<6>>,
    last: Signal<Local, Bit>,
    user: Signal<Local, Bits<7>>,
    tx: Signal<Local, Bits<64>>,
    tws: Signal<Local, Bits<64>>,
    tw: Signal<Local, Bits<64>>,
}

impl Logic for TagLanes {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, c_v, c_e0, c_win, c_tag, ftag, c_mh, c_md, c_mt, c_keep, c_last, c_emit,
            c_user, c_send, c_r, dv, dd, dk, dl, du
        );
        // --- stage C: per-mode offsets into the end thermometer
        self.s_de.next = 0_u64.into();
        self.s_te.next = 0_u64.into();
        self.s_ol.next = 0_u64.into();
        if self.h_mig.val() {
            if self.h_pad.val() {
                self.s_de.next = bit_cast::<5, 4>(self.h_tl4.val());
                self.s_te.next = bit_cast::<5, 4>(self.h_tl4.val());
            } else if self.h_mode.val() == 2_u64 {
                self.s_de.next = bit_cast::<5, 4>(self.h_tl4.val());
                self.s_te.next = 4_u64.into();
            } else {
                self.s_de.next = bit_cast::<5, 4>(self.h_tl.val());
                self.s_te.next = bit_cast::<5, 4>(self.h_tl.val());
                self.s_ol.next = bit_cast::<5, 4>(self.h_tl.val());
            }
        }
        self.c_md.d.next = bit_cast::<8, 24>(self.h_k.val() >> self.s_de.val());
        self.c_mt.d.next = bit_cast::<8, 24>(self.h_k.val() >> self.s_te.val());
        self.ko.next = bit_cast::<9, 24>(self.h_k.val() >> self.s_ol.val());
        if self.h_pad.val() {
            // the stripped frame ends at byte 64 (bias: the head's index)
            self.last.next = self.h_beat.val() >= 7_u64;
            self.c_emit.d.next = self.h_beat.val() < 8_u64;
            if self.h_beat.val() < 8_u64 {
                self.c_keep.d.next = 0xFF_u64.into();
            } else {
                self.c_keep.d.next = 0_u64.into();
            }
        } else {
            self.last.next = self.h_vis.val() & !self.ko.val().get_bit(8);
            self.c_emit.d.next = self.ko.val().get_bit(0);
            self.c_keep.d.next = self.ko.val().get_bits::<8>(0);
        }
        self.c_last.d.next = self.last.val();
        self.c_mh.d.next = 0_u64.into();
        if self.h_hd.val() == 1_u64 {
            self.c_mh.d.next = 0xFFFF_FFFF_u64.into();
        }
        if self.h_hd.val() == 2_u64 {
            self.c_mh.d.next = 0xFFFF_FFFF_FFFF_FFFF_u64.into();
        }
        // the window shifted by the tag length (0, 2, 4 or 8 bytes; the
        // selects are flip-flops, one-hot)
        self.c_win.d.next = self.h_e0.val();
        if self.h_lz.val().get_bit(0) {
            self.c_win.d.next = (self.h_e0.val() >> 16_u64) | (self.h_e1.val() << 48_u64);
        }
        if self.h_lz.val().get_bit(1) {
            self.c_win.d.next = (self.h_e0.val() >> 32_u64) | (self.h_e1.val() << 32_u64);
        }
        if self.h_lz.val().get_bit(2) {
            self.c_win.d.next = self.h_e1.val();
        }
        // tail: the tag starts at lane pos - tl - 4 (from -11 to 20): a right
        // shift of {tag, 8 zero bytes} by r = tl + 12 - pos bytes, 0..=16
        self.rr.next =
            (bit_cast::<6, 4>(self.h_tl4.val()) + 8_u64) - bit_cast::<6, 5>(self.h_pos.val());
        self.c_r.d.next = self.rr.val().get_bits::<5>(0);
        if self.rr.val().get_bit(5) {
            self.c_r.d.next = 0_u64.into();
        } else if self.rr.val().get_bit(4) {
            self.c_r.d.next = 16_u64.into();
        }
        // sideband: drop mark on every beat, flags on the last
        self.user.next = bit_cast::<7, 1>(self.h_drop.val().into()) << 6_u64;
        if self.last.val() {
            self.user.next = (bit_cast::<7, 1>(self.h_drop.val().into()) << 6_u64)
                | bit_cast::<7, 4>(self.h_luser.val());
            if self.h_short.val() {
                self.user.next = (bit_cast::<7, 1>(self.h_drop.val().into()) << 6_u64)
                    | bit_cast::<7, 4>(self.h_luser.val())
                    | 0x11_u64;
            }
            if self.h_mig.val() {
                self.user.next = (bit_cast::<7, 1>(self.h_drop.val().into()) << 6_u64)
                    | bit_cast::<7, 4>(self.h_luser.val())
                    | 0x20_u64;
            }
        }
        self.c_user.d.next = self.user.val();
        self.c_send.d.next = self.h_mig.val() & self.last.val();
        self.c_e0.d.next = self.h_e0.val();
        // the tag: bytes 0.. or 12.. of the frame's first beats, tl bytes
        self.tws.next = self.h_e0.val();
        if self.h_off12.val() {
            self.tws.next =
                (self.h_e1.val() >> 32_u64) | (bit_cast::<64, 32>(self.h_e2.val()) << 32_u64);
        }
        self.tw.next = self.tws.val();
        if self.h_tl.val() == 0_u64 {
            self.tw.next = 0_u64.into();
        }
        if self.h_tl.val() == 2_u64 {
            self.tw.next = self.tws.val() & 0xFFFF_u64;
        }
        if self.h_tl.val() == 4_u64 {
            self.tw.next = self.tws.val() & 0xFFFF_FFFF_u64;
        }
        self.c_tag.d.next = self.ftag.q.val();
        if self.h_beat.val() == 0_u64 {
            self.c_tag.d.next = self.tw.val();
            if self.h_v.val() {
                self.ftag.d.next = self.tw.val();
            }
        }
        self.c_v.d.next = self.h_v.val() & !self.rst.val();
        // --- stage D: place the tag, select each lane
        self.md.lanes.next = self.c_md.q.val();
        self.mt.lanes.next = self.c_mt.q.val();
        self.tx.next = bit_cast::<64, 128>(
            (bit_cast::<128, 64>(self.c_tag.q.val()) << 64_u64)
                >> (bit_cast::<8, 5>(self.c_r.q.val()) << 3_u64),
        );
        self.dd.d.next = (self.c_e0.q.val() & self.c_mh.q.val())
            | (self.c_win.q.val() & self.md.mask.val() & !self.c_mh.q.val())
            | (self.tx.val() & self.mt.mask.val() & !self.md.mask.val());
        self.dk.d.next = self.c_keep.q.val();
        self.dl.d.next = self.c_last.q.val();
        if self.c_send.q.val() {
            self.du.d.next = (bit_cast::<71, 64>(self.c_tag.q.val()) << 7_u64)
                | bit_cast::<71, 7>(self.c_user.q.val());
        } else {
            self.du.d.next = bit_cast::<71, 7>(self.c_user.q.val());
        }
        self.dv.d.next = self.c_v.q.val() & self.c_emit.q.val() & !self.rst.val();
        self.d_v.next = self.dv.q.val();
        self.d_data.next = self.dd.q.val();
        self.d_keep.next = self.dk.q.val();
        self.d_last.next = self.dl.q.val();
        self.d_user.next = self.du.q.val();
    }
}
