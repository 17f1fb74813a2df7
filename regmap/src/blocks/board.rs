//! The `board` block (id 0x000A), in a board top only
//! ([`crate::MapParams::board`]): the shell's own counters and the core's
//! state, answered by the shell's BAR bridge in the PCIe clock domain
//! (`ferronic_bar_bridge` in `hdl/src/board/rtl/bar_bridge.v`), so they
//! read while the core is held in reset or its clock is stopped. At
//! [`crate::BOARD_BASE`], the last block of the chain.

use super::BlockBuilder;
use crate::{Access, Owner, Source};

/// Registers after the header, in order: (name, description). Counters
/// are 32 bits, free-running (they wrap).
pub const BOARD_REGS: [(&str, &str); 4] = [
    (
        "RX_OVERFLOWS",
        "frames the MAC delivered into a full receive FIFO, dropped whole (the core stalled longer than the FIFO's 16 KiB)",
    ),
    (
        "RX_ERRORS",
        "frames the MAC flagged bad (its tuser: FCS, length, PCS errors), dropped whole by the shell",
    ),
    (
        "BAR_TIMEOUTS",
        "BAR0 words the core did not answer within 4,096 axi_aclk clocks (16 us), answered SLVERR with all ones",
    ),
    (
        "CORE_STATUS",
        "bit 0: the core's clock runs (a snapshot of its side arrived within the last 4,096 axi_aclk clocks); bit 1: the core was held in reset at that snapshot. RX_* are as of that snapshot",
    ),
];

/// The block.
pub(crate) fn block() -> BlockBuilder {
    let mut b = BlockBuilder::new("board", 0x000A, 0x0001_0000).owned_by(Owner::Board);
    for (k, (name, doc)) in BOARD_REGS.iter().enumerate() {
        b.reg(*name, Access::Ro, Source::Input(k), *doc);
    }
    b
}
