//! The open board's registers ([`crate::MapParams::open`]): the counters
//! of its bump in the wire (in the `counters` block, 64 bits each, in
//! place of the NIC's) and the `open` block (id 0x000B): the last tag
//! the switch-to-CPU direction migrated. Decoded by `ferronic_open_regs`
//! (`hdl/src/board/open_regs.rs`) in the board's 62.5 MHz core clock,
//! reached over the UART bridge (`crate::uart`).
//!
//! Port 0 faces the switch, port 1 the CPU (`rtl/open_board.v` counts
//! the same events in the same order).

use super::BlockBuilder;
use crate::{Access, Source};

/// The counters, in counter-number order: (name, what it counts).
pub const OPEN_COUNTERS: [(&str, &str); 23] = [
    (
        "P0_RX_FRAMES",
        "frames received on port 0 (switch) and stored",
    ),
    (
        "P0_RX_OVERFLOWS",
        "port 0 frames dropped whole: the crossing to the core clock was full",
    ),
    (
        "P0_RX_ERRORS",
        "port 0 frames dropped whole: RX_ER (RX_CTL error) during the frame",
    ),
    (
        "P0_RX_BAD_STARTS",
        "port 0 receptions without preamble and SFD, ignored",
    ),
    (
        "FRAMES_IN",
        "switch-to-CPU frames through FcsCheck, TagMigrate and FcsInsert",
    ),
    (
        "BAD_FCS",
        "switch-to-CPU frames whose FCS was wrong (sent with the new FCS complemented)",
    ),
    ("RUNTS", "switch-to-CPU frames shorter than 64 bytes"),
    ("GIANTS", "switch-to-CPU frames longer than 16,383 bytes"),
    (
        "TAG_SHORT",
        "switch-to-CPU frames too short for header, tag and FCS (passed unchanged)",
    ),
    (
        "MIGRATED",
        "switch-to-CPU frames whose DSA tag was migrated",
    ),
    (
        "DROPS",
        "switch-to-CPU frames dropped because datapath.CTRL.ENABLE was 0",
    ),
    (
        "P1_TX_OVERFLOWS",
        "switch-to-CPU frames dropped whole: the crossing to port 1's transmit clock was full",
    ),
    ("P1_TX_FRAMES", "frames sent on port 1 (CPU)"),
    (
        "P1_TX_UNDERRUNS",
        "port 1 frames cut short by an empty FIFO (never expected: frames cross whole)",
    ),
    ("P1_RX_FRAMES", "frames received on port 1 (CPU) and stored"),
    (
        "P1_RX_OVERFLOWS",
        "port 1 frames dropped whole: the crossing to the transmit clock was full",
    ),
    (
        "P1_RX_ERRORS",
        "port 1 frames dropped whole: RX_ER during the frame, or no descriptor room",
    ),
    (
        "P1_RX_BAD_STARTS",
        "port 1 receptions without preamble and SFD, ignored",
    ),
    (
        "REV_BAD_FCS",
        "CPU-to-switch frames whose FCS was wrong (sent with the new FCS complemented)",
    ),
    (
        "REV_RESTORED",
        "CPU-to-switch frames whose tail tag went back to its header position",
    ),
    (
        "REV_TAG_SHORT",
        "CPU-to-switch frames too short for their tag in mode tail (sent unchanged)",
    ),
    ("P0_TX_FRAMES", "frames sent on port 0 (switch)"),
    (
        "P0_TX_UNDERRUNS",
        "port 0 frames cut short by an empty FIFO (never expected)",
    ),
];

/// `open.MDIO_CMD` fields: writing it starts one IEEE 802.3 clause 22
/// management frame on the board's MDC/MDIO (ignored while
/// `MDIO_STATUS` bit 31 is set).
pub mod mdio {
    /// Bits 15:0: the data of a write.
    pub const DATA_MASK: u32 = 0xFFFF;
    /// Bits 20:16: the register (REGAD).
    pub const REG_SHIFT: u32 = 16;
    /// Bits 25:21: the PHY address (PHYAD).
    pub const PHY_SHIFT: u32 = 21;
    /// Bit 26: 1 read, 0 write.
    pub const READ: u32 = 1 << 26;
    /// `MDIO_STATUS` bit 31: a frame is on the wire.
    pub const BUSY: u32 = 1 << 31;
    /// The `MDIO_CMD` word that reads register `reg` of PHY `phy`.
    pub fn read_cmd(phy: u8, reg: u8) -> u32 {
        READ | u32::from(phy & 31) << PHY_SHIFT | u32::from(reg & 31) << REG_SHIFT
    }
}

/// The `open` block's registers after the header: (name, access, what
/// it holds). `LAST_TAG_*` and `MDIO_STATUS` are live values
/// (`Source::Input(0..3)`), `MDIO_CMD` storage.
pub const OPEN_REGS: [(&str, &str); 4] = [
    (
        "LAST_TAG_LO",
        "bits 31:0 of the last tag TagMigrate took out of a switch-to-CPU frame (the tag's first byte at bits 7:0 of the 64-bit value; its length comes from the format)",
    ),
    ("LAST_TAG_HI", "bits 63:32 of that tag"),
    (
        "MDIO_CMD",
        "writing starts a clause 22 management frame on MDC/MDIO (2.4 MHz): bit 26 read (1) or write (0), bits 25:21 PHY address, bits 20:16 register, bits 15:0 write data; ignored while MDIO_STATUS.BUSY",
    ),
    (
        "MDIO_STATUS",
        "bit 31 BUSY (a frame on the wire, 64 MDC periods: 27 us), bits 15:0 the last read's data (0xFFFF: no PHY answered at that address). Link state: read register 1 (BMSR) twice, bit 2 is link up (IEEE 802.3 22.2.4.2.13)",
    ),
];

/// The block.
pub(crate) fn block() -> BlockBuilder {
    let mut b = BlockBuilder::new("open", 0x000B, 0x0001_0000);
    for (name, doc) in OPEN_REGS {
        match name {
            "MDIO_CMD" => b.reg(name, Access::Rw, Source::Storage(0), doc),
            "MDIO_STATUS" => b.reg(name, Access::Ro, Source::Input(2), doc),
            _ => {
                let k = if name == "LAST_TAG_LO" { 0 } else { 1 };
                b.reg(name, Access::Ro, Source::Input(k), doc)
            }
        }
    }
    b
}
