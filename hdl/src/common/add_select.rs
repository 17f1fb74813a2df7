//! Carry-select adders written as Verilog text, for wide adds that must
//! stay shallow (issue 12: at most 8 LUT/CARRY cells between registers
//! on xcup, where yosys 0.23 maps a 64-bit `+` to one LUT and sixteen
//! chained CARRY4 cells, 17 levels).
//!
//! [`carry_select`] splits an add into `chunk`-bit pieces. Every piece
//! but the lowest is added twice in parallel, once with carry-in 0
//! (`x + y`) and once with carry-in 1 (`x - ~y`, which is `x + y + 1`),
//! each a `chunk`-bit add without a carry out. The carries between pieces
//! come from compares of the same operands, which yosys maps to a carry
//! chain whose carry out is the result, so no chain grows by a bit for a
//! carry out: piece `j` generates a carry with carry-in 0 when `~x < y`
//! (`x + y > 2^chunk - 1`) and with carry-in 1 when `!(y < ~x)` (`x + y >=
//! 2^chunk - 1`). Each piece's carry-in is one flat function of those
//! (some piece below generates one, every piece between passes one on),
//! and picks one sum with an AND-OR (not a `?:`: yosys'
//! `opt_share` would merge the two adds into one behind a mux on their
//! operands, a chain after a chain). A 64-bit add in 16-bit pieces on
//! xcup (yosys 0.23): a LUT and four CARRY4 per sum, the compares about as
//! deep, then at most three LUTs (ABC's area recovery chains the
//! carry-ins: it does not see that the carries arrive late), 8 levels
//! instead of 17. The statements are blocking assignments to
//! temporaries, meant for the inside of a clocked block's enable (so
//! Verilator evaluates them only when the stage loads); the sum is the
//! temporary named `name`.
//!
//! **ECP5**: with `FERRONIC_ECP5` defined (the ECP5 timing flow and the
//! README's ECP5 build define it) the add is a plain `x + y`, one CCU2C
//! carry chain (about 0.07 ns a 2-bit cell on speed 6). The carry-select
//! form maps there to inverter LUTs, compare chains and picks whose carry
//! nets fan out to 16-32 LUTs each: the handshake engine's critical path
//! on ECP5 (a SipHash stage, 9.5 of 12.7 ns routing). The xcup depth is
//! measured without the define, as any other tool reads the text.

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
    let mut pieces = Vec::new();
    for k in 0..n {
        let (xk, yk) = (part(x, k), part(y, k));
        writeln!(d, "reg [{}:0] {name}_z{k};", chunk - 1).unwrap();
        writeln!(b, "{name}_z{k} = {xk} + {yk};").unwrap();
        if k != top {
            // carry out with carry-in 0 (generate), and with carry-in 1
            writeln!(d, "reg {name}_g{k};").unwrap();
            writeln!(b, "{name}_g{k} = ~{xk} < {yk};").unwrap();
            if k != 0 {
                writeln!(d, "reg {name}_p{k};").unwrap();
                writeln!(b, "{name}_p{k} = !({yk} < ~{xk});").unwrap();
            }
        }
        if k == 0 {
            pieces.push(format!("{name}_z0"));
            continue;
        }
        writeln!(d, "reg [{}:0] {name}_o{k}; reg {name}_k{k};", chunk - 1).unwrap();
        writeln!(b, "{name}_o{k} = {xk} - ~{yk};").unwrap();
        // carry into piece k: some piece j below generates one with
        // carry-in 0 and every piece between passes one on with carry-in 1
        let terms: Vec<String> = (0..k)
            .map(|j| {
                let mut t = vec![format!("{name}_g{j}")];
                t.extend((j + 1..k).map(|i| format!("{name}_p{i}")));
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
            "({name}_o{k} & {{{chunk}{{{name}_k{k}}}}} | {name}_z{k} & {{{chunk}{{~{name}_k{k}}}}})"
        ));
    }
    pieces.reverse();
    writeln!(b, "{name} = {{{}}};", pieces.join(", ")).unwrap();
    // ECP5: one carry chain (see the module documentation)
    c.decl = format!(
        "`ifndef FERRONIC_ECP5\n{}`endif\nreg [{}:0] {name};\n",
        c.decl,
        width - 1
    );
    c.body = format!(
        "`ifdef FERRONIC_ECP5\n{name} = {x}[{w}:0] + {y}[{w}:0];\n`else\n{}`endif\n",
        c.body,
        w = width - 1
    );
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
        assert!(c.decl.contains("reg [15:0] s_z0;"));
        assert!(c.decl.contains("reg [15:0] s_o3; reg s_k3;"));
        assert!(!c.decl.contains("s_g3"), "no carry out of the top piece");
        assert!(c.body.contains("s_o1 = a[31:16] - ~b[31:16];"));
        assert!(c.body.contains("s_g1 = ~a[31:16] < b[31:16];"));
        assert!(c.body.contains("s_p1 = !(b[31:16] < ~a[31:16]);"));
        assert!(c.body.contains("s_k2 = (s_g0 & s_p1 | s_g1);"));
        assert!(c
            .body
            .contains("s_k3 = (s_g0 & s_p1 & s_p2 | s_g1 & s_p2 | s_g2);"));
        assert!(c.body.contains(
            "s = {(s_o3 & {16{s_k3}} | s_z3 & {16{~s_k3}}), (s_o2 & {16{s_k2}} | s_z2 & {16{~s_k2}}), (s_o1 & {16{s_k1}} | s_z1 & {16{~s_k1}}), s_z0};"
        ));
        let one = carry_select("t", "a", "b", 8, 8);
        assert_eq!(
            one.body,
            "`ifdef FERRONIC_ECP5\nt = a[7:0] + b[7:0];\n`else\nt_z0 = a[7:0] + b[7:0];\nt = {t_z0};\n`endif\n"
        );
        assert_eq!(
            one.decl,
            "`ifndef FERRONIC_ECP5\nreg [7:0] t_z0;\n`endif\nreg [7:0] t;\n"
        );
    }

    /// The generated adds, evaluated bit by bit in Rust, equal `+` for
    /// operands that exercise every carry pattern between the pieces.
    #[test]
    fn pieces_add_like_plus() {
        let chunk = 16u32;
        let m = (1u64 << chunk) - 1;
        let picks = [0u64, 1, m, m - 1, 0x8000, 0x7fff];
        let mut ops = Vec::new();
        for &p0 in &picks {
            for &p1 in &picks {
                for &p2 in &picks {
                    ops.push(p0 | p1 << 16 | p2 << 32 | 0xa5a5 << 48);
                }
            }
        }
        for &x in &ops {
            for &y in &[
                0u64,
                1,
                u64::MAX,
                0x0001_0001_0001_0001,
                0xffff_0000_ffff_ffff,
            ] {
                assert_eq!(
                    select_sum(x, y, chunk),
                    x.wrapping_add(y),
                    "{x:#x} + {y:#x}"
                );
            }
        }
    }

    /// What the generated statements compute, piece by piece.
    fn select_sum(x: u64, y: u64, chunk: u32) -> u64 {
        let m = (1u64 << chunk) - 1;
        let n = 64 / chunk;
        let piece = |v: u64, k: u32| (v >> (chunk * k)) & m;
        let (mut sum, mut g, mut p) = (0u64, Vec::new(), Vec::new());
        for k in 0..n {
            let (xk, yk) = (piece(x, k), piece(y, k));
            let z = xk.wrapping_add(yk) & m;
            let o = xk.wrapping_sub(!yk & m) & m;
            g.push((!xk & m) < yk);
            p.push(yk >= (!xk & m));
            let cin = (0..k as usize).any(|j| g[j] && (j + 1..k as usize).all(|i| p[i]));
            sum |= if cin { o } else { z } << (chunk * k);
        }
        sum
    }
}
