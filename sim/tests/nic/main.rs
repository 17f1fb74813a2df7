//! The `nic` top (the core with its DMA engine, the `nic.v` nicgen writes),
//! Verilated whole, with host memory on `m_axi` (1 us latency, random
//! READY stalls, the AXI4 checker every clock), the MAC's streams and a
//! driver model that works only through the registers and host memory
//! (`ferronic_sim::dma`). Receive and transmit run at the same time.
//! Checks:
//! * every received frame (the captures with their tag formats, random
//!   frames of 1 to 9,600 bytes that RSS spreads over all 8 queues) lands
//!   byte-exact in host memory, in order per queue, with the golden
//!   model's queue, `tuser`, hash and tag in its completion; ring indices
//!   and completion-queue phases wrap many times;
//! * every transmitted frame (gathers of up to 12 buffers at odd
//!   addresses, across 4 KiB boundaries, some marked bad) leaves on
//!   `m_axis_tx` byte-exact with its FCS, a wrong one when marked bad, and
//!   completes with its ring index, descriptor count and length;
//! * page faults on 5 % of receive pages lose no frame: each is reported
//!   with its buffers and counted (`dma.RX_FAULTS`); a ring with no buffer
//!   drops whole frames, counted per queue (`rxq.Q<n>_DROPS`);
//! * an armed completion queue raises its vector once.

use ferronic_hdl::dma::desc_fetch::RINGS;
use ferronic_hdl::rx::tag::{TagFormat, TagMode};
use ferronic_regmap::ctrl;
use ferronic_sim::dma::{Driver, DriverOpts, NicTop, TopOpts};
use ferronic_sim::harness::rss_writes;
use ferronic_sim::model::frame::{append_fcs, tx_frame};
use ferronic_sim::model::rss::{RssConfig, MS_KEY};
use ferronic_sim::tools::capture::{self, format_for_linktype};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{HashMap, VecDeque};
use std::path::Path;

mod board;
mod faults;
mod minimal;
mod traffic;
use traffic::{rx_frame, rx_len, tx_body, want, Want, MANY, WIDE};

const CAPTURES: [&str; 7] = [
    "brcm-tag.pcap",
    "brcm-tag-prepend.pcap",
    "dsa.pcap",
    "dsa-high-vid.pcap",
    "edsa.pcap",
    "edsa-high-vid.pcap",
    "dns_tcp.pcap",
];

/// The test bench: the top, the driver, what is expected per queue.
struct Bench {
    top: NicTop,
    drv: Driver,
    rss: RssConfig,
    /// Receive deliveries expected, per queue, in order.
    rx_want: Vec<VecDeque<Want>>,
    /// Transmit frames expected on the wire (bytes with FCS, bad) by id.
    tx_want: HashMap<usize, (Vec<u8>, bool)>,
    /// Transmit frames by content, for matching what leaves.
    tx_by_data: HashMap<Vec<u8>, Vec<usize>>,
    rx_checked: usize,
    tx_checked: usize,
    next_id: usize,
    /// Rings the driver stocks; frames for the others are dropped.
    stocked: [bool; RINGS],
    /// Frames sent to each unstocked ring (they must all be dropped).
    unstocked_frames: [u32; RINGS],
}

impl Bench {
    fn new(top: TopOpts, opts: &DriverOpts) -> Bench {
        Bench::with_top(NicTop::new(&top), opts)
    }

    /// The bench around `top` (the bare `nic`, or a board shell).
    fn with_top(mut top: NicTop, opts: &DriverOpts) -> Bench {
        let rss = if top.map.params.rss {
            let rss = RssConfig::spread(RINGS as u8, MS_KEY);
            for (path, v) in rss_writes(&rss) {
                top.write_reg(&path, v);
            }
            rss
        } else {
            // no RSS block: every frame to DEFAULT_QUEUE (0), hash 0 (the
            // Toeplitz hash of an all-zero key)
            RssConfig {
                enable: false,
                key: [0; 40],
                table: [0; 128],
                default_queue: 0,
            }
        };
        let drv = Driver::open(&mut top, opts);
        Bench {
            top,
            drv,
            rss,
            rx_want: vec![VecDeque::new(); RINGS],
            tx_want: HashMap::new(),
            tx_by_data: HashMap::new(),
            rx_checked: 0,
            tx_checked: 0,
            next_id: 0,
            stocked: opts.rx_stocked,
            unstocked_frames: [0; RINGS],
        }
    }

    fn format(&mut self, format: TagFormat, mode: TagMode) {
        let v = ctrl::ENABLE
            | ctrl::TX_ENABLE
            | u32::from(format.code()) << ctrl::FORMAT_SHIFT
            | u32::from(mode.code()) << ctrl::MODE_SHIFT;
        self.top.write_reg("datapath.CTRL", v);
        while self.top.axil.pending() > 0 {
            self.clock();
        }
    }

    fn receive(&mut self, frame: Vec<u8>, format: TagFormat, mode: TagMode) {
        let w = want(&frame, format, mode, &self.rss);
        if self.stocked[w.queue] {
            self.rx_want[w.queue].push_back(w);
        } else {
            self.unstocked_frames[w.queue] += 1;
        }
        self.top.receive(frame);
    }

    fn send(&mut self, q: usize, body: &[u8], segs: usize, bad: bool) {
        let id = self.next_id;
        self.next_id += 1;
        let wire = tx_frame(body, bad);
        self.tx_by_data.entry(wire.clone()).or_default().push(id);
        self.tx_want.insert(id, (wire, bad));
        self.drv.send(q, id, body, segs, bad);
    }

    fn clock(&mut self) {
        self.top.clock();
        self.drv.poll(&mut self.top);
        self.check();
    }

    /// Checks what arrived since the last call.
    fn check(&mut self) {
        while self.rx_checked < self.drv.received.len() {
            let d = &self.drv.received[self.rx_checked];
            let w = self.rx_want[d.queue]
                .pop_front()
                .unwrap_or_else(|| panic!("queue {}: a frame nobody sent", d.queue));
            let c = &d.cpl;
            assert!(
                d.data == w.data,
                "queue {}: frame {} bytes, model {} bytes",
                d.queue,
                d.data.len(),
                w.data.len()
            );
            assert_eq!(
                (c.tuser, c.tag, c.hash),
                (w.tuser, w.tag, w.hash),
                "queue {}: completion's tuser, tag, hash",
                d.queue
            );
            self.rx_checked += 1;
        }
        while self.tx_checked < self.top.sent.len() {
            let s = &self.top.sent[self.tx_checked];
            if !self.tx_by_data.contains_key(&s.data) {
                let heads: Vec<(usize, usize)> = self
                    .tx_want
                    .iter()
                    .filter(|(_, (w, _))| s.data[..32.min(s.data.len())] == w[..32.min(w.len())])
                    .map(|(id, (w, _))| (*id, w.len()))
                    .collect();
                panic!(
                    "m_axis_tx: a frame of {} bytes nobody sent (frame {} out; sent frames with its first 32 bytes: {heads:?})",
                    s.data.len(),
                    self.tx_checked
                );
            }
            let ids = self.tx_by_data.get_mut(&s.data).unwrap();
            let id = ids.pop().expect("sent twice");
            let (_, bad) = self.tx_want[&id];
            assert_eq!(s.bad, bad, "frame {id}: tuser (bad)");
            self.tx_checked += 1;
        }
    }

    /// Runs until every frame is received and every transmit frame has
    /// left and completed (and the driver handed the slots back).
    fn drain(&mut self, limit: u64) {
        let start = self.top.stats.clocks;
        while self.top.rx_pending() > 0
            || self.rx_want.iter().any(|q| !q.is_empty())
            || self.drv.tx_pending() > 0
            || self.tx_checked < self.tx_want.len()
        {
            if self.top.stats.clocks - start >= limit {
                let mut d = String::new();
                for r in [
                    "dma.STATUS",
                    "dma.RX_STOPPED",
                    "dma.RX_WAITING",
                    "dma.RX_FAULTS",
                ] {
                    d += &format!("{r}={:#x} ", self.reg(r));
                }
                for q in 0..RINGS {
                    d += &format!(
                        "\nrxq{q} prod {} cons {} drops {} full {}; cq{q} prod {} cons {} status {}",
                        self.reg(&format!("rxq.Q{q}_PROD")),
                        self.reg(&format!("rxq.Q{q}_CONS")),
                        self.reg(&format!("rxq.Q{q}_DROPS")),
                        self.reg(&format!("rxq.Q{q}_FULL")),
                        self.reg(&format!("cq.C{q}_PROD")),
                        self.reg(&format!("cq.C{q}_CONS")),
                        self.reg(&format!("cq.C{q}_STATUS")),
                    );
                }
                eprintln!("DIAG {d}");
            }
            assert!(
                self.top.stats.clocks - start < limit,
                "hung: {} receive frames outstanding, {} transmit",
                self.rx_want.iter().map(VecDeque::len).sum::<usize>(),
                self.drv.tx_pending()
            );
            self.clock();
        }
        for _ in 0..200 {
            self.clock();
        }
    }

    /// Receives the captures, each with its link type's tag format
    /// (stripped), drains them, and sets the datapath back to no tag;
    /// returns how many frames were delivered.
    fn captures(&mut self) -> usize {
        for name in CAPTURES {
            let cap = capture::read(&testdata(name)).unwrap();
            let format = format_for_linktype(cap.linktype).unwrap();
            let mode = if format == TagFormat::None {
                TagMode::Pass
            } else {
                TagMode::Strip
            };
            self.format(format, mode);
            for f in &cap.frames {
                self.receive(append_fcs(&f.data), format, mode);
            }
            self.drain(2_000_000);
        }
        self.format(TagFormat::None, TagMode::Pass);
        self.rx_checked
    }

    fn reg(&mut self, path: &str) -> u32 {
        self.top.read_reg(path)
    }
}

fn testdata(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name)
}

#[test]
fn captures_and_random_frames_both_directions_byte_exact() {
    let mut rng = StdRng::seed_from_u64(13);
    let top = TopOpts {
        mem_stall: 0.2,
        tx_stall: 0.1,
        axil_delay: 0.3,
        seed: 13,
        ..TopOpts::default()
    };
    let drv = DriverOpts {
        ring_log: 8,
        cq_log: 8,
        rx_odd: true,
        // (each ring's buffer size, the pattern repeating past ring 7)
        rx_buf: std::array::from_fn(|q| [2048, 1024, 2048, 4096, 2048, 9600, 512, 2048][q % 8]),
        seed: 13,
        ..DriverOpts::default()
    };
    let mut b = Bench::new(top, &drv);
    let captured = b.captures();
    // random frames both ways at once: enough that every ring and
    // completion queue (256 entries) wraps several times
    let (nrx, ntx) = (20_000, 20_000);
    for k in 0..nrx.max(ntx) {
        if k < nrx {
            let len = rx_len(&mut rng, MANY);
            let f = rx_frame(&mut rng, len);
            b.receive(f, TagFormat::None, TagMode::Pass);
        }
        if k < ntx {
            let (body, segs) = tx_body(&mut rng, MANY);
            let q = rng.gen_range(0..RINGS);
            let bad = rng.gen_bool(0.05);
            b.send(q, &body, segs, bad);
        }
    }
    b.drain(20_000_000);
    let per_queue: Vec<usize> = (0..RINGS)
        .map(|q| b.drv.received.iter().filter(|d| d.queue == q).count())
        .collect();
    eprintln!(
        "{} capture frames, {} random; per queue {per_queue:?}; {} sent; {} clocks",
        captured,
        b.rx_checked - captured,
        b.tx_checked,
        b.top.stats.clocks
    );
    assert_eq!(b.rx_checked, captured + nrx);
    assert_eq!(b.tx_checked, ntx);
    // 256-entry completion queues: with 8 queues each wrapped (phase
    // flipped) 5 times; a 64-queue build's frames spread 8 times thinner
    assert!(
        per_queue.iter().all(|&n| n > 40 * 256 / RINGS),
        "RSS reaches every queue, each wraps"
    );
    let tx_per_ring: Vec<usize> = (0..RINGS)
        .map(|q| b.drv.tx_done.iter().filter(|t| t.queue == q).count())
        .collect();
    assert!(
        tx_per_ring.iter().all(|&n| n > 40 * 256 / RINGS),
        "{tx_per_ring:?}"
    );
    assert_eq!(b.drv.tx_done.len(), ntx);
    assert!(b.drv.faults.is_empty());
    // nothing dropped, nothing faulted, the engine idle
    for q in 0..RINGS {
        assert_eq!(b.reg(&format!("rxq.Q{q}_DROPS")), 0);
        assert_eq!(b.reg(&format!("rxq.Q{q}_FULL")), 0);
    }
    for r in [
        "RX_FAULTS",
        "TX_ERRORS",
        "FETCH_FAULTS",
        "CPL_DROPS",
        "CPL_FAULTS",
        "RX_STOPPED",
    ] {
        assert_eq!(b.reg(&format!("dma.{r}")), 0, "dma.{r}");
    }
    assert_eq!(b.reg("dma.STATUS") & 1, 1, "idle");
    // the consumer indices the engine reports are where the driver is
    let rx_done: u32 = (0..RINGS).map(|q| b.reg(&format!("rxq.Q{q}_CONS"))).sum();
    assert!(rx_done as usize >= captured + nrx);
    let tx_cons: u32 = (0..RINGS).map(|q| b.reg(&format!("txq.Q{q}_CONS"))).sum();
    let descs: u32 = b
        .drv
        .tx_done
        .iter()
        .map(|t| u32::from(t.cpl.desc_count))
        .sum();
    assert_eq!(tx_cons, descs, "transmit consumer indices");
    // the register port's rate, through AxilSplit: 64 writes back to back
    let t0 = b.top.stats.clocks;
    for k in 0..64 {
        b.top.write_reg("cq.C0_MOD", k);
    }
    b.top.settle_regs();
    eprintln!(
        "AXI4-Lite through the nic top: 64 writes in {} clocks",
        b.top.stats.clocks - t0
    );
    let frames_in = u64::from(b.reg("counters.FRAMES_IN_LO"));
    assert_eq!(frames_in, (captured + nrx) as u64, "counters.FRAMES_IN");
    // the core's per-queue counters: receive frames per queue (the random
    // part and the captures), transmit frames per ring
    for (q, &sent) in tx_per_ring.iter().enumerate() {
        let rx = u64::from(b.reg(&format!("counters.RXQ{q}_FRAMES_LO")));
        assert_eq!(rx, per_queue[q] as u64, "counters.RXQ{q}_FRAMES");
        let tx = u64::from(b.reg(&format!("counters.TXQ{q}_FRAMES_LO")));
        assert_eq!(tx, sent as u64, "counters.TXQ{q}_FRAMES");
    }
}
