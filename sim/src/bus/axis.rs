//! AXI4-Stream bus models for a 64-bit bus: frames to beats, a source with
//! random `tvalid` gaps and a sink with random `tready` stalls.
//!
//! Conventions (DESIGN.md section 3): byte 0 in `tdata[7:0]`; `tkeep`
//! contiguous from lane 0 and partial only on the `tlast` beat.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Bytes per beat of the 64-bit bus.
pub const BEAT_BYTES: usize = 8;

/// One 64-bit beat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Beat {
    /// `tdata`, byte 0 in bits 7:0.
    pub tdata: u64,
    /// `tkeep`, one bit per byte.
    pub tkeep: u8,
    /// `tlast`.
    pub tlast: bool,
}

/// Splits a frame into beats. An empty frame yields no beat.
pub fn beats(frame: &[u8]) -> Vec<Beat> {
    let n = frame.chunks(BEAT_BYTES).count();
    frame
        .chunks(BEAT_BYTES)
        .enumerate()
        .map(|(i, c)| {
            let mut w = [0u8; 8];
            w[..c.len()].copy_from_slice(c);
            Beat {
                tdata: u64::from_le_bytes(w),
                tkeep: ((1u16 << c.len()) - 1) as u8,
                tlast: i + 1 == n,
            }
        })
        .collect()
}

/// A protocol violation seen by [`AxisSink`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AxisError {
    /// `tkeep` not contiguous from lane 0, or zero.
    #[error(
        "beat {beat} of output frame {frame}: tkeep {tkeep:#04x} is not contiguous from lane 0"
    )]
    Keep {
        frame: usize,
        beat: usize,
        tkeep: u8,
    },
    /// A beat after every expected frame was delivered.
    #[error("an unexpected beat left m_axis at cycle {cycle} after every frame was delivered")]
    Extra { cycle: u64 },
    /// A partial `tkeep` before `tlast`.
    #[error("beat {beat} of output frame {frame}: partial tkeep {tkeep:#04x} without tlast")]
    PartialMid {
        frame: usize,
        beat: usize,
        tkeep: u8,
    },
}

/// A frame as it left the DUT.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RxFrame {
    /// Frame bytes (FCS included).
    pub data: Vec<u8>,
    /// `tuser` of the `tlast` beat.
    pub tuser: u8,
    /// `m_axis_tag` of the `tlast` beat.
    pub tag: u64,
    /// `m_axis_tdest` (receive queue) of the `tlast` beat.
    pub tdest: u8,
    /// `m_axis_hash` (RSS hash) of the `tlast` beat.
    pub hash: u32,
}

/// Sideband signals of a beat: `m_axis_tuser`, `tag`, `tdest`, `hash`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Side {
    pub tuser: u8,
    pub tag: u64,
    pub tdest: u8,
    pub hash: u32,
}

/// Random `tready` stalls: `tready` is low with probability `stall`.
pub struct AxisSink {
    rng: StdRng,
    stall: f64,
    cur: RxFrame,
    beat: usize,
    /// Completed frames, in order.
    pub frames: Vec<RxFrame>,
}

impl AxisSink {
    /// A sink stalling with probability `stall` (0.0..=1.0) per cycle.
    pub fn new(stall: f64, seed: u64) -> Self {
        AxisSink {
            rng: StdRng::seed_from_u64(seed ^ 0x5EED_51A1),
            stall,
            cur: RxFrame::default(),
            beat: 0,
            frames: Vec::new(),
        }
    }

    /// `tready` for the coming cycle.
    pub fn ready(&mut self) -> bool {
        self.stall <= 0.0 || !self.rng.gen_bool(self.stall.min(1.0))
    }

    /// Takes an accepted beat.
    pub fn accept(&mut self, b: Beat, side: Side) -> Result<(), AxisError> {
        let n = b.tkeep.trailing_ones() as usize;
        let frame = self.frames.len();
        if b.tkeep == 0 || (u16::from(b.tkeep) + 1).count_ones() != 1 {
            return Err(AxisError::Keep {
                frame,
                beat: self.beat,
                tkeep: b.tkeep,
            });
        }
        if !b.tlast && n != BEAT_BYTES {
            return Err(AxisError::PartialMid {
                frame,
                beat: self.beat,
                tkeep: b.tkeep,
            });
        }
        self.cur.data.extend_from_slice(&b.tdata.to_le_bytes()[..n]);
        self.beat += 1;
        if b.tlast {
            self.cur.tuser = side.tuser;
            self.cur.tag = side.tag;
            self.cur.tdest = side.tdest;
            self.cur.hash = side.hash;
            self.frames.push(std::mem::take(&mut self.cur));
            self.beat = 0;
        }
        Ok(())
    }
}

/// Random `tvalid` gaps: while no beat is presented, each cycle stays idle
/// with probability `gap`.
pub struct AxisSource {
    rng: StdRng,
    gap: f64,
}

impl AxisSource {
    /// A source idling with probability `gap` (0.0..1.0) per cycle.
    pub fn new(gap: f64, seed: u64) -> Self {
        AxisSource {
            rng: StdRng::seed_from_u64(seed ^ 0x0005_00C3),
            gap,
        }
    }

    /// Whether to present the pending beat this cycle. Once presented, a
    /// beat stays valid until accepted (AXI4-Stream rule).
    pub fn present(&mut self, presented_before: bool) -> bool {
        presented_before || self.gap <= 0.0 || !self.rng.gen_bool(self.gap.min(0.99))
    }

    /// A random value for signals that must be ignored (data while idle,
    /// configuration between first beats).
    pub fn noise(&mut self) -> u64 {
        self.rng.gen()
    }
}
