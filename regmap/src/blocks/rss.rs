//! The `rss` block (id 0x0004): RSS enable, the 40-byte Toeplitz key
//! (Microsoft RSS) and the 128-entry indirection table.

use super::BlockBuilder;
use crate::{Access, Source};

/// The block.
pub(crate) fn block() -> BlockBuilder {
    let mut rss = BlockBuilder::new("rss", 0x0004, 0x0001_0000);
    rss.reg(
        "CTRL",
        Access::Rw,
        Source::Storage(0),
        "bit 0: steer by the RSS hash (else every frame to datapath.DEFAULT_QUEUE)",
    );
    for k in 0..10 {
        rss.reg(
            format!("KEY{k}"),
            Access::Rw,
            Source::Storage(0),
            format!(
                "Toeplitz key bytes {}..{} (byte {} in bits 31:24)",
                4 * k,
                4 * k + 3,
                4 * k
            ),
        );
    }
    for k in 0..32 {
        rss.reg(
            format!("TABLE{k}"),
            Access::Rw,
            Source::Storage(0),
            format!(
                "indirection entries {}..{}: entry {}+b in bits 8b+7..8b (queue number)",
                4 * k,
                4 * k + 3,
                4 * k
            ),
        );
    }
    rss
}
