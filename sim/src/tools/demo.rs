//! `nicsim demo`: the README's first command. Writes the Verilog this
//! simulator runs (`nic_core.v`) and its report, then replays the bundled
//! EDSA capture (`sim/testdata/edsa.pcap`, 10 real frames) in tail mode
//! with RSS over 4 queues and prints every frame; then writes `nic.v` and
//! replays the same capture through it (`nicsim replay --dma`): the DMA
//! engine writes the frames into simulated host memory and the driver
//! model reads them from the receive rings.

use crate::model::rss::{RssConfig, MS_KEY};
use crate::tools::replay::{replay_file, ReplayOpts};
use anyhow::Context;
use ferronic_hdl::rx::tag::TagMode;
use std::path::{Path, PathBuf};

/// `nicsim demo [--out DIR]`.
#[derive(clap::Args)]
pub struct DemoArgs {
    /// Directory for the Verilog, its report and the output capture.
    #[arg(long, default_value = "out")]
    out: PathBuf,
}

impl DemoArgs {
    /// Writes `DIR/nic_core.v`, `DIR/nic_core.txt`, `DIR/edsa-tail.pcapng`,
    /// `DIR/nic.v` and `DIR/edsa-tail-dma.pcapng`; `Ok(false)` when a frame
    /// differs from the golden model. Errors: `DIR` cannot be written.
    pub fn run(self) -> anyhow::Result<bool> {
        let out = self.out;
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
        let core_ok = replay_file(&input, &out.join("edsa-tail.pcapng"), &opts, true)?;
        let nic = ferronic_hdl::verilog::emit_nic(&ferronic_hdl::verilog::nic_regmap(0, 0))?;
        let npath = out.join("nic.v");
        std::fs::write(&npath, &nic).with_context(|| format!("writing {}", npath.display()))?;
        println!(
            "\nwrote {} ({} lines; nic_core with the DMA engine)",
            npath.display(),
            nic.lines().count()
        );
        let dma_ok = crate::tools::replay_dma::replay_dma_file(
            &input,
            &out.join("edsa-tail-dma.pcapng"),
            &opts,
            0.0,
            true,
        )?;
        Ok(core_ok && dma_ok)
    }
}
