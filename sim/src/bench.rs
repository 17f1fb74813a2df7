//! Throughput benchmark behind `nicsim bench`: back-to-back frames of one
//! size with no backpressure; beats per clock (1.00 = line rate), first-beat
//! latency in cycles, and simulated cycles per wall-clock second.

use crate::harness::{run, Job, RunOpts, RunStats, SimError};
use crate::model::append_fcs;
use ferronic_hdl::tag::{TagFormat, TagMode};

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

/// Runs enough back-to-back frames of `size` bytes to send about `beats`
/// beats, in `format`/`mode`, with `tready` always high and no `tvalid` gap.
pub fn bench(
    size: usize,
    format: TagFormat,
    mode: TagMode,
    beats: usize,
) -> Result<BenchRow, SimError> {
    let per = size.div_ceil(8);
    let frames = (beats / per).max(4);
    let body: Vec<u8> = (0..size - 4).map(|i| (i * 131 + 7) as u8).collect();
    let frame = append_fcs(&body);
    let jobs: Vec<Job> = (0..frames)
        .map(|_| Job {
            frame: frame.clone(),
            format,
            mode,
        })
        .collect();
    let (_, stats) = run(&jobs, &RunOpts::default(), |_| {})?;
    Ok(BenchRow {
        size,
        mode,
        frames,
        stats,
    })
}
