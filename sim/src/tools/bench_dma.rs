//! `nicsim bench --dma`: the `nic` top receiving and transmitting at the
//! same time at Ethernet line rate (each frame followed by its 20-byte
//! interframe gap and preamble: 2.5 clocks at 8 bytes a clock, so 10 Gb/s
//! at 156.25 MHz), host memory 156 clocks away (1 us), the driver model
//! keeping every receive ring stocked and every transmit ring full.
//! Prints, per frame size, frames per second each way in Mpps at
//! 156.25 MHz, receive drops, and AXI4 write and read bus utilisation
//! (data beats per clock).

use crate::dma::{Driver, DriverOpts, NicTop, TopOpts};
use crate::harness::rss_writes;
use crate::model::rss::{RssConfig, MS_KEY};
use crate::tools::bench::tagged_tcp_frame;
use ferronic_hdl::dma::desc_fetch::RINGS;
use ferronic_hdl::rx::tag::TagFormat;
use std::time::Instant;

/// Frame sizes of the table, bytes on the wire with FCS.
pub const DMA_SIZES: [usize; 5] = [64, 65, 128, 1514, 9000];

/// Clock of the 10G datapath, MHz.
pub const CLOCK_MHZ: f64 = 156.25;

/// One row of the table.
#[derive(Clone, Debug)]
pub struct DmaBenchRow {
    /// Frame size, bytes with FCS.
    pub size: usize,
    /// Clocks measured (after the warm-up).
    pub clocks: u64,
    /// Frames the MAC offered, and the driver received, in the window.
    pub rx_offered: u64,
    pub rx_frames: u64,
    /// Frames dropped whole (no buffer + buffer full), whole run.
    pub rx_drops: u64,
    /// Frames that left on `m_axis_tx` in the window.
    pub tx_frames: u64,
    /// AXI4 W and R data beats per clock in the window.
    pub w_util: f64,
    pub r_util: f64,
    /// Simulated clocks per wall second, whole run.
    pub cycles_per_sec: f64,
}

impl DmaBenchRow {
    /// Mpps at [`CLOCK_MHZ`] for `frames` in the window.
    pub fn mpps(&self, frames: u64) -> f64 {
        frames as f64 / self.clocks as f64 * CLOCK_MHZ
    }
}

/// Line rate in beats, Mpps at [`CLOCK_MHZ`]: a `size`-byte frame takes
/// ceil(size / 8) beats of the 64-bit stream (a frame starts on lane 0)
/// and its 20 bytes of gap and preamble 2.5 more. For 64, 128, 1,514 and
/// 9,000 bytes this is 10G's Mpps (14.881 at 64); a 65-byte frame takes
/// 9 beats, so 13.587 (10G's bit rate would allow 14.706).
pub fn line_rate_mpps(size: usize) -> f64 {
    CLOCK_MHZ / (size.div_ceil(8) as f64 + 2.5)
}

/// Runs one size: `warm` clocks to fill the pipes, then `clocks` measured.
pub fn bench_dma(size: usize, warm: u64, clocks: u64, seed: u64) -> DmaBenchRow {
    let t0 = Instant::now();
    let mut top = NicTop::new(&TopOpts {
        tx_ifg: true,
        seed,
        ..TopOpts::default()
    });
    let rss = RssConfig::spread(RINGS as u8, MS_KEY);
    for (path, v) in rss_writes(&rss) {
        top.write_reg(&path, v);
    }
    let mut drv = Driver::open(
        &mut top,
        &DriverOpts {
            ring_log: 10,
            cq_log: 12,
            seed,
            ..DriverOpts::default()
        },
    );
    let body: Vec<u8> = tagged_tcp_frame(size, TagFormat::None, 0)[..size - 4].to_vec();
    let (mut flow, mut id, mut rx_count) = (0u16, 0usize, 0u64);
    let mut at_warm = None;
    while top.stats.clocks < warm + clocks {
        // the MAC never runs dry; RSS spreads the flows over the queues
        while top.rx_pending() < 2 {
            top.receive(tagged_tcp_frame(size, TagFormat::None, flow));
            flow = flow.wrapping_add(1);
        }
        // every transmit ring kept full
        while drv.tx_pending() < RINGS * 96 {
            drv.send(id % RINGS, id, &body, 1, false);
            id += 1;
        }
        top.clock();
        drv.poll(&mut top);
        // completions are counted, not kept
        rx_count += drv.received.len() as u64;
        drv.received.clear();
        drv.tx_done.clear();
        if top.stats.clocks == warm {
            at_warm = Some((top.stats.clone(), rx_count));
        }
    }
    let (s0, rx0) = at_warm.expect("warm-up ran");
    let s1 = top.stats.clone();
    let secs = t0.elapsed().as_secs_f64();
    let mut rx_drops = 0;
    for q in 0..RINGS {
        rx_drops += u64::from(top.read_reg(&format!("rxq.Q{q}_DROPS")));
        rx_drops += u64::from(top.read_reg(&format!("rxq.Q{q}_FULL")));
    }
    DmaBenchRow {
        size,
        clocks,
        rx_offered: s1.rx_frames - s0.rx_frames,
        rx_frames: rx_count - rx0,
        rx_drops,
        tx_frames: s1.tx_frames - s0.tx_frames,
        w_util: (s1.w_beats - s0.w_beats) as f64 / clocks as f64,
        r_util: (s1.r_beats - s0.r_beats) as f64 / clocks as f64,
        cycles_per_sec: s1.clocks as f64 / secs.max(1e-9),
    }
}

/// Prints the table for every size of [`DMA_SIZES`]; `Ok(false)` when a
/// size drops frames or misses line rate by more than 1 % either way.
pub fn print_table(warm: u64, clocks: u64) -> anyhow::Result<bool> {
    println!(
        "nicsim bench --dma: nic top, receive and transmit at once at 10G line rate \
         (20-byte gap and preamble per frame), host memory latency 156 clocks (1 us), \
         {clocks} clocks measured after {warm}"
    );
    println!(
        "{:>6} {:>10} {:>10} {:>10} {:>7} {:>10} {:>8} {:>8} {:>10}",
        "size",
        "line Mpps",
        "rx Mpps",
        "tx Mpps",
        "drops",
        "rx cyc/fr",
        "AXI W",
        "AXI R",
        "Mcycles/s"
    );
    let mut ok = true;
    for size in DMA_SIZES {
        let r = bench_dma(size, warm, clocks, 1);
        let line = line_rate_mpps(size);
        let (rx, tx) = (r.mpps(r.rx_frames), r.mpps(r.tx_frames));
        ok &= r.rx_drops == 0 && rx >= 0.99 * line && tx >= 0.99 * line;
        println!(
            "{:>6} {:>10.3} {:>10.3} {:>10.3} {:>7} {:>10.2} {:>8.3} {:>8.3} {:>10.3}",
            size,
            line,
            rx,
            tx,
            r.rx_drops,
            r.clocks as f64 / r.rx_frames.max(1) as f64,
            r.w_util,
            r.r_util,
            r.cycles_per_sec / 1e6
        );
    }
    println!(
        "size: bytes per frame with FCS (IPv4/TCP, RSS over 8 queues; transmit frames of the same size \
         over 8 rings, one buffer each); Mpps at 156.25 MHz; drops: receive frames dropped whole \
         (rxq.Q<n>_DROPS + _FULL); AXI W/R: data beats per clock on m_axi (128-bit)"
    );
    Ok(ok)
}
