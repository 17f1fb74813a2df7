//! Runs the emitted `nic_core.v` under Icarus Verilog 11 (an event-driven
//! simulator, as xsim and Questa are) with `tb.v`, a script of register
//! accesses and stream beats, and reads back what came out. A wall-clock
//! bound turns a simulator stuck inside one time step into a test failure.

use ferronic_regmap::RegMap;
use ferronic_sim::bus::axis::beats;
use ferronic_sim::model::frame::append_fcs;
use rand::rngs::StdRng;
use rand::Rng;
use std::path::Path;
use std::time::Duration;

pub mod run;

/// A random frame with FCS, short ones weighted (Icarus runs ~700
/// cycles/s on the whole core, so long frames are rarer than in the
/// Verilator tests): runts, short tags, 10 % with a flipped bit.
pub fn random_frame(rng: &mut StdRng) -> Vec<u8> {
    let len = match rng.gen_range(0..20) {
        0..=1 => rng.gen_range(1..=30),
        2..=13 => rng.gen_range(31..=128),
        14..=18 => rng.gen_range(129..=600),
        _ => rng.gen_range(601..=1518),
    };
    let mut f = if len >= 4 {
        append_fcs(&(0..len - 4).map(|_| rng.gen()).collect::<Vec<u8>>())
    } else {
        (0..len).map(|_| rng.gen()).collect()
    };
    if rng.gen_bool(0.1) {
        let i = rng.gen_range(0..f.len());
        f[i] ^= 1 << rng.gen_range(0..8);
    }
    f
}

const TB: &str = include_str!("tb.v");

/// A frame seen on `m_axis` (sidebands from its `tlast` beat).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RxOut {
    pub data: Vec<u8>,
    pub tuser: u8,
    pub tag: u64,
    pub tdest: u8,
    pub hash: u32,
}

/// What the run produced.
#[derive(Debug, Default)]
pub struct Outputs {
    pub rx: Vec<RxOut>,
    /// Frames on `m_axis_tx` with their `tuser`.
    pub tx: Vec<(Vec<u8>, bool)>,
    /// Read data and response of each read, in order.
    pub reads: Vec<(u32, u8)>,
    /// Protocol violations, refused writes, the cycle limit.
    pub problems: Vec<String>,
    /// Simulated cycles.
    pub cycles: u64,
}

/// The script `tb.v` runs: operations, `s_axis` beats, `s_axis_tx` beats.
pub struct Script {
    map: RegMap,
    /// `tdest` bits of the core (log2 of its queues, at least 1).
    queue_bits: usize,
    ops: Vec<u128>,
    rx: Vec<u128>,
    tx: Vec<u128>,
}

fn op(code: u8, a: u32, b: u64) -> u128 {
    (u128::from(code) << 120) | (u128::from(a) << 64) | u128::from(b)
}

impl Script {
    pub fn new() -> Script {
        Script::for_map(ferronic_hdl::verilog::regmap(0, 0))
    }

    /// A script for a core generated with `map` (its queue counts set the
    /// testbench's `tdest` width).
    pub fn for_map(map: RegMap) -> Script {
        Script {
            queue_bits: (map.params.rx_queues.trailing_zeros() as usize).max(1),
            map,
            ops: vec![],
            rx: vec![],
            tx: vec![],
        }
    }

    fn addr(&self, reg: &str) -> u32 {
        self.map
            .reg(reg)
            .unwrap_or_else(|| panic!("no register {reg}"))
            .offset
    }

    /// Writes `v` to register `block.NAME` through `s_axil`.
    pub fn write(&mut self, reg: &str, v: u32) {
        let a = self.addr(reg);
        self.ops.push(op(1, a, u64::from(v)));
    }

    /// Reads register `block.NAME`; the value lands in [`Outputs::reads`].
    pub fn read(&mut self, reg: &str) {
        let a = self.addr(reg);
        self.ops.push(op(2, a, 0));
    }

    /// Reads a 64-bit counter (LO then HI); two entries in the reads.
    pub fn read_counter(&mut self, name: &str) {
        self.read(&format!("counters.{name}_LO"));
        self.read(&format!("counters.{name}_HI"));
    }

    /// Sets counter `block.NAME`'s 64 bits to `v` by writing the counter
    /// bank's register from the testbench (the hardware has no such path:
    /// this reaches values no simulation could count to). Only while the
    /// counter is idle: after a join and its last event.
    pub fn preload_counter(&mut self, name: &str, v: u64) {
        let i = self
            .map
            .counters
            .iter()
            .position(|c| c.name == name)
            .unwrap_or_else(|| panic!("no counter {name}"));
        self.ops.push(op(9, i as u32, v));
    }

    /// Queues `frame` on `s_axis`, `gap(i)` idle cycles before beat i.
    pub fn rx(&mut self, frame: &[u8], mut gap: impl FnMut() -> u8) {
        let n = frame.len().div_ceil(8) as u32;
        for b in beats(frame) {
            let (d, k, l) = (b.tdata, b.tkeep, b.tlast);
            self.rx.push(
                (u128::from(gap()) << 88)
                    | (u128::from(l) << 72)
                    | (u128::from(k) << 64)
                    | u128::from(d),
            );
        }
        self.ops.push(op(3, n, 0));
    }

    /// Queues host frame `frame` (no FCS) on `s_axis_tx` for queue `q`,
    /// marked bad when `bad`.
    pub fn tx(&mut self, frame: &[u8], q: u8, bad: bool, mut gap: impl FnMut() -> u8) {
        let n = frame.len().div_ceil(8) as u32;
        for b in beats(frame) {
            let (d, k, l) = (b.tdata, b.tkeep, b.tlast);
            self.tx.push(
                (u128::from(gap()) << 88)
                    | (u128::from(q) << 74)
                    | (u128::from(bad) << 73)
                    | (u128::from(l) << 72)
                    | (u128::from(k) << 64)
                    | u128::from(d),
            );
        }
        self.ops.push(op(4, n, 0));
    }

    /// Waits until every queued beat was taken.
    pub fn join(&mut self) {
        self.ops.push(op(5, 0, 0));
    }

    /// Waits until no beat has come out for `cycles` cycles.
    pub fn quiet(&mut self, cycles: u32) {
        self.ops.push(op(6, cycles, 0));
    }

    /// `tready` low with these percentages per cycle on `m_axis` and
    /// `m_axis_tx`.
    pub fn stall(&mut self, rx_pct: u32, tx_pct: u32) {
        self.ops.push(op(7, rx_pct, u64::from(tx_pct)));
    }

    /// Compiles `verilog` + `tb.v` in `dir` and runs the script; panics if
    /// the simulator has not finished after `limit` of wall-clock time.
    pub fn run(mut self, dir: &Path, verilog: &str, seed: u32, limit: Duration) -> Outputs {
        self.ops.push(op(8, 0, 0));
        let hex = |v: &[u128], w: usize| -> String {
            let mut s: String = v.iter().map(|x| format!("{x:0w$x}\n")).collect();
            if v.is_empty() {
                s.push_str(&format!("{:0w$x}\n", 0));
            }
            s
        };
        std::fs::write(dir.join("nic_core.v"), verilog).unwrap();
        std::fs::write(dir.join("tb.v"), TB).unwrap();
        std::fs::write(dir.join("ops.hex"), hex(&self.ops, 32)).unwrap();
        std::fs::write(dir.join("rx.hex"), hex(&self.rx, 24)).unwrap();
        std::fs::write(dir.join("tx.hex"), hex(&self.tx, 24)).unwrap();
        let params = [
            format!("-Ptb.NOPS={}", self.ops.len()),
            format!("-Ptb.NRX={}", self.rx.len().max(1)),
            format!("-Ptb.NTX={}", self.tx.len().max(1)),
            format!("-Ptb.SEED={seed}"),
            format!("-Ptb.QB={}", self.queue_bits),
        ];
        run::icarus(dir, "tb", &params, &["nic_core.v", "tb.v"], limit);
        parse(&std::fs::read_to_string(dir.join("out.txt")).unwrap())
    }
}

fn parse(text: &str) -> Outputs {
    let mut out = Outputs::default();
    let (mut cur, mut xcur) = (Vec::new(), Vec::new());
    let hex = |s: &str| u64::from_str_radix(s, 16).unwrap();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        match f[0] {
            "O" => {
                let n = hex(f[3]).count_ones() as usize;
                cur.extend_from_slice(&hex(f[2]).to_le_bytes()[..n]);
                if f[4] == "1" {
                    out.rx.push(RxOut {
                        data: std::mem::take(&mut cur),
                        tuser: hex(f[5]) as u8,
                        tag: hex(f[6]),
                        tdest: f[7].parse().unwrap(),
                        hash: hex(f[8]) as u32,
                    });
                }
            }
            "X" => {
                let n = hex(f[2]).count_ones() as usize;
                xcur.extend_from_slice(&hex(f[1]).to_le_bytes()[..n]);
                if f[3] == "1" {
                    out.tx.push((std::mem::take(&mut xcur), f[4] == "1"));
                }
            }
            "R" => out.reads.push((hex(f[1]) as u32, f[2].parse().unwrap())),
            "E" => out.cycles = f[1].parse().unwrap(),
            _ => out.problems.push(line.to_string()),
        }
    }
    out
}
