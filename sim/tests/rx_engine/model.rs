//! The test's models: frames, the driver's rings, the unit's ports, a
//! run's setup and what it saw.

use ferronic_hdl::dma::desc_fetch::RINGS;
use ferronic_sim::unit::{Port, Unit};
use rand::rngs::StdRng;
use rand::Rng;

/// A frame as the datapath hands it over.
#[derive(Clone)]
pub(crate) struct Frame {
    pub(crate) data: Vec<u8>,
    pub(crate) queue: usize,
    pub(crate) tuser: u8,
    pub(crate) tag: u64,
    pub(crate) hash: u32,
}

/// One ring's driver state: buffer of each slot, descriptors posted.
pub(crate) struct Ring {
    pub(crate) log: u32,
    pub(crate) base: u64,
    /// (address, length) of the buffer each slot uses, and whether the
    /// driver holds it (its last use completed).
    pub(crate) bufs: Vec<(u64, u32)>,
    pub(crate) owned: Vec<bool>,
    pub(crate) prod: u16,
    /// Post at all, and the chance per clock of posting a batch.
    pub(crate) stocked: f64,
    pub(crate) delivered: usize,
    pub(crate) drops: usize,
    /// Ring indices named by a record (each once).
    pub(crate) used: std::collections::BTreeSet<u16>,
}

impl Ring {
    pub(crate) fn size(&self) -> u16 {
        1 << self.log
    }
    pub(crate) fn buf(&self, i: u16) -> (u64, u32) {
        self.bufs[(i & (self.size() - 1)) as usize]
    }
}

pub(crate) struct Ports {
    pub(crate) rst: Port,
    pub(crate) cfg: Port,
    pub(crate) tdata: Port,
    pub(crate) tkeep: Port,
    pub(crate) tvalid: Port,
    pub(crate) tlast: Port,
    pub(crate) tuser: Port,
    pub(crate) tag: Port,
    pub(crate) tdest: Port,
    pub(crate) hash: Port,
    pub(crate) req_valid: Port,
    pub(crate) req_ready: Port,
    pub(crate) req_cq: Port,
    pub(crate) req_rec: Port,
    pub(crate) cons: Port,
    pub(crate) drop_valid: Port,
    pub(crate) drop_queue: Port,
    pub(crate) full_valid: Port,
    pub(crate) full_queue: Port,
    pub(crate) fault_valid: Port,
    pub(crate) ring_err: Port,
    pub(crate) idle: Port,
}

impl Ports {
    pub(crate) fn new(u: &Unit) -> Ports {
        let p = |n: &str| u.port(n);
        Ports {
            rst: p("rst"),
            cfg: p("cfg"),
            tdata: p("s_axis_tdata"),
            tkeep: p("s_axis_tkeep"),
            tvalid: p("s_axis_tvalid"),
            tlast: p("s_axis_tlast"),
            tuser: p("s_axis_tuser"),
            tag: p("s_axis_tag"),
            tdest: p("s_axis_tdest"),
            hash: p("s_axis_hash"),
            req_valid: p("req_valid"),
            req_ready: p("req_ready"),
            req_cq: p("req_cq"),
            req_rec: p("req_rec"),
            cons: p("cons"),
            drop_valid: p("drop_valid"),
            drop_queue: p("drop_queue"),
            full_valid: p("full_valid"),
            full_queue: p("full_queue"),
            fault_valid: p("fault_valid"),
            ring_err: p("ring_err"),
            idle: p("idle"),
        }
    }
}

/// How a run is set up.
pub(crate) struct Setup {
    pub(crate) frames: usize,
    /// Share of the line the frames take: after a frame of `b` beats the
    /// source waits `b (1 / util - 1)` clocks plus the 20-byte gap and
    /// preamble (2.5 clocks): 1.0 is 10G line rate.
    pub(crate) util: f64,
    /// Chance per clock that a completion request is taken.
    pub(crate) ready: f64,
    /// Clocks (from, to) during which no completion is taken.
    pub(crate) hold: (u64, u64),
    /// Share of buffer pages that fault (a posted buffer faults with
    /// this chance times its length in pages).
    pub(crate) faults: f64,
    pub(crate) seed: u64,
}

/// What a run saw.
#[derive(Default, Debug)]
pub(crate) struct Seen {
    pub(crate) delivered: usize,
    pub(crate) nobuf: Vec<usize>,
    pub(crate) full: Vec<usize>,
    pub(crate) fault_records: usize,
    pub(crate) fault_pulses: usize,
    pub(crate) clocks: u64,
}

pub(crate) fn frames(rng: &mut StdRng, n: usize) -> Vec<Frame> {
    (0..n)
        .map(|_| {
            let len = match rng.gen_range(0..100) {
                0..=39 => rng.gen_range(60..=128),
                40..=89 => rng.gen_range(129..=1514),
                _ => rng.gen_range(1515..=9600),
            };
            Frame {
                data: (0..len).map(|_| rng.gen()).collect(),
                queue: rng.gen_range(0..RINGS),
                tuser: rng.gen_range(0..64),
                tag: rng.gen(),
                hash: rng.gen(),
            }
        })
        .collect()
}

/// Rings 0..=5 stocked with buffers of different shapes, ring 6 starved,
/// ring 7 never posted.
pub(crate) fn rings(rng: &mut StdRng) -> Vec<Ring> {
    (0..RINGS)
        .map(|q| {
            let log = if q % 2 == 0 { 8 } else { 9 };
            let base = 0x10_0000_0000 * (q as u64 + 1);
            let mut next = base;
            let bufs = (0..1u64 << log)
                .map(|_| {
                    let len: u32 = match q {
                        1 => 1024,
                        2 => rng.gen_range(64..=4096),
                        3 => 9600,
                        4 => 4096,
                        6 => 512,
                        _ => 2048,
                    };
                    let odd = if q >= 4 { rng.gen_range(0..64) } else { 0 };
                    let at = next + odd;
                    next += u64::from(len).next_multiple_of(64) + 64;
                    (at, len)
                })
                .collect();
            Ring {
                log,
                // above every buffer (0x10_0000_0000 per ring) for 64 rings
                base: 0x1000_0000_0000 + 0x1_0000_0000 * q as u64,
                bufs,
                owned: vec![true; 1 << log],
                prod: 0,
                stocked: match q {
                    // (as rarely per frame it gets with 64 rings as with 8)
                    6 => 0.0016 / RINGS as f64,
                    7 => 0.0,
                    _ => 0.2,
                },
                delivered: 0,
                drops: 0,
                used: Default::default(),
            }
        })
        .collect()
}
