//! Throughput benchmark behind `nicsim bench`: back-to-back frames of one
//! size with no backpressure and RSS steering over 8 queues; beats per
//! clock (1.00 = line rate), first-beat latency in cycles, and simulated
//! cycles per wall-clock second. Also AXI4-Lite register accesses per clock.

use crate::bus::axil::Op;
use crate::harness::{Job, Nic, RunOpts, RunStats, SimError};
use crate::model::frame::append_fcs;
use crate::model::rss::{RssConfig, MS_KEY};
use etherparse::PacketBuilder;
use ferronic_hdl::rx::tag::{TagFormat, TagMode};

/// Frame sizes (bytes on the wire, FCS included) the benchmark reports.
pub const SIZES: [usize; 6] = [60, 64, 65, 128, 1514, 9000];

/// One benchmark row.
#[derive(Clone, Debug)]
pub struct BenchRow {
    /// Frame size in bytes, FCS included.
    pub size: usize,
    /// Tag mode.
    pub mode: TagMode,
    /// Frames sent.
    pub frames: usize,
    /// Statistics of the run.
    pub stats: RunStats,
}

/// An Ethernet/IPv4/TCP frame of exactly `size` bytes (FCS included) from
/// flow number `flow`, with `format`'s tag inserted where the switch puts it.
pub fn tagged_tcp_frame(size: usize, format: TagFormat, flow: u16) -> Vec<u8> {
    let payload = vec![0x5Au8; size.saturating_sub(4 + 54 + format.len())];
    let mut f = Vec::new();
    PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .ipv4([198, 18, 0, (flow % 251) as u8], [198, 19, 0, 1], 64)
        .tcp(10_000 + flow, 80, 1, 65_535)
        .write(&mut f, &payload)
        .expect("frame builds");
    let tag: Vec<u8> = (0..format.len() as u8).map(|i| 0xD0 | i).collect();
    let at = format.offset();
    f.splice(at..at, tag);
    f.resize(size - 4, 0);
    append_fcs(&f)
}

/// Runs enough back-to-back frames of `size` bytes to send about `beats`
/// beats, in `format`/`mode`, RSS over 8 queues, `tready` always high and no
/// `tvalid` gap.
pub fn bench(
    size: usize,
    format: TagFormat,
    mode: TagMode,
    beats: usize,
) -> Result<BenchRow, SimError> {
    let per = size.div_ceil(8);
    let frames = (beats / per).max(4);
    let jobs: Vec<Job> = (0..frames)
        .map(|i| Job {
            frame: tagged_tcp_frame(size, format, (i % 64) as u16),
            format,
            mode,
        })
        .collect();
    let mut nic = Nic::new(&RunOpts::default())?;
    nic.configure_rss(&RssConfig::spread(8, MS_KEY))?;
    let r = nic.run(&jobs, |_| {})?;
    Ok(BenchRow {
        size,
        mode,
        frames,
        stats: r.stats,
    })
}

/// AXI4-Lite throughput: `n` writes and `n` reads of the scratch register
/// issued back to back; returns (accesses, cycles).
pub fn bench_registers(n: usize) -> Result<(usize, u64), SimError> {
    let mut nic = Nic::new(&RunOpts::default())?;
    let a = nic.map.reg("identity.SCRATCH").expect("SCRATCH").offset as u16;
    let ops: Vec<Op> = (0..n)
        .flat_map(|i| {
            [
                Op::Write {
                    addr: a,
                    data: i as u32,
                    strb: 0xF,
                },
                Op::Read { addr: a },
            ]
        })
        .collect();
    let t0 = nic.cycles();
    let done = nic.access(&ops)?;
    Ok((done.len(), nic.cycles() - t0))
}

/// The handshake engine under a SYN flood: figures of [`bench_handshake`].
#[derive(Clone, Copy, Debug)]
pub struct HandshakeRow {
    /// SYNs sent, back to back.
    pub syns: usize,
    /// SYN-ACKs that left on `m_axis_tx`.
    pub synacks: usize,
    /// Cycles from the first SYN beat accepted to the last one.
    pub in_span: u64,
    /// Beats accepted on `s_axis` per clock over that span (1.00 = line rate).
    pub in_beats_per_clock: f64,
    /// SYN-ACKs per clock, from the first SYN-ACK's first beat to the last
    /// one's (0.125 is one per 64-byte frame time, the most a 64-bit
    /// `m_axis_tx` can carry).
    pub synacks_per_clock: f64,
    /// Cycles from a SYN's last beat accepted to its SYN-ACK's first beat
    /// on `m_axis_tx`, min and max over the flood.
    pub latency: (u64, u64),
}

/// `n` minimum-size (64-byte) SYNs to a listened port, back to back with
/// `tready` always high, through the Verilated core with the engine on.
///
/// # Errors
/// A hang or a broken AXI4-Stream rule.
pub fn bench_handshake(n: usize) -> Result<HandshakeRow, SimError> {
    use crate::model::handshake::Config;
    use crate::model::hs_traffic::{min_syn, SERVER};
    let c = Config {
        listen: vec![(SERVER, 80)],
        secrets: crate::model::syncookie::Secrets([[1, 2], [3, 4]]),
        count: 1,
        ts_now: 1,
        mss: 1460,
        wscale: 7,
        window: 65535,
        ttl: 64,
        rst_closed: true,
    };
    let jobs: Vec<Job> = (0..n as u32)
        .map(|i| Job {
            frame: append_fcs(&min_syn(i, i.wrapping_mul(0x9E37_79B9))),
            format: TagFormat::None,
            mode: TagMode::Pass,
        })
        .collect();
    let mut nic = Nic::new(&RunOpts::default())?;
    nic.configure_handshake(&c)?;
    let r = nic.run_consumed(&jobs, n, |_| {})?;
    let beats = 8u64;
    let lats = r
        .in_first
        .iter()
        .zip(&r.tx_starts)
        .map(|(i, o)| o.saturating_sub(i + beats - 1));
    let latency = lats.fold((u64::MAX, 0), |(lo, hi), l| (lo.min(l), hi.max(l)));
    let out_span = match (r.tx_starts.first(), r.tx_starts.last()) {
        (Some(a), Some(b)) if b > a => b - a,
        _ => 1,
    };
    Ok(HandshakeRow {
        syns: n,
        synacks: r.tx_frames.len(),
        in_span: r.stats.in_span,
        in_beats_per_clock: r.stats.in_beats as f64 / r.stats.in_span.max(1) as f64,
        synacks_per_clock: (r.tx_starts.len().saturating_sub(1)) as f64 / out_span as f64,
        latency: if latency.0 == u64::MAX {
            (0, 0)
        } else {
            latency
        },
    })
}

/// `nicsim bench`: beats per clock, latency and simulation speed with
/// back-to-back frames; AXI4-Lite accesses per clock; the handshake row.
#[derive(clap::Args)]
pub struct BenchArgs {
    /// Tag format to benchmark.
    #[arg(long, default_value = "edsa")]
    format: TagFormat,
    /// Beats per row (more = steadier cycles/s figure).
    #[arg(long, default_value_t = 400_000)]
    beats: usize,
    /// Another `nicsim` binary (an older build) to run on the same rows
    /// right after this one: prints both mean M cycles/s and their ratio.
    #[arg(long)]
    baseline: Option<std::path::PathBuf>,
    /// The `nic` top with its DMA engine instead: receive and transmit at
    /// once at line rate, 64/65/128/1514/9000-byte frames, 1 us memory.
    #[arg(long)]
    dma: bool,
    /// With --dma: clocks measured per size (after a warm-up of a tenth,
    /// at least 10,000).
    #[arg(long, default_value_t = 100_000)]
    clocks: u64,
}

/// The mean of the M cycles/s column of a `nicsim bench` frame table (rows
/// `size mode frames beats/clock latency Mcycles/s`), as printed by this
/// and earlier builds.
pub fn mean_mcycles(table: &str) -> Option<f64> {
    let rates: Vec<f64> = table
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let is_row = f.len() == 6
                && f[0].parse::<usize>().is_ok()
                && TagMode::ALL.iter().any(|m| m.name() == f[1]);
            is_row.then(|| f[5].parse::<f64>().ok()).flatten()
        })
        .collect();
    (!rates.is_empty()).then(|| rates.iter().sum::<f64>() / rates.len() as f64)
}

impl BenchArgs {
    /// Runs every row and prints the table.
    pub fn run(self) -> anyhow::Result<bool> {
        if self.dma {
            let warm = (self.clocks / 10).max(10_000);
            return crate::tools::bench_dma::print_table(warm, self.clocks);
        }
        let (format, beats) = (self.format, self.beats);
        println!("nicsim bench: format {format}, back-to-back frames, tready always high");
        let mut rates = Vec::new();
        println!(
            "{:>6} {:>6} {:>8} {:>12} {:>9} {:>10}",
            "size", "mode", "frames", "beats/clock", "latency", "Mcycles/s"
        );
        for mode in TagMode::ALL {
            for size in SIZES {
                let r = bench(size, format, mode, beats)?;
                rates.push(r.stats.cycles_per_second() / 1e6);
                println!(
                    "{:>6} {:>6} {:>8} {:>12.2} {:>9} {:>10.2}",
                    size,
                    mode.name(),
                    r.frames,
                    r.stats.beats_per_clock(),
                    format!("{}..{}", r.stats.latency.0, r.stats.latency.1),
                    r.stats.cycles_per_second() / 1e6
                );
            }
        }
        println!("size: bytes per frame on s_axis, FCS included (IPv4/TCP with the tag, RSS over 8 queues); latency: cycles from a frame's first beat accepted to its first beat out");
        let mean = rates.iter().sum::<f64>() / rates.len() as f64;
        println!("simulation: {mean:.3} M cycles/s, the mean over the rows above");
        if let Some(bin) = &self.baseline {
            let out = std::process::Command::new(bin)
                .args(["bench", "--format", &format.to_string(), "--beats"])
                .arg(beats.to_string())
                .output()
                .map_err(|e| anyhow::anyhow!("baseline {}: {e}", bin.display()))?;
            let text = String::from_utf8_lossy(&out.stdout);
            let base = mean_mcycles(&text).ok_or_else(|| {
                anyhow::anyhow!("baseline {}: no bench table in its output", bin.display())
            })?;
            println!(
                "baseline {}: {base:.3} M cycles/s on the same rows; this build is {:.2}x",
                bin.display(),
                mean / base
            );
        }
        let (n, cycles) = bench_registers(beats / 20)?;
        println!(
        "AXI4-Lite: {n} accesses (writes and reads interleaved, back to back) in {cycles} cycles: {:.2} accesses/clock",
        n as f64 / cycles as f64
    );
        let h = bench_handshake((beats / 80).max(100))?;
        println!(
        "handshake: {} back-to-back 64-byte SYNs in {} cycles ({:.2} beats/clock in) -> {} SYN-ACKs at {:.3} per clock (0.125 = one per 64-byte frame time); SYN last beat -> SYN-ACK first beat {}..{} cycles (cookie unit {} cycles, one operation per {} clocks)",
        h.syns,
        h.in_span,
        h.in_beats_per_clock,
        h.synacks,
        h.synacks_per_clock,
        h.latency.0,
        h.latency.1,
        ferronic_hdl::handshake::syn_cookie::LATENCY,
        ferronic_hdl::handshake::syn_cookie::INTERVAL
    );
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::mean_mcycles;

    #[test]
    fn mean_of_the_table_rows_only() {
        let t = "nicsim bench: format edsa, back-to-back frames, tready always high\n\
                 \x20 size   mode   frames  beats/clock   latency  Mcycles/s\n\
                 \x20   60   pass    25000         1.00    34..34       0.30\n\
                 \x20 9000  strip      177         1.00    34..34       0.50\n\
                 AXI4-Lite: 20000 accesses in 10001 cycles: 2.00 accesses/clock\n";
        assert!((mean_mcycles(t).unwrap() - 0.40).abs() < 1e-9);
        assert_eq!(mean_mcycles("no table here\n"), None);
    }
}
