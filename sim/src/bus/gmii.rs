//! GMII line models (IEEE 802.3 clause 35: `rxd`/`txd` bytes with
//! `rx_dv`/`tx_en` and `rx_er`/`tx_er`, one per 125 MHz clock at 1 Gb/s),
//! written from the clauses, not from the MAC's code: [`line_clocks`]
//! builds a frame's clocks (preamble `0x55` bytes, SFD `0xd5`, the frame,
//! idle gap, clause 4.2.5), [`LineSink`] takes a transmitter's clocks
//! apart into frames and checks the preamble, SFD and the 12-byte gap
//! (clause 4.4.2).

/// (data, `dv`/`en`, `er`) per clock of `body` on the line: `preamble`
/// bytes `0x55`, the SFD, `body` (with `er` in its clock `er_at`), then
/// `gap` idle clocks. `bad_start` sends a zero byte in place of the
/// preamble and SFD.
pub fn line_clocks(
    body: &[u8],
    preamble: usize,
    er_at: Option<usize>,
    bad_start: bool,
    gap: usize,
) -> Vec<(u8, bool, bool)> {
    let mut c = Vec::with_capacity(body.len() + preamble + gap + 1);
    if bad_start {
        c.push((0x00, true, false));
    } else {
        c.extend(std::iter::repeat_n((0x55, true, false), preamble));
        c.push((0xd5, true, false));
    }
    for (i, &b) in body.iter().enumerate() {
        c.push((b, true, er_at == Some(i)));
    }
    c.extend(std::iter::repeat_n((0x00, false, false), gap));
    c
}

/// A frame a [`LineSink`] saw: its bytes after the SFD, whether `er` was
/// high in it, and the clock (counted by the sink) of its first preamble
/// byte.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineFrame {
    pub body: Vec<u8>,
    pub er: bool,
    pub start: u64,
}

/// Receives a GMII transmitter's clocks; panics on a frame without the
/// 7-byte preamble and SFD or a gap shorter than 12 clocks.
#[derive(Default)]
pub struct LineSink {
    cur: Option<Vec<u8>>,
    er: bool,
    idle: usize,
    start: u64,
    clocks: u64,
    seen_any: bool,
    /// The frames seen, in order.
    pub frames: Vec<LineFrame>,
}

impl LineSink {
    /// One clock of the line.
    pub fn clock(&mut self, d: u8, en: bool, er: bool) {
        self.clocks += 1;
        if en {
            if let Some(c) = self.cur.as_mut() {
                c.push(d);
                self.er |= er;
            } else {
                assert!(
                    !self.seen_any || self.idle >= 12,
                    "gap of {} clocks",
                    self.idle
                );
                self.seen_any = true;
                self.cur = Some(vec![d]);
                self.er = er;
                self.start = self.clocks;
            }
        } else if let Some(c) = self.cur.take() {
            assert!(c.len() >= 8, "a frame of {} bytes", c.len());
            assert_eq!(&c[..8], &[0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0xd5]);
            self.frames.push(LineFrame {
                body: c[8..].to_vec(),
                er: self.er,
                start: self.start,
            });
            self.idle = 1;
        } else {
            self.idle += 1;
        }
    }
}
