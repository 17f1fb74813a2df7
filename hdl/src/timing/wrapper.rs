//! Registered-port wrapper for timing one block alone.
//!
//! A block synthesized on its own with its ports on FPGA pins would be
//! timed from pad to pad, and a wide block (the register file's 4,000-bit
//! counter bus) would not even fit the pins. [`wrap`] instead emits a
//! module `timing_top(clk, din, load, dout)` that drives every input of
//! the block from a flip-flop of one long shift register (fed by `din`)
//! and captures every output in a flip-flop; a second shift register,
//! loaded from those flip-flops when `load` is high, brings them to
//! `dout`. Every path into and out of the block therefore starts and ends
//! at a register, as it would between registered neighbours, and the
//! wrapper adds no logic to the block's own paths (only the one 2:1 mux of
//! the output shift register, after the capture flip-flop).

use std::fmt::Write as _;

/// One port of a Verilog module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Port {
    /// Port name.
    pub name: String,
    /// Width in bits.
    pub width: usize,
    /// `true` for `input`.
    pub input: bool,
}

/// Errors of [`ports`] and [`wrap`].
#[derive(Debug, thiserror::Error)]
pub enum WrapError {
    /// No `module NAME(` line in the Verilog.
    #[error("module {0} not found in the Verilog")]
    NoModule(String),
    /// The module has no `clock` or `clk` input.
    #[error("module {0} has no clock input (clock or clk)")]
    NoClock(String),
}

/// The ports of `module` in rust-hdl's emitted Verilog, in declaration
/// order (`input wire [N:0] name;` / `output reg name;` lines).
pub fn ports(verilog: &str, module: &str) -> Result<Vec<Port>, WrapError> {
    let head = format!("module {module}(");
    let start = verilog
        .find(&head)
        .ok_or_else(|| WrapError::NoModule(module.into()))?;
    let body = &verilog[start..];
    let end = body.find("endmodule").unwrap_or(body.len());
    // the header's port list; `input` lines of functions inside the body
    // declare no ports
    let list: Vec<&str> = body[head.len()..]
        .split(')')
        .next()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .collect();
    let mut out = Vec::new();
    for line in body[..end].lines() {
        let t: Vec<&str> = line
            .trim()
            .trim_end_matches(';')
            .split_whitespace()
            .collect();
        let input = match t.first() {
            Some(&"input") => true,
            Some(&"output") => false,
            _ => continue,
        };
        // input wire [63:0] name | input wire name
        let name = t.last().expect("a port line has a name").to_string();
        if !list.contains(&name.as_str()) || out.iter().any(|p: &Port| p.name == name) {
            continue;
        }
        let width = t
            .iter()
            .find(|w| w.starts_with('['))
            .and_then(|r| {
                let (hi, lo) = r.trim_matches(['[', ']']).split_once(':')?;
                Some(hi.parse::<usize>().ok()? - lo.parse::<usize>().ok()? + 1)
            })
            .unwrap_or(1);
        out.push(Port { name, width, input });
    }
    Ok(out)
}

/// `timing_top`: `module` with registered ports (see the module docs),
/// to be appended to the Verilog that defines `module`.
pub fn wrap(verilog: &str, module: &str) -> Result<String, WrapError> {
    let ports = ports(verilog, module)?;
    let clock = ports
        .iter()
        .find(|p| p.input && (p.name == "clock" || p.name == "clk"))
        .ok_or_else(|| WrapError::NoClock(module.into()))?
        .name
        .clone();
    let ins: Vec<&Port> = ports
        .iter()
        .filter(|p| p.input && p.name != clock)
        .collect();
    let outs: Vec<&Port> = ports.iter().filter(|p| !p.input).collect();
    let nin: usize = ins.iter().map(|p| p.width).sum::<usize>().max(1);
    let nout: usize = outs.iter().map(|p| p.width).sum::<usize>().max(1);
    let shift_in = if nin == 1 {
        "din".to_string()
    } else {
        format!("{{si[{}:0], din}}", nin - 2)
    };
    let shift_out = if nout == 1 {
        "1'b0".to_string()
    } else {
        format!("{{so[{}:0], 1'b0}}", nout - 2)
    };
    let mut v = String::new();
    writeln!(
        v,
        "\n// registered-port timing wrapper of {module} (ferronic_hdl::timing::wrapper)\n\
         module timing_top(input wire clk, input wire din, input wire load, output wire dout);\n\
         reg [{hi_in}:0] si = 0;\nreg [{hi_out}:0] cap = 0;\nreg [{hi_out}:0] so = 0;\n\
         wire [{hi_out}:0] res;\n\
         always @(posedge clk) begin\n\
         \x20 si <= {shift_in};\n  cap <= res;\n  so <= load ? cap : {shift_out};\nend\n\
         assign dout = so[{hi_out}];",
        hi_in = nin - 1,
        hi_out = nout - 1,
    )
    .unwrap();
    let mut conns = vec![format!(".{clock}(clk)")];
    let mut at = 0;
    for p in &ins {
        conns.push(format!(".{}(si[{}:{}])", p.name, at + p.width - 1, at));
        at += p.width;
    }
    at = 0;
    for p in &outs {
        conns.push(format!(".{}(res[{}:{}])", p.name, at + p.width - 1, at));
        at += p.width;
    }
    if outs.is_empty() {
        v.push_str("assign res = 1'b0;\n");
    }
    writeln!(v, "{module} dut(\n  {}\n);\nendmodule", conns.join(",\n  ")).unwrap();
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: &str = "module top_x(clock,rst,a,b,y,z);\n    input wire  clock;\n    input wire  rst;\n    \
                     input wire  [7:0] a;\n    input wire  b;\n    output reg  [3:0] y;\n    output wire  z;\n\
                     function f;\n  input [3:0] q;\n  f = q[0];\nendfunction\nendmodule\n";

    #[test]
    fn ports_in_order_with_widths() {
        let p = ports(V, "top_x").unwrap();
        let got: Vec<(&str, usize, bool)> = p
            .iter()
            .map(|p| (p.name.as_str(), p.width, p.input))
            .collect();
        assert_eq!(
            got,
            [
                ("clock", 1, true),
                ("rst", 1, true),
                ("a", 8, true),
                ("b", 1, true),
                ("y", 4, false),
                ("z", 1, false)
            ]
        );
        assert!(matches!(ports(V, "top_q"), Err(WrapError::NoModule(_))));
    }

    #[test]
    fn every_input_from_the_shift_register_every_output_captured() {
        let w = wrap(V, "top_x").unwrap();
        // rst(1) + a(8) + b(1) = 10 input bits, y(4) + z(1) = 5 output bits
        assert!(w.contains("reg [9:0] si = 0;"), "{w}");
        assert!(w.contains("reg [4:0] cap = 0;"), "{w}");
        for c in [
            ".clock(clk)",
            ".rst(si[0:0])",
            ".a(si[8:1])",
            ".b(si[9:9])",
            ".y(res[3:0])",
            ".z(res[4:4])",
        ] {
            assert!(w.contains(c), "{c} in {w}");
        }
        let no_clock = V
            .replace("input wire  clock;", "input wire  clk2;")
            .replace("clock,", "clk2,");
        assert!(matches!(
            wrap(&no_clock, "top_x"),
            Err(WrapError::NoClock(_))
        ));
    }
}
