//! Hoists wire-like statements out of rust-hdl's combinational blocks.
//!
//! rust-hdl emits a module's whole `update()` as one `always @(*)` block,
//! including the plain copies that connect children: `child_clock = clock;`,
//! `child_rst = rst;`, `child_s_tdata = s_tdata;`. A block that reads a
//! top-level input through one of them belongs, as a whole, to Verilator's
//! input region, which reruns on every evaluation; an event-driven
//! simulator (Icarus) wakes the whole block on every clock edge. Each such
//! copy becomes a continuous assignment `assign x = y;` after the block
//! (and `x` a `wire`), so only the logic that reads an input really
//! depends on it. Measured on `nicsim bench`: 1.22x (see the README).
//!
//! A statement moves only when that cannot change what the block computes:
//! it sits at the block's top level (not inside `if`/`case`), is one line
//! `lhs = rhs;` with a plain identifier on the left, the block assigns
//! `lhs` nowhere else, `rhs` reads nothing the block assigns (so where it
//! stood in the block's order does not matter), and `lhs` has a plain
//! `reg` declaration in the module that can become a `wire`.

use std::collections::{HashMap, HashSet};

/// Indentation of rust-hdl's `always @(*) begin` and of its statements.
const BLOCK: &str = "    always @(*) begin";
const BLOCK_END: &str = "    end";
const STMT: &str = "        ";

/// Identifier characters of Verilog names as rust-hdl emits them.
fn ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The target of an assignment line (`x = ...` or `x[...] = ...`), if any.
fn target(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let end = t.find(|c: char| !ident_char(c))?;
    let rest = t[end..].trim_start();
    let is_assign = (rest.starts_with('=') && !rest.starts_with("=="))
        || (rest.starts_with('[') && rest.contains("] ="));
    (end > 0 && is_assign).then(|| &t[..end])
}

/// `Some((lhs, rhs))` for a top-level one-line copy `lhs = rhs;`.
fn simple(line: &str) -> Option<(&str, &str)> {
    let s = line.strip_prefix(STMT)?;
    if s.starts_with(' ') || !s.ends_with(';') {
        return None;
    }
    let (lhs, rhs) = s[..s.len() - 1].split_once(" = ")?;
    (!lhs.is_empty() && lhs.chars().all(ident_char) && !rhs.contains('=')).then_some((lhs, rhs))
}

/// The identifiers an expression reads (numbers and `32'h..` literals
/// included, which match no signal name).
fn reads(expr: &str) -> impl Iterator<Item = &str> {
    expr.split(|c: char| !ident_char(c))
        .filter(|w| !w.is_empty())
}

/// The declaration `reg` of `name` as rust-hdl writes it in a module
/// (`    reg  [7:0] name;` or `    output reg  name;`), rewritten to
/// `wire`, or `None` when the line is something else.
fn as_wire(line: &str, name: &str) -> Option<String> {
    let decl = line
        .strip_prefix("    ")?
        .strip_suffix(';')?
        .strip_suffix(name)?;
    let (head, range) = match decl.find('[') {
        Some(i) => (&decl[..i], &decl[i..]),
        None => (decl, ""),
    };
    if !range.is_empty() && !range.ends_with("] ") {
        return None;
    }
    let kind = match head {
        "reg  " => "wire  ",
        "output reg  " => "output wire  ",
        _ => return None,
    };
    Some(format!("    {kind}{range}{name};"))
}

/// Rewrites every `always @(*) begin ... end` block of `src` (see the
/// module documentation). A moved copy becomes `assign lhs = rhs;` right
/// after its block and `lhs` a `wire`: a continuous assignment takes its
/// value at time 0 in every simulator, where an `always @(*)` holding one
/// copy of a constant would never run in an event-driven one.
pub fn hoist(src: &str) -> String {
    let mut lines: Vec<String> = src.lines().map(str::to_string).collect();
    // where each name is declared, per module: (module start, name) -> line
    let mut decl: HashMap<(usize, String), usize> = HashMap::new();
    let mut module = 0;
    let mut i = 0;
    let mut out_blocks: Vec<(usize, usize, Vec<String>, Vec<String>)> = Vec::new();
    while i < lines.len() {
        let l = &lines[i];
        if l.starts_with("module ") {
            module = i;
        } else if let Some(name) = l
            .strip_suffix(';')
            .filter(|_| l.starts_with("    reg  ") || l.starts_with("    output reg  "))
            .and_then(|d| d.rsplit(' ').next())
        {
            decl.insert((module, name.to_string()), i);
        }
        if lines[i] != BLOCK {
            i += 1;
            continue;
        }
        let Some(len) = lines[i + 1..].iter().position(|l| l == BLOCK_END) else {
            i += 1;
            continue;
        };
        let body: Vec<&str> = lines[i + 1..i + 1 + len]
            .iter()
            .map(String::as_str)
            .collect();
        let mut assigned: HashMap<&str, u32> = HashMap::new();
        for l in &body {
            if let Some(t) = target(l) {
                *assigned.entry(t).or_default() += 1;
            }
        }
        let keys: HashSet<&str> = assigned.keys().copied().collect();
        let (mut kept, mut moved) = (Vec::new(), Vec::new());
        for l in &body {
            let copy = simple(l).filter(|(lhs, rhs)| {
                assigned.get(lhs) == Some(&1)
                    && reads(rhs).all(|w| !keys.contains(w))
                    && decl.contains_key(&(module, lhs.to_string()))
            });
            match copy {
                Some((lhs, rhs)) => moved.push(format!("{lhs}\t{rhs}")),
                None => kept.push(l.to_string()),
            }
        }
        out_blocks.push((i, len, kept, moved));
        i += len + 2;
    }
    // the declarations of moved names become wires
    let mut starts: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with("module "))
        .map(|(i, _)| i)
        .collect();
    starts.insert(0, 0);
    for (at, _, _, moved) in &out_blocks {
        let m = *starts.iter().rev().find(|s| **s <= *at).unwrap_or(&0);
        for mv in moved {
            let name = mv.split('\t').next().unwrap_or_default();
            if let Some(&d) = decl.get(&(m, name.to_string())) {
                if let Some(w) = as_wire(&lines[d], name) {
                    lines[d] = w;
                }
            }
        }
    }
    let mut out = String::with_capacity(src.len() + src.len() / 8);
    let mut next = out_blocks.into_iter().peekable();
    let mut i = 0;
    while i < lines.len() {
        let Some((at, len, kept, moved)) = next.next_if(|b| b.0 == i) else {
            out.push_str(&lines[i]);
            out.push('\n');
            i += 1;
            continue;
        };
        debug_assert_eq!(at, i);
        if !kept.is_empty() {
            out.push_str(BLOCK);
            out.push('\n');
            for l in kept {
                out.push_str(&l);
                out.push('\n');
            }
            out.push_str(BLOCK_END);
            out.push('\n');
        }
        for m in moved {
            let (lhs, rhs) = m.split_once('\t').unwrap_or_default();
            out.push_str(&format!("    assign {lhs} = {rhs};\n"));
        }
        i += len + 2;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::hoist;

    const SRC: &str = "module m(clock);\n    input wire  clock;\n    reg  a_clock;\n    reg  [3:0] x_d;\n    wire  [3:0] x_q;\n    reg  [3:0] y;\n    output reg  [7:0] z;\n    reg  k;\n    always @(*) begin\n        a_clock = clock;\n        x_d = x_q;\n        if (go) begin\n            x_d = 1;\n        end\n        y = x_d;\n        z = w;\n        k = 1'b0;\n    end\nendmodule\n";

    #[test]
    fn copies_become_continuous_assignments() {
        let got = hoist(SRC);
        // copies of signals (and constants) the block does not assign
        assert!(got.contains("    assign a_clock = clock;\n"));
        assert!(got.contains("    assign z = w;\n"));
        assert!(got.contains("    assign k = 1'b0;\n"));
        assert!(got.contains("    wire  a_clock;\n"));
        assert!(got.contains("    output wire  [7:0] z;\n"));
        assert!(!got.contains("        a_clock = clock;\n"));
        // x_d is assigned twice; y reads x_d, which the block assigns
        assert!(got.contains("        x_d = x_q;\n") && got.contains("        y = x_d;\n"));
        assert!(got.contains("    reg  [3:0] x_d;\n") && got.contains("    reg  [3:0] y;\n"));
    }

    #[test]
    fn bit_selects_nested_and_undeclared_stay() {
        let src = "module n;\n    reg  [3:0] v;\n    reg  f;\n    always @(*) begin\n        v[3] = c;\n        v = d;\n        if (e) begin\n            f = g;\n        end\n        u = h;\n    end\nendmodule\n";
        let got = hoist(src);
        // v is assigned twice (once through a bit select): neither moves
        assert!(got.contains("        v[3] = c;\n") && got.contains("        v = d;\n"));
        assert!(got.contains("            f = g;\n"));
        // u has no `reg` declaration this pass recognises
        assert!(got.contains("        u = h;\n"));
    }
}
