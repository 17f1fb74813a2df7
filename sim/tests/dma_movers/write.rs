//! The write mover: RAM -> host memory.

use crate::traffic::{commands, fault_resp, make_faults, Cmd, Common, Run, GUARD, RAM};
use ferronic_sim::bus::axi4_check::{Axi4Checker, Axi4Wires};
use ferronic_sim::bus::axi4_mem::{Axi4Mem, PAGE};
use ferronic_sim::unit::{models, Unit, UnitDesc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::VecDeque;

/// Runs the write mover over `cmds` (command gaps `gaps` of the clocks);
/// its RAM answers a read `desc`'s [`read_latency`] clocks later.
pub(crate) fn run_write(
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
    // words read and not yet on ram_rd_data (latency 2: one waits a clock)
    let mut rpipe: VecDeque<Vec<u8>> = VecDeque::new();
    let lat = read_latency(desc);
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
        // the RAM reads every clock (the movers may read without
        // ram_rd_en; the latency-1 one always asserts it)
        let a = u.get(rd_addr) as usize;
        if u.get(rd_en) != 0 {
            assert_eq!(a % bytes, 0, "RAM read address {a:#x} not beat-aligned");
        }
        rpipe.push_back((0..bytes).map(|i| ram[(a + i) % RAM]).collect());
        if rpipe.len() == lat {
            rdata = rpipe.pop_front().unwrap();
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
    run
}

/// Clocks from a read to its word on `ram_rd_data` for the unit `desc`.
fn read_latency(desc: &UnitDesc) -> usize {
    if desc.name.ends_with("_l2") {
        2
    } else {
        1
    }
}

pub(crate) fn check_write(desc: &'static UnitDesc, bytes: usize, n: usize, faults: f64, seed: u64) {
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

/// The mover built for a RAM of read latency 2 (the receive buffer's),
/// against a RAM model that answers 2 clocks after the read.
#[test]
fn write_mover_with_read_latency_2_lands_every_byte() {
    check_write(&models::DMA_WRITE_16_L2, 16, 160, 0.05, 14);
}

#[test]
fn write_mover_reports_faulting_pages_and_writes_the_others() {
    check_write(&models::DMA_WRITE_16, 16, 120, 0.05, 21);
    check_write(&models::DMA_WRITE_8, 8, 60, 0.05, 22);
}
