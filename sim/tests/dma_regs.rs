//! The DMA engine's register port (`ferronic_hdl::dma::regs`), Verilated
//! alone for the default `nic` map, driven by the AXI4-Lite master model
//! (random `valid` delays, `bready`/`rready` stalls). Batches of random
//! writes (any byte strobes) and then of random reads, over every engine
//! register plus unmapped, unaligned, core-range and instruction
//! accesses; the model is the map itself:
//! * writes to RW registers land on the `cfg` bus byte by byte, RO writes
//!   are ignored, unmapped or unaligned ones answer SLVERR and change
//!   nothing;
//! * reads return the storage, the constant, or the live `inputs` word;
//!   WO registers read 0; errors read 0 with SLVERR;
//! * each write to a completion queue's ARM pulses its strobe once.

use ferronic_hdl::dma::regs::{nic_map, DmaRegs};
use ferronic_regmap::{Access, Owner, Reg, RegMap, Source, DMA_BASE};
use ferronic_sim::bus::axil::{AxilMaster, Done, Op, Resp, Sample};
use ferronic_sim::unit::{models, Port, Unit};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;

struct Bench {
    u: Unit,
    m: AxilMaster,
    p: HashMap<&'static str, Port>,
    clock: u64,
    /// Strobe pulses seen, per strobe.
    pulses: Vec<u64>,
}

const NAMES: &[&str] = &[
    "awaddr", "awprot", "awvalid", "awready", "wdata", "wstrb", "wvalid", "wready", "bresp",
    "bvalid", "bready", "araddr", "arprot", "arvalid", "arready", "rdata", "rresp", "rvalid",
    "rready",
];

impl Bench {
    fn new(seed: u64) -> Bench {
        let mut u = Unit::new(&models::DMA_REGS);
        let mut p: HashMap<&'static str, Port> = NAMES
            .iter()
            .map(|&n| (n, u.port(&format!("s_axil_{n}"))))
            .collect();
        for n in ["rst", "cfg", "inputs", "strobes"] {
            p.insert(n, u.port(n));
        }
        u.set(p["rst"], 1);
        u.tick();
        u.tick();
        u.set(p["rst"], 0);
        Bench {
            u,
            m: AxilMaster::new(0.3, seed),
            p,
            clock: 0,
            pulses: vec![0; ferronic_hdl::dma::regs::DMA_STROBES],
        }
    }

    /// Runs until every queued access is answered.
    fn drain(&mut self) {
        let start = self.clock;
        while self.m.pending() > 0 {
            self.clock += 1;
            assert!(self.clock - start < 100_000, "the slave hung");
            let d = self.m.drive();
            let (u, p) = (&mut self.u, &self.p);
            u.set(p["awvalid"], d.awvalid.into());
            u.set(p["awaddr"], d.awaddr.into());
            u.set(p["awprot"], 0);
            u.set(p["wvalid"], d.wvalid.into());
            u.set(p["wdata"], d.wdata.into());
            u.set(p["wstrb"], d.wstrb.into());
            u.set(p["bready"], d.bready.into());
            u.set(p["arvalid"], d.arvalid.into());
            u.set(p["araddr"], d.araddr.into());
            u.set(p["arprot"], d.arprot.into());
            u.set(p["rready"], d.rready.into());
            u.eval();
            let g = |n: &str| u.get(p[n]);
            let s = Sample {
                awready: g("awready") != 0,
                wready: g("wready") != 0,
                bvalid: g("bvalid") != 0,
                bresp: g("bresp"),
                arready: g("arready") != 0,
                rvalid: g("rvalid") != 0,
                rdata: g("rdata") as u32,
                rresp: g("rresp"),
            };
            // one strobe per completion queue's ARM: 16 bits for 8 queues,
            // 128 for 64
            let st = u.get_bytes(p["strobes"]);
            for (i, c) in self.pulses.iter_mut().enumerate() {
                *c += u64::from(st[i / 8] >> (i % 8) & 1);
            }
            self.m.sample(s, self.clock);
            self.u.tick();
        }
    }

    fn cfg_word(&self, k: usize) -> u32 {
        let b = self.u.get_bytes(self.p["cfg"]);
        u32::from_le_bytes(b[4 * k..4 * k + 4].try_into().unwrap())
    }
}

/// Addresses that no engine register answers: gaps in the blocks,
/// unaligned offsets and the core's range.
fn unmapped(rng: &mut StdRng, map: &RegMap) -> u16 {
    loop {
        let a: u32 = match rng.gen_range(0..3) {
            0 => rng.gen_range(DMA_BASE..DMA_BASE + 0x800) & !3,
            1 => rng.gen_range(DMA_BASE..DMA_BASE + 0x800) | 1,
            _ => rng.gen_range(0..DMA_BASE) & !3,
        };
        if map.at_owned(a, Owner::Dma).is_none() {
            return a as u16;
        }
    }
}

#[test]
fn engine_registers_behave_as_the_map_says() {
    let map = nic_map();
    let regs: Vec<&Reg> = map.owned(Owner::Dma).collect();
    let mut rng = StdRng::seed_from_u64(21);
    let mut b = Bench::new(22);
    // the model: storage by offset, inputs, expected strobe pulses
    let mut store: HashMap<u32, u32> = regs
        .iter()
        .filter_map(|r| match r.source {
            Source::Storage(v) => Some((r.offset, v)),
            _ => None,
        })
        .collect();
    let n_in = ferronic_hdl::dma::regs::DMA_INPUT_BITS / 32;
    let mut inputs: Vec<u32> = vec![0; n_in];
    let mut arms = vec![0u64; b.pulses.len()];
    let (mut writes, mut reads) = (0, 0);
    // (enough batches that every completion queue's ARM is written: 120
    // for 16 of them, 960 for 128)
    for batch in 0..120 * b.pulses.len().max(16) / 16 {
        if batch % 2 == 0 {
            // a write batch
            let mut ops = Vec::new();
            for _ in 0..rng.gen_range(1..60) {
                let (addr, reg) = if rng.gen_bool(0.1) {
                    (unmapped(&mut rng, &map), None)
                } else {
                    let r = regs[rng.gen_range(0..regs.len())];
                    (r.offset as u16, Some(r))
                };
                let (data, strb) = (rng.gen::<u32>(), rng.gen_range(0..16u8));
                b.m.push(Op::Write { addr, data, strb });
                ops.push((addr, data, strb, reg));
            }
            b.drain();
            let done: Vec<Done> = std::mem::take(&mut b.m.done);
            assert_eq!(done.len(), ops.len());
            for ((addr, data, strb, reg), d) in ops.into_iter().zip(done) {
                writes += 1;
                let want = if reg.is_some() {
                    Resp::Okay
                } else {
                    Resp::SlvErr
                };
                assert_eq!(d.resp, want, "write to {addr:#06x}");
                let Some(r) = reg else { continue };
                match (r.access, r.source) {
                    (Access::Rw, Source::Storage(_)) => {
                        let v = store.get_mut(&r.offset).unwrap();
                        for byte in 0..4 {
                            if strb >> byte & 1 != 0 {
                                let m = 0xffu32 << (8 * byte);
                                *v = *v & !m | data & m;
                            }
                        }
                    }
                    (_, Source::Strobe(i)) => arms[i] += 1,
                    _ => {}
                }
            }
            for r in &regs {
                if let Some(&v) = store.get(&r.offset) {
                    let k =
                        DmaRegs::cfg_word(&map, &format!("{}.{}", block(&map, r), r.name)).unwrap();
                    assert_eq!(b.cfg_word(k), v, "cfg word of {}", r.name);
                }
            }
        } else {
            // new live inputs, then a read batch
            for w in inputs.iter_mut() {
                *w = rng.gen();
            }
            let bytes: Vec<u8> = inputs.iter().flat_map(|w| w.to_le_bytes()).collect();
            b.u.set_bytes(b.p["inputs"], &bytes);
            let mut ops = Vec::new();
            for _ in 0..rng.gen_range(1..60) {
                let op = match rng.gen_range(0..20) {
                    0 | 1 => (
                        Op::Read {
                            addr: unmapped(&mut rng, &map),
                        },
                        None,
                    ),
                    2 => {
                        let r = regs[rng.gen_range(0..regs.len())];
                        (
                            Op::InstrRead {
                                addr: r.offset as u16,
                            },
                            None,
                        )
                    }
                    _ => {
                        let r = regs[rng.gen_range(0..regs.len())];
                        (
                            Op::Read {
                                addr: r.offset as u16,
                            },
                            Some(r),
                        )
                    }
                };
                b.m.push(op.0);
                ops.push(op);
            }
            b.drain();
            let done: Vec<Done> = std::mem::take(&mut b.m.done);
            assert_eq!(done.len(), ops.len());
            for ((op, reg), d) in ops.into_iter().zip(done) {
                reads += 1;
                let want = match reg {
                    None => (0, Resp::SlvErr),
                    Some(r) => match (r.access, r.source) {
                        (Access::Wo, _) => (0, Resp::Okay),
                        (_, Source::Const(v) | Source::BuildConst(v)) => (v, Resp::Okay),
                        (_, Source::Storage(_)) => (store[&r.offset], Resp::Okay),
                        (_, Source::Input(i)) => (inputs[i], Resp::Okay),
                        (_, s) => panic!("{s:?}"),
                    },
                };
                assert_eq!(
                    (d.data, d.resp),
                    want,
                    "{op:?} ({:?})",
                    reg.map(|r| &r.name)
                );
            }
        }
    }
    assert_eq!(b.pulses, arms, "ARM strobes");
    assert!(arms.iter().all(|&n| n > 0), "every ARM written: {arms:?}");
    eprintln!("{writes} writes, {reads} reads in {} clocks", b.clock);
}

/// The name of the block holding `r`.
fn block<'a>(map: &'a RegMap, r: &Reg) -> &'a str {
    &map.blocks
        .iter()
        .find(|b| b.regs.iter().any(|x| x.offset == r.offset))
        .unwrap()
        .name
}
