//! `SyncFifo`: a first-word-fall-through synchronous FIFO of `2^A` words of
//! `W` bits (register/LUT-RAM array, custom Verilog with a matching Rust
//! `update()`).
//!
//! * `push` writes `din` at the clock edge; `pop` drops the head. The user
//!   never pushes when `full` nor pops when `empty` (not checked).
//! * `dout` is the head word, combinational; `empty`, `full` likewise.
//! * `rst`: empties the FIFO.

use rust_hdl::prelude::*;
use std::collections::VecDeque;

/// FIFO of `2^A` words of `W` bits; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct SyncFifo<const W: usize, const A: usize> {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub din: Signal<In, Bits<W>>,
    pub push: Signal<In, Bit>,
    pub pop: Signal<In, Bit>,
    pub dout: Signal<Out, Bits<W>>,
    pub empty: Signal<Out, Bit>,
    pub full: Signal<Out, Bit>,
    _sim: VecDeque<Bits<W>>,
}

impl<const W: usize, const A: usize> Logic for SyncFifo<W, A> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            if self.rst.val() {
                self._sim.clear();
            } else {
                if self.pop.val() {
                    self._sim.pop_front();
                }
                if self.push.val() {
                    self._sim.push_back(self.din.val());
                }
            }
        }
        self.dout.next = self._sim.front().copied().unwrap_or_default();
        self.empty.next = self._sim.is_empty();
        self.full.next = self._sim.len() >= 1 << A;
    }

    fn connect(&mut self) {
        self.dout.connect();
        self.empty.connect();
        self.full.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!(
            "reg [{w}:0] mem [0:{d}];\nreg [{a}:0] wp;\nreg [{a}:0] rp;\n\
             always @(*) begin\n  dout = mem[rp[{a1}:0]];\n  empty = (wp == rp);\n  full = (wp[{a1}:0] == rp[{a1}:0]) && (wp[{a}] != rp[{a}]);\nend\n\
             always @(posedge clock) begin\n  if (rst) begin\n    wp <= {z};\n    rp <= {z};\n  end else begin\n\
             \x20   if (push) begin\n      mem[wp[{a1}:0]] <= din;\n      wp <= wp + 1'b1;\n    end\n    if (pop) rp <= rp + 1'b1;\n  end\nend\n",
            w = W - 1,
            d = (1 << A) - 1,
            a = A,
            a1 = A - 1,
            z = format!("{}'d0", A + 1),
        ))
    }
}
