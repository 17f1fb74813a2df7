//! A completion queue, read by its phase bit (DESIGN.md section 7b): the
//! NIC writes 32-byte records ([`ferronic_regmap::dma::COMPLETION`]) with
//! the queue's phase in the last bit, 1 on the first pass and flipped on
//! each wrap; the driver polls memory, never a register, and tells the NIC
//! which slots it has read by writing `CONS` once per batch.

use super::mem::{Arena, DmaRegion};
use super::regs::CqRegs;
use crate::error::HostError;
use crate::regio::RegIo;
use ferronic_regmap::cq_ctrl;
use ferronic_regmap::dma::Completion;
use std::sync::atomic::{fence, Ordering};
use std::sync::Arc;

/// Bytes of one completion record.
pub const CPL_BYTES: usize = 32;

/// One completion queue of the driver.
#[derive(Debug)]
pub struct CplQueue {
    mem: DmaRegion,
    log: u32,
    cons: u16,
    told: u16,
    regs: CqRegs,
}

impl CplQueue {
    /// Allocates 2^`log` records in `arena` (zeroed: phase 0, so nothing
    /// reads as written), and enables the queue with interrupt `vector`.
    ///
    /// # Errors
    /// [`HostError::Invalid`] for `log` outside 8..=15 or a full arena;
    /// register write errors.
    pub fn open(
        io: &mut dyn RegIo,
        regs: CqRegs,
        arena: &Arc<Arena>,
        log: u32,
        vector: u32,
    ) -> Result<CplQueue, HostError> {
        super::check_log("completion queue", log)?;
        let mem = arena.alloc(CPL_BYTES << log, 4096)?;
        mem.write(0, &vec![0; mem.len()]);
        let iova = mem.iova();
        io.write32(regs.ctrl, 0)?;
        io.write32(regs.base_lo, iova as u32)?;
        io.write32(regs.base_hi, (iova >> 32) as u32)?;
        io.write32(regs.cons, 0)?;
        io.write32(
            regs.ctrl,
            cq_ctrl::ENABLE | log << cq_ctrl::LOG_SIZE_SHIFT | vector << cq_ctrl::VECTOR_SHIFT,
        )?;
        Ok(CplQueue {
            mem,
            log,
            cons: 0,
            told: 0,
            regs,
        })
    }

    /// The next completion, if the NIC has written it.
    // inlined into the callers' loops: returned through memory, the record
    // cost a store-forwarding stall per completion
    #[inline]
    pub fn poll(&mut self) -> Option<Completion> {
        let slot = usize::from(self.cons & ((1 << self.log) - 1)) * CPL_BYTES;
        let phase = (self.cons >> self.log) & 1 == 0;
        if (self.mem.byte_volatile(slot + CPL_BYTES - 1) >> 7 == 1) != phase {
            return None;
        }
        // the record's other bytes were written before its phase (one
        // write on the bus; Acquire keeps these loads after the phase's)
        fence(Ordering::Acquire);
        let mut raw = [0u8; CPL_BYTES];
        self.mem.read(slot, &mut raw);
        self.cons = self.cons.wrapping_add(1);
        Some(Completion::from_bytes(&raw))
    }

    /// Writes `CONS` if records were read since the last write (one
    /// register write per batch).
    ///
    /// # Errors
    /// Register write errors.
    pub fn ack(&mut self, io: &mut dyn RegIo) -> Result<(), HostError> {
        if self.cons != self.told {
            io.write32(self.regs.cons, self.cons.into())?;
            self.told = self.cons;
        }
        Ok(())
    }

    /// Arms the queue: its vector fires once on the next completion (after
    /// [`CplQueue::ack`], so records already read do not fire it).
    ///
    /// # Errors
    /// Register write errors.
    pub fn arm(&mut self, io: &mut dyn RegIo) -> Result<(), HostError> {
        self.ack(io)?;
        io.write32(self.regs.arm, 1)
    }

    /// Sets interrupt moderation (`cq.C<n>_MOD`): once armed, the vector
    /// is raised when `count` completions are waiting (0 or 1: the first)
    /// or `wait` has passed since the first (rounded up to 64 clocks of
    /// the card's 156.25 MHz clock, 409.6 ns; at most 26.8 ms; zero: no
    /// time limit), whichever comes first.
    ///
    /// # Errors
    /// Register write errors.
    pub fn moderate(
        &mut self,
        io: &mut dyn RegIo,
        count: u16,
        wait: std::time::Duration,
    ) -> Result<(), HostError> {
        let units = super::port::card_clocks(wait).div_ceil(64).min(0xffff) as u32;
        io.write32(self.regs.moderation, units << 16 | u32::from(count))
    }

    /// Records read so far (free-running, 16 bits).
    pub fn consumer(&self) -> u16 {
        self.cons
    }

    /// Disables the queue.
    ///
    /// # Errors
    /// Register write errors.
    pub fn close(&mut self, io: &mut dyn RegIo) -> Result<(), HostError> {
        io.write32(self.regs.ctrl, 0)
    }
}
