//! `nicsim tap`: the simulated card's Ethernet port on a TAP device in a
//! network namespace of its own, while the card serves the register socket
//! and its host memory (`nicsim serve --dma`) for a driver.
//!
//! - **Wire side** (namespace `PREFIX-wire`, device `wire0`): a frame the
//!   client's kernel sends is padded to 60 bytes and given its FCS, as a
//!   MAC would, and enters the `nic` top's `s_axis`. What leaves on its
//!   `m_axis_tx` (host transmit through the DMA rings, and the handshake
//!   engine's SYN-ACKs and RSTs) reaches the client with the FCS removed;
//!   a frame sent marked bad is dropped and counted, as the client's MAC
//!   would drop it for its FCS.
//! - **Host side**: `nicctl netdev` (in namespace `PREFIX-host`, made here
//!   empty for it) presents the card to the host kernel through the DMA
//!   rings, exactly as it does on a card, and holds segments of
//!   connections the NIC established until `nicctl adopt` takes them.

use crate::dma::top::TopOpts;
use crate::model::frame::append_fcs;
use crate::tools::netns::Netns;
use crate::tools::serve_dma::{DmaNic, HostMem};
use crate::tools::tap::Tap;
use ferronic_simlink::{Handler, Reply, Request};
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Frames read from the TAP device per wake-up.
const BATCH: usize = 64;

/// Minimum Ethernet frame without FCS (IEEE 802.3 clause 3.2.8 padding).
const MIN_FRAME: usize = 60;

/// Set by SIGINT/SIGTERM; the bridge then stops cleanly (namespaces go).
static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::Relaxed);
}

/// Makes SIGINT and SIGTERM stop [`TapBridge`] at its next wake-up
/// (within 100 ms) instead of killing the process, so the namespaces and
/// devices are removed.
pub fn stop_on_signals() {
    // SAFETY: the handler only stores to an atomic (async-signal-safe).
    unsafe {
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
    }
}

/// Names and addresses of the two sides.
#[derive(Clone, Debug)]
pub struct TapConfig {
    /// Namespace name prefix: `PREFIX-wire` and `PREFIX-host`.
    pub prefix: String,
    /// Client address on the wire side, CIDR, in 198.18.0.0/15.
    pub wire_addr: String,
    /// The card's host memory file (`nicsim serve --dma --mem`).
    pub mem: PathBuf,
    /// Its size in bytes.
    pub mem_bytes: u64,
    /// One line per frame on stderr.
    pub verbose: bool,
}

/// Device name on the wire side (the client's interface).
pub const WIRE_DEV: &str = "wire0";

/// Frame counts, printed when the bridge stops.
#[derive(Clone, Copy, Debug, Default)]
pub struct BridgeStats {
    /// Frames from the client into `s_axis`.
    pub wire_in: u64,
    /// Frames from `m_axis_tx` to the client.
    pub wire_out: u64,
    /// Frames sent marked bad (`m_axis_tx_tuser`), dropped.
    pub bad: u64,
    /// Frames the client's kernel could not take (device down), dropped.
    pub refused: u64,
}

/// Who put a frame on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WireSource {
    /// The client's kernel (into `s_axis`).
    Client,
    /// The card (`m_axis_tx`: the handshake engine, or the host through a
    /// transmit ring).
    Nic,
}

/// One frame of the wire-side log, FCS included.
#[derive(Clone, Debug)]
pub struct WireFrame {
    /// Time since the Unix epoch.
    pub timestamp: Duration,
    /// Its origin.
    pub source: WireSource,
    /// Frame bytes with FCS.
    pub data: Vec<u8>,
}

/// Frames kept in the wire log at most (the oldest go first).
pub const WIRE_LOG: usize = 100_000;

/// The bridge: the simulated card and its port's TAP device.
pub struct TapBridge {
    nic: DmaNic,
    wire: Tap,
    verbose: bool,
    /// Frame counts.
    pub stats: BridgeStats,
    /// Every frame on the wire side, both directions, when logging is on.
    pub wire_log: Option<std::collections::VecDeque<WireFrame>>,
    // dropped last, after the device
    _ns: (Netns, Netns),
}

/// The address part of a CIDR string, checked to lie in 198.18.0.0/15.
///
/// # Errors
/// Not an IPv4 CIDR, or outside 198.18.0.0/15.
pub fn check_addr(cidr: &str) -> io::Result<std::net::Ipv4Addr> {
    let bad = |why: &str| io::Error::new(io::ErrorKind::InvalidInput, format!("{cidr}: {why}"));
    let (a, len) = cidr
        .split_once('/')
        .ok_or_else(|| bad("expected ADDR/LEN"))?;
    let a: std::net::Ipv4Addr = a.parse().map_err(|_| bad("not an IPv4 address"))?;
    let len: u8 = len.parse().map_err(|_| bad("bad prefix length"))?;
    if !(15..=30).contains(&len) || u32::from(a) >> 17 != u32::from_be_bytes([198, 18, 0, 0]) >> 17
    {
        return Err(bad(
            "use an address of 198.18.0.0/15 (RFC 2544), prefix 15..30",
        ));
    }
    Ok(a)
}

impl TapBridge {
    /// Creates both namespaces (stale ones of the same name are replaced),
    /// the wire-side TAP device and its address, and a freshly reset card
    /// with its host memory file.
    ///
    /// # Errors
    /// Namespaces or TAP devices not permitted (not root), `ip` failing,
    /// an address outside 198.18.0.0/15, the memory file.
    pub fn new(cfg: &TapConfig) -> io::Result<TapBridge> {
        check_addr(&cfg.wire_addr)?;
        let wns = Netns::new(&format!("{}-wire", cfg.prefix))?;
        let hns = Netns::new(&format!("{}-host", cfg.prefix))?;
        let wire = crate::tools::tap::create_in(&wns, WIRE_DEV, &cfg.wire_addr)?;
        let mem = HostMem::create(&cfg.mem, cfg.mem_bytes)?;
        let nic = DmaNic::new(&TopOpts::default(), mem, false)?;
        Ok(TapBridge {
            nic,
            wire,
            verbose: cfg.verbose,
            stats: BridgeStats::default(),
            wire_log: None,
            _ns: (wns, hns),
        })
    }

    /// The wire-side and host-side namespace names.
    pub fn namespaces(&self) -> (&str, &str) {
        (&self._ns.0.name, &self._ns.1.name)
    }

    /// The simulated card.
    pub fn nic(&mut self) -> &mut DmaNic {
        &mut self.nic
    }

    fn log(&mut self, source: WireSource, data: &[u8]) {
        if let Some(l) = &mut self.wire_log {
            if l.len() == WIRE_LOG {
                l.pop_front();
            }
            l.push_back(WireFrame {
                timestamp: std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default(),
                source,
                data: data.to_vec(),
            });
        }
    }

    fn pump_wire(&mut self) -> io::Result<()> {
        for _ in 0..BATCH {
            let Some(mut f) = self.wire.recv()? else {
                break;
            };
            f.resize(f.len().max(MIN_FRAME), 0);
            let f = append_fcs(&f);
            self.log(WireSource::Client, &f);
            if self.verbose {
                eprintln!("client -> wire: {} B", f.len());
            }
            self.stats.wire_in += 1;
            self.nic.top().receive(f);
        }
        Ok(())
    }

    fn pump_nic(&mut self) -> io::Result<()> {
        let sent: Vec<_> = self.nic.top().sent.drain(..).collect();
        for f in sent {
            if self.verbose {
                eprintln!(
                    "nic -> wire: {} B{}",
                    f.data.len(),
                    if f.bad { ", bad" } else { "" }
                );
            }
            if f.bad {
                self.stats.bad += 1;
                continue;
            }
            self.log(WireSource::Nic, &f.data);
            if self.wire.send(&f.data[..f.data.len().saturating_sub(4)])? {
                self.stats.wire_out += 1;
            } else {
                self.stats.refused += 1;
            }
        }
        Ok(())
    }
}

impl Handler for TapBridge {
    fn handle(&mut self, req: Request) -> Reply {
        self.nic.handle(req)
    }

    fn extra_fds(&self) -> Vec<RawFd> {
        vec![self.wire.as_raw_fd()]
    }

    fn on_ready(&mut self, _fd: RawFd) -> io::Result<()> {
        self.pump_wire()
    }

    fn busy(&self) -> bool {
        self.nic.busy()
    }

    fn on_tick(&mut self) -> io::Result<()> {
        self.nic.on_tick()?;
        self.pump_nic()?;
        if STOP.load(Ordering::Relaxed) {
            return Err(io::Error::new(
                io::ErrorKind::Interrupted,
                "stopped by a signal",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::check_addr;

    #[test]
    fn addresses_must_be_benchmarking_space() {
        assert!(check_addr("198.18.0.1/24").is_ok());
        assert!(check_addr("198.19.255.1/24").is_ok());
        assert!(check_addr("198.20.0.1/24").is_err());
        assert!(check_addr("10.0.0.1/24").is_err());
        assert!(check_addr("198.18.0.1").is_err());
        assert!(check_addr("198.18.0.1/8").is_err());
    }
}
