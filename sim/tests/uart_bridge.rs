//! The UART register bridge (issue 16) in Verilator, in front of the
//! `nic_core`'s register file: requests built from the protocol's
//! definition (`ferronic_regmap::uart`) go onto the line as bits by an
//! independent line model, answers are decoded from the bridge's `txd`.
//! Its AXI4-Lite master is under the protocol checker every clock
//! (`UartBoard::step`). Reference values: the register map's constants
//! and the same registers read through the harness's own AXI4-Lite master.

use ferronic_regmap::uart::{Request, Response, STATUS_REPLAYED};
use ferronic_sim::bus::axil::{Op, Resp};
use ferronic_sim::harness::{Nic, RunOpts};
use ferronic_sim::tools::serve_uart::UartBoard;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Clocks to wait for an answer: a 16-word read is 70 bytes of 80 clocks.
const ANSWER_CLOCKS: u64 = 8_000;

/// Sends `bytes` and runs until `want` bytes came back or the time is up.
fn exchange(b: &mut UartBoard, bytes: &[u8], want: usize) -> Vec<u8> {
    b.send(bytes);
    let mut got = Vec::new();
    let mut n = 0;
    while got.len() < want && n < ANSWER_CLOCKS + 80 * bytes.len() as u64 {
        b.step().expect("AXI4-Lite protocol");
        got.extend(b.take());
        n += 1;
    }
    got
}

fn ask(b: &mut UartBoard, req: &Request) -> Response {
    let got = exchange(b, &req.encode(), req.response_len());
    req.decode(&got)
        .unwrap_or_else(|e| panic!("{req:?}: {e} in {got:02x?}"))
}

/// Runs the line idle for `clocks`.
fn idle(b: &mut UartBoard, clocks: u64) -> Vec<u8> {
    let mut got = Vec::new();
    for _ in 0..clocks {
        b.step().expect("AXI4-Lite protocol");
        got.extend(b.take());
    }
    got
}

fn addr(map: &ferronic_regmap::RegMap, name: &str) -> u16 {
    map.reg(name).unwrap_or_else(|| panic!("{name}")).offset as u16
}

#[test]
fn reads_writes_bursts_errors_and_replays() {
    let map = ferronic_hdl::verilog::regmap(0, 0);
    let mut b = UartBoard::new();
    // a 16-word burst from 0 equals the harness's own reads; the first
    // word the core answers SLVERR is named in the status
    let mut nic = Nic::new(&RunOpts::default()).unwrap();
    let reference = nic
        .access(
            &(0..16)
                .map(|i| Op::Read { addr: 4 * i })
                .collect::<Vec<_>>(),
        )
        .unwrap();
    let want: Vec<u32> = reference.iter().map(|d| d.data).collect();
    let first_err = reference.iter().position(|d| d.resp != Resp::Okay);
    let r = ask(
        &mut b,
        &Request::Read {
            seq: 1,
            addr: 0,
            words: 16,
        },
    );
    assert_eq!(
        r.error(),
        first_err.map(|i| (2, i)),
        "status {:#04x}",
        r.status
    );
    assert_eq!(r.data, want);
    assert_eq!(
        r.data[addr(&map, "identity.MAGIC") as usize / 4],
        ferronic_regmap::MAGIC
    );

    // a write, read back; the same write again (same sequence number) is
    // answered as replayed and not done: the register keeps the first value
    let scratch = addr(&map, "identity.SCRATCH");
    let w = |seq, v| Request::Write {
        seq,
        addr: scratch,
        data: vec![v],
    };
    assert_eq!(ask(&mut b, &w(2, 0x1234_5678)).status, 0);
    let again = ask(&mut b, &w(2, 0xdead_beef));
    assert_eq!(again.status, STATUS_REPLAYED);
    let rd = |seq| Request::Read {
        seq,
        addr: scratch,
        words: 1,
    };
    assert_eq!(ask(&mut b, &rd(3)).data, vec![0x1234_5678]);
    // a new sequence number writes
    assert_eq!(ask(&mut b, &w(4, 0xdead_beef)).status, 0);
    assert_eq!(ask(&mut b, &rd(5)).data, vec![0xdead_beef]);

    // a burst running off the end of the map: the first word answered
    // SLVERR is named, it and those after it read 0, as through the
    // harness's master
    let end = map.span() as u16;
    let ops: Vec<Op> = (0..4)
        .map(|i| Op::Read {
            addr: end - 8 + 4 * i,
        })
        .collect();
    let reference = nic.access(&ops).unwrap();
    let first_err = reference.iter().position(|d| d.resp != Resp::Okay);
    assert!(first_err.is_some(), "the map ends at {end:#x}");
    let r = ask(
        &mut b,
        &Request::Read {
            seq: 6,
            addr: end - 8,
            words: 4,
        },
    );
    assert_eq!(
        r.error(),
        first_err.map(|i| (2, i)),
        "status {:#04x}",
        r.status
    );
    assert_eq!(r.data, reference.iter().map(|d| d.data).collect::<Vec<_>>());
    assert_eq!(b.stats.bad_frames, 0);
}

#[test]
fn damaged_and_cut_requests_are_dropped_then_the_next_is_answered() {
    let map = ferronic_hdl::verilog::regmap(0, 0);
    let scratch = addr(&map, "identity.SCRATCH");
    let mut b = UartBoard::new();
    let good = Request::Write {
        seq: 9,
        addr: scratch,
        data: vec![0x0bad_f00d],
    };
    // a flipped bit: the CRC fails, no answer, nothing written
    let mut bad = good.encode();
    bad[6] ^= 0x10;
    assert!(exchange(&mut b, &bad, 1).is_empty());
    assert_eq!(b.stats.bad_frames, 1);
    // a byte lost: the bridge waits, then drops the request after the
    // line's silence (1,024 bit times of 8 clocks)
    let mut cut = good.encode();
    cut.remove(4);
    assert!(exchange(&mut b, &cut, 1).is_empty());
    assert!(idle(&mut b, 9_000).is_empty());
    assert_eq!(b.stats.bad_frames, 2);
    let rd = Request::Read {
        seq: 10,
        addr: scratch,
        words: 1,
    };
    assert_eq!(ask(&mut b, &rd).data, vec![0], "nothing was written");
    // noise before a request: bytes that are not a start byte are skipped
    let mut noisy = vec![0x00, 0xff, 0x13];
    noisy.extend(good.encode());
    let got = exchange(&mut b, &noisy, good.response_len());
    assert_eq!(good.decode(&got).unwrap().status, 0);
    assert_eq!(
        ask(
            &mut b,
            &Request::Read {
                seq: 11,
                addr: scratch,
                words: 1
            }
        )
        .data,
        vec![0x0bad_f00d]
    );
    assert_eq!(
        b.stats.accesses, 3,
        "one write, two reads: nothing else reached the core"
    );
}

#[test]
fn random_requests_match_a_register_model() {
    // every read-write register of the map, with the bits it keeps found
    // through the harness's own AXI4-Lite master; written and read back
    // over the line in random bursts along runs of adjacent registers
    let map = ferronic_hdl::verilog::regmap(0, 0);
    let mut nic = Nic::new(&RunOpts::default()).unwrap();
    let mut model = std::collections::BTreeMap::new();
    let mut mask = std::collections::BTreeMap::new();
    for r in map
        .regs()
        .filter(|r| r.access == ferronic_regmap::Access::Rw)
    {
        let a = r.offset as u16;
        model.insert(a, nic.read(a).unwrap());
        nic.write(a, !0).unwrap();
        mask.insert(a, nic.read(a).unwrap());
    }
    let addrs: Vec<u16> = model.keys().copied().collect();
    assert!(addrs.len() >= 16, "read-write registers: {addrs:x?}");
    let mut b = UartBoard::new();
    let mut rng = StdRng::seed_from_u64(16);
    let requests = 40u8;
    for seq in 1..=requests {
        let i = rng.gen_range(0..addrs.len());
        // the run of adjacent registers from i, at most 16
        let mut n = 1;
        while n < 16 && addrs.get(i + n) == Some(&(addrs[i] + 4 * n as u16)) {
            n += 1;
        }
        let n = rng.gen_range(1..=n);
        let a = addrs[i];
        if rng.gen_bool(0.5) {
            let data: Vec<u32> = (0..n).map(|_| rng.gen()).collect();
            let r = ask(
                &mut b,
                &Request::Write {
                    seq,
                    addr: a,
                    data: data.clone(),
                },
            );
            assert_eq!(r.status, 0);
            for (k, v) in data.iter().enumerate() {
                let at = a + 4 * k as u16;
                model.insert(at, v & mask[&at]);
            }
        } else {
            let r = ask(
                &mut b,
                &Request::Read {
                    seq,
                    addr: a,
                    words: n as u8,
                },
            );
            let want: Vec<u32> = (0..n).map(|k| model[&(a + 4 * k as u16)]).collect();
            assert_eq!(r.data, want, "{n} words from {a:#06x}");
        }
    }
    // `done` rises after the last stop bit, a little after the host has
    // the last byte
    idle(&mut b, 100);
    assert_eq!(b.stats.bad_frames, 0);
    assert_eq!(b.stats.answered, u64::from(requests));
}
