//! ferronic's NIC datapath in rust-hdl.
//!
//! Receive path: `s_axis` (from MAC/switch, frames with FCS) ->
//! [`fcs_check::FcsCheck`] -> [`tag_migrate::TagMigrate`] ->
//! [`fcs_insert::FcsInsert`] -> `m_axis` (to host). [`nic_core::NicCore`] is
//! the top; [`verilog::emit`] turns it into `nic_core.v` for synthesis.

pub mod crc32;
pub mod crc_lanes;
pub mod fcs_check;
pub mod fcs_insert;
pub mod keep;
pub mod nic_core;
pub mod report;
pub mod synth;
pub mod tag;
pub mod tag_migrate;
pub mod verilog;

#[cfg(test)]
pub(crate) mod testbench;

/// Longest frame accepted without the giant flag, FCS included, in bytes
/// (9600-byte jumbo frames pass; the byte counters saturate at 65535).
pub const MAX_FRAME: usize = 16383;
