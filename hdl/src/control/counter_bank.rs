//! `CounterBank`: the 64-bit hardware counters read through the register
//! file (DESIGN.md section 5). Custom Verilog generated for
//! [`crate::COUNTERS`] counters, with a matching Rust `update()`.
//!
//! * `inc` ([`crate::COUNTERS`] bits): counter i adds 1 when bit i is set.
//! * `add` ([`crate::COUNTERS`] bits): counter i adds `bytes` (16 bits) when
//!   bit i is set; `add_tx` likewise adds `tx_bytes` (receive and transmit
//!   byte counts can land in the same cycle). All may be set at once.
//! * `clear` or `rst`: every counter to 0 (clear wins over increments).
//! * `counters`: counter i at bits 64i+63..64i; updated at each clock edge,
//!   so an increment every cycle is counted exactly. Counters wrap at 2^64.

use crate::{COUNTERS, COUNTER_BITS};
use rust_hdl::prelude::*;

/// The counter bank; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct CounterBank {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub clear: Signal<In, Bit>,
    pub inc: Signal<In, Bits<COUNTERS>>,
    pub add: Signal<In, Bits<COUNTERS>>,
    pub bytes: Signal<In, Bits<16>>,
    pub add_tx: Signal<In, Bits<COUNTERS>>,
    pub tx_bytes: Signal<In, Bits<16>>,
    pub counters: Signal<Out, Bits<COUNTER_BITS>>,
}

impl Logic for CounterBank {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            let mut next: Bits<COUNTER_BITS> = Bits::default();
            if !(self.rst.val() || self.clear.val()) {
                let (inc, add, add_tx) = (self.inc.val(), self.add.val(), self.add_tx.val());
                let bytes = self.bytes.val().to_u64();
                let tx_bytes = self.tx_bytes.val().to_u64();
                for i in 0..COUNTERS {
                    let mut c = self.counters.val().get_bits::<64>(64 * i).to_u64();
                    if inc.get_bit(i) {
                        c = c.wrapping_add(1);
                    }
                    if add.get_bit(i) {
                        c = c.wrapping_add(bytes);
                    }
                    if add_tx.get_bit(i) {
                        c = c.wrapping_add(tx_bytes);
                    }
                    for b in 0..64 {
                        next = next.replace_bit(64 * i + b, c >> b & 1 != 0);
                    }
                }
            }
            self.counters.next = next;
        }
    }

    fn connect(&mut self) {
        self.counters.connect();
    }

    fn hdl(&self) -> Verilog {
        // each counter loads only when it counts (a clock enable; in
        // Verilator an idle counter costs one test, not a 64-bit add)
        let mut v = String::from("always @(posedge clock) begin\n  if (rst | clear) begin\n");
        v.push_str(&format!(
            "    counters <= {COUNTER_BITS}'h0;\n  end else begin\n"
        ));
        for i in 0..COUNTERS {
            let (hi, lo) = (64 * i + 63, 64 * i);
            v.push_str(&format!(
                "    if (inc[{i}] | add[{i}] | add_tx[{i}]) counters[{hi}:{lo}] <= counters[{hi}:{lo}] + {{63'h0, inc[{i}]}} + (add[{i}] ? {{48'h0, bytes}} : 64'h0) + (add_tx[{i}] ? {{48'h0, tx_bytes}} : 64'h0);\n"
            ));
        }
        v.push_str("  end\nend\n");
        Verilog::Custom(v)
    }
}
