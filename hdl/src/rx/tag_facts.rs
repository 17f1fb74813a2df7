//! `TagBeatFacts`: what [`crate::rx::tag_migrate`] needs to know about a
//! beat as it enters, were it its frame's last: the tag's length and
//! place for the frame's format, whether the frame is too short for its
//! tag, whether a strip must pad it back to 64 bytes. Computed from
//! `tkeep` and the beat's index, with no byte-count adder, so the window
//! stage only selects.
//!
//! A frame of `8 * ib + c` bytes (`c` = 1..=8 bytes in its last beat,
//! index `ib`) is short when it has fewer than `tl + 18` bytes (Ethernet
//! header 14, tag, FCS 4) and is padded by a strip when
//! `64 <= bytes < 64 + tl`; `c <= n` exactly when `tkeep[n]` is 0.

use rust_hdl::prelude::*;

/// Per-beat end-of-frame facts of `TagMigrate` (combinational).
///
/// * `fmt` (4 bits): `cfg_tag_format` code ([`crate::rx::tag::TagFormat`];
///   10..=15 act as none). `kodd` (4 bits): `tkeep[1]`, `[3]`, `[5]`,
///   `[7]` of the beat (`tkeep` contiguous from lane 0; only the odd
///   lanes decide).
///   `ib` (4 bits): the beat's index in its frame, saturating at 15.
/// * `tl` (4 bits): tag length in bytes (0, 2, 4 or 8); `off12`: the tag
///   follows the source MAC (byte 12), else it leads the frame.
/// * `short`, `padc`: as in the module documentation, if this beat is
///   the frame's last.
#[derive(LogicBlock, Default)]
pub struct TagBeatFacts {
    pub fmt: Signal<In, Bits<4>>,
    pub kodd: Signal<In, Bits<4>>,
    pub ib: Signal<In, Bits<4>>,
    pub tl: Signal<Out, Bits<4>>,
    pub off12: Signal<Out, Bit>,
    pub short: Signal<Out, Bit>,
    pub padc: Signal<Out, Bit>,
    l_tl: Signal<Local, Bits<4>>,
    l_off: Signal<Local, Bit>,
    l_short: Signal<Local, Bit>,
    l_padc: Signal<Local, Bit>,
}

impl Logic for TagBeatFacts {
    #[hdl_gen]
    fn update(&mut self) {
        // (locals first: each output is assigned once, crate::comb_once)
        self.l_tl.next = 4_u64.into();
        self.l_off.next = true;
        if (self.fmt.val() == 0_u64) | (self.fmt.val() > 9_u64) {
            self.l_tl.next = 0_u64.into();
            self.l_off.next = false;
        }
        if self.fmt.val() == 2_u64 {
            self.l_off.next = false;
        }
        if (self.fmt.val() == 4_u64) | (self.fmt.val() == 9_u64) {
            self.l_tl.next = 8_u64.into();
        }
        if self.fmt.val() == 6_u64 {
            self.l_tl.next = 2_u64.into();
        }
        if self.fmt.val() == 7_u64 {
            self.l_tl.next = 2_u64.into();
            self.l_off.next = false;
        }
        // short: bytes <= tl + 17; beats 0, 1 always, 2 and 3 by tkeep
        self.l_short.next = self.ib.val() <= 1_u64;
        if self.ib.val() == 2_u64 {
            self.l_short.next = (self.l_tl.val() == 8_u64)
                | ((self.l_tl.val() == 0_u64) & !self.kodd.val().get_bit(0))
                | ((self.l_tl.val() == 2_u64) & !self.kodd.val().get_bit(1))
                | ((self.l_tl.val() == 4_u64) & !self.kodd.val().get_bit(2));
        }
        if self.ib.val() == 3_u64 {
            self.l_short.next = (self.l_tl.val() == 8_u64) & !self.kodd.val().get_bit(0);
        }
        // padded by a strip: 64 <= bytes < 64 + tl, so beat 7 full or beat 8
        self.l_padc.next =
            (self.ib.val() == 7_u64) & self.kodd.val().get_bit(3) & (self.l_tl.val() != 0_u64);
        if self.ib.val() == 8_u64 {
            self.l_padc.next = ((self.l_tl.val() == 2_u64) & !self.kodd.val().get_bit(0))
                | ((self.l_tl.val() == 4_u64) & !self.kodd.val().get_bit(1))
                | ((self.l_tl.val() == 8_u64) & !self.kodd.val().get_bit(3));
        }
        self.tl.next = self.l_tl.val();
        self.off12.next = self.l_off.val();
        self.short.next = self.l_short.val();
        self.padc.next = self.l_padc.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rx::tag::TagFormat;

    /// Every format code, byte count and beat index against the byte
    /// arithmetic and the formats' table.
    #[test]
    fn equals_the_byte_arithmetic_for_every_case() {
        let mut uut = TagBeatFacts::default();
        uut.connect_all();
        for code in 0..16u8 {
            let f = TagFormat::from_code(code);
            let tl = f.len();
            for ib in 0..16usize {
                for c in 1..=8usize {
                    uut.fmt.next = u64::from(code).into();
                    let keep = (1u64 << c) - 1;
                    let odd = (0..4).fold(0, |o, i| o | (keep >> (2 * i + 1) & 1) << i);
                    uut.kodd.next = odd.into();
                    uut.ib.next = (ib as u64).into();
                    assert!(simulate(&mut uut, 10));
                    let bytes = 8 * ib + c;
                    let what = format!("{f:?} ib {ib} c {c}");
                    assert_eq!(uut.tl.val().index(), tl, "{what}");
                    assert_eq!(uut.off12.val(), f.offset() == 12, "{what}");
                    assert_eq!(uut.short.val(), bytes < tl + 18, "{what}");
                    let pad = bytes >= 64 && bytes < 64 + tl;
                    assert_eq!(uut.padc.val(), pad, "{what}");
                }
            }
        }
    }
}
