//! The blocks of the timing report and their gates.

/// Fmax target on ECP5 speed 6, MHz.
pub const TARGET_MHZ: f64 = 125.0;
/// Depth target on xcup, levels (verilog-ethernet's 64-bit FCS check).
pub const TARGET_LEVELS: u32 = 8;

/// One block of the report.
#[derive(Clone, Copy, Debug)]
pub struct Block {
    /// Name in the report (the rust-hdl type).
    pub name: &'static str,
    /// Module name in `nic_core.v` (or in the DMA units' Verilog).
    pub module: &'static str,
    /// `--check` fails below this ECP5 Fmax (MHz, worst seed).
    pub gate_mhz: f64,
    /// `--check` fails above this xcup depth (levels, default mapping).
    pub gate_levels: u32,
}

impl Block {
    /// A block CI times (`--gated`) against the targets.
    pub const fn gated(name: &'static str, module: &'static str) -> Block {
        Block {
            name,
            module,
            gate_mhz: TARGET_MHZ,
            gate_levels: TARGET_LEVELS,
        }
    }

    /// A block CI times against a gate below the Fmax target: it is under
    /// 125 MHz on a seed CI runs, so the gate holds today's seed-1 figure
    /// less about 5 % (a regression still fails; the report says `open`).
    pub const fn held(name: &'static str, module: &'static str, gate_mhz: f64) -> Block {
        Block {
            name,
            module,
            gate_mhz,
            gate_levels: TARGET_LEVELS,
        }
    }

    /// A block in the report that CI does not time (gate 0 MHz / 99
    /// levels): below target, or too slow to place and route in CI's
    /// budget; its figures are in the README.
    pub const fn open(name: &'static str, module: &'static str) -> Block {
        Block {
            name,
            module,
            gate_mhz: 0.0,
            gate_levels: 99,
        }
    }
}

/// The blocks, receive path first, then the DMA engine's, then the
/// board glue in rust-hdl.
pub const BLOCKS: &[Block] = &[
    Block::gated("FcsCheck", "top_fcs_check"),
    Block::gated("TagMigrate", "top_tag_migrate"),
    // seed 1 of the text with continuous-assignment copies (verilog_hoist):
    // 117.6 and 121.2 MHz (on seeds 2 and 3 of the earlier text they were
    // already below target: 112.9, and 102.0 and 116.9)
    Block::held("FcsInsert", "top_fcs_insert", 112.0),
    Block::held("RssSteer", "top_rss", 115.0),
    Block::gated("TxArb", "top_tx_arb"),
    Block::gated("FcsAppend", "top_tx_fcs"),
    Block::gated("AxilSlave", "top_axil"),
    Block::open("RegFile", "top_regs"),
    Block::gated("CounterEvents", "top_events"),
    Block::open("CounterBank", "top_bank"),
    Block::gated("HsClock", "top_timers"),
    Block::gated("DmaWrite", "dma_write_16"),
    Block::gated("DmaRead", "dma_read_16"),
    Block::gated("RxBuffer", "rx_buffer_16"),
    Block::open("DmaRegs", "dma_regs"),
    Block::gated("CplQueue", "cpl_queue"),
    Block::gated("DescFetch", "desc_fetch"),
    Block::open("RxEngine", "rx_engine"),
    Block::open("TxEngine", "tx_engine"),
    Block::gated("AxiWrArb", "axi_wr_arb"),
    Block::gated("AxilSplit", "axil_split"),
    Block::gated("DmaStatus", "dma_status"),
    Block::open("HandshakeEngine", "top_hs"),
    Block::gated("UartBridge", "uart_bridge"),
    Block::gated("GmiiRx", "gmii_rx"),
    Block::gated("GmiiTx", "gmii_tx"),
];

/// The whole core, timed only with `--whole`.
pub const WHOLE: Block = Block {
    name: "nic_core",
    module: "nic_core",
    gate_mhz: 0.0,
    gate_levels: u32::MAX,
};
