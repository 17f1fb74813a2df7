//! Replays a capture through the Verilated core and checks every frame
//! against the golden model: the engine behind `nicsim replay` and the
//! capture tests.

use crate::harness::{Applied, Job, Nic, RunOpts, RunStats, SimError};
use crate::model::counters::expected;
use crate::model::frame::{append_fcs, process};
use crate::model::rss::{steer, RssConfig, MS_KEY};
use crate::tools::capture::{format_for_linktype, Capture, CapturedFrame};
use ferronic_hdl::rx::tag::{tuser, TagFormat, TagMode};
use indicatif::{ProgressBar, ProgressStyle};
use pcap_file::DataLink;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::Path;
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

/// `nicsim replay IN -o OUT`: replay a capture through the core and compare
/// with the golden model.
#[derive(clap::Args)]
pub struct ReplayArgs {
    /// Input capture (pcap or pcapng; EN10MB or DSA_TAG_* link type).
    input: PathBuf,
    /// Output pcapng (frames with FCS, if_fcslen = 4).
    #[arg(short, long)]
    output: PathBuf,
    /// Tag format (default: from the link type). One of: none, brcm,
    /// brcm-prepend, dsa, edsa, mtk, qca, ar9331, rtl4a, rtl8_4.
    #[arg(long)]
    format: Option<TagFormat>,
    /// Tag mode: pass, strip or tail.
    #[arg(long, default_value = "pass")]
    mode: TagMode,
    /// Fraction of frames (0..1) whose appended FCS is corrupted.
    #[arg(long, default_value_t = 0.0)]
    bad_fcs: f64,
    /// Probability (0..1) of m_axis_tready low in a cycle.
    #[arg(long, default_value_t = 0.0)]
    stall: f64,
    /// Probability (0..1) of an idle s_axis cycle between beats.
    #[arg(long, default_value_t = 0.0)]
    gap: f64,
    /// Seed of corruption, gaps and stalls.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write a VCD waveform (open with gtkwave).
    #[arg(long)]
    vcd: Option<PathBuf>,
    /// Print one line per frame: lengths, flags, tag, queue, FCS status.
    #[arg(long)]
    frames: bool,
    /// Receive queues to spread over with RSS (1 = RSS off, all to queue 0).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=8))]
    queues: u8,
    /// RSS Toeplitz key, 80 hex digits (default: the Microsoft
    /// verification key).
    #[arg(long, value_parser = parse_key)]
    rss_key: Option<[u8; 40]>,
    /// Through the whole `nic` top: the DMA engine writes the frames into
    /// simulated host memory (1 us latency) and a driver model reads them
    /// from its receive rings; OUT holds what the driver received.
    #[arg(long)]
    dma: bool,
    /// With --dma: share of receive buffer pages that refuse writes (page
    /// faults the engine must recover from), 0..1.
    #[arg(long, default_value_t = 0.0, requires = "dma")]
    faults: f64,
}

impl ReplayArgs {
    /// Runs the replay; `Ok(false)` when a frame or counter differs from
    /// the models (exit code 1).
    pub fn run(self) -> anyhow::Result<bool> {
        let opts = ReplayOpts {
            format: self.format,
            mode: self.mode,
            bad_fcs: self.bad_fcs,
            gap: self.gap,
            stall: self.stall,
            seed: self.seed,
            vcd: self.vcd,
            rss: RssConfig::spread(self.queues, self.rss_key.unwrap_or(MS_KEY)),
        };
        if self.dma {
            anyhow::ensure!(
                (0.0..=1.0).contains(&self.faults),
                "--faults must be in 0..1"
            );
            return crate::tools::replay_dma::replay_dma_file(
                &self.input,
                &self.output,
                &opts,
                self.faults,
                self.frames,
            );
        }
        replay_file(&self.input, &self.output, &opts, self.frames)
    }
}

/// Replays `input` with `opts`, writes `output` (pcapng) and prints the
/// summary (and each frame when `frames`); `Ok(false)` when anything
/// differs from the models. Errors: unreadable or malformed capture,
/// unsupported link type, simulation hang, write failure.
pub fn replay_file(
    input: &Path,
    output: &Path,
    opts: &ReplayOpts,
    frames: bool,
) -> anyhow::Result<bool> {
    let cap = crate::tools::capture::read(input)?;
    let n = cap.frames.len();
    let bar = if n >= 2000 {
        let b = ProgressBar::new(n as u64);
        b.set_style(ProgressStyle::with_template(
            "{bar:40} {pos}/{len} frames {per_sec} eta {eta}",
        )?);
        b
    } else {
        ProgressBar::hidden()
    };
    let rep = replay(&cap, opts, |k| bar.set_position(k as u64))?;
    bar.finish_and_clear();
    crate::tools::capture::write_pcapng(output, rep.out_linktype, &rep.outputs)?;
    if frames {
        crate::tools::replay_print::print_frames(&rep);
    }
    crate::tools::replay_print::print_summary(input, &cap, &rep);
    println!(
        "wrote {} (pcapng, {} frames with FCS, if_fcslen=4, link type {:?})",
        output.display(),
        rep.outputs.len(),
        rep.out_linktype
    );
    Ok(rep.mismatches.is_empty() && rep.counter_mismatches.is_empty())
}

/// Parses an RSS key: 80 hex digits (separators `:` and `-` allowed).
pub fn parse_key(s: &str) -> Result<[u8; 40], String> {
    let hex: String = s.chars().filter(|c| !matches!(c, ':' | '-')).collect();
    if hex.len() != 80 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!(
            "an RSS key is 40 bytes: 80 hex digits, got {} characters",
            hex.len()
        ));
    }
    let mut k = [0u8; 40];
    for (i, b) in k.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|e| e.to_string())?;
    }
    Ok(k)
}
