//! A frame buffer RAM as explicit banks, as Verilog text: `words` words of
//! `dw` bits in banks of at most [`BANK_WORDS`] words (the depth of one
//! ECP5 DP16KD at 36 bits, and of two UltraScale RAMB36 at 72 bits), read
//! every clock with **read latency 2**:
//!
//! 1. each bank's block RAMs read the word at the read address into
//!    `<p>_bq<k>` (the block RAM's own output, no enable: an enable can make
//!    yosys hold the output with a multiplexer behind the block RAM);
//! 2. `<p>_bo<k>` copies it with no logic between, so the placer puts it
//!    beside the bank (or yosys folds it into the block RAM's output
//!    register);
//! 3. `<p>_out` (a wire, valid 2 clocks after the address) picks the bank
//!    of the address of 2 clocks before.
//!
//! Why: on ECP5 a block RAM's clock-to-out is 5.8 ns; one multiplexer over
//! four banks after it, then the routing to the mover, took 9.5 ns, the
//! slowest path of RxEngine and TxEngine. Here the multiplexer runs from
//! flip-flops.
//!
//! Writes: each bank in its own `always` block, reads in another (a read
//! after a write in one block is taken as transparent, a bypass
//! multiplexer behind the RAM).
//!
//! **ECP5**: yosys maps an inferred RAM to DP16KD block RAMs without their
//! output register (its `memory_libmap` rules for ECP5 have none), so
//! step 2 is a flip-flop behind a 5.8 ns clock-to-out (speed 6). With
//! `FERRONIC_ECP5` defined (the ECP5 timing flow defines it, as an ECP5
//! board's build should), each bank is instead DP16KD instances in
//! 512 x 36 pseudo-dual-port mode with `REGMODE_B = "OUTREG"`: steps 1
//! and 2 inside the block RAM, 0.97 ns clock-to-out (nextpnr-ecp5,
//! speed 6, measured on this flow). Each DP16KD holds 4 bytes of the word,
//! one per 9-bit byte lane (bit 8 of each lane unused), written through
//! its byte enables. Pins and modes as yosys's own ECP5 mapping
//! (`techlibs/lattice/brams_map_16kd.v`, `$__PDPW16KD_`) and Lattice
//! FPGA-TN-02204 (ECP5 Memory Usage Guide): write data `DIA0..17` =
//! bits 0..17, `DIB0..17` = bits 18..35; byte enables on `ADA0..3`;
//! word address on `ADA5..13` / `ADB5..13`; read data `DOA`, `DOB` the
//! same way. Verilator, Icarus and Vivado (which folds the second
//! register into the block RAM itself) use the inferred RAM; the two are
//! compared under a DP16KD model in `sim/tests/bank_ram/`.

use std::fmt::Write as _;

/// Clocks from a read address to its word on `<p>_out`.
pub const READ_LATENCY: u64 = 2;

/// Words per bank, at most.
pub const BANK_WORDS: usize = 512;

/// A bus bit range `sig[lo + bits - 1 : lo]` holding a word index.
#[derive(Clone, Copy)]
pub struct Addr<'a> {
    /// The signal (a register or a port).
    pub sig: &'a str,
    /// The bit of the index's least significant bit.
    pub lo: usize,
}

/// One write lane: bits `hi:lo` of the word at the write address take
/// `data` when `en` (Verilog expressions) holds.
pub struct Lane {
    pub en: String,
    pub hi: usize,
    pub lo: usize,
    pub data: String,
}

impl Lane {
    /// The `k` byte lanes of a mover's RAM write port: byte `i` takes
    /// `ram_wr_data[8i+7:8i]` when `ram_wr_en && ram_wr_strb[i]`.
    pub fn write_port_bytes(k: usize) -> Vec<Lane> {
        (0..k)
            .map(|i| Lane {
                en: format!("ram_wr_en && ram_wr_strb[{i}]"),
                hi: 8 * i + 7,
                lo: 8 * i,
                data: format!("ram_wr_data[{}:{}]", 8 * i + 7, 8 * i),
            })
            .collect()
    }
}

/// The declarations, writes, reads and output multiplexer of a `words` x
/// `dw`-bit RAM with prefix `p` (`words` a power of two, at least 2);
/// see the module documentation. The first read stage loads while
/// `rd_en` (a Verilog expression; `1'b1`: every clock), the second every
/// clock.
pub fn banked(
    p: &str,
    dw: usize,
    words: usize,
    wr: Addr,
    lanes: &[Lane],
    rd: Addr,
    rd_en: &str,
) -> String {
    format!(
        "`ifdef FERRONIC_ECP5\n{}`else\n{}`endif\n{}",
        ecp5(p, dw, words, wr, lanes, rd, rd_en),
        generic(p, dw, words, wr, lanes, rd, rd_en),
        out_mux(p, dw, words, rd)
    )
}

/// Words a bank, banks, index bits inside a bank, bank-select bits.
fn geometry(words: usize) -> (usize, usize, usize, usize) {
    assert!(words.is_power_of_two() && words >= 2, "{words} words");
    let bw = words.min(BANK_WORDS);
    let nb = words / bw;
    (
        bw,
        nb,
        bw.trailing_zeros() as usize,
        nb.trailing_zeros() as usize,
    )
}

/// The word index inside a bank.
fn idx(a: Addr, ib: usize) -> String {
    format!("{}[{}:{}]", a.sig, a.lo + ib - 1, a.lo)
}

/// The bank number.
fn sel(a: Addr, ib: usize, sb: usize) -> String {
    format!("{}[{}:{}]", a.sig, a.lo + ib + sb - 1, a.lo + ib)
}

/// The write condition's bank term for bank `k` (empty with one bank).
fn hit(wr: Addr, ib: usize, sb: usize, k: usize) -> String {
    if sb == 0 {
        String::new()
    } else {
        format!(" && {} == {sb}'d{k}", sel(wr, ib, sb))
    }
}

/// The inferred banks: arrays, `<p>_bq<k>` and the registers `<p>_bo<k>`.
pub fn generic(
    p: &str,
    dw: usize,
    words: usize,
    wr: Addr,
    lanes: &[Lane],
    rd: Addr,
    rd_en: &str,
) -> String {
    let (bw, nb, ib, sb) = geometry(words);
    let mut s = String::new();
    for k in 0..nb {
        writeln!(
            s,
            "reg [{m}:0] {p}_bank{k} [0:{b}]; reg [{m}:0] {p}_bq{k}; reg [{m}:0] {p}_bo{k};",
            m = dw - 1,
            b = bw - 1
        )
        .unwrap();
        let hit = hit(wr, ib, sb, k);
        s.push_str("always @(posedge clock) begin\n");
        for l in lanes {
            writeln!(
                s,
                "  if ({}{hit}) {p}_bank{k}[{}][{}:{}] <= {};",
                l.en,
                idx(wr, ib),
                l.hi,
                l.lo,
                l.data
            )
            .unwrap();
        }
        s.push_str("end\n");
        writeln!(
            s,
            "always @(posedge clock) if ({rd_en}) {p}_bq{k} <= {p}_bank{k}[{}];\n\
             always @(posedge clock) {p}_bo{k} <= {p}_bq{k};",
            idx(rd, ib)
        )
        .unwrap();
    }
    s
}

/// The DP16KD banks (`FERRONIC_ECP5`): `<p>_bo<k>` (a wire here) is the
/// bank's block RAMs' output registers.
pub fn ecp5(
    p: &str,
    dw: usize,
    words: usize,
    wr: Addr,
    lanes: &[Lane],
    rd: Addr,
    rd_en: &str,
) -> String {
    let (_, nb, ib, sb) = geometry(words);
    assert!(
        ib <= 9 && dw.is_multiple_of(8),
        "banks of at most 512 words of whole bytes"
    );
    let mut s = String::new();
    // each lane's enable and data as wires, so a byte is a slice of a name
    for (n, l) in lanes.iter().enumerate() {
        assert!(
            l.lo.is_multiple_of(8) && (l.hi + 1).is_multiple_of(8),
            "lanes of whole bytes"
        );
        writeln!(
            s,
            "wire {p}_le{n} = {}; wire [{}:0] {p}_ld{n} = {};",
            l.en,
            l.hi - l.lo,
            l.data
        )
        .unwrap();
    }
    // byte -> (lane, its offset in the lane's data)
    let lane_of = |byte: usize| {
        lanes
            .iter()
            .position(|l| l.lo <= 8 * byte && 8 * byte + 7 <= l.hi)
            .map(|n| (n, 8 * byte - lanes[n].lo))
    };
    // a 14-bit DP16KD address in 36-bit mode: the word at bits 13:5
    let addr = |a: Addr, low: &str| {
        let z = if ib < 9 {
            format!("{}'d0, ", 9 - ib)
        } else {
            String::new()
        };
        format!("{{{z}{}, {low}}}", idx(a, ib))
    };
    let (bytes, ebrs) = (dw / 8, dw.div_ceil(32));
    for k in 0..nb {
        let hit = hit(wr, ib, sb, k);
        let mut word = Vec::new();
        for e in 0..ebrs {
            let (mut di, mut be) = (Vec::new(), Vec::new());
            // byte lane i of this block RAM holds byte 4e + i of the word
            for i in (0..4).rev() {
                match lane_of(4 * e + i).filter(|_| 4 * e + i < bytes) {
                    Some((n, off)) => {
                        di.push(format!("1'b0, {p}_ld{n}[{}:{off}]", off + 7));
                        be.push(format!("{p}_le{n}{hit}"));
                        let b = format!("{p}_do{k}_{e}[{}:{}]", 9 * i + 7, 9 * i);
                        word.push((4 * e + i, b));
                    }
                    None => {
                        di.push("9'd0".into());
                        be.push("1'b0".into());
                    }
                }
            }
            let w = format!("{p}_{{}}{k}_{e}");
            let n = |role: &str| w.replace("{}", role);
            writeln!(
                s,
                "wire [35:0] {} = {{{}}};\nwire [13:0] {} = {};\n\
                 wire [13:0] {} = {};\nwire [35:0] {};",
                n("di"),
                di.join(", "),
                n("wa"),
                addr(wr, &format!("1'b0, {}", be.join(", "))),
                n("ra"),
                addr(rd, "5'd0"),
                n("do")
            )
            .unwrap();
            s += &dp16kd(&n("ebr"), &n("di"), &n("wa"), &n("ra"), &n("do"), rd_en);
        }
        // the word's bytes, highest first
        word.sort_by_key(|b| std::cmp::Reverse(b.0));
        let word: Vec<String> = word.into_iter().map(|(_, b)| b).collect();
        writeln!(
            s,
            "wire [{}:0] {p}_bo{k} = {{{}}};",
            dw - 1,
            word.join(", ")
        )
        .unwrap();
    }
    s
}

/// One DP16KD in 512 x 36 pseudo-dual-port mode (written on port A,
/// read on port B while `rd_en`), both output registers on; `wa` carries
/// the byte enables in bits 3:0.
fn dp16kd(inst: &str, di: &str, wa: &str, ra: &str, dout: &str, rd_en: &str) -> String {
    let mut s = format!(
        "DP16KD #(.DATA_WIDTH_A(36), .DATA_WIDTH_B(36), .REGMODE_A(\"OUTREG\"), .REGMODE_B(\"OUTREG\"),\n\
         \x20 .RESETMODE(\"SYNC\"), .ASYNC_RESET_RELEASE(\"SYNC\"), .CSDECODE_A(\"0b000\"),\n\
         \x20 .CSDECODE_B(\"0b000\"), .WRITEMODE_A(\"NORMAL\"), .WRITEMODE_B(\"NORMAL\"), .GSR(\"DISABLED\"))\n\
         {inst} (\n\
         \x20 .CLKA(clock), .CEA(1'b1), .OCEA(1'b1), .WEA(1'b1), .RSTA(1'b0),\n\
         \x20 .CSA0(1'b0), .CSA1(1'b0), .CSA2(1'b0),\n\
         \x20 .CLKB(clock), .CEB({rd_en}), .OCEB(1'b1), .WEB(1'b0), .RSTB(1'b0),\n\
         \x20 .CSB0(1'b0), .CSB1(1'b0), .CSB2(1'b0)"
    );
    for b in 0..14 {
        write!(s, ",\n  .ADA{b}({wa}[{b}]), .ADB{b}({ra}[{b}])").unwrap();
    }
    for b in 0..18 {
        write!(
            s,
            ",\n  .DIA{b}({di}[{b}]), .DIB{b}({di}[{}]), .DOA{b}({dout}[{b}]), .DOB{b}({dout}[{}])",
            b + 18,
            b + 18
        )
        .unwrap();
    }
    s + ");\n"
}

/// `<p>_out`: the bank of the read address of 2 clocks before.
pub fn out_mux(p: &str, dw: usize, words: usize, rd: Addr) -> String {
    let (_, nb, ib, sb) = geometry(words);
    let mut s = String::new();
    writeln!(s, "reg [{}:0] {p}_out;", dw - 1).unwrap();
    if nb == 1 {
        writeln!(s, "always @(*) {p}_out = {p}_bo0;").unwrap();
        return s;
    }
    writeln!(
        s,
        "reg [{m}:0] {p}_sel1; reg [{m}:0] {p}_sel2;\n\
         always @(posedge clock) begin {p}_sel1 <= {}; {p}_sel2 <= {p}_sel1; end\n\
         always @(*)\n  case ({p}_sel2)",
        sel(rd, ib, sb),
        m = sb - 1
    )
    .unwrap();
    for k in 0..nb {
        let kw = if k + 1 == nb {
            "default".to_string()
        } else {
            format!("{sb}'d{k}")
        };
        writeln!(s, "    {kw}: {p}_out = {p}_bo{k};").unwrap();
    }
    s.push_str("  endcase\n");
    s
}
