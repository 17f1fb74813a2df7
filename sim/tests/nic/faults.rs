//! Page faults, an empty ring and an armed completion queue on the `nic`
//! top (see the test binary's documentation).

use super::*;

/// 5 % of receive buffer pages refuse writes (an IOMMU without the
/// mapping), one ring has no buffers, frames arrive at half line rate
/// while transmit runs; one completion queue is armed.
#[test]
fn page_faults_recovered_empty_ring_counted_interrupt_once() {
    let mut rng = StdRng::seed_from_u64(29);
    let top = TopOpts {
        mem_stall: 0.1,
        rx_util: 0.5,
        seed: 29,
        ..TopOpts::default()
    };
    // ring 6 empty and completion queue 3 armed (in a build of fewer
    // rings, their numbers modulo the count: this test needs 2 or more)
    let (empty, armed) = (6 % RINGS, 3 % RINGS);
    let mut stocked = [true; RINGS];
    stocked[empty] = false;
    let drv = DriverOpts {
        ring_log: 8,
        cq_log: 8,
        rx_odd: true,
        rx_faults: 0.05,
        rx_stocked: stocked,
        seed: 29,
        ..DriverOpts::default()
    };
    let mut b = Bench::new(top, &drv);
    // completion queue 3 (receive ring 3) armed, no moderation: one
    // interrupt at its first completion, then none until armed again
    b.top.write_reg(&format!("cq.C{armed}_ARM"), 1);
    b.top.settle_regs();
    let (nrx, ntx) = (700, 300);
    for k in 0..nrx {
        let len = rx_len(&mut rng, WIDE);
        let f = rx_frame(&mut rng, len);
        b.receive(f, TagFormat::None, TagMode::Pass);
        if k < ntx {
            let (body, segs) = tx_body(&mut rng, WIDE);
            b.send(rng.gen_range(0..RINGS), &body, segs, false);
        }
    }
    b.drain(20_000_000);
    let faults = b.drv.faults.len();
    let dropped = b.unstocked_frames[empty];
    eprintln!(
        "{} frames delivered, {faults} page faults recovered, {dropped} dropped for ring {empty}, {} sent, {} clocks",
        b.rx_checked, b.tx_checked, b.top.stats.clocks
    );
    assert_eq!(
        b.rx_checked as u32 + dropped,
        nrx as u32,
        "every frame accounted for"
    );
    assert!(faults >= 10, "faults happened: {faults}");
    assert!(dropped > 0);
    assert_eq!(b.reg("dma.RX_FAULTS"), faults as u32, "dma.RX_FAULTS");
    let drops = format!("rxq.Q{empty}_DROPS");
    assert_eq!(b.reg(&drops), dropped, "{drops}");
    for q in (0..RINGS).filter(|&q| q != empty) {
        assert_eq!(b.reg(&format!("rxq.Q{q}_DROPS")), 0, "rxq.Q{q}_DROPS");
    }
    for q in 0..RINGS {
        assert_eq!(b.reg(&format!("rxq.Q{q}_FULL")), 0, "rxq.Q{q}_FULL");
    }
    assert_eq!(b.tx_checked, ntx);
    // the interrupt: vector 3 once, no other vector
    let irqs = b.top.irqs.clone();
    assert_eq!(
        irqs[armed], 1,
        "vector {armed} raised once per arm: {irqs:?}"
    );
    assert_eq!(
        irqs.iter().sum::<u64>(),
        1,
        "no vector but the armed one: {irqs:?}"
    );
    let status = format!("cq.C{armed}_STATUS");
    assert_eq!(b.reg(&status) & 1, 0, "disarmed after firing");
    // armed again with nothing unread (the driver has acknowledged what
    // it read): quiet until a frame for queue 3
    b.drv.flush(&mut b.top);
    b.top.write_reg(&format!("cq.C{armed}_ARM"), 1);
    b.top.settle_regs();
    for _ in 0..500 {
        b.clock();
    }
    assert_eq!(b.top.irqs[armed], 1, "no interrupt without a completion");
    let f = loop {
        let f = rx_frame(&mut rng, 200);
        if want(&f, TagFormat::None, TagMode::Pass, &b.rss).queue == armed {
            break f;
        }
    };
    b.receive(f, TagFormat::None, TagMode::Pass);
    b.drain(1_000_000);
    assert_eq!(b.top.irqs[armed], 2, "raised again for the new completion");
}
