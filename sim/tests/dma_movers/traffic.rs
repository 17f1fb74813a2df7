//! Traffic for the mover tests: random and streamed commands, faulting
//! pages, the ports both movers share, and what a run saw.

use ferronic_sim::bus::axi4_mem::{Axi4Mem, PAGE};
use ferronic_sim::unit::{Port, Unit};
use rand::rngs::StdRng;
use rand::Rng;

pub(crate) const RAM: usize = 1 << ferronic_hdl::dma::units::UNIT_RAM_BITS;
pub(crate) const GUARD: u8 = 0xa5;

#[derive(Clone, Copy, Debug)]
pub(crate) struct Cmd {
    pub(crate) haddr: u64,
    pub(crate) raddr: u64,
    pub(crate) len: usize,
    pub(crate) tag: u8,
}

/// Random commands, each in its own 128 KiB slot of host memory.
pub(crate) fn commands(rng: &mut StdRng, n: usize, bytes: usize) -> Vec<Cmd> {
    (0..n)
        .map(|k| {
            let len = match rng.gen_range(0..20) {
                0..=7 => rng.gen_range(1..=80),
                8..=13 => rng.gen_range(1..=2000),
                14..=18 => rng.gen_range(1..=9600),
                _ if k % 40 == 19 => 65535,
                _ => rng.gen_range(4000..=9600),
            };
            let slot = 0x1_0000_0000 + k as u64 * 0x2_0000;
            let off = if rng.gen_bool(0.4) {
                // start just before a 4 KiB boundary
                PAGE * rng.gen_range(1..3) - rng.gen_range(1..=2 * bytes as u64)
            } else {
                rng.gen_range(64..8192)
            };
            Cmd {
                haddr: slot + off,
                raddr: rng.gen_range(0..RAM as u64),
                len,
                tag: k as u8,
            }
        })
        .collect()
}

/// Pages of `c`'s host bytes that fault, and the worst response.
pub(crate) fn fault_resp(c: &Cmd, faults: &[(u64, u8)]) -> u8 {
    let (first, last) = (c.haddr / PAGE, (c.haddr + c.len as u64 - 1) / PAGE);
    faults
        .iter()
        .filter(|(p, _)| (first..=last).contains(p))
        .map(|&(_, r)| r)
        .max()
        .unwrap_or(0)
}

/// Marks about `share` of the pages the commands touch as faulting.
pub(crate) fn make_faults(
    rng: &mut StdRng,
    mem: &mut Axi4Mem,
    cmds: &[Cmd],
    share: f64,
) -> Vec<(u64, u8)> {
    let mut f = Vec::new();
    for c in cmds {
        for p in c.haddr / PAGE..=(c.haddr + c.len as u64 - 1) / PAGE {
            if rng.gen_bool(share) {
                let r = if rng.gen_bool(0.5) { 2 } else { 3 };
                mem.fault(p * PAGE, r);
                f.push((p, r));
            }
        }
    }
    f
}

/// The common ports of both movers.
pub(crate) struct Common {
    pub(crate) rst: Port,
    pub(crate) c_valid: Port,
    pub(crate) c_ready: Port,
    pub(crate) c_haddr: Port,
    pub(crate) c_raddr: Port,
    pub(crate) c_len: Port,
    pub(crate) c_tag: Port,
    pub(crate) st_valid: Port,
    pub(crate) st_tag: Port,
    pub(crate) st_resp: Port,
}

impl Common {
    pub(crate) fn new(u: &Unit) -> Common {
        let p = |n| u.port(n);
        Common {
            rst: p("rst"),
            c_valid: p("c_valid"),
            c_ready: p("c_ready"),
            c_haddr: p("c_haddr"),
            c_raddr: p("c_raddr"),
            c_len: p("c_len"),
            c_tag: p("c_tag"),
            st_valid: p("st_valid"),
            st_tag: p("st_tag"),
            st_resp: p("st_resp"),
        }
    }

    pub(crate) fn reset(&self, u: &mut Unit) {
        u.set(self.rst, 1);
        u.tick();
        u.tick();
        u.set(self.rst, 0);
    }

    /// Drives the next command (or none, `gap` of the time).
    pub(crate) fn drive(&self, u: &mut Unit, next: Option<&Cmd>) {
        u.set(self.c_valid, u64::from(next.is_some()));
        if let Some(c) = next {
            u.set(self.c_haddr, c.haddr);
            u.set(self.c_raddr, c.raddr);
            u.set(self.c_len, c.len as u64);
            u.set(self.c_tag, u64::from(c.tag));
        }
    }
}

/// What a run saw: statuses in order, data beats on the bus and
/// the clocks of the first and last of them.
#[derive(Default)]
pub(crate) struct Run {
    pub(crate) status: Vec<(u8, u8)>,
    pub(crate) beats: u64,
    pub(crate) span: (u64, u64),
}

impl Run {
    pub(crate) fn beat(&mut self, clock: u64) {
        if self.beats == 0 {
            self.span.0 = clock;
        }
        self.beats += 1;
        self.span.1 = clock;
    }

    /// Data beats per clock from the first beat to the last.
    pub(crate) fn rate(&self) -> f64 {
        self.beats as f64 / (self.span.1 - self.span.0 + 1) as f64
    }
}

/// `n` back-to-back commands of `len` bytes at 64-byte-aligned addresses
/// in consecutive 16 KiB slots, RAM addresses 0, `len`, `2 len`, ...
pub(crate) fn stream(n: usize, len: usize) -> Vec<Cmd> {
    (0..n)
        .map(|k| Cmd {
            haddr: 0x2_0000_0000 + k as u64 * 0x4000,
            raddr: (k * len % RAM) as u64,
            len,
            tag: k as u8,
        })
        .collect()
}
