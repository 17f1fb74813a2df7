//! Golden models: pure-Rust references written from the specifications
//! (IEEE 802.3, Linux `net/dsa/tag_*.c`, the Microsoft RSS specification,
//! Linux `net/ipv4/syncookies.c`, RFC 9293), independent of the gateware.
//! Tests feed the same frames to a model and to the Verilated core and
//! compare what comes out.
//!
//! * [`frame`]: the receive datapath per frame (FCS check, tag migration,
//!   FCS replace), FCS helpers.
//! * [`restore`]: the open board's reverse migration (a tail tag back to
//!   its header position).
//! * [`rss`]: header parse, Toeplitz hash, indirection table.
//! * [`counters`]: what every hardware counter must read.
//! * [`syncookie`], [`handshake`]: Linux SYN cookies and the handshake
//!   engine's answers, byte for byte.
//! * [`hs_traffic`]: TCP traffic builders for the handshake tests;
//!   [`hs_core`]: what the whole core does with them.

pub mod counters;
pub mod frame;
pub mod handshake;
pub mod hs_core;
pub mod hs_traffic;
pub mod restore;
pub mod rss;
pub mod syncookie;
