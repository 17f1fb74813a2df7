//! Replays a capture through the Verilated core and checks every frame
//! against the golden model: the engine behind `nicsim replay` and the
//! capture tests.

use crate::capture::{format_for_linktype, Capture, CapturedFrame};
use crate::counters_model::expected;
use crate::harness::{Applied, Job, Nic, RunOpts, RunStats, SimError};
use crate::model::{append_fcs, process};
use crate::rss_model::{steer, RssConfig};
use ferronic_hdl::rx::tag::{tuser, TagFormat, TagMode};
use pcap_file::DataLink;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::PathBuf;

/// Options of [`replay`].
#[derive(Clone, Debug)]
pub struct ReplayOpts {
    /// Tag format; `None` takes it from the capture's link type.
    pub format: Option<TagFormat>,
    /// Tag mode.
    pub mode: TagMode,
    /// Fraction of frames whose appended FCS is corrupted (one bit flipped).
    pub bad_fcs: f64,
    /// Probability of an idle input cycle between beats.
    pub gap: f64,
    /// Probability of `m_axis_tready` low in a cycle.
    pub stall: f64,
    /// Seed of corruption, gaps and stalls.
    pub seed: u64,
    /// VCD waveform file.
    pub vcd: Option<PathBuf>,
    /// RSS configuration written through the registers before the replay.
    pub rss: RssConfig,
}

impl Default for ReplayOpts {
    fn default() -> Self {
        ReplayOpts {
            format: None,
            mode: TagMode::Pass,
            bad_fcs: 0.0,
            gap: 0.0,
            stall: 0.0,
            seed: 1,
            vcd: None,
            rss: RssConfig::default(),
        }
    }
}

/// A frame whose output differs from the golden model.
#[derive(Clone, Debug)]
pub struct Mismatch {
    /// Index of the frame in the capture (0-based).
    pub index: usize,
    /// What differs.
    pub detail: String,
}

/// Result of a replay.
#[derive(Clone, Debug)]
pub struct ReplayReport {
    /// Tag format used.
    pub format: TagFormat,
    /// Tag mode used.
    pub mode: TagMode,
    /// Frames sent, with the FCS appended (and corrupted where chosen).
    pub inputs: Vec<Vec<u8>>,
    /// Which inputs got a corrupted FCS.
    pub corrupted: Vec<bool>,
    /// Output frames (FCS included) with the input timestamps.
    pub outputs: Vec<CapturedFrame>,
    /// `m_axis_tuser` of each output frame.
    pub tusers: Vec<u8>,
    /// `m_axis_tag` of each output frame.
    pub tags: Vec<u64>,
    /// `m_axis_tdest` (receive queue) of each output frame.
    pub tdests: Vec<u8>,
    /// `m_axis_hash` (RSS hash) of each output frame.
    pub hashes: Vec<u32>,
    /// Every counter, read back through AXI4-Lite after the replay.
    pub counters: Vec<(String, u64)>,
    /// Counters that differ from the golden model.
    pub counter_mismatches: Vec<String>,
    /// Link type of the output frames: the input's in pass mode, EN10MB
    /// once the tag has left the Ethernet header.
    pub out_linktype: DataLink,
    /// Frames that differ from the golden model.
    pub mismatches: Vec<Mismatch>,
    /// Simulation statistics.
    pub stats: RunStats,
}

impl ReplayReport {
    /// Output frames whose `tuser` has all bits of `mask`.
    pub fn count(&self, mask: u8) -> usize {
        self.tusers.iter().filter(|&&u| u & mask == mask).count()
    }

    /// Frames flagged as having a bad incoming FCS.
    pub fn bad_fcs(&self) -> usize {
        self.count(tuser::FCS_ERR)
    }
}

/// Appends FCSs, corrupts a fraction, runs the core, compares with the model.
pub fn replay(
    cap: &Capture,
    opts: &ReplayOpts,
    progress: impl FnMut(usize),
) -> Result<ReplayReport, SimError> {
    let format = opts
        .format
        .or_else(|| format_for_linktype(cap.linktype))
        .unwrap_or(TagFormat::None);
    let mut rng = StdRng::seed_from_u64(opts.seed ^ 0x00BA_DFC5);
    let mut corrupted = Vec::with_capacity(cap.frames.len());
    let inputs: Vec<Vec<u8>> = cap
        .frames
        .iter()
        .map(|f| {
            let mut v = append_fcs(&f.data);
            let bad = opts.bad_fcs > 0.0 && rng.gen_bool(opts.bad_fcs.min(1.0));
            if bad {
                let n = v.len();
                v[n - 1 - rng.gen_range(0..4)] ^= 1 << rng.gen_range(0..8);
            }
            corrupted.push(bad);
            v
        })
        .collect();
    let jobs: Vec<Job> = inputs
        .iter()
        .map(|f| Job {
            frame: f.clone(),
            format,
            mode: opts.mode,
        })
        .collect();
    let ropts = RunOpts {
        gap: opts.gap,
        stall: opts.stall,
        seed: opts.seed,
        vcd: opts.vcd.clone(),
        ..RunOpts::default()
    };
    let mut nic = Nic::new(&ropts)?;
    nic.configure_rss(&opts.rss)?;
    let r = nic.run(&jobs, progress)?;
    let (out, stats) = (r.frames, r.stats);
    let mut counters = Vec::new();
    for c in nic.map.counters.clone() {
        let v = nic.counter(&c.name)?;
        counters.push((c.name, v));
    }
    let stream: Vec<(&[u8], Applied)> = inputs
        .iter()
        .map(|f| &f[..])
        .zip(r.applied.iter().copied())
        .collect();
    let want = expected(&stream, &opts.rss);
    let counter_mismatches: Vec<String> = counters
        .iter()
        .filter(|(n, v)| want.get(n).copied().unwrap_or(0) != *v)
        .map(|(n, v)| format!("{n} = {v}, model {}", want.get(n).copied().unwrap_or(0)))
        .collect();
    let mut mismatches = Vec::new();
    for (i, (inp, o)) in inputs.iter().zip(&out).enumerate() {
        let want = process(inp, format, opts.mode);
        let mut d = Vec::new();
        if o.data != want.frame {
            let at = o
                .data
                .iter()
                .zip(&want.frame)
                .position(|(a, b)| a != b)
                .unwrap_or(o.data.len().min(want.frame.len()));
            d.push(format!(
                "data differs at byte {at} (length {} vs model {})",
                o.data.len(),
                want.frame.len()
            ));
        }
        if o.tuser != want.tuser {
            d.push(format!(
                "tuser {:#04x} vs model {:#04x}",
                o.tuser, want.tuser
            ));
        }
        if o.tag != want.tag {
            d.push(format!("tag {:#x} vs model {:#x}", o.tag, want.tag));
        }
        let st = steer(&want.frame, &opts.rss);
        if (o.tdest, o.hash) != (st.queue, st.hash) {
            d.push(format!(
                "queue {} hash {:#010x} vs model {} {:#010x}",
                o.tdest, o.hash, st.queue, st.hash
            ));
        }
        if !d.is_empty() {
            mismatches.push(Mismatch {
                index: i,
                detail: d.join("; "),
            });
        }
    }
    let out_linktype = if opts.mode == TagMode::Pass || format.is_empty() {
        cap.linktype
    } else {
        DataLink::ETHERNET
    };
    Ok(ReplayReport {
        format,
        mode: opts.mode,
        corrupted,
        outputs: out
            .iter()
            .zip(&cap.frames)
            .map(|(o, i)| CapturedFrame {
                timestamp: i.timestamp,
                data: o.data.clone(),
            })
            .collect(),
        tusers: out.iter().map(|o| o.tuser).collect(),
        tags: out.iter().map(|o| o.tag).collect(),
        tdests: out.iter().map(|o| o.tdest).collect(),
        hashes: out.iter().map(|o| o.hash).collect(),
        counters,
        counter_mismatches,
        inputs,
        out_linktype,
        mismatches,
        stats,
    })
}
