//! The transmit half of the DMA engine.
//!
//! * [`tx_core`]: the transmit control and buffer: round robin, gather,
//!   stream, completions (its Verilog in `tx_core.v.in`).
//! * [`tx_engine`]: transmit rings, read mover and control joined.

pub mod tx_core;
pub mod tx_engine;
