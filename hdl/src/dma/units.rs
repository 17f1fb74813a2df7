//! The DMA movers as standalone Verilog modules, one per bus width, for
//! the Verilator unit tests (`sim/build.rs` builds a model of each;
//! `sim/tests/dma_movers/` drives them). The module text is the same
//! [`DmaWrite::verilog`] / [`DmaRead::verilog`] the engine instantiates.

use crate::dma::cpl_queue::CplQueue;
use crate::dma::desc_fetch::DescFetch;
use crate::dma::dma_read::DmaRead;
use crate::dma::dma_write::DmaWrite;
use crate::dma::reg_block::DmaRegBlock;
use crate::dma::regs::nic_map;
use crate::dma::rx_buffer::RxBuffer;
use crate::dma::rx_engine::RxEngine;
use crate::dma::tx_engine::TxEngine;
use crate::dma::RX_BUFFER_BITS;
use crate::verilog::rename;
use rust_hdl::prelude::*;

/// RAM byte-address bits of the unit models (64 KiB).
pub const UNIT_RAM_BITS: usize = 16;

pub(crate) fn emit<T: Block>(mut b: T, name: &str) -> (String, String) {
    b.connect_all();
    // sub-modules are named top$<child>: prefix them with the unit's name
    // so units and nic_core can share one file (the timing report's)
    let raw = generate_verilog(&b).replace("top$", &format!("{name}$"));
    let v = rename(&raw, name).expect("unique module names");
    (name.to_string(), v)
}

/// RAM byte-address bits of the small receive buffer unit (4 KiB), which
/// the tests fill to make it drop.
pub const UNIT_RX_SMALL_BITS: usize = 12;

/// `v` with Verilator's WIDTH lint waived inside every module but those
/// starting with one of `keep`
/// (rust-hdl writes its literals 32 or 64 bits wide, which DESIGN.md
/// allows; our custom Verilog stays checked).
pub(crate) fn waive_width(v: &str, keep: &[&str]) -> String {
    let mut out = String::with_capacity(v.len() + 256);
    let mut inside = false;
    for line in v.lines() {
        if let Some(rest) = line.strip_prefix("module ") {
            inside = !keep.iter().any(|k| rest.starts_with(k));
            if inside {
                out.push_str("/* verilator lint_off WIDTH */\n");
            }
        }
        out.push_str(line);
        out.push('\n');
        if line.starts_with("endmodule") && inside {
            out.push_str("/* verilator lint_on WIDTH */\n");
            inside = false;
        }
    }
    out
}

/// (module name, Verilog) of every unit model: `dma_write_<bytes>` and
/// `dma_read_<bytes>` for buses of 8, 16 and 64 bytes, `dma_write_16_l2`
/// (for a RAM of read latency 2); `rx_buffer_16`
/// (the default: 16-byte words, 2^[`RX_BUFFER_BITS`] bytes) and
/// `rx_buffer_small` (8-byte words, 2^[`UNIT_RX_SMALL_BITS`] bytes);
/// `dma_regs`, the engine's register port for the default `nic` map;
/// `cpl_queue`, the completion queues with their write mover;
/// `desc_fetch`, the receive rings with their read mover; `rx_engine`,
/// the receive half of the engine; `tx_engine`, the transmit half; `nic`,
/// the whole `nic` top as `nicgen` writes it (clock `clk`); `nic_min`,
/// the `nic` top of the minimal generation parameters
/// ([`crate::params::CoreParams::minimal`]: no RSS, no handshake engine);
/// `ferronic_shell`, a board top's shell around that `nic` with a 512-bit
/// XDMA side (`crate::board::top`; clocks `clk` and `axi_aclk`);
/// `ferronic_rx_fifo` and `ferronic_tx_fifo`, the shell's frame FIFOs;
/// `axi_up_32`, its AXI upsizer for a 256-bit XDMA (the ExaNIC X10's);
/// `uart_bridge`, the serial register bridge
/// (`crate::board::uart::UartBridge`, 8 clocks a bit); `gmii_rx` and
/// `gmii_tx`, the open board's MAC halves (`crate::board::rgmii`);
/// `rgmii_mac`, one port of that MAC with its RGMII side and the
/// simulation stand-ins of the ECP5 I/O primitives; `ferronic_open_board`
/// (and `_ecp5`, its DP16KD flavour), the open board's datapath;
/// `ferronic_open_core`, that datapath with its register block
/// (`crate::board::open_regs`); `async_fifo_reg`, the clock-crossing
/// FIFO with its registered `s_ready`.
pub fn units() -> Vec<(String, String)> {
    const A: usize = UNIT_RAM_BITS;
    let nic = nic_unit();
    // the shell's nic has the board block in its map (its chain ends there)
    let board = nic_variant(&crate::verilog::board_regmap(0, 0), "nic");
    let shell = format!("{}\n{}", crate::board::top::glue(), board.1);
    vec![
        emit(DmaWrite::<64, 8, A>::default(), "dma_write_8"),
        emit(DmaRead::<64, 8, A>::default(), "dma_read_8"),
        emit(DmaWrite::<128, 16, A>::default(), "dma_write_16"),
        emit(DmaRead::<128, 16, A>::default(), "dma_read_16"),
        emit(DmaWrite::<512, 64, A>::default(), "dma_write_64"),
        emit(
            DmaWrite::<128, 16, A>::default().with_read_latency_2(),
            "dma_write_16_l2",
        ),
        emit(DmaRead::<512, 64, A>::default(), "dma_read_64"),
        emit(
            RxBuffer::<128, 16, RX_BUFFER_BITS, { crate::RX_QUEUE_BITS }>::default(),
            "rx_buffer_16",
        ),
        emit(
            RxBuffer::<64, 8, UNIT_RX_SMALL_BITS, { crate::RX_QUEUE_BITS }>::default(),
            "rx_buffer_small",
        ),
        {
            let (name, v) = emit(DmaRegBlock::new(&nic_map()), "dma_regs");
            (name, waive_width(&v, &["dma_regs_regs"]))
        },
        {
            let (name, v) = emit(CplQueue::new(&nic_map()), "cpl_queue");
            (
                name,
                waive_width(&v, &["cpl_queue_core", "cpl_queue_mover"]),
            )
        },
        {
            let (name, v) = emit(DescFetch::new(&nic_map(), true), "desc_fetch");
            (
                name,
                waive_width(&v, &["desc_fetch_core", "desc_fetch_mover"]),
            )
        },
        {
            let (name, v) = emit(RxEngine::new(&nic_map()), "rx_engine");
            let keep = [
                "rx_engine_rxbuf",
                "rx_engine_fetch",
                "rx_engine_mover",
                "rx_engine_core",
            ];
            (name, waive_width(&v, &keep))
        },
        {
            let (name, v) = emit(TxEngine::new(&nic_map()), "tx_engine");
            let keep = [
                "tx_engine_fetch",
                "tx_engine_mover",
                "tx_engine_core",
                "tx_engine_arb",
            ];
            (name, waive_width(&v, &keep))
        },
        nic,
        nic_variant(
            &crate::verilog::core_map(&crate::params::CoreParams::minimal(), true, 0, 0),
            "nic_min",
        ),
        ("ferronic_shell".to_string(), shell),
        (
            "axi_up_32".to_string(),
            crate::board::top::axi_up("axi_up_32", 32),
        ),
        (
            "ferronic_rx_fifo".to_string(),
            crate::board::top::frame_fifos().to_string(),
        ),
        (
            "ferronic_tx_fifo".to_string(),
            crate::board::top::frame_fifos().to_string(),
        ),
        {
            let bridge =
                crate::board::uart::UartBridge::new(crate::board::uart::SIM_CLOCKS_PER_BIT);
            let (name, v) = emit(bridge, "uart_bridge");
            // rust-hdl's 64-bit literals throughout (DESIGN.md allows it)
            (name, waive_width(&v, &[]))
        },
        {
            let (name, v) = emit(crate::board::rgmii::GmiiRx::default(), "gmii_rx");
            (name, waive_width(&v, &[]))
        },
        {
            let (name, v) = emit(crate::board::rgmii::GmiiTx::default(), "gmii_tx");
            (name, waive_width(&v, &[]))
        },
        crate::board::rgmii::mac_unit(),
        crate::board::bump::unit(),
        crate::board::bump::unit_ecp5(),
        crate::board::open_regs::core_unit(),
        async_fifo_unit(),
    ]
}

/// `async_fifo_reg`: `ferronic_async_fifo` (`rtl/cdc.v`) of 4 words of
/// 16 bits with `REG_READY`, as the open board's crossings have it.
fn async_fifo_unit() -> (String, String) {
    (
        "async_fifo_reg".to_string(),
        format!(
            "{}
module async_fifo_reg (
    input  wire s_clk, input wire s_rst, input wire [15:0] s_data,
    input  wire s_valid, output wire s_ready,
    input  wire m_clk, input wire m_rst, output wire [15:0] m_data,
    output wire m_valid, input wire m_ready
);
    ferronic_async_fifo #(.W(16), .A(2), .REG_READY(1)) f (
        .s_clk(s_clk), .s_rst(s_rst), .s_data(s_data), .s_valid(s_valid), .s_ready(s_ready),
        .m_clk(m_clk), .m_rst(m_rst), .m_data(m_data), .m_valid(m_valid), .m_ready(m_ready)
    );
endmodule
",
            include_str!("../board/rtl/cdc.v")
        ),
    )
}

/// The `nic` unit: the very Verilog nicgen writes as `nic.v`.
fn nic_unit() -> (String, String) {
    // the very Verilog nicgen writes as nic.v (build time and git
    // hash 0), so the tests run what users get
    nic_variant(&crate::verilog::nic_regmap(0, 0), "nic")
}

/// The `nic` top for `map` as unit `name` (its top module renamed).
fn nic_variant(map: &ferronic_regmap::RegMap, name: &str) -> (String, String) {
    let v = crate::verilog::emit_nic(map).expect("unique module names");
    let v = v.replacen("module nic(", &format!("module {name}("), 1);
    let keep = [
        "top_split",
        "top_status",
        "top_req_arb",
        "top_rd_arb",
        "top_wr_arb",
        "top_regs_regs",
        "top_rx_rxbuf",
        "top_rx_fetch",
        "top_rx_mover",
        "top_rx_core",
        "top_tx_fetch",
        "top_tx_mover",
        "top_tx_core",
        "top_tx_arb",
        "top_cpl_core",
        "top_cpl_mover",
    ];
    (name.to_string(), waive_width(&v, &keep))
}

/// (module name, Verilog) of the `nic` top's glue blocks alone, for the
/// timing report only (the Verilator tests reach them through `nic`):
/// `axi_wr_arb`, `axil_split`, `dma_status`.
pub fn glue_units() -> Vec<(String, String)> {
    use crate::control::axil_split::AxilSplit;
    use crate::dma::axi_wr_arb::AxiWrArb;
    use crate::dma::dma_status::DmaStatus;
    vec![
        emit(AxiWrArb::default(), "axi_wr_arb"),
        emit(AxilSplit::default(), "axil_split"),
        emit(DmaStatus::new(&nic_map()), "dma_status"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    /// Every unit passes `verilator --lint-only -Wall` with no waiver
    /// beyond the project's (DECLFILENAME is waived in the file).
    #[test]
    fn units_lint_clean() {
        let dir = tempfile::tempdir().unwrap();
        for (name, v) in units().into_iter().chain(glue_units()) {
            let f = dir.path().join(format!("{name}.v"));
            std::fs::write(&f, format!("/* verilator lint_off DECLFILENAME */\n{v}")).unwrap();
            let out = Command::new("verilator")
                .args(["--lint-only", "-Wall", "--top-module", &name])
                .arg(&f)
                .output()
                .expect("verilator");
            assert!(
                out.status.success(),
                "{name}:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}
