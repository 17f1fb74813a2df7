//! The register map over a serial line (issue 16), for boards without
//! PCIe: an 8N1 receiver and transmitter, a bit-serial CRC-16 and the
//! bridge that turns the requests of `ferronic_regmap::uart` into
//! AXI4-Lite accesses.

pub mod bridge;
pub mod crc16;
pub mod rx;
pub mod tx;

pub use bridge::UartBridge;

/// Clocks per bit of the bridge in the simulator's `uart_bridge` unit:
/// a short bit keeps the simulated line fast (the baud rate a pty is set
/// to does not matter).
pub const SIM_CLOCKS_PER_BIT: u32 = 8;
