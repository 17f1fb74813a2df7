//! Carry-select adders written as Verilog text, for wide adds that must
//! stay shallow (issue 12: at most 8 LUT/CARRY cells between registers
//! on xcup, where yosys 0.23 maps a 64-bit `+` to one LUT and sixteen
//! chained CARRY4 cells, 17 levels).
//!
//! [`carry_select`] splits an add into `chunk`-bit pieces. Every piece
//! but the lowest is added twice in parallel, once with carry-in 0 and
//! once with carry-in 1 (`{x, 1} + {y, 1}`, whose bits `chunk:1` are
//! `x + y + 1`), and the carries between pieces pick one sum each: a
//! 64-bit add in 16-bit pieces is a LUT and four CARRY4 (five for the
//! carry-in-1 sums) in parallel, then each piece's carry-in as one flat
//! function of the pieces' carries below (a LUT for up to four pieces)
//! and the pick, about 8 levels instead of 17 and 64 more LUTs. The statements are blocking assignments to
//! temporaries, meant for the inside of a clocked block's enable (so
//! Verilator evaluates them only when the stage loads); the sum is the
//! temporary named `name`.

use std::fmt::Write as _;

/// Declarations (module level) and statements (inside the `always`
/// block, before the sum is read) of one carry-select add.
#[derive(Clone, Debug, Default)]
pub struct CarrySelect {
    /// `reg` declarations of the temporaries and of the sum `name`.
    pub decl: String,
    /// Blocking assignments computing `name = x + y` (mod 2^width).
    pub body: String,
}

/// `name = x + y` over `width` bits in `chunk`-bit pieces; `x` and `y`
/// are signal names (they are part-selected), `width` a multiple of
/// `chunk`. The carry out of the top piece is dropped (a mod-2^width add,
/// as SipHash's).
pub fn carry_select(name: &str, x: &str, y: &str, width: usize, chunk: usize) -> CarrySelect {
    assert!(
        chunk > 0 && width.is_multiple_of(chunk),
        "width {width} in {chunk}-bit pieces"
    );
    let n = width / chunk;
    let mut c = CarrySelect::default();
    let (d, b) = (&mut c.decl, &mut c.body);
    let part = |v: &str, k: usize| format!("{v}[{}:{}]", chunk * k + chunk - 1, chunk * k);
    let top = n - 1;
    // piece 0: one add with its carry out (none needed when it is the top)
    let w0 = if n == 1 { chunk } else { chunk + 1 };
    writeln!(d, "reg [{}:0] {name}_z0;", w0 - 1).unwrap();
    if n == 1 {
        writeln!(b, "{name}_z0 = {} + {};", part(x, 0), part(y, 0)).unwrap();
    } else {
        writeln!(
            b,
            "{name}_z0 = {{1'b0, {}}} + {{1'b0, {}}};",
            part(x, 0),
            part(y, 0)
        )
        .unwrap();
    }
    let mut pieces = vec![format!("{name}_z0[{}:0]", chunk - 1)];
    for k in 1..n {
        // the top piece's carry out is not needed
        let carry = usize::from(k != top);
        writeln!(
            d,
            "reg [{}:0] {name}_z{k}; reg [{}:0] {name}_o{k}; reg {name}_k{k};",
            chunk - 1 + carry,
            chunk + carry
        )
        .unwrap();
        let (zx, zy) = if carry == 1 {
            (
                format!("{{1'b0, {}}}", part(x, k)),
                format!("{{1'b0, {}}}", part(y, k)),
            )
        } else {
            (part(x, k), part(y, k))
        };
        let (ox, oy) = if carry == 1 {
            (
                format!("{{1'b0, {}, 1'b1}}", part(x, k)),
                format!("{{1'b0, {}, 1'b1}}", part(y, k)),
            )
        } else {
            (
                format!("{{{}, 1'b1}}", part(x, k)),
                format!("{{{}, 1'b1}}", part(y, k)),
            )
        };
        writeln!(b, "{name}_z{k} = {zx} + {zy};").unwrap();
        writeln!(b, "{name}_o{k} = {ox} + {oy};").unwrap();
        // carry into piece k, flat (one LUT for up to 3 pieces below):
        // some piece j below generates a carry with carry-in 0 and every
        // piece between propagates one with carry-in 1
        let terms: Vec<String> = (0..k)
            .map(|j| {
                let mut t = vec![format!("{name}_z{j}[{chunk}]")];
                t.extend((j + 1..k).map(|i| format!("{name}_o{i}[{}]", chunk + 1)));
                t.join(" & ")
            })
            .collect();
        let cin = if k == 1 {
            terms[0].clone()
        } else {
            format!("({})", terms.join(" | "))
        };
        writeln!(b, "{name}_k{k} = {cin};").unwrap();
        pieces.push(format!(
            "({name}_k{k} ? {name}_o{k}[{chunk}:1] : {name}_z{k}[{}:0])",
            chunk - 1
        ));
    }
    writeln!(d, "reg [{}:0] {name};", width - 1).unwrap();
    if n > 1 {
        // bit 0 of a carry-in-1 sum is always 0 and never read
        c.decl = format!(
            "/* verilator lint_off UNUSEDSIGNAL */\n{}/* verilator lint_on UNUSEDSIGNAL */\n",
            c.decl
        );
    }
    pieces.reverse();
    writeln!(b, "{name} = {{{}}};", pieces.join(", ")).unwrap();
    c
}

/// The statements of several adds, each line prefixed by `indent`, for
/// the inside of a clocked block's enable.
pub fn statements(adds: &[&CarrySelect], indent: &str) -> String {
    adds.iter()
        .flat_map(|c| c.body.lines())
        .map(|l| format!("{indent}{l}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_and_carries() {
        let c = carry_select("s", "a", "b", 64, 16);
        assert!(c.decl.contains("reg [16:0] s_z0;"));
        assert!(c
            .decl
            .contains("reg [15:0] s_z3; reg [16:0] s_o3; reg s_k3;"));
        assert!(c
            .body
            .contains("s_o1 = {1'b0, a[31:16], 1'b1} + {1'b0, b[31:16], 1'b1};"));
        assert!(c.body.contains("s_k2 = (s_z0[16] & s_o1[17] | s_z1[16]);"));
        assert!(c
            .body
            .contains("s_k3 = (s_z0[16] & s_o1[17] & s_o2[17] | s_z1[16] & s_o2[17] | s_z2[16]);"));
        assert!(c.body.contains(
            "s = {(s_k3 ? s_o3[16:1] : s_z3[15:0]), (s_k2 ? s_o2[16:1] : s_z2[15:0]), (s_k1 ? s_o1[16:1] : s_z1[15:0]), s_z0[15:0]};"
        ));
        let one = carry_select("t", "a", "b", 8, 8);
        assert_eq!(one.body, "t_z0 = a[7:0] + b[7:0];\nt = {t_z0[7:0]};\n");
    }
}
