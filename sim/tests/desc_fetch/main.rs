//! The receive descriptor rings (`ferronic_hdl::dma::desc_fetch`: ring
//! state, batched prefetch, cache and take port, with their read mover),
//! Verilated alone against the host memory model (1 us latency at
//! 156.25 MHz, 30 % READY stalls) with the AXI4 checker on every clock. A
//! driver model posts descriptors (writes them, then the doorbell) only
//! into slots the engine has retired; a user model takes, commits, rolls
//! back and retires at random. Checks:
//! * every take returns the descriptor the driver wrote at that ring
//!   index, indices in ring order, rollbacks give the same descriptors
//!   again; never one beyond the doorbell (a slot not yet posted holds the
//!   previous lap's descriptor, which would not match);
//! * every posted descriptor is taken (no loss) and `CONS` follows the
//!   retires;
//! * a ring whose memory refuses reads stops with `ring_err` and
//!   `fetch_fault`, a disabled ring gives nothing, and neither is read
//!   beyond the refused read;
//! * a ring disabled and enabled again while its reads are in flight
//!   restarts at index 0 with its new descriptors (the stale reads do
//!   not land in its cache);
//! * one ring alone keeps up with a 10G receive of minimum frames (a
//!   descriptor every 10.5 clocks) at 1 us memory latency.

use ferronic_hdl::dma::desc_fetch::RINGS;
use ferronic_sim::bus::axi4_check::Axi4Checker;
use ferronic_sim::bus::axi4_mem::{Axi4Mem, PAGE};
use ferronic_sim::bus::axi4_unit::Axi4Unit;
use ferronic_sim::unit::{models, Unit};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::VecDeque;

mod harness;
mod order_queue;
use harness::*;

/// Clocks from a take to its answer (the contract in desc_fetch.rs).
pub const TAKE_LATENCY: u64 = 4;

#[test]
fn takes_return_posted_descriptors_in_order_and_faulty_rings_stop() {
    let mut rng = StdRng::seed_from_u64(0x13d);
    let mut u = Unit::new(&models::DESC_FETCH);
    let ps = Ports::new(&u);
    let mut axi = Axi4Unit::new(&u);
    let mut mem = Axi4Mem::new(16, LATENCY, 0.3, 7);
    let mut chk = Axi4Checker::new(16);
    let mut cfg = Cfg::new();
    let logs = [8, 9, 8, 10, 8, 8, 8, 8];
    let (faulty, disabled, restarted) = (6usize, 7usize, 5usize);
    // descriptors a ring: 1,500 in the default 8-ring build, the same
    // total with more rings
    let full = 12_000 / RINGS;
    // the restarted ring: 300 descriptors used, then 64 posted and
    // abandoned by the restart
    let mut rings: Vec<Ring> = (0..RINGS)
        .map(|q| Ring {
            // ring 1 at an odd 16-byte offset, the rest page-aligned
            base: 0x1_0000_0000 * (q as u64 + 1) + if q == 1 { 0x7f0 } else { 0 },
            log: logs[q % 8],
            enabled: q != disabled,
            desc: descriptors(&mut rng, if q == restarted { 364 } else { full }),
            post_upto: if q == restarted { 300 } else { full },
            take_upto: if q == restarted { 300 } else { full },
            ..Ring::default()
        })
        .collect();
    // every slot starts with a descriptor nobody posts
    for r in &rings {
        for i in 0..1u16 << r.log {
            mem.write(r.slot(i), &rng.gen::<[u8; 16]>());
        }
    }
    mem.fault(rings[faulty].base, 2);
    for (q, r) in rings.iter().enumerate() {
        cfg.ring(q, r);
    }
    reset(&mut u, &ps, &cfg);

    // the user: one take in flight (ring, clock asked)
    let mut inflight: Option<(usize, u64)> = None;
    // the clock of each ring's last rollback: a take of the ring waits 2
    // clocks after it (DescFetch's contract: a rollback acts a clock late)
    let mut rolled = [0u64; RINGS];
    let (mut clock, mut faults, mut restart_state) = (0u64, 0u64, 0u8);
    // the clock the restarted ring's model was reset
    let mut restarted_at = 0u64;
    let mut retired_hist: VecDeque<Vec<u16>> = VecDeque::new();
    let second_epoch = descriptors(&mut rng, 700);
    let mut fault_at: Option<u64> = None;
    loop {
        clock += 1;
        if clock == 300_000 {
            for (q, r) in rings.iter().enumerate() {
                eprintln!(
                    "ring {q}: prod {} t {} k {} retired {} due {} taken {} upto {}/{}",
                    r.prod,
                    r.t,
                    r.k,
                    r.retired,
                    r.due.len(),
                    r.taken_ok,
                    r.post_upto,
                    r.take_upto
                );
            }
            eprintln!(
                "restart {restart_state} err {:b} avail {:b} posted {:b} idle {} cons {:?}",
                u.get(ps.ring_err),
                u.get(ps.q_avail),
                u.get(ps.q_posted),
                u.get(ps.idle),
                ps.cons(&u)
            );
            panic!("hung");
        }
        ps.idle_inputs(&mut u);
        if restart_state == 3 {
            let r = &mut rings[restarted];
            *r = Ring {
                base: r.base + 0x10_0000,
                log: 9,
                enabled: true,
                desc: second_epoch.clone(),
                post_upto: second_epoch.len(),
                take_upto: second_epoch.len(),
                ..Ring::default()
            };
            restart_state = 4;
            restarted_at = clock;
        }
        let cons = ps.cons(&u);
        // CONS shows a retire three clocks later (the retire is decoded
        // per ring into a register first); the re-enabled ring's reset to
        // 0 shows two clocks after the enable, so its CONS is not compared
        // in the clocks around its restart
        if retired_hist.len() >= 3 {
            let mut want = retired_hist[retired_hist.len() - 3].clone();
            let mut got = cons.clone();
            if (2..=3).contains(&restart_state) || clock < restarted_at + 3 {
                want[restarted] = 0;
                got[restarted] = 0;
            }
            assert_eq!(got, want, "CONS at clock {clock}");
        }
        let avail = u.get(ps.q_avail);
        // driver
        // (the restarted ring's CONS is stale around its restart: the
        // driver counts from what it retired, 0 in the new epoch)
        let stale = (2..=3).contains(&restart_state) || clock < restarted_at + 3;
        for (q, r) in rings.iter_mut().enumerate() {
            if r.enabled && rng.gen_bool(0.05) {
                let c = if q == restarted && stale {
                    r.retired
                } else {
                    cons[q]
                };
                post(&mut mem, r, c, rng.gen_range(1..48));
            }
        }
        let r5 = &mut rings[restarted];
        if restart_state == 0 && r5.retired == 300 && r5.due.is_empty() {
            // post 64 more and disable when a read of them is in flight
            r5.post_upto = r5.desc.len();
            restart_state = 1;
        }
        // the user: a take answered?
        if let Some((q, at)) = inflight {
            if u.get(ps.td_valid) != 0 {
                assert_eq!(clock, at + TAKE_LATENCY, "take latency");
                let r = &mut rings[q];
                if u.get(ps.td_ok) != 0 {
                    assert!(
                        r.enabled && q != faulty,
                        "ring {q}: a descriptor from a dead ring"
                    );
                    let idx = u.get(ps.td_index) as u16;
                    assert_eq!(idx, r.t, "ring {q}: take index");
                    assert!(
                        r.t != r.prod,
                        "ring {q}: descriptor {idx} taken before it was posted"
                    );
                    let got = u.get_bytes(ps.td_desc);
                    assert_eq!(got, r.desc[idx as usize], "ring {q}: descriptor {idx}");
                    r.t = r.t.wrapping_add(1);
                    r.taken_ok += 1;
                }
                inflight = None;
            } else {
                assert!(clock < at + TAKE_LATENCY, "take answer missing");
            }
        }
        if inflight.is_none() {
            let q = rng.gen_range(0..RINGS);
            let r = &mut rings[q];
            let paused = q == restarted && (1..=3).contains(&restart_state);
            let usable = !paused && (r.t as usize) < r.take_upto && clock >= rolled[q] + 2;
            match rng.gen_range(0..100) {
                0..=24 if r.t != r.k && !paused => {
                    u.set(ps.cm_valid, 1);
                    u.set(ps.cm_q, q as u64);
                    let n = r.t.wrapping_sub(r.k);
                    r.k = r.t;
                    r.due.push_back((clock + rng.gen_range(10..400), n));
                }
                25..=28 if r.t != r.k && !paused => {
                    u.set(ps.rb_valid, 1);
                    u.set(ps.rb_q, q as u64);
                    r.t = r.k;
                    rolled[q] = clock;
                }
                _ if usable && (avail >> q & 1 != 0 || rng.gen_bool(0.2)) => {
                    u.set(ps.tk_valid, 1);
                    u.set(ps.tk_q, q as u64);
                    inflight = Some((q, clock));
                }
                _ => {}
            }
        }
        // retires: one ring a clock
        let q = rng.gen_range(0..RINGS);
        let r = &mut rings[q];
        let mut n = 0u16;
        while let Some(&(at, m)) = r.due.front() {
            if at > clock || n + m > 255 {
                break;
            }
            n += m;
            r.due.pop_front();
        }
        if n > 0 {
            u.set(ps.rt_valid, 1);
            u.set(ps.rt_q, q as u64);
            u.set(ps.rt_n, n.into());
            r.retired = r.retired.wrapping_add(n);
        }
        for (q, r) in rings.iter().enumerate() {
            cfg.ring(q, r);
        }
        cfg.drive(&mut u, ps.cfg);
        axi.drive(&mut u, &mut mem);
        u.eval();
        let w = axi.edge(&u, &mut mem, &mut chk);
        if w.arvalid && w.arready {
            let q = ((w.araddr >> 32) - 1) as usize;
            assert!(q != disabled, "a read of the disabled ring");
            assert!(
                q != faulty || fault_at.is_none_or(|t| clock < t + 200),
                "faulty ring read long after its refused read"
            );
            assert_eq!(
                w.araddr / PAGE,
                (w.araddr + 16 * (u64::from(w.arlen) + 1) - 1) / PAGE
            );
            // the restart: disable with this read in flight, enable again
            // two clocks later with new descriptors at a new base
            if q == restarted && restart_state == 1 {
                rings[q].enabled = false;
                restart_state = 2;
            }
        } else if restart_state == 2 {
            restart_state = 3;
        }
        if u.get(ps.fetch_fault) != 0 {
            faults += 1;
            fault_at.get_or_insert(clock);
        }
        retired_hist.push_back(rings.iter().map(|r| r.retired).collect());
        if retired_hist.len() > 3 {
            retired_hist.pop_front();
        }
        u.tick();
        let done = rings.iter().enumerate().all(|(q, r)| {
            q == faulty
                || q == disabled
                || (r.retired as usize == r.take_upto && (q != restarted || restart_state == 4))
        });
        if done {
            break;
        }
    }
    for _ in 0..4 {
        ps.idle_inputs(&mut u);
        u.tick();
    }
    u.eval();
    let cons = ps.cons(&u);
    for (q, r) in rings.iter().enumerate() {
        if q != faulty && q != disabled {
            assert_eq!(r.k as usize, r.take_upto, "ring {q}: descriptors committed");
            assert_eq!(cons[q] as usize, r.take_upto, "ring {q}: CONS");
        }
        eprintln!("ring {q}: {} taken", r.taken_ok);
    }
    assert_eq!(u.get(ps.ring_err), 1 << faulty, "ring_err");
    assert!(faults >= 1, "no fetch_fault for the refused ring");
    assert_eq!(rings[faulty].taken_ok + rings[disabled].taken_ok, 0);
    assert_eq!(
        u.get(ps.q_posted) >> disabled & 1,
        0,
        "disabled ring shows posted"
    );
    assert_eq!(u.get(ps.idle), 1, "idle at the end");
    assert_eq!(u.get(ps.q_avail), 0, "descriptors left in the cache");
    assert_eq!(chk.outstanding(), (0, 0));
    eprintln!("{clock} clocks");
}

/// One ring, the driver keeping it full, the user taking as fast as the
/// port allows (a take every 4 clocks) and committing each descriptor as
/// it comes: the cache must deliver at least one descriptor per 10.5
/// clocks (a minimum frame at 10G line rate, 156.25 MHz) through 1 us of
/// memory latency and 30 % READY stalls.
#[test]
fn one_ring_keeps_up_with_minimum_frames_at_10g_through_1us_latency() {
    let mut rng = StdRng::seed_from_u64(0x10);
    let mut u = Unit::new(&models::DESC_FETCH);
    let ps = Ports::new(&u);
    let mut axi = Axi4Unit::new(&u);
    let mut mem = Axi4Mem::new(16, LATENCY, 0.3, 3);
    let mut chk = Axi4Checker::new(16);
    let mut cfg = Cfg::new();
    let n = 20_000;
    let mut r = Ring {
        base: 0x8_0000_0000,
        log: 10,
        enabled: true,
        desc: descriptors(&mut rng, n),
        post_upto: n,
        take_upto: n,
        ..Ring::default()
    };
    cfg.ring(0, &r);
    reset(&mut u, &ps, &cfg);
    let (warm, run) = (2_000u64, 40_000u64);
    let mut inflight: Option<u64> = None;
    let mut ok_in_window = 0u64;
    for clock in 1..=warm + run {
        ps.idle_inputs(&mut u);
        let cons = ps.cons(&u);
        post(&mut mem, &mut r, cons[0], 64);
        if let Some(at) = inflight {
            if u.get(ps.td_valid) != 0 {
                assert_eq!(clock, at + TAKE_LATENCY, "take latency");
                if u.get(ps.td_ok) != 0 {
                    assert_eq!(u.get(ps.td_index) as u16, r.t);
                    assert_eq!(u.get_bytes(ps.td_desc), r.desc[r.t as usize]);
                    r.t += 1;
                    u.set(ps.cm_valid, 1);
                    u.set(ps.cm_q, 0);
                    r.due.push_back((clock + 200, r.t - r.k));
                    r.k = r.t;
                    if clock > warm {
                        ok_in_window += 1;
                    }
                }
                inflight = None;
            }
        }
        if inflight.is_none() && (r.t as usize) < n {
            u.set(ps.tk_valid, 1);
            u.set(ps.tk_q, 0);
            inflight = Some(clock);
        }
        if let Some(&(at, m)) = r.due.front() {
            if at <= clock {
                r.due.pop_front();
                u.set(ps.rt_valid, 1);
                u.set(ps.rt_q, 0);
                u.set(ps.rt_n, m.into());
                r.retired += m;
            }
        }
        cfg.ring(0, &r);
        cfg.drive(&mut u, ps.cfg);
        axi.drive(&mut u, &mut mem);
        u.eval();
        axi.edge(&u, &mut mem, &mut chk);
        u.tick();
    }
    let per = run as f64 / ok_in_window as f64;
    eprintln!("one ring: a descriptor every {per:.2} clocks ({ok_in_window} in {run} clocks, 1 us latency)");
    assert!(
        (r.t as usize) < n,
        "ran out of descriptors: the measure is void"
    );
    assert!(
        per <= 10.5,
        "a descriptor every {per:.2} clocks: short of 10G minimum frames"
    );
}
