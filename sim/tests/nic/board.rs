//! The board top's shell (`ferronic_shell` in `rtl/ferronic_glue.v`, the
//! `nic` inside it) in Verilator with its two clocks, 156.25 MHz for the
//! core and 250 MHz for XDMA's `axi_aclk`, and the vendor IPs stood in for
//! at their ports by the harness (`NicTop::board`): BAR0 accesses as
//! XDMA's bridge master sends them, host memory on the 512-bit DMA port
//! (1 us, random READY stalls, the AXI4 checker every clock), a MAC whose
//! receive stream never waits.

use super::Bench;
use ferronic_hdl::dma::desc_fetch::RINGS;
use ferronic_hdl::rx::tag::{TagFormat, TagMode};
use ferronic_regmap::MAGIC;
use ferronic_sim::bus::axil::{Op, Resp};
use ferronic_sim::dma::{DriverOpts, NicTop, TopOpts};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::traffic::{rx_frame, rx_len, tx_body, MANY};

pub(super) fn opts(seed: u64) -> (TopOpts, DriverOpts) {
    let top = TopOpts {
        mem_stall: 0.2,
        tx_stall: 0.1,
        axil_delay: 0.3,
        seed,
        ..TopOpts::default()
    };
    let drv = DriverOpts {
        ring_log: 8,
        cq_log: 8,
        rx_odd: true,
        // (each ring's buffer size, the pattern repeating past ring 7)
        rx_buf: std::array::from_fn(|q| [2048, 1024, 2048, 4096, 2048, 9600, 512, 2048][q % 8]),
        seed,
        ..DriverOpts::default()
    };
    (top, drv)
}

/// Frames both ways through the crossings: the captures (tags stripped)
/// and random frames of 1 to 9,600 bytes over all 8 queues land
/// byte-exact and in order per queue; random transmit frames leave
/// byte-exact with their FCS; frames the MAC flags are dropped whole and
/// counted (and read back through the `board` block); nothing overflows
/// and no BAR access times out; an armed
/// completion queue's interrupt crosses once and is acknowledged.
#[test]
fn board_shell_moves_frames_both_ways_across_its_clocks() {
    let mut rng = StdRng::seed_from_u64(41);
    let (top, drv) = opts(41);
    let mut b = Bench::with_top(NicTop::board(&top), &drv);
    // completion queue 3 armed (of fewer, 3 modulo their count): its one
    // interrupt crosses to usr_irq_req and its acknowledgement back
    let armed = 3 % (2 * RINGS);
    b.top.write_reg(&format!("cq.C{armed}_ARM"), 1);
    b.top.settle_regs();
    let captured = b.captures();
    let (n, mut flagged) = (1500, 0u64);
    for _ in 0..n {
        let len = rx_len(&mut rng, MANY);
        let f = rx_frame(&mut rng, len);
        if rng.gen_bool(0.02) {
            // the MAC's error flag: dropped by the shell, never delivered
            b.top.receive_mac_error(f);
            flagged += 1;
        } else {
            b.receive(f, TagFormat::None, TagMode::Pass);
        }
        let (body, segs) = tx_body(&mut rng, MANY);
        b.send(rng.gen_range(0..RINGS), &body, segs, rng.gen_bool(0.05));
    }
    b.drain(20_000_000);
    let (overflows, errors, timeouts) = b.top.shell_counts();
    eprintln!(
        "board shell: {captured} capture frames, {} random received, {flagged} flagged, {} sent; \
         {} core clocks, {} axi_aclk clocks",
        b.rx_checked - captured,
        b.tx_checked,
        b.top.stats.clocks,
        b.top.axi_clocks()
    );
    assert_eq!(b.rx_checked as u64 + flagged, (captured + n) as u64);
    assert_eq!(b.tx_checked, n);
    assert!(flagged > 0);
    assert_eq!((overflows, errors, timeouts), (0, flagged, 0));
    // the host reads the same counts in the map's `board` block, which
    // the BAR bridge answers (the receive ones copied across the clocks);
    // CORE_STATUS: clock running, not in reset
    let board: Vec<u32> = ["RX_OVERFLOWS", "RX_ERRORS", "BAR_TIMEOUTS", "CORE_STATUS"]
        .iter()
        .map(|r| b.reg(&format!("board.{r}")))
        .collect();
    assert_eq!(board, [0, flagged as u32, 0, 0b01], "board block");
    // the clocks' ratio is the two frequencies'
    let ratio = b.top.axi_clocks() as f64 / b.top.stats.clocks as f64;
    assert!((ratio - 1.6).abs() < 0.01, "axi_aclk / core clocks {ratio}");
    let frames_in = u64::from(b.reg("counters.FRAMES_IN_LO"));
    assert_eq!(
        frames_in,
        (captured + n) as u64 - flagged,
        "counters.FRAMES_IN"
    );
    assert_eq!(b.drv.tx_done.len(), n);
    let irqs = b.top.irqs.clone();
    assert_eq!(
        irqs[armed], 1,
        "vector {armed} raised once per arm: {irqs:?}"
    );
    assert_eq!(irqs.iter().sum::<u64>(), 1, "no other vector: {irqs:?}");
    assert_eq!(
        b.reg(&format!("cq.C{armed}_STATUS")) & 1,
        0,
        "disarmed: the acknowledgement crossed back"
    );
}

/// BAR0 reads while the core cannot answer: held in reset, each read is
/// answered at once with SLVERR and all ones; with its clock stopped (no
/// Ethernet reference clock), after the bridge's 4,096 `axi_aclk` clocks,
/// counted; the shell's `board` block answers throughout and says which;
/// once the clock runs again, reads answer as before.
#[test]
fn board_shell_answers_bar_reads_without_a_running_core() {
    let (top, _) = opts(43);
    let mut top = NicTop::board(&top);
    let id = top.addr("identity.MAGIC");
    let read = |top: &mut NicTop| {
        let t0 = top.axi_clocks();
        let d = top.access(Op::Read { addr: id }).expect("answered");
        (d, top.axi_clocks() - t0)
    };
    let (d, t) = read(&mut top);
    assert_eq!((d.data, d.resp), (MAGIC, Resp::Okay));
    eprintln!("BAR read through the bridge: {t} axi_aclk clocks");
    assert!(t < 60, "{t} clocks");

    top.hold_core_reset(true);
    for _ in 0..10 {
        top.clock();
    }
    let (d, t) = read(&mut top);
    assert_eq!(
        (d.data, d.resp),
        (0xffff_ffff, Resp::SlvErr),
        "core in reset"
    );
    assert!(t < 60, "answered at once: {t} clocks");
    // the board block still answers, and says why
    let status = top.addr("board.CORE_STATUS");
    let d = top.access(Op::Read { addr: status }).expect("answered");
    assert_eq!(
        (d.data, d.resp),
        (0b11, Resp::Okay),
        "running, held in reset"
    );
    top.hold_core_reset(false);
    for _ in 0..10 {
        top.clock();
    }
    let (d, _) = read(&mut top);
    assert_eq!((d.data, d.resp), (MAGIC, Resp::Okay), "out of reset");

    top.stop_core_clock(true);
    let (d, t) = read(&mut top);
    assert_eq!(
        (d.data, d.resp),
        (0xffff_ffff, Resp::SlvErr),
        "no core clock"
    );
    assert!((4096..4200).contains(&t), "timed out after {t} clocks");
    let (d, t2) = read(&mut top);
    assert_eq!(d.resp, Resp::SlvErr, "still no clock");
    assert!(t2 >= 4096);
    assert_eq!(top.shell_counts().2, 2, "both timeouts counted");
    // with the core's clock stopped the board block answers at once: the
    // two timeouts, and no core clock (its last copies are over 4,096
    // axi_aclk clocks old); an address past its registers is SLVERR
    let t0 = top.axi_clocks();
    for (reg, want) in [("board.BAR_TIMEOUTS", 2), ("board.CORE_STATUS", 0)] {
        let a = top.addr(reg);
        let d = top.access(Op::Read { addr: a }).expect("answered");
        assert_eq!((d.data, d.resp), (want, Resp::Okay), "{reg}");
    }
    assert!(top.axi_clocks() - t0 < 120, "answered without the core");
    let past = top.addr("board.CORE_STATUS") + 4;
    let d = top.access(Op::Read { addr: past }).expect("answered");
    assert_eq!(d.resp, Resp::SlvErr, "past the board block's registers");
    top.stop_core_clock(false);
    for _ in 0..20 {
        top.clock();
    }
    let (d, _) = read(&mut top);
    assert_eq!((d.data, d.resp), (MAGIC, Resp::Okay), "clock back");
}
