//! The receive frame buffer (`ferronic_hdl::dma::rx_buffer`), Verilated
//! alone: frames arrive as a MAC sends them (no back-pressure, random
//! gaps), a reader plays the DMA engine (random `m_frame_ready` stalls,
//! reads each frame's words through the RAM port with random pauses,
//! releases frames after random delays, in order). Checks, whatever the
//! timing:
//! * every kept frame comes out once, in arrival order, byte-exact, with
//!   its queue, hash, `tuser` and tag, starting where the previous kept
//!   frame ended (no word lost), and reads the same again just before its
//!   release (the page-fault fallback writes a frame again from the
//!   buffer, so nothing may overwrite it until then);
//! * every other frame is dropped whole and reported once, in order, with
//!   its queue;
//! * a frame is dropped only when the buffer was full: its words did not
//!   fit beside the frames not yet released, or the frame queue was full.

use ferronic_hdl::dma::units::UNIT_RX_SMALL_BITS;
use ferronic_hdl::dma::RX_BUFFER_BITS;
use ferronic_sim::unit::{models, Port, Unit, UnitDesc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::VecDeque;

/// One frame as the datapath hands it over.
#[derive(Clone, Debug)]
struct Frame {
    data: Vec<u8>,
    queue: u64,
    hash: u64,
    tuser: u64,
    /// Unique per frame (the frame number in the low 32 bits): the test
    /// finds a delivered frame by it.
    tag: u64,
}

/// How the run is paced.
#[derive(Clone, Copy)]
struct Pace {
    /// Clocks between frames (at least this, plus 0..=`gap_extra`).
    gap: u64,
    gap_extra: u64,
    /// Probability of an idle clock inside a frame.
    bubble: f64,
    /// Probability that `m_frame_ready` is low in a clock.
    stall: f64,
    /// Probability that the reader skips a RAM read in a clock.
    pause: f64,
    /// Clocks a read frame waits before its release (uniform 0..=this),
    /// and the chance it waits `hold_long` instead.
    hold: u64,
    hold_long: (f64, u64),
    /// `m_frame_ready` held low for the first this many clocks.
    start_late: u64,
}

/// What happened to each frame, by frame number.
#[derive(Default)]
struct Log {
    /// Clock of each beat driven, per frame.
    beats: Vec<Vec<u64>>,
    /// Clock of the `m_frame` handshake, per delivered frame.
    delivered: Vec<Option<u64>>,
    /// Clock of the release, per delivered frame.
    released: Vec<Option<u64>>,
    /// Queues of the drop reports, in order.
    drops: Vec<u64>,
}

struct Ports {
    rst: Port,
    tdata: Port,
    tkeep: Port,
    tvalid: Port,
    tready: Port,
    tlast: Port,
    tuser: Port,
    tag: Port,
    tdest: Port,
    hash: Port,
    f_valid: Port,
    f_ready: Port,
    f: [Port; 7],
    rel_valid: Port,
    rel_end: Port,
    rd_en: Port,
    rd_addr: Port,
    rd_data: Port,
    drop_valid: Port,
    drop_queue: Port,
}

impl Ports {
    fn new(u: &Unit) -> Ports {
        let p = |n: &str| u.port(n);
        Ports {
            rst: p("rst"),
            tdata: p("s_axis_tdata"),
            tkeep: p("s_axis_tkeep"),
            tvalid: p("s_axis_tvalid"),
            tready: p("s_axis_tready"),
            tlast: p("s_axis_tlast"),
            tuser: p("s_axis_tuser"),
            tag: p("s_axis_tag"),
            tdest: p("s_axis_tdest"),
            hash: p("s_axis_hash"),
            f_valid: p("m_frame_valid"),
            f_ready: p("m_frame_ready"),
            f: ["addr", "len", "queue", "tuser", "tag", "hash", "end"]
                .map(|n| p(&format!("m_frame_{n}"))),
            rel_valid: p("rel_valid"),
            rel_end: p("rel_end"),
            rd_en: p("ram_rd_en"),
            rd_addr: p("ram_rd_addr"),
            rd_data: p("ram_rd_data"),
            drop_valid: p("drop_valid"),
            drop_queue: p("drop_queue"),
        }
    }
}

/// A delivered frame being read and released.
struct Reading {
    num: usize,
    addr: usize,
    len: usize,
    end: u64,
    got: Vec<u8>,
    /// Words requested so far.
    asked: usize,
    /// Clock from which it is read again, then released.
    release_at: Option<u64>,
    /// Passes finished (1: read once and holding; 2: read again).
    passes: u8,
}

/// The buffer under test: its model, RAM size and word size.
struct Dut {
    desc: &'static UnitDesc,
    ram: usize,
    word: usize,
}

const BIG: Dut = Dut {
    desc: &models::RX_BUFFER_16,
    ram: 1 << RX_BUFFER_BITS,
    word: 16,
};
const SMALL: Dut = Dut {
    desc: &models::RX_BUFFER_SMALL,
    ram: 1 << UNIT_RX_SMALL_BITS,
    word: 8,
};

fn frames(rng: &mut StdRng, n: usize, len: impl Fn(&mut StdRng) -> usize) -> Vec<Frame> {
    (0..n)
        .map(|k| {
            let l = len(rng);
            Frame {
                data: (0..l).map(|_| rng.gen()).collect(),
                queue: rng.gen_range(0..8),
                hash: rng.gen::<u32>().into(),
                tuser: rng.gen_range(0..64),
                tag: u64::from(rng.gen::<u32>()) << 32 | k as u64,
            }
        })
        .collect()
}

/// Runs `fr` through `dut`; checks order, contents and reports; returns
/// the log for the caller's own checks.
fn run(dut: &Dut, fr: &[Frame], pace: Pace, seed: u64) -> Log {
    let mut u = Unit::new(dut.desc);
    let p = Ports::new(&u);
    let mut rng = StdRng::seed_from_u64(seed);
    u.set(p.rst, 1);
    u.tick();
    u.tick();
    u.set(p.rst, 0);
    let mut log = Log {
        beats: vec![Vec::new(); fr.len()],
        delivered: vec![None; fr.len()],
        released: vec![None; fr.len()],
        ..Log::default()
    };
    let (mut k, mut beat, mut wait) = (0usize, 0usize, 0u64);
    let mut reading: VecDeque<Reading> = VecDeque::new();
    let mut pending_rd: Option<(usize, usize)> = None; // (reading index, word)
    let (mut next_num, mut expect_addr, mut clock) = (0usize, 0usize, 0u64);
    let mut expect_end = 0usize;
    let done = |log: &Log, k: usize, reading: &VecDeque<Reading>| {
        k == fr.len() && reading.is_empty() && {
            let out = log.delivered.iter().filter(|d| d.is_some()).count();
            out + log.drops.len() == fr.len()
        }
    };
    while !done(&log, k, &reading) {
        clock += 1;
        assert!(clock < 20_000_000, "hung at frame {k}");
        if clock == 3 {
            assert_eq!(u.get(p.tready), 1, "tready must be 1 out of reset");
        }
        // ---- the MAC side
        let send = k < fr.len() && wait == 0 && !(beat > 0 && rng.gen_bool(pace.bubble));
        u.set(p.tvalid, send.into());
        if send {
            let f = &fr[k];
            let chunk = &f.data[8 * beat..f.data.len().min(8 * beat + 8)];
            let last = 8 * beat + 8 >= f.data.len();
            u.set_bytes(p.tdata, chunk);
            u.set(p.tkeep, (1u64 << chunk.len()) - 1);
            u.set(p.tlast, last.into());
            // tdest and hash are constant over a frame, tuser and tag are
            // read on tlast: drive junk elsewhere
            u.set(p.tdest, f.queue);
            u.set(p.hash, f.hash);
            u.set(p.tuser, if last { f.tuser } else { rng.gen() });
            u.set(p.tag, if last { f.tag } else { rng.gen() });
            log.beats[k].push(clock);
            beat += 1;
            if last {
                (k, beat) = (k + 1, 0);
                wait = pace.gap + rng.gen_range(0..=pace.gap_extra);
            }
        } else {
            wait = wait.saturating_sub(1);
        }
        // ---- the engine side: take frames
        let ready = clock > pace.start_late && !rng.gen_bool(pace.stall);
        u.set(p.f_ready, ready.into());
        // a held frame whose hold is over is read a second time
        for r in reading.iter_mut() {
            if r.passes == 1 && r.release_at.is_some_and(|t| t <= clock) {
                (r.passes, r.asked) = (2, 0);
                r.got.clear();
            }
        }
        // read a word of the oldest frame not fully asked for
        let ask = reading
            .iter()
            .position(|r| r.passes != 3 && r.asked * dut.word < r.len)
            .filter(|_| !rng.gen_bool(pace.pause));
        u.set(p.rd_en, ask.is_some().into());
        if let Some(i) = ask {
            let r = &mut reading[i];
            let a = (r.addr + r.asked * dut.word) % dut.ram;
            u.set(p.rd_addr, a as u64);
            pending_rd = Some((i, r.asked));
            r.asked += 1;
        }
        // release the oldest frame once read twice
        let rel = reading.front().is_some_and(|r| r.passes == 3);
        u.set(p.rel_valid, rel.into());
        if rel {
            let r = reading.pop_front().unwrap();
            u.set(p.rel_end, r.end);
            log.released[r.num] = Some(clock);
            pending_rd = pending_rd.map(|(i, w)| (i - 1, w));
        }
        u.eval();
        if u.get(p.drop_valid) != 0 {
            log.drops.push(u.get(p.drop_queue));
        }
        if ready && u.get(p.f_valid) != 0 {
            let v: Vec<u64> = p.f.iter().map(|&q| u.get(q)).collect();
            let num = (v[4] & 0xffff_ffff) as usize;
            assert!(
                num >= next_num && num < fr.len(),
                "frame {num} delivered after {next_num}"
            );
            next_num = num + 1;
            let f = &fr[num];
            assert_eq!(
                (v[1] as usize, v[2], v[3], v[4], v[5]),
                (f.data.len(), f.queue, f.tuser, f.tag, f.hash),
                "metadata of frame {num}"
            );
            assert_eq!(v[0] as usize, expect_addr, "frame {num} start");
            let words = f.data.len().div_ceil(dut.word);
            expect_addr = (expect_addr + words * dut.word) % dut.ram;
            expect_end = (expect_end + words * dut.word) % (2 * dut.ram);
            assert_eq!(v[6] as usize, expect_end, "release token of frame {num}");
            log.delivered[num] = Some(clock);
            reading.push_back(Reading {
                num,
                addr: v[0] as usize,
                len: f.data.len(),
                end: v[6],
                got: Vec::new(),
                asked: 0,
                release_at: None,
                passes: 0,
            });
        }
        u.tick();
        if let Some((i, w)) = pending_rd.take() {
            let r = &mut reading[i];
            assert_eq!(r.got.len(), w * dut.word);
            r.got.extend(u.get_bytes(p.rd_data));
            if r.got.len() >= r.len {
                r.got.truncate(r.len);
                assert!(
                    r.got == fr[r.num].data,
                    "frame {} ({} bytes) read back wrong (pass {})",
                    r.num,
                    r.len,
                    if r.passes == 0 { 1 } else { 2 }
                );
                if r.passes == 0 {
                    let hold = if rng.gen_bool(pace.hold_long.0) {
                        pace.hold_long.1
                    } else {
                        rng.gen_range(0..=pace.hold)
                    };
                    (r.passes, r.release_at) = (1, Some(clock + 1 + hold));
                } else {
                    r.passes = 3;
                }
            }
        }
    }
    // the frames never delivered are exactly the dropped ones, in order
    let dropped: Vec<u64> = (0..fr.len())
        .filter(|&n| log.delivered[n].is_none())
        .map(|n| fr[n].queue)
        .collect();
    assert_eq!(log.drops, dropped, "drop reports (queues, in order)");
    eprintln!(
        "{} frames ({} bytes) in {clock} clocks",
        fr.len(),
        fr.iter().map(|f| f.data.len()).sum::<usize>()
    );
    for _ in 0..10 {
        u.eval();
        assert_eq!(u.get(p.drop_valid), 0, "a drop with no frame");
        assert_eq!(u.get(p.f_valid), 0, "a frame from nowhere");
        u.tick();
    }
    log
}

/// Every dropped frame met a full buffer: at one of its words, the kept
/// frames before it not yet released (3 clocks of slack for the
/// registered release) and its own words so far left no 2 free words, or
/// at its end the kept frames not yet handed over filled the queue.
fn assert_drops_justified(dut: &Dut, fr: &[Frame], log: &Log) {
    let words = |n: usize| fr[n].data.len().div_ceil(dut.word);
    let per = dut.word / 8;
    for d in (0..fr.len()).filter(|&n| log.delivered[n].is_none()) {
        let kept: Vec<usize> = (0..d).filter(|&n| log.delivered[n].is_some()).collect();
        let full = log.beats[d].iter().enumerate().any(|(b, &t)| {
            let used: usize = kept
                .iter()
                .filter(|&&n| log.released[n].is_none_or(|r| r + 3 > t))
                .map(|&n| words(n))
                .sum();
            b % per == 0 && used + b / per + 2 > dut.ram / dut.word
        });
        let t_last = *log.beats[d].last().unwrap();
        let queued = kept
            .iter()
            .filter(|&&n| log.delivered[n].is_none_or(|c| c + 3 > t_last))
            .count();
        assert!(
            full || queued >= 62,
            "frame {d} ({} bytes) dropped with room: queue held {queued}",
            fr[d].data.len()
        );
    }
}

fn kept(log: &Log) -> usize {
    log.delivered.iter().filter(|d| d.is_some()).count()
}

/// Random frames of 1..9,600 bytes, gaps and bubbles, a slow reader that
/// sometimes holds a frame for long: both kept and dropped frames, all
/// checks.
#[test]
fn frames_kept_whole_or_dropped_whole() {
    let mut rng = StdRng::seed_from_u64(13);
    let fr = frames(&mut rng, 2500, |r| match r.gen_range(0..10) {
        0..=4 => r.gen_range(1..=128),
        5..=7 => r.gen_range(1..=1600),
        _ => r.gen_range(1..=9600),
    });
    let pace = Pace {
        gap: 0,
        gap_extra: 4,
        bubble: 0.05,
        stall: 0.3,
        pause: 0.3,
        hold: 40,
        hold_long: (0.01, 6000),
        start_late: 0,
    };
    let log = run(&BIG, &fr, pace, 1);
    assert_drops_justified(&BIG, &fr, &log);
    let n = kept(&log);
    eprintln!("32 KiB buffer: {n} kept, {} dropped", fr.len() - n);
    assert!(n > fr.len() / 2 && n < fr.len(), "{n} kept: both paths run");
}

/// Line rate (one beat a clock, 20-byte gap and preamble between frames:
/// 3 clocks), a reader that keeps up and releases each frame 160 clocks
/// after reading it (the write response 1 us away): nothing is dropped,
/// jumbo frames included.
#[test]
fn line_rate_with_a_prompt_reader_drops_nothing() {
    let mut rng = StdRng::seed_from_u64(14);
    let fr = frames(&mut rng, 1500, |r| {
        if r.gen_bool(0.02) {
            9600
        } else {
            r.gen_range(60..=1514)
        }
    });
    let pace = Pace {
        gap: 3,
        gap_extra: 0,
        bubble: 0.0,
        stall: 0.0,
        pause: 0.0,
        hold: 160,
        hold_long: (0.0, 0),
        start_late: 0,
    };
    let log = run(&BIG, &fr, pace, 2);
    assert_eq!(kept(&log), fr.len(), "drops: {:?}", log.drops);
}

/// A 4 KiB buffer of 8-byte words under a slow reader: many drops, and
/// every frame too large for it (up to 6,000 bytes) is dropped without
/// harming its neighbours.
#[test]
fn small_buffer_overflows_cleanly() {
    let mut rng = StdRng::seed_from_u64(15);
    let fr = frames(&mut rng, 1500, |r| match r.gen_range(0..20) {
        0 => r.gen_range(4081..=6000),
        1..=9 => r.gen_range(1..=100),
        _ => r.gen_range(1..=2000),
    });
    let pace = Pace {
        gap: 0,
        gap_extra: 2,
        bubble: 0.02,
        stall: 0.5,
        pause: 0.5,
        hold: 100,
        hold_long: (0.02, 2000),
        start_late: 0,
    };
    let log = run(&SMALL, &fr, pace, 3);
    assert_drops_justified(&SMALL, &fr, &log);
    for (n, f) in fr.iter().enumerate() {
        if f.data.len() > SMALL.ram - 2 * SMALL.word {
            assert!(log.delivered[n].is_none(), "frame {n} larger than the RAM");
        }
    }
    let n = kept(&log);
    eprintln!("4 KiB buffer: {n} kept, {} dropped", fr.len() - n);
    assert!(n > fr.len() / 4 && n < fr.len());
}

/// Tiny frames while the engine takes none for 2,000 clocks: the frame
/// queue fills (64 entries), the rest are dropped whole, and once the
/// engine reads again every later frame arrives.
#[test]
fn frame_queue_full_drops_whole_frames() {
    let mut rng = StdRng::seed_from_u64(16);
    let fr = frames(&mut rng, 600, |r| r.gen_range(1..=40));
    let pace = Pace {
        gap: 1,
        gap_extra: 1,
        bubble: 0.0,
        stall: 0.0,
        pause: 0.0,
        hold: 0,
        hold_long: (0.0, 0),
        start_late: 2000,
    };
    let log = run(&BIG, &fr, pace, 4);
    assert_drops_justified(&BIG, &fr, &log);
    // kept while the engine slept: the queue's 64 entries (less the
    // registered room margin) and the fetch and output registers
    let early = kept(&log) - count_after(&log, 2000);
    assert!((62..=67).contains(&early), "{early} kept while asleep");
    assert!(log.drops.len() > 100, "{} drops", log.drops.len());
    // every frame that started after the engine woke up and drained the
    // queue was kept
    for (f, b) in log.beats.iter().enumerate() {
        if b[0] > 2300 {
            assert!(log.delivered[f].is_some(), "frame {f} dropped late");
        }
    }
}

/// Frames delivered among those whose first beat came after `clock`.
fn count_after(log: &Log, clock: u64) -> usize {
    log.beats
        .iter()
        .zip(&log.delivered)
        .filter(|(b, d)| b[0] > clock && d.is_some())
        .count()
}
