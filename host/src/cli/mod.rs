//! `nicctl`: command line, dispatch, and how results and errors are shown.
//! Every command prints a table, or with `--json` one JSON document
//! (`counters --watch`: one JSON object per line).

mod adopt_cmd;
mod bench_cmd;
mod device_cmds;
mod dma_cmds;
mod host_cmds;
mod hs_cmds;
mod info_cmd;

use crate::backend::Backend;
use crate::error::{exit, HostError};
use crate::sysfs::Sys;
use clap::{Parser, Subcommand};
use ferronic_regmap::tag::{TagFormat, TagMode};
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Devices: 0000:01:00.0 or 01:00.0 (PCI address), /sys/bus/pci/devices/0000:01:00.0,
sim: (the simulated NIC in this process, `--features sim` builds), sim:PATH (a
running `nicsim serve --socket PATH`), serial:PATH[@BAUD] (a board's UART
register bridge, 115200 baud by default). Default: $NICCTL_DEVICE.
The datapath commands (rx, tx, bench, queues) need the DMA engine: a card
over VFIO with the `nic` bitstream, or `nicsim serve --dma --socket PATH`.

Exit status: 0 success; 1 a check failed (selftest, doctor); 2 bad command line;
3 no such device or socket; 4 host setup (binding, IOMMU, group, permissions,
memlock); 5 incompatible device (magic, map version, BAR size, block chain);
6 device access failed (all-ones reads, SLVERR, I/O, simulation).";

/// ferronic bring-up tool: registers, counters, configuration and checks of
/// a ferronic NIC over VFIO, sysfs or the simulator.
#[derive(Parser, Debug)]
#[command(name = "nicctl", version, after_help = AFTER_HELP)]
pub struct Cli {
    /// The device (see below).
    #[arg(long, short, global = true, env = "NICCTL_DEVICE")]
    pub device: Option<String>,
    /// How to reach a PCI device.
    #[arg(long, global = true, value_enum, default_value = "auto")]
    pub backend: Backend,
    /// Print JSON instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
    /// Root under which /sys, /dev and /proc are read (tests point it at a
    /// fake tree).
    #[arg(
        long,
        global = true,
        hide = true,
        env = "NICCTL_ROOT",
        default_value = "/"
    )]
    pub root: PathBuf,
    /// What to do.
    #[command(subcommand)]
    pub cmd: Cmd,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// List ferronic cards: address, driver, IOMMU group, BAR0, PCIe link.
    List {
        /// Also match these vendor:device IDs (hex), e.g. 10ee:9038.
        #[arg(long = "id", value_parser = parse_id)]
        ids: Vec<(u16, u16)>,
    },
    /// Identity block: magic, map version and hash, build, capabilities, blocks.
    Info,
    /// Every register by block and name, with its value.
    Dump,
    /// Read or write one register by name (block.NAME) or byte offset.
    Reg {
        /// read or write.
        #[command(subcommand)]
        op: RegOp,
    },
    /// Hardware counters (non-zero ones unless --all), with rates under --watch.
    Counters {
        /// Re-read every SECS seconds and show rates.
        #[arg(long, value_name = "SECS")]
        watch: Option<f64>,
        /// Stop after N samples (with --watch).
        #[arg(long, value_name = "N")]
        count: Option<u64>,
        /// Zero every counter first.
        #[arg(long)]
        clear: bool,
        /// Show counters that are zero too.
        #[arg(long)]
        all: bool,
    },
    /// Show or set the DSA tag format and mode (datapath.CTRL).
    Tag {
        /// none, brcm, brcm-prepend, dsa, edsa, mtk, qca, ar9331, rtl4a, rtl8_4.
        #[arg(long)]
        format: Option<TagFormat>,
        /// pass, strip or tail.
        #[arg(long)]
        mode: Option<TagMode>,
    },
    /// Show or set RSS: Toeplitz key, indirection table, enable.
    Rss {
        /// 40-byte Toeplitz key, 80 hex digits (`:`/`-` allowed).
        #[arg(long)]
        key: Option<String>,
        /// Spread the 128 table entries round-robin over queues 0..N.
        #[arg(long, conflicts_with = "table")]
        queues: Option<u8>,
        /// Table entries, comma-separated queue numbers, repeated to 128.
        #[arg(long)]
        table: Option<String>,
        /// Steer by the hash.
        #[arg(long, conflicts_with = "disable")]
        enable: bool,
        /// Send every frame to datapath.DEFAULT_QUEUE.
        #[arg(long)]
        disable: bool,
    },
    /// Bring-up tests: identity, scratch, counters, traffic (simulator).
    Selftest,
    /// Reset the device (PCI function reset; core reset in simulation).
    Reset,
    /// The handshake engine's listen table (TCP SYN cookies).
    Listen {
        /// add, del or list.
        #[command(subcommand)]
        op: hs_cmds::ListenOp,
    },
    /// Show or set the handshake engine: enable, secrets, MSS, window
    /// scale, window, clock; with its counters.
    Handshake(hs_cmds::HsArgs),
    /// Pop and print the connections the NIC established (handoff records).
    Conns {
        /// Pop at most N records.
        #[arg(long, default_value_t = 1000)]
        max: usize,
    },
    /// Turn each connection the NIC establishes into a kernel socket (TCP
    /// repair; root) and serve it with --reply or --exec. Run it in the
    /// network namespace that holds the listened address.
    Adopt(adopt_cmd::AdoptArgs),
    /// Bind a PCI function to vfio-pci (driver_override).
    Bind {
        /// PCI address.
        bdf: String,
        /// Unbind even if its network interface has addresses.
        #[arg(long)]
        force: bool,
    },
    /// Preflight of the host: VFIO modules, IOMMU, groups, permissions,
    /// memlock, huge pages.
    Doctor,
    /// Capture frames from the receive rings (DMA): print them, or write
    /// pcapng with queue, RSS hash, flags and migrated tag per frame.
    Rx(dma_cmds::RxArgs),
    /// Send a capture through a transmit ring (DMA); waits until every
    /// frame has left the NIC.
    Tx(dma_cmds::TxArgs),
    /// pktgen-style load through the rings and back through a port
    /// loopback: transmit and receive Mpps and Gb/s, loss, NIC drops.
    Bench(bench_cmd::BenchArgs),
    /// The DMA rings and completion queues: enabled, size, indices,
    /// occupancy, drops.
    Queues,
    /// Present the NIC to this namespace's kernel as a TAP interface
    /// (fnic0) through the DMA rings, with the adoption gate; root.
    Netdev(crate::netdev::NetdevArgs),
}

/// `nicctl reg` operations.
#[derive(Subcommand, Debug)]
pub enum RegOp {
    /// Read a register.
    Read {
        /// block.NAME or byte offset (0x40).
        reg: String,
    },
    /// Write a register (the value is read back unless write-only).
    Write {
        /// block.NAME or byte offset.
        reg: String,
        /// Value (0x hex or decimal).
        value: String,
    },
}

fn parse_id(s: &str) -> Result<(u16, u16), String> {
    let (v, d) = s.split_once(':').ok_or("expected VVVV:DDDD")?;
    let h = |t: &str| u16::from_str_radix(t, 16).map_err(|e| format!("`{t}`: {e}"));
    Ok((h(v)?, h(d)?))
}

/// Parses `0x` hex or decimal.
pub(crate) fn parse_u32(what: &str, s: &str) -> Result<u32, HostError> {
    let r = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => u32::from_str_radix(&h.replace('_', ""), 16),
        None => s.replace('_', "").parse(),
    };
    r.map_err(|e| HostError::Invalid {
        what: format!("{what} `{s}`"),
        why: e.to_string(),
    })
}

/// Output of a command: a JSON value and its text rendering.
pub(crate) struct Out<'a> {
    pub json: bool,
    pub w: &'a mut dyn Write,
}

impl Out<'_> {
    /// Prints `value` as JSON, or `text` (which should end in a newline).
    pub fn emit(&mut self, value: &serde_json::Value, text: impl FnOnce() -> String) {
        let s = if self.json {
            format!("{}\n", serde_json::to_string_pretty(value).expect("JSON"))
        } else {
            text()
        };
        let _ = self.w.write_all(s.as_bytes());
        let _ = self.w.flush();
    }
}

/// A table with the given header, no borders, for the text output.
pub(crate) fn table(header: &[&str]) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::NOTHING);
    t.set_header(header.to_vec());
    t
}

/// Runs `nicctl` with `args` (the program name first), writing results to
/// `out` and errors to `err`; returns the exit status.
pub fn run(
    args: impl IntoIterator<Item = OsString>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let s = e.render().to_string();
            let _ = if e.use_stderr() {
                err.write_all(s.as_bytes())
            } else {
                out.write_all(s.as_bytes())
            };
            return code;
        }
    };
    let json = cli.json;
    let mut o = Out { json, w: out };
    match dispatch(cli, &mut o) {
        Ok(code) => code,
        Err(e) => {
            let code = e.exit_code();
            if json {
                let v = serde_json::json!({
                    "error": e.to_string(),
                    "fix": e.fix(),
                    "errno": e.errno(),
                    "exit_code": code,
                });
                o.emit(&v, String::new);
            } else {
                let errno = e
                    .errno()
                    .map(|n| format!(" (errno {n})"))
                    .unwrap_or_default();
                let _ = writeln!(err, "nicctl: error: {e}{errno}\nnicctl: fix: {}", e.fix());
            }
            code
        }
    }
}

fn dispatch(cli: Cli, o: &mut Out<'_>) -> Result<u8, HostError> {
    let sys = Sys::at(&cli.root);
    match cli.cmd {
        Cmd::List { ids } => host_cmds::list(&sys, &ids, o),
        Cmd::Bind { bdf, force } => host_cmds::bind(&sys, &bdf, force, o),
        Cmd::Doctor => host_cmds::doctor(&sys, cli.device.as_deref(), o),
        cmd => {
            let name = cli.device.ok_or_else(|| HostError::BadName {
                name: String::new(),
                why: "no device given: pass --device (or set NICCTL_DEVICE)".into(),
            })?;
            let name = crate::name::DeviceName::parse(&name)?;
            let dev = crate::device::Device::open(&name, cli.backend, &sys)?;
            device_cmds::run(dev, cmd, o)
        }
    }
}
