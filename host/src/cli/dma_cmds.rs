//! The datapath commands over the DMA rings: `nicctl rx` (capture),
//! `nicctl tx` (send a capture) and `nicctl queues` (ring states).
//! `nicctl bench` is in [`super::bench_cmd`].

use super::{table, Out};
use crate::device::Device;
use crate::dma::session::Datapath;
use crate::dma::{QueueConfig, QueueRegs};
use crate::error::{exit, HostError};
use crate::pcap::{read_frames, RxFacts, RxWriter};
use serde_json::json;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Frames a `recv`/`send` call handles at most (one doorbell each).
pub const BATCH: usize = 32;

/// `nicctl rx`.
#[derive(clap::Args, Debug)]
pub struct RxArgs {
    /// Receive queue number, or `all`.
    #[arg(long, default_value = "all")]
    queue: String,
    /// Stop after N frames (0: no limit).
    #[arg(long, short = 'c', default_value_t = 0)]
    count: u64,
    /// Stop after SECS seconds without a frame.
    #[arg(long)]
    idle: Option<f64>,
    /// Write the frames here as pcapng (FCS included; interface = queue;
    /// queue, RSS hash, tuser flags and migrated tag in each comment).
    #[arg(long, short = 'w')]
    write: Option<PathBuf>,
    /// Sleep on the queue's interrupt (armed after each empty poll)
    /// instead of polling; takes one --queue.
    #[arg(long)]
    irq: bool,
    /// With --irq: raise the interrupt once N completions wait.
    #[arg(long, default_value_t = 1, requires = "irq")]
    coalesce: u16,
    /// With --irq: ... or once US microseconds passed since the first
    /// (0: no time limit; units of 409.6 ns, at most 26,843 us).
    #[arg(long, default_value_t = 0, requires = "irq")]
    coalesce_us: u64,
}

/// `nicctl tx`.
#[derive(clap::Args, Debug)]
pub struct TxArgs {
    /// Capture to send (pcap or pcapng, Ethernet, frames without FCS: the
    /// NIC appends it).
    file: PathBuf,
    /// Transmit queue.
    #[arg(long, default_value_t = 0)]
    queue: usize,
    /// Send the capture N times.
    #[arg(long = "loop", default_value_t = 1)]
    loops: u64,
    /// Frames per second at most (0: as fast as the rings go).
    #[arg(long, default_value_t = 0.0)]
    pps: f64,
}

/// Queue sizes for the commands: the defaults, 2 KiB buffers (frames of
/// up to 9,600 bytes span buffers).
fn config() -> QueueConfig {
    QueueConfig::default()
}

/// Opens the queues; prints the datapath's notes on stderr.
pub(super) fn open(dev: &mut Device, rx: &[usize], tx: &[usize]) -> Result<Datapath, HostError> {
    let dp = Datapath::open(dev, rx, tx, &config())?;
    for n in &dp.notes {
        eprintln!("nicctl: note: {n}");
    }
    Ok(dp)
}

/// Parses `--queue`: a number below `n`, or `all`.
pub(super) fn queues(spec: &str, n: usize) -> Result<Vec<usize>, HostError> {
    if spec == "all" {
        return Ok((0..n).collect());
    }
    let q = spec.parse::<usize>().ok().filter(|&q| q < n);
    q.map(|q| vec![q]).ok_or_else(|| HostError::Invalid {
        what: format!("--queue {spec}"),
        why: format!("a queue number 0..{n} or `all`"),
    })
}

fn now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// Waits for more: the queue's interrupt (armed first), or a short sleep
/// that grows while nothing comes (20 us to 1 ms).
pub(super) fn idle_wait(
    dev: &mut Device,
    dp: &mut Datapath,
    irq: bool,
    spins: &mut u32,
) -> Result<(), HostError> {
    if irq {
        let q = &mut dp.rx[0];
        q.arm(dev.io())?;
        let v = q.queue();
        let port = dev.io().dma().expect("a datapath has DMA");
        port.wait_irq(v, Duration::from_millis(10))?;
        return Ok(());
    }
    *spins = (*spins + 1).min(50);
    std::thread::sleep(Duration::from_micros(20 * u64::from(*spins)));
    Ok(())
}

pub(super) fn rx(dev: &mut Device, a: RxArgs, o: &mut Out<'_>) -> Result<u8, HostError> {
    let nrx = QueueRegs::of_device(dev)?.rx.len();
    let qs = queues(&a.queue, nrx)?;
    if a.irq && qs.len() != 1 {
        return Err(HostError::Invalid {
            what: "--irq".into(),
            why: "sleeps on one queue's vector: give one --queue".into(),
        });
    }
    let mut dp = open(dev, &qs, &[])?;
    if a.irq {
        dp.rx[0].moderate(dev.io(), a.coalesce, Duration::from_micros(a.coalesce_us))?;
    }
    let mut w = match &a.write {
        Some(p) => Some(RxWriter::create(p, nrx as u16)?),
        None => None,
    };
    let (mut frames, mut last, mut spins) = (Vec::new(), Instant::now(), 0);
    let mut failed = None;
    let mut n = 0u64;
    while a.count == 0 || n < a.count {
        let mut got = 0;
        for q in &mut dp.rx {
            let want = if a.count == 0 {
                BATCH
            } else {
                BATCH.min((a.count - n) as usize)
            };
            let g = q.recv(dev.io(), want, |p| {
                let facts = RxFacts {
                    queue: p.queue,
                    hash: p.hash,
                    tuser: p.tuser,
                    tag: p.tag,
                };
                if let Some(w) = w.as_mut() {
                    if let Err(e) = w.write(p.data, &facts, now()) {
                        failed.get_or_insert(e);
                    }
                } else {
                    frames.push((facts, p.data.len()));
                }
            })?;
            got += g;
            n += g as u64;
        }
        if let Some(e) = failed.take() {
            return Err(e);
        }
        if got > 0 {
            (last, spins) = (Instant::now(), 0);
        } else if a.idle.is_some_and(|s| last.elapsed().as_secs_f64() >= s) {
            break;
        } else {
            idle_wait(dev, &mut dp, a.irq, &mut spins)?;
        }
    }
    if let Some(w) = w {
        w.finish()?;
    }
    let mut drops = Vec::new();
    for &q in &qs {
        drops.push(dev.read_reg(&format!("rxq.Q{q}_DROPS"))?);
    }
    dp.close(dev)?;
    let stats: Vec<_> = dp.rx.iter().map(|q| (q.queue(), q.stats)).collect();
    let v = json!({
        "frames": n,
        "written": a.write,
        "queues": stats.iter().zip(&drops).map(|((q, s), d)| json!({
            "queue": q, "frames": s.frames, "bytes": s.bytes, "faults": s.faults,
            "doorbells": s.doorbells, "drops": d,
        })).collect::<Vec<_>>(),
        "packets": frames.iter().map(|(f, len)| json!({
            "queue": f.queue, "len": len, "hash": f.hash, "tuser": f.tuser, "tag": f.tag,
        })).collect::<Vec<_>>(),
    });
    o.emit(&v, || {
        let mut s = String::new();
        for (f, len) in &frames {
            s += &format!("{len:>5} bytes  {}\n", f.comment());
        }
        for ((q, st), d) in stats.iter().zip(&drops) {
            s += &format!(
                "rxq{q}: {} frames, {} bytes, {} page faults recovered, {d} dropped by the NIC (no buffer)\n",
                st.frames, st.bytes, st.faults
            );
        }
        if let Some(p) = &a.write {
            s += &format!("{n} frames written to {}\n", p.display());
        }
        s
    });
    Ok(exit::OK)
}

pub(super) fn tx(dev: &mut Device, a: TxArgs, o: &mut Out<'_>) -> Result<u8, HostError> {
    let frames = read_frames(&a.file)?;
    if let Some(i) = frames.iter().position(|f| f.is_empty()) {
        return Err(HostError::Invalid {
            what: format!("capture {}", a.file.display()),
            why: format!("frame {} is empty", i + 1),
        });
    }
    let mut dp = open(dev, &[], &[a.queue])?;
    let total = frames.len() as u64 * a.loops;
    let start = Instant::now();
    let mut sent = 0u64;
    while sent < total {
        let due = if a.pps > 0.0 {
            (start.elapsed().as_secs_f64() * a.pps) as u64 + 1
        } else {
            total
        };
        let take = (due.min(total) - sent).min(BATCH as u64) as usize;
        if take == 0 {
            std::thread::sleep(Duration::from_micros(50));
            continue;
        }
        let batch: Vec<&[u8]> = (0..take as u64)
            .map(|k| frames[((sent + k) % frames.len() as u64) as usize].as_slice())
            .collect();
        let q = &mut dp.tx[0];
        let n = q.send(dev.io(), &batch)?;
        sent += n as u64;
        if n == 0 {
            std::thread::sleep(Duration::from_micros(20));
        }
    }
    // every frame completed: it has left the NIC
    let limit = Duration::from_secs(10) + Duration::from_millis(total);
    let posted = Instant::now();
    while dp.tx[0].stats.completed < total {
        if dp.tx[0].reap(dev.io())? == 0 {
            if posted.elapsed() > limit {
                return Err(HostError::Sim {
                    device: dev.name().to_string(),
                    detail: format!(
                        "transmit queue {} completed {} of {total} frames in {limit:?}",
                        a.queue, dp.tx[0].stats.completed
                    ),
                });
            }
            std::thread::sleep(Duration::from_micros(50));
        }
    }
    let secs = start.elapsed().as_secs_f64();
    dp.close(dev)?;
    let st = dp.tx[0].stats;
    let v = json!({
        "queue": a.queue, "frames": st.frames, "bytes": st.bytes, "completed": st.completed,
        "doorbells": st.doorbells, "seconds": secs,
        "mpps": st.frames as f64 / secs / 1e6,
    });
    o.emit(&v, || {
        format!(
            "txq{}: {} frames ({} bytes) sent and completed in {secs:.3} s ({:.3} Mpps), {} doorbells\n",
            a.queue,
            st.frames,
            st.bytes,
            st.frames as f64 / secs / 1e6,
            st.doorbells
        )
    });
    Ok(exit::OK)
}

pub(super) fn show_queues(dev: &mut Device, o: &mut Out<'_>) -> Result<u8, HostError> {
    let regs = QueueRegs::of_device(dev)?;
    let io = dev.io();
    let mut rows = Vec::new();
    for (dir, rings) in [("rx", &regs.rx), ("tx", &regs.tx)] {
        for (q, r) in rings.iter().enumerate() {
            let ctrl = io.read32(r.ctrl)?;
            let base = u64::from(io.read32(r.base_hi)?) << 32 | u64::from(io.read32(r.base_lo)?);
            let (prod, cons) = (io.read32(r.prod)? as u16, io.read32(r.cons)? as u16);
            rows.push(json!({
                "ring": format!("{dir}{q}"),
                "enabled": ctrl & ferronic_regmap::ring_ctrl::ENABLE != 0,
                "log_size": (ctrl >> ferronic_regmap::ring_ctrl::LOG_SIZE_SHIFT) & 0xf,
                "cq": (ctrl >> ferronic_regmap::ring_ctrl::CQ_SHIFT) & 0xff,
                "base": base, "prod": prod, "cons": cons,
                "in_flight": prod.wrapping_sub(cons),
            }));
        }
    }
    let mut cqs = Vec::new();
    for (c, r) in regs.cq.iter().enumerate() {
        let ctrl = io.read32(r.ctrl)?;
        let (prod, cons) = (io.read32(r.prod)? as u16, io.read32(r.cons)? as u16);
        cqs.push(json!({
            "cq": c,
            "enabled": ctrl & ferronic_regmap::cq_ctrl::ENABLE != 0,
            "log_size": (ctrl >> ferronic_regmap::cq_ctrl::LOG_SIZE_SHIFT) & 0xf,
            "vector": (ctrl >> ferronic_regmap::cq_ctrl::VECTOR_SHIFT) & 0xff,
            "prod": prod, "cons": cons, "unread": prod.wrapping_sub(cons),
        }));
    }
    for (q, row) in rows.iter_mut().take(regs.rx.len()).enumerate() {
        row["drops"] = dev.read_reg(&format!("rxq.Q{q}_DROPS"))?.into();
    }
    let v = json!({ "rings": rows, "completion_queues": cqs });
    o.emit(&v, || {
        let mut t = table(&[
            "ring",
            "on",
            "size",
            "cq",
            "base",
            "prod",
            "cons",
            "in flight",
            "drops",
        ]);
        let size = |r: &serde_json::Value| {
            if r["enabled"] == true {
                format!("2^{}", r["log_size"])
            } else {
                "-".into()
            }
        };
        for r in &rows {
            t.add_row(vec![
                r["ring"].as_str().unwrap_or("").to_string(),
                if r["enabled"] == true { "yes" } else { "no" }.into(),
                size(r),
                r["cq"].to_string(),
                format!("{:#x}", r["base"].as_u64().unwrap_or(0)),
                r["prod"].to_string(),
                r["cons"].to_string(),
                r["in_flight"].to_string(),
                r.get("drops").map_or("-".into(), |d| d.to_string()),
            ]);
        }
        let mut c = table(&["cq", "on", "size", "vector", "prod", "cons", "unread"]);
        for r in &cqs {
            c.add_row(vec![
                r["cq"].to_string(),
                if r["enabled"] == true { "yes" } else { "no" }.into(),
                size(r),
                r["vector"].to_string(),
                r["prod"].to_string(),
                r["cons"].to_string(),
                r["unread"].to_string(),
            ]);
        }
        format!("{t}\n\n{c}\n")
    });
    Ok(exit::OK)
}

pub(super) fn netdev(
    dev: &mut Device,
    a: crate::netdev::NetdevArgs,
    o: &mut Out<'_>,
) -> Result<u8, HostError> {
    if !o.json {
        eprintln!(
            "nicctl netdev: {} up{}; Ctrl-C stops",
            a.name,
            a.addr
                .as_deref()
                .map(|s| format!(", {s}"))
                .unwrap_or_default()
        );
    }
    let st = crate::netdev::run(dev, &a)?;
    o.emit(&json!(st), || {
        format!(
            "{}: {} frames to the kernel, {} from it; {} bad dropped, {} refused, {} dropped on a full ring; \
             gate held {} (released {}, expired {}, overflow {})\n",
            a.name, st.to_kernel, st.from_kernel, st.bad, st.refused, st.tx_dropped,
            st.gate.held, st.gate.released, st.gate.expired, st.gate.overflow
        )
    });
    Ok(exit::OK)
}
