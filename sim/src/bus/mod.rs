//! Bus models that drive and check the Verilated core's ports, cycle by
//! cycle, with random backpressure.
//!
//! * [`axis`]: AXI4-Stream frames to beats, a source with random `tvalid`
//!   gaps, a sink with random `tready` stalls (`s_axis`, `m_axis`,
//!   `s_axis_tx`, `m_axis_tx`).
//! * [`axil`]: an AXI4-Lite master with random `valid` delays and
//!   `bready`/`rready` stalls (`s_axil`).
//! * [`axi4_check`]: an AXI4 protocol checker for the DMA engine's
//!   `m_axi_*` master (bursts, 4 KiB boundaries, IDs, handshakes).
//! * [`axi4_unit`]: a unit model's `m_axi_*` ports joined to the memory
//!   model and the checker, one call a clock.
//! * [`gmii`]: GMII line clocks of a frame and a checking line receiver
//!   (the open board's MAC tests).
//! * [`mdio`]: a PHY's clause 22 management interface (the open board's
//!   MDIO master tests).
//! * [`axi4_mem`]: host memory behind an AXI4 slave, with latency, random
//!   `READY` stalls and pages that fault (SLVERR/DECERR).

pub mod axi4_check;
pub mod axi4_mem;
pub mod axi4_unit;
pub mod axil;
pub mod axis;
pub mod gmii;
pub mod mdio;
pub mod uart;
