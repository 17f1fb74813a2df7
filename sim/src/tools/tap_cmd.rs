//! `nicsim tap`'s arguments and run loop: sets up [`TapBridge`], serves
//! the register socket and both TAP devices until a signal, prints what
//! crossed and writes the wire-side capture.

use crate::tools::capture;
use crate::tools::tap_bridge::{stop_on_signals, TapBridge, TapConfig, HOST_DEV, WIRE_DEV};
use anyhow::Context;
use std::path::{Path, PathBuf};

/// `nicsim tap`: the simulated NIC between two TAP devices in network
/// namespaces of their own (root): the wire side, where a real Linux client
/// lives, and the host side, where the server's kernel and `nicctl adopt`
/// live. Also serves the registers on `--socket`.
#[derive(clap::Args)]
pub struct TapArgs {
    /// Socket for `nicctl --device sim:PATH` (a stale file is replaced).
    #[arg(long, default_value = "/tmp/ferronic-tap.sock")]
    socket: PathBuf,
    /// Namespace prefix: PREFIX-wire and PREFIX-host.
    #[arg(long, default_value = "ferronic")]
    prefix: String,
    /// Client address on the wire side (198.18.0.0/15 only).
    #[arg(long, default_value = "198.18.0.2/24")]
    wire_addr: String,
    /// Server address on the host side (198.18.0.0/15 only).
    #[arg(long, default_value = "198.18.0.1/24")]
    host_addr: String,
    /// Longest time, in ms, a segment of a not yet adopted connection is
    /// held before the server's kernel gets it.
    #[arg(long, default_value_t = 2000)]
    hold_ms: u64,
    /// Write every wire-side frame (both directions, FCS included) to
    /// this pcapng when stopped.
    #[arg(long)]
    pcap: Option<PathBuf>,
    /// One line per frame on stderr.
    #[arg(long, short)]
    verbose: bool,
}

impl TapArgs {
    /// Sets up, serves until SIGINT/SIGTERM, prints what passed, removes
    /// both namespaces. Errors: not root, an address outside
    /// 198.18.0.0/15, the socket or a TAP device cannot be created.
    pub fn run(self) -> anyhow::Result<bool> {
        let cfg = TapConfig {
            prefix: self.prefix,
            wire_addr: self.wire_addr,
            host_addr: self.host_addr,
            hold: std::time::Duration::from_millis(self.hold_ms),
            verbose: self.verbose,
        };
        serve_tap(&self.socket, self.pcap.as_deref(), &cfg)
    }
}

/// `nicsim tap`: sets up, serves until a signal, prints what passed.
fn serve_tap(socket: &Path, pcap: Option<&Path>, cfg: &TapConfig) -> anyhow::Result<bool> {
    let listener = ferronic_simlink::server::bind(socket)
        .with_context(|| format!("binding {}", socket.display()))?;
    let mut bridge = TapBridge::new(cfg).context("setting up the TAP devices (root needed)")?;
    stop_on_signals();
    if pcap.is_some() {
        bridge.wire_log = Some(Default::default());
    }
    let (wns, hns) = bridge.namespaces();
    println!("nicsim tap: the simulated NIC between two namespaces");
    println!(
        "  wire side: namespace {wns}, {WIRE_DEV} {} (the client)",
        cfg.wire_addr
    );
    println!(
        "  host side: namespace {hns}, {HOST_DEV} {} (the server)",
        cfg.host_addr
    );
    println!("  registers: nicctl --device sim:{}", socket.display());
    println!("ready; Ctrl-C stops");
    std::io::Write::flush(&mut std::io::stdout())?;
    let r = ferronic_simlink::serve(listener, &mut bridge, &Default::default());
    let (s, g) = (bridge.stats, bridge.gate_stats());
    println!(
        "nicsim tap: wire {} in / {} out, host {} in / {} out, {} bad dropped, {} refused; gate held {} (released {}, expired {}, overflow {})",
        s.wire_in, s.wire_out, s.host_in, s.host_out, s.bad, s.refused, g.held, g.released, g.expired, g.overflow
    );
    let _ = std::fs::remove_file(socket);
    if let (Some(p), Some(log)) = (pcap, &bridge.wire_log) {
        let frames: Vec<capture::CapturedFrame> = log
            .iter()
            .map(|f| capture::CapturedFrame {
                timestamp: f.timestamp,
                data: f.data.clone(),
            })
            .collect();
        capture::write_pcapng(p, pcap_file::DataLink::ETHERNET, &frames)?;
        println!(
            "nicsim tap: {} wire-side frames written to {}",
            frames.len(),
            p.display()
        );
    }
    match r {
        Err(e) if e.kind() != std::io::ErrorKind::Interrupted => Err(e.into()),
        _ => Ok(true),
    }
}
