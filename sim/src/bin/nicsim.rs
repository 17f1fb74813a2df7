//! `nicsim`: runs ferronic's Verilated NIC core. Each subcommand's
//! arguments and code live in `ferronic_sim::tools`; this file only
//! dispatches.
//!
//! * `nicsim replay IN -o OUT`: replays a pcap/pcapng capture, checks every
//!   frame against the golden model, writes the output as pcapng.
//! * `nicsim bench`: line-rate throughput, latency and simulation speed.
//! * `nicsim serve`, `nicsim inject`: the core on a Unix socket for
//!   `nicctl`, and a capture into it.
//! * `nicsim serve-uart`: the UART register bridge and the core behind a
//!   pseudo-terminal, for `nicctl --device serial:/dev/pts/N`.
//! * `nicsim tap`: the core between two TAP devices in namespaces.
//! * `nicsim demo`: writes the Verilog and replays the bundled EDSA capture.
//!
//! Exit codes: 0 success, 1 a frame differs from the golden model,
//! 2 an error (bad input file, simulation hang, I/O).

use clap::{Parser, Subcommand};
use ferronic_sim::tools::{bench, demo, inject, replay, serve, serve_uart, tap_cmd};
use std::process::ExitCode;

#[derive(Parser)]
#[command(version, about = "ferronic NIC simulator (Verilator)")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Replay a capture through the core and compare with the golden model.
    Replay(replay::ReplayArgs),
    /// Beats per clock, latency and simulation speed, back-to-back frames.
    Bench(bench::BenchArgs),
    /// Serve the simulated NIC on a Unix socket for `nicctl --device
    /// sim:PATH` (protocol: the ferronic-simlink crate documentation).
    Serve(serve::ServeArgs),
    /// Serve the simulated board of a serial line: the UART register
    /// bridge in front of the core, behind a pseudo-terminal, for
    /// `nicctl --device serial:/dev/pts/N`. Ctrl-C stops.
    ServeUart(serve_uart::ServeUartArgs),
    /// Run the simulated NIC between two TAP devices in network namespaces
    /// of their own (root): the wire side, where a real Linux client lives,
    /// and the host side, where the server's kernel and `nicctl adopt` live.
    /// Also serves the registers on --socket. Ctrl-C stops and removes both.
    Tap(tap_cmd::TapArgs),
    /// Send a capture's frames (FCS appended) into a running `nicsim serve`,
    /// under the configuration the host set (`nicctl tag`, `nicctl rss`);
    /// prints what the core delivered to the host.
    Inject(inject::InjectArgs),
    /// Write out/nic_core.v and replay the bundled EDSA capture in tail mode,
    /// RSS over 4 queues.
    Demo(demo::DemoArgs),
}

fn main() -> ExitCode {
    // Die quietly when stdout is a closed pipe (`nicsim ... | head`) instead
    // of panicking in println!.
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let r = match Cli::parse().cmd {
        Cmd::Replay(a) => a.run(),
        Cmd::Bench(a) => a.run(),
        Cmd::Serve(a) => a.run(),
        Cmd::ServeUart(a) => a.run(),
        Cmd::Tap(a) => a.run(),
        Cmd::Inject(a) => a.run(),
        Cmd::Demo(a) => a.run(),
    };
    match r {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("nicsim: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
