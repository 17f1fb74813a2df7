//! The 1 Gb/s MAC of the open board (issue 16) at the GMII byte level:
//! [`GmiiRx`] strips the preamble and packs bytes into 64-bit beats,
//! [`GmiiTx`] unpacks beats into bytes with preamble, SFD and the
//! interframe gap. The RGMII side (DDR nibbles on both clock edges
//! through the ECP5's DELAYG and IDDRX1F/ODDRX1F) is Verilog
//! (`rtl/rgmii.v`); [`mac_unit`] joins them into one port for the
//! simulator. The clock-domain crossings to the core come with the board
//! top.

pub mod gmii_rx;
pub mod gmii_tx;

pub use gmii_rx::GmiiRx;
pub use gmii_tx::GmiiTx;

/// The RGMII side (`ferronic_rgmii_rx`, `ferronic_rgmii_tx`).
pub const RGMII_V: &str = include_str!("../rtl/rgmii.v");

/// Simulation stand-ins of ECP5's IDDRX1F, ODDRX1F and DELAYG (for
/// Verilator; never synthesised).
pub const ECP5_SIM_V: &str = include_str!("../rtl/ecp5_sim.v");

/// A behavioural model of ECP5's DP16KD block RAM in the one mode the
/// board's FIFOs and the frame buffers use (512 x 36 pseudo-dual-port,
/// output register), for simulation only.
pub const DP16KD_SIM_V: &str = include_str!("../rtl/dp16kd_sim.v");

/// The `rgmii_mac` unit: one MAC port, RGMII pins to 64-bit streams
/// (`rtl/rgmii_mac.v` around [`GmiiRx`] and [`GmiiTx`]), with the ECP5
/// stand-ins, as (module name, Verilog).
pub fn mac_unit() -> (String, String) {
    let (name, v) = mac_unit_parts();
    (name, format!("{ECP5_SIM_V}\n{v}"))
}

/// `rgmii_mac` and the modules under it without the ECP5 stand-ins
/// (synthesis maps the real IDDRX1F/ODDRX1F/DELAYG), as (module name,
/// Verilog).
pub fn mac_unit_parts() -> (String, String) {
    use crate::dma::units::{emit, waive_width};
    let (_, rx) = emit(GmiiRx::default(), "rgmii_mac_rx");
    let (_, tx) = emit(GmiiTx::default(), "rgmii_mac_tx");
    let v = format!(
        "{RGMII_V}\n{}\n{}\n{}",
        waive_width(&rx, &[]),
        waive_width(&tx, &[]),
        include_str!("../rtl/rgmii_mac.v")
    );
    ("rgmii_mac".to_string(), v)
}
