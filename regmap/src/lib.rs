//! ferronic's register map, defined once.
//!
//! The map drives the gateware's AXI4-Lite register file (`ferronic-hdl`
//! emits its decoder from [`RegMap`]), the host's accessors (by name, with
//! the offsets below), and the exports `regmap.md`, `regmap.json` and
//! `regmap.h` that `nicgen` writes (see [`export`]).
//!
//! Layout (Corundum style, DESIGN.md section 5): 32-bit registers at byte
//! addresses; a chain of register blocks, each starting with four header
//! words {type = vendor << 16 | id, version = major.minor.patch.meta (one
//! byte each, major in bits 31:24), next-block byte address (0 ends), block
//! length in bytes}. Block 0 at address 0 identifies the bitstream.
//!
//! 64-bit counters are read low word first: reading `*_LO` latches the high
//! word of the same counter into a shadow that `*_HI` returns, so a counter
//! is never torn. Writing 1 to `counters.CLEAR` zeroes every counter.

mod blocks;
pub mod dma;
pub mod export;
pub mod handoff;
mod map;
pub mod tag;
pub mod uart;

pub use blocks::board::BOARD_REGS;
pub use blocks::counters::{GLOBAL, GLOBAL_COUNTERS, HANDSHAKE, PER_QUEUE, PER_TX_QUEUE};
pub use blocks::datapath::ctrl;
pub use blocks::handshake::{hs_ctrl, LISTEN, RECORD_WORDS};
pub use blocks::open::{mdio, OPEN_COUNTERS, OPEN_REGS};
pub use blocks::queues::{
    cq_ctrl, cqs, dma_ctrl, dma_inputs, ring_ctrl, CQ_REGS, DMA_INPUTS, LOG_SIZES, RING_BITMAPS,
    RING_REGS, RX_RING_REGS,
};
pub use map::RegMap;

use serde::Serialize;

/// PCI-style vendor number in the high half of every block type word.
pub const VENDOR: u16 = 0xFE55;
/// PCI IDs a ferronic card enumerates with by default: AMD/Xilinx's vendor
/// ID (the PCIe IP's default) and device 0xFE55 ([`VENDOR`]); the board
/// files (`boards/*.toml`) set these, `nicctl list` looks for them
/// (`--id VVVV:DDDD` for a card built with others).
pub const PCI_IDS: [(u16, u16); 1] = [(0x10ee, VENDOR)];
/// `identity.MAGIC`: ASCII "FERR".
pub const MAGIC: u32 = 0x4645_5252;
/// Version of the register map (major.minor.patch.meta, one byte each).
pub const MAP_VERSION: u32 = 0x0002_0000;
/// Width of the DMA engine's AXI4 master data bus (`m_axi_wdata`,
/// `m_axi_rdata`) in bits; a board top widens it to the PCIe IP's.
pub const DMA_DATA_BITS: u32 = 128;
/// Bytes of address space decoded (`s_axil_awaddr`/`araddr` width 16).
pub const ADDR_BITS: u32 = 16;

/// Byte address of the first DMA engine block (`dma`) when the map has
/// them ([`MapParams::dma`]): the `nic` top sends register accesses at or
/// above it to the engine, below it to `nic_core` (one address bit).
pub const DMA_BASE: u32 = 0x4000;

/// Byte address of the `board` block when the map has it
/// ([`MapParams::board`]): the last 64 bytes of the 16-bit space, decoded
/// by a board top's BAR bridge, not by the core.
pub const BOARD_BASE: u32 = 0xFFC0;

/// Which hardware decodes a block. `Source::Input(n)` and
/// `Source::Strobe(n)` number words and pulses per owner: the core's
/// register file has its buses, the DMA engine its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Owner {
    /// `nic_core`'s register file (`ferronic_hdl::control::regfile`).
    Core,
    /// The DMA engine of the `nic` top (blocks from [`DMA_BASE`] on).
    Dma,
    /// A board top's shell: its BAR bridge answers the `board` block at
    /// [`BOARD_BASE`] in the PCIe clock domain.
    Board,
}

/// Who may do what with a register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    /// Read-only; writes are accepted (OKAY) and ignored.
    Ro,
    /// Read-write, byte strobes honoured.
    Rw,
    /// Write-only; reads return 0.
    Wo,
}

/// Where a register's value comes from in the hardware.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "arg")]
pub enum Source {
    /// A constant fixed at generation time.
    Const(u32),
    /// Build-specific constant (build time, git hash): not part of the map hash.
    BuildConst(u32),
    /// Storage with this reset value; its bits drive the datapath.
    Storage(u32),
    /// Low word of 64-bit counter N; reading it latches the high word.
    CounterLo(usize),
    /// High word latched by the last `CounterLo` read.
    CounterHi(usize),
    /// Writing 1 to bit 0 clears all counters (one-cycle pulse).
    Clear,
    /// A live 32-bit value from the core: word N of the register file's
    /// `inputs` bus.
    Input(usize),
    /// Writing (any value) pulses bit N of the register file's `strobes`
    /// bus for one cycle.
    Strobe(usize),
}

/// One 32-bit register.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reg {
    /// Name, unique within its block (upper case).
    pub name: String,
    /// Byte address (absolute, 4-byte aligned).
    pub offset: u32,
    /// Access rights.
    pub access: Access,
    /// Hardware source.
    pub source: Source,
    /// What the bits mean.
    pub doc: String,
}

/// A register block: four header words then its registers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Block {
    /// Block name (lower case).
    pub name: String,
    /// Block id (low half of the type word).
    pub id: u16,
    /// Block version, major.minor.patch.meta.
    pub version: u32,
    /// Byte address of the block.
    pub base: u32,
    /// Length in bytes.
    pub length: u32,
    /// Which hardware decodes it.
    pub owner: Owner,
    /// Registers, header words included, in address order.
    pub regs: Vec<Reg>,
}

/// Generation parameters that shape the map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct MapParams {
    /// Number of receive queues (1..=256).
    pub rx_queues: usize,
    /// Number of transmit queues (1..=256).
    pub tx_queues: usize,
    /// The DMA engine's blocks (`dma`, `rxq`, `txq`, `cq`) follow the
    /// core's, at [`DMA_BASE`]: true for the `nic` top, false for
    /// `nic_core` alone.
    pub dma: bool,
    /// The RSS block (`rss`: key, indirection table) and the Toeplitz
    /// hash are present; without them every frame goes to
    /// `datapath.DEFAULT_QUEUE` and its hash is 0.
    pub rss: bool,
    /// The TCP handshake engine and its `handshake` block (listen table,
    /// SYN-cookie settings, hand-off) and counters are present.
    pub handshake: bool,
    /// Listen-table entries of the handshake engine (1..=256; the
    /// `handshake` block's `LISTEN<k>_ADDR`/`_PORT` pairs; [`LISTEN`] by
    /// default). Ignored without the engine (`identity.SIZES` then says
    /// 0).
    pub listen: usize,
    /// The `board` block (a board top's shell counters and the core's
    /// state, at [`BOARD_BASE`]) ends the chain: true for `nicgen
    /// --board` builds.
    pub board: bool,
    /// The open board's bump in the wire (`nicgen --board
    /// colorlight-5a-75b-v8`): its own counters (the `counters` block
    /// holds [`OPEN_COUNTERS`], not the NIC's) and the `open` block; one
    /// receive and one transmit queue, no RSS, handshake engine or DMA.
    pub open: bool,
    /// Build time, Unix seconds (`SOURCE_DATE_EPOCH` when set).
    pub build_time: u32,
    /// First 8 hex digits of the git commit, as a number (0 if unknown).
    pub git_hash: u32,
}

impl Default for MapParams {
    fn default() -> Self {
        MapParams {
            rx_queues: 8,
            tx_queues: 8,
            dma: false,
            rss: true,
            handshake: true,
            listen: LISTEN,
            board: false,
            open: false,
            build_time: 0,
            git_hash: 0,
        }
    }
}

/// `identity.CAPABILITIES` bits (the low byte; bits 15:8 hold the receive
/// queues - 1, bits 23:16 the transmit queues - 1).
pub mod caps {
    /// DSA tag migration (always present).
    pub const TAG: u32 = 1 << 0;
    /// FCS check and replacement (always present).
    pub const FCS: u32 = 1 << 1;
    /// 64-bit hardware counters (always present).
    pub const COUNTERS: u32 = 1 << 2;
    /// RSS: Toeplitz hash and indirection table ([`super::MapParams::rss`]).
    pub const RSS: u32 = 1 << 3;
    /// The TCP handshake engine ([`super::MapParams::handshake`]).
    pub const HANDSHAKE: u32 = 1 << 4;
    /// The DMA engine: the `nic` top ([`super::MapParams::dma`]).
    pub const DMA: u32 = 1 << 5;
    /// A board top's shell and its `board` block ([`super::MapParams::board`]).
    pub const BOARD: u32 = 1 << 6;
    /// The open board's bump in the wire ([`super::MapParams::open`]).
    pub const OPEN: u32 = 1 << 7;
    /// Bit of the receive queue count - 1 (8 bits).
    pub const RX_QUEUES_SHIFT: u32 = 8;
    /// Bit of the transmit queue count - 1 (8 bits).
    pub const TX_QUEUES_SHIFT: u32 = 16;
}

impl MapParams {
    /// The open board's map ([`MapParams::open`]): identity, datapath,
    /// counters ([`OPEN_COUNTERS`]) and the `open` block.
    pub fn open_board() -> MapParams {
        MapParams {
            rx_queues: 1,
            tx_queues: 1,
            rss: false,
            handshake: false,
            open: true,
            ..MapParams::default()
        }
    }

    /// The `identity.CAPABILITIES` word of a map for these parameters.
    pub fn capabilities(&self) -> u32 {
        let mut c = caps::TAG | caps::FCS | caps::COUNTERS;
        if self.rss {
            c |= caps::RSS;
        }
        if self.handshake {
            c |= caps::HANDSHAKE;
        }
        if self.dma {
            c |= caps::DMA;
        }
        if self.board {
            c |= caps::BOARD;
        }
        if self.open {
            c |= caps::OPEN;
        }
        c | ((self.rx_queues as u32 - 1) << caps::RX_QUEUES_SHIFT)
            | ((self.tx_queues as u32 - 1) << caps::TX_QUEUES_SHIFT)
    }

    /// The `identity.SIZES` word: listen-table entries (bits 15:0, 0
    /// without the handshake engine), DMA data-bus width in bits (bits
    /// 31:16, [`DMA_DATA_BITS`]; 0 without the DMA engine).
    pub fn sizes(&self) -> u32 {
        let listen = if self.handshake {
            self.listen as u32
        } else {
            0
        };
        let dma = if self.dma { DMA_DATA_BITS } else { 0 };
        listen | (dma << 16)
    }

    /// The parameters a device's `identity.CAPABILITIES` and `SIZES`
    /// words describe (build time and git hash 0): what the host builds
    /// its map from, so that it matches the bitstream's. A `SIZES` of 0
    /// listen entries with the engine present (a map 0.2 bitstream before
    /// the field was filled) means [`LISTEN`].
    pub fn from_identity(c: u32, sizes: u32) -> MapParams {
        let listen = (sizes & 0xffff) as usize;
        MapParams {
            listen: if listen == 0 { LISTEN } else { listen },
            ..MapParams::from_capabilities(c)
        }
    }

    /// The parameters a device's `identity.CAPABILITIES` word describes,
    /// with the default listen-table size ([`MapParams::from_identity`]
    /// also reads `SIZES`).
    pub fn from_capabilities(c: u32) -> MapParams {
        MapParams {
            rx_queues: ((c >> caps::RX_QUEUES_SHIFT) & 0xff) as usize + 1,
            tx_queues: ((c >> caps::TX_QUEUES_SHIFT) & 0xff) as usize + 1,
            dma: c & caps::DMA != 0,
            rss: c & caps::RSS != 0,
            handshake: c & caps::HANDSHAKE != 0,
            listen: LISTEN,
            board: c & caps::BOARD != 0,
            open: c & caps::OPEN != 0,
            build_time: 0,
            git_hash: 0,
        }
    }
}

/// Counters kept by the core, in counter-number order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CounterDef {
    /// Register name stem (`<NAME>_LO`, `<NAME>_HI`).
    pub name: String,
    /// What it counts.
    pub doc: String,
}
