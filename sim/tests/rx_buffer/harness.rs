//! The frame buffer's test harness: frames, pacing, the unit's ports,
//! one run of the MAC side and the reader, and the drop checks.

use ferronic_hdl::dma::bank_ram::READ_LATENCY;
use ferronic_hdl::dma::units::UNIT_RX_SMALL_BITS;
use ferronic_hdl::dma::RX_BUFFER_BITS;
use ferronic_sim::unit::{models, Port, Unit, UnitDesc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::VecDeque;

/// One frame as the datapath hands it over.
#[derive(Clone, Debug)]
pub struct Frame {
    pub data: Vec<u8>,
    pub queue: u64,
    pub hash: u64,
    pub tuser: u64,
    /// Unique per frame (the frame number in the low 32 bits): the test
    /// finds a delivered frame by it.
    pub tag: u64,
}

/// How the run is paced.
#[derive(Clone, Copy)]
pub struct Pace {
    /// Clocks between frames (at least this, plus 0..=`gap_extra`).
    pub gap: u64,
    pub gap_extra: u64,
    /// Probability of an idle clock inside a frame.
    pub bubble: f64,
    /// Probability that `m_frame_ready` is low in a clock.
    pub stall: f64,
    /// Probability that the reader skips a RAM read in a clock.
    pub pause: f64,
    /// Clocks a read frame waits before its release (uniform 0..=this),
    /// and the chance it waits `hold_long` instead.
    pub hold: u64,
    pub hold_long: (f64, u64),
    /// `m_frame_ready` held low for the first this many clocks.
    pub start_late: u64,
}

/// What happened to each frame, by frame number.
#[derive(Default)]
pub struct Log {
    /// Clock of each beat driven, per frame.
    pub beats: Vec<Vec<u64>>,
    /// Clock of the `m_frame` handshake, per delivered frame.
    pub delivered: Vec<Option<u64>>,
    /// Clock of the release, per delivered frame.
    pub released: Vec<Option<u64>>,
    /// Queues of the drop reports, in order.
    pub drops: Vec<u64>,
}

pub struct Ports {
    pub rst: Port,
    pub tdata: Port,
    pub tkeep: Port,
    pub tvalid: Port,
    pub tready: Port,
    pub tlast: Port,
    pub tuser: Port,
    pub tag: Port,
    pub tdest: Port,
    pub hash: Port,
    pub f_valid: Port,
    pub f_ready: Port,
    pub f: [Port; 7],
    pub rel_valid: Port,
    pub rel_end: Port,
    pub rd_en: Port,
    pub rd_addr: Port,
    pub rd_data: Port,
    pub drop_valid: Port,
    pub drop_queue: Port,
}

impl Ports {
    pub fn new(u: &Unit) -> Ports {
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
pub struct Reading {
    pub num: usize,
    pub addr: usize,
    pub len: usize,
    pub end: u64,
    pub got: Vec<u8>,
    /// Words requested so far.
    pub asked: usize,
    /// Clock from which it is read again, then released.
    pub release_at: Option<u64>,
    /// Passes finished (1: read once and holding; 2: read again).
    pub passes: u8,
}

/// The buffer under test: its model, RAM size and word size.
pub struct Dut {
    pub desc: &'static UnitDesc,
    pub ram: usize,
    pub word: usize,
}

pub const BIG: Dut = Dut {
    desc: &models::RX_BUFFER_16,
    ram: 1 << RX_BUFFER_BITS,
    word: 16,
};
pub const SMALL: Dut = Dut {
    desc: &models::RX_BUFFER_SMALL,
    ram: 1 << UNIT_RX_SMALL_BITS,
    word: 8,
};

pub fn frames(rng: &mut StdRng, n: usize, len: impl Fn(&mut StdRng) -> usize) -> Vec<Frame> {
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
pub fn run(dut: &Dut, fr: &[Frame], pace: Pace, seed: u64) -> Log {
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
    // reads in flight: (reading index, word, the clock after whose tick
    // the word is on ram_rd_data)
    let mut pending_rd: VecDeque<(usize, usize, u64)> = VecDeque::new();
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
            pending_rd.push_back((i, r.asked, clock + READ_LATENCY - 1));
            r.asked += 1;
        }
        // release the oldest frame once read twice
        let rel = reading.front().is_some_and(|r| r.passes == 3);
        u.set(p.rel_valid, rel.into());
        if rel {
            let r = reading.pop_front().unwrap();
            u.set(p.rel_end, r.end);
            log.released[r.num] = Some(clock);
            for p in pending_rd.iter_mut() {
                p.0 -= 1;
            }
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
        while let Some(&(i, w, due)) = pending_rd.front() {
            if due != clock {
                break;
            }
            pending_rd.pop_front();
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
pub fn assert_drops_justified(dut: &Dut, fr: &[Frame], log: &Log) {
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

pub fn kept(log: &Log) -> usize {
    log.delivered.iter().filter(|d| d.is_some()).count()
}
