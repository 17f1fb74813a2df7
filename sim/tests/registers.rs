//! The AXI4-Lite register interface of the Verilated core against the
//! register map: random accesses (proptest) against a model of the map,
//! the block chain, the JSON export read and written at its own offsets,
//! error responses, and one write and one read per clock sustained.

use ferronic_hdl::control::{REG_RD_LATENCY, REG_WR_RESPONSE};
use ferronic_regmap::{export, Access, RegMap, Source, MAGIC, VENDOR};
use ferronic_sim::bus::axil::{Op, Resp};
use ferronic_sim::harness::{Nic, RunOpts};
use proptest::prelude::*;
use std::collections::HashMap;

/// What the map says a register file must do, with no traffic running.
struct MapModel {
    map: RegMap,
    storage: HashMap<u32, u32>,
}

impl MapModel {
    fn new(map: RegMap) -> Self {
        let storage = map
            .regs()
            .filter_map(|r| match r.source {
                Source::Storage(v) => Some((r.offset, v)),
                _ => None,
            })
            .collect();
        MapModel { map, storage }
    }

    fn apply(&mut self, op: Op) -> (u32, Resp) {
        match op {
            Op::Write { addr, data, strb } => {
                let Some(r) = self.map.at(u32::from(addr)) else {
                    return (0, Resp::SlvErr);
                };
                if let (Access::Rw, Source::Storage(_)) = (r.access, r.source) {
                    let w = self.storage.get_mut(&r.offset).unwrap();
                    for b in 0..4 {
                        if strb >> b & 1 != 0 {
                            let m = 0xFFu32 << (8 * b);
                            *w = (*w & !m) | (data & m);
                        }
                    }
                }
                (0, Resp::Okay)
            }
            Op::Read { addr } => {
                let Some(r) = self.map.at(u32::from(addr)) else {
                    return (0, Resp::SlvErr);
                };
                let v = match (r.access, r.source) {
                    (Access::Wo, _) => 0,
                    (_, Source::Const(v) | Source::BuildConst(v)) => v,
                    (_, Source::Storage(_)) => self.storage[&r.offset],
                    // TS_NOW = TS_BASE + ms, COUNT = COUNT_BASE + periods:
                    // a test lasts far less than a millisecond of cycles
                    (_, Source::Input(i)) if i < 2 => {
                        let base = ["handshake.TS_BASE", "handshake.COUNT_BASE"][i];
                        self.storage[&self.map.reg(base).expect(base).offset]
                    }
                    // no traffic: every counter is 0
                    _ => 0,
                };
                (v, Resp::Okay)
            }
            Op::InstrRead { .. } => (0, Resp::SlvErr),
        }
    }
}

fn addr(map: &RegMap) -> impl Strategy<Value = u16> {
    // CLOCK_DIV stays at its reset value (250,000 cycles per ms), so the
    // live clocks TS_NOW and COUNT read as their bases during a test
    let div = map.reg("handshake.CLOCK_DIV").expect("CLOCK_DIV").offset;
    let mapped: Vec<u16> = map
        .regs()
        .filter(|r| r.offset != div)
        .map(|r| r.offset as u16)
        .collect();
    prop_oneof![
        6 => proptest::sample::select(mapped.clone()),
        1 => (proptest::sample::select(mapped), 1..4u16).prop_map(|(a, d)| a + d),
        1 => any::<u16>().prop_filter("not CLOCK_DIV", move |a| u32::from(*a) != div),
    ]
}

fn op(map: &RegMap) -> impl Strategy<Value = Op> {
    (addr(map), any::<u32>(), any::<u8>(), 0..10u8).prop_map(|(addr, data, strb, k)| match k {
        0..=4 => Op::Write {
            addr,
            data,
            strb: strb & 0xF,
        },
        5..=8 => Op::Read { addr },
        _ => Op::InstrRead { addr },
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    /// Batches of back-to-back writes then reads, random master delays and
    /// response stalls; every response and read value equals the model's.
    #[test]
    fn random_accesses_match_the_map(
        batches in proptest::collection::vec(
            (proptest::collection::vec(op(&ferronic_hdl::verilog::regmap(0, 0)), 1..12), 0..2u8),
            1..8),
        delay in 0.0..0.6f64, seed in any::<u64>())
    {
        let mut nic = Nic::new(&RunOpts { axil_delay: delay, seed, ..RunOpts::default() }).unwrap();
        let mut model = MapModel::new(nic.map.clone());
        for (ops, _) in &batches {
            // writes on the write channel, in order; then the reads
            let writes: Vec<Op> = ops.iter().copied().filter(|o| matches!(o, Op::Write { .. })).collect();
            let reads: Vec<Op> = ops.iter().copied().filter(|o| !matches!(o, Op::Write { .. })).collect();
            for batch in [writes, reads] {
                let done = nic.access(&batch).unwrap();
                prop_assert_eq!(done.len(), batch.len());
                for d in done {
                    let (v, resp) = model.apply(d.op);
                    prop_assert_eq!(d.resp, resp, "{:?}", d.op);
                    prop_assert_eq!(d.data, v, "{:?}", d.op);
                }
            }
        }
    }
}

#[test]
fn block_chain_walk_matches_the_map() {
    let mut nic = Nic::new(&RunOpts::default()).unwrap();
    let map = nic.map.clone();
    let mut at = 0u32;
    let mut seen = Vec::new();
    loop {
        assert!(seen.len() < 64, "register-block chain does not end");
        let ty = nic.read(at as u16).unwrap();
        let version = nic.read(at as u16 + 4).unwrap();
        let next = nic.read(at as u16 + 8).unwrap();
        let length = nic.read(at as u16 + 12).unwrap();
        assert_eq!(ty >> 16, u32::from(VENDOR));
        let b = &map.blocks[seen.len()];
        assert_eq!(
            (ty & 0xFFFF, version, length, at),
            (u32::from(b.id), b.version, b.length, b.base)
        );
        seen.push(b.name.clone());
        if next == 0 {
            break;
        }
        assert!(next > at, "chain goes backwards");
        at = next;
    }
    assert_eq!(seen.len(), map.blocks.len());
    assert_eq!(nic.read_reg("identity.MAGIC").unwrap(), MAGIC);
    assert_eq!(nic.read_reg("identity.MAP_HASH").unwrap(), map.hash);
}

/// Every register of `regmap.json`, at the offset the JSON gives: constants
/// read back their value, storage registers take a pattern with each byte
/// strobe alone, write-only registers read 0.
#[test]
fn json_export_agrees_with_the_hardware() {
    let mut nic = Nic::new(&RunOpts {
        axil_delay: 0.2,
        ..RunOpts::default()
    })
    .unwrap();
    let j: serde_json::Value = serde_json::from_str(&export::json(&nic.map)).unwrap();
    let mut n = 0;
    for b in j["blocks"].as_array().unwrap() {
        for r in b["regs"].as_array().unwrap() {
            let off = r["offset"].as_u64().unwrap() as u16;
            let kind = r["source"]["kind"].as_str().unwrap();
            let access = r["access"].as_str().unwrap();
            match (access, kind) {
                ("ro", "const" | "build_const") => {
                    let want = r["source"]["arg"].as_u64().unwrap() as u32;
                    assert_eq!(nic.read(off).unwrap(), want, "{}", r["name"]);
                }
                ("rw", "storage") if r["name"] != "CTRL" => {
                    nic.write(off, 0).unwrap();
                    for byte in 0..4 {
                        let d = nic
                            .access(&[Op::Write {
                                addr: off,
                                data: 0xA5A5_A5A5,
                                strb: 1 << byte,
                            }])
                            .unwrap();
                        assert_eq!(d[0].resp, Resp::Okay);
                    }
                    assert_eq!(nic.read(off).unwrap(), 0xA5A5_A5A5, "{}", r["name"]);
                }
                ("wo", _) => assert_eq!(nic.read(off).unwrap(), 0, "{}", r["name"]),
                _ => {
                    nic.read(off).unwrap();
                }
            }
            n += 1;
        }
    }
    assert_eq!(n, nic.map.regs().count());
}

/// Storage after a reset: every RW storage register is written with a
/// pattern of its own, read back, then the core is reset; each must read
/// its reset value from the map again (the register file's read copies of
/// the large storage pages are RAMs, which do not reset), and a write of
/// bytes 0 and 2 alone must read back those bytes over the reset value.
#[test]
fn storage_reads_its_reset_values_after_a_reset() {
    let mut nic = Nic::new(&RunOpts::default()).unwrap();
    let regs: Vec<(u16, u32)> = nic
        .map
        .regs()
        .filter_map(|r| match (r.access, r.source) {
            (Access::Rw, Source::Storage(v)) => Some((r.offset as u16, v)),
            _ => None,
        })
        .collect();
    assert!(regs.len() > 150, "{} storage registers", regs.len());
    let pattern = |a: u16| 0x5A00_A500 ^ u32::from(a) ^ (u32::from(a) << 16);
    let check = |nic: &mut Nic, want: &dyn Fn(u16, u32) -> u32, what: &str| {
        let reads: Vec<Op> = regs.iter().map(|&(addr, _)| Op::Read { addr }).collect();
        for (d, &(a, v)) in nic.access(&reads).unwrap().iter().zip(&regs) {
            assert_eq!(d.resp, Resp::Okay);
            assert_eq!(d.data, want(a, v), "{what}: register at {a:#06x}");
        }
    };
    let writes = |strb: u8| -> Vec<Op> {
        regs.iter()
            .map(|&(addr, _)| Op::Write {
                addr,
                data: pattern(addr),
                strb,
            })
            .collect()
    };
    nic.access(&writes(0xF)).unwrap();
    check(&mut nic, &|a, _| pattern(a), "written");
    nic.reset();
    check(&mut nic, &|_, v| v, "after the reset");
    nic.access(&writes(0b0101)).unwrap();
    check(
        &mut nic,
        &|a, v| (v & 0xFF00_FF00) | (pattern(a) & 0x00FF_00FF),
        "bytes 0 and 2 over the reset value",
    );
}

#[test]
fn errors_and_sustained_throughput() {
    let mut nic = Nic::new(&RunOpts::default()).unwrap();
    let scratch = nic.map.reg("identity.SCRATCH").unwrap().offset as u16;
    // unmapped, unaligned, instruction access
    let end = nic.map.blocks.last().map(|b| b.base + b.length).unwrap() as u16;
    let done = nic
        .access(&[
            Op::Read { addr: end + 4 },
            Op::Write {
                addr: scratch + 1,
                data: 1,
                strb: 0xF,
            },
            Op::InstrRead { addr: scratch },
        ])
        .unwrap();
    assert!(done.iter().all(|d| d.resp == Resp::SlvErr), "{done:?}");
    assert_eq!(
        nic.read(scratch).unwrap(),
        0,
        "an unaligned write changed SCRATCH"
    );
    // 1000 writes and 1000 reads back to back, no delays: one of each per clock
    let mut ops = Vec::new();
    for i in 0..1000u32 {
        ops.push(Op::Write {
            addr: scratch,
            data: i,
            strb: 0xF,
        });
        ops.push(Op::Read { addr: scratch });
    }
    let t0 = nic.cycles();
    let done = nic.access(&ops).unwrap();
    let cycles = nic.cycles() - t0;
    assert_eq!(done.len(), 2000);
    // plus the longer response latency once (the last write's answer)
    assert!(
        cycles <= 1000 + 2 + REG_RD_LATENCY.max(REG_WR_RESPONSE) as u64,
        "2000 accesses took {cycles} cycles"
    );
    let last_write = done
        .iter()
        .rev()
        .find(|d| matches!(d.op, Op::Write { .. }))
        .unwrap();
    assert_eq!(last_write.resp, Resp::Okay);
    assert_eq!(nic.read(scratch).unwrap(), 999);
}

/// The handshake clocks run: TS_NOW advances one per CLOCK_DIV clocks and
/// COUNT one per COUNT_PERIOD milliseconds, read back over AXI4-Lite at
/// every step (so a glitch between HsClock's 16-bit halves would show as
/// an error of 65,536), across the low half's wrap and with a divider
/// above 16 bits; CLOCK_DIV = 0 stops both.
#[test]
fn handshake_clocks_run_at_their_rates() {
    let mut nic = Nic::new(&RunOpts::default()).unwrap();
    nic.write_reg("handshake.TS_BASE", 0xFFFE_8000).unwrap();
    nic.write_reg("handshake.COUNT_BASE", 50).unwrap();
    for (div, period, clocks) in [(1u32, 3u32, 70_000u64), (70_001, 1, 300_000)] {
        nic.write_reg("handshake.COUNT_PERIOD", period).unwrap();
        nic.write_reg("handshake.CLOCK_DIV", div).unwrap();
        // the dividers reload two clocks after the write, the outputs
        // follow two clocks later: let the write settle first
        for _ in 0..4 {
            nic.read_reg("handshake.TS_NOW").unwrap();
        }
        let t0 = nic.cycles();
        let ts0 = nic.read_reg("handshake.TS_NOW").unwrap();
        let c0 = nic.read_reg("handshake.COUNT").unwrap();
        let mut ts = ts0;
        while nic.cycles() - t0 < clocks {
            ts = nic.read_reg("handshake.TS_NOW").unwrap();
            let want = (nic.cycles() - t0) / u64::from(div);
            let got = u64::from(ts.wrapping_sub(ts0));
            // TS_NOW is sampled one clock after each read issues and
            // answered REG_RD_LATENCY later: both reads lag by that
            let lag = 3 + 2 * REG_RD_LATENCY as u64;
            assert!(
                got.abs_diff(want) <= lag,
                "div {div}: {got} ms after {want}"
            );
        }
        let ms = ts.wrapping_sub(ts0);
        assert!(ms >= 2, "div {div}: the clock did not run");
        let c = nic.read_reg("handshake.COUNT").unwrap().wrapping_sub(c0);
        assert!(
            c.abs_diff(ms / period) <= 1,
            "period {period}: {c} after {ms} ms"
        );
    }
    nic.write_reg("handshake.CLOCK_DIV", 0).unwrap();
    let a = (
        nic.read_reg("handshake.TS_NOW").unwrap(),
        nic.read_reg("handshake.COUNT").unwrap(),
    );
    for _ in 0..50 {
        let b = (
            nic.read_reg("handshake.TS_NOW").unwrap(),
            nic.read_reg("handshake.COUNT").unwrap(),
        );
        assert_eq!(a, b, "CLOCK_DIV = 0 stops both clocks");
    }
}
