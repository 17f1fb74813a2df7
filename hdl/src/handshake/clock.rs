//! `HsClock`: the handshake engine's two clocks. The timestamp clock
//! `ts_now` counts milliseconds (`div` cycles each) from `ts_base`; the
//! cookie counter `count` counts periods of `period` milliseconds from
//! `count_base` (Linux: `tcp_cookie_time()`, one per 60 s). `div` = 0
//! stops both (tests use it to pin the values). All 32 bits, wrapping.
//!
//! Custom Verilog with a matching Rust `update()`.

use rust_hdl::prelude::*;

/// Millisecond and cookie-period clocks; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct HsClock {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub div: Signal<In, Bits<32>>,
    pub period: Signal<In, Bits<32>>,
    pub ts_base: Signal<In, Bits<32>>,
    pub count_base: Signal<In, Bits<32>>,
    pub ts_now: Signal<Out, Bits<32>>,
    pub count: Signal<Out, Bits<32>>,
    _sim: [u32; 4],
}

impl Logic for HsClock {
    fn update(&mut self) {
        let [cyc, ms, msp, periods] = &mut self._sim;
        if self.clock.pos_edge() {
            let div = self.div.val().to_u64() as u32;
            let period = self.period.val().to_u64() as u32;
            if self.rst.val() {
                (*cyc, *ms, *msp, *periods) = (0, 0, 0, 0);
            } else if div != 0 {
                if cyc.wrapping_add(1) >= div {
                    *cyc = 0;
                    *ms = ms.wrapping_add(1);
                    if msp.wrapping_add(1) >= period {
                        *msp = 0;
                        *periods = periods.wrapping_add(1);
                    } else {
                        *msp += 1;
                    }
                } else {
                    *cyc += 1;
                }
            }
        }
        let base = |s: &Signal<In, Bits<32>>| s.val().to_u64() as u32;
        self.ts_now.next = u64::from(base(&self.ts_base).wrapping_add(*ms)).into();
        self.count.next = u64::from(base(&self.count_base).wrapping_add(*periods)).into();
    }

    fn connect(&mut self) {
        self.ts_now.connect();
        self.count.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(
            "reg [31:0] cyc; reg [31:0] ms; reg [31:0] msp; reg [31:0] periods;\n\
             always @(posedge clock) begin\n\
             \x20 if (rst) begin cyc <= 32'd0; ms <= 32'd0; msp <= 32'd0; periods <= 32'd0; end\n\
             \x20 else if (div != 32'd0) begin\n\
             \x20   if (cyc + 32'd1 >= div) begin\n\
             \x20     cyc <= 32'd0; ms <= ms + 32'd1;\n\
             \x20     if (msp + 32'd1 >= period) begin msp <= 32'd0; periods <= periods + 32'd1; end\n\
             \x20     else msp <= msp + 32'd1;\n\
             \x20   end else cyc <= cyc + 32'd1;\n\
             \x20 end\nend\n\
             always @(*) begin ts_now = ts_base + ms; count = count_base + periods; end\n"
                .to_string(),
        )
    }
}
