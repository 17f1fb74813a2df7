//! The DMA movers: on-chip RAM to host memory and back over AXI4, byte
//! granular on both sides.
//!
//! * [`dma_write`]: on-chip RAM -> host memory (receive data, completions).
//! * [`dma_read`]: host memory -> on-chip RAM (descriptors, transmit data).
//! * [`burst`]: the Verilog both share: command register, burst splitting
//!   at 4 KiB / 256 beats, lane masks.
//! * [`rotate`]: the realignment shifter both use.

pub mod burst;
pub mod dma_read;
pub mod dma_write;
pub mod rotate;
