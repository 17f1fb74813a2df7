//! The DMA engine's blocks (issue 13, the `nic` top only; DESIGN.md
//! section 7b, after Corundum's queue managers): `dma` (engine control and
//! what it was built with), `rxq` and `txq` (one register group per
//! descriptor ring) and `cq` (one group per completion queue). They start
//! at [`crate::DMA_BASE`] and are decoded by the engine, not by the
//! core's register file.
//!
//! Indices are 16-bit and free-running: a ring of 2^n entries holds
//! descriptor `i` in slot `i mod 2^n`; it is empty when producer ==
//! consumer and full when producer - consumer == 2^n (mod 2^16).

use super::BlockBuilder;
use crate::{Access, MapParams, Owner, Source};

/// `rxq.Qn_CTRL` / `txq.Qn_CTRL` fields.
pub mod ring_ctrl {
    /// Bit 0: the engine uses the ring (fetches descriptors) when 1.
    pub const ENABLE: u32 = 1 << 0;
    /// Bits 7:4: log2 of the ring's entries, 8..=15.
    pub const LOG_SIZE_SHIFT: u32 = 4;
    /// Bits 23:16: the completion queue this ring completes into.
    pub const CQ_SHIFT: u32 = 16;
}

/// `cq.Cn_CTRL` fields.
pub mod cq_ctrl {
    /// Bit 0: the engine writes completions when 1.
    pub const ENABLE: u32 = 1 << 0;
    /// Bits 7:4: log2 of the queue's entries, 8..=15.
    pub const LOG_SIZE_SHIFT: u32 = 4;
    /// Bits 15:8: interrupt vector (`irq_req` bit) raised when armed.
    pub const VECTOR_SHIFT: u32 = 8;
}

/// `dma.CTRL` fields.
pub mod dma_ctrl {
    /// Bit 0: the engine runs when 1; when 0 received frames are dropped
    /// (counted as no buffer) and no descriptor is fetched.
    pub const ENABLE: u32 = 1 << 0;
}

/// Smallest and largest ring or completion queue, log2 entries.
pub const LOG_SIZES: std::ops::RangeInclusive<u32> = 8..=15;

/// Registers of one transmit descriptor ring, in order (after `Q<n>_`).
pub const RING_REGS: &[&str] = &["BASE_LO", "BASE_HI", "CTRL", "PROD", "CONS"];

/// Registers of one receive descriptor ring, in order (after `Q<n>_`):
/// [`RING_REGS`] and the ring's two drop counters.
pub const RX_RING_REGS: &[&str] = &[
    "BASE_LO", "BASE_HI", "CTRL", "PROD", "CONS", "DROPS", "FULL",
];

/// The `dma` block's live words (engine status and engine-wide event
/// counters), in register order from input 0: (name, description).
/// Counters are 32 bits, free-running (they wrap; the driver extends them).
pub const DMA_INPUTS: &[(&str, &str)] = &[
    (
        "STATUS",
        "bit 0 idle (no frame, descriptor or completion in flight)",
    ),
    (
        "RX_STOPPED",
        "bit n: receive ring n stopped by an error (refused descriptor read, log size out of \
         range, producer more than the ring's size ahead); cleared by enabling it again",
    ),
    (
        "TX_STOPPED",
        "bit n: transmit ring n stopped by an error (as RX_STOPPED)",
    ),
    (
        "RX_WAITING",
        "bit n: receive ring n has a fetched descriptor waiting for a frame",
    ),
    (
        "TX_POSTED",
        "bit n: transmit ring n has posted descriptors not yet taken",
    ),
    (
        "RX_FAULTS",
        "receive frame writes refused by host memory (SLVERR/DECERR: page faults); \
         each is reported in a completion and the frame written again",
    ),
    (
        "TX_ERRORS",
        "transmit frames ended without EOP (more than 32 descriptors or 16,383 bytes) and sent bad",
    ),
    (
        "FETCH_FAULTS",
        "descriptor reads refused by host memory (either direction; the ring stops)",
    ),
    (
        "CPL_DROPS",
        "completions lost because their completion queue was disabled",
    ),
    (
        "CPL_FAULTS",
        "completion writes refused by host memory (the record is lost)",
    ),
];

/// The ring bitmaps among [`DMA_INPUTS`] (bit n: ring n): each word
/// covers 32 rings; a build with more has `<NAME>_<k>` words for rings
/// 32k to 32k + 31 ([`dma_inputs`]).
pub const RING_BITMAPS: &[&str] = &["RX_STOPPED", "TX_STOPPED", "RX_WAITING", "TX_POSTED"];

/// The `dma` block's live words for `params`, in input order: (name,
/// description). [`DMA_INPUTS`], then for each further 32 rings (k = 1,
/// 2, ...) a `<NAME>_<k>` word of each of [`RING_BITMAPS`].
pub fn dma_inputs(params: &MapParams) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = DMA_INPUTS
        .iter()
        .map(|(n, d)| (n.to_string(), d.to_string()))
        .collect();
    let words = params.rx_queues.max(params.tx_queues).div_ceil(32);
    for k in 1..words {
        for name in RING_BITMAPS {
            v.push((
                format!("{name}_{k}"),
                format!(
                    "as {name}, for rings {} to {}: bit n is ring {} + n",
                    32 * k,
                    32 * k + 31,
                    32 * k
                ),
            ));
        }
    }
    v
}

/// Registers of one completion queue, in order (after `C<n>_`).
pub const CQ_REGS: &[&str] = &[
    "BASE_LO", "BASE_HI", "CTRL", "PROD", "CONS", "ARM", "STATUS", "MOD",
];

/// The `dma` block: control and build facts.
pub(crate) fn dma(params: &MapParams, first_input: usize) -> BlockBuilder {
    let mut b = BlockBuilder::new("dma", 0x0006, 0x0001_0000).owned_by(Owner::Dma);
    b.reg(
        "CTRL",
        Access::Rw,
        Source::Storage(0),
        "bit 0 ENABLE: the engine runs (fetches descriptors, writes frames and completions)",
    );
    b.reg(
        "QUEUES",
        Access::Ro,
        Source::Const(
            (params.rx_queues as u32) | (params.tx_queues as u32) << 8 | (cqs(params) as u32) << 16,
        ),
        "bits 7:0 receive rings, 15:8 transmit rings, 23:16 completion queues",
    );
    for (k, (name, doc)) in dma_inputs(params).into_iter().enumerate() {
        b.reg(name, Access::Ro, Source::Input(first_input + k), doc);
    }
    b
}

/// Completion queues: one per receive and per transmit ring.
pub fn cqs(params: &MapParams) -> usize {
    params.rx_queues + params.tx_queues
}

/// The `rxq` or `txq` block (`rx` chooses) for `n` rings; its inputs
/// from `first_input` on, in register order: per receive ring `CONS`,
/// `DROPS`, `FULL`; per transmit ring `CONS`.
pub(crate) fn rings(rx: bool, n: usize, first_input: usize) -> BlockBuilder {
    let (name, id, what) = if rx {
        ("rxq", 0x0007, "receive")
    } else {
        ("txq", 0x0008, "transmit")
    };
    let mut b = BlockBuilder::new(name, id, 0x0001_0000).owned_by(Owner::Dma);
    for q in 0..n {
        b.reg(
            format!("Q{q}_BASE_LO"),
            Access::Rw,
            Source::Storage(0),
            format!("{what} ring {q}: base address (IOVA) bits 31:0, 16-byte aligned (bits 3:0 ignored)"),
        );
        b.reg(
            format!("Q{q}_BASE_HI"),
            Access::Rw,
            Source::Storage(0),
            format!("{what} ring {q}: base address bits 63:32"),
        );
        b.reg(
            format!("Q{q}_CTRL"),
            Access::Rw,
            Source::Storage(8 << ring_ctrl::LOG_SIZE_SHIFT),
            if rx {
                "bit 0 ENABLE; bits 7:4 log2 entries (8..15); bits 23:16 completion queue \
                 (one of the receive set: 0 .. receive rings - 1); change only while disabled"
            } else {
                "bit 0 ENABLE; bits 7:4 log2 entries (8..15); bits 23:16 completion queue \
                 (one of the transmit set: receive rings .. receive + transmit rings - 1); \
                 change only while disabled"
            },
        );
        b.reg(
            format!("Q{q}_PROD"),
            Access::Rw,
            Source::Storage(0),
            "producer index, bits 15:0, written by the driver: the doorbell (descriptors before it are posted)",
        );
        b.reg(
            format!("Q{q}_CONS"),
            Access::Ro,
            Source::Input(first_input + if rx { 3 * q } else { q }),
            "consumer index, bits 15:0, kept by the engine: the count of descriptors used and \
             completed; buffers are reclaimed by their completions, which name them (after a \
             page-fault retry a later slot may complete before an earlier one)",
        );
        if rx {
            b.reg(
                format!("Q{q}_DROPS"),
                Access::Ro,
                Source::Input(first_input + 3 * q + 1),
                "frames for this ring dropped whole because no buffer was posted \
                 (or the ring or the engine was off); 32-bit, wraps",
            );
            b.reg(
                format!("Q{q}_FULL"),
                Access::Ro,
                Source::Input(first_input + 3 * q + 2),
                "frames for this ring dropped whole because the on-chip receive buffer was full; \
                 32-bit, wraps",
            );
        }
    }
    b
}

/// The `cq` block for `n` completion queues; its producer indices are
/// inputs `first_input + 2c`, its status words `first_input + 2c + 1`,
/// its arm strobes `first_strobe + c`.
pub(crate) fn cq(n: usize, first_input: usize, first_strobe: usize) -> BlockBuilder {
    let mut b = BlockBuilder::new("cq", 0x0009, 0x0001_0000).owned_by(Owner::Dma);
    for c in 0..n {
        b.reg(
            format!("C{c}_BASE_LO"),
            Access::Rw,
            Source::Storage(0),
            format!("completion queue {c}: base address (IOVA) bits 31:0, 32-byte aligned (bits 4:0 ignored)"),
        );
        b.reg(
            format!("C{c}_BASE_HI"),
            Access::Rw,
            Source::Storage(0),
            format!("completion queue {c}: base address bits 63:32"),
        );
        b.reg(
            format!("C{c}_CTRL"),
            Access::Rw,
            Source::Storage(8 << cq_ctrl::LOG_SIZE_SHIFT),
            "bit 0 ENABLE; bits 7:4 log2 entries (8..15); bits 15:8 interrupt vector; \
             change only while disabled (enabling resets the indices to 0 and the phase to 1)",
        );
        b.reg(
            format!("C{c}_PROD"),
            Access::Ro,
            Source::Input(first_input + 2 * c),
            "producer index, bits 15:0, kept by the engine (completions before it are written)",
        );
        b.reg(
            format!("C{c}_CONS"),
            Access::Rw,
            Source::Storage(0),
            "consumer index, bits 15:0, written by the driver (slots before it may be reused); \
             the engine waits while the queue is full",
        );
        b.reg(
            format!("C{c}_ARM"),
            Access::Wo,
            Source::Strobe(first_strobe + c),
            "any write arms the queue: its vector is raised once at the next completion \
             (at once if completions are pending), then the queue disarms",
        );
        b.reg(
            format!("C{c}_STATUS"),
            Access::Ro,
            Source::Input(first_input + 2 * c + 1),
            "bit 0 armed; bit 1 full (producer - consumer = entries)",
        );
        b.reg(
            format!("C{c}_MOD"),
            Access::Rw,
            Source::Storage(0),
            "interrupt moderation: bits 15:0 completions to wait for (0 or 1: the first), \
             bits 31:16 longest wait in units of 64 clocks (0: no time limit); \
             the vector is raised when either is reached",
        );
    }
    b
}

#[cfg(test)]
mod tests;
