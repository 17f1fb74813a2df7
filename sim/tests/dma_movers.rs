//! The DMA movers (`ferronic_hdl::dma::{dma_write, dma_read}`), each
//! Verilated alone at 8, 16 and 64-byte buses, against the host memory
//! model (`Axi4Mem`: latency, random READY stalls, faulting pages) with
//! the AXI4 protocol checker on every clock. Random commands (any host
//! and RAM byte address, 1 to 9,600 bytes and a few of 65,535, many
//! across 4 KiB boundaries) arrive with random gaps; what lands in host
//! memory (write) or in the RAM (read) must equal the source byte for
//! byte with the bytes around untouched, every command must report once,
//! in order, with the worst response of the pages it touched.

use ferronic_sim::bus::axi4_check::{Axi4Checker, Axi4Wires};
use ferronic_sim::bus::axi4_mem::{Axi4Mem, PAGE};
use ferronic_sim::unit::{models, Port, Unit, UnitDesc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::VecDeque;

const RAM: usize = 1 << ferronic_hdl::dma::units::UNIT_RAM_BITS;
const GUARD: u8 = 0xa5;

#[derive(Clone, Copy, Debug)]
struct Cmd {
    haddr: u64,
    raddr: u64,
    len: usize,
    tag: u8,
}

/// Random commands, each in its own 128 KiB slot of host memory.
fn commands(rng: &mut StdRng, n: usize, bytes: usize) -> Vec<Cmd> {
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
fn fault_resp(c: &Cmd, faults: &[(u64, u8)]) -> u8 {
    let (first, last) = (c.haddr / PAGE, (c.haddr + c.len as u64 - 1) / PAGE);
    faults
        .iter()
        .filter(|(p, _)| (first..=last).contains(p))
        .map(|&(_, r)| r)
        .max()
        .unwrap_or(0)
}

/// Marks about `share` of the pages the commands touch as faulting.
fn make_faults(rng: &mut StdRng, mem: &mut Axi4Mem, cmds: &[Cmd], share: f64) -> Vec<(u64, u8)> {
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
struct Common {
    rst: Port,
    c_valid: Port,
    c_ready: Port,
    c_haddr: Port,
    c_raddr: Port,
    c_len: Port,
    c_tag: Port,
    st_valid: Port,
    st_tag: Port,
    st_resp: Port,
}

impl Common {
    fn new(u: &Unit) -> Common {
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

    fn reset(&self, u: &mut Unit) {
        u.set(self.rst, 1);
        u.tick();
        u.tick();
        u.set(self.rst, 0);
    }

    /// Drives the next command (or none, `gap` of the time).
    fn drive(&self, u: &mut Unit, next: Option<&Cmd>) {
        u.set(self.c_valid, u64::from(next.is_some()));
        if let Some(c) = next {
            u.set(self.c_haddr, c.haddr);
            u.set(self.c_raddr, c.raddr);
            u.set(self.c_len, c.len as u64);
            u.set(self.c_tag, u64::from(c.tag));
        }
    }
}

/// What a run saw: statuses in order, clocks, data beats on the bus and
/// the clocks of the first and last of them.
#[derive(Default)]
struct Run {
    status: Vec<(u8, u8)>,
    clocks: u64,
    beats: u64,
    span: (u64, u64),
}

impl Run {
    fn beat(&mut self, clock: u64) {
        if self.beats == 0 {
            self.span.0 = clock;
        }
        self.beats += 1;
        self.span.1 = clock;
    }

    /// Data beats per clock from the first beat to the last.
    fn rate(&self) -> f64 {
        self.beats as f64 / (self.span.1 - self.span.0 + 1) as f64
    }
}

/// Runs the write mover over `cmds` (command gaps `gaps` of the clocks).
fn run_write(
    (desc, bytes): (&'static UnitDesc, usize),
    cmds: &[Cmd],
    mem: &mut Axi4Mem,
    ram: &[u8],
    gaps: f64,
    seed: u64,
) -> Run {
    let mut u = Unit::new(desc);
    let c = Common::new(&u);
    let p = |n| u.port(n);
    let (awready, wready, bvalid, bresp) = (
        p("m_axi_awready"),
        p("m_axi_wready"),
        p("m_axi_bvalid"),
        p("m_axi_bresp"),
    );
    let (awvalid, awaddr, awlen, awsize, awburst) = (
        p("m_axi_awvalid"),
        p("m_axi_awaddr"),
        p("m_axi_awlen"),
        p("m_axi_awsize"),
        p("m_axi_awburst"),
    );
    let (wvalid, wdata, wstrb, wlast, bready) = (
        p("m_axi_wvalid"),
        p("m_axi_wdata"),
        p("m_axi_wstrb"),
        p("m_axi_wlast"),
        p("m_axi_bready"),
    );
    let (rd_en, rd_addr, rd_data) = (p("ram_rd_en"), p("ram_rd_addr"), p("ram_rd_data"));
    c.reset(&mut u);
    let mut rng = StdRng::seed_from_u64(seed);
    let mut chk = Axi4Checker::new(bytes as u64);
    let mut queue: VecDeque<Cmd> = cmds.iter().copied().collect();
    let (mut run, mut clock, mut rdata) = (Run::default(), 0u64, vec![0u8; bytes]);
    while run.status.len() < cmds.len() {
        clock += 1;
        assert!(clock < 2_000_000, "hung with {} statuses", run.status.len());
        let o = mem.drive().clone();
        u.set(awready, o.awready.into());
        u.set(wready, o.wready.into());
        u.set(bvalid, o.bvalid.into());
        u.set(bresp, o.bresp.into());
        u.set_bytes(rd_data, &rdata);
        let offer = (!rng.gen_bool(gaps)).then(|| queue.front()).flatten();
        c.drive(&mut u, offer);
        u.eval();
        let w = Axi4Wires {
            awvalid: u.get(awvalid) != 0,
            awready: o.awready,
            awaddr: u.get(awaddr),
            awlen: u.get(awlen) as u8,
            awsize: u.get(awsize) as u8,
            awburst: u.get(awburst) as u8,
            wvalid: u.get(wvalid) != 0,
            wready: o.wready,
            wstrb: u.get(wstrb),
            wlast: u.get(wlast) != 0,
            bvalid: o.bvalid,
            bready: u.get(bready) != 0,
            bresp: o.bresp,
            ..Default::default()
        };
        chk.cycle(&w).unwrap_or_else(|e| panic!("{e}"));
        mem.edge(&w, &u.get_bytes(wdata));
        if w.wvalid && w.wready {
            run.beat(clock);
        }
        if offer.is_some() && u.get(c.c_ready) != 0 {
            queue.pop_front();
        }
        if u.get(rd_en) != 0 {
            let a = u.get(rd_addr) as usize;
            assert_eq!(a % bytes, 0, "RAM read address {a:#x} not beat-aligned");
            rdata = (0..bytes).map(|i| ram[(a + i) % RAM]).collect();
        }
        if u.get(c.st_valid) != 0 {
            run.status
                .push((u.get(c.st_tag) as u8, u.get(c.st_resp) as u8));
        }
        u.tick();
    }
    // nothing more arrives, nothing is left outstanding
    for _ in 0..20 {
        u.eval();
        assert_eq!(u.get(c.st_valid), 0, "a status with no command");
        u.tick();
    }
    assert_eq!(chk.outstanding(), (0, 0));
    run.clocks = clock;
    run
}

fn check_write(desc: &'static UnitDesc, bytes: usize, n: usize, faults: f64, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let cmds = commands(&mut rng, n, bytes);
    let ram: Vec<u8> = (0..RAM).map(|_| rng.gen()).collect();
    let latency = [0, 3, 40, 156][rng.gen_range(0..4)];
    let mut mem = Axi4Mem::new(bytes, latency, 0.3, seed ^ 1);
    for c in &cmds {
        mem.write(c.haddr - 64, &vec![GUARD; c.len + 128]);
    }
    let f = make_faults(&mut rng, &mut mem, &cmds, faults);
    let run = run_write((desc, bytes), &cmds, &mut mem, &ram, 0.3, seed ^ 2);
    for (c, &(tag, resp)) in cmds.iter().zip(&run.status) {
        assert_eq!((tag, resp), (c.tag, fault_resp(c, &f)), "status of {c:x?}");
        let got = mem.read(c.haddr - 64, c.len + 128);
        for (i, &g) in got.iter().enumerate() {
            let a = c.haddr - 64 + i as u64;
            let inside = (64..64 + c.len).contains(&i);
            let faulted = f.iter().any(|&(p, _)| p == a / PAGE);
            let want = if inside && !faulted {
                ram[(c.raddr as usize + i - 64) % RAM]
            } else {
                GUARD
            };
            assert_eq!(g, want, "byte {a:#x} of {c:x?} (latency {latency})");
        }
    }
}

#[test]
fn write_mover_lands_every_byte_at_8_16_and_64_bytes() {
    check_write(&models::DMA_WRITE_8, 8, 120, 0.0, 11);
    check_write(&models::DMA_WRITE_16, 16, 160, 0.0, 12);
    check_write(&models::DMA_WRITE_64, 64, 120, 0.0, 13);
}

#[test]
fn write_mover_reports_faulting_pages_and_writes_the_others() {
    check_write(&models::DMA_WRITE_16, 16, 120, 0.05, 21);
    check_write(&models::DMA_WRITE_8, 8, 60, 0.05, 22);
}

/// Runs the read mover over `cmds` into `ram`; at each status checks the
/// whole RAM against `expect` updated with that command's bytes (so a
/// stray write anywhere fails at once). Command gaps `gaps` of the clocks.
fn run_read(
    (desc, bytes): (&'static UnitDesc, usize),
    cmds: &[Cmd],
    mem: &mut Axi4Mem,
    ram: &mut [u8],
    expect: &mut dyn FnMut(&Cmd, &mut Vec<u8>),
    gaps: f64,
    seed: u64,
) -> Run {
    let mut u = Unit::new(desc);
    let c = Common::new(&u);
    let p = |n| u.port(n);
    let (arready, rvalid, rresp, rlast, rdata) = (
        p("m_axi_arready"),
        p("m_axi_rvalid"),
        p("m_axi_rresp"),
        p("m_axi_rlast"),
        p("m_axi_rdata"),
    );
    let (arvalid, araddr, arlen, arsize, arburst, rready) = (
        p("m_axi_arvalid"),
        p("m_axi_araddr"),
        p("m_axi_arlen"),
        p("m_axi_arsize"),
        p("m_axi_arburst"),
        p("m_axi_rready"),
    );
    let (wr_en, wr_addr, wr_data, wr_strb) = (
        p("ram_wr_en"),
        p("ram_wr_addr"),
        p("ram_wr_data"),
        p("ram_wr_strb"),
    );
    c.reset(&mut u);
    let mut rng = StdRng::seed_from_u64(seed);
    let mut chk = Axi4Checker::new(bytes as u64);
    let mut queue: VecDeque<Cmd> = cmds.iter().copied().collect();
    let mut image = ram.to_vec();
    let (mut run, mut clock) = (Run::default(), 0u64);
    while run.status.len() < cmds.len() {
        clock += 1;
        assert!(clock < 2_000_000, "hung with {} statuses", run.status.len());
        let o = mem.drive().clone();
        u.set(arready, o.arready.into());
        u.set(rvalid, o.rvalid.into());
        u.set(rresp, o.rresp.into());
        u.set(rlast, o.rlast.into());
        u.set_bytes(rdata, &o.rdata);
        let offer = (!rng.gen_bool(gaps)).then(|| queue.front()).flatten();
        c.drive(&mut u, offer);
        u.eval();
        let w = Axi4Wires {
            arvalid: u.get(arvalid) != 0,
            arready: o.arready,
            araddr: u.get(araddr),
            arlen: u.get(arlen) as u8,
            arsize: u.get(arsize) as u8,
            arburst: u.get(arburst) as u8,
            rvalid: o.rvalid,
            rready: u.get(rready) != 0,
            rresp: o.rresp,
            rlast: o.rlast,
            ..Default::default()
        };
        chk.cycle(&w).unwrap_or_else(|e| panic!("{e}"));
        mem.edge(&w, &[]);
        if w.rvalid && w.rready {
            run.beat(clock);
        }
        if offer.is_some() && u.get(c.c_ready) != 0 {
            queue.pop_front();
        }
        if u.get(wr_en) != 0 {
            let a = u.get(wr_addr) as usize;
            assert_eq!(a % bytes, 0, "RAM write address {a:#x} not beat-aligned");
            let (d, s) = (u.get_bytes(wr_data), u.get(wr_strb));
            for i in 0..bytes {
                if s >> i & 1 != 0 {
                    ram[(a + i) % RAM] = d[i];
                }
            }
        }
        if u.get(c.st_valid) != 0 {
            let tag = u.get(c.st_tag) as u8;
            let cmd = cmds[run.status.len()];
            expect(&cmd, &mut image);
            assert!(ram == &image[..], "RAM after {cmd:x?} differs");
            run.status.push((tag, u.get(c.st_resp) as u8));
        }
        u.tick();
    }
    for _ in 0..20 {
        u.eval();
        assert_eq!(u.get(c.st_valid), 0, "a status with no command");
        assert_eq!(u.get(wr_en), 0, "a RAM write with no command");
        u.tick();
    }
    assert_eq!(chk.outstanding(), (0, 0));
    run.clocks = clock;
    run
}

fn check_read(desc: &'static UnitDesc, bytes: usize, n: usize, faults: f64, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let cmds = commands(&mut rng, n, bytes);
    let mut ram: Vec<u8> = (0..RAM).map(|_| rng.gen()).collect();
    let latency = [0, 3, 40, 156][rng.gen_range(0..4)];
    let mut mem = Axi4Mem::new(bytes, latency, 0.3, seed ^ 1);
    for c in &cmds {
        let data: Vec<u8> = (0..c.len + 2 * bytes).map(|_| rng.gen()).collect();
        mem.write(c.haddr - bytes as u64, &data);
    }
    let f = make_faults(&mut rng, &mut mem, &cmds, faults);
    let host = |a: u64| {
        if f.iter().any(|&(p, _)| p == a / PAGE) {
            0
        } else {
            mem.read(a, 1)[0]
        }
    };
    let want: Vec<Vec<u8>> = cmds
        .iter()
        .map(|c| (0..c.len as u64).map(|i| host(c.haddr + i)).collect())
        .collect();
    let mut k = 0;
    let mut expect = |c: &Cmd, image: &mut Vec<u8>| {
        for (i, &b) in want[k].iter().enumerate() {
            image[(c.raddr as usize + i) % RAM] = b;
        }
        k += 1;
    };
    let run = run_read(
        (desc, bytes),
        &cmds,
        &mut mem,
        &mut ram,
        &mut expect,
        0.3,
        seed ^ 2,
    );
    for (c, &(tag, resp)) in cmds.iter().zip(&run.status) {
        assert_eq!((tag, resp), (c.tag, fault_resp(c, &f)), "status of {c:x?}");
    }
}

#[test]
fn read_mover_fills_the_ram_byte_exact_at_8_16_and_64_bytes() {
    check_read(&models::DMA_READ_8, 8, 120, 0.0, 31);
    check_read(&models::DMA_READ_16, 16, 160, 0.0, 32);
    check_read(&models::DMA_READ_64, 64, 120, 0.0, 33);
}

#[test]
fn read_mover_reports_faulting_pages_with_zeros_for_their_bytes() {
    check_read(&models::DMA_READ_16, 16, 120, 0.05, 41);
    check_read(&models::DMA_READ_8, 8, 60, 0.05, 42);
}

/// `n` back-to-back commands of `len` bytes at 64-byte-aligned addresses
/// in consecutive 16 KiB slots, RAM addresses 0, `len`, `2 len`, ...
fn stream(n: usize, len: usize) -> Vec<Cmd> {
    (0..n)
        .map(|k| Cmd {
            haddr: 0x2_0000_0000 + k as u64 * 0x4000,
            raddr: (k * len % RAM) as u64,
            len,
            tag: k as u8,
        })
        .collect()
}

/// With a memory 156 clocks away (1 us at 156.25 MHz) and no stalls, the
/// movers keep their data channel busy: one beat a clock within long
/// commands, and a floor for 64-byte commands (4 beats; a minimum frame
/// at 10G lasts 10.5 clocks).
#[test]
fn movers_sustain_the_bus_with_1_us_latency() {
    let ram = vec![0x5au8; RAM];
    for (len, floor) in [(1500, 0.98), (64, 0.66)] {
        let cmds = stream(300, len);
        let mut mem = Axi4Mem::new(16, 156, 0.0, 1);
        let w = run_write((&models::DMA_WRITE_16, 16), &cmds, &mut mem, &ram, 0.0, 2);
        let mut mem = Axi4Mem::new(16, 156, 0.0, 1);
        let mut image = ram.clone();
        // the host memory was never written: it reads 0
        let mut zeros = |c: &Cmd, img: &mut Vec<u8>| {
            for i in 0..c.len {
                img[(c.raddr as usize + i) % RAM] = 0;
            }
        };
        let r = run_read(
            (&models::DMA_READ_16, 16),
            &cmds,
            &mut mem,
            &mut image,
            &mut zeros,
            0.0,
            3,
        );
        eprintln!(
            "{len}-byte commands, 16-byte bus, latency 156: W {:.3} beats/clock, R {:.3}",
            w.rate(),
            r.rate()
        );
        assert!(
            w.rate() >= floor,
            "write {len}: {:.3} beats/clock",
            w.rate()
        );
        assert!(r.rate() >= floor, "read {len}: {:.3} beats/clock", r.rate());
    }
}
