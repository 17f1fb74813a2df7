//! The whole emitted `nic_core.v` under Icarus Verilog, an event-driven
//! simulator like those of Corundum and verilog-ethernet users (cocotb +
//! Icarus, xsim), against the golden models: random frames of every tag
//! format and mode with random `tvalid` gaps and `tready` stalls, registers
//! set through `s_axil`, host frames on the transmit side at the same time,
//! and the handshake engine under TCP traffic. A wall-clock bound turns a
//! simulation stuck in one time step (issue 11: a combinational signal
//! assigned twice per evaluation) into a failure instead of a stalled CI.

mod icarus;

use ferronic_hdl::rx::tag::{tuser, TagFormat, TagMode};
use ferronic_sim::harness::handshake::handshake_writes;
use ferronic_sim::harness::{ctrl_value, rss_writes, Applied};
use ferronic_sim::model::counters::expected;
use ferronic_sim::model::frame::{append_fcs, process, tx_frame};
use ferronic_sim::model::hs_core::{config, expect, jobs_of};
use ferronic_sim::model::hs_traffic::traffic;
use ferronic_sim::model::rss::{steer, RssConfig, MS_KEY};
use icarus::{random_frame, Outputs, Script};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::{Duration, Instant};

/// Wall-clock bound of one simulation: generous for a loaded 2-core CI
/// machine (the runs take 1-2 minutes), far below CI's limit.
const LIMIT: Duration = Duration::from_secs(900);

fn verilog() -> String {
    ferronic_hdl::verilog::emit(&ferronic_hdl::verilog::regmap(0, 0)).unwrap()
}

fn seed() -> u64 {
    std::env::var("FERRONIC_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::thread_rng().gen())
}

fn run(s: Script, seed: u64, what: &str, limit: Duration) -> Outputs {
    let dir = tempfile::tempdir().unwrap();
    let t0 = Instant::now();
    let out = s.run(dir.path(), &verilog(), seed as u32, limit);
    let secs = t0.elapsed().as_secs_f64();
    eprintln!(
        "{what}: Icarus ran {} cycles in {secs:.1} s ({:.0} cycles/s): {} frames out, {} on the transmit side",
        out.cycles,
        out.cycles as f64 / secs,
        out.rx.len(),
        out.tx.len()
    );
    assert!(out.problems.is_empty(), "seed {seed}: {:#?}", out.problems);
    out
}

/// The frame from issue 11: 60 bytes 00..3b with FCS ee7fecb1 (one bit
/// off `ee7fecb0`), reset-default CTRL. It leaves unchanged but for the
/// FCS, `1180134f` (the recomputed CRC, complemented), with tuser
/// BAD|FCS_ERR; the same frame with its good FCS follows and passes.
#[test]
fn multi_beat_bad_fcs_frame_leaves_flagged_with_a_complemented_fcs() {
    let body: Vec<u8> = (0..60).collect();
    let good = append_fcs(&body);
    assert_eq!(good[60..], [0xee, 0x7f, 0xec, 0xb0]);
    let mut bad = good.clone();
    bad[63] = 0xb1;
    let mut s = Script::new();
    s.rx(&bad, || 0);
    s.rx(&good, || 0);
    s.quiet(100);
    let out = run(s, 1, "issue-11 frame", Duration::from_secs(60));
    assert_eq!(out.rx.len(), 2);
    assert_eq!(out.rx[0].data[..60], body[..]);
    assert_eq!(out.rx[0].data[60..], [0x11, 0x80, 0x13, 0x4f]);
    assert_eq!(out.rx[0].tuser, tuser::BAD | tuser::FCS_ERR);
    assert_eq!(out.rx[1].data, good);
    assert_eq!(out.rx[1].tuser, 0);
}

/// Idle cycles before a beat: mostly none.
fn gap(rng: &mut StdRng, p: f64) -> u8 {
    if rng.gen_bool(p) {
        rng.gen_range(1..=3)
    } else {
        0
    }
}

/// Every tag format x mode, 60 random frames each (1,800), RSS over 4
/// queues configured through the registers, random gaps and stalls, 300
/// host frames on the transmit side meanwhile; every frame, tuser, tag,
/// queue and hash equals the models, and so do the global counters and
/// the byte counters read back through `s_axil`, some preloaded just short
/// of a 16-, 32-, 48- or 64-bit boundary.
#[test]
fn random_frames_every_format_and_mode_equal_the_model() {
    let seed = seed();
    eprintln!("random_frames_every_format_and_mode_equal_the_model: FERRONIC_SEED={seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let rss = RssConfig::spread(4, MS_KEY);
    let mut s = Script::new();
    for (reg, v) in rss_writes(&rss) {
        s.write(&reg, v);
    }
    s.write("counters.CLEAR", 1);
    // counters a few thousand short of a 16-, 32-, 48- and 64-bit
    // boundary, so the frames carry them across (the bank adds 16 bits a
    // clock and the register file the owed carries: issue 12)
    let preload: Vec<(String, u64)> = [
        ("FRAMES_IN".to_string(), 1 << 48),
        ("FRAMES_OUT".to_string(), 0),
        // most random frames are not IP: the default queue gets them
        ("RXQ0_BYTES".to_string(), 1 << 32),
    ]
    .into_iter()
    .chain((0..8).map(|q| {
        (
            format!("TXQ{q}_BYTES"),
            [1 << 16, 1 << 32, 1 << 48, 0][q % 4],
        )
    }))
    .map(|(n, b): (String, u64)| {
        let below = if n.ends_with("BYTES") && !n.starts_with("TXQ") {
            20_000
        } else {
            1_000
        };
        (n, b.wrapping_sub(below))
    })
    .collect();
    for (n, v) in &preload {
        s.preload_counter(n, *v);
    }
    let mut rx_jobs = vec![];
    let mut tx_jobs = vec![];
    for f in TagFormat::ALL {
        for m in TagMode::ALL {
            s.join();
            s.write("datapath.CTRL", ctrl_value(f, m));
            s.stall(rng.gen_range(0..40), rng.gen_range(0..40));
            let p = rng.gen_range(0.0..0.3);
            for k in 0..60 {
                let fr = random_frame(&mut rng);
                s.rx(&fr, || gap(&mut rng, p));
                rx_jobs.push((fr, f, m));
                if k % 6 == 0 {
                    let len = rng.gen_range(1..=600);
                    let body: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
                    let (q, bad) = (rng.gen_range(0..8), rng.gen_bool(0.1));
                    s.tx(&body, q, bad, || gap(&mut rng, p));
                    tx_jobs.push((body, bad, q));
                }
            }
        }
    }
    s.join();
    s.quiet(200);
    let mut names: Vec<String> = ferronic_regmap::GLOBAL.map(|(n, _)| n.to_string()).to_vec();
    names.extend(preload.iter().skip(2).map(|(n, _)| n.clone()));
    for n in &names {
        s.read_counter(n);
    }
    // CLEAR, then the preloaded ones again (counters 0 to 70: leaves of
    // both halves of the bank's reset tree) read back as 0
    s.write("counters.CLEAR", 1);
    for (n, _) in &preload {
        s.read_counter(n);
    }
    let out = run(s, seed, "datapath", LIMIT);

    assert_eq!(out.rx.len(), rx_jobs.len(), "seed {seed}: frames out");
    for (i, ((fr, f, m), o)) in rx_jobs.iter().zip(&out.rx).enumerate() {
        let want = process(fr, *f, *m);
        let st = steer(&want.frame, &rss);
        assert!(
            o.data == want.frame
                && o.tuser == want.tuser
                && o.tag == want.tag
                && (o.tdest, o.hash) == (st.queue, st.hash),
            "seed {seed}: frame {i} ({} bytes, {f} {m}) differs\n got  {:02x?} tuser {:#x} tag {:#x} queue {} hash {:#x}\n want {:02x?} tuser {:#x} tag {:#x} queue {} hash {:#x}",
            fr.len(), o.data, o.tuser, o.tag, o.tdest, o.hash,
            want.frame, want.tuser, want.tag, st.queue, st.hash
        );
    }
    assert_eq!(
        out.tx.len(),
        tx_jobs.len(),
        "seed {seed}: transmitted frames"
    );
    for (i, ((body, bad, _), (got, user))) in tx_jobs.iter().zip(&out.tx).enumerate() {
        assert_eq!(
            *got,
            tx_frame(body, *bad),
            "seed {seed}: transmitted frame {i}"
        );
        assert_eq!(user, bad, "seed {seed}: transmitted frame {i} tuser");
    }
    let applied: Vec<(&[u8], Applied)> = rx_jobs
        .iter()
        .map(|(fr, f, m)| (fr.as_slice(), Applied::from_ctrl(ctrl_value(*f, *m))))
        .collect();
    let mut want = expected(&applied, &rss);
    for (body, _, q) in &tx_jobs {
        *want.entry(format!("TXQ{q}_BYTES")).or_default() += body.len() as u64 + 4;
    }
    for (n, v) in &preload {
        let w = want.entry(n.clone()).or_default();
        let (sum, wrapped) = v.overflowing_add(*w);
        let boundary = |x: u64| x.checked_next_multiple_of(1 << 16);
        assert!(
            wrapped || boundary(*v).is_some_and(|b| b <= sum),
            "seed {seed}: {n} did not cross its boundary"
        );
        *w = sum;
    }
    for (k, n) in names.iter().enumerate() {
        let (lo, hi) = (out.reads[2 * k].0, out.reads[2 * k + 1].0);
        let got = u64::from(hi) << 32 | u64::from(lo);
        assert_eq!(
            got,
            want.get(n).copied().unwrap_or(0),
            "seed {seed}: counter {n}"
        );
    }
    let cleared = &out.reads[2 * names.len()..];
    assert_eq!(cleared.len(), 2 * preload.len());
    assert!(
        cleared.iter().all(|r| r.0 == 0),
        "seed {seed}: counters after CLEAR: {cleared:?}"
    );
}

/// The handshake engine inside the core, configured through `s_axil`:
/// 800 frames of random TCP traffic (SYNs, the ACKs that complete them,
/// forged ACKs, closed ports, noise) with `tvalid` gaps and `m_axis`
/// stalls. Host frames,
/// SYN-ACKs and RSTs, handoff records read through the registers and the
/// handshake counters equal the models.
#[test]
fn handshake_engine_equals_the_model() {
    let seed = seed();
    eprintln!("handshake_engine_equals_the_model: FERRONIC_SEED={seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let c = config();
    let jobs = jobs_of(traffic(&c, &mut rng, 800));
    let want = expect(&c, &jobs);
    let mut s = Script::new();
    for (reg, v) in handshake_writes(&c) {
        s.write(&reg, v);
    }
    s.write("counters.CLEAR", 1);
    // m_axis stalls; the MAC side takes every beat, as a MAC does (a
    // stalled MAC would fill the engine's 8-frame SYN-ACK queue, which the
    // model does not model; the datapath test stalls m_axis_tx)
    s.stall(20, 0);
    for j in &jobs {
        s.rx(&j.frame, || gap(&mut rng, 0.1));
    }
    s.join();
    s.quiet(200);
    let depth = ferronic_hdl::handshake::engine::HANDOFF_DEPTH;
    let kept = want.records.len().min(depth);
    for _ in 0..kept {
        for w in 0..ferronic_regmap::RECORD_WORDS {
            s.read(&format!("handshake.HANDOFF_{w}"));
        }
        s.write("handshake.HANDOFF_POP", 1);
    }
    for (name, _) in ferronic_regmap::HANDSHAKE {
        s.read_counter(name);
    }
    let out = run(s, seed, "handshake", LIMIT);

    let got: Vec<&Vec<u8>> = out.rx.iter().map(|o| &o.data).collect();
    assert_eq!(
        got.len(),
        want.host.len(),
        "seed {seed}: frames to the host"
    );
    for (i, (g, w)) in got.iter().zip(&want.host).enumerate() {
        assert_eq!(*g, w, "seed {seed}: host frame {i}");
    }
    let tx: Vec<&Vec<u8>> = out.tx.iter().map(|(f, _)| f).collect();
    assert_eq!(tx.len(), want.tx.len(), "seed {seed}: SYN-ACKs and RSTs");
    for (i, (g, w)) in tx.iter().zip(&want.tx).enumerate() {
        assert_eq!(*g, w, "seed {seed}: generated frame {i}");
    }
    let words = ferronic_regmap::RECORD_WORDS;
    for (k, rec) in want.records[..kept].iter().enumerate() {
        let got: Vec<u32> = out.reads[k * words..(k + 1) * words]
            .iter()
            .map(|r| r.0)
            .collect();
        assert_eq!(got, rec, "seed {seed}: handoff record {k}");
    }
    let mut counters = want.counters;
    counters[5] = kept as u64;
    counters[6] = (want.records.len() - kept) as u64;
    let base = kept * words;
    for (k, (name, _)) in ferronic_regmap::HANDSHAKE.iter().enumerate() {
        let (lo, hi) = (out.reads[base + 2 * k].0, out.reads[base + 2 * k + 1].0);
        assert_eq!(
            u64::from(hi) << 32 | u64::from(lo),
            counters[k],
            "seed {seed}: {name}"
        );
    }
}
