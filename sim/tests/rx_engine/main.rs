//! The receive half of the DMA engine (`ferronic_hdl::dma::rx_engine`:
//! receive buffer, receive rings, write mover, control), Verilated alone:
//! frames in on `s_axis` (8 bytes a clock, up to 10G line rate), one host memory
//! model for descriptor reads and frame writes (1 us latency, 30 % READY
//! stalls) with the AXI4 checker on every clock, completion requests
//! taken at random. A driver model posts buffers of several shapes (2 KiB,
//! 1 KiB so a jumbo frame spans ten, mixed sizes, odd addresses across 4
//! KiB boundaries), makes 5 % of the buffers it posts fault (a page
//! refusing writes, as an IOMMU does for a page not resident), and
//! clears the fault when it reads the fault record. Checks:
//! * the completions come in frame order, each with its frame's queue,
//!   length, `tuser`, hash and tag, its ring's completion queue, and the
//!   frame byte-exact in the buffers `index .. index + desc_count`;
//! * a refused attempt gives a fault record (length 0, its buffers, a
//!   refused page among them) and the frame follows, intact, before the
//!   next;
//! * a frame for a ring with nothing posted is dropped whole and counted
//!   for its queue; a stocked ring drops nothing; every frame is accounted
//!   for (delivered, dropped for want of a buffer, dropped full);
//! * held completions fill the buffer: whole frames are dropped full, and
//!   every frame kept is delivered intact.

use ferronic_hdl::dma::desc_fetch::RINGS;
use ferronic_hdl::dma::regs::{nic_map, DmaRegs, DMA_CFG_BITS};
use ferronic_regmap::dma::{cpl_flags, Completion, Descriptor};
use ferronic_sim::bus::axi4_check::Axi4Checker;
use ferronic_sim::bus::axi4_mem::{Axi4Mem, PAGE};
use ferronic_sim::bus::axi4_unit::Axi4Unit;
use ferronic_sim::unit::{models, Unit};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::VecDeque;

mod model;
use model::{frames, rings, Ports, Ring, Seen, Setup};

fn run(setup: &Setup) -> (Seen, Vec<Ring>) {
    let mut rng = StdRng::seed_from_u64(setup.seed);
    let mut u = Unit::new(&models::RX_ENGINE);
    let ps = Ports::new(&u);
    let mut axi = Axi4Unit::new(&u);
    let mut mem = Axi4Mem::new(16, 156, 0.3, setup.seed ^ 5);
    let mut chk = Axi4Checker::new(16);
    let map = nic_map();
    let mut cfg = vec![0u32; DMA_CFG_BITS / 32];
    let word = |p: &str| DmaRegs::cfg_word(&map, p).unwrap();
    let mut rings = rings(&mut rng);
    let frames = frames(&mut rng, setup.frames);
    cfg[word("dma.CTRL")] = 1;
    for (q, r) in rings.iter().enumerate() {
        cfg[word(&format!("rxq.Q{q}_BASE_LO"))] = r.base as u32;
        cfg[word(&format!("rxq.Q{q}_BASE_HI"))] = (r.base >> 32) as u32;
        // ring q completes into completion queue RINGS + (RINGS - 1 - q)
        cfg[word(&format!("rxq.Q{q}_CTRL"))] = 1 | r.log << 4 | cq_of(q) << 16;
    }
    let prod_word: Vec<usize> = (0..RINGS)
        .map(|q| word(&format!("rxq.Q{q}_PROD")))
        .collect();
    let drive_cfg = |u: &mut Unit, cfg: &[u32]| {
        let b: Vec<u8> = cfg.iter().flat_map(|x| x.to_le_bytes()).collect();
        u.set_bytes(ps.cfg, &b);
    };
    u.set(ps.rst, 1);
    drive_cfg(&mut u, &cfg);
    u.tick();
    u.tick();
    u.set(ps.rst, 0);

    // the source: frame index, beat within it; tlast clocks for the
    // full-drop report (2 clocks later)
    let (mut fi, mut beat, mut idle_until) = (0usize, 0usize, 0u64);
    let mut tlast_at: VecDeque<(u64, usize)> = VecDeque::new();
    // frames in retire order (kept by the buffer), expected next
    let mut kept: VecDeque<usize> = VecDeque::new();
    let mut seen = Seen::default();
    let mut faulted_pages: std::collections::HashSet<u64> = Default::default();
    // (a page one fault record clears may have refused another frame too)
    let mut ever_faulted: std::collections::HashSet<u64> = Default::default();
    let mut clock = 0u64;
    let mut accounted = 0usize;
    while accounted < frames.len() {
        clock += 1;
        assert!(
            clock < 5_000_000,
            "hung: {accounted} of {} frames accounted",
            frames.len()
        );
        let cons: Vec<u16> = u
            .get_bytes(ps.cons)
            .chunks(2)
            .map(|c| u16::from(c[0]) | u16::from(c[1]) << 8)
            .collect();
        // the driver posts buffers into retired slots
        for (q, r) in rings.iter_mut().enumerate() {
            if r.stocked > 0.0 && rng.gen_bool(r.stocked) {
                for _ in 0..rng.gen_range(1..32) {
                    let s = (r.prod & (r.size() - 1)) as usize;
                    if r.prod.wrapping_sub(cons[q]) >= r.size() || !r.owned[s] {
                        break;
                    }
                    r.owned[s] = false;
                    let (addr, len) = r.buf(r.prod);
                    let d = Descriptor {
                        flags: 0,
                        len,
                        addr,
                    };
                    let slot = r.base + 16 * u64::from(r.prod & (r.size() - 1));
                    mem.write(slot, &d.to_bytes());
                    // a page of its is among the faulting share of pages
                    let p = (setup.faults * f64::from(len) / PAGE as f64).min(1.0);
                    if rng.gen_bool(p) {
                        let page = rng.gen_range(addr / PAGE..=(addr + u64::from(len) - 1) / PAGE);
                        mem.fault(page * PAGE, rng.gen_range(2..=3));
                        faulted_pages.insert(page);
                        ever_faulted.insert(page);
                    }
                    r.prod = r.prod.wrapping_add(1);
                }
                cfg[prod_word[q]] = r.prod.into();
            }
        }
        drive_cfg(&mut u, &cfg);
        // the source
        let send = fi < frames.len() && clock >= idle_until;
        u.set(ps.tvalid, send.into());
        if send {
            let f = &frames[fi];
            let chunk = &f.data[8 * beat..f.data.len().min(8 * beat + 8)];
            let mut d = [0u8; 8];
            d[..chunk.len()].copy_from_slice(chunk);
            let last = 8 * beat + 8 >= f.data.len();
            u.set(ps.tdata, u64::from_le_bytes(d));
            u.set(ps.tkeep, (1u64 << chunk.len()) - 1);
            u.set(ps.tlast, last.into());
            u.set(ps.tdest, f.queue as u64);
            u.set(ps.hash, f.hash.into());
            u.set(
                ps.tuser,
                if last {
                    f.tuser.into()
                } else {
                    rng.gen_range(0..64)
                },
            );
            u.set(ps.tag, if last { f.tag } else { rng.gen() });
            if last {
                tlast_at.push_back((clock, fi));
                let beats = (beat + 1) as f64;
                let pause = beats * (1.0 / setup.util - 1.0) + 2.5;
                idle_until = clock + 1 + pause as u64 + u64::from(rng.gen_bool(pause.fract()));
                fi += 1;
                beat = 0;
            } else {
                beat += 1;
            }
        }
        let take = !(setup.hold.0..setup.hold.1).contains(&clock) && rng.gen_bool(setup.ready);
        u.set(ps.req_ready, take.into());
        axi.drive(&mut u, &mut mem);
        u.eval();
        axi.edge(&u, &mut mem, &mut chk);
        // a frame leaves the source for the buffer: kept unless the
        // full-drop report names it 2 clocks after its tlast
        let mut full_named = false;
        while let Some(&(at, f)) = tlast_at.front() {
            if clock < at + 2 {
                break;
            }
            tlast_at.pop_front();
            if clock == at + 2 && u.get(ps.full_valid) != 0 {
                assert_eq!(
                    u.get(ps.full_queue) as usize,
                    frames[f].queue,
                    "full drop's queue"
                );
                seen.full.push(f);
                accounted += 1;
                full_named = true;
            } else {
                kept.push_back(f);
            }
        }
        assert!(
            u.get(ps.full_valid) == 0 || full_named,
            "a full drop with no frame"
        );
        seen.fault_pulses += u.get(ps.fault_valid) as usize;
        if u.get(ps.drop_valid) != 0 {
            let f = kept.pop_front().expect("a drop with no frame");
            let q = u.get(ps.drop_queue) as usize;
            assert_eq!(q, frames[f].queue, "frame {f}: no-buffer drop's queue");
            seen.nobuf.push(f);
            rings[q].drops += 1;
            accounted += 1;
        }
        if u.get(ps.req_valid) != 0 && take {
            let rec: [u8; 32] = u.get_bytes(ps.req_rec).try_into().unwrap();
            let c = Completion::from_bytes(&rec);
            let f = *kept.front().expect("a completion with no frame");
            let fr = &frames[f];
            let r = &rings[fr.queue];
            assert_eq!(c.queue as usize, fr.queue, "frame {f}: queue");
            assert_eq!(
                u.get(ps.req_cq),
                u64::from(cq_of(fr.queue)),
                "frame {f}: completion queue"
            );
            // the attempt's buffers
            let bufs: Vec<(u64, u32)> = (0..c.desc_count)
                .map(|k| r.buf(c.index.wrapping_add(k)))
                .collect();
            let size = r.size();
            for k in 0..c.desc_count {
                let s = (c.index.wrapping_add(k) & (size - 1)) as usize;
                assert!(
                    !rings[fr.queue].owned[s],
                    "frame {f}: a buffer the driver holds"
                );
                rings[fr.queue].owned[s] = true;
                let i = c.index.wrapping_add(k);
                assert!(
                    rings[fr.queue].used.insert(i),
                    "frame {f}: index {i} named twice"
                );
            }
            if let Some(fault) = c.fault {
                assert_eq!(c.len, 0, "frame {f}: fault record length");
                assert_eq!(fault.index, c.index);
                assert!(
                    (2..=3).contains(&fault.resp) && fault.count >= 1,
                    "{fault:?}"
                );
                assert_eq!(cpl_flags::FAULT, 1 << 8);
                assert_eq!(rec[11] & 1, 1, "flags bit 8 (bit 88 of the record)");
                // a refused page among its buffers; the driver makes them
                // all resident again
                let pages: Vec<u64> = bufs
                    .iter()
                    .flat_map(|&(a, l)| a / PAGE..=(a + u64::from(l) - 1) / PAGE)
                    .collect();
                assert!(
                    pages.iter().any(|p| ever_faulted.contains(p)),
                    "frame {f}: fault record for buffers with no refused page"
                );
                for p in pages {
                    mem.fault(p * PAGE, 0);
                    faulted_pages.remove(&p);
                }
                seen.fault_records += 1;
            } else {
                kept.pop_front();
                assert_eq!(c.len as usize, fr.data.len(), "frame {f}: length");
                assert_eq!(
                    (c.tuser, c.hash, c.tag),
                    (fr.tuser, fr.hash, fr.tag),
                    "frame {f}: sideband"
                );
                let mut at = 0usize;
                for (k, &(a, l)) in bufs.iter().enumerate() {
                    let n = (l as usize).min(fr.data.len() - at);
                    assert!(n > 0, "frame {f}: buffer {k} of {} unused", bufs.len());
                    let got = mem.read(a, n);
                    if let Some(i) = (0..n).find(|&i| got[i] != fr.data[at + i]) {
                        panic!(
                            "frame {f} ({} bytes, queue {}): buffer {k} at {a:#x} ({l} bytes), byte {i} of {n}: {:02x?} for {:02x?}",
                            fr.data.len(),
                            fr.queue,
                            &got[i..n.min(i + 16)],
                            &fr.data[at + i..at + n.min(i + 16)]
                        );
                    }
                    at += n;
                }
                assert_eq!(
                    at,
                    fr.data.len(),
                    "frame {f}: {} buffers short",
                    c.desc_count
                );
                rings[fr.queue].delivered += 1;
                seen.delivered += 1;
                accounted += 1;
            }
        }
        u.tick();
    }
    for _ in 0..400 {
        u.set(ps.tvalid, 0);
        u.set(ps.req_ready, 1);
        axi.drive(&mut u, &mut mem);
        u.eval();
        assert_eq!(u.get(ps.req_valid), 0, "a completion with no frame");
        axi.edge(&u, &mut mem, &mut chk);
        u.tick();
    }
    u.eval();
    assert_eq!(u.get(ps.idle), 1, "engine idle at the end");
    // no descriptor skipped: the records name indices 0..n of each ring
    // (a rollback that lost its descriptors would leave a hole)
    for (q, r) in rings.iter().enumerate() {
        let n = r.used.len();
        assert!(n < 60_000, "ring {q}: indices wrapped");
        assert!(
            r.used.iter().copied().eq(0..n as u16),
            "ring {q}: a descriptor index skipped"
        );
    }
    assert_eq!(u.get(ps.ring_err), 0, "ring errors");
    assert_eq!(chk.outstanding(), (0, 0));
    assert_eq!(
        seen.fault_pulses, seen.fault_records,
        "fault_valid pulses against fault records"
    );
    seen.clocks = clock;
    (seen, rings)
}

/// Prints what a run saw.
fn report(seen: &Seen, rings: &[Ring]) {
    eprintln!(
        "{} delivered, {} no-buffer drops, {} full drops, {} fault records, {} clocks",
        seen.delivered,
        seen.nobuf.len(),
        seen.full.len(),
        seen.fault_records,
        seen.clocks
    );
    for (q, r) in rings.iter().enumerate() {
        eprintln!(
            "ring {q}: {} delivered, {} dropped (no buffer)",
            r.delivered, r.drops
        );
    }
}

/// Stocked rings drop nothing, the starved ring some, the unposted ring
/// all its frames.
fn check_drops(rings: &[Ring]) {
    for r in &rings[..6] {
        assert_eq!(r.drops, 0, "a stocked ring dropped");
        // (the frames spread over every ring: 50 each for 8, 6 for 64)
        assert!(r.delivered > 400 / RINGS);
    }
    assert!(rings[6].drops > 0 && rings[6].delivered > 0, "starved ring");
    assert_eq!(rings[7].delivered, 0);
    assert!(rings[7].drops > 400 / RINGS);
}

#[test]
fn frames_reach_posted_buffers_in_order_at_line_rate() {
    let (seen, rings) = run(&Setup {
        frames: 1500,
        util: 1.0,
        ready: 0.7,
        hold: (0, 0),
        faults: 0.0,
        seed: 0x4e1,
    });
    report(&seen, &rings);
    assert!(seen.full.is_empty(), "buffer full at line rate");
    check_drops(&rings);
}

#[test]
fn page_faults_are_reported_and_the_frames_written_again() {
    let (seen, rings) = run(&Setup {
        frames: 800,
        util: 0.5,
        ready: 0.7,
        hold: (0, 0),
        faults: 0.05,
        seed: 0x4e3,
    });
    report(&seen, &rings);
    assert!(seen.full.is_empty(), "buffer full at half line rate");
    check_drops(&rings);
    assert!(
        seen.fault_records > 10,
        "{} fault records",
        seen.fault_records
    );
}

#[test]
fn held_completions_fill_the_buffer_and_whole_frames_drop() {
    let (seen, rings) = run(&Setup {
        frames: 600,
        util: 1.0,
        ready: 1.0,
        hold: (500, 8000),
        faults: 0.0,
        seed: 0x4e2,
    });
    report(&seen, &rings);
    // (64 rings hold fewer frames each behind their held completions)
    let full = if RINGS > 8 { 10 } else { 20 };
    assert!(seen.full.len() > full, "{} full drops", seen.full.len());
    assert!(seen.delivered > 200);
}

/// The completion queue ring `q` reports to: one of the upper half, in
/// reverse order (15 - q for 8 rings), so a ring and its completion queue
/// never share a number.
fn cq_of(q: usize) -> u32 {
    (2 * RINGS - 1 - q) as u32
}
