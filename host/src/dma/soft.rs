//! A software device: the DMA engine's queue protocol played by a thread
//! over the driver's own memory, for measuring what the driver costs
//! with no NIC and no simulator in the way (issue 14's driver benchmark),
//! and for testing the ring code fast.
//!
//! It keeps the register words of the `nic` map in atomics ([`SoftIo`]
//! is their [`RegIo`]). While `dma.CTRL` is set, it takes every transmit
//! ring's descriptors up to its `PROD` (gathering to EOP), completes them
//! in the ring's completion queue, and either loops each frame back into
//! the receive ring of the same number ([`Mode::Loopback`]) or hands it
//! out ([`Mode::Capture`], with frames injected for receive). A receive
//! frame fills posted buffers from the ring's consumer index and is
//! completed with its length and buffer count; with no buffer posted it
//! is dropped and counted (`rxq.Q<n>_DROPS`), as the engine does.
//! Completion records are written whole, then the byte holding the phase
//! (Release), and the device waits while a completion queue is full.

use super::cq::CPL_BYTES;
use super::mem::Arena;
use super::DESC_BYTES;
use crate::error::HostError;
use crate::regio::RegIo;
use ferronic_regmap::dma::{desc_flags, Completion, Descriptor};
use ferronic_regmap::{cq_ctrl, ring_ctrl, RegMap};
use std::collections::VecDeque;
use std::sync::atomic::{fence, AtomicBool, AtomicU32, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;

/// The register map of the `nic` top (the DMA engine's blocks included).
pub fn nic_map() -> RegMap {
    crate::device::with_dma(&crate::device::tool_map())
}

/// Where transmitted frames go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Into the receive ring of the same number.
    Loopback,
    /// Out on [`SoftNic::sent`]; receive frames come from [`SoftNic::inject`].
    Capture,
}

/// Register words in atomics.
#[derive(Debug)]
struct Words(Vec<AtomicU32>);

impl Words {
    fn get(&self, off: u32) -> u32 {
        self.0[(off / 4) as usize].load(Ordering::Acquire)
    }
    fn set(&self, off: u32, v: u32) {
        self.0[(off / 4) as usize].store(v, Ordering::Release)
    }
}

/// The driver's side of the software device's registers.
#[derive(Debug, Clone)]
pub struct SoftIo {
    words: Arc<Words>,
}

impl RegIo for SoftIo {
    fn read32(&mut self, offset: u32) -> Result<u32, HostError> {
        self.check(offset)?;
        Ok(self.words.get(offset))
    }

    fn write32(&mut self, offset: u32, value: u32) -> Result<(), HostError> {
        self.check(offset)?;
        self.words.set(offset, value);
        Ok(())
    }

    fn name(&self) -> &str {
        "soft:"
    }

    fn backend(&self) -> &'static str {
        "soft"
    }

    fn size(&self) -> u64 {
        4 * self.words.0.len() as u64
    }

    fn reset(&mut self) -> Result<(), HostError> {
        self.words
            .0
            .iter()
            .for_each(|w| w.store(0, Ordering::Release));
        Ok(())
    }
}

impl SoftIo {
    fn check(&self, offset: u32) -> Result<(), HostError> {
        if !offset.is_multiple_of(4) || u64::from(offset) + 4 > self.size() {
            return Err(HostError::BadOffset {
                device: "soft:".into(),
                offset,
                size: self.size(),
            });
        }
        Ok(())
    }
}

/// A running software device; stops when dropped.
pub struct SoftNic {
    io: SoftIo,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    /// The engine of a device stepped by its owner ([`SoftNic::stepped`]).
    engine: Option<Box<Engine>>,
    inject: Sender<(usize, Vec<u8>)>,
    sent: Receiver<(usize, Vec<u8>)>,
}

impl SoftNic {
    /// Starts the device thread over `arena` (the IOVAs the driver posts
    /// must be inside it).
    pub fn start(arena: Arc<Arena>, mode: Mode) -> SoftNic {
        let mut nic = SoftNic::stepped(arena, mode);
        let mut dev = nic.engine.take().expect("a new device has its engine");
        let halt = Arc::clone(&nic.stop);
        let thread = std::thread::Builder::new()
            .name("soft-nic".into())
            .spawn(move || {
                while !halt.load(Ordering::Relaxed) {
                    if !dev.step() {
                        std::hint::spin_loop();
                    }
                }
            })
            .expect("spawning the software device's thread");
        nic.thread = Some(thread);
        nic
    }

    /// A device with no thread of its own: it acts only in
    /// [`SoftNic::step`], on the caller's core (the driver's cost without
    /// cache lines crossing between cores).
    pub fn stepped(arena: Arc<Arena>, mode: Mode) -> SoftNic {
        let map = nic_map();
        let span = super::super::device::map_span(&map) as usize;
        let words = Arc::new(Words((0..span / 4).map(|_| AtomicU32::new(0)).collect()));
        let regs = super::QueueRegs::of_map(&map).expect("the nic map has the queue blocks");
        let drops = (0..regs.rx.len())
            .map(|q| {
                map.reg(&format!("rxq.Q{q}_DROPS"))
                    .expect("drop counter")
                    .offset
            })
            .collect();
        let stop = Arc::new(AtomicBool::new(false));
        let (inject, inj_rx) = channel();
        let (sent_tx, sent) = channel();
        let dev = Engine {
            words: Arc::clone(&words),
            arena,
            mode,
            tx_cons: vec![0; regs.tx.len()],
            rx_cons: vec![0; regs.rx.len()],
            cq_prod: vec![0; regs.cq.len()],
            pending: vec![VecDeque::new(); regs.rx.len()],
            drops,
            regs,
            inject: inj_rx,
            sent: sent_tx,
            frame: Vec::new(),
            pool: Vec::new(),
        };
        SoftNic {
            io: SoftIo { words },
            stop,
            thread: None,
            engine: Some(Box::new(dev)),
            inject,
            sent,
        }
    }

    /// One pass of a [`SoftNic::stepped`] device over every queue; false
    /// when it had nothing to do (and always for a threaded device).
    pub fn step(&mut self) -> bool {
        self.engine.as_mut().is_some_and(|e| e.step())
    }

    /// A register handle for the driver.
    pub fn io(&self) -> SoftIo {
        self.io.clone()
    }

    /// Queues `frame` (without FCS) for receive queue `q`.
    pub fn inject(&self, q: usize, frame: Vec<u8>) {
        // the thread outlives the sender's use; a send fails only after drop
        let _ = self.inject.send((q, frame));
    }

    /// Frames transmitted so far in [`Mode::Capture`], with their queue.
    pub fn sent(&self) -> Vec<(usize, Vec<u8>)> {
        self.sent.try_iter().collect()
    }
}

impl Drop for SoftNic {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The device thread's state.
struct Engine {
    words: Arc<Words>,
    arena: Arc<Arena>,
    mode: Mode,
    regs: super::QueueRegs,
    tx_cons: Vec<u16>,
    rx_cons: Vec<u16>,
    cq_prod: Vec<u16>,
    pending: Vec<VecDeque<Vec<u8>>>,
    drops: Vec<u32>,
    inject: Receiver<(usize, Vec<u8>)>,
    sent: Sender<(usize, Vec<u8>)>,
    frame: Vec<u8>,
    /// Frame buffers to reuse (a looped-back frame's, once received), so
    /// the device allocates nothing per frame.
    pool: Vec<Vec<u8>>,
}

impl Engine {
    /// One pass over every queue; false when there was nothing to do.
    fn step(&mut self) -> bool {
        if self.words.get(self.regs.dma_ctrl) & ferronic_regmap::dma_ctrl::ENABLE == 0 {
            return false;
        }
        let mut busy = false;
        while let Ok((q, f)) = self.inject.try_recv() {
            if q < self.pending.len() {
                self.pending[q].push_back(f);
            }
        }
        for q in 0..self.regs.tx.len() {
            busy |= self.transmit(q);
        }
        for q in 0..self.regs.rx.len() {
            while let Some(f) = self.pending[q].pop_front() {
                busy = true;
                if !self.receive(q, &f) {
                    self.pending[q].push_front(f);
                    break;
                }
                self.pool.push(f);
            }
        }
        busy
    }

    fn ring(&self, r: &super::regs::RingRegs) -> Option<(u64, u32, usize)> {
        let ctrl = self.words.get(r.ctrl);
        if ctrl & ring_ctrl::ENABLE == 0 {
            return None;
        }
        let base =
            u64::from(self.words.get(r.base_lo)) | u64::from(self.words.get(r.base_hi)) << 32;
        let log = (ctrl >> ring_ctrl::LOG_SIZE_SHIFT) & 0xf;
        Some((base, log, ((ctrl >> ring_ctrl::CQ_SHIFT) & 0xff) as usize))
    }

    fn desc(&self, base: u64, log: u32, i: u16) -> Descriptor {
        let at = base + (DESC_BYTES * (usize::from(i) & ((1 << log) - 1))) as u64;
        let p = self
            .arena
            .translate(at, DESC_BYTES)
            .expect("descriptor inside the arena");
        let mut b = [0u8; DESC_BYTES];
        // SAFETY: 16 bytes at p are in the arena (translate checked).
        unsafe { std::ptr::copy_nonoverlapping(p, b.as_mut_ptr(), DESC_BYTES) };
        Descriptor::from_bytes(&b)
    }

    /// Sends every complete frame posted on transmit ring `q`.
    fn transmit(&mut self, q: usize) -> bool {
        let r = self.regs.tx[q];
        let Some((base, log, cq)) = self.ring(&r) else {
            return false;
        };
        let prod = self.words.get(r.prod) as u16;
        let mut busy = false;
        loop {
            let first = self.tx_cons[q];
            // a whole frame (to EOP) must be posted
            let mut n = 0u16;
            let eop = loop {
                if first.wrapping_add(n) == prod {
                    break false;
                }
                let d = self.desc(base, log, first.wrapping_add(n));
                n += 1;
                if d.flags & desc_flags::EOP != 0 || n as usize == super::tx::TX_MAX_DESCS {
                    break true;
                }
            };
            if !eop || !self.cq_room(cq) {
                return busy;
            }
            self.frame.clear();
            for k in 0..n {
                let d = self.desc(base, log, first.wrapping_add(k));
                let p = self
                    .arena
                    .translate(d.addr, d.len as usize)
                    .expect("buffer inside the arena");
                // SAFETY: d.len bytes at p are in the arena (checked).
                self.frame
                    .extend_from_slice(unsafe { std::slice::from_raw_parts(p, d.len as usize) });
            }
            self.tx_cons[q] = first.wrapping_add(n);
            self.words.set(r.cons, self.tx_cons[q].into());
            let frame = std::mem::replace(&mut self.frame, self.pool.pop().unwrap_or_default());
            self.complete(
                cq,
                &Completion {
                    queue: q as u16,
                    index: first,
                    len: frame.len() as u32,
                    desc_count: n,
                    ..Completion::default()
                },
            );
            match self.mode {
                Mode::Loopback if q < self.pending.len() => self.pending[q].push_back(frame),
                Mode::Loopback => {}
                Mode::Capture => {
                    let _ = self.sent.send((q, frame));
                }
            }
            busy = true;
        }
    }

    /// Writes `f` into receive ring `q`'s posted buffers; false when its
    /// completion queue is full (the caller keeps the frame), true
    /// otherwise (delivered, or dropped and counted for want of buffers).
    fn receive(&mut self, q: usize, f: &[u8]) -> bool {
        let r = self.regs.rx[q];
        let Some((base, log, cq)) = self.ring(&r) else {
            self.count_drop(q);
            return true;
        };
        let prod = self.words.get(r.prod) as u16;
        let first = self.rx_cons[q];
        // the buffers it needs, all posted, or the frame is dropped whole
        let (mut n, mut room) = (0u16, 0usize);
        while room < f.len().max(1) {
            if first.wrapping_add(n) == prod {
                self.count_drop(q);
                return true;
            }
            room += self.desc(base, log, first.wrapping_add(n)).len as usize;
            n += 1;
        }
        // buffers posted, but no room for the completion: wait for it
        if !self.cq_room(cq) {
            return false;
        }
        let mut at = 0;
        for k in 0..n {
            let d = self.desc(base, log, first.wrapping_add(k));
            let take = (f.len() - at).min(d.len as usize);
            let p = self
                .arena
                .translate(d.addr, take)
                .expect("buffer inside the arena");
            // SAFETY: take bytes at p are in the arena (checked).
            unsafe { std::ptr::copy_nonoverlapping(f[at..].as_ptr(), p, take) };
            at += take;
        }
        self.rx_cons[q] = first.wrapping_add(n);
        self.words.set(r.cons, self.rx_cons[q].into());
        self.complete(
            cq,
            &Completion {
                queue: q as u16,
                index: first,
                len: f.len() as u32,
                desc_count: n,
                ..Completion::default()
            },
        );
        true
    }

    fn count_drop(&self, q: usize) {
        let d = self.drops[q];
        self.words.set(d, self.words.get(d).wrapping_add(1));
    }

    /// Completion queue `c` enabled and not full.
    fn cq_room(&self, c: usize) -> bool {
        let r = self.regs.cq[c];
        let ctrl = self.words.get(r.ctrl);
        let log = (ctrl >> cq_ctrl::LOG_SIZE_SHIFT) & 0xf;
        ctrl & cq_ctrl::ENABLE != 0
            && self.cq_prod[c].wrapping_sub(self.words.get(r.cons) as u16) < 1 << log
    }

    fn complete(&mut self, c: usize, cpl: &Completion) {
        let r = self.regs.cq[c];
        let ctrl = self.words.get(r.ctrl);
        let log = (ctrl >> cq_ctrl::LOG_SIZE_SHIFT) & 0xf;
        let base =
            u64::from(self.words.get(r.base_lo)) | u64::from(self.words.get(r.base_hi)) << 32;
        let prod = self.cq_prod[c];
        let rec = Completion {
            phase: (prod >> log) & 1 == 0,
            ..*cpl
        }
        .to_bytes();
        let at = base + (CPL_BYTES * (usize::from(prod) & ((1 << log) - 1))) as u64;
        let p = self
            .arena
            .translate(at, CPL_BYTES)
            .expect("completion inside the arena");
        // SAFETY: 32 bytes at p are in the arena (checked). The phase
        // byte goes last, after a Release fence, so a reader that sees
        // the new phase sees the record.
        unsafe {
            std::ptr::copy_nonoverlapping(rec.as_ptr(), p, CPL_BYTES - 1);
            fence(Ordering::Release);
            std::ptr::write_volatile(p.add(CPL_BYTES - 1), rec[CPL_BYTES - 1]);
        }
        self.cq_prod[c] = prod.wrapping_add(1);
        self.words.set(r.prod, self.cq_prod[c].into());
    }
}
