//! The transmit run loop of [`Nic`]: host frames into `s_axis_tx` with
//! random `tvalid` gaps, `m_axis_tx` out with random `tready` stalls.

use crate::bus::axis::{beats, AxisError, AxisSink, AxisSource, Beat, RxFrame, Side};
use crate::verilated::NicCoreModel;

use super::*;

/// Frames leaving `m_axis_tx` while `m_axis_tx_tready` is high.
#[derive(Default)]
pub(super) struct TxCapture {
    cur: Vec<u8>,
    pub(super) frames: Vec<Vec<u8>>,
    pub(super) starts: Vec<u64>,
}

impl TxCapture {
    /// Takes the beat on `m_axis_tx` (after settle), if valid; returns
    /// whether there was one.
    pub(super) fn sample(&mut self, m: &NicCoreModel, t: u64) -> bool {
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
