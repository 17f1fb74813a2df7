//! ferronic's NIC datapath in rust-hdl, one `LogicBlock` per file, grouped
//! by subsystem:
//!
//! * [`common`]: the AXI4-Stream bundle ([`common::axis`]), FIFOs, CRC and
//!   Toeplitz networks, SipHash: blocks that know nothing of frames.
//! * [`rx`]: `s_axis` (MAC/switch, frames with FCS) -> FCS check -> DSA tag
//!   migration -> FCS replace -> RSS -> `m_axis` (host).
//! * [`tx`]: `s_axis_tx` (host) and the handshake engine -> arbiter -> FCS
//!   append -> `m_axis_tx` (MAC).
//! * [`handshake`]: the SYN-cookie engine that taps the receive stream.
//! * [`control`]: `s_axil` (AXI4-Lite) -> register file -> configuration
//!   signals; datapath events -> 64-bit counters.
//!
//! [`nic_core::NicCore`] joins them into the top; [`verilog::emit`] turns it
//! into `nic_core.v`, [`report`] describes its ports and encodings and
//! [`synth`] reads yosys' statistics of it; [`timing`] synthesizes and
//! places each block alone for the timing report (`nicgen --timing`).
//!
//! **Assign once.** Every signal that another block reads (a child's input,
//! a block's output) is assigned once on every path through `update()`:
//! write `if c { x = a } else { x = b }`, or compute into a local and
//! assign the signal once, never `x = b; if c { x = a }`. A default then an
//! override makes the signal glitch inside one time step, and event-driven
//! simulators (Icarus, xsim) then wake the reading block and the writing
//! block in turn for ever. Register inputs (`dff.d`) and locals only this
//! block reads are exempt. [`comb_once::check`] finds violations in
//! emitted Verilog; `nicgen` refuses to write them and a test keeps
//! `nic_core` clean (see also `DESIGN.md` section 3).

pub mod board;
pub mod comb_once;
pub mod common;
pub mod control;
pub mod dma;
pub mod handshake;
pub mod nic;
pub mod nic_core;
pub mod params;
pub mod report;
pub mod rx;
pub mod synth;
pub mod timing;
pub mod tx;
pub mod verilog;
pub mod verilog_hoist;

#[cfg(test)]
pub(crate) mod testbench;

/// Receive queues (`m_axis_tdest` values): generation parameter
/// `rx_queues`, fixed when this crate is compiled (environment variable
/// `FERRONIC_RX_QUEUES`, default 8; see [`params`]).
pub const RX_QUEUES: usize = params::compiled_queues(option_env!("FERRONIC_RX_QUEUES"), 8);
/// Width of `m_axis_tdest` in bits: log2 of [`RX_QUEUES`] (a power of
/// two), at least 1: a one-queue build keeps a 1-bit `tdest` that is
/// always 0 (Verilog has no 0-bit port; the register file gives queue 0
/// whatever `DEFAULT_QUEUE` or an RSS entry holds, see [`QUEUE_MASK`]).
pub const RX_QUEUE_BITS: usize = if RX_QUEUES > 1 {
    params::log2(RX_QUEUES)
} else {
    1
};
/// The queue-number bits that name a queue of this build
/// ([`RX_QUEUES`] - 1): every queue number that enters the core (the
/// register file's `DEFAULT_QUEUE` and RSS entries, `s_axis_tx_tdest`)
/// is ANDed with it, so a one-queue build never names a queue 1.
pub const QUEUE_MASK: u64 = RX_QUEUES as u64 - 1;
/// Transmit queues (`s_axis_tx_tdest` values): generation parameter
/// `tx_queues` (`FERRONIC_TX_QUEUES`, default 8).
pub const TX_QUEUES: usize = params::compiled_queues(option_env!("FERRONIC_TX_QUEUES"), 8);
/// Hardware counters: the register map's global ones plus 4 per receive
/// queue and 4 per transmit queue.
pub const COUNTERS: usize = HS_COUNTER0 + ferronic_regmap::HANDSHAKE.len();
/// Number of the first handshake-engine counter (they follow the
/// per-transmit-queue counters, in the engine's event order).
pub const HS_COUNTER0: usize = ferronic_regmap::GLOBAL_COUNTERS
    + ferronic_regmap::PER_QUEUE.len() * RX_QUEUES
    + ferronic_regmap::PER_TX_QUEUE.len() * TX_QUEUES;
/// Listen-table entries of the handshake engine: generation parameter
/// `listen`, fixed when this crate is compiled (`FERRONIC_LISTEN`,
/// default [`ferronic_regmap::LISTEN`], 64).
pub const LISTEN: usize = params::compiled_listen(option_env!("FERRONIC_LISTEN"));
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
/// Width of the handshake configuration bus: the listen table's storage
/// words (bits 0 to 64 `LISTEN` - 1), then the used bits of the 17
/// settings packed (see [`control::config_bus::HS_FIELDS`]).
pub const HS_CFG_BITS: usize = HS_SETTINGS_BITS + 64 * LISTEN;
/// Bits of the packed handshake settings on the configuration bus.
pub const HS_SETTINGS_BITS: usize = 430;
/// Width of the live-input bus.
pub const INPUT_BITS: usize = 32 * INPUTS;
/// Width of the counter bus: 64 bits per counter.
pub const COUNTER_BITS: usize = 64 * COUNTERS;
/// Width of the counters' pending-carry bus: 3 bits per counter (see
/// [`control::counter_bank`]).
pub const CARRY_BITS: usize = 3 * COUNTERS;

/// What a hardware counter adds (counter numbers as in
/// [`control::counter_events`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CounterKind {
    /// 1 per event (`inc`).
    Event,
    /// A receive frame's length in bytes (`add`, `bytes`): a receive
    /// queue's BYTES counter.
    RxBytes,
    /// A transmitted frame's length in bytes (`add_tx`, `tx_bytes`): a
    /// transmit queue's BYTES counter.
    TxBytes,
}

/// The kind of counter `i`: the BYTES entries of
/// [`ferronic_regmap::PER_QUEUE`] and [`ferronic_regmap::PER_TX_QUEUE`]
/// count bytes, everything else events.
pub fn counter_kind(i: usize) -> CounterKind {
    use ferronic_regmap::{GLOBAL_COUNTERS, PER_QUEUE, PER_TX_QUEUE};
    let rx_end = GLOBAL_COUNTERS + PER_QUEUE.len() * RX_QUEUES;
    if (GLOBAL_COUNTERS..rx_end).contains(&i)
        && PER_QUEUE[(i - GLOBAL_COUNTERS) % PER_QUEUE.len()].0 == "BYTES"
    {
        CounterKind::RxBytes
    } else if (rx_end..HS_COUNTER0).contains(&i)
        && PER_TX_QUEUE[(i - rx_end) % PER_TX_QUEUE.len()].0 == "BYTES"
    {
        CounterKind::TxBytes
    } else {
        CounterKind::Event
    }
}

/// Longest frame accepted without the giant flag, FCS included, in bytes
/// (9600-byte jumbo frames pass; the byte counters saturate at 65535).
pub const MAX_FRAME: usize = 16383;
