//! The transmit half of the DMA engine (`ferronic_hdl::dma::tx_engine`:
//! transmit rings, frame read mover, control and buffer, the read
//! arbiter), Verilated alone against one host memory model (1 us latency,
//! 30 % READY stalls) with the AXI4 checker on every clock (two read IDs
//! share the port). A driver model posts frames as descriptor chains
//! (gathers of 1 to 4 buffers at odd addresses, many just before a 4 KiB
//! boundary; some marked bad; some with a buffer whose page refuses
//! reads), one doorbell per batch, and reuses ring slots as `CONS`
//! frees them. Checks:
//! * every frame leaves on `m_axis_tx` byte-exact, `tkeep` contiguous,
//!   `tdest` its ring, `tuser` its bad mark, in posting order per ring;
//! * a frame with a refused read is not sent; its completion says so
//!   (length 0, fault flag, response);
//! * one completion per frame, in order per ring, only after its last
//!   beat left, with its ring index, length and descriptor count, to its
//!   ring's completion queue;
//! * all rings backlogged with minimum frames: the round robin shares the
//!   link evenly and the engine sends a frame at least every 10.5 clocks
//!   (10G line rate) through 1 us of memory latency.

use ferronic_hdl::dma::desc_fetch::RINGS;
use ferronic_hdl::dma::regs::{nic_map, DmaRegs, DMA_CFG_BITS};
use ferronic_regmap::dma::{desc_flags, Completion, Descriptor};
use ferronic_sim::bus::axi4_check::Axi4Checker;
use ferronic_sim::bus::axi4_mem::{Axi4Mem, PAGE};
use ferronic_sim::bus::axi4_unit::Axi4Unit;
use ferronic_sim::unit::{models, Port, Unit};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::VecDeque;

/// A frame as the driver posts it.
#[derive(Clone)]
struct Frame {
    data: Vec<u8>,
    ring: usize,
    bad: bool,
    /// (address, length) of each buffer, in order.
    bufs: Vec<(u64, u32)>,
    /// A buffer's page refuses reads.
    faulty: bool,
}

struct Ports {
    rst: Port,
    cfg: Port,
    tdata: Port,
    tkeep: Port,
    tvalid: Port,
    tready: Port,
    tlast: Port,
    tuser: Port,
    tdest: Port,
    req_valid: Port,
    req_ready: Port,
    req_cq: Port,
    req_rec: Port,
    cons: Port,
    ring_err: Port,
    idle: Port,
}

impl Ports {
    fn new(u: &Unit) -> Ports {
        let p = |n: &str| u.port(n);
        Ports {
            rst: p("rst"),
            cfg: p("cfg"),
            tdata: p("m_axis_tx_tdata"),
            tkeep: p("m_axis_tx_tkeep"),
            tvalid: p("m_axis_tx_tvalid"),
            tready: p("m_axis_tx_tready"),
            tlast: p("m_axis_tx_tlast"),
            tuser: p("m_axis_tx_tuser"),
            tdest: p("m_axis_tx_tdest"),
            req_valid: p("req_valid"),
            req_ready: p("req_ready"),
            req_cq: p("req_cq"),
            req_rec: p("req_rec"),
            cons: p("cons"),
            ring_err: p("ring_err"),
            idle: p("idle"),
        }
    }
}

/// Per ring: frames to post, posted (with their first ring index), sent,
/// completed.
#[derive(Default)]
struct Ring {
    log: u32,
    base: u64,
    todo: VecDeque<usize>,
    prod: u16,
    /// Frames posted and not yet seen leaving, with their first index.
    posted: VecDeque<(usize, u16)>,
    /// Frames gone (sent or refused), awaiting their completion.
    gone: VecDeque<(usize, u16)>,
    sent: usize,
    done: usize,
}

struct Setup {
    frames: usize,
    /// Only minimum frames in one buffer, no faults, no bad marks.
    minimum: bool,
    ready: f64,
    tready: f64,
    seed: u64,
}

/// Random frames with their buffers written into `mem`.
fn frames(rng: &mut StdRng, mem: &mut Axi4Mem, s: &Setup) -> Vec<Frame> {
    let mut next = 0x20_0000_0000u64;
    let mut fault_next = 0x30_0000_0000u64;
    (0..s.frames)
        .map(|i| {
            let len = if s.minimum {
                60
            } else {
                match rng.gen_range(0..100) {
                    0..=39 => rng.gen_range(60..=128),
                    40..=89 => rng.gen_range(129..=1514),
                    _ => rng.gen_range(1515..=9600),
                }
            };
            let data: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
            let faulty = !s.minimum && rng.gen_bool(0.03);
            let n = if s.minimum {
                1
            } else {
                rng.gen_range(1..=4usize.min(len))
            };
            let mut cuts: Vec<usize> = (0..n - 1).map(|_| rng.gen_range(1..len)).collect();
            cuts.push(0);
            cuts.push(len);
            cuts.sort_unstable();
            cuts.dedup();
            let mut bufs = Vec::new();
            for (k, w) in cuts.windows(2).enumerate() {
                let l = w[1] - w[0];
                let at = if faulty && k == 0 {
                    // its own pages, refused
                    let a = fault_next + rng.gen_range(0..64);
                    fault_next += 0x10_0000;
                    mem.fault(a, 2 + u8::from(rng.gen_bool(0.5)));
                    a
                } else {
                    // 30 % end just past a 4 KiB boundary
                    let a = if rng.gen_bool(0.3) {
                        (next + 2 * PAGE).next_multiple_of(PAGE)
                            - rng.gen_range(1..=l.min(64)) as u64
                    } else {
                        next + rng.gen_range(0..64)
                    };
                    next = a + l as u64 + 64;
                    a
                };
                mem.write(at, &data[w[0]..w[1]]);
                bufs.push((at, l as u32));
            }
            Frame {
                data,
                ring: if s.minimum {
                    i % RINGS
                } else {
                    rng.gen_range(0..RINGS)
                },
                bad: !s.minimum && rng.gen_bool(0.05),
                bufs,
                faulty,
            }
        })
        .collect()
}

/// Runs `s`; returns (clocks, frames sent per ring when half of all
/// had been sent, clock of the first and last beat).
fn run(s: &Setup) -> (u64, Vec<usize>, (u64, u64)) {
    let mut rng = StdRng::seed_from_u64(s.seed);
    let mut u = Unit::new(&models::TX_ENGINE);
    let ps = Ports::new(&u);
    let mut axi = Axi4Unit::new(&u);
    let mut mem = Axi4Mem::new(16, 156, 0.3, s.seed ^ 9);
    let mut chk = Axi4Checker::new(16);
    let frames = frames(&mut rng, &mut mem, s);
    let map = nic_map();
    let word = |p: &str| DmaRegs::cfg_word(&map, p).unwrap();
    let mut cfg = vec![0u32; DMA_CFG_BITS / 32];
    cfg[word("dma.CTRL")] = 1;
    let mut rings: Vec<Ring> = (0..RINGS)
        .map(|q| Ring {
            log: 8 + (q % 2) as u32,
            // above the frames (0x20_0000_0000) and faulting pages
            // (0x30_0000_0000) for any ring count
            base: 0x1000_0000_0000 + 0x1_0000_0000 * q as u64,
            ..Ring::default()
        })
        .collect();
    for (i, f) in frames.iter().enumerate() {
        rings[f.ring].todo.push_back(i);
    }
    for (q, r) in rings.iter().enumerate() {
        cfg[word(&format!("txq.Q{q}_BASE_LO"))] = r.base as u32;
        cfg[word(&format!("txq.Q{q}_BASE_HI"))] = (r.base >> 32) as u32;
        cfg[word(&format!("txq.Q{q}_CTRL"))] = 1 | r.log << 4 | (q as u32) << 16;
    }
    let prod_word: Vec<usize> = (0..RINGS)
        .map(|q| word(&format!("txq.Q{q}_PROD")))
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

    let mut clock = 0u64;
    let mut cur: Vec<u8> = Vec::new();
    let mut cur_meta: Option<(u64, bool)> = None;
    let (mut first_beat, mut last_beat) = (0u64, 0u64);
    let mut completed = 0usize;
    let (mut total_sent, mut half) = (0usize, Vec::new());
    while completed < frames.len() {
        clock += 1;
        assert!(
            clock < 3_000_000,
            "hung: {completed} of {} completed",
            frames.len()
        );
        let cons: Vec<u16> = u
            .get_bytes(ps.cons)
            .chunks(2)
            .map(|c| u16::from(c[0]) | u16::from(c[1]) << 8)
            .collect();
        // the driver: whole frames, one doorbell per batch
        for (q, r) in rings.iter_mut().enumerate() {
            if !rng.gen_bool(if s.minimum { 0.5 } else { 0.1 }) {
                continue;
            }
            for _ in 0..rng.gen_range(1..8) {
                let Some(&fi) = r.todo.front() else { break };
                let f = &frames[fi];
                let n = f.bufs.len() as u16;
                if u32::from(r.prod.wrapping_sub(cons[q])) + u32::from(n) > 1 << r.log {
                    break;
                }
                r.todo.pop_front();
                r.posted.push_back((fi, r.prod));
                for (k, &(addr, len)) in f.bufs.iter().enumerate() {
                    let last = k + 1 == f.bufs.len();
                    let mut flags = if last { desc_flags::EOP } else { 0 };
                    if f.bad && k == 0 {
                        flags |= desc_flags::BAD;
                    }
                    let d = Descriptor { flags, len, addr };
                    let slot = r.base + 16 * u64::from(r.prod & ((1 << r.log) - 1));
                    mem.write(slot, &d.to_bytes());
                    r.prod = r.prod.wrapping_add(1);
                }
            }
            cfg[prod_word[q]] = r.prod.into();
        }
        drive_cfg(&mut u, &cfg);
        let tready = rng.gen_bool(s.tready);
        u.set(ps.tready, tready.into());
        let take = rng.gen_bool(s.ready);
        u.set(ps.req_ready, take.into());
        axi.drive(&mut u, &mut mem);
        u.eval();
        axi.edge(&u, &mut mem, &mut chk);
        // the stream
        if u.get(ps.tvalid) != 0 && tready {
            if first_beat == 0 {
                first_beat = clock;
            }
            last_beat = clock;
            let keep = u.get(ps.tkeep) as u8;
            assert!(
                keep != 0 && (keep & keep.wrapping_add(1)) == 0,
                "tkeep {keep:#x} not contiguous"
            );
            let meta = (u.get(ps.tdest), u.get(ps.tuser) != 0);
            assert!(
                cur_meta.is_none_or(|m| m == meta),
                "tdest/tuser changed inside a frame"
            );
            cur_meta = Some(meta);
            let d = u.get(ps.tdata).to_le_bytes();
            cur.extend_from_slice(&d[..keep.count_ones() as usize]);
            let last = u.get(ps.tlast) != 0;
            assert!(last || keep == 0xff, "a partial beat before tlast");
            if last {
                let q = meta.0 as usize;
                let r = &mut rings[q];
                // refused frames are skipped: they go straight to `gone`
                while let Some(&(fi, _)) = r.posted.front() {
                    if !frames[fi].faulty {
                        break;
                    }
                    r.gone.push_back(r.posted.pop_front().unwrap());
                }
                let (fi, idx) = r.posted.pop_front().expect("a frame never posted");
                let f = &frames[fi];
                assert_eq!(cur.len(), f.data.len(), "ring {q} frame {fi}: length");
                assert!(cur == f.data, "ring {q} frame {fi}: bytes");
                assert_eq!(meta.1, f.bad, "ring {q} frame {fi}: bad mark");
                r.gone.push_back((fi, idx));
                r.sent += 1;
                total_sent += 1;
                if total_sent == frames.len() / 2 {
                    half = rings.iter().map(|r| r.sent).collect();
                }
                cur.clear();
                cur_meta = None;
            }
        }
        // completions
        if u.get(ps.req_valid) != 0 && take {
            let rec: [u8; 32] = u.get_bytes(ps.req_rec).try_into().unwrap();
            let c = Completion::from_bytes(&rec);
            let q = c.queue as usize;
            assert!(q < RINGS);
            assert_eq!(u.get(ps.req_cq) as usize, q, "completion queue");
            let r = &mut rings[q];
            if r.gone.is_empty() {
                // a refused frame at the head of the posted ones
                if let Some(&(fi, _)) = r.posted.front() {
                    if frames[fi].faulty {
                        r.gone.push_back(r.posted.pop_front().unwrap());
                    }
                }
            }
            let (fi, idx) = r
                .gone
                .pop_front()
                .expect("a completion for a frame not gone");
            let f = &frames[fi];
            assert_eq!(c.index, idx, "ring {q} frame {fi}: index");
            assert_eq!(
                usize::from(c.desc_count),
                f.bufs.len(),
                "ring {q} frame {fi}: descriptors"
            );
            if f.faulty {
                let fault = c
                    .fault
                    .expect("a refused frame's completion without the fault flag");
                assert!((2..=3).contains(&fault.resp) && fault.count >= 1);
                assert_eq!(c.len, 0);
            } else {
                assert!(c.fault.is_none(), "ring {q} frame {fi}: fault flag");
                assert_eq!(c.len as usize, f.data.len());
            }
            r.done += 1;
            completed += 1;
        }
        u.tick();
    }
    for _ in 0..300 {
        u.set(ps.tready, 1);
        axi.drive(&mut u, &mut mem);
        u.eval();
        assert_eq!(u.get(ps.tvalid), 0, "a beat with no frame");
        assert_eq!(u.get(ps.req_valid), 0, "a completion with no frame");
        axi.edge(&u, &mut mem, &mut chk);
        u.tick();
    }
    u.eval();
    assert_eq!(u.get(ps.idle), 1, "idle at the end");
    assert_eq!(u.get(ps.ring_err), 0);
    assert_eq!(chk.outstanding(), (0, 0));
    for r in &rings {
        assert!(r.posted.is_empty() && r.gone.is_empty() && r.todo.is_empty());
    }
    (clock, half, (first_beat, last_beat))
}

#[test]
fn gathered_frames_leave_byte_exact_in_ring_order_with_completions() {
    let s = Setup {
        frames: 2000,
        minimum: false,
        ready: 0.7,
        tready: 0.7,
        seed: 0x7e1,
    };
    let (clocks, _, _) = run(&s);
    eprintln!("{} frames over 8 rings in {clocks} clocks", s.frames);
}

#[test]
fn backlogged_rings_share_the_link_at_10g_line_rate() {
    let s = Setup {
        frames: 4000,
        minimum: true,
        ready: 1.0,
        tready: 1.0,
        seed: 0x7e2,
    };
    let (_, sent, (first, last)) = run(&s);
    let per = (last - first) as f64 / s.frames as f64;
    eprintln!(
        "{} frames of 60 bytes in {} clocks: a frame every {per:.2} clocks, {:.2} Mpps at 156.25 MHz; per ring at half time {sent:?}",
        s.frames,
        last - first,
        156.25 / per
    );
    assert!(
        per <= 10.5,
        "a frame every {per:.2} clocks: short of 10G line rate"
    );
    let n: usize = sent.iter().sum();
    let mean = n as f64 / RINGS as f64;
    for (q, &k) in sent.iter().enumerate() {
        assert!(
            (k as f64 - mean).abs() < 0.25 * mean,
            "ring {q}: {k} frames of {n}"
        );
    }
}
