//! The control plane: the host's registers and the hardware counters.
//!
//! `s_axil` (AXI4-Lite, 16-bit byte addresses, 32-bit data) ->
//! [`axil_slave::AxilSlave`] (full handshake, either order of address and
//! data, `SLVERR` for unmapped addresses) -> [`regfile::RegFile`] (the
//! register map of `ferronic_regmap`, generated from its one definition):
//! configuration leaves as signals to the datapath blocks, live values
//! (clocks, handoff records) enter as inputs. Datapath handshakes enter
//! [`counter_events::CounterEvents`], which turns them into increments for
//! [`counter_bank::CounterBank`] (64-bit counters, read without tearing).

pub mod axil_slave;
pub mod axil_split;
pub mod config_bus;
pub mod counter_bank;
pub mod counter_events;
pub mod regfile;
pub mod regfile_read;
pub mod regfile_verilog;
pub mod regfile_write;

/// Clocks from a `wr_en` cycle of [`regfile::RegFile`] to the cycle its
/// `wr_err`, `clear` and strobes are visible: the request is registered,
/// then decoded.
pub const REG_WR_LATENCY: usize = 2;
/// Clocks from a `wr_en` cycle of [`regfile::RegFile`] to the first cycle
/// the storage register (and its configuration output) holds the written
/// bytes: request, decode, storage. The storage resets one clock after
/// `rst` (through copies of it), and a write issued once `rst` is low
/// lands three clocks later, after the last of those resets.
pub const REG_STORE_LATENCY: usize = 3;
/// Clocks from an `rd_en` cycle of [`regfile::RegFile`] to the cycle its
/// `rd_data`/`rd_err` are valid: request, page mux (a counter group's
/// 4:1), page pick (a counter page's group), counter page pick, and two
/// stages adding a counter's owed carries (see
/// [`regfile_read::read_path`]).
pub const REG_RD_LATENCY: usize = 6;
/// Clocks from a write's issue in [`axil_slave::AxilSlave`] to its B
/// response: long enough that every effect of the write is complete when
/// the response is seen, CLEAR's zeroing of every counter included (the
/// register file's 2, then [`counter_bank::CLEAR_LATENCY`]).
pub const REG_WR_RESPONSE: usize = 10;
const _: () = assert!(REG_WR_RESPONSE >= REG_WR_LATENCY + counter_bank::CLEAR_LATENCY);
const _: () = assert!(REG_WR_RESPONSE >= REG_STORE_LATENCY);
