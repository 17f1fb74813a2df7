//! A transmit queue: frames copied into slot buffers, a descriptor per
//! slot (a frame over several slots is a gather ending in EOP), one
//! doorbell per batch, slots freed by the completions (in ring order).

use super::cq::CplQueue;
use super::mem::{Arena, DmaRegion};
use super::regs::QueueRegs;
use super::{QueueConfig, DESC_BYTES};
use crate::error::HostError;
use crate::regio::RegIo;
use ferronic_regmap::dma::{desc_flags, Descriptor};
use std::sync::atomic::{fence, Ordering};
use std::sync::Arc;

/// Longest frame the transmit engine takes, bytes (without FCS; longer
/// frames are ended and sent bad: `dma.TX_ERRORS`).
pub const TX_MAX_FRAME: usize = 16_383;
/// Most descriptors one frame may use (the engine's gather limit).
pub const TX_MAX_DESCS: usize = 32;

/// What a transmit queue has done, counted by the driver.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct TxStats {
    /// Frames posted.
    pub frames: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Frames completed (left the NIC).
    pub completed: u64,
    /// Doorbells written.
    pub doorbells: u64,
}

/// One transmit queue of the driver.
#[derive(Debug)]
pub struct TxQueue {
    queue: u16,
    ring: DmaRegion,
    bufs: DmaRegion,
    slot_len: usize,
    log: u32,
    prod: u16,
    clean: u16,
    cq: CplQueue,
    prod_reg: u32,
    ctrl_reg: u32,
    /// Counts so far.
    pub stats: TxStats,
}

impl TxQueue {
    /// Opens transmit ring `q` and its completion queue
    /// (`regs.rx.len() + q`), each slot with a `cfg.buf_len`-byte buffer.
    ///
    /// # Errors
    /// As [`super::RxQueue::open`].
    pub fn open(
        io: &mut dyn RegIo,
        regs: &QueueRegs,
        q: usize,
        arena: &Arc<Arena>,
        cfg: &QueueConfig,
    ) -> Result<TxQueue, HostError> {
        let r = *regs
            .tx
            .get(q)
            .ok_or_else(|| super::no_queue("transmit", q, regs.tx.len()))?;
        super::check_log("transmit ring", cfg.ring_log)?;
        if cfg.buf_len < 64 || cfg.buf_len > 0xffff {
            return Err(HostError::Invalid {
                what: "transmit buffer length".into(),
                why: format!("{} bytes: 64..=65535", cfg.buf_len),
            });
        }
        let c = regs.rx.len() + q;
        let m = super::open_ring(io, r, regs.cq[c], c, arena, cfg)?;
        Ok(TxQueue {
            queue: q as u16,
            ring: m.ring,
            bufs: m.bufs,
            slot_len: m.stride,
            log: cfg.ring_log,
            prod: 0,
            clean: 0,
            cq: m.cq,
            prod_reg: r.prod,
            ctrl_reg: r.ctrl,
            stats: TxStats::default(),
        })
    }

    /// Reads the transmit completions: their slots are free again.
    /// Returns the frames completed.
    ///
    /// # Errors
    /// Register write errors; [`HostError::Invalid`] for a completion out
    /// of ring order (a device fault).
    pub fn reap(&mut self, io: &mut dyn RegIo) -> Result<usize, HostError> {
        let mut n = 0;
        while let Some(c) = self.cq.poll() {
            if c.index != self.clean || self.prod.wrapping_sub(c.index) < c.desc_count {
                return Err(HostError::Invalid {
                    what: format!("transmit queue {} completion", self.queue),
                    why: format!(
                        "expected slot {} (producer {}): {c:?}",
                        self.clean, self.prod
                    ),
                });
            }
            self.clean = c.index.wrapping_add(c.desc_count);
            n += 1;
        }
        self.stats.completed += n as u64;
        self.cq.ack(io)?;
        Ok(n)
    }

    /// Free descriptors.
    pub fn room(&self) -> usize {
        (1usize << self.log) - usize::from(self.prod.wrapping_sub(self.clean))
    }

    /// Reaps completions, then queues as many of `frames` (in order) as
    /// there are free slots for, and rings the doorbell once. Returns how
    /// many were queued; the caller retries the rest.
    ///
    /// # Errors
    /// [`HostError::Invalid`] for an empty frame, one over
    /// [`TX_MAX_FRAME`] bytes or over [`TX_MAX_DESCS`] slots (nothing of
    /// the batch is queued from it on); register write errors.
    pub fn send(&mut self, io: &mut dyn RegIo, frames: &[&[u8]]) -> Result<usize, HostError> {
        self.send_flagged(io, frames.iter().map(|f| (*f, false)))
    }

    /// As [`TxQueue::send`], each frame with its mark-bad flag (the NIC
    /// sends it with a wrong FCS: `desc_flags::BAD`).
    ///
    /// # Errors
    /// As [`TxQueue::send`].
    pub fn send_flagged<'a>(
        &mut self,
        io: &mut dyn RegIo,
        frames: impl IntoIterator<Item = (&'a [u8], bool)>,
    ) -> Result<usize, HostError> {
        if self.room() < TX_MAX_DESCS {
            self.reap(io)?;
        }
        let mask = (1usize << self.log) - 1;
        let start = self.prod;
        let mut sent = 0;
        let mut bad_frame = None;
        for (f, bad) in frames {
            let slots = f.len().div_ceil(self.slot_len);
            if f.is_empty() || f.len() > TX_MAX_FRAME || slots > TX_MAX_DESCS {
                bad_frame = Some(f.len());
                break;
            }
            if slots > self.room() {
                break;
            }
            for (k, chunk) in f.chunks(self.slot_len).enumerate() {
                let s = usize::from(self.prod) & mask;
                self.bufs.write(s * self.slot_len, chunk);
                let mut flags = 0;
                if k + 1 == slots {
                    flags |= desc_flags::EOP;
                }
                if bad {
                    flags |= desc_flags::BAD;
                }
                let d = Descriptor {
                    flags,
                    len: chunk.len() as u32,
                    addr: self.bufs.iova() + (s * self.slot_len) as u64,
                };
                self.ring.write(s * DESC_BYTES, &d.to_bytes());
                self.prod = self.prod.wrapping_add(1);
            }
            self.stats.frames += 1;
            self.stats.bytes += f.len() as u64;
            sent += 1;
        }
        if self.prod != start {
            fence(Ordering::Release);
            io.write32(self.prod_reg, self.prod.into())?;
            self.stats.doorbells += 1;
        }
        if let Some(len) = bad_frame {
            return Err(HostError::Invalid {
                what: format!("transmit frame {sent} of the batch"),
                why: format!(
                    "{len} bytes: 1..={TX_MAX_FRAME}, in at most {TX_MAX_DESCS} buffers of {}",
                    self.slot_len
                ),
            });
        }
        Ok(sent)
    }

    /// Descriptors posted and not yet completed.
    pub fn in_flight(&self) -> usize {
        usize::from(self.prod.wrapping_sub(self.clean))
    }

    /// Arms the completion queue's interrupt.
    ///
    /// # Errors
    /// Register write errors.
    pub fn arm(&mut self, io: &mut dyn RegIo) -> Result<(), HostError> {
        self.cq.arm(io)
    }

    /// Disables the ring and its completion queue.
    ///
    /// # Errors
    /// Register write errors.
    pub fn close(&mut self, io: &mut dyn RegIo) -> Result<(), HostError> {
        io.write32(self.ctrl_reg, 0)?;
        self.cq.close(io)
    }
}
