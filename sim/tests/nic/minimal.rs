//! The `nic` top of the minimal generation parameters (issue 15): the
//! conversion datapath and the DMA engine, no RSS, no handshake engine
//! (`nicgen --set rss=false --set handshake=false`), Verilated as the
//! `nic_min` model. The captures and random frames in both directions
//! under backpressure, against the golden model with every frame on
//! `datapath.DEFAULT_QUEUE` and hash 0; the identity block says what the
//! bitstream has; the absent blocks' addresses answer SLVERR.

use super::traffic::{rx_frame, rx_len, tx_body, WIDE};
use super::Bench;
use ferronic_hdl::dma::desc_fetch::RINGS;
use ferronic_hdl::rx::tag::{TagFormat, TagMode};
use ferronic_sim::bus::axil::{Op, Resp};
use ferronic_sim::dma::NicTop;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[test]
fn minimal_build_converts_both_ways_without_rss_or_handshake() {
    let mut rng = StdRng::seed_from_u64(41);
    // the board shell's test options: stalls on host memory, the MAC and
    // the register bus
    let (top, drv) = super::board::opts(41);
    let mut b = Bench::with_top(NicTop::minimal(&top), &drv);
    // what the bitstream says it has: tag, FCS, counters, DMA (bits 0-2,
    // 5), no RSS (3), no handshake engine (4); 8 + 8 queues; no listen
    // table, a 128-bit DMA bus (0x0007_0727 for 8 + 8 queues)
    let queues =
        (ferronic_hdl::RX_QUEUES as u32 - 1) << 8 | (ferronic_hdl::TX_QUEUES as u32 - 1) << 16;
    assert_eq!(b.reg("identity.CAPABILITIES"), 0x0000_0027 | queues);
    assert_eq!(b.reg("identity.SIZES"), 0x0080_0000);
    // where the default build has its handshake block, nothing answers
    let default = ferronic_hdl::verilog::nic_regmap(0, 0);
    let hs = default.reg("handshake.CTRL").expect("default map").offset;
    assert!(b.top.map.reg("handshake.CTRL").is_none());
    b.top.axil.push(Op::Read { addr: hs as u16 });
    let done = b.top.settle_regs();
    assert_eq!(done.last().expect("the read").resp, Resp::SlvErr);
    // every frame goes to the default queue, so make it one that is not
    // 0; a build of fewer than 6 queues takes the number's low bits (a
    // one-queue build: queue 0 whatever the register holds)
    let dq = 5 % ferronic_hdl::RX_QUEUES;
    b.rss.default_queue = dq as u8;
    b.top.write_reg("datapath.DEFAULT_QUEUE", 5);
    b.top.settle_regs();
    let captured = b.captures();
    let (nrx, ntx) = (1_500, 600);
    for k in 0..nrx {
        let len = rx_len(&mut rng, WIDE);
        let f = rx_frame(&mut rng, len);
        b.receive(f, TagFormat::None, TagMode::Pass);
        if k < ntx {
            let (body, segs) = tx_body(&mut rng, WIDE);
            b.send(rng.gen_range(0..RINGS), &body, segs, rng.gen_bool(0.05));
        }
    }
    b.drain(20_000_000);
    eprintln!(
        "minimal nic: {captured} capture frames, {} random, {} sent, {} clocks",
        b.rx_checked - captured,
        b.tx_checked,
        b.top.stats.clocks
    );
    assert_eq!(b.rx_checked, captured + nrx);
    assert_eq!(b.tx_checked, ntx);
    assert!(b.drv.received.iter().all(|d| d.queue == dq));
    assert!(b.drv.received.iter().all(|d| d.cpl.hash == 0));
    let frames = u64::from(b.reg(&format!("counters.RXQ{dq}_FRAMES_LO")));
    assert_eq!(frames, (captured + nrx) as u64, "counters.RXQ{dq}_FRAMES");
    assert!(b
        .top
        .map
        .counters
        .iter()
        .all(|c| !c.name.starts_with("HS_")));
}
