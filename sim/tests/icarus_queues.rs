//! Issue 15's large and small builds under Icarus.
//!
//! A 64-queue `nic_core`: `nicgen
//! --set rx_queues=64 --set tx_queues=64 --set listen=16` builds itself
//! for those widths (as `hdl/tests/queue_counts.rs` does; the two share
//! `target/nicgen-params/rx64-tx64-listen16/`), and its core steers by RSS over all 64 queues
//! (`tdest` 6 bits), sends host frames from queues up to 63, and counts
//! each queue's frames, bytes and errors in the counters the 64-queue map
//! names. Random frames, random `tvalid` gaps and `tready` stalls; the
//! frames, queues and hashes equal the golden models (`process`,
//! `steer_among` over 64 queues, `tx_frame`), the counters equal counts
//! made here from the frames sent. The default build's CI cannot simulate
//! the 64-queue core in Verilator (its models are compiled for 8 queues);
//! this run catches what only a simulation sees (the transmit counters
//! were once fixed at bit 41, the first transmit counter of 8 queues).
//!
//! A one-queue minimal `nic_core` (no RSS, no handshake engine): the
//! conversion datapath, every frame on queue 0 whatever the registers
//! and `s_axis_tx_tdest` say, its counters and identity.

// (the harness is shared with icarus_core.rs: this test uses part of it)
#[allow(dead_code)]
mod icarus;

use etherparse::PacketBuilder;
use ferronic_hdl::params::CoreParams;
use ferronic_hdl::rx::tag::{tuser, TagFormat, TagMode};
use ferronic_sim::harness::{ctrl_value, rss_writes};
use ferronic_sim::model::frame::{append_fcs, process, tx_frame};
use ferronic_sim::model::rss::{steer_among, RssConfig, MS_KEY};
use icarus::{Outputs, Script};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const QUEUES: usize = 64;

/// `nic_core.v` of the build `sets` asks for (`nicgen --set ...` as a
/// user runs it, which builds itself for those widths into
/// `target/nicgen-params/<values>/`, the 64-queue one shared with
/// `queue_counts`).
fn generated(out: &Path, sets: &[&str]) -> String {
    let ws = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let o = Command::new(cargo)
        .current_dir(&ws)
        .args([
            "run",
            "--release",
            "--quiet",
            "-p",
            "ferronic-hdl",
            "--bin",
            "nicgen",
            "--",
        ])
        .args(sets.iter().flat_map(|s| ["--set", s]))
        .arg("--out")
        .arg(out)
        .env("SOURCE_DATE_EPOCH", "0")
        .output()
        .expect("cargo runs");
    assert!(
        o.status.success(),
        "nicgen: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::read_to_string(out.join("nic_core.v")).unwrap()
}

/// The test's seed: `FERRONIC_SEED` or a random one, printed.
fn seed(test: &str) -> u64 {
    let seed = std::env::var("FERRONIC_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::thread_rng().gen());
    eprintln!("{test}: FERRONIC_SEED={seed}");
    seed
}

/// Runs `s` on `verilog` in a directory of `dir` (at most 10 minutes of
/// wall clock), prints what it took, asserts it saw no problem.
fn run(s: Script, dir: &Path, verilog: &str, seed: u64, what: &str) -> Outputs {
    let run_dir = dir.join("run");
    std::fs::create_dir(&run_dir).unwrap();
    let t0 = Instant::now();
    let out = s.run(&run_dir, verilog, seed as u32, Duration::from_secs(600));
    eprintln!(
        "{what}: Icarus ran {} cycles in {:.1} s, {} frames out, {} sent",
        out.cycles,
        t0.elapsed().as_secs_f64(),
        out.rx.len(),
        out.tx.len()
    );
    assert!(out.problems.is_empty(), "seed {seed}: {:#?}", out.problems);
    out
}

/// The host frames (body, queue, bad) left in order, each with its FCS
/// (complemented when bad) and `tuser`.
fn check_sent(tx_jobs: &[(Vec<u8>, u8, bool)], out: &Outputs, seed: u64) {
    assert_eq!(out.tx.len(), tx_jobs.len(), "seed {seed}: frames sent");
    for (i, ((body, _, bad), (got, tuser))) in tx_jobs.iter().zip(&out.tx).enumerate() {
        assert_eq!(*got, tx_frame(body, *bad), "seed {seed}: host frame {i}");
        assert_eq!(tuser, bad, "seed {seed}: host frame {i}: tuser");
    }
}

/// An IPv4 TCP or UDP frame with random addresses and ports (so the
/// Toeplitz hash spreads it over the table), FCS appended.
fn ip_frame(rng: &mut StdRng) -> Vec<u8> {
    let b = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 2], [2, 0, 0, 0, 0, 1]).ipv4(
        [198, 18, rng.gen(), rng.gen()],
        [198, 19, rng.gen(), rng.gen()],
        64,
    );
    let payload: Vec<u8> = (0..rng.gen_range(6..=120)).map(|_| rng.gen()).collect();
    let mut f = Vec::new();
    if rng.gen_bool(0.5) {
        b.tcp(rng.gen(), rng.gen(), rng.gen(), 1024)
            .write(&mut f, &payload)
            .unwrap();
    } else {
        b.udp(rng.gen(), rng.gen()).write(&mut f, &payload).unwrap();
    }
    append_fcs(&f)
}

fn gap(rng: &mut StdRng) -> u8 {
    if rng.gen_bool(0.2) {
        rng.gen_range(1..=3)
    } else {
        0
    }
}

#[test]
fn sixty_four_queues_steer_send_and_count_per_queue() {
    let seed = seed("sixty_four_queues_steer_send_and_count_per_queue");
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().unwrap();
    let sets = ["rx_queues=64", "tx_queues=64", "listen=16"];
    let verilog = generated(&dir.path().join("gen"), &sets);
    let params = CoreParams {
        rx_queues: QUEUES,
        tx_queues: QUEUES,
        listen: 16,
        ..CoreParams::default()
    };
    let map = ferronic_hdl::verilog::core_map(&params, false, 0, 0);
    let mut s = Script::for_map(map);
    // the table spreads over all 64 queues; frames without an IP tuple
    // go to queue 45
    let mut rss = RssConfig::spread(QUEUES as u8, MS_KEY);
    rss.default_queue = 45;
    for (reg, v) in rss_writes(&rss) {
        s.write(&reg, v);
    }
    let (f, m) = (TagFormat::None, TagMode::Pass);
    s.write("datapath.CTRL", ctrl_value(f, m));
    s.write("counters.CLEAR", 1);
    s.stall(rng.gen_range(10..30), rng.gen_range(10..30));
    let mut rx_jobs = vec![];
    let mut tx_jobs = vec![];
    for k in 0..48 {
        let fr = if k % 6 == 5 {
            // not IP: the default queue
            append_fcs(&(0..60).map(|_| rng.gen()).collect::<Vec<u8>>())
        } else {
            ip_frame(&mut rng)
        };
        s.rx(&fr, || gap(&mut rng));
        rx_jobs.push(fr);
        if k % 2 == 0 {
            let body: Vec<u8> = (0..rng.gen_range(60..=200)).map(|_| rng.gen()).collect();
            let q = [0u8, 7, 8, 31, 32, 37, 62, 63][rng.gen_range(0..8)];
            let bad = rng.gen_bool(0.15);
            s.tx(&body, q, bad, || gap(&mut rng));
            tx_jobs.push((body, q, bad));
        }
    }
    s.join();
    s.quiet(200);
    // what the frames should have counted, per queue
    let mut want: BTreeMap<String, u64> = BTreeMap::new();
    let mut steered = vec![];
    for fr in &rx_jobs {
        let out = process(fr, f, m);
        let st = steer_among(&out.frame, &rss, QUEUES);
        *want.entry(format!("RXQ{}_FRAMES", st.queue)).or_default() += 1;
        *want.entry(format!("RXQ{}_BYTES", st.queue)).or_default() += out.frame.len() as u64;
        steered.push((out, st));
    }
    for (body, q, bad) in &tx_jobs {
        *want.entry(format!("TXQ{q}_FRAMES")).or_default() += 1;
        *want.entry(format!("TXQ{q}_BYTES")).or_default() += body.len() as u64 + 4;
        *want.entry(format!("TXQ{q}_ERRORS")).or_default() += u64::from(*bad);
    }
    // every queue that got something, and the neighbours of the widest
    // (a counter landing one queue off would show there)
    let mut names: BTreeSet<String> = want.keys().cloned().collect();
    for q in [1, 9, 33, 44, 46, 61] {
        for c in ["FRAMES", "BYTES"] {
            names.insert(format!("RXQ{q}_{c}"));
            names.insert(format!("TXQ{q}_{c}"));
        }
    }
    let names: Vec<String> = names.into_iter().collect();
    for n in &names {
        s.read_counter(n);
    }
    let out = run(s, dir.path(), &verilog, seed, "64 queues");
    assert_eq!(out.rx.len(), rx_jobs.len(), "seed {seed}: frames out");
    for (i, ((want, st), o)) in steered.iter().zip(&out.rx).enumerate() {
        assert!(
            o.data == want.frame && o.tuser == want.tuser,
            "seed {seed}: frame {i}: {o:?}"
        );
        assert_eq!(
            (o.tdest, o.hash),
            (st.queue, st.hash),
            "seed {seed}: frame {i}: queue and hash"
        );
    }
    let queues: BTreeSet<u8> = out.rx.iter().map(|o| o.tdest).collect();
    assert!(
        queues.iter().any(|&q| q >= 32) && queues.len() > 8,
        "seed {seed}: RSS used queues {queues:?}"
    );
    check_sent(&tx_jobs, &out, seed);
    for (k, n) in names.iter().enumerate() {
        let (lo, hi) = (out.reads[2 * k], out.reads[2 * k + 1]);
        assert_eq!((lo.1, hi.1), (0, 0), "seed {seed}: {n} read refused");
        let got = u64::from(hi.0) << 32 | u64::from(lo.0);
        assert_eq!(
            got,
            want.get(n).copied().unwrap_or(0),
            "seed {seed}: counter {n}"
        );
    }
}

/// The minimal one-queue build (issue 15's small one): `nicgen --set
/// rss=false --set handshake=false --set rx_queues=1 --set tx_queues=1`,
/// the conversion datapath alone. Random frames (runts, giants' lengths,
/// flipped bits) through 4 tag formats and modes, host frames on
/// `tdest` 0 and 1, random gaps and stalls: every frame equals the model
/// on queue 0 with hash 0, though `datapath.DEFAULT_QUEUE` holds 1 and
/// half the host frames name queue 1 (a one-queue build's 1-bit `tdest`
/// is ANDed with 0); the counters equal counts made from the frames, the
/// identity block says what the bitstream has.
#[test]
fn one_queue_minimal_core_converts_and_counts_on_queue_0() {
    let seed = seed("one_queue_minimal_core_converts_and_counts_on_queue_0");
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().unwrap();
    let sets = ["rss=false", "handshake=false", "rx_queues=1", "tx_queues=1"];
    let verilog = generated(&dir.path().join("gen"), &sets);
    let params = CoreParams {
        rx_queues: 1,
        tx_queues: 1,
        ..CoreParams::minimal()
    };
    let map = ferronic_hdl::verilog::core_map(&params, false, 0, 0);
    // one queue's 4 + 4 counters, no RSS or handshake registers
    assert!(map.reg("counters.RXQ0_FRAMES_LO").is_some());
    assert!(map.reg("counters.RXQ1_FRAMES_LO").is_none());
    assert!(map.reg("counters.TXQ1_FRAMES_LO").is_none());
    assert!(map.reg("rss.CTRL").is_none() && map.reg("handshake.CTRL").is_none());
    let mut s = Script::for_map(map);
    s.read("identity.CAPABILITIES");
    s.read("identity.SIZES");
    s.write("datapath.DEFAULT_QUEUE", 1);
    s.write("counters.CLEAR", 1);
    let formats = [
        (TagFormat::None, TagMode::Pass),
        (TagFormat::Brcm, TagMode::Strip),
        (TagFormat::Edsa, TagMode::Pass),
        (TagFormat::Rtl8_4, TagMode::Tail),
    ];
    let mut rx_jobs = vec![];
    let mut tx_jobs = vec![];
    for (f, m) in formats {
        s.join();
        s.write("datapath.CTRL", ctrl_value(f, m));
        s.stall(rng.gen_range(0..40), rng.gen_range(0..40));
        for k in 0..15 {
            let fr = icarus::random_frame(&mut rng);
            s.rx(&fr, || gap(&mut rng));
            rx_jobs.push((fr, f, m));
            if k % 3 == 0 {
                let body: Vec<u8> = (0..rng.gen_range(1..=300)).map(|_| rng.gen()).collect();
                let (q, bad) = (rng.gen_range(0..2u8), rng.gen_bool(0.15));
                s.tx(&body, q, bad, || gap(&mut rng));
                tx_jobs.push((body, q, bad));
            }
        }
    }
    s.join();
    s.quiet(200);
    // the counters the frames should have moved, counted here
    let mut want: BTreeMap<&str, u64> = BTreeMap::new();
    for (fr, f, m) in &rx_jobs {
        let out = process(fr, *f, *m);
        for (name, n) in [
            ("FRAMES_IN", 1),
            ("FRAMES_OUT", 1),
            ("BAD_FCS", u64::from(out.tuser & tuser::FCS_ERR != 0)),
            ("RUNTS", u64::from(out.tuser & tuser::RUNT != 0)),
            ("GIANTS", u64::from(out.tuser & tuser::GIANT != 0)),
            ("TAG_SHORT", u64::from(out.tuser & tuser::TAG_SHORT != 0)),
            ("MIGRATED", u64::from(out.tuser & tuser::MIGRATED != 0)),
            ("RXQ0_FRAMES", 1),
            ("RXQ0_BYTES", out.frame.len() as u64),
            ("RXQ0_ERRORS", u64::from(out.tuser & tuser::BAD != 0)),
        ] {
            *want.entry(name).or_default() += n;
        }
    }
    for (body, _, bad) in &tx_jobs {
        *want.entry("TXQ0_FRAMES").or_default() += 1;
        *want.entry("TXQ0_BYTES").or_default() += body.len() as u64 + 4;
        *want.entry("TXQ0_ERRORS").or_default() += u64::from(*bad);
    }
    for n in want.keys() {
        s.read_counter(n);
    }
    let out = run(s, dir.path(), &verilog, seed, "1 queue, minimal");
    // tag, FCS and counters (bits 0-2), no RSS (3), no handshake (4), no
    // DMA (5); 1 - 1 receive and transmit queues in bits 15:8, 23:16; no
    // listen table, no DMA bus
    assert_eq!(out.reads[0], (0x0000_0007, 0), "seed {seed}: CAPABILITIES");
    assert_eq!(out.reads[1], (0, 0), "seed {seed}: SIZES");
    assert_eq!(out.rx.len(), rx_jobs.len(), "seed {seed}: frames out");
    for (i, ((fr, f, m), o)) in rx_jobs.iter().zip(&out.rx).enumerate() {
        let want = process(fr, *f, *m);
        assert!(
            o.data == want.frame && o.tuser == want.tuser && o.tag == want.tag,
            "seed {seed}: frame {i} ({f:?}, {m:?}): {o:?}"
        );
        assert_eq!(
            (o.tdest, o.hash),
            (0, 0),
            "seed {seed}: frame {i}: queue and hash"
        );
    }
    check_sent(&tx_jobs, &out, seed);
    for (k, (n, w)) in want.iter().enumerate() {
        let (lo, hi) = (out.reads[2 + 2 * k], out.reads[2 + 2 * k + 1]);
        assert_eq!((lo.1, hi.1), (0, 0), "seed {seed}: {n} read refused");
        assert_eq!(
            u64::from(hi.0) << 32 | u64::from(lo.0),
            *w,
            "seed {seed}: counter {n}"
        );
    }
}
