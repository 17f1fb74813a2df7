//! The receive run loop of [`Nic`]: frames into `s_axis` with random
//! `tvalid` gaps, `m_axis` out with random `tready` stalls, optional
//! random CTRL writes mid-frame, and the transmit side sampled alongside
//! (the handshake engine's SYN-ACKs).

use crate::bus::axil::{Op, Resp};
use crate::bus::axis::{beats, AxisError, AxisSink, AxisSource, Beat, RxFrame, Side};
use ferronic_regmap::ctrl;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::tx::TxCapture;
use super::*;

impl Nic {
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
    /// (of all finished so far; configuration outlives a run) that had
    /// reached the register file by then. A write's response comes
    /// `REG_WR_RESPONSE` clocks after it issues and the register holds the
    /// new value from `REG_STORE_LATENCY` clocks after issue, so a write is
    /// in force from 7 clocks before its response was first valid (writes under
    /// configuration noise are one at a time, so the response is never held
    /// behind another).
    fn applied(&self, in_first: &[u64]) -> Vec<Applied> {
        use ferronic_hdl::control::{REG_STORE_LATENCY, REG_WR_RESPONSE};
        let early = (REG_WR_RESPONSE - REG_STORE_LATENCY) as u64;
        let writes: Vec<(u64, u32)> = self
            .axil
            .done
            .iter()
            .filter_map(|d| match d.op {
                Op::Write { addr, data, .. } if addr == self.ctrl_addr && d.resp == Resp::Okay => {
                    Some((d.cycle.saturating_sub(early), data))
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
