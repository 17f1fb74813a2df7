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

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

mod harness;
use harness::*;

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
