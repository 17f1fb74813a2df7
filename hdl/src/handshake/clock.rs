//! `HsClock`: the handshake engine's two clocks. The timestamp clock
//! `ts_now` counts milliseconds (`div` cycles each) from `ts_base`; the
//! cookie counter `count` counts periods of `period` milliseconds from
//! `count_base` (Linux: `tcp_cookie_time()`, one per 60 s). `div` = 0
//! stops both (tests use it to pin the values). All 32 bits, wrapping.
//!
//! * How: both dividers are 32-bit down-counters kept as two 16-bit
//!   halves. The low half steps every clock (every millisecond for the
//!   period divider); the high half steps in the same clock when the low
//!   half is zero (a zero detect, not the low half's carry chain), so the
//!   pair is one exact 32-bit counter with no 32-bit carry chain. A divider
//!   loads `div` (`period`) when it reaches 1, so a millisecond is exactly
//!   `div` clocks and a period exactly `period` milliseconds (`period` 0
//!   or 1: every millisecond). A divider also reloads two clocks after its
//!   input changes (a registered compare with the value a clock before),
//!   so a new `div` or `period` restarts the current millisecond or period
//!   instead of finishing the old one.
//! * The millisecond and period counts are split the same way (the high
//!   half steps when the low half is all ones).
//! * `ts_now` and `count` are registers, two clocks behind `ts_base`,
//!   `count_base` and the counts: the low 16 bits of each sum and its carry
//!   are registered first, the high half is added to that carry next.
//! * Custom Verilog with a matching Rust `update()`; every path is at most
//!   one 16-bit carry chain and a few LUTs.

use rust_hdl::prelude::*;

/// Millisecond and cookie-period clocks; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct HsClock {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// Clocks per millisecond (0 stops both clocks).
    pub div: Signal<In, Bits<32>>,
    /// Milliseconds per cookie period.
    pub period: Signal<In, Bits<32>>,
    pub ts_base: Signal<In, Bits<32>>,
    pub count_base: Signal<In, Bits<32>>,
    /// `ts_base` + milliseconds since reset (registered, two clocks late).
    pub ts_now: Signal<Out, Bits<32>>,
    /// `count_base` + periods since reset (registered, two clocks late).
    pub count: Signal<Out, Bits<32>>,
    _sim: Sim,
}

/// The registers of the Verilog, stepped by [`Sim::edge`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Sim {
    run: bool,
    small: bool,
    div_q: u32,
    per_q: u32,
    newdiv: bool,
    newper: bool,
    cyc: u32,
    msp: u32,
    ms: u32,
    periods: u32,
    /// Stage 1 of the output sums: low 17 bits, high operands.
    ts_lo: u32,
    ts_hi: (u32, u32),
    ct_lo: u32,
    ct_hi: (u32, u32),
    ts_now: u32,
    count: u32,
}

/// One step of a 32-bit down-counter held as two halves: `None` when it
/// reloads (it was at 1, or 0 after reset), else the next value.
fn down(v: u32) -> Option<u32> {
    (v > 1).then(|| v - 1)
}

impl Sim {
    fn edge(&mut self, rst: bool, div: u32, period: u32, ts_base: u32, count_base: u32) {
        let o = *self;
        // outputs: stage 2 from stage 1, stage 1 from the counts
        self.ts_now = o
            .ts_hi
            .0
            .wrapping_add(o.ts_hi.1)
            .wrapping_add(o.ts_lo >> 16)
            << 16
            | (o.ts_lo & 0xFFFF);
        self.count = o
            .ct_hi
            .0
            .wrapping_add(o.ct_hi.1)
            .wrapping_add(o.ct_lo >> 16)
            << 16
            | (o.ct_lo & 0xFFFF);
        self.ts_lo = (ts_base & 0xFFFF) + (o.ms & 0xFFFF);
        self.ts_hi = (ts_base >> 16, o.ms >> 16);
        self.ct_lo = (count_base & 0xFFFF) + (o.periods & 0xFFFF);
        self.ct_hi = (count_base >> 16, o.periods >> 16);
        self.run = div != 0;
        self.small = period <= 1;
        (self.newdiv, self.div_q) = (div != o.div_q, div);
        (self.newper, self.per_q) = (period != o.per_q, period);
        if rst {
            (self.cyc, self.msp, self.ms, self.periods) = (0, 0, 0, 0);
            self.run = false;
            return;
        }
        if !o.run {
            return;
        }
        match down(o.cyc) {
            Some(v) if !o.newdiv => self.cyc = v,
            _ => {
                self.cyc = div;
                // a millisecond ends at 1, not at the load after reset
                if o.cyc == 1 {
                    self.ms = o.ms.wrapping_add(1);
                    match down(o.msp) {
                        Some(v) if !o.small => self.msp = v,
                        _ => {
                            self.msp = period;
                            if o.small || o.msp == 1 {
                                self.periods = o.periods.wrapping_add(1);
                            }
                        }
                    }
                }
            }
        }
        if o.newper {
            self.msp = period;
        }
    }
}

impl Logic for HsClock {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            let v = |s: &Signal<In, Bits<32>>| s.val().to_u64() as u32;
            let (div, period) = (v(&self.div), v(&self.period));
            let (tb, cb) = (v(&self.ts_base), v(&self.count_base));
            self._sim.edge(self.rst.val(), div, period, tb, cb);
        }
        self.ts_now.next = u64::from(self._sim.ts_now).into();
        self.count.next = u64::from(self._sim.count).into();
    }

    fn connect(&mut self) {
        self.ts_now.connect();
        self.count.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(VERILOG.to_string())
    }
}

/// The Verilog body of [`HsClock`].
const VERILOG: &str = "\
reg run; reg p_small; reg [31:0] div_q; reg [31:0] per_q; reg newdiv; reg newper;
reg [15:0] cyc_lo; reg [15:0] cyc_hi; reg [15:0] msp_lo; reg [15:0] msp_hi;
reg [15:0] ms_lo; reg [15:0] ms_hi; reg [15:0] per_lo; reg [15:0] per_hi;
reg [16:0] ts_lo; reg [15:0] ts_b; reg [15:0] ts_m;
reg [16:0] ct_lo; reg [15:0] ct_b; reg [15:0] ct_m;
wire cyc_hz = (cyc_hi == 16'd0);
wire cyc_lz = (cyc_lo == 16'd0);
wire cyc_load = newdiv | (cyc_hz & (cyc_lo[15:1] == 15'd0));
wire tick = cyc_hz & (cyc_lo == 16'd1);
wire msp_hz = (msp_hi == 16'd0);
wire msp_load = p_small | (msp_hz & (msp_lo[15:1] == 15'd0));
wire pend = p_small | (msp_hz & (msp_lo == 16'd1));
always @(posedge clock) begin
  ts_now[31:16] <= ts_b + ts_m + {15'd0, ts_lo[16]};
  ts_now[15:0] <= ts_lo[15:0];
  count[31:16] <= ct_b + ct_m + {15'd0, ct_lo[16]};
  count[15:0] <= ct_lo[15:0];
  ts_lo <= {1'b0, ts_base[15:0]} + {1'b0, ms_lo};
  ts_b <= ts_base[31:16]; ts_m <= ms_hi;
  ct_lo <= {1'b0, count_base[15:0]} + {1'b0, per_lo};
  ct_b <= count_base[31:16]; ct_m <= per_hi;
  run <= (div != 32'd0);
  p_small <= (period[31:1] == 31'd0);
  div_q <= div; newdiv <= (div != div_q);
  per_q <= period; newper <= (period != per_q);
  if (rst) begin
    run <= 1'b0;
    cyc_lo <= 16'd0; cyc_hi <= 16'd0; msp_lo <= 16'd0; msp_hi <= 16'd0;
    ms_lo <= 16'd0; ms_hi <= 16'd0; per_lo <= 16'd0; per_hi <= 16'd0;
  end else if (run) begin
    if (cyc_load) begin
      cyc_lo <= div[15:0]; cyc_hi <= div[31:16];
    end else begin
      cyc_lo <= cyc_lo - 16'd1;
      if (cyc_lz) cyc_hi <= cyc_hi - 16'd1;
    end
    if (tick) begin
      ms_lo <= ms_lo + 16'd1;
      if (ms_lo == 16'hffff) ms_hi <= ms_hi + 16'd1;
      if (msp_load) begin
        msp_lo <= period[15:0]; msp_hi <= period[31:16];
      end else begin
        msp_lo <= msp_lo - 16'd1;
        if (msp_lo == 16'd0) msp_hi <= msp_hi - 16'd1;
      end
      if (pend) begin
        per_lo <= per_lo + 16'd1;
        if (per_lo == 16'hffff) per_hi <= per_hi + 16'd1;
      end
    end
    if (newper) begin
      msp_lo <= period[15:0]; msp_hi <= period[31:16];
    end
  end
end
";

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &mut Sim, n: u32, div: u32, period: u32) {
        for _ in 0..n {
            s.edge(false, div, period, 1000, 50);
        }
    }

    /// A millisecond is `div` clocks and a period `period` milliseconds,
    /// across the 16-bit halves; `div` = 0 stops; outputs are the bases
    /// plus the counts.
    #[test]
    fn rates_across_the_halves() {
        for (div, period) in [(1u32, 1u32), (2, 3), (7, 0), (70_000, 2), (65_536, 1)] {
            let mut s = Sim::default();
            s.edge(true, div, period, 1000, 50);
            run(&mut s, 3, div, period); // `run` registered, first load
            let (ms0, p0) = (s.ms, s.periods);
            let n = 3 * 65_537;
            run(&mut s, n, div, period);
            let ms = s.ms - ms0;
            let want = n / div;
            assert!(ms.abs_diff(want) <= 1, "div {div}: {ms} ms, want {want}");
            let per = s.periods - p0;
            let want_p = ms / period.max(1);
            assert!(
                per.abs_diff(want_p) <= 1,
                "period {period}: {per}, want {want_p}"
            );
            // stopped, the outputs settle to the bases plus the counts
            run(&mut s, 3, 0, period);
            assert_eq!((s.ts_now, s.count), (1000 + s.ms, 50 + s.periods));
        }
        let mut s = Sim::default();
        s.edge(true, 5, 1, 7, 9);
        for _ in 0..100 {
            s.edge(false, 0, 1, 7, 9);
        }
        assert_eq!((s.ms, s.periods, s.ts_now, s.count), (0, 0, 7, 9));
    }

    /// The millisecond count carries from the low half into the high one.
    #[test]
    fn carry_into_the_high_half() {
        let mut s = Sim {
            ms: 0xFFFF,
            ..Sim::default()
        };
        s.run = true;
        s.cyc = 1;
        s.edge(false, 1, 1, 0, 0);
        assert_eq!(s.ms, 0x1_0000);
        for _ in 0..2 {
            s.edge(false, 1, 1, 0, 0);
        }
        assert_eq!(s.ts_now, 0x1_0000);
    }
}
