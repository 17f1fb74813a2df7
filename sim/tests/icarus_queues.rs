//! A 64-queue `nic_core` (issue 15's large build) under Icarus: `nicgen
//! --set rx_queues=64 --set tx_queues=64 --set listen=16` builds itself
//! for those widths (as `hdl/tests/queue_counts.rs` does; the two share
//! `target/nicgen-params/`), and its core steers by RSS over all 64 queues
//! (`tdest` 6 bits), sends host frames from queues up to 63, and counts
//! each queue's frames, bytes and errors in the counters the 64-queue map
//! names. Random frames, random `tvalid` gaps and `tready` stalls; the
//! frames, queues and hashes equal the golden models (`process`,
//! `steer_among` over 64 queues, `tx_frame`), the counters equal counts
//! made here from the frames sent. The default build's CI cannot simulate
//! the 64-queue core in Verilator (its models are compiled for 8 queues);
//! this run catches what only a simulation sees (the transmit counters
//! were once fixed at bit 41, the first transmit counter of 8 queues).

// (the harness is shared with icarus_core.rs: this test uses part of it)
#[allow(dead_code)]
mod icarus;

use etherparse::PacketBuilder;
use ferronic_hdl::params::CoreParams;
use ferronic_hdl::rx::tag::{TagFormat, TagMode};
use ferronic_sim::harness::{ctrl_value, rss_writes};
use ferronic_sim::model::frame::{append_fcs, process, tx_frame};
use ferronic_sim::model::rss::{steer_among, RssConfig, MS_KEY};
use icarus::Script;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const QUEUES: usize = 64;

/// `nic_core.v` of the 64-queue, 16-entry build: `nicgen --set ...` as a
/// user runs it, which builds itself for those widths (into
/// `target/nicgen-params/`, shared with `queue_counts`).
fn verilog_64(out: &Path) -> String {
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
        .args([
            "--set",
            "rx_queues=64",
            "--set",
            "tx_queues=64",
            "--set",
            "listen=16",
        ])
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
    let seed: u64 = std::env::var("FERRONIC_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::thread_rng().gen());
    eprintln!("sixty_four_queues_steer_send_and_count_per_queue: FERRONIC_SEED={seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().unwrap();
    let verilog = verilog_64(&dir.path().join("gen"));
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
    let run_dir = dir.path().join("run");
    std::fs::create_dir(&run_dir).unwrap();
    let t0 = Instant::now();
    let out = s.run(&run_dir, &verilog, seed as u32, Duration::from_secs(600));
    eprintln!(
        "64 queues: Icarus ran {} cycles in {:.1} s, {} frames out, {} sent",
        out.cycles,
        t0.elapsed().as_secs_f64(),
        out.rx.len(),
        out.tx.len()
    );
    assert!(out.problems.is_empty(), "seed {seed}: {:#?}", out.problems);
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
    assert_eq!(out.tx.len(), tx_jobs.len(), "seed {seed}: frames sent");
    for (i, ((body, _, bad), (got, tuser))) in tx_jobs.iter().zip(&out.tx).enumerate() {
        assert_eq!(*got, tx_frame(body, *bad), "seed {seed}: host frame {i}");
        assert_eq!(tuser, bad, "seed {seed}: host frame {i}: tuser");
    }
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
