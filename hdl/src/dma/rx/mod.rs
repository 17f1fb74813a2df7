//! The receive half of the DMA engine.
//!
//! * [`rx_buffer`]: the receive frame buffer (whole-frame drops when full).
//! * [`rx_core`]: the receive control: frames into posted buffers, drops
//!   when none, in-order completions, page-fault retries (its Verilog in
//!   `rx_core.v.in`).
//! * [`rx_engine`]: buffer, rings, write mover and control joined.

pub mod rx_buffer;
pub mod rx_core;
pub mod rx_engine;
