//! Logic depth of a synthesized netlist: the most combinational cells on
//! any path from a register or input port to a register or output port.
//!
//! Method (written down because depth figures are only comparable under
//! one method): read yosys' `write_json` netlist after `synth_xilinx
//! -family xcup -flatten`; every LUT1..LUT6 and every CARRY4/CARRY8 counts
//! one level; a MUXF7/MUXF8/MUXF9 counts zero (it sits in the same slice
//! as the LUTs it joins, so a wide mux is part of their LUT level);
//! flip-flops (FD*), shift-register LUTs (SRL*), RAMs and DSPs start and
//! end paths; buffers count zero. A chain of eight CARRY8 (a 64-bit add)
//! therefore counts eight, as it does in the issue's measurements.

use serde_json::Value;
use std::collections::HashMap;

/// The deepest path found: its level count and the cell types along it,
/// from the source end.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Depth {
    /// Combinational levels on the longest path.
    pub levels: u32,
    /// Cell types on that path (`LUT6`, `CARRY8`, ...), source first.
    pub path: Vec<String>,
}

/// Errors of [`depth`].
#[derive(Debug, thiserror::Error)]
pub enum DepthError {
    /// Not yosys JSON.
    #[error("netlist is not yosys JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The named module is missing.
    #[error("module {0} not in the netlist")]
    NoModule(String),
    /// A combinational loop (the netlist is not a DAG).
    #[error("combinational loop through cell {0}")]
    Loop(String),
}

/// Levels one cell of type `t` adds, or `None` for a sequential cell
/// (a path boundary).
pub fn weight(t: &str) -> Option<u32> {
    if t.starts_with("LUT") || t.starts_with("CARRY") || t == "INV" {
        Some(1)
    } else if t.starts_with("FD")
        || t.starts_with("SRL")
        || t.starts_with("RAM")
        || t.starts_with("DSP")
        || t.contains("BRAM")
        || t.starts_with("RAMB")
    {
        None
    } else {
        // MUXF7/8/9, buffers, constant drivers
        Some(0)
    }
}

/// Memo of the DFS: `None` unvisited, `Some(None)` on the stack,
/// `Some(Some((levels, deepest input cell)))` done.
type Memo = Option<Option<(u32, Option<usize>)>>;

struct Cell {
    t: String,
    w: Option<u32>,
    inputs: Vec<u64>,
}

/// Longest combinational path of `module` in the yosys JSON `netlist`.
pub fn depth(netlist: &str, module: &str) -> Result<Depth, DepthError> {
    let v: Value = serde_json::from_str(netlist)?;
    let m = v["modules"]
        .get(module)
        .ok_or_else(|| DepthError::NoModule(module.into()))?;
    let mut cells = Vec::new();
    let mut driver: HashMap<u64, usize> = HashMap::new();
    if let Some(cs) = m["cells"].as_object() {
        for c in cs.values() {
            let t = c["type"].as_str().unwrap_or("").to_string();
            let dirs = c["port_directions"].as_object();
            let mut inputs = Vec::new();
            let idx = cells.len();
            if let Some(conns) = c["connections"].as_object() {
                for (port, bits) in conns {
                    let dir = dirs
                        .and_then(|d| d.get(port))
                        .and_then(Value::as_str)
                        .unwrap_or("input");
                    for b in bits.as_array().into_iter().flatten() {
                        // constants are strings ("0", "1", "x")
                        let Some(b) = b.as_u64() else { continue };
                        if dir == "output" {
                            driver.insert(b, idx);
                        } else {
                            inputs.push(b);
                        }
                    }
                }
            }
            cells.push(Cell {
                w: weight(&t),
                t,
                inputs,
            });
        }
    }
    let mut memo: Vec<Memo> = vec![None; cells.len()];
    fn visit(
        i: usize,
        cells: &[Cell],
        driver: &HashMap<u64, usize>,
        memo: &mut [Memo],
    ) -> Result<(u32, Option<usize>), DepthError> {
        match memo[i] {
            Some(Some(d)) => return Ok(d),
            Some(None) => return Err(DepthError::Loop(cells[i].t.clone())),
            None => {}
        }
        memo[i] = Some(None);
        let mut best = (0, None);
        for b in &cells[i].inputs {
            if let Some(&j) = driver.get(b) {
                if cells[j].w.is_some() {
                    let (d, _) = visit(j, cells, driver, memo)?;
                    if d > best.0 || best.1.is_none() {
                        best = (d, Some(j));
                    }
                }
            }
        }
        let r = (best.0 + cells[i].w.unwrap_or(0), best.1);
        memo[i] = Some(Some(r));
        Ok(r)
    }
    let mut worst = (0u32, None::<usize>);
    for i in 0..cells.len() {
        if cells[i].w.is_none() {
            // registers only end paths; the cells feeding them are visited
            continue;
        }
        let (d, _) = visit(i, &cells, &driver, &mut memo)?;
        if d > worst.0 {
            worst = (d, Some(i));
        }
    }
    let mut path = Vec::new();
    let mut at = worst.1;
    while let Some(i) = at {
        if cells[i].w.is_some_and(|w| w > 0) || cells[i].t.starts_with("MUXF") {
            path.push(cells[i].t.clone());
        }
        at = memo[i].and_then(|m| m).and_then(|(_, p)| p);
    }
    path.reverse();
    Ok(Depth {
        levels: worst.0,
        path,
    })
}

/// `LUT6 x3 > CARRY8 x8 > LUT2`: a path with runs of one type collapsed.
pub fn describe(path: &[String]) -> String {
    let mut runs: Vec<(String, usize)> = Vec::new();
    for t in path {
        match runs.last_mut() {
            Some((last, n)) if last == t => *n += 1,
            _ => runs.push((t.clone(), 1)),
        }
    }
    runs.iter()
        .map(|(t, n)| {
            if *n == 1 {
                t.clone()
            } else {
                format!("{t} x{n}")
            }
        })
        .collect::<Vec<_>>()
        .join(" > ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// in -> LUT2 -> MUXF7 -> CARRY8 -> CARRY8 -> FD; FD -> LUT1 -> out
    const NET: &str = r#"{"modules": {"t": {"cells": {
      "a": {"type": "LUT2", "port_directions": {"I0": "input", "I1": "input", "O": "output"},
            "connections": {"I0": [2], "I1": ["0"], "O": [10]}},
      "m": {"type": "MUXF7", "port_directions": {"I0": "input", "I1": "input", "S": "input", "O": "output"},
            "connections": {"I0": [10], "I1": [3], "S": [4], "O": [11]}},
      "c0": {"type": "CARRY8", "port_directions": {"CI": "input", "S": "input", "CO": "output"},
            "connections": {"CI": [11], "S": [5], "CO": [12, 13]}},
      "c1": {"type": "CARRY8", "port_directions": {"CI": "input", "S": "input", "CO": "output"},
            "connections": {"CI": [13], "S": [5], "CO": [14, 15]}},
      "r": {"type": "FDRE", "port_directions": {"D": "input", "Q": "output"},
            "connections": {"D": [15], "Q": [16]}},
      "o": {"type": "LUT1", "port_directions": {"I0": "input", "O": "output"},
            "connections": {"I0": [16], "O": [17]}}
    }}}}"#;

    #[test]
    fn counts_luts_and_carries_not_muxf_and_stops_at_flops() {
        let d = depth(NET, "t").unwrap();
        assert_eq!(d.levels, 3);
        assert_eq!(describe(&d.path), "LUT2 > MUXF7 > CARRY8 x2");
    }

    #[test]
    fn loops_and_missing_modules_are_errors() {
        let looped = NET.replace(r#""I0": [2], "I1": ["0"]"#, r#""I0": [14], "I1": ["0"]"#);
        assert!(matches!(depth(&looped, "t"), Err(DepthError::Loop(_))));
        assert!(matches!(depth(NET, "u"), Err(DepthError::NoModule(_))));
    }

    #[test]
    fn weights() {
        assert_eq!(weight("LUT6"), Some(1));
        assert_eq!(weight("CARRY8"), Some(1));
        assert_eq!(weight("MUXF8"), Some(0));
        assert_eq!(weight("FDRE"), None);
        assert_eq!(weight("SRL16E"), None);
    }
}
