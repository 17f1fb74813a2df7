//! ferronic's NIC datapath in rust-hdl.
//!
//! Receive path: `s_axis` (from MAC/switch, frames with FCS) ->
//! [`fcs_check::FcsCheck`] -> [`tag_migrate::TagMigrate`] ->
//! [`fcs_insert::FcsInsert`] -> `m_axis` (to host). [`nic_core::NicCore`] is
//! the top; [`verilog::emit`] turns it into `nic_core.v` for synthesis.

pub mod axil_slave;
pub mod counter_bank;
pub mod counter_events;
pub mod crc32;
pub mod crc_lanes;
pub mod fcs_append;
pub mod fcs_check;
pub mod fcs_insert;
pub mod handshake;
pub mod keep;
pub mod nic_core;
pub mod regfile;
pub mod report;
pub mod rss_steer;
pub mod siphash;
pub mod syn_cookie;
pub mod sync_fifo;
pub mod synth;
pub mod tag;
pub mod tag_migrate;
pub mod toeplitz;
pub mod verilog;

#[cfg(test)]
pub(crate) mod testbench;

/// Receive queues (`m_axis_tdest` values); a generation parameter fixed here.
pub const RX_QUEUES: usize = 8;
/// Width of `m_axis_tdest` in bits (log2 of [`RX_QUEUES`]).
pub const RX_QUEUE_BITS: usize = 3;
/// Transmit queues (`s_axis_tx_tdest` values); a generation parameter fixed here.
pub const TX_QUEUES: usize = 8;
/// Hardware counters: the register map's global ones plus 4 per receive
/// queue and 4 per transmit queue.
pub const COUNTERS: usize = ferronic_regmap::GLOBAL_COUNTERS
    + ferronic_regmap::PER_QUEUE.len() * RX_QUEUES
    + ferronic_regmap::PER_TX_QUEUE.len() * TX_QUEUES;
/// Width of the counter bus: 64 bits per counter.
pub const COUNTER_BITS: usize = 64 * COUNTERS;

/// Longest frame accepted without the giant flag, FCS included, in bytes
/// (9600-byte jumbo frames pass; the byte counters saturate at 65535).
pub const MAX_FRAME: usize = 16383;
