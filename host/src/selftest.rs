//! `nicctl selftest`: bring-up checks, each PASSED, FAILED or SKIPPED
//! (like `xbutil validate`). Every test restores what it changed.

use crate::device::Device;
use crate::error::HostError;
use etherparse::PacketBuilder;
use ferronic_regmap::tag::{tuser, TagFormat, TagMode};
use ferronic_regmap::{ctrl, MAGIC};

/// CRC-32 of IEEE 802.3 clause 3.2.9 (the FCS), reflected, init and
/// final XOR all ones.
pub const ETH_CRC: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);

/// Outcome of one test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Outcome {
    /// It worked.
    Passed,
    /// It did not.
    Failed,
    /// It cannot run on this device.
    Skipped,
}

/// One test's result.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TestResult {
    /// Test name.
    pub name: &'static str,
    /// Outcome.
    pub outcome: Outcome,
    /// What was measured, or why it failed or was skipped.
    pub detail: String,
}

/// `body` with its FCS appended (little-endian, IEEE 802.3 clause 3.2.9).
pub fn with_fcs(body: &[u8]) -> Vec<u8> {
    let mut f = body.to_vec();
    f.extend_from_slice(&ETH_CRC.checksum(body).to_le_bytes());
    f
}

/// True when `frame` (FCS included) has a valid FCS.
pub fn fcs_ok(frame: &[u8]) -> bool {
    frame.len() >= 4
        && ETH_CRC.checksum(&frame[..frame.len() - 4]).to_le_bytes() == frame[frame.len() - 4..]
}

/// An Ethernet/IPv4/UDP frame of flow `flow` with `payload` bytes, no FCS
/// (addresses from 198.18.0.0/15, RFC 2544).
pub fn udp_frame(flow: u16, payload: usize) -> Vec<u8> {
    let mut f = Vec::new();
    PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .ipv4(
            [198, 18, (flow >> 8) as u8, flow as u8],
            [198, 19, 0, 1],
            64,
        )
        .udp(10_000 + flow, 4791)
        .write(&mut f, &vec![0xA5; payload])
        .expect("frame builds");
    f
}

fn result(name: &'static str, r: Result<Result<String, String>, HostError>) -> TestResult {
    let (outcome, detail) = match r {
        Ok(Ok(d)) => (Outcome::Passed, d),
        Ok(Err(d)) => (Outcome::Failed, d),
        Err(e) => (Outcome::Failed, format!("{e} (fix: {})", e.fix())),
    };
    TestResult {
        name,
        outcome,
        detail,
    }
}

fn skipped(name: &'static str, why: &str) -> TestResult {
    TestResult {
        name,
        outcome: Outcome::Skipped,
        detail: why.into(),
    }
}

const NO_FRAMES: &str = "needs frame injection (the simulated NIC); on a board, send traffic from the link partner and watch `nicctl counters`";

/// Runs every test.
pub fn selftest(dev: &mut Device) -> Vec<TestResult> {
    let mut out = vec![
        result("identity", identity(dev)),
        result("scratch", scratch(dev)),
        result("counters", counters(dev)),
    ];
    if dev.io().frames().is_some() {
        out.push(result("traffic", traffic(dev)));
        out.push(result("transmit", transmit(dev)));
    } else {
        out.push(skipped("traffic", NO_FRAMES));
        out.push(skipped("transmit", NO_FRAMES));
    }
    out
}

/// Magic, map hash and the block chain against this tool's map.
fn identity(dev: &mut Device) -> Result<Result<String, String>, HostError> {
    let magic = dev.read_reg("identity.MAGIC")?;
    let hash = dev.read_reg("identity.MAP_HASH")?;
    let missing: Vec<&str> = dev
        .map
        .blocks
        .iter()
        .filter(|b| {
            !dev.found
                .blocks
                .iter()
                .any(|f| f.name.as_ref() == Some(&b.name))
        })
        .map(|b| b.name.as_str())
        .collect();
    Ok(if magic != MAGIC {
        Err(format!("magic {magic:#010x}, expected {MAGIC:#010x}"))
    } else if hash != dev.map.hash {
        Err(format!(
            "map hash {hash:#010x}, this tool's {:#010x}: the bitstream was built from another register map",
            dev.map.hash
        ))
    } else if !missing.is_empty() {
        Err(format!("blocks missing: {}", missing.join(", ")))
    } else {
        Ok(format!(
            "magic {magic:#010x}, map hash {hash:#010x}, {} blocks",
            dev.found.blocks.len()
        ))
    })
}

/// Patterns through `identity.SCRATCH`: all zeros, all ones, alternating,
/// walking one; the old value is restored.
fn scratch(dev: &mut Device) -> Result<Result<String, String>, HostError> {
    let old = dev.read_reg("identity.SCRATCH")?;
    let mut pats = vec![0, u32::MAX, 0xA5A5_A5A5, 0x5A5A_5A5A, 0x1234_5678];
    pats.extend((0..32).map(|b| 1u32 << b));
    let mut bad = Vec::new();
    for &p in &pats {
        dev.write_reg("identity.SCRATCH", p)?;
        let r = dev.read_reg("identity.SCRATCH")?;
        if r != p {
            bad.push(format!("wrote {p:#010x} read {r:#010x}"));
        }
    }
    dev.write_reg("identity.SCRATCH", old)?;
    Ok(if bad.is_empty() {
        Ok(format!("{} patterns read back", pats.len()))
    } else {
        Err(bad.join("; "))
    })
}

/// CLEAR zeroes every counter (on a board with traffic running, only
/// that no counter went up by more than it could in the meantime is
/// checked: the frame counters may move).
fn counters(dev: &mut Device) -> Result<Result<String, String>, HostError> {
    let before = dev.counters()?;
    dev.clear_counters()?;
    let after = dev.counters()?;
    let idle = dev.io().frames().is_some();
    let bad: Vec<String> = before
        .iter()
        .zip(&after)
        .filter(|((_, b), (_, a))| {
            if idle {
                *a != 0
            } else {
                *a > *b && *b > 0 && *a - *b > 1 << 32
            }
        })
        .map(|((n, b), (_, a))| format!("{n} {b} -> {a}"))
        .collect();
    Ok(if bad.is_empty() {
        Ok(format!("{} counters cleared", after.len()))
    } else {
        Err(format!("not cleared: {}", bad.join(", ")))
    })
}

/// 64 good frames of 16 flows and 4 with a bad FCS through the receive
/// path: every good frame delivered with a valid FCS, and FRAMES_IN,
/// FRAMES_OUT, BAD_FCS and the per-queue counters move by exactly that.
fn traffic(dev: &mut Device) -> Result<Result<String, String>, HostError> {
    let ctrl_old = dev.read_reg("datapath.CTRL")?;
    dev.write_reg(
        "datapath.CTRL",
        (ctrl_old & ctrl::TX_ENABLE)
            | ctrl::ENABLE
            | u32::from(TagFormat::None.code()) << ctrl::FORMAT_SHIFT
            | u32::from(TagMode::Pass.code()) << ctrl::MODE_SHIFT,
    )?;
    dev.clear_counters()?;
    let mut frames: Vec<Vec<u8>> = (0..64)
        .map(|i| with_fcs(&udp_frame(i % 16, 18 + 7 * i as usize)))
        .collect();
    let bytes: u64 = frames.iter().map(|f| f.len() as u64).sum();
    for i in 0..4 {
        let mut f = with_fcs(&udp_frame(100 + i, 100));
        let n = f.len();
        f[n - 1] ^= 0x80;
        frames.push(f);
    }
    let sent = frames.len() as u64;
    let port = dev.io().frames().expect("checked by the caller");
    let out = port.rx(frames)?.host;
    dev.write_reg("datapath.CTRL", ctrl_old)?;
    let good = out
        .iter()
        .filter(|f| f.tuser & tuser::BAD == 0 && fcs_ok(&f.data))
        .count() as u64;
    let flagged = out.iter().filter(|f| f.tuser & tuser::FCS_ERR != 0).count() as u64;
    let rxq: u64 = (0..dev.map.params.rx_queues)
        .map(|q| dev.counter(&format!("RXQ{q}_FRAMES")))
        .sum::<Result<u64, _>>()?;
    let rxb: u64 = (0..dev.map.params.rx_queues)
        .map(|q| dev.counter(&format!("RXQ{q}_BYTES")))
        .sum::<Result<u64, _>>()?;
    let got = (
        dev.counter("FRAMES_IN")?,
        dev.counter("FRAMES_OUT")?,
        dev.counter("BAD_FCS")?,
    );
    let bad_bytes: u64 = out
        .iter()
        .filter(|f| f.tuser & tuser::BAD != 0)
        .map(|f| f.data.len() as u64)
        .sum();
    let want = (sent, sent, 4);
    Ok(if good != 64 || flagged != 4 {
        Err(format!(
            "{good} of 64 good frames and {flagged} of 4 bad-FCS frames came back as sent"
        ))
    } else if got != want || rxq != sent || rxb != bytes + bad_bytes {
        Err(format!(
            "counters (in, out, bad FCS) = {got:?}, expected {want:?}; queue frames {rxq} (expected {sent}), queue bytes {rxb} (expected {})",
            bytes + bad_bytes
        ))
    } else {
        Ok(format!(
            "{sent} frames in and out, 4 bad FCS flagged, counters exact"
        ))
    })
}

/// 8 frames to transmit queue 3: each leaves with a valid FCS appended
/// and TXQ3_FRAMES/TXQ3_BYTES count them.
fn transmit(dev: &mut Device) -> Result<Result<String, String>, HostError> {
    let ctrl_old = dev.read_reg("datapath.CTRL")?;
    dev.write_reg("datapath.CTRL", ctrl_old | ctrl::TX_ENABLE)?;
    dev.clear_counters()?;
    let frames: Vec<Vec<u8>> = (0..8)
        .map(|i| udp_frame(i, 40 + 100 * i as usize))
        .collect();
    let bytes: u64 = frames.iter().map(|f| f.len() as u64 + 4).sum();
    let port = dev.io().frames().expect("checked by the caller");
    let out = port.tx(3, frames.clone())?;
    dev.write_reg("datapath.CTRL", ctrl_old)?;
    let ok = out.len() == frames.len()
        && out
            .iter()
            .zip(&frames)
            .all(|(o, i)| fcs_ok(&o.data) && o.data[..o.data.len() - 4] == i[..]);
    let (n, b) = (dev.counter("TXQ3_FRAMES")?, dev.counter("TXQ3_BYTES")?);
    Ok(if !ok {
        Err(format!(
            "{} of 8 frames left with the payload and a valid FCS",
            out.len()
        ))
    } else if (n, b) != (8, bytes) {
        Err(format!("TXQ3 frames {n} bytes {b}, expected 8 and {bytes}"))
    } else {
        Ok(format!(
            "8 frames, {bytes} bytes with FCS, TXQ3 counters exact"
        ))
    })
}
