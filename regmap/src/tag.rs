//! Switch-tag (DSA tag) formats, migration modes and the `tuser` flag bits.
//!
//! Tag positions and lengths follow Linux `net/dsa/tag_*.c`; the encodings
//! below are the values of the tag-format (bits 7:4) and tag-mode (bits 9:8)
//! fields of `datapath.CTRL` (see [`crate::ctrl`]). Both are sampled when a
//! frame's first beat is accepted on `s_axis`, so a change never tears a
//! frame.

use std::fmt;
use std::str::FromStr;

/// A switch tag format: where the tag sits and how long it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TagFormat {
    /// No tag: frames are only FCS-checked and re-FCSed.
    None,
    /// Broadcom, 4 bytes after the source MAC (`tag_brcm.c`).
    Brcm,
    /// Broadcom, 4 bytes before the destination MAC (`tag_brcm.c`, prepend).
    BrcmPrepend,
    /// Marvell DSA, 4 bytes after the source MAC (`tag_dsa.c`).
    Dsa,
    /// Marvell EDSA, 8 bytes after the source MAC: EtherType 0xDADA, 0x0000, DSA.
    Edsa,
    /// MediaTek, 4 bytes after the source MAC (`tag_mtk.c`).
    Mtk,
    /// Qualcomm, 2 bytes after the source MAC (`tag_qca.h`).
    Qca,
    /// Atheros AR9331, 2 bytes before the destination MAC, little-endian (`tag_ar9331.c`).
    Ar9331,
    /// Realtek RTL4A, 4 bytes after the source MAC, EtherType 0x8899 (`tag_rtl4_a.c`).
    Rtl4a,
    /// Realtek RTL8_4, 8 bytes after the source MAC, EtherType 0x8899 (`tag_rtl8_4.c`).
    Rtl8_4,
}

impl TagFormat {
    /// Every format, in `cfg_tag_format` code order.
    pub const ALL: [TagFormat; 10] = [
        TagFormat::None,
        TagFormat::Brcm,
        TagFormat::BrcmPrepend,
        TagFormat::Dsa,
        TagFormat::Edsa,
        TagFormat::Mtk,
        TagFormat::Qca,
        TagFormat::Ar9331,
        TagFormat::Rtl4a,
        TagFormat::Rtl8_4,
    ];

    /// The 4-bit `cfg_tag_format` code (0..=9; 10..=15 act as `none`).
    pub fn code(self) -> u8 {
        Self::ALL.iter().position(|f| *f == self).unwrap_or(0) as u8
    }

    /// Decodes a `cfg_tag_format` code; unknown codes are `None`.
    pub fn from_code(code: u8) -> TagFormat {
        Self::ALL
            .get(usize::from(code))
            .copied()
            .unwrap_or(TagFormat::None)
    }

    /// Byte offset of the tag in the frame: 0 (before the destination MAC) or
    /// 12 (after the source MAC).
    pub fn offset(self) -> usize {
        match self {
            TagFormat::BrcmPrepend | TagFormat::Ar9331 | TagFormat::None => 0,
            _ => 12,
        }
    }

    /// Tag length in bytes (0, 2, 4 or 8).
    pub fn len(self) -> usize {
        match self {
            TagFormat::None => 0,
            TagFormat::Qca | TagFormat::Ar9331 => 2,
            TagFormat::Edsa | TagFormat::Rtl8_4 => 8,
            _ => 4,
        }
    }

    /// True for [`TagFormat::None`].
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The name used on command lines and in reports.
    pub fn name(self) -> &'static str {
        match self {
            TagFormat::None => "none",
            TagFormat::Brcm => "brcm",
            TagFormat::BrcmPrepend => "brcm-prepend",
            TagFormat::Dsa => "dsa",
            TagFormat::Edsa => "edsa",
            TagFormat::Mtk => "mtk",
            TagFormat::Qca => "qca",
            TagFormat::Ar9331 => "ar9331",
            TagFormat::Rtl4a => "rtl4a",
            TagFormat::Rtl8_4 => "rtl8_4",
        }
    }

    /// Shortest frame, FCS included, that holds Ethernet header (14 bytes),
    /// tag and FCS (4 bytes); shorter frames pass unchanged and flagged.
    pub fn min_frame(self) -> usize {
        14 + self.len() + 4
    }
}

impl fmt::Display for TagFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for TagFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .iter()
            .copied()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|f| f.name()).collect();
                format!("unknown tag format '{s}' (one of: {})", names.join(", "))
            })
    }
}

/// What `TagMigrate` does with the tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TagMode {
    /// Frame unchanged (only the FCS is recomputed and replaced).
    Pass,
    /// Tag removed from the frame and delivered on `m_axis_tag`; a frame that
    /// was at least 64 bytes and became shorter is zero-padded to 64 bytes.
    Strip,
    /// Tag moved to just before the FCS (Linux `rtl8_4t` layout); the frame
    /// length is unchanged.
    Tail,
}

impl TagMode {
    /// Every mode, in `cfg_tag_mode` code order.
    pub const ALL: [TagMode; 3] = [TagMode::Pass, TagMode::Strip, TagMode::Tail];

    /// The 2-bit `cfg_tag_mode` code: pass 0, strip 1, tail 2 (3 acts as pass).
    pub fn code(self) -> u8 {
        match self {
            TagMode::Pass => 0,
            TagMode::Strip => 1,
            TagMode::Tail => 2,
        }
    }

    /// Decodes a `cfg_tag_mode` code; 3 is `Pass`.
    pub fn from_code(code: u8) -> TagMode {
        match code {
            1 => TagMode::Strip,
            2 => TagMode::Tail,
            _ => TagMode::Pass,
        }
    }

    /// The name used on command lines and in reports.
    pub fn name(self) -> &'static str {
        match self {
            TagMode::Pass => "pass",
            TagMode::Strip => "strip",
            TagMode::Tail => "tail",
        }
    }
}

impl fmt::Display for TagMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for TagMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .iter()
            .copied()
            .find(|m| m.name() == s)
            .ok_or_else(|| format!("unknown tag mode '{s}' (one of: pass, strip, tail)"))
    }
}

/// Bits of `m_axis_tuser` (valid on the beat with `tlast`).
pub mod tuser {
    /// Bad frame: OR of the four conditions below (DESIGN.md: `tuser[0]`).
    pub const BAD: u8 = 1 << 0;
    /// The incoming FCS was wrong; the outgoing FCS is deliberately wrong too.
    pub const FCS_ERR: u8 = 1 << 1;
    /// Shorter than 64 bytes (FCS included) on input.
    pub const RUNT: u8 = 1 << 2;
    /// Longer than `ferronic_hdl::MAX_FRAME` (16383) bytes on input.
    pub const GIANT: u8 = 1 << 3;
    /// Too short to hold header + tag + FCS: passed unchanged, FCS included.
    pub const TAG_SHORT: u8 = 1 << 4;
    /// The tag was migrated (strip or tail); `m_axis_tag` holds it.
    pub const MIGRATED: u8 = 1 << 5;
    /// Width of `m_axis_tuser` in bits.
    pub const WIDTH: usize = 6;
}
