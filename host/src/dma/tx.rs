//! A transmit queue: frames copied into slot buffers (or written there in
//! place: [`TxQueue::send_with`]), a descriptor per slot (a frame over
//! several slots is a gather ending in EOP), one doorbell per batch, slots
//! freed by the completions (in ring order). A frame whose buffer read was
//! refused (a page fault: the completion's fault report) is copied out of
//! its slots, its pages made resident, and sent again ahead of new frames.

use super::cq::CplQueue;
use super::mem::{Arena, DmaRegion};
use super::regs::QueueRegs;
use super::{QueueConfig, DESC_BYTES};
use crate::error::HostError;
use crate::regio::RegIo;
use ferronic_regmap::dma::{desc_flags, Descriptor};
use std::collections::VecDeque;
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
    /// Page-fault reports (a refused buffer read: the frame was not sent
    /// and is queued again).
    pub faults: u64,
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
    /// Faulted frames to send again (bytes, mark-bad), oldest first.
    retry: VecDeque<(Vec<u8>, bool)>,
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
            retry: VecDeque::new(),
            stats: TxStats::default(),
        })
    }

    /// Reads the transmit completions: their slots are free again. A
    /// fault report's frame is copied out of its slots, its pages made
    /// resident ([`super::DmaPort::resident`]), and it is posted again
    /// (now, or on a later call when the ring is full). Returns the frames
    /// completed (sent).
    ///
    /// # Errors
    /// Register write errors; [`HostError::Invalid`] for a completion out
    /// of ring order (a device fault).
    pub fn reap(&mut self, io: &mut dyn RegIo) -> Result<usize, HostError> {
        let n = self.reap_completions(io)?;
        if !self.retry.is_empty() {
            let start = self.prod;
            self.post_retries(io)?;
            self.doorbell(io, start)?;
        }
        Ok(n)
    }

    fn reap_completions(&mut self, io: &mut dyn RegIo) -> Result<usize, HostError> {
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
            if c.fault.is_some() {
                self.requeue(io, c.index, c.desc_count)?;
            } else {
                n += 1;
            }
            self.clean = c.index.wrapping_add(c.desc_count);
        }
        self.stats.completed += n as u64;
        self.cq.ack(io)?;
        Ok(n)
    }

    /// Copies the frame in slots `first..+count` (as their descriptors
    /// say) to the retry queue and makes its buffers' pages resident.
    fn requeue(&mut self, io: &mut dyn RegIo, first: u16, count: u16) -> Result<(), HostError> {
        self.stats.faults += 1;
        let mask = (1usize << self.log) - 1;
        let (mut frame, mut bad) = (Vec::new(), false);
        for k in 0..count {
            let s = usize::from(first.wrapping_add(k)) & mask;
            let mut raw = [0u8; DESC_BYTES];
            self.ring.read(s * DESC_BYTES, &mut raw);
            let d = Descriptor::from_bytes(&raw);
            bad |= d.flags & desc_flags::BAD != 0;
            let len = (d.len as usize).min(self.slot_len);
            self.bufs.extend_into(s * self.slot_len, len, &mut frame);
            if let Some(port) = io.dma() {
                port.resident(self.bufs.iova() + (s * self.slot_len) as u64, self.slot_len)?;
            }
        }
        self.retry.push_back((frame, bad));
        Ok(())
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
        let start = self.prod;
        let mut sent = 0;
        let mut bad_frame = None;
        if self.post_retries(io)? {
            for (f, bad) in frames {
                let slots = f.len().div_ceil(self.slot_len);
                if f.is_empty() || f.len() > TX_MAX_FRAME || slots > TX_MAX_DESCS {
                    bad_frame = Some(f.len());
                    break;
                }
                if slots > self.room() {
                    break;
                }
                self.post(f, bad);
                sent += 1;
            }
        }
        self.doorbell(io, start)?;
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

    /// Zero-copy transmit: up to `max` frames written in place, each into
    /// one slot's buffer. `fill(i, buf)` gets the `i`th frame's buffer
    /// (`cfg.buf_len` bytes rounded up to 64, holding whatever that slot
    /// sent last) and returns the frame's length in bytes, or 0 to stop
    /// there. One doorbell for the batch, as [`TxQueue::send`]. Returns
    /// how many frames were queued (fewer than `max` when the ring is
    /// full or `fill` stopped).
    ///
    /// # Errors
    /// [`HostError::Invalid`] for a length over the buffer (that frame is
    /// not queued; those before it are); register write errors.
    pub fn send_with(
        &mut self,
        io: &mut dyn RegIo,
        max: usize,
        mut fill: impl FnMut(usize, &mut [u8]) -> usize,
    ) -> Result<usize, HostError> {
        let start = self.prod;
        let mut sent = 0;
        let mut result = Ok(());
        if self.post_retries(io)? {
            let mask = (1usize << self.log) - 1;
            while sent < max && self.room() > 0 {
                let s = usize::from(self.prod) & mask;
                // SAFETY: slot s's buffer is the driver's (its slot is
                // free: room > 0) and inside the region (s < 2^log).
                let buf = unsafe {
                    std::slice::from_raw_parts_mut(
                        self.bufs.as_ptr().add(s * self.slot_len),
                        self.slot_len,
                    )
                };
                let len = fill(sent, buf);
                if len == 0 {
                    break;
                }
                if len > self.slot_len {
                    result = Err(HostError::Invalid {
                        what: format!("transmit frame {sent} of the batch"),
                        why: format!("{len} bytes in a buffer of {}", self.slot_len),
                    });
                    break;
                }
                self.describe(s, len, desc_flags::EOP);
                self.stats.frames += 1;
                self.stats.bytes += len as u64;
                sent += 1;
            }
        }
        self.doorbell(io, start)?;
        result.map(|()| sent)
    }

    /// Reaps when the ring is short of room, then posts the faulted
    /// frames waiting to be sent again; true when none is left waiting.
    fn post_retries(&mut self, io: &mut dyn RegIo) -> Result<bool, HostError> {
        if self.room() < TX_MAX_DESCS {
            self.reap_completions(io)?;
        }
        while let Some((f, _)) = self.retry.front() {
            if f.len().div_ceil(self.slot_len) > self.room() {
                return Ok(false);
            }
            let (f, bad) = self.retry.pop_front().expect("the front is there");
            // (counted in the stats when first posted)
            self.write_slots(&f, bad);
        }
        Ok(true)
    }

    /// Posts `f` ([`TxQueue::write_slots`]) and counts it.
    fn post(&mut self, f: &[u8], bad: bool) {
        self.write_slots(f, bad);
        self.stats.frames += 1;
        self.stats.bytes += f.len() as u64;
    }

    /// Copies `f` into the slots from the producer index on (room
    /// checked by the caller) and writes their descriptors.
    fn write_slots(&mut self, f: &[u8], bad: bool) {
        let mask = (1usize << self.log) - 1;
        let slots = f.len().div_ceil(self.slot_len);
        for (k, chunk) in f.chunks(self.slot_len).enumerate() {
            let s = usize::from(self.prod) & mask;
            self.bufs.write(s * self.slot_len, chunk);
            let mut flags = if bad { desc_flags::BAD } else { 0 };
            if k + 1 == slots {
                flags |= desc_flags::EOP;
            }
            self.describe(s, chunk.len(), flags);
        }
    }

    /// Writes slot `s`'s descriptor (its own buffer, `len` bytes) and
    /// moves the producer index past it.
    #[inline]
    fn describe(&mut self, s: usize, len: usize, flags: u16) {
        let d = Descriptor {
            flags,
            len: len as u32,
            addr: self.bufs.iova() + (s * self.slot_len) as u64,
        };
        self.ring.write(s * DESC_BYTES, &d.to_bytes());
        self.prod = self.prod.wrapping_add(1);
    }

    /// Writes `PROD` if slots were posted since `start`.
    fn doorbell(&mut self, io: &mut dyn RegIo, start: u16) -> Result<(), HostError> {
        if self.prod != start {
            // the descriptors and buffers in memory before the doorbell
            fence(Ordering::Release);
            io.write32(self.prod_reg, self.prod.into())?;
            self.stats.doorbells += 1;
        }
        Ok(())
    }

    /// IOVA of slot `slot`'s buffer (slot s always sends from buffer s).
    pub fn buffer_iova(&self, slot: u16) -> u64 {
        let slot = usize::from(slot) & ((1usize << self.log) - 1);
        self.bufs.iova() + (slot * self.slot_len) as u64
    }

    /// Descriptors posted and not yet completed, plus faulted frames
    /// waiting to be posted again (0: everything queued has been sent).
    pub fn in_flight(&self) -> usize {
        usize::from(self.prod.wrapping_sub(self.clean)) + self.retry.len()
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
