//! The read mover: host memory -> RAM.

use crate::traffic::{commands, fault_resp, make_faults, Cmd, Common, Run, RAM};
use ferronic_sim::bus::axi4_check::{Axi4Checker, Axi4Wires};
use ferronic_sim::bus::axi4_mem::{Axi4Mem, PAGE};
use ferronic_sim::unit::{models, Unit, UnitDesc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::VecDeque;

/// Runs the read mover over `cmds` into `ram`; at each status checks the
/// whole RAM against `expect` updated with that command's bytes (so a
/// stray write anywhere fails at once). Command gaps `gaps` of the clocks.
pub(crate) fn run_read(
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
    run
}

pub(crate) fn check_read(desc: &'static UnitDesc, bytes: usize, n: usize, faults: f64, seed: u64) {
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
