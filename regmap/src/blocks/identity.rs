//! The `identity` block (id 0x0001), block 0 at address 0: what the
//! bitstream is (magic, map hash, map version, build time, git hash,
//! capabilities) and a scratch register for bring-up.

use super::BlockBuilder;
use crate::{Access, MapParams, Source, MAGIC, MAP_VERSION};

/// The block for `params` (`CAPABILITIES` and `SIZES` say what the
/// bitstream has: [`MapParams::capabilities`], [`MapParams::sizes`]).
pub(crate) fn block(params: &MapParams) -> BlockBuilder {
    let mut id = BlockBuilder::new("identity", 0x0001, 0x0001_0000);
    id.reg(
        "MAGIC",
        Access::Ro,
        Source::Const(MAGIC),
        "0x46455252, ASCII \"FERR\"",
    );
    id.reg(
        "MAP_HASH",
        Access::Ro,
        Source::Const(0),
        "CRC-32 of the canonical register-map text",
    );
    id.reg(
        "MAP_VERSION",
        Access::Ro,
        Source::Const(MAP_VERSION),
        "register-map version, major.minor.patch.meta",
    );
    id.reg(
        "BUILD_TIME",
        Access::Ro,
        Source::BuildConst(params.build_time),
        "generation time, Unix seconds (SOURCE_DATE_EPOCH when set)",
    );
    id.reg(
        "GIT_HASH",
        Access::Ro,
        Source::BuildConst(params.git_hash),
        "first 8 hex digits of the source commit (0: unknown)",
    );
    id.reg(
        "CAPABILITIES",
        Access::Ro,
        Source::Const(params.capabilities()),
        "what the bitstream has (its generation parameters): bit 0 tag migration, bit 1 FCS check/replace, bit 2 counters, bit 3 RSS, bit 4 TCP handshake engine, bit 5 DMA engine, bit 6 board shell (`board` block), bit 7 open board (`open` block, its own counters); bits 15:8 receive queues - 1, bits 23:16 transmit queues - 1",
    );
    id.reg(
        "SCRATCH",
        Access::Rw,
        Source::Storage(0),
        "free for the host (bring-up tests)",
    );
    id.reg(
        "SIZES",
        Access::Ro,
        Source::Const(params.sizes()),
        "bits 15:0 listen-table entries of the handshake engine (0 without it), bits 31:16 width of the DMA engine's AXI4 data bus in bits (0 without it)",
    );
    id
}
