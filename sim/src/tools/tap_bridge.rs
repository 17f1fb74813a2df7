//! `nicsim tap`: the simulated NIC between two TAP devices, each in a
//! network namespace of its own, while it also serves the register socket
//! (`nicctl --device sim:PATH`).
//!
//! - **Wire side** (namespace `PREFIX-wire`, device `wire0`): the NIC's
//!   Ethernet port. A frame the client's kernel sends is padded to 60 bytes
//!   and given its FCS, as a MAC would, and enters `s_axis`. What the core
//!   sends to its MAC (`m_axis_tx`: host transmit and the handshake
//!   engine's SYN-ACKs and RSTs) reaches the client with the FCS removed.
//! - **Host side** (namespace `PREFIX-host`, device `fnic0`): the host
//!   interface as a netdev driver would present it. Frames the core
//!   delivers to its receive queues (`m_axis`, any queue) enter the
//!   server's kernel without FCS; frames flagged bad (`tuser[0]`) are
//!   dropped and counted, as a driver does. Frames the server's kernel
//!   sends go to transmit queue 0 (`s_axis_tx`).
//! - Between the two: the [`Gate`] a driver needs so that connections the
//!   NIC established are not reset before `nicctl adopt` takes them.

use crate::model::frame::append_fcs;
use crate::tools::netns::Netns;
use crate::tools::serve::SimNic;
use crate::tools::tap::Tap;
use crate::tools::tap_gate::{Gate, GateStats};
use ferronic_regmap::tag::tuser;
use ferronic_simlink::{Handler, Reply, Request};
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Frames read from one TAP device per simulation run.
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
    /// Server address on the host side, CIDR, in 198.18.0.0/15.
    pub host_addr: String,
    /// Longest time the gate holds a frame.
    pub hold: Duration,
    /// One line per frame on stderr.
    pub verbose: bool,
}

/// Device name on the wire side (the client's interface).
pub const WIRE_DEV: &str = "wire0";
/// Device name on the host side (the server's interface to the NIC).
pub const HOST_DEV: &str = "fnic0";

/// Frame counts, printed when the bridge stops.
#[derive(Clone, Copy, Debug, Default)]
pub struct BridgeStats {
    /// Frames from the client into `s_axis`.
    pub wire_in: u64,
    /// Frames from `m_axis_tx` to the client.
    pub wire_out: u64,
    /// Frames from `m_axis` to the server's kernel.
    pub host_in: u64,
    /// Frames from the server's kernel into `s_axis_tx`.
    pub host_out: u64,
    /// Frames the core flagged bad, dropped.
    pub bad: u64,
    /// Frames a kernel could not take (device down), dropped.
    pub refused: u64,
}

/// Who put a frame on the wire side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WireSource {
    /// The client's kernel (into `s_axis`).
    Client,
    /// The handshake engine (`m_axis_tx` during a receive run).
    Engine,
    /// The server's kernel, through transmit queue 0.
    Host,
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

/// The bridge: the simulated NIC, both TAP devices, the gate.
pub struct TapBridge {
    nic: SimNic,
    wire: Tap,
    host: Tap,
    gate: Gate,
    verbose: bool,
    /// Frame counts.
    pub stats: BridgeStats,
    /// Every frame on the wire side, both directions, when logging is on.
    pub wire_log: Option<std::collections::VecDeque<WireFrame>>,
    // dropped last, after the devices
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
    /// their TAP devices and addresses, and a freshly reset core.
    ///
    /// # Errors
    /// Namespaces or TAP devices not permitted (not root), `ip` failing,
    /// addresses outside 198.18.0.0/15, the core failing to start.
    pub fn new(cfg: &TapConfig) -> io::Result<TapBridge> {
        check_addr(&cfg.wire_addr)?;
        check_addr(&cfg.host_addr)?;
        let wns = Netns::new(&format!("{}-wire", cfg.prefix))?;
        let hns = Netns::new(&format!("{}-host", cfg.prefix))?;
        let wire = Tap::create_in(&wns, WIRE_DEV, &cfg.wire_addr)?;
        let host = Tap::create_in(&hns, HOST_DEV, &cfg.host_addr)?;
        let nic = SimNic::new().map_err(io::Error::other)?;
        Ok(TapBridge {
            nic,
            wire,
            host,
            gate: Gate::new(cfg.hold),
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

    /// What the gate did.
    pub fn gate_stats(&self) -> GateStats {
        self.gate.stats
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

    fn send_client(&mut self, source: WireSource, frame: &[u8]) -> io::Result<()> {
        self.log(source, frame);
        let body = &frame[..frame.len().saturating_sub(4)];
        if self.wire.send(body)? {
            self.stats.wire_out += 1;
        } else {
            self.stats.refused += 1;
        }
        Ok(())
    }

    fn send_server(&mut self, body: &[u8]) -> io::Result<()> {
        if self.host.send(body)? {
            self.stats.host_in += 1;
        } else {
            self.stats.refused += 1;
        }
        Ok(())
    }

    /// Runs the core on `req`, failing on an error reply.
    fn run(
        &mut self,
        req: Request,
    ) -> io::Result<(Vec<ferronic_simlink::Frame>, Vec<ferronic_simlink::Frame>)> {
        match self.nic.handle(req) {
            Reply::Frames { frames, wire, .. } => Ok((frames, wire)),
            Reply::Error { message, .. } => Err(io::Error::other(message)),
            other => Err(io::Error::other(format!("unexpected reply {other:?}"))),
        }
    }

    fn pump_wire(&mut self) -> io::Result<()> {
        let mut batch = Vec::new();
        while batch.len() < BATCH {
            let Some(mut f) = self.wire.recv()? else {
                break;
            };
            f.resize(f.len().max(MIN_FRAME), 0);
            let f = append_fcs(&f);
            self.log(WireSource::Client, &f);
            batch.push(f);
        }
        if batch.is_empty() {
            return Ok(());
        }
        self.stats.wire_in += batch.len() as u64;
        let (frames, wire) = self.run(Request::Rx { frames: batch })?;
        let now = Instant::now();
        for f in frames {
            if self.verbose {
                eprintln!(
                    "wire -> host: {} B, queue {}, tuser {:#04x}",
                    f.data.len(),
                    f.queue,
                    f.tuser
                );
            }
            if f.tuser & tuser::BAD != 0 {
                self.stats.bad += 1;
                continue;
            }
            let body = f.data[..f.data.len().saturating_sub(4)].to_vec();
            if let Some(b) = self.gate.deliver(body, now) {
                self.send_server(&b)?;
            }
        }
        for f in wire {
            if self.verbose {
                eprintln!("engine -> wire: {} B", f.data.len());
            }
            self.send_client(WireSource::Engine, &f.data)?;
        }
        Ok(())
    }

    fn pump_host(&mut self) -> io::Result<()> {
        let mut batch = Vec::new();
        let now = Instant::now();
        while batch.len() < BATCH {
            let Some(mut f) = self.host.recv()? else {
                break;
            };
            for r in self.gate.host_sent(&f, now) {
                self.send_server(&r)?;
            }
            f.resize(f.len().max(MIN_FRAME), 0);
            batch.push(f);
        }
        if batch.is_empty() {
            return Ok(());
        }
        self.stats.host_out += batch.len() as u64;
        let (frames, _) = self.run(Request::Tx {
            queue: 0,
            frames: batch,
        })?;
        for f in frames {
            if self.verbose {
                eprintln!("host -> wire: {} B", f.data.len());
            }
            self.send_client(WireSource::Host, &f.data)?;
        }
        Ok(())
    }
}

impl Handler for TapBridge {
    fn handle(&mut self, req: Request) -> Reply {
        self.nic.handle(req)
    }

    fn extra_fds(&self) -> Vec<RawFd> {
        vec![self.wire.as_raw_fd(), self.host.as_raw_fd()]
    }

    fn on_ready(&mut self, fd: RawFd) -> io::Result<()> {
        if fd == self.wire.as_raw_fd() {
            self.pump_wire()
        } else {
            self.pump_host()
        }
    }

    fn on_tick(&mut self) -> io::Result<()> {
        for f in self.gate.expire(Instant::now()) {
            self.send_server(&f)?;
        }
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
