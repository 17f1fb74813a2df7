//! ferronic's simulator: the Verilated `nic_core` driven cycle by cycle
//! from Rust.
//!
//! * [`verilated`]: the bridge to the C++ model that `build.rs` verilates.
//! * [`bus`]: AXI4-Stream and AXI4-Lite bus models with random backpressure.
//! * [`harness`]: [`harness::Nic`], the core with its bus models, run by
//!   frames and register accesses, with statistics.
//! * [`model`]: golden models, written from the specifications.
//! * [`dma`]: the `nic` top (core and DMA engine) with host memory and a
//!   driver model.
//! * [`unit`]: standalone blocks (the DMA movers) Verilated alone, driven
//!   by port name.
//! * [`tools`]: what `nicsim` runs (replay, bench, demo, serve, inject,
//!   tap) and the capture and namespace I/O they share.

// Keeps the Verilator runtime library in the link.
extern crate ferronic_verilated;

pub mod bus;
pub mod dma;
pub mod harness;
pub mod model;
pub mod tools;
pub mod unit;
pub mod verilated;
