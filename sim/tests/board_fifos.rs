//! The board shell's frame FIFOs alone (`rtl/ferronic_glue.v`), in
//! Verilator against what a MAC and the core do to them:
//! * `ferronic_rx_fifo`: the MAC's receive stream never waits; the core
//!   stalls for long stretches. Every frame comes out whole, byte-exact and
//!   in order, or not at all; the ones that do not are exactly those the
//!   MAC flagged (counted in `errors`) and those that met a full FIFO
//!   (counted in `overflows`).
//! * `ferronic_tx_fifo`: the core offers frames with random gaps inside
//!   them; the MAC stalls at random. Once a frame starts on the MAC's side,
//!   `tvalid` stays high until its last beat (PG210: a gap is an
//!   underflow), every frame leaves whole and in order with its `tuser`,
//!   and the largest frame the core sends (16,383 bytes) passes.

use ferronic_sim::unit::{models, Unit};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::VecDeque;

/// Beats of `f`: (tdata, tkeep, tlast).
fn beats(f: &[u8]) -> Vec<(u64, u64, bool)> {
    let n = f.len().div_ceil(8);
    (0..n)
        .map(|i| {
            let c = &f[8 * i..f.len().min(8 * i + 8)];
            let mut d = [0u8; 8];
            d[..c.len()].copy_from_slice(c);
            (u64::from_le_bytes(d), (1u64 << c.len()) - 1, i + 1 == n)
        })
        .collect()
}

fn frame(rng: &mut StdRng, max: usize) -> Vec<u8> {
    let len = match rng.gen_range(0..10) {
        0..=5 => rng.gen_range(1..=128),
        6..=8 => rng.gen_range(129..=1518),
        _ => rng.gen_range(1519..=max),
    };
    (0..len).map(|_| rng.gen()).collect()
}

/// Collects frames from a stream's beats.
#[derive(Default)]
struct Sink {
    cur: Vec<u8>,
    frames: Vec<(Vec<u8>, bool)>,
}

impl Sink {
    fn beat(&mut self, data: u64, keep: u64, last: bool, user: bool) {
        let n = keep.count_ones() as usize;
        assert_eq!(keep, (1u64 << n) - 1, "tkeep not contiguous");
        self.cur.extend_from_slice(&data.to_le_bytes()[..n]);
        if last {
            self.frames.push((std::mem::take(&mut self.cur), user));
        }
    }
}

#[test]
fn rx_fifo_delivers_whole_frames_or_drops_and_counts_them() {
    let mut rng = StdRng::seed_from_u64(61);
    let mut u = Unit::new(&models::FERRONIC_RX_FIFO);
    let p = |u: &Unit, n: &str| u.port(n);
    let (rst, td, tk, tv, tl, tu) = (
        p(&u, "rst"),
        p(&u, "rx_tdata"),
        p(&u, "rx_tkeep"),
        p(&u, "rx_tvalid"),
        p(&u, "rx_tlast"),
        p(&u, "rx_tuser"),
    );
    let (md, mk, mv, mr, ml) = (
        p(&u, "m_tdata"),
        p(&u, "m_tkeep"),
        p(&u, "m_tvalid"),
        p(&u, "m_tready"),
        p(&u, "m_tlast"),
    );
    let (over, errs) = (p(&u, "overflows"), p(&u, "errors"));
    u.set(rst, 1);
    u.tick();
    u.tick();
    u.set(rst, 0);
    let n = 600;
    let mut sent: Vec<(Vec<u8>, bool)> = Vec::new();
    let mut queue: VecDeque<(u64, u64, bool, bool)> = VecDeque::new();
    let mut sink = Sink::default();
    let mut stall_until = 0u64;
    let mut clock = 0u64;
    while sent.len() < n || !queue.is_empty() || clock < stall_until + 5000 {
        clock += 1;
        if queue.is_empty() && sent.len() < n {
            let f = frame(&mut rng, 9600);
            let flagged = rng.gen_bool(0.05);
            // the interframe gap and preamble: 2 or 3 idle clocks
            for _ in 0..rng.gen_range(2..=3) {
                queue.push_back((0, 0, false, false));
            }
            for (d, k, l) in beats(&f) {
                queue.push_back((d, k, l, true));
            }
            // (the flag rides on the frame's last beat: below)
            sent.push((f, flagged));
        }
        // the core: long stalls now and then, short ones often
        if clock >= stall_until && rng.gen_bool(0.0005) {
            stall_until = clock + rng.gen_range(500..6000);
        }
        let ready = clock >= stall_until && !rng.gen_bool(0.2);
        u.set(mr, ready.into());
        // (the queue holds one frame, the last one sent)
        let (valid, last, user) = match queue.pop_front() {
            Some((d, k, l, true)) => {
                u.set(td, d);
                u.set(tk, k);
                (true, l, l && sent.last().is_some_and(|s| s.1))
            }
            _ => (false, false, false),
        };
        u.set(tv, valid.into());
        u.set(tl, last.into());
        u.set(tu, user.into());
        u.eval();
        if ready && u.get(mv) == 1 {
            sink.beat(u.get(md), u.get(mk), u.get(ml) == 1, false);
        }
        u.tick();
    }
    let (overflows, errors) = (u.get(over), u.get(errs));
    let flagged = sent.iter().filter(|s| s.1).count() as u64;
    eprintln!(
        "rx FIFO: {n} frames, {} delivered, {flagged} flagged, {overflows} overflowed, {clock} clocks",
        sink.frames.len()
    );
    // a flagged frame that met a full FIFO counts as an overflow (it was
    // dropped before its flag arrived); the others as errors
    assert!(
        errors > 0 && errors <= flagged,
        "{errors} of {flagged} flagged"
    );
    assert!(overflows > 0, "the stalls overflowed the FIFO");
    assert_eq!(sink.frames.len() as u64 + errors + overflows, n as u64);
    // what came out is the unflagged frames in order, some left out
    let mut it = sent.iter().filter(|s| !s.1);
    for (got, _) in &sink.frames {
        assert!(
            it.any(|(want, _)| want == got),
            "a delivered frame of {} bytes is not the next one sent (out of order or damaged)",
            got.len()
        );
    }
}

#[test]
fn tx_fifo_never_runs_dry_inside_a_frame() {
    let mut rng = StdRng::seed_from_u64(67);
    let mut u = Unit::new(&models::FERRONIC_TX_FIFO);
    let p = |u: &Unit, n: &str| u.port(n);
    let (rst, sd, sk, sv, sr, sl, su) = (
        p(&u, "rst"),
        p(&u, "s_tdata"),
        p(&u, "s_tkeep"),
        p(&u, "s_tvalid"),
        p(&u, "s_tready"),
        p(&u, "s_tlast"),
        p(&u, "s_tuser"),
    );
    let (td, tk, tv, tr, tl, tu) = (
        p(&u, "tx_tdata"),
        p(&u, "tx_tkeep"),
        p(&u, "tx_tvalid"),
        p(&u, "tx_tready"),
        p(&u, "tx_tlast"),
        p(&u, "tx_tuser"),
    );
    u.set(rst, 1);
    u.tick();
    u.tick();
    u.set(rst, 0);
    let n = 400;
    let mut sent: Vec<(Vec<u8>, bool)> = Vec::new();
    for k in 0..n {
        // the largest frame the core sends, first and now and then
        let f = if k == 0 || rng.gen_bool(0.01) {
            (0..16383).map(|_| rng.gen()).collect()
        } else {
            frame(&mut rng, 9600)
        };
        sent.push((f, rng.gen_bool(0.1)));
    }
    let mut src: VecDeque<(u64, u64, bool, bool)> = sent
        .iter()
        .flat_map(|(f, bad)| {
            let b = beats(f);
            b.into_iter().map(move |(d, k, l)| (d, k, l, l && *bad))
        })
        .collect();
    let mut sink = Sink::default();
    let mut in_frame = false;
    let mut clock = 0u64;
    while sink.frames.len() < n {
        clock += 1;
        assert!(
            clock < 2_000_000,
            "hung with {} frames out",
            sink.frames.len()
        );
        // the core pauses inside frames (valid gaps); the MAC stalls
        let offer = !src.is_empty() && !rng.gen_bool(0.3);
        if let Some(&(d, k, l, bad)) = src.front() {
            u.set(sd, d);
            u.set(sk, k);
            u.set(sl, l.into());
            u.set(su, bad.into());
        }
        u.set(sv, offer.into());
        let ready = !rng.gen_bool(0.15);
        u.set(tr, ready.into());
        u.eval();
        let valid = u.get(tv) == 1;
        assert!(
            valid || !in_frame,
            "tx_tvalid fell inside frame {} (clock {clock}): an underflow at the MAC",
            sink.frames.len()
        );
        if offer && u.get(sr) == 1 {
            src.pop_front();
        }
        if valid && ready {
            let last = u.get(tl) == 1;
            sink.beat(u.get(td), u.get(tk), last, u.get(tu) == 1);
            in_frame = !last;
        }
        u.tick();
    }
    assert_eq!(sink.frames.len(), n);
    for (i, ((got, gbad), (want, wbad))) in sink.frames.iter().zip(&sent).enumerate() {
        assert!(
            got == want,
            "frame {i}: {} bytes out, {} in",
            got.len(),
            want.len()
        );
        assert_eq!(gbad, wbad, "frame {i}: tuser");
    }
    eprintln!("tx FIFO: {n} frames whole, {clock} clocks");
}
