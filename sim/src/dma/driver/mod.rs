//! [`Driver`]: a driver model for the `nic` top, working only as a host
//! driver can: stores and loads to host memory ([`NicTop::mem`]) and
//! register accesses through AXI4-Lite ([`NicTop::axil`]). It opens the
//! rings and completion queues, keeps the receive rings stocked with
//! buffers, gathers transmit frames into descriptors, rings the doorbells
//! (`PROD`), reads completions by their phase bit and hands the slots
//! back (`C<c>_CONS`). DESIGN.md section 7b; after Corundum's mqnic driver.
//!
//! Layout in host memory (IOVAs, apart): receive ring q at
//! `0x1_0000_0000 + 0x100_0000 q`, its buffers from `0x10_0000_0000 (q+1)`;
//! transmit ring q at `0x2_0000_0000 + 0x100_0000 q`, its frame data from
//! `0x1000_0000_0000 + 0x10_0000_0000 q` (16 KiB a slot); completion queue c
//! at `0x3_0000_0000 + 0x100_0000 c`. Receive ring q completes into queue q,
//! transmit ring q into queue [`RINGS`] + q.
//!
//! Every completion is checked as it is read (a wrong one panics with what
//! differs): the slots it names were posted and not yet completed (each
//! slot completes once per posting), descriptor count and length
//! consistent with the buffers, the record's queue its ring's; transmit
//! completions come in ring order. Receive slots are reclaimed by their
//! completions, not by `CONS`: after a page-fault retry a later slot may
//! complete before an earlier one. Receive frames are reassembled from their
//! buffers into [`Driver::received`]; page-fault records go to
//! [`Driver::faults`] after the driver has made the refused pages resident
//! again; transmit completions go to [`Driver::tx_done`].

use crate::dma::top::NicTop;
use ferronic_hdl::dma::desc_fetch::RINGS;
use ferronic_regmap::dma::Completion;
use ferronic_regmap::{cq_ctrl, ring_ctrl};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{HashSet, VecDeque};

mod rx;
mod tx;

/// How the driver sets the queues up.
#[derive(Clone, Debug)]
pub struct DriverOpts {
    /// log2 entries of every receive and transmit ring (8..=15).
    pub ring_log: u32,
    /// log2 entries of every completion queue (8..=15).
    pub cq_log: u32,
    /// Receive buffer length of each ring, bytes (frames longer than one
    /// span several).
    pub rx_buf: [u32; RINGS],
    /// Receive buffers start at odd addresses (0..63 bytes past a 64-byte
    /// boundary) and straddle 4 KiB pages.
    pub rx_odd: bool,
    /// Share of receive buffer pages that fault (IOMMU refuses the write):
    /// a buffer posted faults with this chance times its length in pages.
    pub rx_faults: f64,
    /// Receive rings the driver posts buffers to (others stay empty: their
    /// frames are dropped whole and counted).
    pub rx_stocked: [bool; RINGS],
    /// Doorbells batch: a ring's `PROD` is written once `bell_batch`
    /// descriptors wait behind it, or `batch_clocks` after the last write
    /// when fewer do; a completion queue's `CONS` once a quarter of the
    /// queue is read, or 4 `batch_clocks` after the last. (Each register
    /// write takes the `nic` top's AXI4-Lite port 12.75 clocks; a
    /// doorbell per few descriptors at 10G line rate would need more
    /// writes than it carries, and real drivers batch too.)
    pub bell_batch: u16,
    pub batch_clocks: u64,
    /// Seed of the driver's random choices.
    pub seed: u64,
}

impl Default for DriverOpts {
    fn default() -> Self {
        DriverOpts {
            ring_log: 9,
            cq_log: 10,
            rx_buf: [2048; RINGS],
            rx_odd: false,
            rx_faults: 0.0,
            rx_stocked: [true; RINGS],
            bell_batch: 32,
            batch_clocks: 256,
            seed: 1,
        }
    }
}

/// A received frame as the driver reassembled it.
#[derive(Clone, Debug)]
pub struct RxDelivery {
    /// Receive ring (the RSS queue).
    pub queue: usize,
    /// The frame, from its buffers.
    pub data: Vec<u8>,
    /// Its completion.
    pub cpl: Completion,
}

/// A transmit completion, with the frame it completes.
#[derive(Clone, Debug)]
pub struct TxDone {
    /// Transmit ring.
    pub queue: usize,
    /// The caller's number for the frame ([`Driver::send`]).
    pub id: usize,
    /// The completion.
    pub cpl: Completion,
}

struct RxRing {
    prod: u16,
    /// Slots the engine holds (posted, not yet named by a completion).
    in_hw: Vec<bool>,
    bell: u16,
    bell_at: u64,
    bufs: Vec<(u64, u32)>,
}

struct TxFrame {
    id: usize,
    segs: Vec<(u64, Vec<u8>)>,
    bad: bool,
}

struct TxRing {
    prod: u16,
    done: u16,
    bell: u16,
    bell_at: u64,
    waiting: VecDeque<TxFrame>,
    /// (id, first index, descriptors, bytes) posted, in order.
    posted: VecDeque<(usize, u16, u16, u32)>,
}

struct Cq {
    cons: u16,
    told: u16,
    told_at: u64,
}

/// The driver model; see the module documentation.
pub struct Driver {
    opts: DriverOpts,
    rng: StdRng,
    rx: Vec<RxRing>,
    tx: Vec<TxRing>,
    cq: Vec<Cq>,
    /// Pages the driver made fault (IOMMU mappings it withheld), and every
    /// page it ever did (a page one fault record clears may have refused
    /// a neighbouring buffer's write too, reported in a later record).
    faulted: HashSet<u64>,
    ever_faulted: HashSet<u64>,
    /// Received frames in completion order.
    pub received: Vec<RxDelivery>,
    /// Page-fault records (receive), in completion order.
    pub faults: Vec<Completion>,
    /// Transmit completions in completion order.
    pub tx_done: Vec<TxDone>,
}

/// IOVA of receive ring `q`.
pub fn rx_ring_base(q: usize) -> u64 {
    0x1_0000_0000 + 0x100_0000 * q as u64
}
/// IOVA of transmit ring `q`.
pub fn tx_ring_base(q: usize) -> u64 {
    0x2_0000_0000 + 0x100_0000 * q as u64
}
/// IOVA of transmit ring `q`'s frame data (slot s at + [`TX_SLOT`] s).
pub fn tx_data_base(q: usize) -> u64 {
    0x1000_0000_0000 + 0x10_0000_0000 * q as u64
}
/// IOVA of completion queue `c`.
///
/// Every region is apart from every other at the largest sizes (tested
/// below).
pub fn cq_base(c: usize) -> u64 {
    0x3_0000_0000 + 0x100_0000 * c as u64
}
/// Bytes of frame data each transmit slot may use.
pub const TX_SLOT: u64 = 16 * 1024;

impl Driver {
    /// Opens every ring and completion queue of `top` and enables the
    /// engine and the datapath (receive and transmit), through the
    /// registers; returns when every write is answered.
    ///
    /// # Panics
    /// When a register write is refused.
    pub fn open(top: &mut NicTop, opts: &DriverOpts) -> Driver {
        let mut rng = StdRng::seed_from_u64(opts.seed ^ 0xd71);
        let size = 1usize << opts.ring_log;
        let rx = (0..RINGS)
            .map(|q| {
                let len = opts.rx_buf[q];
                let stride = (u64::from(len) + 64).next_multiple_of(64);
                let bufs = (0..size as u64)
                    .map(|s| {
                        let odd = if opts.rx_odd { rng.gen_range(0..64) } else { 0 };
                        (0x10_0000_0000 * (q as u64 + 1) + s * stride + odd, len)
                    })
                    .collect();
                RxRing {
                    prod: 0,
                    in_hw: vec![false; size],
                    bell: 0,
                    bell_at: 0,
                    bufs,
                }
            })
            .collect();
        let tx = (0..RINGS)
            .map(|_| TxRing {
                prod: 0,
                done: 0,
                bell: 0,
                bell_at: 0,
                waiting: VecDeque::new(),
                posted: VecDeque::new(),
            })
            .collect();
        let cq = (0..2 * RINGS)
            .map(|_| Cq {
                cons: 0,
                told: 0,
                told_at: 0,
            })
            .collect();
        for c in 0..2 * RINGS {
            let b = cq_base(c);
            top.write_reg(&format!("cq.C{c}_BASE_LO"), b as u32);
            top.write_reg(&format!("cq.C{c}_BASE_HI"), (b >> 32) as u32);
            let ctrl = cq_ctrl::ENABLE
                | opts.cq_log << cq_ctrl::LOG_SIZE_SHIFT
                | (c as u32) << cq_ctrl::VECTOR_SHIFT;
            top.write_reg(&format!("cq.C{c}_CTRL"), ctrl);
        }
        for q in 0..RINGS {
            for (blk, b, c) in [
                ("rxq", rx_ring_base(q), q),
                ("txq", tx_ring_base(q), RINGS + q),
            ] {
                top.write_reg(&format!("{blk}.Q{q}_BASE_LO"), b as u32);
                top.write_reg(&format!("{blk}.Q{q}_BASE_HI"), (b >> 32) as u32);
                let ctrl = ring_ctrl::ENABLE
                    | opts.ring_log << ring_ctrl::LOG_SIZE_SHIFT
                    | (c as u32) << ring_ctrl::CQ_SHIFT;
                top.write_reg(&format!("{blk}.Q{q}_CTRL"), ctrl);
            }
        }
        let mut drv = Driver {
            opts: opts.clone(),
            rng,
            rx,
            tx,
            cq,
            faulted: HashSet::new(),
            ever_faulted: HashSet::new(),
            received: Vec::new(),
            faults: Vec::new(),
            tx_done: Vec::new(),
        };
        // the receive rings stocked and their doorbells rung before the
        // engine and the MAC side start, as a driver brings a port up
        for q in (0..RINGS).filter(|&q| opts.rx_stocked[q]) {
            drv.stock(top, q);
            let r = &mut drv.rx[q];
            top.write_reg(&format!("rxq.Q{q}_PROD"), r.prod.into());
            r.bell = r.prod;
        }
        top.write_reg("dma.CTRL", ferronic_regmap::dma_ctrl::ENABLE);
        let dp = ferronic_regmap::ctrl::ENABLE | ferronic_regmap::ctrl::TX_ENABLE;
        top.write_reg("datapath.CTRL", dp);
        for d in top.settle_regs() {
            assert_eq!(d.resp, crate::bus::axil::Resp::Okay, "{:?}", d.op);
        }
        drv
    }

    fn size(&self) -> u16 {
        1 << self.opts.ring_log
    }

    /// One clock of driver work (call once per [`NicTop::clock`]): read new
    /// completions, post receive buffers and waiting transmit frames,
    /// write doorbells and completion `CONS` when due.
    pub fn poll(&mut self, top: &mut NicTop) {
        for c in 0..2 * RINGS {
            self.reap(top, c);
        }
        let now = top.stats.clocks;
        for q in 0..RINGS {
            if self.opts.rx_stocked[q] {
                self.stock(top, q);
            }
            self.post_tx(top, q);
            // doorbells batch: at most one per queue per batch_clocks, and
            // none while the register bus has a backlog
            let calm = top.axil.pending() < 4;
            let (batch, wait) = (self.opts.bell_batch, self.opts.batch_clocks);
            let due = |prod: u16, bell: u16, at: u64| {
                let n = prod.wrapping_sub(bell);
                calm && n != 0 && (n >= batch || now >= at + wait)
            };
            let r = &mut self.rx[q];
            if due(r.prod, r.bell, r.bell_at) {
                top.write_reg(&format!("rxq.Q{q}_PROD"), r.prod.into());
                (r.bell, r.bell_at) = (r.prod, now);
            }
            let t = &mut self.tx[q];
            if due(t.prod, t.bell, t.bell_at) {
                top.write_reg(&format!("txq.Q{q}_PROD"), t.prod.into());
                (t.bell, t.bell_at) = (t.prod, now);
            }
        }
        let quarter = 1u16 << (self.opts.cq_log - 2);
        for (c, cq) in self.cq.iter_mut().enumerate() {
            let n = cq.cons.wrapping_sub(cq.told);
            if n != 0
                && top.axil.pending() < 4
                && (n >= quarter || now >= cq.told_at + 4 * self.opts.batch_clocks)
            {
                top.write_reg(&format!("cq.C{c}_CONS"), cq.cons.into());
                (cq.told, cq.told_at) = (cq.cons, now);
            }
        }
    }

    /// Writes every doorbell and completion `CONS` that batching holds
    /// back, now, and runs clocks until the registers have taken them (as
    /// a driver does before it arms a queue and sleeps: a queue armed with
    /// completions it has read but not acknowledged fires at once).
    pub fn flush(&mut self, top: &mut NicTop) {
        for q in 0..RINGS {
            let r = &mut self.rx[q];
            if r.prod != r.bell {
                top.write_reg(&format!("rxq.Q{q}_PROD"), r.prod.into());
                r.bell = r.prod;
            }
            let t = &mut self.tx[q];
            if t.prod != t.bell {
                top.write_reg(&format!("txq.Q{q}_PROD"), t.prod.into());
                t.bell = t.prod;
            }
        }
        for (c, cq) in self.cq.iter_mut().enumerate() {
            if cq.cons != cq.told {
                top.write_reg(&format!("cq.C{c}_CONS"), cq.cons.into());
                cq.told = cq.cons;
            }
        }
        top.settle_regs();
    }

    /// Reads the new completions of queue `c`.
    fn reap(&mut self, top: &mut NicTop, c: usize) {
        let entries = 1u16 << self.opts.cq_log;
        loop {
            let cq = &self.cq[c];
            let slot = u64::from(cq.cons & (entries - 1));
            let at = cq_base(c) + 32 * slot;
            // phase 1 on the first pass, flipped at each wrap; the phase
            // is bit 255 (the last byte's top bit): look at it first
            let phase = (cq.cons >> self.opts.cq_log) & 1 == 0;
            if (top.mem.byte(at + 31) >> 7 == 1) != phase {
                return;
            }
            let raw: [u8; 32] = top.mem.read(at, 32).try_into().unwrap();
            let cpl = Completion::from_bytes(&raw);
            assert_eq!(cpl.phase, phase, "phase bit");
            self.cq[c].cons = self.cq[c].cons.wrapping_add(1);
            if c < RINGS {
                self.rx_completion(top, c, cpl);
            } else {
                self.tx_completion(c - RINGS, cpl);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// At the largest rings (2^15 entries), queues (2^15) and buffers
    /// (9,600 bytes + 64), no two regions overlap.
    #[test]
    fn regions_are_apart() {
        let n = 1u64 << 15;
        let mut r: Vec<(u64, u64, String)> = Vec::new();
        for q in 0..RINGS {
            r.push((rx_ring_base(q), 16 * n, format!("rx ring {q}")));
            r.push((tx_ring_base(q), 16 * n, format!("tx ring {q}")));
            let rx_bufs = 0x10_0000_0000 * (q as u64 + 1);
            r.push((rx_bufs, (9600 + 128) * n, format!("rx buffers {q}")));
            let tx_data = tx_data_base(q);
            r.push((tx_data, TX_SLOT * n, format!("tx data {q}")));
        }
        for c in 0..2 * RINGS {
            r.push((cq_base(c), 32 * n, format!("cq {c}")));
        }
        r.sort();
        for w in r.windows(2) {
            assert!(w[0].0 + w[0].1 <= w[1].0, "{} overlaps {}", w[0].2, w[1].2);
        }
    }
}
