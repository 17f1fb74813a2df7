//! `nicsim`: runs ferronic's Verilated NIC core.
//!
//! * `nicsim replay IN -o OUT`: replays a pcap/pcapng capture, checks every
//!   frame against the golden model, writes the output as pcapng.
//! * `nicsim bench`: line-rate throughput, latency and simulation speed.
//! * `nicsim demo`: writes the Verilog and replays the bundled EDSA capture.
//!
//! Exit codes: 0 success, 1 a frame differs from the golden model,
//! 2 an error (bad input file, simulation hang, I/O).

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use ferronic_hdl::rx::tag::{tuser, TagFormat, TagMode};
use ferronic_sim::bench::{bench, bench_registers, SIZES};
use ferronic_sim::capture;
use ferronic_sim::replay::{replay, ReplayOpts, ReplayReport};
use ferronic_sim::rss_model::{RssConfig, MS_KEY};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};
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
    Replay {
        /// Input capture (pcap or pcapng; EN10MB or DSA_TAG_* link type).
        input: PathBuf,
        /// Output pcapng (frames with FCS, if_fcslen = 4).
        #[arg(short, long)]
        output: PathBuf,
        /// Tag format (default: from the link type). One of: none, brcm,
        /// brcm-prepend, dsa, edsa, mtk, qca, ar9331, rtl4a, rtl8_4.
        #[arg(long)]
        format: Option<TagFormat>,
        /// Tag mode: pass, strip or tail.
        #[arg(long, default_value = "pass")]
        mode: TagMode,
        /// Fraction of frames (0..1) whose appended FCS is corrupted.
        #[arg(long, default_value_t = 0.0)]
        bad_fcs: f64,
        /// Probability (0..1) of m_axis_tready low in a cycle.
        #[arg(long, default_value_t = 0.0)]
        stall: f64,
        /// Probability (0..1) of an idle s_axis cycle between beats.
        #[arg(long, default_value_t = 0.0)]
        gap: f64,
        /// Seed of corruption, gaps and stalls.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write a VCD waveform (open with gtkwave).
        #[arg(long)]
        vcd: Option<PathBuf>,
        /// Print one line per frame: lengths, flags, tag, queue, FCS status.
        #[arg(long)]
        frames: bool,
        /// Receive queues to spread over with RSS (1 = RSS off, all to queue 0).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=8))]
        queues: u8,
        /// RSS Toeplitz key, 80 hex digits (default: the Microsoft
        /// verification key).
        #[arg(long, value_parser = parse_key)]
        rss_key: Option<[u8; 40]>,
    },
    /// Beats per clock, latency and simulation speed, back-to-back frames.
    Bench {
        /// Tag format to benchmark.
        #[arg(long, default_value = "edsa")]
        format: TagFormat,
        /// Beats per row (more = steadier cycles/s figure).
        #[arg(long, default_value_t = 400_000)]
        beats: usize,
    },
    /// Serve the simulated NIC on a Unix socket for `nicctl --device
    /// sim:PATH` (protocol: the ferronic-simlink crate documentation).
    Serve {
        /// Socket path (a stale socket file is replaced).
        #[arg(long)]
        socket: PathBuf,
        /// Print one line per connection.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Run the simulated NIC between two TAP devices in network namespaces
    /// of their own (root): the wire side, where a real Linux client lives,
    /// and the host side, where the server's kernel and `nicctl adopt` live.
    /// Also serves the registers on --socket. Ctrl-C stops and removes both.
    Tap {
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
    },
    /// Send a capture's frames (FCS appended) into a running `nicsim serve`,
    /// under the configuration the host set (`nicctl tag`, `nicctl rss`);
    /// prints what the core delivered to the host.
    Inject {
        /// The server's socket.
        #[arg(long)]
        socket: PathBuf,
        /// Capture (pcap or pcapng).
        input: PathBuf,
        /// Write the delivered frames here (pcapng, FCS included).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Write out/nic_core.v and replay the bundled EDSA capture in tail mode,
    /// RSS over 4 queues.
    Demo {
        /// Directory for the Verilog, its report and the output capture.
        #[arg(long, default_value = "out")]
        out: PathBuf,
    },
}

/// `nicsim tap`: sets up, serves until a signal, prints what passed.
fn do_tap(
    socket: &Path,
    pcap: Option<&Path>,
    cfg: &ferronic_sim::tap_bridge::TapConfig,
) -> Result<bool> {
    use ferronic_sim::tap_bridge::{stop_on_signals, TapBridge, HOST_DEV, WIRE_DEV};
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

/// Parses an RSS key: 80 hex digits (separators `:` and `-` allowed).
fn parse_key(s: &str) -> Result<[u8; 40], String> {
    let hex: String = s.chars().filter(|c| !matches!(c, ':' | '-')).collect();
    if hex.len() != 80 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!(
            "an RSS key is 40 bytes: 80 hex digits, got {} characters",
            hex.len()
        ));
    }
    let mut k = [0u8; 40];
    for (i, b) in k.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|e| e.to_string())?;
    }
    Ok(k)
}

fn main() -> ExitCode {
    // Die quietly when stdout is a closed pipe (`nicsim ... | head`) instead
    // of panicking in println!.
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    match real_main() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("nicsim: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn real_main() -> Result<bool> {
    match Cli::parse().cmd {
        Cmd::Replay {
            input,
            output,
            format,
            mode,
            bad_fcs,
            stall,
            gap,
            seed,
            vcd,
            frames,
            queues,
            rss_key,
        } => {
            let opts = ReplayOpts {
                format,
                mode,
                bad_fcs,
                gap,
                stall,
                seed,
                vcd,
                rss: RssConfig::spread(queues, rss_key.unwrap_or(MS_KEY)),
            };
            do_replay(&input, &output, &opts, frames)
        }
        Cmd::Bench { format, beats } => {
            do_bench(format, beats)?;
            Ok(true)
        }
        Cmd::Serve { socket, verbose } => {
            let listener = ferronic_simlink::server::bind(&socket)
                .with_context(|| format!("binding {}", socket.display()))?;
            let mut nic = ferronic_sim::serve::SimNic::new()?;
            eprintln!(
                "nicsim serve: simulated NIC on {} (nicctl --device sim:{}); Ctrl-C stops",
                socket.display(),
                socket.display()
            );
            let opts = ferronic_simlink::ServeOpts {
                stop: None,
                verbose,
            };
            ferronic_simlink::serve(listener, &mut nic, &opts)?;
            Ok(true)
        }
        Cmd::Tap {
            socket,
            prefix,
            wire_addr,
            host_addr,
            hold_ms,
            pcap,
            verbose,
        } => do_tap(
            &socket,
            pcap.as_deref(),
            &ferronic_sim::tap_bridge::TapConfig {
                prefix,
                wire_addr,
                host_addr,
                hold: std::time::Duration::from_millis(hold_ms),
                verbose,
            },
        ),
        Cmd::Inject {
            socket,
            input,
            output,
        } => do_inject(&socket, &input, output.as_deref()),
        Cmd::Demo { out } => {
            std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
            let v = ferronic_hdl::verilog::emit(&ferronic_hdl::verilog::regmap(0, 0))?;
            let vpath = out.join("nic_core.v");
            std::fs::write(&vpath, &v).with_context(|| format!("writing {}", vpath.display()))?;
            std::fs::write(out.join("nic_core.txt"), ferronic_hdl::report::report())?;
            println!(
                "wrote {} ({} lines; the Verilog this simulator runs)",
                vpath.display(),
                v.lines().count()
            );
            let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/edsa.pcap");
            let opts = ReplayOpts {
                mode: TagMode::Tail,
                rss: RssConfig::spread(4, MS_KEY),
                ..ReplayOpts::default()
            };
            do_replay(&input, &out.join("edsa-tail.pcapng"), &opts, true)
        }
    }
}

fn do_inject(socket: &Path, input: &Path, output: Option<&Path>) -> Result<bool> {
    use ferronic_simlink::{Client, Reply, Request};
    let cap = capture::read(input)?;
    let frames: Vec<Vec<u8>> = cap
        .frames
        .iter()
        .map(|f| ferronic_sim::model::append_fcs(&f.data))
        .collect();
    let mut c = Client::connect(socket, std::time::Duration::from_secs(600))?;
    let (out, cycles) = match c.call(&Request::Rx {
        frames: frames.clone(),
    })? {
        Reply::Frames { frames, cycles, .. } => (frames, cycles),
        Reply::Error { message, .. } => anyhow::bail!("{}: {message}", socket.display()),
        r => anyhow::bail!("{}: unexpected reply {r:?}", socket.display()),
    };
    println!(
        "  {:>5} {:>5} {:>5} {:>5} {:>6} {:>10}  FCS",
        "frame", "in", "out", "queue", "tuser", "hash"
    );
    for (i, o) in out.iter().enumerate() {
        let fcs = if ferronic_sim::model::fcs_ok(&o.data) {
            "valid"
        } else {
            "INVALID"
        };
        println!(
            "  {:>5} {:>5} {:>5} {:>5} {:>#6x} {:>#10x}  {fcs}",
            i,
            frames.get(i).map_or(0, Vec::len),
            o.data.len(),
            o.queue,
            o.tuser,
            o.hash
        );
    }
    println!(
        "{}: {} frames in, {} delivered to the host, {cycles} cycles",
        input.display(),
        frames.len(),
        out.len()
    );
    if let Some(p) = output {
        let frames: Vec<capture::CapturedFrame> = out
            .into_iter()
            .map(|o| capture::CapturedFrame {
                timestamp: std::time::Duration::ZERO,
                data: o.data,
            })
            .collect();
        capture::write_pcapng(p, pcap_file::DataLink::ETHERNET, &frames)?;
        println!("wrote {}", p.display());
    }
    Ok(true)
}

fn do_replay(input: &Path, output: &Path, opts: &ReplayOpts, frames: bool) -> Result<bool> {
    let cap = capture::read(input)?;
    let n = cap.frames.len();
    let bar = if n >= 2000 {
        let b = ProgressBar::new(n as u64);
        b.set_style(ProgressStyle::with_template(
            "{bar:40} {pos}/{len} frames {per_sec} eta {eta}",
        )?);
        b
    } else {
        ProgressBar::hidden()
    };
    let rep = replay(&cap, opts, |k| bar.set_position(k as u64))?;
    bar.finish_and_clear();
    capture::write_pcapng(output, rep.out_linktype, &rep.outputs)?;
    if frames {
        print_frames(&rep);
    }
    print_summary(input, &cap, &rep);
    println!(
        "wrote {} (pcapng, {} frames with FCS, if_fcslen=4, link type {:?})",
        output.display(),
        rep.outputs.len(),
        rep.out_linktype
    );
    Ok(rep.mismatches.is_empty() && rep.counter_mismatches.is_empty())
}

fn print_summary(input: &Path, cap: &capture::Capture, r: &ReplayReport) {
    let s = &r.stats;
    println!(
        "nicsim replay {} ({:?}, {} frames): format {}, mode {}",
        input.display(),
        cap.linktype,
        cap.frames.len(),
        r.format,
        r.mode
    );
    let row = |k: &str, v: String| println!("  {k:<22} {v}");
    row("frames in", r.inputs.len().to_string());
    row("frames out", r.outputs.len().to_string());
    row(
        "bad FCS",
        format!(
            "{} flagged ({} corrupted on request)",
            r.bad_fcs(),
            r.corrupted.iter().filter(|c| **c).count()
        ),
    );
    row("runts (< 64 B)", r.count(tuser::RUNT).to_string());
    row("giants", r.count(tuser::GIANT).to_string());
    row("too short for tag", r.count(tuser::TAG_SHORT).to_string());
    row("migrated", r.count(tuser::MIGRATED).to_string());
    row("cycles", s.cycles.to_string());
    row(
        "beats in / out",
        format!("{} / {}", s.in_beats, s.out_beats),
    );
    row("beats/clock (input)", format!("{:.2}", s.beats_per_clock()));
    row(
        "latency",
        format!(
            "{}..{} cycles (first beat in -> first beat out)",
            s.latency.0, s.latency.1
        ),
    );
    row(
        "simulation speed",
        format!("{:.2} M cycles/s", s.cycles_per_second() / 1e6),
    );
    let count = |n: &str| {
        r.counters
            .iter()
            .find(|(k, _)| k == n)
            .map_or(0, |(_, v)| *v)
    };
    println!("  counters (read back through AXI4-Lite):");
    println!(
        "    frames in {}  out {}  drops {}  bad FCS {}  runts {}  giants {}  tag-short {}  migrated {}  parser errors {}",
        count("FRAMES_IN"),
        count("FRAMES_OUT"),
        count("DROPS"),
        count("BAD_FCS"),
        count("RUNTS"),
        count("GIANTS"),
        count("TAG_SHORT"),
        count("MIGRATED"),
        count("PARSER_ERRORS")
    );
    println!(
        "    {:>5} {:>10} {:>12} {:>8}",
        "queue", "frames", "bytes", "errors"
    );
    for q in 0..ferronic_hdl::RX_QUEUES {
        println!(
            "    {:>5} {:>10} {:>12} {:>8}",
            q,
            count(&format!("RXQ{q}_FRAMES")),
            count(&format!("RXQ{q}_BYTES")),
            count(&format!("RXQ{q}_ERRORS"))
        );
    }
    if r.counter_mismatches.is_empty() {
        row("counters vs model", "all equal".to_string());
    } else {
        row(
            "counters vs model",
            format!("{} DIFFER", r.counter_mismatches.len()),
        );
        for m in &r.counter_mismatches {
            println!("    {m}");
        }
    }
    if r.mismatches.is_empty() {
        row(
            "golden model",
            format!("all {} frames match", r.outputs.len()),
        );
    } else {
        row(
            "golden model",
            format!("{} frames DIFFER", r.mismatches.len()),
        );
        for m in &r.mismatches {
            println!("    frame {}: {}", m.index, m.detail);
        }
    }
}

/// One line per frame: what went in, what came out, where the tag went.
fn print_frames(r: &ReplayReport) {
    println!(
        "  {:>5} {:>5} {:>5}  {:<24} {:<26} {:>5} {:>10}  FCS",
        "frame", "in", "out", "flags", "tag", "queue", "hash"
    );
    let len = r.format.len();
    for (i, o) in r.outputs.iter().enumerate() {
        let u = r.tusers[i];
        let names: Vec<&str> = [
            (tuser::FCS_ERR, "fcs-err"),
            (tuser::RUNT, "runt"),
            (tuser::GIANT, "giant"),
            (tuser::TAG_SHORT, "tag-short"),
            (tuser::MIGRATED, "migrated"),
        ]
        .iter()
        .filter(|(b, _)| u & b != 0)
        .map(|(_, n)| *n)
        .collect();
        let tag = if u & tuser::MIGRATED != 0 {
            let hex: Vec<String> = r.tags[i].to_le_bytes()[..len]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let at = match r.mode {
                TagMode::Tail => format!("@{}", o.data.len() - 4 - len),
                _ => "sideband".into(),
            };
            format!("{} {at}", hex.join(""))
        } else {
            "-".into()
        };
        let fcs = if ferronic_sim::model::fcs_ok(&o.data) {
            "valid"
        } else {
            "INVALID"
        };
        println!(
            "  {:>5} {:>5} {:>5}  {:<24} {:<26} {:>5} {:>#10x}  {fcs}",
            i,
            r.inputs[i].len(),
            o.data.len(),
            names.join(","),
            tag,
            r.tdests[i],
            r.hashes[i]
        );
    }
}

fn do_bench(format: TagFormat, beats: usize) -> Result<()> {
    println!("nicsim bench: format {format}, back-to-back frames, tready always high");
    println!(
        "{:>6} {:>6} {:>8} {:>12} {:>9} {:>10}",
        "size", "mode", "frames", "beats/clock", "latency", "Mcycles/s"
    );
    for mode in TagMode::ALL {
        for size in SIZES {
            let r = bench(size, format, mode, beats)?;
            println!(
                "{:>6} {:>6} {:>8} {:>12.2} {:>9} {:>10.2}",
                size,
                mode.name(),
                r.frames,
                r.stats.beats_per_clock(),
                format!("{}..{}", r.stats.latency.0, r.stats.latency.1),
                r.stats.cycles_per_second() / 1e6
            );
        }
    }
    println!("size: bytes per frame on s_axis, FCS included (IPv4/TCP with the tag, RSS over 8 queues); latency: cycles from a frame's first beat accepted to its first beat out");
    let (n, cycles) = bench_registers(beats / 20)?;
    println!(
        "AXI4-Lite: {n} accesses (writes and reads interleaved, back to back) in {cycles} cycles: {:.2} accesses/clock",
        n as f64 / cycles as f64
    );
    let h = ferronic_sim::bench::bench_handshake((beats / 80).max(100))?;
    println!(
        "handshake: {} back-to-back 64-byte SYNs in {} cycles ({:.2} beats/clock in) -> {} SYN-ACKs at {:.3} per clock (0.125 = one per 64-byte frame time); SYN last beat -> SYN-ACK first beat {}..{} cycles (cookie pipeline {} cycles, one per clock)",
        h.syns,
        h.in_span,
        h.in_beats_per_clock,
        h.synacks,
        h.synacks_per_clock,
        h.latency.0,
        h.latency.1,
        ferronic_hdl::handshake::syn_cookie::LATENCY
    );
    Ok(())
}
