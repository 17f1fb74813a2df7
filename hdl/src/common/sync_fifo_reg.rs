//! `SyncFifoReg`: a synchronous FIFO of `2^A + 1` words of `W` bits whose
//! head sits in flip-flops (custom Verilog with a matching Rust
//! `update()`), for a consumer whose pop decision reads the head: no RAM
//! read lies between the head and that decision.
//!
//! * `push` writes `din` at the clock edge into the RAM part (`2^A` words);
//!   the head register takes the RAM's oldest word whenever it is empty or
//!   popped, so a word pushed into an empty FIFO is the head two clocks
//!   later (one more than [`crate::common::sync_fifo::SyncFifo`]).
//! * `dout` is the head word, `empty` its valid bit inverted: both
//!   flip-flops. `full`: the RAM part is full (pointer compare).
//! * The user never pushes when `full` nor pops when `empty` (not checked).
//! * `rst`: empties the FIFO.

use rust_hdl::prelude::*;
use std::collections::VecDeque;

/// FIFO of `2^A + 1` words of `W` bits, registered head; see the module
/// documentation.
#[derive(LogicBlock, Default)]
pub struct SyncFifoReg<const W: usize, const A: usize> {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub din: Signal<In, Bits<W>>,
    pub push: Signal<In, Bit>,
    pub pop: Signal<In, Bit>,
    pub dout: Signal<Out, Bits<W>>,
    pub empty: Signal<Out, Bit>,
    pub full: Signal<Out, Bit>,
    _ram: VecDeque<Bits<W>>,
    _head: Option<Bits<W>>,
}

impl<const W: usize, const A: usize> Logic for SyncFifoReg<W, A> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            if self.rst.val() {
                self._ram.clear();
                self._head = None;
            } else {
                if self._head.is_none() || self.pop.val() {
                    self._head = self._ram.pop_front();
                }
                if self.push.val() {
                    self._ram.push_back(self.din.val());
                }
            }
        }
        self.dout.next = self._head.unwrap_or_default();
        self.empty.next = self._head.is_none();
        self.full.next = self._ram.len() >= 1 << A;
    }

    fn connect(&mut self) {
        self.dout.connect();
        self.empty.connect();
        self.full.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!(
            "reg [{w}:0] mem [0:{d}];\nreg [{a}:0] wp;\nreg [{a}:0] rp;\nreg hv;\nreg [{w}:0] hd;\n\
             wire load = (~hv | pop) & (wp != rp);\n\
             always @(*) begin\n  dout = hd;\n  empty = ~hv;\n  full = (wp[{a1}:0] == rp[{a1}:0]) && (wp[{a}] != rp[{a}]);\nend\n\
             always @(posedge clock) begin\n  if (rst) begin\n    wp <= {z};\n    rp <= {z};\n    hv <= 1'b0;\n  end else begin\n\
             \x20   if (push) begin\n      mem[wp[{a1}:0]] <= din;\n      wp <= wp + 1'b1;\n    end\n\
             \x20   if (load) begin\n      hd <= mem[rp[{a1}:0]];\n      rp <= rp + 1'b1;\n      hv <= 1'b1;\n    end else if (pop) hv <= 1'b0;\n  end\nend\n",
            w = W - 1,
            d = (1 << A) - 1,
            a = A,
            a1 = A - 1,
            z = format!("{}'d0", A + 1),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tick(f: &mut SyncFifoReg<8, 2>) {
        f.clock.next = false.into();
        assert!(simulate(f, 10));
        f.clock.next = true.into();
        assert!(simulate(f, 10));
    }

    /// Order, the two-clock fill, 2^A + 1 words held, pop and push together.
    #[test]
    fn head_register_order_and_capacity() {
        let mut f = SyncFifoReg::<8, 2>::default();
        f.connect_all();
        f.rst.next = true;
        tick(&mut f);
        f.rst.next = false;
        f.push.next = true;
        f.din.next = 1_u64.into();
        tick(&mut f);
        f.push.next = false;
        assert!(f.empty.val(), "in the RAM part for one clock");
        tick(&mut f);
        assert!(!f.empty.val());
        assert_eq!(f.dout.val().to_u64(), 1);
        for v in 2..=5 {
            f.push.next = true;
            f.din.next = v.into();
            tick(&mut f);
        }
        f.push.next = false;
        assert!(f.full.val(), "4 in the RAM part, 1 in the head");
        let mut got = Vec::new();
        f.pop.next = true;
        for _ in 0..5 {
            assert!(!f.empty.val());
            got.push(f.dout.val().to_u64());
            // a push in the same clock as the pop keeps the order
            f.push.next = got.len() == 2;
            f.din.next = 6_u64.into();
            tick(&mut f);
        }
        got.push(f.dout.val().to_u64());
        tick(&mut f);
        assert!(f.empty.val());
        assert_eq!(got, vec![1, 2, 3, 4, 5, 6]);
    }
}
