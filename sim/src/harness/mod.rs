//! Cycle-by-cycle driver of the Verilated core: frames in through an
//! [`AxisSource`](crate::bus::axis::AxisSource), frames out through an [`AxisSink`](crate::bus::axis::AxisSink), registers through an
//! [`AxilMaster`], with statistics.
//!
//! Each clock: inputs are driven, handshakes are sampled (every output of
//! `nic_core` is a register, so it holds its value until the edge), and one
//! evaluation is the rising edge ([`NicCoreModel::tick`](crate::verilated::NicCoreModel::tick)).
//! While a VCD is open, the clock-low half is evaluated too, so the waveform
//! shows both halves; time in the VCD is in half-cycles.
//!
//! Configuration is written through AXI4-Lite (`datapath.CTRL`), as a host
//! would: before a frame whose configuration differs from the last one
//! written, the harness writes CTRL and holds the frame until the write's
//! response. With [`RunOpts::ctrl_noise`] it instead writes random CTRL
//! values at random times, mid-frame included, and records the value in
//! force when each frame's first beat was accepted.

use crate::bus::axil::{AxilMaster, Done, Op, Resp};
use crate::bus::axis::{AxisError, RxFrame};
use crate::model::rss::RssConfig;
use crate::verilated::{NicCoreModel, TraceError};
use ferronic_hdl::rx::tag::{TagFormat, TagMode};
use ferronic_regmap::{ctrl, RegMap};
use std::path::PathBuf;

pub mod handshake;
mod rx;
mod tx;

pub use rx::run;
pub use tx::TxJob;

/// The register writes (`block.NAME`, value) that configure RSS as `cfg`
/// says, in the order a driver makes them: key (byte 0 in bits 31:24 of
/// `KEY0`), indirection table (entry 4k+b in bits 8b+7..8b of `TABLEk`),
/// default queue, then `rss.CTRL`.
pub fn rss_writes(cfg: &RssConfig) -> Vec<(String, u32)> {
    let mut w = Vec::new();
    for (k, b) in cfg.key.chunks(4).enumerate() {
        w.push((
            format!("rss.KEY{k}"),
            u32::from_be_bytes(b.try_into().unwrap()),
        ));
    }
    for (k, b) in cfg.table.chunks(4).enumerate() {
        w.push((
            format!("rss.TABLE{k}"),
            u32::from_le_bytes(b.try_into().unwrap()),
        ));
    }
    w.push((
        "datapath.DEFAULT_QUEUE".into(),
        u32::from(cfg.default_queue),
    ));
    w.push(("rss.CTRL".into(), u32::from(cfg.enable)));
    w
}

/// One frame to send, with the configuration it should meet.
#[derive(Clone, Debug)]
pub struct Job {
    /// Frame bytes, FCS included.
    pub frame: Vec<u8>,
    /// Tag format to configure before its first beat.
    pub format: TagFormat,
    /// Tag mode to configure before its first beat.
    pub mode: TagMode,
}

/// Options of a run.
#[derive(Clone, Debug)]
pub struct RunOpts {
    /// Probability of an idle input cycle between beats (0 = line rate).
    pub gap: f64,
    /// Probability of `m_axis_tready` low in a cycle.
    pub stall: f64,
    /// Seed of every random stream.
    pub seed: u64,
    /// Random `tdata`/`tkeep`/`tlast` while `tvalid` is low.
    pub scramble: bool,
    /// Probability per cycle of a random `datapath.CTRL` write (format,
    /// mode, enable) regardless of the jobs' configuration; 0 = off.
    pub ctrl_noise: f64,
    /// Probability per cycle that the AXI4-Lite master delays a channel.
    pub axil_delay: f64,
    /// Write a VCD waveform here.
    pub vcd: Option<PathBuf>,
    /// Fail after this many cycles without any handshake.
    pub max_idle: u64,
    /// Never write `datapath.CTRL` for the jobs: frames meet whatever
    /// configuration the registers hold (the jobs' format and mode are
    /// ignored). `nicsim serve` runs this way, so the host configures.
    pub keep_ctrl: bool,
}

impl Default for RunOpts {
    fn default() -> Self {
        RunOpts {
            gap: 0.0,
            stall: 0.0,
            seed: 1,
            scramble: false,
            ctrl_noise: 0.0,
            axil_delay: 0.0,
            vcd: None,
            max_idle: 10_000,
            keep_ctrl: false,
        }
    }
}

/// Statistics of a run.
#[derive(Clone, Debug, Default)]
pub struct RunStats {
    /// Clock cycles simulated in the run.
    pub cycles: u64,
    /// Beats accepted on `s_axis`.
    pub in_beats: u64,
    /// Beats delivered on `m_axis`.
    pub out_beats: u64,
    /// Cycles from the first to the last accepted input beat, inclusive.
    pub in_span: u64,
    /// Smallest and largest first-beat latency (cycles from a frame's first
    /// beat accepted on `s_axis` to its first beat delivered on `m_axis`).
    pub latency: (u64, u64),
    /// Wall-clock seconds spent simulating.
    pub seconds: f64,
}

impl RunStats {
    /// Input beats accepted per clock over the input span (1.00 = line rate).
    pub fn beats_per_clock(&self) -> f64 {
        if self.in_span == 0 {
            0.0
        } else {
            self.in_beats as f64 / self.in_span as f64
        }
    }

    /// Simulated clock cycles per wall-clock second.
    pub fn cycles_per_second(&self) -> f64 {
        self.cycles as f64 / self.seconds.max(1e-9)
    }
}

/// The configuration a frame met at its first beat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Applied {
    /// Tag format.
    pub format: TagFormat,
    /// Tag mode.
    pub mode: TagMode,
    /// False: the frame was dropped (and counted in DROPS).
    pub enable: bool,
}

impl Applied {
    /// The configuration a `datapath.CTRL` value `c` applies.
    pub fn from_ctrl(c: u32) -> Applied {
        Applied {
            format: TagFormat::from_code(((c >> ctrl::FORMAT_SHIFT) & 0xF) as u8),
            mode: TagMode::from_code(((c >> ctrl::MODE_SHIFT) & 3) as u8),
            enable: c & ctrl::ENABLE != 0,
        }
    }
}

/// `datapath.CTRL` for a format and mode, receive and transmit enabled
/// (the handshake engine's answers leave through the transmit path).
pub fn ctrl_value(format: TagFormat, mode: TagMode) -> u32 {
    ctrl::ENABLE
        | ctrl::TX_ENABLE
        | (u32::from(format.code()) << ctrl::FORMAT_SHIFT)
        | (u32::from(mode.code()) << ctrl::MODE_SHIFT)
}

/// Result of [`Nic::run`].
#[derive(Clone, Debug)]
pub struct RunResult {
    /// Delivered frames, in order (dropped frames are absent).
    pub frames: Vec<RxFrame>,
    /// Configuration in force at each input frame's first beat.
    pub applied: Vec<Applied>,
    /// Statistics.
    pub stats: RunStats,
    /// Frames that left on `m_axis_tx` during the run (the handshake
    /// engine's SYN-ACKs and RSTs, FCS included).
    pub tx_frames: Vec<Vec<u8>>,
    /// Cycle of each `tx_frames` frame's first beat.
    pub tx_starts: Vec<u64>,
    /// Cycle each input frame's first beat was accepted on `s_axis`.
    pub in_first: Vec<u64>,
}

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// No handshake for `RunOpts::max_idle` cycles.
    #[error("no progress for {idle} cycles at cycle {cycle}: {sent} of {total} frames sent, {received} received")]
    Hang {
        idle: u64,
        cycle: u64,
        sent: usize,
        received: usize,
        total: usize,
    },
    /// The DUT broke the AXI4-Stream rules.
    #[error(transparent)]
    Axis(#[from] AxisError),
    /// The waveform could not be written.
    #[error(transparent)]
    Trace(#[from] TraceError),
    /// A register access was refused.
    #[error("register access {op:?} answered {resp:?}")]
    Register { op: Op, resp: Resp },
}

/// The simulated NIC: the Verilated core, its clock and an AXI4-Lite master.
pub struct Nic {
    m: NicCoreModel,
    t: u64,
    opts: RunOpts,
    /// The AXI4-Lite master (its `done` list grows as accesses finish).
    pub axil: AxilMaster,
    /// The register map the core was generated from.
    pub map: RegMap,
    ctrl_addr: u16,
}

impl Nic {
    /// A reset core (two reset cycles).
    pub fn new(opts: &RunOpts) -> Result<Nic, SimError> {
        let map = ferronic_hdl::verilog::regmap(0, 0);
        let ctrl_addr = map.reg("datapath.CTRL").expect("datapath.CTRL").offset as u16;
        let mut m = NicCoreModel::new();
        if let Some(p) = &opts.vcd {
            m.trace_open(p)?;
        }
        let mut nic = Nic {
            m,
            t: 0,
            opts: opts.clone(),
            axil: AxilMaster::new(opts.axil_delay, opts.seed),
            map,
            ctrl_addr,
        };
        nic.reset();
        Ok(nic)
    }

    /// Holds `rst` for two cycles with every bus idle: registers return to
    /// their reset values and counters to 0. The AXI4-Lite master starts
    /// afresh (its history of CTRL writes no longer applies).
    pub fn reset(&mut self) {
        self.axil = AxilMaster::new(self.opts.axil_delay, self.opts.seed);
        self.m.set_rst(1);
        self.m.set_s_axis_tvalid(0);
        self.m.set_m_axis_tready(0);
        self.m.set_s_axis_tx_tvalid(0);
        self.m.set_m_axis_tx_tready(1);
        self.m.drive_axil(&Default::default());
        for _ in 0..2 {
            self.settle();
            self.edge();
        }
        self.m.set_rst(0);
    }

    /// Cycles simulated so far.
    pub fn cycles(&self) -> u64 {
        self.t
    }

    /// The clock-low half: evaluated only while tracing (every output is a
    /// register, so nothing a caller samples changes before the edge).
    fn settle(&mut self) {
        if self.m.tracing() {
            self.m.set_clk(0);
            self.m.eval();
            self.m.trace_dump(2 * self.t);
        }
    }

    fn edge(&mut self) {
        if self.m.tracing() {
            self.m.set_clk(1);
            self.m.eval();
            self.m.trace_dump(2 * self.t + 1);
        } else {
            self.m.tick();
        }
        self.t += 1;
    }

    /// Runs register accesses with the stream idle; returns them finished.
    pub fn access(&mut self, ops: &[Op]) -> Result<Vec<Done>, SimError> {
        let start = self.axil.done.len();
        for op in ops {
            self.axil.push(*op);
        }
        let mut idle = 0;
        while self.axil.pending() > 0 {
            self.m.set_s_axis_tvalid(0);
            self.m.set_m_axis_tready(1);
            let d = self.axil.drive();
            self.m.drive_axil(&d);
            self.settle();
            let s = self.m.sample_axil();
            let before = self.axil.pending();
            self.axil.sample(s, self.t);
            self.edge();
            idle = if self.axil.pending() != before {
                0
            } else {
                idle + 1
            };
            if idle > self.opts.max_idle {
                return Err(SimError::Hang {
                    idle,
                    cycle: self.t,
                    sent: 0,
                    received: 0,
                    total: 0,
                });
            }
        }
        self.m.trace_flush();
        Ok(self.axil.done[start..].to_vec())
    }

    /// Reads a register; SLVERR is an error.
    pub fn read(&mut self, addr: u16) -> Result<u32, SimError> {
        let d = self.access(&[Op::Read { addr }])?[0];
        match d.resp {
            Resp::Okay => Ok(d.data),
            resp => Err(SimError::Register { op: d.op, resp }),
        }
    }

    /// Writes a register (all byte strobes); SLVERR is an error.
    pub fn write(&mut self, addr: u16, data: u32) -> Result<(), SimError> {
        let d = self.access(&[Op::Write {
            addr,
            data,
            strb: 0xF,
        }])?[0];
        match d.resp {
            Resp::Okay => Ok(()),
            resp => Err(SimError::Register { op: d.op, resp }),
        }
    }

    /// Reads register `block.NAME`.
    pub fn read_reg(&mut self, path: &str) -> Result<u32, SimError> {
        let a = self
            .map
            .reg(path)
            .unwrap_or_else(|| panic!("no register {path}"))
            .offset;
        self.read(a as u16)
    }

    /// Writes register `block.NAME`.
    pub fn write_reg(&mut self, path: &str, v: u32) -> Result<(), SimError> {
        let a = self
            .map
            .reg(path)
            .unwrap_or_else(|| panic!("no register {path}"))
            .offset;
        self.write(a as u16, v)
    }

    /// Programs RSS as the host would: key (`rss.KEY*`, big-endian words),
    /// indirection table (`rss.TABLE*`, entry 4k+b in byte b of word k),
    /// default queue, then `rss.CTRL`.
    pub fn configure_rss(&mut self, cfg: &RssConfig) -> Result<(), SimError> {
        for (reg, v) in rss_writes(cfg) {
            self.write_reg(&reg, v)?;
        }
        Ok(())
    }

    /// Reads 64-bit counter `NAME` (low word first, which latches the high).
    pub fn counter(&mut self, name: &str) -> Result<u64, SimError> {
        let lo = self.read_reg(&format!("counters.{name}_LO"))?;
        let hi = self.read_reg(&format!("counters.{name}_HI"))?;
        Ok(u64::from(hi) << 32 | u64::from(lo))
    }
}
