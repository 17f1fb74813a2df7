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
pub mod hs_clock;
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
pub mod tx_arb;
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
pub const COUNTERS: usize = HS_COUNTER0 + ferronic_regmap::HANDSHAKE.len();
/// Number of the first handshake-engine counter (they follow the
/// per-transmit-queue counters, in the engine's event order).
pub const HS_COUNTER0: usize = ferronic_regmap::GLOBAL_COUNTERS
    + ferronic_regmap::PER_QUEUE.len() * RX_QUEUES
    + ferronic_regmap::PER_TX_QUEUE.len() * TX_QUEUES;
/// Listen-table entries of the handshake engine.
pub const LISTEN: usize = ferronic_regmap::LISTEN;
/// Width of the listen-table bus: 49 bits per entry.
pub const LISTEN_BITS: usize = 49 * LISTEN;
/// Live 32-bit words the register file reads from the core (`Source::Input`):
/// TS_NOW, COUNT, HANDOFF_STATUS, HANDOFF_0..8.
pub const INPUTS: usize = 3 + ferronic_regmap::RECORD_WORDS;
/// Strobes the register file pulses (`Source::Strobe`): HANDOFF_POP.
pub const STROBES: usize = 1;
/// Storage registers of the `handshake` block (17 settings, then an
/// address and a port register per listen entry), contiguous on the
/// register file's configuration bus.
pub const HS_STORAGE: usize = 17 + 2 * LISTEN;
/// Width of the handshake configuration bus: the used bits of the 17
/// settings packed (see [`regfile::HS_FIELDS`]), then the listen table's
/// storage words.
pub const HS_CFG_BITS: usize = HS_SETTINGS_BITS + 64 * LISTEN;
/// Bits of the packed handshake settings on the configuration bus.
pub const HS_SETTINGS_BITS: usize = 430;
/// Width of the live-input bus.
pub const INPUT_BITS: usize = 32 * INPUTS;
/// Width of the counter bus: 64 bits per counter.
pub const COUNTER_BITS: usize = 64 * COUNTERS;

/// Longest frame accepted without the giant flag, FCS included, in bytes
/// (9600-byte jumbo frames pass; the byte counters saturate at 65535).
pub const MAX_FRAME: usize = 16383;
