//! `CounterBank`: the 64-bit hardware counters read through the register
//! file (DESIGN.md section 5). Custom Verilog generated for
//! [`crate::COUNTERS`] counters, with a matching Rust `update()`.
//!
//! * What counter i adds depends on [`crate::counter_kind`]`(i)`: an
//!   [`CounterKind::Event`] counter adds 1 when `inc` bit i is set; a
//!   [`CounterKind::RxBytes`] counter adds `bytes` (16 bits) when `add` bit
//!   i is set; a [`CounterKind::TxBytes`] counter adds `tx_bytes` when
//!   `add_tx` bit i is set. Other bits of `inc`, `add` and `add_tx` are
//!   not connected ([`crate::control::counter_events::CounterEvents`]
//!   never sets them). Every event is counted, one per clock per counter.
//! * `clear` or `rst`: every counter to 0 [`CLEAR_LATENCY`] (8) clocks
//!   later; the events of the pulse's clock and of the 8 after it are not
//!   counted. The pulse is registered, then fanned out through a binary
//!   tree of flip-flops 7 levels deep, one leaf per counter (its 67
//!   flip-flops' reset): one net to all 5,400 was 9-13 ns of routing on
//!   ECP5. Sibling flip-flops have different initial values, so synthesis
//!   cannot merge the tree back into one flip-flop (they differ only for
//!   the first clocks after configuration, when every counter is 0 anyway).
//! * Each counter is four 16-bit chunks with a carry register between
//!   them, so no carry chain is longer than 17 bits (a 64-bit add was 17
//!   levels on xcup and 70-81 MHz on ECP5): chunk 0 adds the event, and
//!   chunk j (1..3) adds the carry chunk j - 1 produced one clock before.
//!   `counters` (counter i at bits 64i+63..64i) holds the chunks, and
//!   `carries` (bits 3i+2..3i) the carries not yet added: bit 3i + j - 1
//!   is owed to chunk j. Counter i's exact value at every clock is
//!   `counters_i + k0 x 2^16 + k1 x 2^32 + k2 x 2^48 (mod 2^64)`; the
//!   register file adds that up when it reads a counter. A carry is owed
//!   for one clock only, so an idle counter's chunks are its value.

use crate::{counter_kind, CounterKind, CARRY_BITS, COUNTERS, COUNTER_BITS};
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
    pub carries: Signal<Out, Bits<CARRY_BITS>>,
    /// `rst | clear` of the last [`CLEAR_LATENCY`] clocks, newest first
    /// (the Verilog's reset tree).
    _zero: [bool; CLEAR_LATENCY],
}

/// Clocks from a `clear`/`rst` cycle to the edge at which every counter
/// is 0: the registered pulse and the 7 levels of the reset tree.
pub const CLEAR_LATENCY: usize = 8;

/// Levels of the reset tree.
const TREE: usize = CLEAR_LATENCY - 1;
/// Copies each node of the reset tree drives: the smallest F >= 2 with
/// F^[`TREE`] >= [`COUNTERS`] leaves (2 up to 128 counters, 3 up to 2,187:
/// a 64-queue build has 529).
const FANOUT: usize = fanout(COUNTERS);
const fn fanout(leaves: usize) -> usize {
    let mut f: usize = 2;
    while f.pow(TREE as u32) < leaves {
        f += 1;
    }
    f
}

/// Counter `i`'s exact value from the chunks and pending carries of
/// [`CounterBank`] (`c`: its 64 chunk bits, `k`: its 3 carry bits).
pub fn counter_value(c: u64, k: u64) -> u64 {
    (0..3).fold(c, |v, j| v.wrapping_add((k >> j & 1) << (16 * (j + 1))))
}

/// Each kind's enable bus and the 17-bit amount its counters add when
/// their bit of it is set.
const INPUTS: [(CounterKind, &str, &str); 3] = [
    (CounterKind::Event, "inc", "17'h1"),
    (CounterKind::RxBytes, "add", "{1'b0, bytes}"),
    (CounterKind::TxBytes, "add_tx", "{1'b0, tx_bytes}"),
];

impl Logic for CounterBank {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            let mut next: Bits<COUNTER_BITS> = Bits::default();
            let mut carries: Bits<CARRY_BITS> = Bits::default();
            let zero = self._zero[CLEAR_LATENCY - 1];
            self._zero.rotate_right(1);
            self._zero[0] = self.rst.val() || self.clear.val();
            if !zero {
                let bytes = self.bytes.val().to_u64();
                let tx_bytes = self.tx_bytes.val().to_u64();
                for i in 0..COUNTERS {
                    let add = match counter_kind(i) {
                        CounterKind::Event => u64::from(self.inc.val().get_bit(i)),
                        CounterKind::RxBytes if self.add.val().get_bit(i) => bytes,
                        CounterKind::TxBytes if self.add_tx.val().get_bit(i) => tx_bytes,
                        _ => 0,
                    };
                    let k = self.carries.val().get_bits::<3>(3 * i).to_u64();
                    let c = self.counters.val().get_bits::<64>(64 * i).to_u64();
                    for j in 0..4 {
                        let chunk = c >> (16 * j) & 0xFFFF;
                        let owed = if j == 0 { add } else { k >> (j - 1) & 1 };
                        let s = chunk + owed;
                        if j < 3 {
                            carries = carries.replace_bit(3 * i + j, s >> 16 != 0);
                        }
                        for b in 0..16 {
                            next = next.replace_bit(64 * i + 16 * j + b, s >> b & 1 != 0);
                        }
                    }
                }
            }
            self.counters.next = next;
            self.carries.next = carries;
        }
    }

    fn connect(&mut self) {
        self.counters.connect();
        self.carries.connect();
    }

    fn hdl(&self) -> Verilog {
        // the reset tree: z0_0 <= rst | clear; node n of level l copies
        // node n / FANOUT of level l - 1, with initial value n & 1; leaf i
        // (level TREE) resets counter i
        let mut v = String::from("reg z0_0;\nalways @(posedge clock) z0_0 <= rst | clear;\n");
        for l in 1..=TREE {
            let nodes = COUNTERS.div_ceil(FANOUT.pow((TREE - l) as u32));
            for n in 0..nodes {
                v.push_str(&format!(
                    "reg z{l}_{n} = 1'b{};\nalways @(posedge clock) z{l}_{n} <= z{}_{};\n",
                    n & 1,
                    l - 1,
                    n / FANOUT
                ));
            }
        }
        v.push_str("always @(posedge clock) begin\n");
        for i in 0..COUNTERS {
            let (_, bus, amount) =
                INPUTS[INPUTS.iter().position(|x| x.0 == counter_kind(i)).unwrap()];
            let (hi, lo) = (64 * i + 63, 64 * i);
            v.push_str(&format!(
                "  if (z{TREE}_{i}) begin\n    counters[{hi}:{lo}] <= 64'h0;\n    carries[{k2}:{k0}] <= 3'h0;\n  end else if ({bus}[{i}] | (|carries[{k2}:{k0}])) begin\n",
                k2 = 3 * i + 2,
                k0 = 3 * i
            ));
            let owed = [
                format!("{bus}[{i}]"),
                format!("carries[{}]", 3 * i),
                format!("carries[{}]", 3 * i + 1),
                format!("carries[{}]", 3 * i + 2),
            ];
            for (j, en) in owed.iter().enumerate() {
                let (hi, lo) = (64 * i + 16 * j + 15, 64 * i + 16 * j);
                // a chunk adds only when `en`: the amount needs no mask
                let addend = if j == 0 { amount } else { "17'h1" };
                if j < 3 {
                    // (the carry is cleared only when set: a simulator
                    // tests an idle counter's enables and nothing else)
                    let k = 3 * i + j;
                    v.push_str(&format!(
                        "    if ({en}) {{carries[{k}], counters[{hi}:{lo}]}} <= {{1'b0, counters[{hi}:{lo}]}} + {addend};\n    else if (carries[{k}]) carries[{k}] <= 1'b0;\n"
                    ));
                } else {
                    v.push_str(&format!(
                        "    if ({en}) counters[{hi}:{lo}] <= counters[{hi}:{lo}] + 16'h1;\n"
                    ));
                }
            }
            v.push_str("  end\n");
        }
        v.push_str("end\n");
        // the bits no counter of their kind reads (Verilator's lint skips
        // a signal whose name contains "unused")
        let unused: Vec<String> = (0..COUNTERS)
            .flat_map(|i| {
                INPUTS
                    .iter()
                    .filter(move |x| x.0 != counter_kind(i))
                    .map(move |(_, bus, _)| format!("{bus}[{i}]"))
            })
            .collect();
        v.push_str(&format!("wire bits_unused = ^{{{}}};\n", unused.join(", ")));
        Verilog::Custom(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_adds_the_owed_carries() {
        assert_eq!(counter_value(0xFFFF_FFFF_FFFF_0000, 0b001), 0);
        assert_eq!(
            counter_value(0x0000_FFFF_0000_0005, 0b011),
            0x0001_0000_0001_0005
        );
        assert_eq!(counter_value(0, 0b100), 1 << 48);
    }
}
