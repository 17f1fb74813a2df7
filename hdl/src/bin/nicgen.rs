//! `nicgen`: writes the NIC core's Verilog and its report.
//!
//! `nicgen --out DIR` writes `DIR/nic_core.v` and `DIR/nic_core.txt`;
//! `--synth-report` also runs `yosys synth_xilinx -family xcup` and prints
//! the cell counts (LUTs, flip-flops).

use anyhow::{bail, Context, Result};
use clap::Parser;
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
}

fn main() -> Result<()> {
    let args = Args::parse();
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let v = ferronic_hdl::verilog::emit()?;
    let vpath = args.out.join("nic_core.v");
    std::fs::write(&vpath, &v).with_context(|| format!("writing {}", vpath.display()))?;
    let rpath = args.out.join("nic_core.txt");
    std::fs::write(&rpath, ferronic_hdl::report::report())
        .with_context(|| format!("writing {}", rpath.display()))?;
    println!("wrote {} ({} lines)", vpath.display(), v.lines().count());
    println!("wrote {}", rpath.display());
    if args.synth_report {
        let log = args.out.join("yosys.log");
        let script = format!(
            "read_verilog {}; synth_xilinx -family xcup -top nic_core; stat",
            vpath.display()
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
