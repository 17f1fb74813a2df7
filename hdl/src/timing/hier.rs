//! One block's module hierarchy cut out of `nic_core.v`.
//!
//! yosys numbers the wires and cells it creates in the order it reads
//! and elaborates modules, and ABC and nextpnr see the netlist in that
//! order. A block synthesized from the whole `nic_core.v` therefore maps
//! and places differently when only *other* modules change (FcsInsert
//! moved from 126.0 to 106.4 MHz on seed 1 with its Verilog unchanged).
//! [`hierarchy`] keeps the file's preamble and just the modules the
//! block instantiates, directly or below, in the file's order, so a
//! block's timing run reads the same text for as long as its own
//! modules do not change.

use std::collections::{BTreeSet, HashMap};

/// Errors of [`hierarchy`].
#[derive(Debug, thiserror::Error)]
pub enum HierError {
    /// No `module NAME(` line for the top or an instantiated module.
    #[error("module {0} not found in the Verilog")]
    NoModule(String),
}

/// One `module NAME(...` .. `endmodule` span of the file.
struct Span<'a> {
    name: &'a str,
    text: &'a str,
}

/// The modules of rust-hdl's emitted Verilog in file order (each from
/// its `module` line through its `endmodule` line) and the preamble
/// before the first one.
fn spans(verilog: &str) -> (&str, Vec<Span<'_>>) {
    let mut out = Vec::new();
    let mut preamble_end = verilog.len();
    let mut pos = 0;
    while let Some(off) = find_line_start(&verilog[pos..], "module ") {
        let start = pos + off;
        preamble_end = preamble_end.min(start);
        let rest = &verilog[start..];
        let name_end = rest["module ".len()..]
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map_or(rest.len(), |i| i + "module ".len());
        let end = find_line_start(rest, "endmodule")
            .map(|e| e + rest[e..].find('\n').map_or(rest.len() - e, |n| n + 1))
            .unwrap_or(rest.len());
        out.push(Span {
            name: &rest["module ".len()..name_end],
            text: &rest[..end],
        });
        pos = start + end;
    }
    (&verilog[..preamble_end], out)
}

/// Offset of the first line of `s` that starts with `prefix`.
fn find_line_start(s: &str, prefix: &str) -> Option<usize> {
    if s.starts_with(prefix) {
        return Some(0);
    }
    s.match_indices(&format!("\n{prefix}"))
        .next()
        .map(|(i, _)| i + 1)
}

/// The module names instantiated in `text` (rust-hdl writes an instance
/// as `    <module> <instance>(` on its own line).
fn children<'a>(text: &str, known: &HashMap<&'a str, usize>) -> Vec<&'a str> {
    text.lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            let (m, inst) = (w.next()?, w.next()?);
            if w.next().is_some() || !inst.ends_with('(') {
                return None;
            }
            known.get_key_value(m).map(|(k, _)| *k)
        })
        .collect()
}

/// The preamble of `verilog` and the modules reachable from `top` by
/// instantiation, in the order the file has them.
///
/// # Errors
/// [`HierError::NoModule`] when `top` is not defined in `verilog`.
pub fn hierarchy(verilog: &str, top: &str) -> Result<String, HierError> {
    let (preamble, spans) = spans(verilog);
    let index: HashMap<&str, usize> = spans.iter().enumerate().map(|(i, s)| (s.name, i)).collect();
    let root = *index
        .get(top)
        .ok_or_else(|| HierError::NoModule(top.into()))?;
    let mut keep = BTreeSet::from([root]);
    let mut todo = vec![root];
    while let Some(i) = todo.pop() {
        for c in children(spans[i].text, &index) {
            let j = index[c];
            if keep.insert(j) {
                todo.push(j);
            }
        }
    }
    let mut out = preamble.to_string();
    for i in keep {
        out.push_str(spans[i].text);
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: &str =
        "// head\n\nmodule top(a);\n    mid u(\n    );\n    leaf l(\n    );\nendmodule // top\n\n\
                     module other(a);\n    leaf x(\n    );\nendmodule // other\n\n\
                     module leaf(a);\n    // leaf l(\nendmodule // leaf\n\n\
                     module mid(a);\n    leaf y(\n    );\nendmodule // mid\n";

    #[test]
    fn keeps_the_reachable_modules_in_file_order() {
        let h = hierarchy(V, "mid").unwrap();
        assert!(h.starts_with("// head\n\nmodule leaf(a);"), "{h}");
        assert!(h.contains("module mid(a);") && !h.contains("module top") && !h.contains("other"));
        let t = hierarchy(V, "top").unwrap();
        let order: Vec<&str> = t.lines().filter(|l| l.starts_with("module ")).collect();
        assert_eq!(
            order,
            ["module top(a);", "module leaf(a);", "module mid(a);"]
        );
        assert!(matches!(hierarchy(V, "nope"), Err(HierError::NoModule(_))));
    }

    #[test]
    fn cuts_every_block_of_the_core() {
        let v =
            super::super::sources(&crate::verilog::emit(&crate::verilog::regmap(0, 0)).unwrap());
        for b in super::super::BLOCKS {
            let h = hierarchy(&v, b.module).unwrap();
            assert!(h.contains(&format!("module {}(", b.module)));
            // every instance in the cut has its module in the cut
            let (_, spans) = spans(&h);
            let names: HashMap<&str, usize> = spans.iter().map(|s| (s.name, 0)).collect();
            let (_, all) = super::spans(&v);
            let every: HashMap<&str, usize> = all.iter().map(|s| (s.name, 0)).collect();
            for s in &spans {
                for c in children(s.text, &every) {
                    assert!(names.contains_key(c), "{} needs {c}", b.name);
                }
            }
            assert!(h.len() < v.len(), "{} is the whole core", b.name);
        }
    }
}
