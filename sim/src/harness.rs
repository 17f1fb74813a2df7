//! Cycle-by-cycle driver of the Verilated core: frames in through an
//! [`AxisSource`], frames out through an [`AxisSink`], registers through an
//! [`AxilMaster`], with statistics.
//!
//! Each clock: inputs are driven together with `clk` low and one `eval`
//! settles the combinational outputs; handshakes are sampled; `clk` high and
//! a second `eval` is the rising edge. Time in the VCD is in half-cycles.
//!
//! Configuration is written through AXI4-Lite (`datapath.CTRL`), as a host
//! would: before a frame whose configuration differs from the last one
//! written, the harness writes CTRL and holds the frame until the write's
//! response. With [`RunOpts::ctrl_noise`] it instead writes random CTRL
//! values at random times, mid-frame included, and records the value in
//! force when each frame's first beat was accepted.

use crate::axil::{AxilMaster, Done, Op, Resp};
use crate::axis::{beats, AxisError, AxisSink, AxisSource, Beat, RxFrame, Side};
use crate::rss_model::RssConfig;
use crate::verilated::{NicCoreModel, TraceError};
use ferronic_hdl::rx::tag::{TagFormat, TagMode};
use ferronic_regmap::{ctrl, RegMap};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::PathBuf;

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
    fn from_ctrl(c: u32) -> Applied {
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

    fn settle(&mut self) {
        self.m.set_clk(0);
        self.m.eval();
        self.m.trace_dump(2 * self.t);
    }

    fn edge(&mut self) {
        self.m.set_clk(1);
        self.m.eval();
        self.m.trace_dump(2 * self.t + 1);
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
        for (k, w) in cfg.key.chunks(4).enumerate() {
            self.write_reg(
                &format!("rss.KEY{k}"),
                u32::from_be_bytes(w.try_into().unwrap()),
            )?;
        }
        for (k, w) in cfg.table.chunks(4).enumerate() {
            self.write_reg(
                &format!("rss.TABLE{k}"),
                u32::from_le_bytes(w.try_into().unwrap()),
            )?;
        }
        self.write_reg("datapath.DEFAULT_QUEUE", u32::from(cfg.default_queue))?;
        self.write_reg("rss.CTRL", u32::from(cfg.enable))
    }

    /// Reads 64-bit counter `NAME` (low word first, which latches the high).
    pub fn counter(&mut self, name: &str) -> Result<u64, SimError> {
        let lo = self.read_reg(&format!("counters.{name}_LO"))?;
        let hi = self.read_reg(&format!("counters.{name}_HI"))?;
        Ok(u64::from(hi) << 32 | u64::from(lo))
    }

    /// Sends `jobs` and collects every delivered frame. `progress` is called
    /// with the number of frames received so far.
    pub fn run(
        &mut self,
        jobs: &[Job],
        progress: impl FnMut(usize),
    ) -> Result<RunResult, SimError> {
        self.run_consumed(jobs, 0, progress)
    }

    /// [`Nic::run`] when the handshake engine consumes `consumed` of the
    /// frames (SYNs it answers), which never reach `m_axis`.
    pub fn run_consumed(
        &mut self,
        jobs: &[Job],
        consumed: usize,
        progress: impl FnMut(usize),
    ) -> Result<RunResult, SimError> {
        self.run_inner(jobs, Some(consumed), progress)
    }

    /// [`Nic::run`] when it is not known how many frames reach `m_axis`
    /// (the handshake engine may consume some): runs until every frame is
    /// in and nothing has come out for `3 * LATENCY + 64` cycles.
    pub fn run_until_quiet(&mut self, jobs: &[Job]) -> Result<RunResult, SimError> {
        self.run_inner(jobs, None, |_| {})
    }

    fn run_inner(
        &mut self,
        jobs: &[Job],
        consumed: Option<usize>,
        mut progress: impl FnMut(usize),
    ) -> Result<RunResult, SimError> {
        let quiet_limit = 3 * ferronic_hdl::nic_core::LATENCY as u64 + 64;
        let mut quiet = 0u64;
        let t0 = std::time::Instant::now();
        let c0 = self.t;
        let opts = self.opts.clone();
        let mut src = AxisSource::new(opts.gap, opts.seed);
        let mut sink = AxisSink::new(opts.stall, opts.seed);
        let mut noise = StdRng::seed_from_u64(opts.seed ^ 0xC7_1000);
        let mut st = RunStats::default();
        let (mut fi, mut bi) = (0usize, 0usize);
        let mut cur: Vec<Beat> = jobs.first().map(|j| beats(&j.frame)).unwrap_or_default();
        let mut presenting = false;
        let mut in_first: Vec<u64> = Vec::with_capacity(jobs.len());
        let mut out_first: Vec<u64> = Vec::with_capacity(jobs.len());
        let mut out_in_frame = false;
        let (mut first_accept, mut last_accept) = (None, 0u64);
        let (mut idle, mut reported) = (0u64, 0usize);
        let mut written: Option<u32> = None;
        let mut expected: Option<usize> = None;
        let mut tx = TxCapture::default();
        self.m.set_m_axis_tx_tready(1);
        self.m.set_s_axis_tx_tvalid(0);
        loop {
            while fi < jobs.len() && cur.is_empty() {
                fi += 1;
                cur = jobs.get(fi).map(|j| beats(&j.frame)).unwrap_or_default();
            }
            if consumed.is_some()
                && fi == jobs.len()
                && self.axil.pending() == 0
                && expected.is_none()
            {
                let applied = self.applied(&in_first);
                expected = consumed.map(|c| {
                    applied
                        .iter()
                        .filter(|a| a.enable)
                        .count()
                        .saturating_sub(c)
                });
            }
            if expected.is_some_and(|e| sink.frames.len() >= e) {
                break;
            }
            if consumed.is_none()
                && fi == jobs.len()
                && self.axil.pending() == 0
                && quiet > quiet_limit
            {
                break;
            }
            // configuration: written before a frame that needs another one
            let mut hold = false;
            if opts.ctrl_noise > 0.0 {
                if self.axil.pending() == 0 && fi < jobs.len() && noise.gen_bool(opts.ctrl_noise) {
                    let v = u32::from(noise.gen_bool(0.9))
                        | (noise.gen_range(0..16u32) << ctrl::FORMAT_SHIFT)
                        | (noise.gen_range(0..4u32) << ctrl::MODE_SHIFT);
                    self.axil.push(Op::Write {
                        addr: self.ctrl_addr,
                        data: v,
                        strb: 0xF,
                    });
                }
            } else if !opts.keep_ctrl && fi < jobs.len() && bi == 0 && !presenting {
                let want = ctrl_value(jobs[fi].format, jobs[fi].mode);
                if written != Some(want) {
                    self.axil.push(Op::Write {
                        addr: self.ctrl_addr,
                        data: want,
                        strb: 0xF,
                    });
                    written = Some(want);
                }
                hold = self.axil.pending() > 0;
            }
            presenting = !hold && fi < jobs.len() && src.present(presenting);
            if presenting {
                let b = cur[bi];
                self.m.set_s_axis_tdata(b.tdata);
                self.m.set_s_axis_tkeep(b.tkeep);
                self.m.set_s_axis_tlast(u8::from(b.tlast));
                self.m.set_s_axis_tvalid(1);
            } else {
                self.m.set_s_axis_tvalid(0);
                if opts.scramble {
                    let n = src.noise();
                    self.m.set_s_axis_tdata(n);
                    self.m.set_s_axis_tkeep(n as u8);
                    self.m.set_s_axis_tlast((n >> 8) as u8 & 1);
                }
            }
            let ready = sink.ready();
            self.m.set_m_axis_tready(u8::from(ready));
            let d = self.axil.drive();
            self.m.drive_axil(&d);
            self.settle();
            let s_fire = presenting && self.m.s_axis_tready() != 0;
            let m_fire = ready && self.m.m_axis_tvalid() != 0;
            let out = Beat {
                tdata: self.m.m_axis_tdata(),
                tkeep: self.m.m_axis_tkeep() as u8,
                tlast: self.m.m_axis_tlast() != 0,
            };
            let side = Side {
                tuser: self.m.m_axis_tuser() as u8,
                tag: self.m.m_axis_tag(),
                tdest: self.m.m_axis_tdest() as u8,
                hash: self.m.m_axis_hash() as u32,
            };
            let pending = self.axil.pending();
            let sa = self.m.sample_axil();
            self.axil.sample(sa, self.t);
            let t = self.t;
            let tx_beat = tx.sample(&self.m, t);
            quiet = if s_fire || m_fire || tx_beat {
                0
            } else {
                quiet + 1
            };
            self.edge();
            if s_fire {
                st.in_beats += 1;
                first_accept.get_or_insert(t);
                last_accept = t;
                if bi == 0 {
                    in_first.push(t);
                }
                bi += 1;
                presenting = false;
                if bi == cur.len() {
                    bi = 0;
                    fi += 1;
                    cur = jobs.get(fi).map(|j| beats(&j.frame)).unwrap_or_default();
                }
            }
            if m_fire {
                st.out_beats += 1;
                if !out_in_frame {
                    out_first.push(t);
                }
                out_in_frame = !out.tlast;
                sink.accept(out, side)?;
                if sink.frames.len() != reported {
                    reported = sink.frames.len();
                    progress(reported);
                }
            }
            // register traffic alone is no progress while frames are waiting
            let axil_progress = self.axil.pending() != pending && fi == jobs.len();
            if s_fire || m_fire || axil_progress {
                idle = 0;
            } else {
                idle += 1;
                if idle > opts.max_idle {
                    return Err(SimError::Hang {
                        idle,
                        cycle: self.t,
                        sent: fi,
                        received: sink.frames.len(),
                        total: jobs.len(),
                    });
                }
            }
        }
        // drain: dropped frames and the counters settle a few cycles after
        // the last delivered frame (nothing more may come out on m_axis);
        // the handshake engine's last answers leave m_axis_tx meanwhile
        let mut quiet = 0;
        let mut k = 0;
        while k < 2 * ferronic_hdl::nic_core::LATENCY + 16 || quiet < 64 {
            self.m.set_s_axis_tvalid(0);
            self.m.set_m_axis_tready(1);
            self.m.drive_axil(&Default::default());
            self.settle();
            if self.m.m_axis_tvalid() != 0 {
                return Err(SimError::Axis(AxisError::Extra { cycle: self.t }));
            }
            quiet = if tx.sample(&self.m, self.t) {
                0
            } else {
                quiet + 1
            };
            self.edge();
            k += 1;
            if k > 100_000 {
                break;
            }
        }
        self.m.trace_flush();
        let applied = self.applied(&in_first);
        st.cycles = self.t - c0;
        st.in_span = first_accept.map(|f| last_accept - f + 1).unwrap_or(0);
        let delivered = in_first
            .iter()
            .zip(&applied)
            .filter(|(_, a)| a.enable)
            .map(|(c, _)| *c);
        let lats = delivered.zip(&out_first).map(|(i, o)| o - i);
        st.latency = lats.fold((u64::MAX, 0), |(lo, hi), l| (lo.min(l), hi.max(l)));
        if st.latency.0 == u64::MAX {
            st.latency = (0, 0);
        }
        st.seconds = t0.elapsed().as_secs_f64();
        Ok(RunResult {
            frames: sink.frames,
            applied,
            stats: st,
            tx_frames: tx.frames,
            tx_starts: tx.starts,
            in_first,
        })
    }

    /// The CTRL value in force at each first-beat cycle: the last CTRL write
    /// (of all finished so far; configuration outlives a run) whose response
    /// was valid by then.
    fn applied(&self, in_first: &[u64]) -> Vec<Applied> {
        let writes: Vec<(u64, u32)> = self
            .axil
            .done
            .iter()
            .filter_map(|d| match d.op {
                Op::Write { addr, data, .. } if addr == self.ctrl_addr && d.resp == Resp::Okay => {
                    Some((d.cycle, data))
                }
                _ => None,
            })
            .collect();
        in_first
            .iter()
            .map(|&c| {
                let v = writes
                    .iter()
                    .rev()
                    .find(|(wc, _)| *wc <= c)
                    .map_or(ctrl::RESET, |(_, v)| *v);
                Applied::from_ctrl(v)
            })
            .collect()
    }
}

/// Frames leaving `m_axis_tx` while `m_axis_tx_tready` is high.
#[derive(Default)]
struct TxCapture {
    cur: Vec<u8>,
    frames: Vec<Vec<u8>>,
    starts: Vec<u64>,
}

impl TxCapture {
    /// Takes the beat on `m_axis_tx` (after settle), if valid; returns
    /// whether there was one.
    fn sample(&mut self, m: &NicCoreModel, t: u64) -> bool {
        if m.m_axis_tx_tvalid() == 0 {
            return false;
        }
        if self.cur.is_empty() {
            self.starts.push(t);
        }
        let keep = m.m_axis_tx_tkeep() as u8;
        let data = m.m_axis_tx_tdata().to_le_bytes();
        self.cur
            .extend_from_slice(&data[..keep.count_ones() as usize]);
        if m.m_axis_tx_tlast() != 0 {
            self.frames.push(std::mem::take(&mut self.cur));
        }
        true
    }
}

/// One frame for the transmit path: from the host, without FCS.
#[derive(Clone, Debug)]
pub struct TxJob {
    /// Frame bytes, no FCS.
    pub frame: Vec<u8>,
    /// Transmit queue (`s_axis_tx_tdest`, 0..8).
    pub queue: u8,
    /// The host marks it bad (`s_axis_tx_tuser`).
    pub bad: bool,
}

impl Nic {
    /// Sends `jobs` on the transmit path (receive side idle) and collects
    /// what reaches the MAC side, with random gaps and stalls from the run
    /// options. Frames met by TX_ENABLE = 0 do not come out; the caller says
    /// how many frames must come out (`expect`).
    pub fn run_tx(&mut self, jobs: &[TxJob], expect: usize) -> Result<Vec<RxFrame>, SimError> {
        let opts = self.opts.clone();
        let mut src = AxisSource::new(opts.gap, opts.seed ^ 0x7);
        let mut sink = AxisSink::new(opts.stall, opts.seed ^ 0x7);
        let (mut fi, mut bi, mut presenting, mut idle) = (0usize, 0usize, false, 0u64);
        let mut cur: Vec<Beat> = jobs.first().map(|j| beats(&j.frame)).unwrap_or_default();
        self.m.set_s_axis_tvalid(0);
        self.m.set_m_axis_tready(1);
        self.m.drive_axil(&Default::default());
        while sink.frames.len() < expect || fi < jobs.len() {
            presenting = fi < jobs.len() && src.present(presenting);
            if presenting {
                let b = cur[bi];
                self.m.set_s_axis_tx_tdata(b.tdata);
                self.m.set_s_axis_tx_tkeep(b.tkeep);
                self.m.set_s_axis_tx_tlast(u8::from(b.tlast));
                self.m.set_s_axis_tx_tuser(u8::from(jobs[fi].bad));
                self.m.set_s_axis_tx_tdest(jobs[fi].queue);
            }
            self.m.set_s_axis_tx_tvalid(u8::from(presenting));
            let ready = sink.ready();
            self.m.set_m_axis_tx_tready(u8::from(ready));
            self.settle();
            let s_fire = presenting && self.m.s_axis_tx_tready() != 0;
            let m_fire = ready && self.m.m_axis_tx_tvalid() != 0;
            let out = Beat {
                tdata: self.m.m_axis_tx_tdata(),
                tkeep: self.m.m_axis_tx_tkeep() as u8,
                tlast: self.m.m_axis_tx_tlast() != 0,
            };
            let side = Side {
                tuser: self.m.m_axis_tx_tuser() as u8,
                ..Side::default()
            };
            self.edge();
            if s_fire {
                bi += 1;
                presenting = false;
                if bi == cur.len() {
                    bi = 0;
                    fi += 1;
                    cur = jobs.get(fi).map(|j| beats(&j.frame)).unwrap_or_default();
                }
            }
            if m_fire {
                sink.accept(out, side)?;
            }
            idle = if s_fire || m_fire { 0 } else { idle + 1 };
            if idle > opts.max_idle {
                return Err(SimError::Hang {
                    idle,
                    cycle: self.t,
                    sent: fi,
                    received: sink.frames.len(),
                    total: jobs.len(),
                });
            }
        }
        self.m.set_s_axis_tx_tvalid(0);
        for _ in 0..16 {
            self.m.set_m_axis_tx_tready(1);
            self.settle();
            if self.m.m_axis_tx_tvalid() != 0 {
                return Err(SimError::Axis(AxisError::Extra { cycle: self.t }));
            }
            self.edge();
        }
        Ok(sink.frames)
    }
}

/// Sends `jobs` through a fresh core; returns the delivered frames and the
/// statistics.
pub fn run(
    jobs: &[Job],
    opts: &RunOpts,
    progress: impl FnMut(usize),
) -> Result<(Vec<RxFrame>, RunStats), SimError> {
    let r = Nic::new(opts)?.run(jobs, progress)?;
    Ok((r.frames, r.stats))
}
