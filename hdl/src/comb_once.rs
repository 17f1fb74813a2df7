//! The assign-once rule, checked on emitted Verilog: every signal that a
//! combinational block assigns and another block reads is assigned at most
//! once on every path through the block.
//!
//! Why: an `always @(*)` block that writes a default and then overwrites
//! it (`x = 0; if (c) x = 1;`) makes `x` glitch inside one time step. An
//! event-driven simulator (Icarus, xsim, Questa) wakes every block that
//! reads `x`; when that block's own output glitches back into the first
//! block (rust-hdl puts a parent's whole `update()` in one block, so the
//! parent and each child read each other), the two wake each other for
//! ever and simulated time stops. Verilator (cycle-based) and synthesis do
//! not see it. Signals only the same block reads, and the `d` inputs of
//! registers (read at the clock edge), may be assigned many times.
//!
//! [`check`] parses the Verilog that rust-hdl and our custom blocks emit
//! (one module after another; `always @(*)`, `assign`, `wire x = ...`,
//! `always @(posedge ...)`, sub-module instances with named ports) and
//! counts, per combinational block, the largest number of assignments to
//! each signal on any path (`if`/`else` and `case` branches are
//! alternatives, statements in sequence add up).

use std::collections::{BTreeMap, BTreeSet};

/// A signal assigned more than once on some path through one
/// combinational block, while another block reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Module name in the emitted Verilog.
    pub module: String,
    /// The signal.
    pub signal: String,
    /// Assignments on the worst path through the block.
    pub times: u32,
    /// Who reads it: `output port`, `child INSTANCE.PORT` or `block N`.
    pub reader: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} assigned {} times in one evaluation, read by {}",
            self.module, self.signal, self.times, self.reader
        )
    }
}

#[derive(Default)]
struct Module {
    name: String,
    outputs: BTreeSet<String>,
    /// Combinational blocks: per block, assignments on the worst path and
    /// every identifier the block mentions.
    comb: Vec<(BTreeMap<String, u32>, BTreeSet<String>)>,
    instances: Vec<Instance>,
}

/// A sub-module instance: module kind, instance name, and each named port
/// with the parent signal connected to it (`.port(signal)`).
type Instance = (String, String, Vec<(String, String)>);

/// Every violation of the assign-once rule in `verilog`.
pub fn check(verilog: &str) -> Vec<Violation> {
    let modules = parse_modules(verilog);
    let by_name: BTreeMap<&str, &Module> = modules.iter().map(|m| (m.name.as_str(), m)).collect();
    let mut out = vec![];
    for m in &modules {
        for (k, (assigns, _)) in m.comb.iter().enumerate() {
            for (key, &times) in assigns.iter().filter(|(_, t)| **t > 1) {
                let sig = base_name(key);
                if let Some(reader) = reader_of(m, k, sig, &by_name) {
                    out.push(Violation {
                        module: m.name.clone(),
                        signal: key.clone(),
                        times,
                        reader,
                    });
                }
            }
        }
    }
    out
}

/// Who other than block `k` of `m` reads `sig` combinationally, if anyone.
fn reader_of(m: &Module, k: usize, sig: &str, mods: &BTreeMap<&str, &Module>) -> Option<String> {
    if m.outputs.contains(sig) {
        return Some("output port".into());
    }
    for (j, (_, names)) in m.comb.iter().enumerate() {
        if j != k && names.contains(sig) {
            return Some(format!("block {j}"));
        }
    }
    for (kind, inst, ports) in &m.instances {
        for (port, conn) in ports {
            if conn != sig {
                continue;
            }
            // a child reads its input combinationally when any of its
            // combinational blocks mentions it (a register's `d` does not)
            let comb_read = mods
                .get(kind.as_str())
                .is_none_or(|c| c.comb.iter().any(|(_, names)| names.contains(port)));
            if comb_read {
                return Some(format!("child {inst}.{port}"));
            }
        }
    }
    None
}

fn parse_modules(v: &str) -> Vec<Module> {
    let mut mods = vec![];
    let mut lines = v.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim();
        let Some(rest) = t.strip_prefix("module ") else {
            continue;
        };
        let mut m = Module {
            name: rest.split(['(', ' ', ';']).next().unwrap_or("").to_string(),
            ..Module::default()
        };
        let mut body = String::new();
        for l in lines.by_ref() {
            if l.trim_start().starts_with("endmodule") {
                break;
            }
            body.push_str(l);
            body.push('\n');
        }
        parse_body(&body, &mut m);
        mods.push(m);
    }
    mods
}

fn parse_body(body: &str, m: &mut Module) {
    let toks = tokenize(body);
    let mut i = 0;
    while i < toks.len() {
        match toks[i].as_str() {
            "input" | "output" => {
                // outputs are read by the parent; inputs need no record
                let end = find(&toks, i, ";");
                if toks[i] == "output" {
                    if let Some(name) = toks[i..end].iter().rev().find(|t| is_ident(t)) {
                        m.outputs.insert(name.clone());
                    }
                }
                i = end + 1;
            }
            "always" if toks.get(i + 3).map(String::as_str) == Some("*") => {
                // always @ ( * ) STMT
                let mut j = i + 1;
                while toks[j] != ")" {
                    j += 1;
                }
                j += 1;
                let start = j;
                let counts = stmt(&toks, &mut j);
                m.comb.push((counts, idents(&toks[start..j])));
                i = j;
            }
            "always" | "initial" => {
                // sequential or initial: skip the event control and statement
                let mut j = i + 1;
                if toks[j] == "@" {
                    j = skip_parens(&toks, j + 1);
                }
                let _ = stmt(&toks, &mut j);
                i = j;
            }
            "assign" => {
                let end = find(&toks, i, ";");
                let lhs = toks[i + 1].clone();
                m.comb
                    .push((BTreeMap::from([(lhs, 1)]), idents(&toks[i + 1..end])));
                i = end + 1;
            }
            "wire" | "reg" | "localparam" | "integer" => {
                let end = find(&toks, i, ";");
                if toks[i] == "wire" && toks[i..end].iter().any(|t| t == "=") {
                    let eq = i + toks[i..end].iter().position(|t| t == "=").unwrap();
                    let lhs = toks[eq - 1].clone();
                    m.comb
                        .push((BTreeMap::from([(lhs, 1)]), idents(&toks[i..end])));
                }
                i = end + 1;
            }
            "function" => {
                i = find(&toks, i, "endfunction") + 1;
            }
            t if is_ident(t)
                && toks.get(i + 1).is_some_and(|n| is_ident(n))
                && toks.get(i + 2).map(String::as_str) == Some("(") =>
            {
                // sub-module instance: KIND NAME ( .port ( sig ) , ... ) ;
                let (kind, inst) = (t.to_string(), toks[i + 1].clone());
                let end = find(&toks, i, ";");
                let mut ports = vec![];
                let mut j = i + 3;
                while j < end {
                    if toks[j] == "." {
                        let port = toks[j + 1].clone();
                        let close = skip_parens(&toks, j + 2);
                        let conn: Vec<&String> = toks[j + 3..close - 1].iter().collect();
                        if conn.len() == 1 {
                            ports.push((port, conn[0].clone()));
                        }
                        j = close;
                    } else {
                        j += 1;
                    }
                }
                m.instances.push((kind, inst, ports));
                i = end + 1;
            }
            _ => i += 1,
        }
    }
}

/// One statement from `toks[*i]`; returns the most assignments per signal
/// on any path through it.
fn stmt(toks: &[String], i: &mut usize) -> BTreeMap<String, u32> {
    let mut acc = BTreeMap::new();
    match toks.get(*i).map(String::as_str) {
        None => {}
        Some("begin") => {
            *i += 1;
            while *i < toks.len() && toks[*i] != "end" {
                let s = stmt(toks, i);
                add(&mut acc, &s);
            }
            *i += 1;
        }
        Some("if") => {
            *i = skip_parens(toks, *i + 1);
            let then = stmt(toks, i);
            let other = if toks.get(*i).map(String::as_str) == Some("else") {
                *i += 1;
                stmt(toks, i)
            } else {
                BTreeMap::new()
            };
            acc = alt(&then, &other);
        }
        Some("case" | "casez" | "casex") => {
            *i = skip_parens(toks, *i + 1);
            while *i < toks.len() && toks[*i] != "endcase" {
                // label up to ':' at bracket depth 0
                let mut depth = 0;
                while *i < toks.len() {
                    match toks[*i].as_str() {
                        "[" | "(" | "{" => depth += 1,
                        "]" | ")" | "}" => depth -= 1,
                        ":" if depth == 0 => break,
                        _ => {}
                    }
                    *i += 1;
                }
                *i += 1;
                let s = stmt(toks, i);
                acc = alt(&acc, &s);
            }
            *i += 1;
        }
        Some(";") => *i += 1,
        Some(_) => {
            let end = find(toks, *i, ";");
            if let Some(eq) = toks[*i..end].iter().position(|t| t == "=") {
                // the assigned name, with a constant bit or part select
                // kept (`crc_out[3] = ...` assigns one bit once)
                let lhs = &toks[*i..*i + eq];
                if let Some(name) = lhs.first().filter(|t| is_ident(t)) {
                    let key = if lhs.len() > 1 && lhs[1] == "[" {
                        format!("{name}{}", lhs[1..].concat())
                    } else {
                        name.clone()
                    };
                    acc.insert(key, 1);
                }
            }
            *i = end + 1;
        }
    }
    acc
}

/// `s` after `acc` in sequence. A whole-signal assignment and a
/// bit-select assignment of the same signal count as two for the signal.
fn add(acc: &mut BTreeMap<String, u32>, s: &BTreeMap<String, u32>) {
    let before: Vec<String> = acc.keys().cloned().collect();
    for (k, v) in s {
        let base = base_name(k);
        let overlap = before
            .iter()
            .any(|a| a != k && base_name(a) == base && (a == base || k == base));
        *acc.entry(k.clone()).or_default() += v;
        if overlap {
            *acc.entry(base.to_string()).or_default() += 1;
        }
    }
}

fn base_name(k: &str) -> &str {
    k.split('[').next().unwrap_or(k)
}

fn alt(a: &BTreeMap<String, u32>, b: &BTreeMap<String, u32>) -> BTreeMap<String, u32> {
    let mut r = a.clone();
    for (k, v) in b {
        let e = r.entry(k.clone()).or_default();
        *e = (*e).max(*v);
    }
    r
}

fn find(toks: &[String], from: usize, what: &str) -> usize {
    toks[from..]
        .iter()
        .position(|t| t == what)
        .map_or(toks.len(), |p| from + p)
}

/// Index after the parenthesised group that starts at `toks[i]` = `(`.
fn skip_parens(toks: &[String], mut i: usize) -> usize {
    let mut depth = 0;
    while i < toks.len() {
        match toks[i].as_str() {
            "(" => depth += 1,
            ")" => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    i
}

const KEYWORDS: &[&str] = &[
    "begin",
    "end",
    "if",
    "else",
    "case",
    "casez",
    "casex",
    "endcase",
    "default",
    "always",
    "assign",
    "wire",
    "reg",
    "input",
    "output",
    "posedge",
    "negedge",
    "or",
    "for",
    "integer",
    "localparam",
    "function",
    "endfunction",
    "signed",
];

fn is_ident(t: &str) -> bool {
    t.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') && !KEYWORDS.contains(&t)
}

fn idents(toks: &[String]) -> BTreeSet<String> {
    toks.iter().filter(|t| is_ident(t)).cloned().collect()
}

/// Verilog tokens: identifiers, sized numbers (`8'hff` as one token),
/// two-character operators (`==`, `<=`, `>=`, `!=`, `&&`, `||`, `<<`,
/// `>>`) and single characters; comments dropped.
fn tokenize(s: &str) -> Vec<String> {
    let b = s.as_bytes();
    let mut out = vec![];
    let mut i = 0;
    while i < b.len() {
        let c = b[i] as char;
        if c.is_whitespace() {
            i += 1;
        } else if s[i..].starts_with("//") {
            i = s[i..].find('\n').map_or(b.len(), |p| i + p);
        } else if s[i..].starts_with("/*") {
            i = s[i..].find("*/").map_or(b.len(), |p| i + p + 2);
        } else if c.is_ascii_alphanumeric() || c == '_' || c == '\'' || c == '$' {
            let start = i;
            while i < b.len() {
                let d = b[i] as char;
                if d.is_ascii_alphanumeric() || d == '_' || d == '\'' || d == '$' {
                    i += 1;
                } else {
                    break;
                }
            }
            out.push(s[start..i].to_string());
        } else {
            let two = s.get(i..i + 2).unwrap_or("");
            if ["==", "<=", ">=", "!=", "&&", "||", "<<", ">>", "+:", "-:"].contains(&two) {
                out.push(two.to_string());
                i += 2;
            } else {
                out.push(c.to_string());
                i += 1;
            }
        }
    }
    out
}
