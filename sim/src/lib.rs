//! ferronic's simulator: the Verilated `nic_core` driven cycle by cycle
//! from Rust, AXI4-Stream bus models, the golden model and pcap replay.

// Keeps the Verilator runtime library in the link.
extern crate ferronic_verilated;

pub mod axil;
pub mod axis;
pub mod bench;
pub mod capture;
pub mod counters_model;
pub mod handshake_model;
pub mod harness;
pub mod hs_driver;
pub mod hs_traffic;
pub mod model;
pub mod netns;
pub mod replay;
pub mod rss_model;
pub mod serve;
pub mod syncookie;
pub mod tap;
pub mod tap_bridge;
pub mod tap_gate;
pub mod verilated;
