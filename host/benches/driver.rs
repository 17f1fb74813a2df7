//! The driver's own cost (issue 14): the ring code against the software
//! device (`dma::soft`, no NIC, no simulator), one queue looped back,
//! 60-byte frames (64 with the FCS the NIC appends), batches of 32:
//! transmit a batch (written in place, as a packet generator does), then
//! receive a batch, as ixy.rs's forwarder moves packets.
//!
//! Two runs:
//! * **device thread**: the device runs in its own thread, on the other
//!   core, as a NIC runs beside the CPU. Every completion, descriptor and
//!   buffer line the device writes crosses between the cores' caches; the
//!   run first measures what one crossing costs here (a ping-pong).
//! * **same core**: the device is stepped between the driver's calls
//!   (its time not counted): the driver's instructions and cache hits
//!   alone.
//!
//! Each prints packets per second through the loop, and the driver's CPU
//! cycles per packet: time-stamp counter cycles spent inside `send_with`
//! and `recv` calls that moved packets, over those packets (calls that
//! found nothing to do are the wait for the device, not the driver's
//! cost). ixy.rs, the anchor: over 26 Mpps per core forwarding, about 100
//! cycles per packet (on bare metal, the NIC writing into the CPU's
//! last-level cache).
//!
//! `cargo bench -p ferronic-host --bench driver [-- SECONDS] [thread|core]`
//! (both runs unless one is named)

use ferronic_host::dma::soft::{nic_map, Mode, SoftNic};
use ferronic_host::dma::{self, Arena, QueueConfig, QueueRegs, RxQueue, TxQueue};
use ferronic_host::RegIo;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const BATCH: usize = 32;
const FRAME: usize = 60;

fn cycles() -> u64 {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: rdtsc has no preconditions on x86-64.
    unsafe {
        core::arch::x86_64::_rdtsc()
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        0
    }
}

/// One cache line's crossing between two cores, in TSC cycles: two
/// threads bounce a counter in one line and a reply in another; a round
/// trip moves each line twice (a store takes it, the other's load fetches
/// it), so a crossing is a quarter of it.
fn line_crossing() -> f64 {
    #[repr(align(64))]
    struct Line(AtomicU64);
    const N: u64 = 200_000;
    let (ping, pong) = (
        Arc::new(Line(AtomicU64::new(0))),
        Arc::new(Line(AtomicU64::new(0))),
    );
    let (p, q) = (Arc::clone(&ping), Arc::clone(&pong));
    let peer = std::thread::spawn(move || {
        for i in 1..=N {
            while p.0.load(Ordering::Acquire) != i {
                std::hint::spin_loop();
            }
            q.0.store(i, Ordering::Release);
        }
    });
    let c0 = cycles();
    for i in 1..=N {
        ping.0.store(i, Ordering::Release);
        while pong.0.load(Ordering::Acquire) != i {
            std::hint::spin_loop();
        }
    }
    let c = cycles() - c0;
    peer.join().expect("ping-pong peer");
    c as f64 / N as f64 / 4.0
}

/// Runs the loop for `secs` with the device in a thread of its own
/// (`threaded`) or stepped between the driver's calls.
fn run(secs: f64, threaded: bool) {
    let cfg = QueueConfig {
        ring_log: 9,
        cq_log: 9,
        buf_len: 2048,
    };
    let arena = Arena::anonymous(dma::arena_bytes(&cfg, 1, 1), 0x1_0000_0000).expect("DMA memory");
    let mut nic = if threaded {
        SoftNic::start(arena.clone(), Mode::Loopback)
    } else {
        SoftNic::stepped(arena.clone(), Mode::Loopback)
    };
    let mut io = nic.io();
    let regs = QueueRegs::of_map(&nic_map()).expect("queue registers");
    let mut rx = RxQueue::open(&mut io, &regs, 0, &arena, &cfg).expect("receive queue");
    let mut tx = TxQueue::open(&mut io, &regs, 0, &arena, &cfg).expect("transmit queue");
    dma::enable(&mut io, &regs).expect("enable");
    let frame = [0x5au8; FRAME];
    let (mut sent, mut got, mut busy, mut bytes) = (0usize, 0usize, 0u64, 0usize);
    let window = (1usize << cfg.ring_log) - BATCH;
    let t0 = Instant::now();
    let c0 = cycles();
    let end = t0 + Duration::from_secs_f64(secs);
    while Instant::now() < end {
        for _ in 0..1000 {
            let c = cycles();
            let n = if sent - got <= window - BATCH {
                tx.send_with(&mut io, BATCH, |_, buf| {
                    buf[..FRAME].copy_from_slice(&frame);
                    FRAME
                })
                .expect("send")
            } else {
                0
            };
            let mid = cycles();
            if n > 0 {
                busy += mid - c;
            }
            nic.step();
            let c = cycles();
            let m = rx
                .recv(&mut io, BATCH, |p| bytes += p.data.len())
                .expect("recv");
            if m > 0 {
                busy += cycles() - c;
            }
            sent += n;
            got += m;
        }
    }
    let dt = t0.elapsed().as_secs_f64();
    let total = cycles() - c0;
    assert_eq!(bytes, got * FRAME, "a frame of the wrong length");
    let drops = nic_map().reg("rxq.Q0_DROPS").expect("drop counter").offset;
    let drops = io.read32(drops).expect("drops");
    let how = if threaded {
        "device thread (other core)"
    } else {
        "same core (device stepped, not counted)"
    };
    println!("{how}: {dt:.1} s");
    println!("  packets           {got} received of {sent} sent, {drops} dropped");
    println!(
        "  throughput        {:.2} Mpps (each packet sent and received by this core)",
        got as f64 / dt / 1e6
    );
    if total > 0 {
        println!(
            "  driver cost       {:.1} cycles per packet (TSC; send_with + recv calls that moved packets)",
            busy as f64 / got as f64
        );
        println!(
            "  wall              {:.1} cycles per packet (TSC; all of the loop, waiting included)",
            total as f64 / got as f64
        );
        println!("  TSC               {:.2} GHz", total as f64 / dt / 1e9);
    }
    println!(
        "  doorbells         {} transmit, {} receive",
        tx.stats.doorbells, rx.stats.doorbells
    );
}

fn main() {
    let secs: f64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(3.0);
    println!("driver benchmark: software device, 1 queue looped back, {FRAME}-byte frames, batch {BATCH}");
    println!(
        "  a cache line crossing between two cores: {:.0} TSC cycles (ping-pong)",
        line_crossing()
    );
    let only: Option<String> = std::env::args()
        .skip(1)
        .find(|a| a == "thread" || a == "core");
    if only.as_deref() != Some("core") {
        run(secs, true);
    }
    if only.as_deref() != Some("thread") {
        run(secs, false);
    }
}
