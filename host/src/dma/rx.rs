//! A receive queue: a descriptor ring kept full of fixed-size buffers,
//! its completion queue, and the batch loop (completions by phase, frames
//! handed to the caller, buffers posted again, one doorbell per batch).

use super::cq::CplQueue;
use super::mem::{Arena, DmaRegion};
use super::regs::QueueRegs;
use super::{QueueConfig, DESC_BYTES};
use crate::error::HostError;
use crate::regio::RegIo;
use ferronic_regmap::dma::Descriptor;
use std::sync::atomic::{fence, Ordering};
use std::sync::Arc;

/// One received frame, borrowed from its buffer until the callback
/// returns (a frame over several buffers is gathered into a copy).
#[derive(Debug)]
pub struct RxPacket<'a> {
    /// Receive queue (the RSS queue of the frame).
    pub queue: u16,
    /// The frame as the NIC wrote it (FCS included: the receive datapath
    /// checks it and writes a recomputed one after a tag migration).
    pub data: &'a [u8],
    /// RSS Toeplitz hash (0 for a non-IP frame).
    pub hash: u32,
    /// Migrated DSA tag (strip mode's sideband; 0 without one).
    pub tag: u64,
    /// `m_axis_tuser` flags (6 bits; `ferronic_regmap::cpl_flags`).
    pub tuser: u8,
}

/// What a receive queue has seen, counted by the driver.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct RxStats {
    /// Frames handed to the caller.
    pub frames: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Page-fault reports (a refused write: the buffers are posted
    /// again and the frame arrives in a later completion).
    pub faults: u64,
    /// Doorbells written.
    pub doorbells: u64,
}

/// One receive queue of the driver.
#[derive(Debug)]
pub struct RxQueue {
    queue: u16,
    ring: DmaRegion,
    bufs: DmaRegion,
    buf_len: u32,
    log: u32,
    prod: u16,
    in_hw: Vec<bool>,
    cq: CplQueue,
    prod_reg: u32,
    ctrl_reg: u32,
    scratch: Vec<u8>,
    /// Counts so far.
    pub stats: RxStats,
}

impl RxQueue {
    /// Opens receive ring `q` and its completion queue (`q`), posts a
    /// buffer in every slot and rings the doorbell.
    ///
    /// # Errors
    /// [`HostError::Invalid`] for a ring the device lacks, a log size
    /// outside 8..=15, a buffer length of 0 or over 65,535, or a full
    /// arena; register write errors.
    pub fn open(
        io: &mut dyn RegIo,
        regs: &QueueRegs,
        q: usize,
        arena: &Arc<Arena>,
        cfg: &QueueConfig,
    ) -> Result<RxQueue, HostError> {
        let r = *regs
            .rx
            .get(q)
            .ok_or_else(|| super::no_queue("receive", q, regs.rx.len()))?;
        super::check_log("receive ring", cfg.ring_log)?;
        if cfg.buf_len == 0 || cfg.buf_len > 0xffff {
            return Err(HostError::Invalid {
                what: "receive buffer length".into(),
                why: format!("{} bytes: 1..=65535", cfg.buf_len),
            });
        }
        let n = 1usize << cfg.ring_log;
        let m = super::open_ring(io, r, regs.cq[q], q, arena, cfg)?;
        let mut rx = RxQueue {
            queue: q as u16,
            ring: m.ring,
            bufs: m.bufs,
            buf_len: cfg.buf_len,
            log: cfg.ring_log,
            prod: 0,
            in_hw: vec![false; n],
            cq: m.cq,
            prod_reg: r.prod,
            ctrl_reg: r.ctrl,
            scratch: Vec::new(),
            stats: RxStats::default(),
        };
        rx.write_ring();
        rx.refill(io)?;
        Ok(rx)
    }

    fn stride(&self) -> usize {
        (self.buf_len as usize).next_multiple_of(64)
    }

    /// Writes every slot's descriptor: slot s always posts buffer s (the
    /// engine never writes the ring), so a refill only moves `PROD`.
    fn write_ring(&mut self) {
        for s in 0..1usize << self.log {
            let d = Descriptor {
                flags: 0,
                len: self.buf_len,
                addr: self.bufs.iova() + (s * self.stride()) as u64,
            };
            self.ring.write(s * DESC_BYTES, &d.to_bytes());
        }
    }

    /// Posts the buffer of every free slot from the producer index on, in
    /// ring order, and writes `PROD` once if any was posted.
    fn refill(&mut self, io: &mut dyn RegIo) -> Result<(), HostError> {
        let mask = (1usize << self.log) - 1;
        let start = self.prod;
        while !self.in_hw[usize::from(self.prod) & mask] {
            self.in_hw[usize::from(self.prod) & mask] = true;
            self.prod = self.prod.wrapping_add(1);
        }
        if self.prod != start {
            // the ring in memory before the doorbell
            fence(Ordering::Release);
            io.write32(self.prod_reg, self.prod.into())?;
            self.stats.doorbells += 1;
        }
        Ok(())
    }

    /// Receives up to `max` completions: each frame goes to `f`, each
    /// fault report is counted and its buffers posted again; then the
    /// free slots are refilled (one `PROD` write) and the completions
    /// acknowledged (one `CONS` write). Returns the frames delivered.
    ///
    /// # Errors
    /// Register write errors; [`HostError::Invalid`] for a completion
    /// that names slots the driver did not post (a device fault).
    pub fn recv(
        &mut self,
        io: &mut dyn RegIo,
        max: usize,
        mut f: impl FnMut(&RxPacket<'_>),
    ) -> Result<usize, HostError> {
        let mask = (1usize << self.log) - 1;
        let mut got = 0;
        for _ in 0..max {
            let Some(c) = self.cq.poll() else { break };
            let n = usize::from(c.desc_count);
            let first = usize::from(c.index);
            if n == 0 || (0..n).any(|k| !self.in_hw[(first + k) & mask]) {
                return Err(HostError::Invalid {
                    what: format!("receive queue {} completion", self.queue),
                    why: format!("names slots {first}..+{n}, not all posted: {c:?}"),
                });
            }
            (0..n).for_each(|k| self.in_hw[(first + k) & mask] = false);
            if let Some(f) = c.fault {
                // make the refused buffers' pages resident; refill posts
                // them again and the engine writes the frame anew
                self.stats.faults += 1;
                if let Some(port) = io.dma() {
                    for k in 0..usize::from(f.count.max(1)) {
                        let slot = (usize::from(f.index) + k) & mask;
                        port.resident(self.buffer_iova(slot as u16), self.stride())?;
                    }
                }
                continue;
            }
            let len = c.len as usize;
            let stride = self.stride();
            let data: &[u8] = if len <= self.buf_len as usize {
                // SAFETY: the slot's buffer is the driver's again (its
                // completion is read, it is not posted until refill) and
                // inside the region (slot < 2^log, len <= buf_len).
                unsafe {
                    std::slice::from_raw_parts(self.bufs.as_ptr().add((first & mask) * stride), len)
                }
            } else {
                self.scratch.clear();
                for k in 0..n {
                    let take = (len - self.scratch.len()).min(self.buf_len as usize);
                    self.bufs
                        .extend_into(((first + k) & mask) * stride, take, &mut self.scratch);
                }
                &self.scratch
            };
            f(&RxPacket {
                queue: self.queue,
                data,
                hash: c.hash,
                tag: c.tag,
                tuser: c.tuser,
            });
            self.stats.frames += 1;
            self.stats.bytes += len as u64;
            got += 1;
        }
        self.refill(io)?;
        self.cq.ack(io)?;
        Ok(got)
    }

    /// Arms the completion queue's interrupt (after acknowledging what was
    /// read), for a driver about to sleep on the vector.
    ///
    /// # Errors
    /// Register write errors.
    pub fn arm(&mut self, io: &mut dyn RegIo) -> Result<(), HostError> {
        self.cq.arm(io)
    }

    /// Interrupt moderation of the queue's completions
    /// ([`CplQueue::moderate`]).
    ///
    /// # Errors
    /// Register write errors.
    pub fn moderate(
        &mut self,
        io: &mut dyn RegIo,
        count: u16,
        wait: std::time::Duration,
    ) -> Result<(), HostError> {
        self.cq.moderate(io, count, wait)
    }

    /// Disables the ring and its completion queue.
    ///
    /// # Errors
    /// Register write errors.
    pub fn close(&mut self, io: &mut dyn RegIo) -> Result<(), HostError> {
        io.write32(self.ctrl_reg, 0)?;
        self.cq.close(io)
    }

    /// The receive queue's number.
    pub fn queue(&self) -> u16 {
        self.queue
    }

    /// IOVA of the buffer ring slot `slot` posts (slot s always posts
    /// buffer s).
    pub fn buffer_iova(&self, slot: u16) -> u64 {
        let slot = usize::from(slot) & ((1usize << self.log) - 1);
        self.bufs.iova() + (slot * self.stride()) as u64
    }

    /// Producer index (descriptors posted, free-running).
    pub fn producer(&self) -> u16 {
        self.prod
    }
}
