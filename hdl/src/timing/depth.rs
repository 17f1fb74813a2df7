//! Logic depth of a synthesized netlist: the most combinational cells on
//! any path from a register or input port to a register or output port.
//!
//! Method (written down because depth figures are only comparable under
//! one method): read yosys' `write_json` netlist after `synth_xilinx
//! -family xcup -flatten`; every LUT1..LUT6 and every CARRY4/CARRY8 counts
//! one level; a MUXF7/MUXF8/MUXF9 counts zero (it sits in the same slice
//! as the LUTs it joins, so a wide mux is part of their LUT level);
//! flip-flops (FD*), shift-register LUTs (SRL*), RAMs, DSPs and black
//! boxes of the design (lower-case cell types: vendor IP, a core
//! synthesized on its own) start and end paths; buffers count zero. A chain of eight CARRY8 (a 64-bit add)
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
        || t.starts_with(|c: char| c.is_ascii_lowercase())
    {
        // (lower case: a black box of the design, a vendor IP or a core
        // synthesized on its own, whose ports are registered)
        None
    } else {
        // MUXF7/8/9, buffers, constant drivers
        Some(0)
    }
}

/// Memo of the DFS: `None` unvisited, `Some(None)` on the stack,
/// `Some(Some((levels, deepest input cell)))` done.
type Memo = Option<Option<Reach>>;

/// Levels up to a cell and the deepest combinational cell feeding it.
type Reach = (u32, Option<usize>);

struct Cell {
    t: String,
    w: Option<u32>,
    inputs: Vec<u64>,
}

/// The netlist as cells, the cell driving each bit, and the named nets
/// (bit -> name, `$`-prefixed internal names left out).
struct Graph {
    cells: Vec<Cell>,
    /// Output bits of each cell, for naming a register by its Q bits.
    outputs: Vec<Vec<u64>>,
    driver: HashMap<u64, usize>,
    names: HashMap<u64, String>,
    memo: Vec<Memo>,
}

impl Graph {
    fn new(netlist: &str, module: &str) -> Result<Self, DepthError> {
        let v: Value = serde_json::from_str(netlist)?;
        let m = v["modules"]
            .get(module)
            .ok_or_else(|| DepthError::NoModule(module.into()))?;
        let mut cells = Vec::new();
        let mut outputs = Vec::new();
        let mut driver: HashMap<u64, usize> = HashMap::new();
        if let Some(cs) = m["cells"].as_object() {
            for c in cs.values() {
                let t = c["type"].as_str().unwrap_or("").to_string();
                let dirs = c["port_directions"].as_object();
                let (mut inputs, mut outs) = (Vec::new(), Vec::new());
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
                                outs.push(b);
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
                outputs.push(outs);
            }
        }
        let mut names = HashMap::new();
        if let Some(ns) = m["netnames"].as_object() {
            for (name, n) in ns {
                if name.starts_with('$') {
                    continue;
                }
                for b in n["bits"].as_array().into_iter().flatten() {
                    if let Some(b) = b.as_u64() {
                        names.entry(b).or_insert_with(|| name.clone());
                    }
                }
            }
        }
        let memo = vec![None; cells.len()];
        Ok(Self {
            cells,
            outputs,
            driver,
            names,
            memo,
        })
    }

    /// Levels up to and including cell `i` (a combinational cell), and
    /// the deepest combinational cell feeding it.
    fn visit(&mut self, i: usize) -> Result<Reach, DepthError> {
        match self.memo[i] {
            Some(Some(d)) => return Ok(d),
            Some(None) => return Err(DepthError::Loop(self.cells[i].t.clone())),
            None => {}
        }
        self.memo[i] = Some(None);
        let (best, w) = self.feeding(i)?;
        let r = (best.0 + w.unwrap_or(0), best.1);
        self.memo[i] = Some(Some(r));
        Ok(r)
    }

    /// The deepest combinational cell driving an input of cell `i`, its
    /// levels, and cell `i`'s own weight.
    fn feeding(&mut self, i: usize) -> Result<(Reach, Option<u32>), DepthError> {
        let mut best = (0, None);
        for k in 0..self.cells[i].inputs.len() {
            let b = self.cells[i].inputs[k];
            if let Some(&j) = self.driver.get(&b) {
                if self.cells[j].w.is_some() {
                    let (d, _) = self.visit(j)?;
                    if d > best.0 || best.1.is_none() {
                        best = (d, Some(j));
                    }
                }
            }
        }
        Ok((best, self.cells[i].w))
    }
}

/// Longest combinational path of `module` in the yosys JSON `netlist`.
pub fn depth(netlist: &str, module: &str) -> Result<Depth, DepthError> {
    let mut g = Graph::new(netlist, module)?;
    let mut worst = (0u32, None::<usize>);
    for i in 0..g.cells.len() {
        if g.cells[i].w.is_none() {
            // registers only end paths; the cells feeding them are visited
            continue;
        }
        let (d, _) = g.visit(i)?;
        if d > worst.0 {
            worst = (d, Some(i));
        }
    }
    let mut path = Vec::new();
    let mut at = worst.1;
    while let Some(i) = at {
        if g.cells[i].w.is_some_and(|w| w > 0) || g.cells[i].t.starts_with("MUXF") {
            path.push(g.cells[i].t.clone());
        }
        at = g.memo[i].and_then(|m| m).and_then(|(_, p)| p);
    }
    path.reverse();
    Ok(Depth {
        levels: worst.0,
        path,
    })
}

/// The levels in front of each register of `module`, deepest first: one
/// entry per register name (its Q net in the source, bit index dropped),
/// the most levels in front of any of its bits. Tells which stage of a
/// deep block to split.
pub fn registers(netlist: &str, module: &str) -> Result<Vec<(String, u32)>, DepthError> {
    let mut g = Graph::new(netlist, module)?;
    let mut by: HashMap<String, u32> = HashMap::new();
    for i in 0..g.cells.len() {
        if g.cells[i].w.is_some() {
            continue;
        }
        let ((d, _), _) = g.feeding(i)?;
        let name = g.outputs[i]
            .iter()
            .find_map(|b| g.names.get(b))
            .map_or_else(|| g.cells[i].t.clone(), |n| n.clone());
        let e = by.entry(name).or_insert(0);
        *e = (*e).max(d);
    }
    let mut v: Vec<(String, u32)> = by.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(v)
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
    fn registers_by_name() {
        let named = NET.replace(
            "}}}}",
            r#"}, "netnames": {"stage_q": {"bits": [16]}, "$auto$1": {"bits": [16]}}}}}"#,
        );
        assert_eq!(
            registers(&named, "t").unwrap(),
            [("stage_q".to_string(), 3)]
        );
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
