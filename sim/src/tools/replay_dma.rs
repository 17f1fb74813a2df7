//! `nicsim replay --dma`: a capture through the whole `nic` top (the core
//! and its DMA engine, [`crate::dma`]): the frames enter from the MAC at
//! line rate, the driver model keeps every receive ring stocked and reads
//! the completions, and what it finds in host memory is compared with the
//! golden model (frame bytes, queue, `tuser`, RSS hash, migrated tag, in
//! order per queue).

use crate::dma::{Driver, DriverOpts, NicTop, RxDelivery, TopOpts, TopStats};
use crate::harness::rss_writes;
use crate::model::frame::{append_fcs, process};
use crate::model::rss::steer;
use crate::tools::capture::{format_for_linktype, Capture, CapturedFrame};
use crate::tools::replay::ReplayOpts;
use ferronic_hdl::dma::desc_fetch::RINGS;
use ferronic_hdl::rx::tag::{TagFormat, TagMode};
use ferronic_regmap::ctrl;
use pcap_file::DataLink;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::VecDeque;
use std::path::Path;
use std::time::Instant;

/// What [`replay_dma`] saw.
pub struct DmaReplay {
    /// Tag format and mode used.
    pub format: TagFormat,
    pub mode: TagMode,
    /// Frames sent from the MAC (FCS appended).
    pub inputs: usize,
    /// Frames the driver received, in the order it read them.
    pub delivered: Vec<RxDelivery>,
    /// Frames whose delivery differs from the model: (queue, what).
    pub mismatches: Vec<String>,
    /// Page-fault records the driver read.
    pub faults: usize,
    /// The top's counts.
    pub stats: TopStats,
    /// Wall time of the simulation, seconds.
    pub secs: f64,
}

/// What the model says the driver finds for one input frame.
#[derive(Clone)]
struct Expected {
    index: usize,
    data: Vec<u8>,
    tuser: u8,
    tag: u64,
    hash: u32,
}

/// Runs `cap` through the `nic` top with the driver model; `faults` is
/// the share of receive buffer pages that refuse writes (0 for none).
///
/// # Errors
/// When the engine stops delivering (no completion for 2 M clocks).
pub fn replay_dma(cap: &Capture, opts: &ReplayOpts, faults: f64) -> anyhow::Result<DmaReplay> {
    let format = opts
        .format
        .or_else(|| format_for_linktype(cap.linktype))
        .unwrap_or(TagFormat::None);
    let mut rng = StdRng::seed_from_u64(opts.seed ^ 0x00BA_DFC5);
    let t0 = Instant::now();
    let mut top = NicTop::new(&TopOpts {
        mem_stall: opts.stall,
        seed: opts.seed,
        ..TopOpts::default()
    });
    for (path, v) in rss_writes(&opts.rss) {
        top.write_reg(&path, v);
    }
    let mut drv = Driver::open(
        &mut top,
        &DriverOpts {
            rx_faults: faults,
            seed: opts.seed,
            ..DriverOpts::default()
        },
    );
    let dp = ctrl::ENABLE
        | ctrl::TX_ENABLE
        | u32::from(format.code()) << ctrl::FORMAT_SHIFT
        | u32::from(opts.mode.code()) << ctrl::MODE_SHIFT;
    top.write_reg("datapath.CTRL", dp);
    top.settle_regs();
    let mut want: Vec<VecDeque<Expected>> = vec![VecDeque::new(); RINGS];
    for (i, f) in cap.frames.iter().enumerate() {
        let mut v = append_fcs(&f.data);
        if opts.bad_fcs > 0.0 && rng.gen_bool(opts.bad_fcs.min(1.0)) {
            let n = v.len();
            v[n - 1 - rng.gen_range(0..4)] ^= 1 << rng.gen_range(0..8);
        }
        let out = process(&v, format, opts.mode);
        let st = steer(&out.frame, &opts.rss);
        want[usize::from(st.queue)].push_back(Expected {
            index: i,
            data: out.frame,
            tuser: out.tuser,
            tag: out.tag,
            hash: st.hash,
        });
        top.receive(v);
    }
    let mut mismatches = Vec::new();
    let (mut seen, mut last_progress) = (0usize, 0u64);
    while seen < cap.frames.len() {
        top.clock();
        drv.poll(&mut top);
        while seen < drv.received.len() {
            let d = &drv.received[seen];
            seen += 1;
            last_progress = top.stats.clocks;
            let Some(Expected {
                index: i,
                data,
                tuser,
                tag,
                hash,
            }) = want[d.queue].pop_front()
            else {
                mismatches.push(format!(
                    "queue {}: a frame the model does not expect",
                    d.queue
                ));
                continue;
            };
            let c = &d.cpl;
            let mut diff = Vec::new();
            if d.data != data {
                diff.push(format!(
                    "data ({} bytes, model {})",
                    d.data.len(),
                    data.len()
                ));
            }
            if (c.tuser, c.tag, c.hash) != (tuser, tag, hash) {
                diff.push(format!(
                    "tuser/tag/hash {:#x}/{:#x}/{:#x}, model {tuser:#x}/{tag:#x}/{hash:#x}",
                    c.tuser, c.tag, c.hash
                ));
            }
            if !diff.is_empty() {
                mismatches.push(format!(
                    "frame {i} (queue {}): {}",
                    d.queue,
                    diff.join(", ")
                ));
            }
        }
        if top.stats.clocks - last_progress > 2_000_000 {
            anyhow::bail!(
                "no completion for 2,000,000 clocks: {seen} of {} frames delivered",
                cap.frames.len()
            );
        }
    }
    Ok(DmaReplay {
        format,
        mode: opts.mode,
        inputs: cap.frames.len(),
        faults: drv.faults.len(),
        delivered: std::mem::take(&mut drv.received),
        mismatches,
        stats: top.stats.clone(),
        secs: t0.elapsed().as_secs_f64(),
    })
}

/// `nicsim replay --dma`: replays `input`, writes the frames the driver
/// received as pcapng to `output`, prints the summary; `Ok(false)` when a
/// frame differs from the model.
///
/// # Errors
/// Unreadable capture, unsupported link type, a hang, a write failure.
pub fn replay_dma_file(
    input: &Path,
    output: &Path,
    opts: &ReplayOpts,
    faults: f64,
    frames: bool,
) -> anyhow::Result<bool> {
    let cap = crate::tools::capture::read(input)?;
    let r = replay_dma(&cap, opts, faults)?;
    let outs: Vec<CapturedFrame> = r
        .delivered
        .iter()
        .enumerate()
        .map(|(k, d)| CapturedFrame {
            // the order the driver read them in, 1 us apart
            timestamp: std::time::Duration::from_micros(k as u64),
            data: d.data.clone(),
        })
        .collect();
    let link = if opts.mode == TagMode::Pass || r.format.is_empty() {
        cap.linktype
    } else {
        DataLink::ETHERNET
    };
    crate::tools::capture::write_pcapng(output, link, &outs)?;
    println!(
        "nicsim replay --dma {} ({:?}, {} frames): format {}, mode {}, through the nic top",
        input.display(),
        cap.linktype,
        r.inputs,
        r.format,
        r.mode
    );
    let row = |k: &str, v: String| println!("  {k:<24} {v}");
    let s = &r.stats;
    row("frames in (MAC)", r.inputs.to_string());
    row("frames in host memory", r.delivered.len().to_string());
    let per_queue: Vec<String> = (0..RINGS)
        .map(|q| {
            r.delivered
                .iter()
                .filter(|d| d.queue == q)
                .count()
                .to_string()
        })
        .collect();
    row("per receive queue", per_queue.join(" "));
    let descs: u64 = r
        .delivered
        .iter()
        .map(|d| u64::from(d.cpl.desc_count))
        .sum();
    row("buffers used", descs.to_string());
    row("page faults recovered", r.faults.to_string());
    row("clocks", s.clocks.to_string());
    row(
        "AXI4 writes / reads",
        format!(
            "{} bursts, {} beats / {} bursts, {} beats",
            s.aw, s.w_beats, s.ar, s.r_beats
        ),
    );
    row(
        "simulation speed",
        format!("{:.3} M cycles/s", s.clocks as f64 / r.secs.max(1e-9) / 1e6),
    );
    row("differences from model", r.mismatches.len().to_string());
    for m in r.mismatches.iter().take(20) {
        println!("    {m}");
    }
    if frames {
        for d in &r.delivered {
            let c = &d.cpl;
            println!(
                "  queue {} index {:5} {:5} B in {} buffer(s) tuser {:#04x} hash {:#010x} tag {:#x}",
                d.queue, c.index, c.len, c.desc_count, c.tuser, c.hash, c.tag
            );
        }
    }
    println!(
        "wrote {} (pcapng, {} frames from host memory, FCS included)",
        output.display(),
        outs.len()
    );
    Ok(r.mismatches.is_empty())
}
