//! `nicctl bench`: a pktgen-style load through the DMA rings. UDP/IPv4
//! frames of each size leave on the transmit queues (round robin) and are
//! counted as they come back on the receive queues, so the port needs a
//! loopback: a plug or cable on a card, `nicsim serve --dma --loopback`
//! in simulation. Prints transmit and receive Mpps and Gb/s (frame bytes,
//! FCS included), the frames lost and the NIC's drop counters.

use super::dma_cmds::{idle_wait, BATCH};
use super::{table, Out};
use crate::device::Device;
use crate::dma::port::SIM_CLOCK_HZ;
use crate::dma::session::Datapath;
use crate::dma::QueueRegs;
use crate::error::{exit, HostError};
use serde_json::json;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// `nicctl bench`.
#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// Frame sizes in bytes, FCS included (64..=9600), comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "64,512,1518")]
    size: Vec<usize>,
    /// Transmit queues used (0..N), round robin; every receive queue is read.
    #[arg(long, default_value_t = 1)]
    queues: usize,
    /// Frames per size.
    #[arg(long, default_value_t = 100_000)]
    count: u64,
    /// Give up on frames not back after SECS seconds without progress.
    #[arg(long, default_value_t = 5.0)]
    idle: f64,
}

/// A UDP/IPv4 frame of `size` bytes with its FCS (which the NIC appends),
/// source port `sport` (RSS spreads the flows).
fn frame(size: usize, sport: u16) -> Vec<u8> {
    let b = etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .ipv4([198, 18, 0, 1], [198, 18, 0, 2], 64)
        .udp(sport, 9);
    let payload = vec![0x5a; size - 4 - 14 - 20 - 8];
    let mut out = Vec::with_capacity(size);
    b.write(&mut out, &payload).expect("a Vec takes any frame");
    out
}

/// One size's outcome.
#[derive(Debug, serde::Serialize)]
struct Row {
    size: usize,
    sent: u64,
    received: u64,
    lost: u64,
    wrong_length: u64,
    nic_drops: u64,
    seconds: f64,
    tx_mpps: f64,
    tx_gbps: f64,
    rx_mpps: f64,
    rx_gbps: f64,
    /// A simulated card's clocks for the size, and the receive rate in its
    /// own time (156.25 MHz); `None` on a card.
    sim_clocks: Option<u64>,
    sim_rx_mpps: Option<f64>,
}

fn clocks(dev: &mut Device) -> Result<Option<u64>, HostError> {
    match dev.io().dma() {
        Some(p) => p.clocks(),
        None => Ok(None),
    }
}

fn drops(dev: &mut Device, n: usize) -> Result<u64, HostError> {
    let mut d = 0u64;
    for q in 0..n {
        d += u64::from(dev.read_reg(&format!("rxq.Q{q}_DROPS"))?);
        d += u64::from(dev.read_reg(&format!("rxq.Q{q}_FULL"))?);
    }
    Ok(d)
}

fn one(dev: &mut Device, dp: &mut Datapath, size: usize, a: &BenchArgs) -> Result<Row, HostError> {
    let frames: Vec<Vec<u8>> = (0..64).map(|i| frame(size, 1024 + i)).collect();
    let nrx = dp.rx.len();
    let d0 = drops(dev, nrx)?;
    let c0 = clocks(dev)?;
    let bar = (std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new(a.count);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} [{bar:30}] {pos}/{len} frames {per_sec}",
            )
            .expect("template"),
        );
        b.set_message(format!("{size:>5} B"));
        b
    });
    let (mut sent, mut received, mut wrong) = (0u64, 0u64, 0u64);
    let (start, mut last, mut spins, mut next_q) = (Instant::now(), Instant::now(), 0, 0);
    let mut sent_at = start.elapsed();
    while received < a.count {
        let mut moved = 0;
        if sent < a.count {
            let ntx = dp.tx.len();
            let q = &mut dp.tx[next_q % ntx];
            next_q += 1;
            let take = (a.count - sent).min(BATCH as u64) as usize;
            let batch: Vec<&[u8]> = (0..take)
                .map(|k| frames[(sent as usize + k) % frames.len()].as_slice())
                .collect();
            let n = q.send(dev.io(), &batch)?;
            sent += n as u64;
            moved += n;
            if sent == a.count {
                sent_at = start.elapsed();
            }
        }
        for q in &mut dp.rx {
            moved += q.recv(dev.io(), BATCH, |p| {
                received += 1;
                wrong += u64::from(p.data.len() != size);
            })?;
        }
        if let Some(b) = &bar {
            b.set_position(received);
        }
        if moved > 0 {
            (last, spins) = (Instant::now(), 0);
        } else if last.elapsed().as_secs_f64() > a.idle {
            break;
        } else {
            idle_wait(dev, dp, false, &mut spins)?;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let tx_secs = sent_at.as_secs_f64().max(1e-9);
    let gbps = |n: u64, s: f64| (n * size as u64 * 8) as f64 / s / 1e9;
    let sim_clocks = c0.zip(clocks(dev)?).map(|(a, b)| b - a);
    let sim_rx_mpps = sim_clocks
        .filter(|&c| c > 0)
        .map(|c| received as f64 / (c as f64 / SIM_CLOCK_HZ) / 1e6);
    Ok(Row {
        size,
        sent,
        received,
        lost: sent - received.min(sent),
        wrong_length: wrong,
        nic_drops: drops(dev, nrx)? - d0,
        seconds: secs,
        tx_mpps: sent as f64 / tx_secs / 1e6,
        tx_gbps: gbps(sent, tx_secs),
        rx_mpps: received as f64 / secs / 1e6,
        rx_gbps: gbps(received, secs),
        sim_clocks,
        sim_rx_mpps,
    })
}

pub(super) fn bench(dev: &mut Device, a: BenchArgs, o: &mut Out<'_>) -> Result<u8, HostError> {
    if let Some(s) = a.size.iter().find(|&&s| !(64..=9600).contains(&s)) {
        return Err(HostError::Invalid {
            what: format!("--size {s}"),
            why: "frame sizes are 64..=9600 bytes, FCS included".into(),
        });
    }
    let regs = QueueRegs::of_device(dev)?;
    if a.queues == 0 || a.queues > regs.tx.len() {
        return Err(HostError::Invalid {
            what: format!("--queues {}", a.queues),
            why: format!("1..={} transmit queues", regs.tx.len()),
        });
    }
    let rx: Vec<usize> = (0..regs.rx.len()).collect();
    let tx: Vec<usize> = (0..a.queues).collect();
    let mut dp = super::dma_cmds::open(dev, &rx, &tx)?;
    let mut rows = Vec::new();
    for &size in &a.size {
        rows.push(one(dev, &mut dp, size, &a)?);
    }
    // the last completions, so the rings close idle
    let until = Instant::now() + Duration::from_secs(2);
    while dp.tx.iter().any(|q| q.in_flight() > 0) && Instant::now() < until {
        for q in &mut dp.tx {
            q.reap(dev.io())?;
        }
    }
    dp.close(dev)?;
    let lost = rows.iter().any(|r| r.lost > 0 || r.wrong_length > 0);
    o.emit(&json!({ "queues": a.queues, "rows": rows }), || {
        let mut t = table(&[
            "size",
            "sent",
            "received",
            "lost",
            "NIC drops",
            "tx Mpps",
            "tx Gb/s",
            "rx Mpps",
            "rx Gb/s",
        ]);
        for r in &rows {
            t.add_row(vec![
                r.size.to_string(),
                r.sent.to_string(),
                r.received.to_string(),
                r.lost.to_string(),
                r.nic_drops.to_string(),
                format!("{:.3}", r.tx_mpps),
                format!("{:.3}", r.tx_gbps),
                format!("{:.3}", r.rx_mpps),
                format!("{:.3}", r.rx_gbps),
            ]);
        }
        let mut s = format!("{t}\n");
        for r in rows.iter().filter(|r| r.sim_clocks.is_some()) {
            s += &format!(
                "{:>5} B: {} clocks of the simulated card, {:.3} Mpps received in its time (156.25 MHz)\n",
                r.size,
                r.sim_clocks.unwrap_or(0),
                r.sim_rx_mpps.unwrap_or(0.0)
            );
        }
        s
    });
    Ok(if lost { exit::CHECK_FAILED } else { exit::OK })
}
