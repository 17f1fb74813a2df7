//! Cycle-by-cycle driver of the Verilated core: frames in through an
//! [`AxisSource`], frames out through an [`AxisSink`], with statistics.
//!
//! Each clock: inputs are driven together with `clk` low and one `eval`
//! settles the combinational outputs; handshakes are sampled; `clk` high and
//! a second `eval` is the rising edge. Time in the VCD is in half-cycles.

use crate::axis::{beats, AxisError, AxisSink, AxisSource, Beat, RxFrame};
use crate::verilated::{NicCoreModel, TraceError};
use ferronic_hdl::tag::{TagFormat, TagMode};
use std::path::PathBuf;

/// One frame to send, with the configuration in force at its first beat.
#[derive(Clone, Debug)]
pub struct Job {
    /// Frame bytes, FCS included.
    pub frame: Vec<u8>,
    /// `cfg_tag_format` at the first beat.
    pub format: TagFormat,
    /// `cfg_tag_mode` at the first beat.
    pub mode: TagMode,
}

/// Options of [`run`].
#[derive(Clone, Debug)]
pub struct RunOpts {
    /// Probability of an idle input cycle between beats (0 = line rate).
    pub gap: f64,
    /// Probability of `m_axis_tready` low in a cycle.
    pub stall: f64,
    /// Seed of both random streams.
    pub seed: u64,
    /// Drive random configuration except during each frame's first beat,
    /// and random `tdata` while `tvalid` is low.
    pub scramble: bool,
    /// Write a VCD waveform here.
    pub vcd: Option<PathBuf>,
    /// Fail after this many cycles without any handshake.
    pub max_idle: u64,
}

impl Default for RunOpts {
    fn default() -> Self {
        RunOpts {
            gap: 0.0,
            stall: 0.0,
            seed: 1,
            scramble: false,
            vcd: None,
            max_idle: 10_000,
        }
    }
}

/// Statistics of a run.
#[derive(Clone, Debug, Default)]
pub struct RunStats {
    /// Clock cycles simulated (reset included).
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
}

/// Sends `jobs` through a fresh model and collects every output frame.
/// `progress` is called with the number of frames received so far.
pub fn run(
    jobs: &[Job],
    opts: &RunOpts,
    mut progress: impl FnMut(usize),
) -> Result<(Vec<RxFrame>, RunStats), SimError> {
    let t0 = std::time::Instant::now();
    let mut m = NicCoreModel::new();
    if let Some(p) = &opts.vcd {
        m.trace_open(p)?;
    }
    let mut src = AxisSource::new(opts.gap, opts.seed);
    let mut sink = AxisSink::new(opts.stall, opts.seed);
    let mut st = RunStats::default();
    let mut t = 0u64;
    // rising edge; the falling edge is folded into the next cycle's input
    // evaluation (two evals per cycle instead of three)
    let clock = |m: &mut NicCoreModel, t: &mut u64| {
        m.set_clk(1);
        m.eval();
        m.trace_dump(2 * *t + 1);
        *t += 1;
    };
    // synchronous reset, two cycles
    m.set_rst(1);
    m.set_s_axis_tvalid(0);
    m.set_m_axis_tready(0);
    m.set_clk(0);
    m.eval();
    m.trace_dump(0);
    clock(&mut m, &mut t);
    m.set_clk(0);
    m.eval();
    clock(&mut m, &mut t);
    m.set_rst(0);

    let (mut fi, mut bi) = (0usize, 0usize);
    let mut cur: Vec<Beat> = jobs.first().map(|j| beats(&j.frame)).unwrap_or_default();
    let mut presenting = false;
    let mut in_first: Vec<u64> = Vec::with_capacity(jobs.len());
    let mut out_first: Vec<u64> = Vec::with_capacity(jobs.len());
    let mut out_in_frame = false;
    let (mut first_accept, mut last_accept) = (None, 0u64);
    let mut idle = 0u64;
    let mut reported = 0usize;
    while sink.frames.len() < jobs.len() {
        // skip empty frames (nothing to send)
        while fi < jobs.len() && cur.is_empty() {
            fi += 1;
            cur = jobs.get(fi).map(|j| beats(&j.frame)).unwrap_or_default();
        }
        presenting = fi < jobs.len() && src.present(presenting);
        if presenting {
            let b = cur[bi];
            m.set_s_axis_tdata(b.tdata);
            m.set_s_axis_tkeep(b.tkeep);
            m.set_s_axis_tlast(u8::from(b.tlast));
            m.set_s_axis_tvalid(1);
        } else {
            m.set_s_axis_tvalid(0);
            if opts.scramble {
                let n = src.noise();
                m.set_s_axis_tdata(n);
                m.set_s_axis_tkeep(n as u8);
                m.set_s_axis_tlast((n >> 8) as u8 & 1);
            }
        }
        if presenting && bi == 0 {
            m.set_cfg_tag_format(jobs[fi].format.code());
            m.set_cfg_tag_mode(jobs[fi].mode.code());
        } else if opts.scramble {
            let n = src.noise();
            m.set_cfg_tag_format(n as u8 & 0xF);
            m.set_cfg_tag_mode((n >> 4) as u8 & 3);
        }
        let ready = sink.ready();
        m.set_m_axis_tready(u8::from(ready));
        m.set_clk(0);
        m.eval();
        m.trace_dump(2 * t);
        let s_fire = presenting && m.s_axis_tready() != 0;
        let m_fire = ready && m.m_axis_tvalid() != 0;
        let out = Beat {
            tdata: m.m_axis_tdata(),
            tkeep: m.m_axis_tkeep() as u8,
            tlast: m.m_axis_tlast() != 0,
        };
        let (tuser, tag) = (m.m_axis_tuser() as u8, m.m_axis_tag());
        clock(&mut m, &mut t);
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
            sink.accept(out, tuser, tag)?;
            if sink.frames.len() != reported {
                reported = sink.frames.len();
                progress(reported);
            }
        }
        if s_fire || m_fire {
            idle = 0;
        } else {
            idle += 1;
            if idle > opts.max_idle {
                return Err(SimError::Hang {
                    idle,
                    cycle: t,
                    sent: fi,
                    received: sink.frames.len(),
                    total: jobs.len(),
                });
            }
        }
    }
    m.trace_flush();
    st.cycles = t;
    st.in_span = first_accept.map(|f| last_accept - f + 1).unwrap_or(0);
    let lats = in_first.iter().zip(&out_first).map(|(i, o)| o - i);
    st.latency = lats.fold((u64::MAX, 0), |(lo, hi), l| (lo.min(l), hi.max(l)));
    if st.latency.0 == u64::MAX {
        st.latency = (0, 0);
    }
    st.seconds = t0.elapsed().as_secs_f64();
    Ok((sink.frames, st))
}
