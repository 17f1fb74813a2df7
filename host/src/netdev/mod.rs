//! `nicctl netdev`: the NIC as a host network interface without a kernel
//! driver. A TAP device (`fnic0` by default) in the calling process's
//! network namespace: frames from every receive ring enter the kernel
//! (FCS removed; frames flagged bad dropped and counted, as a driver
//! does), frames the kernel sends leave through one transmit ring (padded
//! to 60 bytes; the NIC appends the FCS). The [`gate::Gate`] holds
//! segments of connections the NIC's handshake engine established until
//! `nicctl adopt` has given them a socket. The same code drives a card over
//! VFIO and the simulated card of `nicsim serve --dma` / `nicsim tap`.

pub mod gate;

use crate::device::Device;
use crate::dma::session::Datapath;
use crate::dma::QueueConfig;
use crate::error::HostError;
use ferronic_regmap::tag::tuser;
use ferronic_simlink::tap::Tap;
use gate::{Gate, GateStats};
use std::collections::VecDeque;
use std::os::fd::AsRawFd;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Frames moved per ring and per direction in one pass (one doorbell).
const BATCH: usize = 32;

/// Minimum Ethernet frame without FCS (IEEE 802.3 clause 3.2.8 padding).
const MIN_FRAME: usize = 60;

/// Frames from the kernel waiting for transmit descriptors at most;
/// beyond, they are dropped and counted (a full transmit ring).
const TX_BACKLOG: usize = 4096;

/// Set by SIGINT/SIGTERM: the loop ends, the rings are closed.
static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::Relaxed);
}

/// `nicctl netdev`.
#[derive(clap::Args, Debug)]
pub struct NetdevArgs {
    /// Interface name (1..=15 bytes).
    #[arg(long, default_value = "fnic0")]
    pub name: String,
    /// MAC address of the interface.
    #[arg(long, default_value = "02:fe:00:00:00:01")]
    pub mac: String,
    /// MTU, bytes (68..=9582: a 9,600-byte frame with header and FCS).
    #[arg(long, default_value_t = 1500,
          value_parser = clap::value_parser!(u32).range(68..=9582))]
    pub mtu: u32,
    /// IPv4 address for the interface, CIDR (none: configure it with `ip`).
    #[arg(long)]
    pub addr: Option<String>,
    /// Transmit queue the kernel's frames use.
    #[arg(long, default_value_t = 0)]
    pub tx_queue: usize,
    /// Longest time, in ms, a segment of a not yet adopted connection is
    /// held before the kernel gets it.
    #[arg(long, default_value_t = 2000)]
    pub hold_ms: u64,
    /// Stop after SECS seconds (default: at SIGINT or SIGTERM).
    #[arg(long)]
    pub duration: Option<f64>,
}

/// What `nicctl netdev` moved, printed when it stops.
#[derive(Clone, Copy, Debug, Default, serde::Serialize)]
pub struct NetdevStats {
    /// Frames from the receive rings into the kernel.
    pub to_kernel: u64,
    /// Frames from the kernel into the transmit ring.
    pub from_kernel: u64,
    /// Received frames flagged bad (`tuser` BAD: FCS or length), dropped.
    pub bad: u64,
    /// Frames the kernel did not take (interface down), dropped.
    pub refused: u64,
    /// Frames from the kernel dropped for a full transmit ring.
    pub tx_dropped: u64,
    /// The adoption gate's counts.
    pub gate: GateStats,
}

fn ip(args: &[&str]) -> Result<(), HostError> {
    let o = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| HostError::io("ip", "running", e))?;
    if !o.status.success() {
        let msg = String::from_utf8_lossy(&o.stderr).trim().to_string();
        return Err(HostError::io(
            "ip",
            "configuring the interface",
            std::io::Error::other(format!("ip {}: {msg}", args.join(" "))),
        ));
    }
    Ok(())
}

/// Creates the interface and configures it.
fn interface(a: &NetdevArgs) -> Result<Tap, HostError> {
    let tap = Tap::create(&a.name)
        .map_err(|e| HostError::io("/dev/net/tun", "creating the TAP device", e))?;
    let mtu = a.mtu.to_string();
    ip(&[
        "link", "set", "dev", &a.name, "address", &a.mac, "mtu", &mtu, "up",
    ])?;
    if let Some(addr) = &a.addr {
        ip(&["addr", "add", addr, "dev", &a.name])?;
    }
    Ok(tap)
}

fn send(tap: &mut Tap, st: &mut NetdevStats, frame: &[u8]) -> Result<(), HostError> {
    match tap.send(frame) {
        Ok(true) => st.to_kernel += 1,
        Ok(false) => st.refused += 1,
        Err(e) => return Err(HostError::io("/dev/net/tun", "writing a frame", e)),
    }
    Ok(())
}

/// Runs the interface until a signal or `--duration`; returns the counts.
///
/// # Errors
/// [`HostError::Permission`] without CAP_NET_ADMIN, the `ip` command's
/// failures, the datapath's errors (no DMA engine, memory).
pub fn run(dev: &mut Device, a: &NetdevArgs) -> Result<NetdevStats, HostError> {
    let nrx = crate::dma::QueueRegs::of_device(dev)?.rx.len();
    let rx: Vec<usize> = (0..nrx).collect();
    let mut dp = Datapath::open(dev, &rx, &[a.tx_queue], &QueueConfig::default())?;
    for n in &dp.notes {
        eprintln!("nicctl: note: {n}");
    }
    let mut tap = interface(a)?;
    // SAFETY: the handler only stores to an atomic (async-signal-safe).
    unsafe {
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
    }
    let mut gate = Gate::new(Duration::from_millis(a.hold_ms));
    let mut st = NetdevStats::default();
    let mut backlog: VecDeque<Vec<u8>> = VecDeque::new();
    let (start, mut wait_ms) = (Instant::now(), 0);
    while !STOP.load(Ordering::Relaxed)
        && a.duration.is_none_or(|d| start.elapsed().as_secs_f64() < d)
    {
        let now = Instant::now();
        let mut moved = 0;
        // the kernel's frames into the transmit ring
        for _ in 0..BATCH {
            let Some(mut f) = tap
                .recv()
                .map_err(|e| HostError::io("/dev/net/tun", "reading a frame", e))?
            else {
                break;
            };
            for r in gate.host_sent(&f, now) {
                send(&mut tap, &mut st, &r)?;
            }
            f.resize(f.len().max(MIN_FRAME), 0);
            if backlog.len() == TX_BACKLOG {
                st.tx_dropped += 1;
            } else {
                backlog.push_back(f);
            }
        }
        if !backlog.is_empty() {
            let batch: Vec<&[u8]> = backlog.iter().take(BATCH).map(Vec::as_slice).collect();
            let n = dp.tx[0].send(dev.io(), &batch)?;
            backlog.drain(..n);
            st.from_kernel += n as u64;
            moved += n;
        } else {
            dp.tx[0].reap(dev.io())?;
        }
        // the rings' frames into the kernel
        let mut up = Vec::new();
        for q in &mut dp.rx {
            moved += q.recv(dev.io(), BATCH, |p| {
                if p.tuser & tuser::BAD != 0 {
                    st.bad += 1;
                } else if let Some(b) =
                    gate.deliver(p.data[..p.data.len().saturating_sub(4)].to_vec(), now)
                {
                    up.push(b);
                }
            })?;
        }
        up.extend(gate.expire(now));
        for f in &up {
            send(&mut tap, &mut st, f)?;
        }
        if moved > 0 || !up.is_empty() {
            wait_ms = 0;
            continue;
        }
        // nothing moved: sleep on the TAP device up to 1 ms (rings are
        // memory, polled again after)
        let mut p = libc::pollfd {
            fd: tap.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        unsafe { libc::poll(&mut p, 1, wait_ms) };
        wait_ms = (wait_ms + 1).min(1);
    }
    st.gate = gate.stats;
    dp.close(dev)?;
    Ok(st)
}
