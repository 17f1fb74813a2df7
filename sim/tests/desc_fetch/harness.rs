//! The rings' test harness: the driver's and user's view of a ring, the
//! unit's ports, the `cfg` bus image, reset and posting.

use ferronic_hdl::dma::regs::{nic_map, DmaRegs, DMA_CFG_BITS};
use ferronic_sim::bus::axi4_mem::Axi4Mem;
use ferronic_sim::unit::{Port, Unit};
use rand::rngs::StdRng;
use rand::Rng;
use std::collections::VecDeque;

/// Memory latency in clocks: 1 us at 156.25 MHz.
pub const LATENCY: u64 = 156;

/// One ring as the driver and the user see it.
#[derive(Default)]
pub struct Ring {
    pub base: u64,
    pub log: u32,
    pub enabled: bool,
    /// Descriptors the driver will post, by index (16 bytes each); it
    /// posts those below `post_upto`, the user takes those below
    /// `take_upto`.
    pub desc: Vec<[u8; 16]>,
    pub post_upto: usize,
    pub take_upto: usize,
    pub prod: u16,
    /// The user's takes: tentative, committed; retires due (clock, n).
    pub t: u16,
    pub k: u16,
    pub due: VecDeque<(u64, u16)>,
    pub retired: u16,
    pub taken_ok: usize,
}

impl Ring {
    pub fn slot(&self, i: u16) -> u64 {
        self.base + 16 * u64::from(i & ((1u16 << self.log) - 1))
    }
}

pub fn descriptors(rng: &mut StdRng, n: usize) -> Vec<[u8; 16]> {
    (0..n).map(|_| rng.gen()).collect()
}

/// The unit's ports the tests drive.
pub struct Ports {
    pub rst: Port,
    pub cfg: Port,
    pub tk_valid: Port,
    pub tk_q: Port,
    pub td_valid: Port,
    pub td_ok: Port,
    pub td_index: Port,
    pub td_desc: Port,
    pub cm_valid: Port,
    pub cm_q: Port,
    pub rb_valid: Port,
    pub rb_q: Port,
    pub rt_valid: Port,
    pub rt_q: Port,
    pub rt_n: Port,
    pub q_avail: Port,
    pub q_posted: Port,
    pub cons: Port,
    pub ring_err: Port,
    pub fetch_fault: Port,
    pub idle: Port,
}

impl Ports {
    pub fn new(u: &Unit) -> Ports {
        let p = |n: &str| u.port(n);
        Ports {
            rst: p("rst"),
            cfg: p("cfg"),
            tk_valid: p("tk_valid"),
            tk_q: p("tk_q"),
            td_valid: p("td_valid"),
            td_ok: p("td_ok"),
            td_index: p("td_index"),
            td_desc: p("td_desc"),
            cm_valid: p("cm_valid"),
            cm_q: p("cm_q"),
            rb_valid: p("rb_valid"),
            rb_q: p("rb_q"),
            rt_valid: p("rt_valid"),
            rt_q: p("rt_q"),
            rt_n: p("rt_n"),
            q_avail: p("q_avail"),
            q_posted: p("q_posted"),
            cons: p("cons"),
            ring_err: p("ring_err"),
            fetch_fault: p("fetch_fault"),
            idle: p("idle"),
        }
    }

    pub fn idle_inputs(&self, u: &mut Unit) {
        for p in [self.tk_valid, self.cm_valid, self.rb_valid, self.rt_valid] {
            u.set(p, 0);
        }
    }

    pub fn cons(&self, u: &Unit) -> Vec<u16> {
        u.get_bytes(self.cons)
            .chunks(2)
            .map(|c| u16::from(c[0]) | u16::from(c[1]) << 8)
            .collect()
    }
}

/// The `cfg` bus image and where each ring's registers sit in it.
pub struct Cfg {
    pub words: Vec<u32>,
    pub map: ferronic_regmap::RegMap,
}

impl Cfg {
    pub fn new() -> Cfg {
        let map = nic_map();
        let mut c = Cfg {
            words: vec![0; DMA_CFG_BITS / 32],
            map,
        };
        c.set("dma.CTRL", 1);
        c
    }

    pub fn set(&mut self, path: &str, v: u32) {
        let w = DmaRegs::cfg_word(&self.map, path).unwrap_or_else(|| panic!("{path}"));
        self.words[w] = v;
    }

    pub fn ring(&mut self, q: usize, r: &Ring) {
        self.set(&format!("rxq.Q{q}_BASE_LO"), r.base as u32);
        self.set(&format!("rxq.Q{q}_BASE_HI"), (r.base >> 32) as u32);
        self.set(&format!("rxq.Q{q}_CTRL"), u32::from(r.enabled) | r.log << 4);
        self.set(&format!("rxq.Q{q}_PROD"), u32::from(r.prod));
    }

    pub fn drive(&self, u: &mut Unit, p: Port) {
        let b: Vec<u8> = self.words.iter().flat_map(|x| x.to_le_bytes()).collect();
        u.set_bytes(p, &b);
    }
}

pub fn reset(u: &mut Unit, ps: &Ports, cfg: &Cfg) {
    u.set(ps.rst, 1);
    ps.idle_inputs(u);
    cfg.drive(u, ps.cfg);
    u.tick();
    u.tick();
    u.set(ps.rst, 0);
}

/// Driver: posts up to `batch` descriptors into retired slots (writes
/// them, then moves `PROD`).
pub fn post(mem: &mut Axi4Mem, r: &mut Ring, cons: u16, batch: u16) {
    let size = 1u16 << r.log;
    let room = size - r.prod.wrapping_sub(cons);
    let left = (r.post_upto - r.prod as usize) as u16;
    for _ in 0..batch.min(room).min(left) {
        let d = r.desc[r.prod as usize];
        mem.write(r.slot(r.prod), &d);
        r.prod = r.prod.wrapping_add(1);
    }
}
