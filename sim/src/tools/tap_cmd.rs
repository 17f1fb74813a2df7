//! `nicsim tap`'s arguments and run loop: sets up [`TapBridge`], serves
//! the register socket, the host memory and the port's TAP device until a
//! signal, prints what crossed and writes the wire-side capture.

use crate::tools::capture;
use crate::tools::tap_bridge::{stop_on_signals, TapBridge, TapConfig, WIRE_DEV};
use anyhow::Context;
use std::path::{Path, PathBuf};

/// `nicsim tap`: the simulated card (the `nic` top with its DMA engine)
/// with its Ethernet port on a TAP device in a network namespace of its
/// own (root), where a real Linux client lives; it serves registers and
/// host memory on `--socket` for `nicctl netdev` and `nicctl adopt`, run
/// in the host-side namespace it creates.
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
    /// Server address the printed `nicctl netdev` command gives the host
    /// interface (198.18.0.0/15 only).
    #[arg(long, default_value = "198.18.0.1/24")]
    host_addr: String,
    /// MiB of host memory (a file beside the socket: SOCKET.mem).
    #[arg(long, default_value_t = 64,
          value_parser = clap::value_parser!(u64).range(1..=4096))]
    mem_mib: u64,
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
        crate::tools::tap_bridge::check_addr(&self.host_addr)?;
        let mut mem = self.socket.clone().into_os_string();
        mem.push(".mem");
        let cfg = TapConfig {
            prefix: self.prefix,
            wire_addr: self.wire_addr,
            mem: mem.into(),
            mem_bytes: self.mem_mib << 20,
            verbose: self.verbose,
        };
        serve_tap(&self.socket, self.pcap.as_deref(), &cfg, &self.host_addr)
    }
}

/// `nicsim tap`: sets up, serves until a signal, prints what passed.
fn serve_tap(
    socket: &Path,
    pcap: Option<&Path>,
    cfg: &TapConfig,
    host_addr: &str,
) -> anyhow::Result<bool> {
    let listener = ferronic_simlink::server::bind(socket)
        .with_context(|| format!("binding {}", socket.display()))?;
    let mut bridge = TapBridge::new(cfg).context("setting up the TAP devices (root needed)")?;
    stop_on_signals();
    if pcap.is_some() {
        bridge.wire_log = Some(Default::default());
    }
    let (wns, hns) = bridge.namespaces();
    println!("nicsim tap: the simulated card, its port in a namespace");
    println!(
        "  wire side: namespace {wns}, {WIRE_DEV} {} (the client)",
        cfg.wire_addr
    );
    println!(
        "  host side: namespace {hns}; give the card its interface there with\n    \
         ip netns exec {hns} nicctl --device sim:{} netdev --addr {host_addr}",
        socket.display()
    );
    println!("  registers: nicctl --device sim:{}", socket.display());
    println!("ready; Ctrl-C stops");
    std::io::Write::flush(&mut std::io::stdout())?;
    let r = ferronic_simlink::serve(listener, &mut bridge, &Default::default());
    let s = bridge.stats;
    println!(
        "nicsim tap: wire {} in / {} out, {} sent marked bad dropped, {} refused",
        s.wire_in, s.wire_out, s.bad, s.refused
    );
    let _ = std::fs::remove_file(&cfg.mem);
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
