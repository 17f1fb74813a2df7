//! The open board's datapath (issue 16): a bump in the wire between a
//! switch's CPU port (port 0) and a CPU's MAC (port 1).
//!
//! * Switch to CPU: [`ConvPath`], the NIC's FcsCheck, TagMigrate and
//!   FcsInsert, in the core clock.
//! * CPU to switch: the reverse migration, a tag the CPU wrote at the
//!   frame's tail (`rtl8_4t` style) moved back to its header position,
//!   store and forward: [`TailCapture`] in the CPU port's receive clock
//!   writes a descriptor per frame, [`TagRewrite`] in the switch port's
//!   transmit clock rewrites the frame a byte a clock. A byte a clock at
//!   125 MHz is the line's own rate, so this direction needs no 64-bit
//!   shifter and no second core.
//! * The crossings and the board top are Verilog (`rtl/open_fifo.v`,
//!   `rtl/open_board.v`).

pub mod conv;
pub mod tag_rewrite;
pub mod tail_capture;

pub use conv::ConvPath;
pub use tag_rewrite::TagRewrite;
pub use tail_capture::{TailCapture, DESC_BITS};

/// The frame FIFO between clocks and the event crossing
/// (`ferronic_frame_cdc`, `ferronic_event_cdc`).
pub const OPEN_FIFO_V: &str = include_str!("../rtl/open_fifo.v");

/// The board's datapath and MACs without the PLL (`ferronic_open_board`).
pub const OPEN_BOARD_V: &str = include_str!("../rtl/open_board.v");

/// The Verilog of `ferronic_open_board` and every module under it: the
/// rust-hdl blocks (`open_conv`, `open_tail_capture`,
/// `open_tag_rewrite`, the MAC halves), the RGMII side, the crossings.
/// With `sim`, the simulation stand-ins of the ECP5 I/O primitives come
/// first (Verilator); without, yosys maps the real cells.
pub fn open_board_verilog(sim: bool) -> String {
    use crate::dma::units::{emit, waive_width};
    let (_, conv) = emit(ConvPath::default(), "open_conv");
    let (_, cap) = emit(TailCapture::default(), "open_tail_capture");
    let (_, rw) = emit(TagRewrite::default(), "open_tag_rewrite");
    let (_, mac) = crate::board::rgmii::mac_unit_parts();
    let prims = if sim {
        crate::board::rgmii::ECP5_SIM_V
    } else {
        ""
    };
    format!(
        "{prims}\n{mac}\n{}\n{}\n{}\n{}\n{}\n{}\n{OPEN_BOARD_V}",
        include_str!("../rtl/cdc.v"),
        crate::board::top::frame_fifos(),
        OPEN_FIFO_V,
        waive_width(&conv, &[]),
        waive_width(&cap, &[]),
        waive_width(&rw, &[]),
    )
}

/// The `open_board` unit (Verilator): [`open_board_verilog`] with the
/// stand-ins, as (module name, Verilog).
pub fn unit() -> (String, String) {
    ("ferronic_open_board".to_string(), open_board_verilog(true))
}

/// The same board with its ECP5 block RAMs (`FERRONIC_ECP5`: the DP16KD
/// instances the bitstream has) over a DP16KD model, as the unit
/// `ferronic_open_board_ecp5`.
pub fn unit_ecp5() -> (String, String) {
    let v = open_board_verilog(true).replace(
        "module ferronic_open_board (",
        "module ferronic_open_board_ecp5 (",
    );
    (
        "ferronic_open_board_ecp5".to_string(),
        format!(
            "`define FERRONIC_ECP5\n{}\n{v}",
            crate::board::rgmii::DP16KD_SIM_V
        ),
    )
}
