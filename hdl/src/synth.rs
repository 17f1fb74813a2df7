//! Parses the `stat` section of a yosys `synth_xilinx` log.

/// Cell counts of a synthesized design.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SynthStats {
    /// LUT1..LUT6 cells.
    pub luts: u64,
    /// Flip-flops (FDRE, FDSE, FDCE, FDPE).
    pub ffs: u64,
    /// CARRY4/CARRY8 cells.
    pub carry: u64,
    /// All cells.
    pub cells: u64,
}

/// Sums the cell counts of the *last* `stat` report in a yosys log
/// (the top-level one, after flattening).
pub fn parse_stat(log: &str) -> SynthStats {
    let start = log.rfind("Number of cells:").unwrap_or(0);
    let mut s = SynthStats::default();
    for line in log[start..].lines() {
        let t: Vec<&str> = line.split_whitespace().collect();
        match t.as_slice() {
            ["Number", "of", "cells:", n] if s.cells == 0 => s.cells = n.parse().unwrap_or(0),
            [name, n] => {
                let n: u64 = n.parse().unwrap_or(0);
                if name.starts_with("LUT") {
                    s.luts += n;
                } else if name.starts_with("FD") {
                    s.ffs += n;
                } else if name.starts_with("CARRY") {
                    s.carry += n;
                }
            }
            _ => {}
        }
    }
    s
}
