//! `DmaStatus`: the DMA engine's live register words (issue 13): it
//! gathers the engine's state and event pulses into the `inputs` bus of
//! [`crate::dma::reg_block::DmaRegBlock`], counting the events. Which word
//! carries what follows the register map (each `Source::Input(n)` by its
//! register's name, `ferronic_regmap::DMA_INPUTS` and the `rxq`, `txq`,
//! `cq` blocks), so the words cannot drift from the documentation:
//!
//! * `dma.STATUS` bit 0 `idle`; `RX_STOPPED`/`TX_STOPPED` the rings'
//!   `ring_err`; `RX_WAITING` the receive rings' `q_avail`; `TX_POSTED`
//!   the transmit rings' `q_posted`.
//! * Counters, 32-bit, free-running from reset: `dma.RX_FAULTS`
//!   (`rx_fault`), `TX_ERRORS` (`tx_err`), `FETCH_FAULTS` (`rx_fetch_fault`
//!   plus `tx_fetch_fault`), `CPL_DROPS` and `CPL_FAULTS` (both completion
//!   queue sets' pulses added); per receive ring
//!   `Q<n>_DROPS` (`drop_valid` with `drop_queue` = n: no buffer) and
//!   `Q<n>_FULL` (`full_valid`, `full_queue`: receive buffer full).
//! * Indices: `rxq.Q<n>_CONS` / `txq.Q<n>_CONS` bits 16n+15..16n of
//!   `rx_cons` / `tx_cons`; `cq.C<c>_PROD` of `cq_prod`; `cq.C<c>_STATUS`
//!   {`cq_full[c]`, `cq_armed[c]`}.
//!
//! Two register stages: events and levels are registered on arrival, the
//! counters count the registered events (in 16-bit halves with a
//! registered carry, the word showing a count the counter held), and
//! `inputs` is a register (so the register file's read mux starts from
//! flip-flops). A level word is 2 clocks behind the engine, a counter 3;
//! the register file reads it 1 clock after the request.

use crate::dma::cpl_queue::{CQS, CQ_BITS};
use crate::dma::desc_fetch::{RINGS, RING_BITS, RING_SLOTS};
use crate::dma::regs::{DMA_INPUT_BITS, DMA_STROBES};
use ferronic_regmap::{Owner, RegMap, Source};
use rust_hdl::prelude::*;

/// The engine's live register words; see the module documentation.
#[derive(LogicBlock)]
pub struct DmaStatus {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub idle: Signal<In, Bit>,
    pub rx_ring_err: Signal<In, Bits<RING_SLOTS>>,
    pub tx_ring_err: Signal<In, Bits<RING_SLOTS>>,
    pub rx_q_avail: Signal<In, Bits<RING_SLOTS>>,
    pub tx_q_posted: Signal<In, Bits<RING_SLOTS>>,
    pub rx_fault: Signal<In, Bit>,
    pub tx_err: Signal<In, Bit>,
    pub rx_fetch_fault: Signal<In, Bit>,
    pub tx_fetch_fault: Signal<In, Bit>,
    pub cpl_drop_rx: Signal<In, Bit>,
    pub cpl_drop_tx: Signal<In, Bit>,
    pub cpl_fault_rx: Signal<In, Bit>,
    pub cpl_fault_tx: Signal<In, Bit>,
    pub drop_valid: Signal<In, Bit>,
    pub drop_queue: Signal<In, Bits<RING_BITS>>,
    pub full_valid: Signal<In, Bit>,
    pub full_queue: Signal<In, Bits<RING_BITS>>,
    pub rx_cons: Signal<In, Bits<{ 16 * RING_SLOTS }>>,
    pub tx_cons: Signal<In, Bits<{ 16 * RING_SLOTS }>>,
    pub cq_prod: Signal<In, Bits<{ 16 * CQS }>>,
    pub cq_armed: Signal<In, Bits<CQS>>,
    pub cq_full: Signal<In, Bits<CQS>>,
    pub inputs: Signal<Out, Bits<DMA_INPUT_BITS>>,
    _body: String,
}

impl DmaStatus {
    /// The status words for `map`'s engine blocks.
    ///
    /// # Panics
    /// When `map` has an engine input this block does not know.
    pub fn new(map: &RegMap) -> Self {
        DmaStatus {
            clock: Default::default(),
            rst: Default::default(),
            idle: Default::default(),
            rx_ring_err: Default::default(),
            tx_ring_err: Default::default(),
            rx_q_avail: Default::default(),
            tx_q_posted: Default::default(),
            rx_fault: Default::default(),
            tx_err: Default::default(),
            rx_fetch_fault: Default::default(),
            tx_fetch_fault: Default::default(),
            cpl_drop_rx: Default::default(),
            cpl_drop_tx: Default::default(),
            cpl_fault_rx: Default::default(),
            cpl_fault_tx: Default::default(),
            drop_valid: Default::default(),
            drop_queue: Default::default(),
            full_valid: Default::default(),
            full_queue: Default::default(),
            rx_cons: Default::default(),
            tx_cons: Default::default(),
            cq_prod: Default::default(),
            cq_armed: Default::default(),
            cq_full: Default::default(),
            inputs: Default::default(),
            _body: verilog(map),
        }
    }
}

/// What input word `name` (`block.REG`) carries: a 32-bit level expression
/// over the registered signals, or `Err(events)` for a counter of a 2-bit
/// event count.
fn source(block: &str, reg: &str) -> Result<String, String> {
    let index = |prefix: &str, suffix: &str| -> Option<usize> {
        reg.strip_prefix(prefix)?.strip_suffix(suffix)?.parse().ok()
    };
    let word = |bits: &str, n: usize| match n {
        32 => bits.to_string(),
        _ => format!("{{{}'d0, {bits}}}", 32 - n),
    };
    // a ring bitmap: `NAME` rings 0..31, `NAME_k` rings 32k..32k+31
    let (base, k) = match reg.rsplit_once('_') {
        Some((b, k)) if k.parse::<usize>().is_ok() => (b, k.parse().unwrap()),
        _ => (reg, 0),
    };
    let bitmap = |bus: &str| {
        let (lo, hi) = (32 * k, (32 * k + 31).min(RING_SLOTS - 1));
        assert!(lo < RING_SLOTS, "{reg}: no rings {lo} and up");
        match (lo, hi + 1) {
            (0, RING_SLOTS) => word(bus, RING_SLOTS),
            _ => word(&format!("{bus}[{hi}:{lo}]"), hi - lo + 1),
        }
    };
    let known = match (block, base) {
        ("dma", "STATUS") => Some(Ok(word("r_idle", 1))),
        ("dma", "RX_STOPPED") => Some(Ok(bitmap("r_rx_err"))),
        ("dma", "TX_STOPPED") => Some(Ok(bitmap("r_tx_err"))),
        ("dma", "RX_WAITING") => Some(Ok(bitmap("r_rx_avail"))),
        ("dma", "TX_POSTED") => Some(Ok(bitmap("r_tx_posted"))),
        ("dma", "RX_FAULTS") => Some(Err("{1'b0, e_rx_fault}".into())),
        ("dma", "TX_ERRORS") => Some(Err("{1'b0, e_tx_err}".into())),
        ("dma", "FETCH_FAULTS") => Some(Err("{1'b0, e_rx_fetch} + {1'b0, e_tx_fetch}".into())),
        ("dma", "CPL_DROPS") => Some(Err("{1'b0, e_drop_rx} + {1'b0, e_drop_tx}".into())),
        ("dma", "CPL_FAULTS") => Some(Err("{1'b0, e_fault_rx} + {1'b0, e_fault_tx}".into())),
        _ => None,
    };
    if let Some(k) = known {
        return k;
    }
    let slice = |bus: &str, n: usize| format!("{{16'd0, {bus}[{}:{}]}}", 16 * n + 15, 16 * n);
    match block {
        "rxq" | "txq" => {
            let bus = if block == "rxq" {
                "r_rx_cons"
            } else {
                "r_tx_cons"
            };
            if let Some(q) = index("Q", "_CONS").filter(|&q| q < RING_SLOTS) {
                return Ok(slice(bus, q));
            }
            if block == "rxq" {
                if let Some(q) = index("Q", "_DROPS").filter(|&q| q < RING_SLOTS) {
                    return Err(format!("{{1'b0, e_drop && q_drop == {RING_BITS}'d{q}}}"));
                }
                if let Some(q) = index("Q", "_FULL").filter(|&q| q < RING_SLOTS) {
                    return Err(format!("{{1'b0, e_full && q_full == {RING_BITS}'d{q}}}"));
                }
            }
        }
        "cq" => {
            if let Some(c) = index("C", "_PROD").filter(|&c| c < CQS) {
                return Ok(slice("r_cq_prod", c));
            }
            if let Some(c) = index("C", "_STATUS").filter(|&c| c < CQS) {
                return Ok(format!("{{30'd0, r_cq_full[{c}], r_cq_armed[{c}]}}"));
            }
        }
        _ => {}
    }
    panic!("DmaStatus: no source for engine input {block}.{reg}")
}

/// The Verilog body for `map`.
fn verilog(map: &RegMap) -> String {
    let mut words = Vec::new();
    for b in map.blocks.iter().filter(|b| b.owner == Owner::Dma) {
        for r in &b.regs {
            if let Source::Input(n) = r.source {
                words.push((n, source(&b.name, &r.name)));
            }
        }
    }
    words.sort_by_key(|w| w.0);
    assert!(
        words.iter().enumerate().all(|(k, w)| w.0 == k) && 32 * words.len() == DMA_INPUT_BITS,
        "engine inputs numbered densely, {} bits",
        DMA_INPUT_BITS
    );
    let n = words.len();
    let mut v = format!(
        "\
// ---- stage 1: everything registered on arrival
reg r_idle; reg [{r}:0] r_rx_err, r_tx_err, r_rx_avail, r_tx_posted;
reg [{c16}:0] r_rx_cons, r_tx_cons;
reg [{cq16}:0] r_cq_prod; reg [{cq}:0] r_cq_armed, r_cq_full;
reg e_rx_fault, e_tx_err, e_rx_fetch, e_tx_fetch, e_drop, e_full;
reg e_drop_rx, e_drop_tx, e_fault_rx, e_fault_tx;
reg [{qb}:0] q_drop, q_full;
always @(posedge clock) begin
  r_idle <= idle; r_rx_err <= rx_ring_err; r_tx_err <= tx_ring_err;
  r_rx_avail <= rx_q_avail; r_tx_posted <= tx_q_posted;
  r_rx_cons <= rx_cons; r_tx_cons <= tx_cons;
  r_cq_prod <= cq_prod; r_cq_armed <= cq_armed; r_cq_full <= cq_full;
  q_drop <= drop_queue; q_full <= full_queue;
  if (rst) begin
    e_rx_fault <= 1'b0; e_tx_err <= 1'b0; e_rx_fetch <= 1'b0; e_tx_fetch <= 1'b0;
    e_drop_rx <= 1'b0; e_drop_tx <= 1'b0; e_fault_rx <= 1'b0; e_fault_tx <= 1'b0;
    e_drop <= 1'b0; e_full <= 1'b0;
  end else begin
    e_rx_fault <= rx_fault; e_tx_err <= tx_err; e_rx_fetch <= rx_fetch_fault;
    e_tx_fetch <= tx_fetch_fault;
    e_drop_rx <= cpl_drop_rx; e_drop_tx <= cpl_drop_tx;
    e_fault_rx <= cpl_fault_rx; e_fault_tx <= cpl_fault_tx;
    e_drop <= drop_valid; e_full <= full_valid;
  end
end
// ---- stage 2: the words ({n} of them); counters count stage 1's events
// in two 16-bit halves (a 32-bit carry chain is 9 cells deep): the low
// half in c<k>, its carry registered, the word's high half adds it a
// clock later while the word's low half takes c<k>'s value of that clock,
// so the word is always a count the counter held (one clock late)
@COUNTERS@always @(posedge clock) begin
",
        r = RING_SLOTS - 1,
        c16 = 16 * RING_SLOTS - 1,
        cq16 = 16 * CQS - 1,
        cq = CQS - 1,
        qb = RING_BITS - 1,
    );
    let mut decls = String::new();
    for (k, src) in &words {
        let (hi, mid, lo) = (32 * k + 31, 32 * k + 16, 32 * k);
        match src {
            Ok(level) => v.push_str(&format!("  inputs[{hi}:{lo}] <= {level};\n")),
            Err(events) => {
                decls.push_str(&format!("reg [15:0] c{k}; reg c{k}_cy;\n"));
                v.push_str(&format!(
                    "  if (rst) begin c{k} <= 16'd0; c{k}_cy <= 1'b0; inputs[{hi}:{lo}] <= 32'd0; end\n  \
                     else begin\n    \
                     {{c{k}_cy, c{k}}} <= {{1'b0, c{k}}} + {{15'd0, {events}}};\n    \
                     inputs[{hi}:{mid}] <= inputs[{hi}:{mid}] + {{15'd0, c{k}_cy}};\n    \
                     inputs[{}:{lo}] <= c{k};\n  end\n",
                    mid - 1
                ));
            }
        }
    }
    v.push_str("end\n");
    if RINGS < RING_SLOTS {
        // a build of fewer than 8 queues: the slots past its rings and
        // completion queues have no registers
        let (r, c) = (16 * RINGS, 16 * DMA_STROBES);
        v.push_str(&format!(
            "wire unused_slots = ^{{r_rx_cons[{}:{r}], r_tx_cons[{}:{r}], r_cq_prod[{}:{c}], r_cq_armed[{}:{s}], r_cq_full[{}:{s}]}};\n",
            16 * RING_SLOTS - 1,
            16 * RING_SLOTS - 1,
            16 * CQS - 1,
            CQS - 1,
            CQS - 1,
            s = DMA_STROBES,
        ));
    }
    v.replace("@COUNTERS@", &decls)
}

impl Logic for DmaStatus {
    fn update(&mut self) {
        self.inputs.next = 0.into();
    }

    fn connect(&mut self) {
        self.inputs.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(self._body.clone())
    }
}

const _: () = assert!(CQ_BITS <= 8);
