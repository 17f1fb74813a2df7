//! The driver's queue code against the software device (`dma::soft`):
//! frames through the rings byte-exact and in order, rings wrapping many
//! times, gathers over several buffers, counts exact; drops when no
//! buffer is posted; bad arguments refused with what to do.

use ferronic_host::dma::soft::{nic_map, Mode, SoftNic};
use ferronic_host::dma::{self, Arena, QueueConfig, QueueRegs, RxQueue, TxQueue};
use ferronic_host::{HostError, RegIo};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::{Duration, Instant};

const SMALL: QueueConfig = QueueConfig {
    ring_log: 8,
    cq_log: 8,
    buf_len: 2048,
};

fn frame(rng: &mut StdRng, len: usize, tag: u32) -> Vec<u8> {
    let mut f: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
    // a serial number in the first bytes, where the frame is long enough
    for (k, b) in tag.to_le_bytes().iter().enumerate().take(len) {
        f[k] = *b;
    }
    f
}

/// Opens `rx` receive and `tx` transmit queues on a fresh software device.
fn open(
    mode: Mode,
    cfg: &QueueConfig,
    n: usize,
) -> (SoftNic, impl RegIo, Vec<RxQueue>, Vec<TxQueue>) {
    let arena = Arena::anonymous(dma::arena_bytes(cfg, n, n), 0x7_0000_0000).unwrap();
    let nic = SoftNic::start(arena.clone(), mode);
    let mut io = nic.io();
    let regs = QueueRegs::of_map(&nic_map()).unwrap();
    let rx = (0..n)
        .map(|q| RxQueue::open(&mut io, &regs, q, &arena, cfg).unwrap())
        .collect();
    let tx = (0..n)
        .map(|q| TxQueue::open(&mut io, &regs, q, &arena, cfg).unwrap())
        .collect();
    dma::enable(&mut io, &regs).unwrap();
    (nic, io, rx, tx)
}

/// 6,000 frames of 1 to 9,600 bytes over 4 queues in random batches, looped
/// back: each queue receives its own frames byte-exact and in order; the
/// 256-entry rings wrap dozens of times; frames over 2,048 bytes are
/// gathered on transmit and spread over buffers on receive.
#[test]
fn looped_back_frames_arrive_byte_exact_in_order_per_queue() {
    let mut rng = StdRng::seed_from_u64(14);
    let (_nic, mut io, mut rx, mut tx) = open(Mode::Loopback, &SMALL, 4);
    let frames: Vec<(usize, Vec<u8>)> = (0..6000u32)
        .map(|i| {
            let len = if rng.gen_bool(0.1) {
                rng.gen_range(2049..=9600)
            } else {
                rng.gen_range(1..=1514)
            };
            (rng.gen_range(0..4), frame(&mut rng, len, i))
        })
        .collect();
    let mut want: Vec<Vec<&[u8]>> = vec![Vec::new(); 4];
    frames.iter().for_each(|(q, f)| want[*q].push(f));
    let mut got: Vec<Vec<Vec<u8>>> = vec![Vec::new(); 4];
    let mut next = [0usize; 4];
    let deadline = Instant::now() + Duration::from_secs(60);
    while got.iter().map(Vec::len).sum::<usize>() < frames.len() {
        assert!(
            Instant::now() < deadline,
            "stalled: {:?} received",
            got.iter().map(Vec::len).collect::<Vec<_>>()
        );
        for q in 0..4 {
            // at most a ring's worth of buffers in flight, so no looped
            // back frame finds the receive ring empty (the engine would
            // drop it, as `transmit_leaves_...` checks)
            let bufs = |f: &&[u8]| f.len().div_ceil(2048);
            let mut room = 256
                - want[q][got[q].len()..next[q]]
                    .iter()
                    .map(bufs)
                    .sum::<usize>();
            let batch: Vec<&[u8]> = want[q][next[q]..]
                .iter()
                .take(rng.gen_range(1..=40))
                .take_while(|f| {
                    let ok = bufs(f) <= room;
                    room = room.saturating_sub(bufs(f));
                    ok
                })
                .copied()
                .collect();
            next[q] += tx[q].send(&mut io, &batch).unwrap();
            rx[q]
                .recv(&mut io, rng.gen_range(1..=64), |p| {
                    assert_eq!(p.queue as usize, q);
                    got[q].push(p.data.to_vec());
                })
                .unwrap();
        }
    }
    for q in 0..4 {
        assert_eq!(got[q].len(), want[q].len(), "queue {q}");
        for (k, (g, w)) in got[q].iter().zip(&want[q]).enumerate() {
            assert!(
                g == w,
                "queue {q} frame {k}: {} bytes, want {}",
                g.len(),
                w.len()
            );
        }
        let bytes: u64 = want[q].iter().map(|f| f.len() as u64).sum();
        assert_eq!(rx[q].stats.frames, want[q].len() as u64);
        assert_eq!(rx[q].stats.bytes, bytes);
        assert_eq!(tx[q].stats.bytes, bytes);
        assert_eq!(rx[q].stats.faults, 0);
        // every buffer used was posted again: the 256 first postings and
        // one per buffer the frames filled (the ring wrapped many times)
        let used: usize = want[q].iter().map(|f| f.len().div_ceil(2048)).sum();
        assert!(used > 4 * 256, "queue {q}: {used} buffers");
        assert_eq!(rx[q].producer(), (256 + used) as u16, "queue {q}");
    }
    // transmit completions all read once the device is done
    let t0 = Instant::now();
    while tx.iter().any(|t| t.in_flight() > 0) && t0.elapsed() < Duration::from_secs(5) {
        tx.iter_mut().for_each(|t| {
            t.reap(&mut io).unwrap();
        });
    }
    for (q, t) in tx.iter().enumerate() {
        assert_eq!(t.stats.completed, want[q].len() as u64, "queue {q}");
        assert_eq!(t.in_flight(), 0);
    }
}

/// Capture mode: what the driver sends leaves byte-exact on its queue;
/// frames injected for a queue whose ring has no buffer left are dropped
/// whole and counted, and the next frame after a refill arrives intact.
#[test]
fn transmit_leaves_byte_exact_and_receive_drops_are_counted() {
    let mut rng = StdRng::seed_from_u64(15);
    let (nic, mut io, mut rx, mut tx) = open(Mode::Capture, &SMALL, 2);
    let out: Vec<Vec<u8>> = (0..300u32)
        .map(|i| {
            let len = rng.gen_range(60..=5000);
            frame(&mut rng, len, i)
        })
        .collect();
    let mut sent = 0;
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while seen.len() < out.len() {
        assert!(
            Instant::now() < deadline,
            "stalled at {} frames",
            seen.len()
        );
        let batch: Vec<&[u8]> = out[sent..].iter().take(32).map(Vec::as_slice).collect();
        sent += tx[1].send(&mut io, &batch).unwrap();
        seen.extend(nic.sent());
    }
    assert!(seen.iter().all(|(q, _)| *q == 1));
    assert!(seen.iter().map(|(_, f)| f).eq(out.iter()), "frames differ");
    // 256 buffers posted on ring 0: 300 frames injected with no receive
    // in between leave 44 dropped
    for i in 0..300u32 {
        nic.inject(0, frame(&mut rng, 100, i));
    }
    let drops = nic_map().reg("rxq.Q0_DROPS").unwrap().offset;
    let t0 = Instant::now();
    while io.read32(drops).unwrap() < 44 && t0.elapsed() < Duration::from_secs(10) {}
    assert_eq!(io.read32(drops).unwrap(), 44);
    let mut n = 0;
    let mut first = Vec::new();
    while n < 256 {
        n += rx[0]
            .recv(&mut io, 64, |p| {
                first.push(u32::from_le_bytes(p.data[..4].try_into().unwrap()))
            })
            .unwrap();
    }
    assert_eq!(
        first,
        (0..256).collect::<Vec<u32>>(),
        "the first 256 kept, in order"
    );
    let last = frame(&mut rng, 1514, 7777);
    nic.inject(0, last.clone());
    let mut got = None;
    let t0 = Instant::now();
    while got.is_none() && t0.elapsed() < Duration::from_secs(10) {
        rx[0]
            .recv(&mut io, 8, |p| got = Some(p.data.to_vec()))
            .unwrap();
    }
    assert_eq!(got.as_deref(), Some(&last[..]));
}

/// Zero-copy transmit: 600 frames written in place into the slots of a
/// 256-entry ring (wrapping it), in batches of up to 32, leave byte-exact
/// and in order; a length over the slot's buffer is refused with the
/// frames before it queued.
#[test]
fn frames_written_in_place_leave_byte_exact() {
    let mut rng = StdRng::seed_from_u64(17);
    let (nic, mut io, _rx, mut tx) = open(Mode::Capture, &SMALL, 1);
    let out: Vec<Vec<u8>> = (0..600u32)
        .map(|i| {
            let len = rng.gen_range(1..=2048);
            frame(&mut rng, len, i)
        })
        .collect();
    let (mut sent, mut seen) = (0, Vec::new());
    let deadline = Instant::now() + Duration::from_secs(30);
    while seen.len() < out.len() {
        assert!(Instant::now() < deadline, "stalled at {}", seen.len());
        let take = rng.gen_range(1..=32).min(out.len() - sent);
        sent += tx[0]
            .send_with(&mut io, take, |i, buf| {
                let f = &out[sent + i];
                buf[..f.len()].copy_from_slice(f);
                f.len()
            })
            .unwrap();
        seen.extend(nic.sent());
    }
    assert!(seen.iter().map(|(_, f)| f).eq(out.iter()), "frames differ");
    assert_eq!(tx[0].stats.frames, 600);
    // fill returning 0 stops the batch; a length over the buffer is refused
    assert_eq!(tx[0].send_with(&mut io, 32, |_, _| 0).unwrap(), 0);
    let e = tx[0]
        .send_with(&mut io, 32, |i, buf| if i < 2 { 60 } else { buf.len() + 1 })
        .unwrap_err();
    assert!(
        e.to_string().contains("2049 bytes in a buffer of 2048"),
        "{e}"
    );
    assert_eq!(tx[0].stats.frames, 602, "the two before it were queued");
}

#[test]
fn bad_sizes_and_frames_are_refused_with_the_limits() {
    let arena = Arena::anonymous(8 << 20, 0).unwrap();
    let nic = SoftNic::start(arena.clone(), Mode::Capture);
    let mut io = nic.io();
    let regs = QueueRegs::of_map(&nic_map()).unwrap();
    let e = RxQueue::open(
        &mut io,
        &regs,
        0,
        &arena,
        &QueueConfig {
            ring_log: 16,
            ..SMALL
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("2^8..=2^15"), "{e}");
    let e = RxQueue::open(&mut io, &regs, 8, &arena, &SMALL).unwrap_err();
    assert!(e.to_string().contains("has 8 receive queues"), "{e}");
    let e = TxQueue::open(
        &mut io,
        &regs,
        0,
        &arena,
        &QueueConfig {
            buf_len: 32,
            ..SMALL
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("64..=65535"), "{e}");
    let mut tx = TxQueue::open(&mut io, &regs, 0, &arena, &SMALL).unwrap();
    let ok = [0u8; 100];
    let big = vec![0u8; 16_384];
    let e = tx.send(&mut io, &[&ok, &ok, &big, &ok]).unwrap_err();
    assert!(matches!(e, HostError::Invalid { .. }), "{e}");
    assert!(
        e.to_string().contains("transmit frame 2 of the batch")
            && e.to_string().contains("16384 bytes"),
        "{e}"
    );
    // the two before it were queued
    assert_eq!(tx.stats.frames, 2);
    let e = tx.send(&mut io, &[&[][..]]).unwrap_err();
    assert!(e.to_string().contains("0 bytes"), "{e}");
    // an arena too small says how much was asked and what is left
    let tiny = Arena::anonymous(4096, 0).unwrap();
    let e = RxQueue::open(
        &mut io,
        &regs,
        1,
        &tiny,
        &QueueConfig {
            ring_log: 15,
            ..SMALL
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("left in the arena"), "{e}");
}
