//! The `datapath` block (id 0x0002): receive/transmit enable, tag format
//! and mode (`CTRL`), station MAC address, default receive queue.

use super::BlockBuilder;
use crate::{Access, Source};

/// `datapath.CTRL` bit fields.
pub mod ctrl {
    /// Bit 0: received frames flow when 1; dropped and counted in DROPS when 0.
    pub const ENABLE: u32 = 1 << 0;
    /// Bit 1: transmitted frames flow when 1; dropped and counted in
    /// TXQq_DROPS when 0.
    pub const TX_ENABLE: u32 = 1 << 1;
    /// Bits 7:4: tag format code (`ferronic_hdl::tag::TagFormat::code`).
    pub const FORMAT_SHIFT: u32 = 4;
    /// Bits 9:8: tag mode code (`ferronic_hdl::tag::TagMode::code`).
    pub const MODE_SHIFT: u32 = 8;
    /// Reset value: receive and transmit enabled, format none, mode pass.
    pub const RESET: u32 = ENABLE | TX_ENABLE;
}

/// The block.
pub(crate) fn block() -> BlockBuilder {
    let mut dp = BlockBuilder::new("datapath", 0x0002, 0x0001_0000);
    dp.reg(
        "CTRL",
        Access::Rw,
        Source::Storage(ctrl::RESET),
        "bit 0 ENABLE (receive), bit 1 TX_ENABLE; bits 7:4 tag format; bits 9:8 tag mode; sampled at each frame's first beat",
    );
    dp.reg(
        "MAC_LO",
        Access::Rw,
        Source::Storage(0),
        "station MAC address bytes 2..5 (byte 5 in bits 7:0), for later blocks",
    );
    dp.reg(
        "MAC_HI",
        Access::Rw,
        Source::Storage(0),
        "station MAC address bytes 0..1 in bits 15:0 (byte 0 in bits 15:8)",
    );
    dp.reg(
        "DEFAULT_QUEUE",
        Access::Rw,
        Source::Storage(0),
        "receive queue (m_axis_tdest) of every frame, bits 7:0",
    );
    dp
}
