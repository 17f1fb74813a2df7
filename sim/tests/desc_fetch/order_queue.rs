//! DescFetch's read order queue full: many single-descriptor reads in
//! flight over eight rings (see `main.rs` for the harness).

use super::harness::*;
use super::TAKE_LATENCY;
use ferronic_hdl::dma::desc_fetch::RINGS;
use ferronic_sim::bus::axi4_check::Axi4Checker;
use ferronic_sim::bus::axi4_mem::Axi4Mem;
use ferronic_sim::bus::axi4_unit::Axi4Unit;
use ferronic_sim::unit::{models, Unit};
use rand::rngs::StdRng;
use rand::SeedableRng;

/// Eight rings posted one descriptor at a time through 600 clocks of
/// memory latency, so the block keeps as many single-descriptor reads
/// outstanding as its order queue allows: exactly 31 at the peak (32
/// overwrote the oldest read's ring in the queue, and its status was
/// credited to another ring: a ring then waited forever for descriptors
/// that had arrived, the `nic` test's receive hang), and every take
/// returns its own ring's next descriptor.
#[test]
fn a_full_read_order_queue_keeps_every_read_with_its_ring() {
    let mut rng = StdRng::seed_from_u64(0x31);
    let mut u = Unit::new(&models::DESC_FETCH);
    let ps = Ports::new(&u);
    let mut axi = Axi4Unit::new(&u);
    let mut mem = Axi4Mem::new(16, 600, 0.1, 5);
    let mut chk = Axi4Checker::new(16);
    let mut cfg = Cfg::new();
    // 2,400 descriptors in all (300 a ring in the default 8-ring build)
    let n = 2400 / RINGS;
    let mut rings: Vec<Ring> = (0..RINGS)
        .map(|q| Ring {
            base: 0x2_0000_0000 * (q as u64 + 1),
            log: 8,
            enabled: true,
            desc: descriptors(&mut rng, n),
            post_upto: n,
            take_upto: n,
            ..Ring::default()
        })
        .collect();
    for (q, r) in rings.iter().enumerate() {
        cfg.ring(q, r);
    }
    reset(&mut u, &ps, &cfg);
    let (mut inflight, mut next_q, mut peak) = (None::<(usize, u64)>, 0usize, 0usize);
    let mut clock = 0u64;
    while rings.iter().any(|r| (r.t as usize) < n) {
        clock += 1;
        assert!(
            clock < 400_000,
            "stalled: taken {:?}",
            rings.iter().map(|r| r.t).collect::<Vec<_>>()
        );
        ps.idle_inputs(&mut u);
        let cons = ps.cons(&u);
        for (q, r) in rings.iter_mut().enumerate() {
            if clock % 8 == (q % 8) as u64 {
                post(&mut mem, r, cons[q], 1);
            }
        }
        if let Some((q, at)) = inflight {
            if u.get(ps.td_valid) != 0 {
                assert_eq!(clock, at + TAKE_LATENCY, "take latency");
                let r = &mut rings[q];
                if u.get(ps.td_ok) != 0 {
                    assert_eq!(u.get(ps.td_index) as u16, r.t, "ring {q}: index");
                    let got = u.get_bytes(ps.td_desc);
                    assert_eq!(got, r.desc[r.t as usize], "ring {q}: descriptor {}", r.t);
                    r.t += 1;
                    u.set(ps.cm_valid, 1);
                    u.set(ps.cm_q, q as u64);
                    r.due.push_back((clock + 50, r.t - r.k));
                    r.k = r.t;
                }
                inflight = None;
            }
        }
        let avail = u.get(ps.q_avail);
        if inflight.is_none() {
            if let Some(q) = (0..RINGS)
                .map(|i| (next_q + i) % RINGS)
                .find(|&q| avail >> q & 1 != 0 && (rings[q].t as usize) < n)
            {
                u.set(ps.tk_valid, 1);
                u.set(ps.tk_q, q as u64);
                inflight = Some((q, clock));
                next_q = q + 1;
            }
        }
        // one retire a clock, the ring whose due time came first
        if let Some(q) =
            (0..RINGS).find(|&q| rings[q].due.front().is_some_and(|&(at, _)| at <= clock))
        {
            let (_, m) = rings[q].due.pop_front().unwrap();
            u.set(ps.rt_valid, 1);
            u.set(ps.rt_q, q as u64);
            u.set(ps.rt_n, m.into());
            rings[q].retired += m;
        }
        for (q, r) in rings.iter().enumerate() {
            cfg.ring(q, r);
        }
        cfg.drive(&mut u, ps.cfg);
        axi.drive(&mut u, &mut mem);
        u.eval();
        axi.edge(&u, &mut mem, &mut chk);
        u.tick();
        peak = peak.max(chk.outstanding().1);
    }
    eprintln!("8 rings, single-descriptor reads, 600-clock memory: {peak} reads outstanding at the peak, {clock} clocks");
    assert_eq!(peak, 31, "reads outstanding at the peak");
}
