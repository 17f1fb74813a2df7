//! The driver's own cost (issue 14): the ring code against the software
//! device (`dma::soft`, another thread, no NIC, no simulator), one queue
//! looped back, 60-byte frames (64 with the FCS the NIC appends), batches
//! of 32: transmit a batch, receive a batch, as ixy.rs's forwarder does.
//!
//! Prints packets per second through the loop, and the driver's CPU
//! cycles per packet: time-stamp counter cycles spent inside `send` and
//! `recv` calls that moved packets, over those packets (the device thread
//! runs on the other core; calls that found nothing to do are the wait
//! for it, not the driver's cost). ixy.rs, the anchor: over 26 Mpps per
//! core forwarding, about 100 cycles per packet.
//!
//! `cargo bench -p ferronic-host --bench driver [-- SECONDS]`

use ferronic_host::dma::soft::{nic_map, Mode, SoftNic};
use ferronic_host::dma::{self, Arena, QueueConfig, QueueRegs, RxQueue, TxQueue};
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

fn main() {
    let secs: f64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(3.0);
    let cfg = QueueConfig {
        ring_log: 9,
        cq_log: 9,
        buf_len: 2048,
    };
    let arena = Arena::anonymous(dma::arena_bytes(&cfg, 1, 1), 0x1_0000_0000).expect("DMA memory");
    let nic = SoftNic::start(arena.clone(), Mode::Loopback);
    let mut io = nic.io();
    let regs = QueueRegs::of_map(&nic_map()).expect("queue registers");
    let mut rx = RxQueue::open(&mut io, &regs, 0, &arena, &cfg).expect("receive queue");
    let mut tx = TxQueue::open(&mut io, &regs, 0, &arena, &cfg).expect("transmit queue");
    dma::enable(&mut io, &regs).expect("enable");
    let frame = [0x5au8; FRAME];
    let batch = [&frame[..]; BATCH];
    let (mut sent, mut got, mut busy, mut bytes) = (0usize, 0usize, 0u64, 0usize);
    let window = (1usize << cfg.ring_log) - BATCH;
    let t0 = Instant::now();
    let c0 = cycles();
    let end = t0 + Duration::from_secs_f64(secs);
    // one time stamp per pass (rdtsc costs about 20 ns in a VM): a pass
    // that moved packets adds its cycles to the driver's busy count
    let mut c = cycles();
    while Instant::now() < end {
        for _ in 0..1000 {
            let n = if sent - got <= window - BATCH {
                tx.send(&mut io, &batch).expect("send")
            } else {
                0
            };
            let m = rx
                .recv(&mut io, BATCH, |p| bytes += p.data.len())
                .expect("recv");
            let now = cycles();
            if n + m > 0 {
                busy += now - c;
            }
            c = now;
            sent += n;
            got += m;
        }
    }
    let dt = t0.elapsed().as_secs_f64();
    let total = cycles() - c0;
    assert_eq!(bytes, got * FRAME, "a frame of the wrong length");
    println!("driver benchmark: software device, 1 queue looped back, {FRAME}-byte frames, batch {BATCH}, {dt:.1} s");
    let drops = nic_map().reg("rxq.Q0_DROPS").expect("drop counter").offset;
    let drops = ferronic_host::RegIo::read32(&mut io, drops).expect("drops");
    println!("  packets           {got} received of {sent} sent, {drops} dropped");
    println!(
        "  throughput        {:.2} Mpps (each packet sent and received by this core)",
        got as f64 / dt / 1e6
    );
    if total > 0 {
        println!("  driver cost       {:.1} cycles per packet (TSC; send + recv calls that moved packets)", busy as f64 / got as f64);
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
