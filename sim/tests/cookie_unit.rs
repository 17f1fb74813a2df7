//! The hardware SYN cookie unit (`ferronic_hdl::handshake::syn_cookie`), its
//! generated Verilog run in Icarus Verilog at one operation every `INTERVAL`
//! clocks with random gaps, against the model of Linux built on the `siphasher` crate
//! (`ferronic_sim::model::syncookie`): cookies for random tuples, counters and
//! MSS values bit-identical; the timestamp option encoding likewise; valid
//! cookies accepted one period late and refused two periods late; 100,000
//! forged ACKs all refused.

use ferronic_hdl::handshake::syn_cookie::{SynCookie, INTERVAL, LATENCY};
use ferronic_sim::model::syncookie::{self, Secrets, TsOptions, Tuple};
use rand::{Rng, SeedableRng};
use rust_hdl::prelude::*;
use std::fmt::Write as _;

#[path = "icarus/run.rs"]
mod icarus_run;

/// (port, width in bits) in the order of a vector word, most significant first.
const FIELDS: [(&str, usize); 16] = [
    ("in_valid", 4),
    ("op_check", 4),
    ("saddr", 32),
    ("daddr", 32),
    ("sport", 16),
    ("dport", 16),
    ("seq", 32),
    ("ack", 32),
    ("count", 32),
    ("mss", 16),
    ("ts_now", 32),
    ("wscale_ok", 4),
    ("wscale", 4),
    ("sack", 4),
    ("ecn", 4),
    ("ts_opts", 8),
];

#[derive(Clone, Copy, Debug, Default)]
struct Op {
    valid: bool,
    check: bool,
    t: Option<Tuple>,
    seq: u32,
    ack: u32,
    count: u32,
    mss: u16,
    ts_now: u32,
    opts: TsOptions,
    tsecr: u32,
}

fn be32(a: [u8; 4]) -> u32 {
    u32::from_be_bytes(a)
}

fn line(o: &Op) -> String {
    let t = o.t.unwrap_or(Tuple {
        saddr: [0; 4],
        daddr: [0; 4],
        sport: 0,
        dport: 0,
    });
    let vals: [u64; 16] = [
        u64::from(o.valid),
        u64::from(o.check),
        u64::from(be32(t.saddr)),
        u64::from(be32(t.daddr)),
        u64::from(t.sport),
        u64::from(t.dport),
        u64::from(o.seq),
        u64::from(o.ack),
        u64::from(o.count),
        u64::from(o.mss),
        u64::from(o.ts_now),
        u64::from(o.opts.wscale.is_some()),
        u64::from(o.opts.wscale.unwrap_or(0)),
        u64::from(o.opts.sack),
        u64::from(o.opts.ecn),
        u64::from(o.tsecr & 0x3f),
    ];
    let mut s = String::new();
    for ((_, w), v) in FIELDS.iter().zip(vals) {
        write!(s, "{:0width$x}", v, width = w / 4).unwrap();
    }
    s
}

/// What the Verilog printed for one operation.
#[derive(Debug)]
struct Out {
    cycle: u64,
    tag: u64,
    isn: u32,
    mss: u16,
    ok: bool,
    tsval: u32,
    wscale: u8,
    sack: bool,
    ecn: bool,
}

/// Runs the ops through the Verilog, one a clock but at least
/// [`INTERVAL`] clocks after a valid one (idle clocks are inserted);
/// returns one [`Out`] per valid op, in order, with `tag` the op's index
/// in `ops` and `cycle` counted from the op's own clock (so a fixed
/// latency shows as the same `cycle` for all). `define`: a Verilog macro
/// to define (`FERRONIC_ECP5`).
fn run_icarus(ops: &[Op], key: &Secrets, define: Option<&str>) -> Vec<Out> {
    let dir = tempfile::tempdir().unwrap();
    // clock of each op; the tag driven is the clock number
    let mut clocks = Vec::with_capacity(ops.len());
    let mut hex = String::new();
    let mut at = 0usize;
    for o in ops {
        clocks.push(at);
        hex.push_str(&(line(o) + "\n"));
        at += 1;
        if o.valid {
            for _ in 1..INTERVAL {
                hex.push_str(&(line(&Op::default()) + "\n"));
                at += 1;
            }
        }
    }
    let lines = at;
    std::fs::write(dir.path().join("ops.hex"), hex).unwrap();
    let mut uut = SynCookie::<24>::default();
    uut.connect_all();
    let v = generate_verilog(&uut);
    let total: usize = FIELDS.iter().map(|f| f.1).sum();
    let mut drive = String::new();
    let mut hi = total;
    for (name, w) in FIELDS {
        let lo = hi - w;
        let real = match name {
            "in_valid" | "op_check" | "wscale_ok" | "sack" | "ecn" => 1,
            "ts_opts" => 6,
            _ => w,
        };
        writeln!(drive, "      {name} = vecs[i][{}:{}];", lo + real - 1, lo).unwrap();
        hi = lo;
    }
    let k = |s: usize| format!("128'h{:016x}{:016x}", key.0[s][1], key.0[s][0]);
    let decl: String = FIELDS
        .iter()
        .map(|(n, w)| {
            let real = match *n {
                "wscale" => 4,
                "ts_opts" => 6,
                _ if *w == 4 => 1,
                _ => *w,
            };
            format!("reg [{}:0] {n} = 0;\n", real - 1)
        })
        .collect();
    let ports: String = FIELDS.iter().map(|(n, _)| format!(".{n}({n}), ")).collect();
    let tb = format!(
        "module tb;\ninteger fo; initial fo = $fopen(\"out.txt\");\nreg clock = 0; reg rst = 1; reg [23:0] tag_in = 0;\n{decl}\
         wire out_valid, out_check, ok, ts_sack, ts_ecn; wire [31:0] isn, tsval; wire [15:0] mss_out; wire [3:0] ts_wscale; wire [23:0] tag_out;\n\
         reg [{top}:0] vecs [0:{last}];\ninteger i; integer cycle = 0;\n\
         top dut(.clock(clock), .rst(rst), .key0({k0}), .key1({k1}), {ports}.tag_in(tag_in), .out_valid(out_valid), .out_check(out_check), .isn(isn), .mss_out(mss_out), .ok(ok), .tsval(tsval), .ts_wscale(ts_wscale), .ts_sack(ts_sack), .ts_ecn(ts_ecn), .tag_out(tag_out));\n\
         always #1 clock = ~clock;\n\
         always @(posedge clock) begin cycle <= cycle + 1; if (out_valid) $fdisplay(fo, \"%0d %0d %h %0d %0d %h %0d %0d %0d\", cycle, tag_out, isn, mss_out, ok, tsval, ts_wscale, ts_sack, ts_ecn); end\n\
         initial begin\n  $readmemh(\"{dir}/ops.hex\", vecs);\n  @(negedge clock); rst = 0;\n\
         \x20 for (i = 0; i < {n}; i = i + 1) begin\n{drive}      tag_in = i;\n      @(negedge clock);\n  end\n\
         \x20 in_valid = 0;\n  repeat ({lat}) @(negedge clock);\n  $fclose(fo);\n  $finish;\nend\nendmodule\n",
        top = total - 1,
        last = lines - 1,
        k0 = k(0),
        k1 = k(1),
        dir = dir.path().display(),
        n = lines,
        lat = LATENCY + 2,
    );
    let src = dir.path().join("cookie.v");
    std::fs::write(&src, format!("{v}\n{tb}")).unwrap();
    // bounded in wall-clock time: a run stuck in one time step fails
    icarus_run::icarus(
        dir.path(),
        "tb",
        &define
            .map(|d| format!("-D{d}"))
            .into_iter()
            .collect::<Vec<_>>(),
        &["cookie.v"],
        std::time::Duration::from_secs(900),
    );
    std::fs::read_to_string(dir.path().join("out.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let clock: usize = f[1].parse().unwrap();
            let op = clocks.binary_search(&clock).expect("tag is an op's clock");
            let cycle: u64 = f[0].parse().unwrap();
            Out {
                cycle: cycle - clock as u64,
                tag: op as u64,
                isn: u32::from_str_radix(f[2], 16).unwrap(),
                mss: f[3].parse().unwrap(),
                ok: f[4] == "1",
                tsval: u32::from_str_radix(f[5], 16).unwrap(),
                wscale: f[6].parse().unwrap(),
                sack: f[7] == "1",
                ecn: f[8] == "1",
            }
        })
        .collect()
}

fn random_tuple(r: &mut impl Rng) -> Tuple {
    Tuple {
        saddr: r.gen(),
        daddr: r.gen(),
        sport: r.gen(),
        dport: r.gen(),
    }
}

#[test]
fn cookies_and_checks_bit_identical_to_linux_model() {
    let mut r = rand::rngs::StdRng::seed_from_u64(0xc00c1e);
    let key = Secrets([[r.gen(), r.gen()], [r.gen(), r.gen()]]);
    let mut ops = Vec::new();
    for i in 0..3000 {
        let t = random_tuple(&mut r);
        let count: u32 = if i % 7 == 0 { 0 } else { r.gen() };
        let seq: u32 = r.gen();
        let mss = [
            0,
            535,
            536,
            1299,
            1300,
            1439,
            1440,
            1459,
            1460,
            9000,
            r.gen(),
        ][i % 11];
        let opts = TsOptions {
            wscale: r.gen_bool(0.8).then(|| r.gen_range(0..16)),
            sack: r.gen(),
            ecn: r.gen(),
        };
        let ts_now = if i % 5 == 0 {
            r.gen_range(0..64)
        } else {
            r.gen()
        };
        ops.push(Op {
            valid: true,
            check: false,
            t: Some(t),
            seq,
            count,
            mss,
            ts_now,
            opts,
            ..Op::default()
        });
        // the ACK for it: on time, one period late, two late, or forged
        let (isn, _) = syncookie::init_sequence(&key, &t, seq, mss, count);
        let late = r.gen_range(0..4u32);
        let ack = if late == 3 {
            r.gen()
        } else {
            isn.wrapping_add(1)
        };
        let tsecr = r.gen();
        ops.push(Op {
            valid: true,
            check: true,
            t: Some(t),
            seq: seq.wrapping_add(1),
            ack,
            count: count.wrapping_add(late.min(2)),
            tsecr,
            ..Op::default()
        });
        if r.gen_bool(0.3) {
            ops.push(Op {
                valid: false,
                t: Some(random_tuple(&mut r)),
                ..Op::default()
            });
        }
    }
    // as every other tool reads the text, and with the adds as an ECP5
    // build has them (`FERRONIC_ECP5`: one carry chain each)
    for define in [None, Some("FERRONIC_ECP5")] {
        let out = run_icarus(&ops, &key, define);
        let valid: Vec<usize> = (0..ops.len()).filter(|&i| ops[i].valid).collect();
        assert_eq!(out.len(), valid.len());
        let (mut accepted, mut refused) = (0, 0);
        for (o, &i) in out.iter().zip(&valid) {
            let op = &ops[i];
            let t = op.t.unwrap();
            assert_eq!(o.tag as usize, i);
            assert_eq!(o.cycle as usize, 1 + LATENCY, "fixed latency, op {i}");
            if !op.check {
                let (isn, mss) = syncookie::init_sequence(&key, &t, op.seq, op.mss, op.count);
                let ts = syncookie::init_timestamp(op.ts_now, &op.opts);
                assert_eq!((o.isn, o.mss, o.tsval), (isn, mss, ts), "make {i}: {op:?}");
            } else {
                let want = syncookie::check(&key, &t, op.seq, op.ack, op.count);
                assert_eq!(
                    (o.ok, o.mss),
                    (want.is_some(), want.unwrap_or(0)),
                    "check {i}: {op:?}"
                );
                let d = syncookie::decode_timestamp(op.tsecr);
                assert_eq!(o.wscale, d.wscale.unwrap_or(0xf));
                assert_eq!((o.sack, o.ecn), (d.sack, d.ecn));
                if want.is_some() {
                    accepted += 1
                } else {
                    refused += 1
                }
            }
        }
        // about half are on time or one period late, the rest stale or forged
        assert!(accepted > 1200 && refused > 1200, "{accepted} {refused}");
    }
}

#[test]
fn hundred_thousand_forged_acks_refused() {
    let mut r = rand::rngs::StdRng::seed_from_u64(0xf0f0);
    let key = Secrets([[r.gen(), r.gen()], [r.gen(), r.gen()]]);
    let count = 1000;
    let ops: Vec<Op> = (0..100_000)
        .map(|_| Op {
            valid: true,
            check: true,
            t: Some(random_tuple(&mut r)),
            seq: r.gen(),
            ack: r.gen(),
            count,
            ..Op::default()
        })
        .collect();
    let out = run_icarus(&ops, &key, None);
    assert_eq!(out.len(), ops.len());
    // each passes with probability 2 * 4 / 2^32 (counter and MSS index
    // both right by chance): none expected in 100,000
    assert_eq!(out.iter().filter(|o| o.ok).count(), 0);
}
