//! `RegFile`: the register file behind the AXI4-Lite slave, generated from
//! the one register-map definition ([`ferronic_regmap::RegMap`]).
//!
//! Like the CRC networks, its Verilog is custom text computed from the map
//! (a write decoder with byte strobes, a pipelined read mux whose large
//! storage pages read a LUT RAM copy of their words, the counters' carry
//! resolution and shadow), and its Rust `update()` interprets the very
//! same map with the same pipeline timing, so the two cannot disagree.
//! Every path is at most a 16-bit decode, a 32:1 mux or a 16-bit add
//! between flip-flops (issue 12's timing targets).
//!
//! * `wr_en`/`wr_addr` (16-bit byte address)/`wr_data` (32)/`wr_strb` (4):
//!   one write, registered, then decoded: `wr_err`, `clear` and `strobes`
//!   change [`crate::control::REG_WR_LATENCY`] (2) clocks after the
//!   `wr_en` cycle, the storage (and the configuration outputs)
//!   [`crate::control::REG_STORE_LATENCY`] (3) clocks after it. `wr_err`
//!   (held until the next write) is 1 when that write's address was not a
//!   mapped register (exact, aligned match; RO registers accept and ignore
//!   writes).
//! * `rst`: the read and write pipelines and `wr_err` reset at once; the
//!   storage resets one clock after each clock of `rst` (through copies
//!   of `rst`, [`crate::control::regfile_write`]). Every read issued
//!   after `rst` sees the reset values; the configuration outputs show
//!   them from the first clock after `rst` when it is held two clocks or
//!   more (as every reset in the project is), one clock later after a
//!   one-clock `rst`.
//! * `rd_en`/`rd_addr`: one read; `rd_data` (32) and `rd_err` load
//!   [`crate::control::REG_RD_LATENCY`] (6) clocks after the `rd_en` cycle
//!   and hold until the next read leaves. The source is sampled one clock
//!   after `rd_en`. WO registers and unmapped addresses read 0; unmapped
//!   ones set `rd_err`. Requests may enter every clock (the pipeline does
//!   not stall).
//! * Counters arrive as chunks on `counters` (64 bits each, counter i at
//!   bits 64i+63..64i) with their owed carries on `carries` (3 bits each);
//!   a read adds them up ([`crate::control::counter_bank::counter_value`]).
//!   Reading counter i's low word latches its high word into a shadow that
//!   any `*_HI` read returns: read LO then HI, never torn.
//! * Datapath outputs: `enable`, `tx_enable`, `tag_format` (4), `tag_mode` (2) from
//!   `datapath.CTRL`, `default_queue` ([`crate::RX_QUEUE_BITS`]) from
//!   `datapath.DEFAULT_QUEUE`, and `clear`, a one-cycle pulse when 1 is
//!   written to `counters.CLEAR`; `rss_enable` (`rss.CTRL` bit 0),
//!   `rss_key` (319 bits: the 40-byte key `rss.KEY0..9` as one big-endian
//!   number, key byte 0 = `KEY0[31:24]`, without its never-used last bit)
//!   and `rss_queue`, indirection entry `rss_index` (7 bits in; entry e is
//!   byte e of `rss.TABLE*`, its low bits the queue), registered: the entry
//!   of the index one clock earlier.

use crate::control::config_bus::{hs_first, rss_storage, HS_FIELDS};
use crate::control::counter_bank::counter_value;
use crate::control::REG_RD_LATENCY;
use crate::{
    CARRY_BITS, COUNTER_BITS, HS_CFG_BITS, HS_STORAGE, INPUT_BITS, RX_QUEUE_BITS, STROBES,
};
use ferronic_regmap::{Access, Owner, RegMap, Source};
use rust_hdl::prelude::*;
use std::collections::VecDeque;

/// Register file generated from the map; see the module documentation.
#[derive(LogicBlock)]
pub struct RegFile {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub wr_en: Signal<In, Bit>,
    pub wr_addr: Signal<In, Bits<16>>,
    pub wr_data: Signal<In, Bits<32>>,
    pub wr_strb: Signal<In, Bits<4>>,
    pub wr_err: Signal<Out, Bit>,
    pub rd_en: Signal<In, Bit>,
    pub rd_addr: Signal<In, Bits<16>>,
    pub rd_data: Signal<Out, Bits<32>>,
    pub rd_err: Signal<Out, Bit>,
    pub counters: Signal<In, Bits<COUNTER_BITS>>,
    /// The counters' owed carries, 3 bits each (see
    /// [`crate::control::counter_bank`]).
    pub carries: Signal<In, Bits<CARRY_BITS>>,
    pub enable: Signal<Out, Bit>,
    pub tx_enable: Signal<Out, Bit>,
    pub tag_format: Signal<Out, Bits<4>>,
    pub tag_mode: Signal<Out, Bits<2>>,
    pub default_queue: Signal<Out, Bits<RX_QUEUE_BITS>>,
    pub clear: Signal<Out, Bit>,
    pub rss_enable: Signal<Out, Bit>,
    pub rss_key: Signal<Out, Bits<319>>,
    pub rss_index: Signal<In, Bits<7>>,
    pub rss_queue: Signal<Out, Bits<RX_QUEUE_BITS>>,
    /// The `handshake` block's storage registers, CTRL in bits 31:0.
    pub hs_cfg: Signal<Out, Bits<HS_CFG_BITS>>,
    /// Live words read by `Source::Input(n)` registers, word n in bits
    /// 32n+31..32n.
    pub inputs: Signal<In, Bits<INPUT_BITS>>,
    /// One-cycle pulses of `Source::Strobe(n)` registers, on any write.
    pub strobes: Signal<Out, Bits<STROBES>>,
    _sim: Box<SimState>,
}

/// A read on its way through the pipeline, as sampled at R2.
#[derive(Clone, Copy)]
enum Read {
    /// A register's value and `rd_err`.
    Word(u32, bool),
    /// A counter's LO word and the HI word for the shadow.
    Lo(u32, u32),
    /// A counter's HI word: the shadow as R6 finds it.
    Hi,
}

/// The Rust model's state: the map, storage words, the counter shadow and
/// the requests in the read and write pipelines.
struct SimState {
    map: RegMap,
    storage: Vec<u32>,
    shadow: u32,
    r1: Option<u32>,
    reads: VecDeque<Option<Read>>,
    w1: Option<(u32, u32, u32)>,
    /// The write at W2, stored at W3.
    w2: Option<(u32, u32, u32)>,
    /// `rst` one clock ago (the storage's copies of it).
    rst_q: bool,
    ctrl: usize,
    default_queue: usize,
    /// Storage indices of `rss.CTRL`, `rss.KEY0`, `rss.TABLE0` (None
    /// without the `rss` block: RSS off, key 0, every entry queue 0).
    rss: Option<(usize, usize, usize)>,
    /// Storage index of `handshake.CTRL` (None without the block: the
    /// configuration bus is 0).
    hs0: Option<usize>,
    /// The registered indirection entry (`rss_queue`).
    rss_queue: u32,
}

impl RegFile {
    /// A register file for `map`, which must have `datapath.CTRL`,
    /// `datapath.DEFAULT_QUEUE` and exactly [`crate::COUNTERS`] counters
    /// ([`crate::HS_COUNTER0`] without the handshake engine). The `rss`
    /// and `handshake` blocks may be absent (generation parameters).
    pub fn new(map: &RegMap) -> Self {
        let counters = if map.params.handshake {
            crate::COUNTERS
        } else {
            crate::HS_COUNTER0
        };
        assert_eq!(map.counters.len(), counters, "counter count of the map");
        let storage = reset_values(map);
        let sim = SimState {
            ctrl: map.storage_index("datapath.CTRL").expect("datapath.CTRL"),
            default_queue: map
                .storage_index("datapath.DEFAULT_QUEUE")
                .expect("datapath.DEFAULT_QUEUE"),
            rss: rss_storage(map),
            hs0: hs_first(map),
            rss_queue: 0,
            map: map.clone(),
            storage,
            shadow: 0,
            r1: None,
            reads: [None; REG_RD_LATENCY - 2].into(),
            w1: None,
            w2: None,
            rst_q: false,
        };
        RegFile {
            clock: Default::default(),
            rst: Default::default(),
            wr_en: Default::default(),
            wr_addr: Default::default(),
            wr_data: Default::default(),
            wr_strb: Default::default(),
            wr_err: Default::default(),
            rd_en: Default::default(),
            rd_addr: Default::default(),
            rd_data: Default::default(),
            rd_err: Default::default(),
            counters: Default::default(),
            carries: Default::default(),
            enable: Default::default(),
            tx_enable: Default::default(),
            tag_format: Default::default(),
            tag_mode: Default::default(),
            default_queue: Default::default(),
            clear: Default::default(),
            rss_enable: Default::default(),
            rss_key: Default::default(),
            rss_index: Default::default(),
            rss_queue: Default::default(),
            hs_cfg: Default::default(),
            inputs: Default::default(),
            strobes: Default::default(),
            _sim: Box::new(sim),
        }
    }

    /// What a read of `ra` returns, sampled now (the read path's R2).
    fn sample(&self, ra: u32) -> Read {
        let sim = &self._sim;
        let err = sim.map.at_owned(ra, Owner::Core).is_none();
        let v = match sim
            .map
            .at_owned(ra, Owner::Core)
            .map(|r| (r.access, r.source))
        {
            Some((Access::Wo, _)) | None => 0,
            Some((_, Source::Const(v) | Source::BuildConst(v))) => v,
            Some((_, Source::Storage(_))) => {
                let k = sim.map.storage().iter().position(|s| s.offset == ra);
                sim.storage[k.unwrap()]
            }
            Some((_, Source::CounterLo(i))) => {
                let c = self.counters.val().get_bits::<64>(64 * i).to_u64();
                let k = self.carries.val().get_bits::<3>(3 * i).to_u64();
                let v = counter_value(c, k);
                return Read::Lo(v as u32, (v >> 32) as u32);
            }
            Some((_, Source::CounterHi(_))) => return Read::Hi,
            Some((_, Source::Clear | Source::Strobe(_))) => 0,
            Some((_, Source::Input(i))) => self.inputs.val().get_bits::<32>(32 * i).to_u64() as u32,
        };
        Read::Word(v, err)
    }

    /// Decodes a write (the write path's W2): `wr_err`, `clear`, strobes.
    fn decode(&mut self, wa: u32, d: u32) {
        let sim = &mut self._sim;
        self.wr_err.next = sim.map.at_owned(wa, Owner::Core).is_none();
        match sim.map.at_owned(wa, Owner::Core).map(|r| r.source) {
            Some(Source::Clear) => self.clear.next = d & 1 != 0,
            Some(Source::Strobe(i)) => self.strobes.next = Bits::default().replace_bit(i, true),
            _ => {}
        }
    }

    /// Stores a write's bytes (the write path's W3).
    fn store(&mut self, wa: u32, d: u32, strb: u32) {
        let sim = &mut self._sim;
        if let Some((Access::Rw | Access::Wo, Source::Storage(_))) = sim
            .map
            .at_owned(wa, Owner::Core)
            .map(|r| (r.access, r.source))
        {
            let k = sim.map.storage().iter().position(|s| s.offset == wa);
            let w = &mut sim.storage[k.unwrap()];
            for b in 0..4 {
                if strb >> b & 1 != 0 {
                    let m = 0xFFu32 << (8 * b);
                    *w = (*w & !m) | (d & m);
                }
            }
        }
    }

    fn drive_outputs(&mut self) {
        let ctrl = u64::from(self._sim.storage[self._sim.ctrl]);
        let dq = u64::from(self._sim.storage[self._sim.default_queue]);
        self.enable.next = ctrl & 1 != 0;
        self.tx_enable.next = ctrl & 2 != 0;
        self.tag_format.next = ((ctrl >> 4) & 0xF).into();
        self.tag_mode.next = ((ctrl >> 8) & 3).into();
        self.default_queue.next = (dq & crate::QUEUE_MASK).into();
        let st = &self._sim.storage;
        // without the rss block: RSS off, key 0 (synthesis removes the hash)
        let (rss_ctrl, rss_key) = match self._sim.rss {
            Some((c, k, _)) => (st[c], Some(k)),
            None => (0, None),
        };
        self.rss_enable.next = rss_ctrl & 1 != 0;
        let mut key: Bits<319> = Bits::default();
        for k in 0..rss_key.map_or(0, |_| 10) {
            let w = st[rss_key.unwrap_or(0) + k];
            for b in 0..32 {
                // bit 0 of the 320-bit key (last bit of KEY9) is never used
                if 288 - 32 * k + b >= 1 {
                    key = key.replace_bit(288 - 32 * k + b - 1, w >> b & 1 != 0);
                }
            }
        }
        self.rss_key.next = key;
        self.rss_queue.next = u64::from(self._sim.rss_queue).into();
        let mut hs: Bits<HS_CFG_BITS> = Bits::default();
        let mut at = 0;
        let fields = (17..HS_STORAGE)
            .map(|k| (k, 32))
            .chain(HS_FIELDS.iter().copied());
        // without the handshake block the bus stays 0
        let h0 = self._sim.hs0;
        for (k, n) in fields.filter(|_| h0.is_some()) {
            let w = st[h0.unwrap_or_default() + k];
            for b in 0..n {
                hs = hs.replace_bit(at + b, w >> b & 1 != 0);
            }
            at += n;
        }
        self.hs_cfg.next = hs;
    }
}

impl Logic for RegFile {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            // the indirection entry of `rss_index`, registered (old storage)
            let e = self.rss_index.val().index();
            self._sim.rss_queue = self._sim.rss.map_or(0, |(_, _, t)| {
                (self._sim.storage[t + e / 4] >> (8 * (e % 4))) & crate::QUEUE_MASK as u32
            });
            self.clear.next = false;
            self.strobes.next = Bits::default();
            let rst = self.rst.val();
            if rst {
                let sim = &mut self._sim;
                sim.shadow = 0;
                sim.r1 = None;
                sim.reads = [None; REG_RD_LATENCY - 2].into();
                self.rd_data.next = 0_u64.into();
                self.rd_err.next = false;
                self.wr_err.next = false;
            } else {
                // R6: the read that entered four clocks ago leaves
                if let Some(done) = self._sim.reads.pop_front().flatten() {
                    let (v, err) = match done {
                        Read::Word(v, err) => (v, err),
                        Read::Lo(v, hi) => {
                            self._sim.shadow = hi;
                            (v, false)
                        }
                        Read::Hi => (self._sim.shadow, false),
                    };
                    self.rd_data.next = u64::from(v).into();
                    self.rd_err.next = err;
                }
                // R2: the read registered one clock ago samples its source
                let sampled = self._sim.r1.take().map(|ra| self.sample(ra));
                self._sim.reads.push_back(sampled);
                // W2: the write registered one clock ago is decoded
                if let Some((wa, d, _)) = self._sim.w1 {
                    self.decode(wa, d);
                }
                if self.rd_en.val() {
                    self._sim.r1 = Some(self.rd_addr.val().to_u64() as u32);
                }
            }
            // W3: the storage, reset one clock after `rst` (its copies),
            // else the write decoded one clock ago
            let w2 = self._sim.w2.take();
            if self._sim.rst_q {
                self._sim.storage = reset_values(&self._sim.map);
            } else if let Some((wa, d, strb)) = w2 {
                self.store(wa, d, strb);
            }
            let sim = &mut self._sim;
            sim.w2 = sim.w1.take();
            sim.rst_q = rst;
            if !rst && self.wr_en.val() {
                let w = (
                    self.wr_addr.val().to_u64() as u32,
                    self.wr_data.val().to_u64() as u32,
                    self.wr_strb.val().to_u64() as u32,
                );
                self._sim.w1 = Some(w);
            }
        }
        self.drive_outputs();
    }

    fn connect(&mut self) {
        self.wr_err.connect();
        self.rd_data.connect();
        self.rd_err.connect();
        self.enable.connect();
        self.tx_enable.connect();
        self.tag_format.connect();
        self.tag_mode.connect();
        self.default_queue.connect();
        self.clear.connect();
        self.rss_enable.connect();
        self.rss_key.connect();
        self.rss_queue.connect();
        self.hs_cfg.connect();
        self.strobes.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(crate::control::regfile_verilog::verilog(&self._sim.map))
    }
}

/// Reset values of the storage registers, in configuration-bus order.
fn reset_values(map: &RegMap) -> Vec<u32> {
    map.storage()
        .iter()
        .filter_map(|r| match r.source {
            Source::Storage(v) => Some(v),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
#[path = "regfile_tests.rs"]
mod tests;
