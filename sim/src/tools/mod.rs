//! The tools behind `nicsim`'s subcommands, each module with its clap
//! arguments beside its code, and the I/O they share.
//!
//! * [`replay`] (`nicsim replay`, `nicsim demo` in [`demo`]): a capture
//!   through the core, checked against the golden model; [`capture`] reads
//!   pcap/pcapng and writes pcapng; [`replay_dma`] (`nicsim replay --dma`)
//!   the same through the `nic` top into host memory, read by the driver
//!   model.
//! * [`bench`](mod@bench) (`nicsim bench`): line rate, latency, simulation speed;
//!   [`bench_dma`] (`nicsim bench --dma`): the `nic` top both ways at line
//!   rate with 1 us host memory.
//! * [`serve`] (`nicsim serve`), [`inject`] (`nicsim inject`): the core on
//!   a Unix socket for `nicctl`, and frames into it; [`serve_dma`]
//!   (`nicsim serve --dma`): the `nic` top with host memory in a shared
//!   file, for the driver's ring code.
//! * [`tap_cmd`] (`nicsim tap`) and [`tap_bridge`]: the simulated card
//!   ([`serve_dma`]) with its port on a TAP device ([`tap`]) in a network
//!   namespace ([`netns`]); the host side is `nicctl netdev`.

pub mod bench;
pub mod bench_dma;
pub mod capture;
pub mod demo;
pub mod inject;
pub mod netns;
pub mod open_core;
pub mod replay;
pub mod replay_dma;
pub mod replay_print;
pub mod serve;
pub mod serve_dma;
pub mod serve_uart;
pub mod tap;
pub mod tap_bridge;
pub mod tap_cmd;
