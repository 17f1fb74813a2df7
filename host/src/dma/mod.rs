//! The host datapath (issue 14; DESIGN.md sections 7b and 7c): DMA memory,
//! and the receive and transmit queues of the NIC's DMA engine, driven
//! through any [`crate::RegIo`] (a card over VFIO, the simulator, or the
//! in-process [`soft`] device). After ixy.rs: no kernel driver, batches
//! everywhere, one doorbell per batch, completions found by polling
//! memory.
//!
//! Bring-up: an [`Arena`] of DMA memory, [`QueueRegs`] resolved from the
//! device, [`RxQueue::open`] / [`TxQueue::open`] per queue, then
//! [`enable`] starts the engine and the datapath.
//!
//! Layouts (descriptor, completion) come from `ferronic_regmap::dma`,
//! the same definition the gateware and the simulator use.

pub mod cq;
pub mod mem;
pub mod port;
pub mod regs;
pub mod rx;
pub mod session;
pub mod soft;
pub mod tx;

pub use cq::CplQueue;
pub use mem::{Arena, Backing, DmaRegion};
pub use port::DmaPort;
pub use regs::QueueRegs;
pub use rx::{RxPacket, RxQueue, RxStats};
pub use tx::{TxQueue, TxStats};

use crate::error::HostError;
use crate::regio::RegIo;
use regs::{CqRegs, RingRegs};
use std::sync::Arc;

/// Bytes of one descriptor.
pub const DESC_BYTES: usize = 16;

/// Sizes of one queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueConfig {
    /// log2 descriptors of the ring, 8..=15.
    pub ring_log: u32,
    /// log2 records of its completion queue, 8..=15 (at least the ring's:
    /// a completion queue smaller than its ring stalls the engine).
    pub cq_log: u32,
    /// Bytes of each buffer (receive: the room per descriptor; transmit:
    /// the slot a frame is copied into, longer frames take several).
    pub buf_len: u32,
}

impl Default for QueueConfig {
    /// 512 descriptors and completions, 2 KiB buffers (a 1,514-byte frame
    /// in one buffer, a 9,600-byte one in five).
    fn default() -> Self {
        QueueConfig {
            ring_log: 9,
            cq_log: 9,
            buf_len: 2048,
        }
    }
}

/// Bytes of DMA memory `rx` receive and `tx` transmit queues of `cfg`
/// take (rings, completion queues, buffers, page-aligned each).
pub fn arena_bytes(cfg: &QueueConfig, rx: usize, tx: usize) -> usize {
    let n = 1usize << cfg.ring_log;
    let page = |b: usize| b.next_multiple_of(4096);
    let per = page(n * DESC_BYTES)
        + page((cq::CPL_BYTES) << cfg.cq_log)
        + page(n * (cfg.buf_len as usize).next_multiple_of(64));
    (rx + tx) * per
}

/// Starts the DMA engine and the datapath (receive and transmit), after
/// the queues are open and the receive rings stocked; `datapath.CTRL`'s
/// other fields (the tag format and mode) keep their values.
///
/// # Errors
/// Register read and write errors.
pub fn enable(io: &mut dyn RegIo, regs: &QueueRegs) -> Result<(), HostError> {
    io.write32(regs.dma_ctrl, ferronic_regmap::dma_ctrl::ENABLE)?;
    let ctrl = io.read32(regs.datapath_ctrl)?;
    io.write32(
        regs.datapath_ctrl,
        ctrl | ferronic_regmap::ctrl::ENABLE | ferronic_regmap::ctrl::TX_ENABLE,
    )
}

/// A ring's memory (descriptors, buffers of `stride` bytes, one per
/// slot) and its completion queue, programmed into the engine and enabled.
struct RingMem {
    cq: CplQueue,
    ring: DmaRegion,
    bufs: DmaRegion,
    stride: usize,
}

/// Opens completion queue `c` (`cq`), allocates the ring and its buffers
/// (each on its own cache lines), and writes the ring's base, a `PROD` of
/// 0 and its `CTRL` (enabled, completing into `c`).
fn open_ring(
    io: &mut dyn RegIo,
    r: RingRegs,
    cq: CqRegs,
    c: usize,
    arena: &Arc<Arena>,
    cfg: &QueueConfig,
) -> Result<RingMem, HostError> {
    let n = 1usize << cfg.ring_log;
    let cq = CplQueue::open(io, cq, arena, cfg.cq_log, c as u32)?;
    let ring = arena.alloc(n * DESC_BYTES, 4096)?;
    let stride = (cfg.buf_len as usize).next_multiple_of(64);
    let bufs = arena.alloc(n * stride, 4096)?;
    io.write32(r.ctrl, 0)?;
    io.write32(r.base_lo, ring.iova() as u32)?;
    io.write32(r.base_hi, (ring.iova() >> 32) as u32)?;
    io.write32(r.prod, 0)?;
    io.write32(
        r.ctrl,
        ferronic_regmap::ring_ctrl::ENABLE
            | cfg.ring_log << ferronic_regmap::ring_ctrl::LOG_SIZE_SHIFT
            | (c as u32) << ferronic_regmap::ring_ctrl::CQ_SHIFT,
    )?;
    Ok(RingMem {
        cq,
        ring,
        bufs,
        stride,
    })
}

fn check_log(what: &str, log: u32) -> Result<(), HostError> {
    if ferronic_regmap::LOG_SIZES.contains(&log) {
        return Ok(());
    }
    Err(HostError::Invalid {
        what: format!("{what} size"),
        why: format!("2^{log} entries: the engine takes 2^8..=2^15"),
    })
}

fn no_queue(dir: &str, q: usize, have: usize) -> HostError {
    HostError::Invalid {
        what: format!("{dir} queue {q}"),
        why: format!("the device has {have} {dir} queues"),
    }
}
