//! Bus models that drive and check the Verilated core's ports, cycle by
//! cycle, with random backpressure.
//!
//! * [`axis`]: AXI4-Stream frames to beats, a source with random `tvalid`
//!   gaps, a sink with random `tready` stalls (`s_axis`, `m_axis`,
//!   `s_axis_tx`, `m_axis_tx`).
//! * [`axil`]: an AXI4-Lite master with random `valid` delays and
//!   `bready`/`rready` stalls (`s_axil`).

pub mod axil;
pub mod axis;
