//! The `counters` block (id 0x0003): `CLEAR` and a `_LO`/`_HI` pair per
//! 64-bit counter (reading `_LO` latches `_HI`), and the counter
//! definitions: global, per receive queue, per transmit queue, handshake.

use super::BlockBuilder;
use crate::{Access, CounterDef, MapParams, Source};

/// Global counters (numbers 0..[`GLOBAL_COUNTERS`]).
pub const GLOBAL: [(&str, &str); 9] = [
    ("FRAMES_IN", "frames accepted on s_axis"),
    ("FRAMES_OUT", "frames delivered on m_axis"),
    (
        "DROPS",
        "frames discarded because datapath.CTRL.ENABLE was 0 at their first beat",
    ),
    ("BAD_FCS", "frames whose incoming FCS was wrong"),
    ("RUNTS", "frames shorter than 64 bytes"),
    ("GIANTS", "frames longer than MAX_FRAME bytes"),
    (
        "TAG_SHORT",
        "frames too short to hold header + tag + FCS (passed unchanged)",
    ),
    ("MIGRATED", "frames whose switch tag was migrated"),
    (
        "PARSER_ERRORS",
        "IPv4/IPv6 frames with a malformed or truncated header (steered to the default queue)",
    ),
];
/// Number of global counters.
pub const GLOBAL_COUNTERS: usize = GLOBAL.len();
/// Counters per receive queue: frames, bytes, drops, errors.
pub const PER_QUEUE: [(&str, &str); 4] = [
    ("FRAMES", "frames delivered to this queue"),
    ("BYTES", "bytes delivered to this queue, FCS included"),
    (
        "DROPS",
        "frames steered to this queue and dropped (datapath.CTRL.ENABLE was 0)",
    ),
    (
        "ERRORS",
        "frames delivered to this queue with tuser BAD set",
    ),
];

/// Counters per transmit queue (from `s_axis_tx_tdest`): frames, bytes,
/// drops, errors.
pub const PER_TX_QUEUE: [(&str, &str); 4] = [
    ("FRAMES", "frames sent from this queue"),
    ("BYTES", "bytes sent from this queue, FCS included"),
    (
        "DROPS",
        "frames from this queue dropped (datapath.CTRL.TX_ENABLE was 0)",
    ),
    (
        "ERRORS",
        "frames the host marked bad (sent with a deliberately wrong FCS)",
    ),
];

/// Handshake-engine counters (after the per-transmit-queue ones), in the
/// order of the engine's event bits (`ferronic_hdl::handshake::EVENTS`).
pub const HANDSHAKE: [(&str, &str); 8] = [
    (
        "HS_SYNS",
        "SYNs to a listened port answered by the handshake engine",
    ),
    (
        "HS_SYNACKS",
        "SYN-ACKs the handshake engine queued for transmission",
    ),
    (
        "HS_RSTS",
        "RST/ACKs sent for SYNs to closed ports (handshake.CTRL.RST_CLOSED)",
    ),
    (
        "HS_COOKIES_VALID",
        "ACKs to a listened port carrying a valid SYN cookie",
    ),
    (
        "HS_COOKIES_INVALID",
        "data-less ACKs to a listened port whose cookie was invalid or stale (passed to the host)",
    ),
    ("HS_HANDOFFS", "handoff records queued for the host"),
    (
        "HS_HANDOFF_OVERFLOWS",
        "valid handshakes lost because the handoff queue was full",
    ),
    (
        "HS_GEN_DROPS",
        "SYN-ACKs or RSTs lost because the transmit queue of generated frames was full",
    ),
];

/// Every counter of a map for `params`, by counter number: global, then
/// 4 per receive queue, 4 per transmit queue, then the handshake ones
/// (when the map has the engine).
pub(crate) fn defs(params: &MapParams) -> Vec<CounterDef> {
    if params.open {
        return crate::OPEN_COUNTERS
            .iter()
            .map(|(n, d)| CounterDef {
                name: n.to_string(),
                doc: d.to_string(),
            })
            .collect();
    }
    let mut counters: Vec<CounterDef> = GLOBAL
        .iter()
        .map(|(n, d)| CounterDef {
            name: n.to_string(),
            doc: d.to_string(),
        })
        .collect();
    for q in 0..params.rx_queues {
        for (n, d) in PER_QUEUE {
            counters.push(CounterDef {
                name: format!("RXQ{q}_{n}"),
                doc: format!("{d} (receive queue {q})"),
            });
        }
    }
    for q in 0..params.tx_queues {
        for (n, d) in PER_TX_QUEUE {
            counters.push(CounterDef {
                name: format!("TXQ{q}_{n}"),
                doc: format!("{d} (transmit queue {q})"),
            });
        }
    }
    for (n, d) in HANDSHAKE
        .iter()
        .take(if params.handshake { HANDSHAKE.len() } else { 0 })
    {
        counters.push(CounterDef {
            name: n.to_string(),
            doc: d.to_string(),
        });
    }
    counters
}

/// The block for the counters `counters`.
pub(crate) fn block(counters: &[CounterDef]) -> BlockBuilder {
    let mut ct = BlockBuilder::new("counters", 0x0003, 0x0001_0000);
    ct.reg(
        "CLEAR",
        Access::Wo,
        Source::Clear,
        "write 1 to bit 0: zero every counter",
    );
    for (i, c) in counters.iter().enumerate() {
        ct.reg(
            format!("{}_LO", c.name),
            Access::Ro,
            Source::CounterLo(i),
            format!("{}: bits 31:0 (latches bits 63:32)", c.doc),
        );
        ct.reg(
            format!("{}_HI", c.name),
            Access::Ro,
            Source::CounterHi(i),
            format!("{}: bits 63:32 latched by the _LO read", c.doc),
        );
    }
    ct
}
