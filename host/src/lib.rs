//! ferronic's host side: register I/O to a ferronic NIC over VFIO, sysfs
//! `resource0`, a board's serial line (the UART bridge) or the simulator
//! (one [`regio::RegIo`] trait), discovery of
//! its register-block chain against this tool's register map, and the
//! `nicctl` bring-up tool ([`cli::run`]).
//!
//! The default build depends on neither rust-hdl nor Verilator; the
//! feature `sim` adds the Verilated NIC in process (`--device sim:`).

pub mod adopt;
pub mod backend;
pub mod bar;
pub mod bind;
pub mod cli;
pub mod device;
pub mod discover;
pub mod dma;
pub mod doctor;
pub mod error;
pub mod handoff;
pub mod name;
pub mod netdev;
pub mod pcap;
pub mod pcie;
pub mod regio;
pub mod selftest;
pub mod sysfs;

pub use device::Device;
pub use error::HostError;
pub use regio::{FramePort, RegIo};
