//! The transmit path: host frames (no FCS) to the MAC side with the FCS
//! appended, bad-marked frames with a deliberately wrong FCS, frames met by
//! TX_ENABLE = 0 dropped; every per-transmit-queue counter exact.

use ferronic_regmap::ctrl;
use ferronic_sim::harness::{Nic, RunOpts, TxJob};
use ferronic_sim::model::frame::{fcs_ok, tx_frame};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[test]
fn fcs_appended_bad_frames_corrupted_drops_and_counters() {
    let seed: u64 = std::env::var("FERRONIC_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::thread_rng().gen());
    eprintln!("fcs_appended_bad_frames_corrupted_drops_and_counters: FERRONIC_SEED={seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let mut nic = Nic::new(&RunOpts {
        gap: 0.3,
        stall: 0.3,
        seed,
        ..RunOpts::default()
    })
    .unwrap();
    let mut want = std::collections::BTreeMap::<String, u64>::new();
    let jobs_of = |rng: &mut StdRng, n: usize| -> Vec<TxJob> {
        (0..n)
            .map(|_| {
                let len = if rng.gen_bool(0.1) {
                    rng.gen_range(1..9600)
                } else {
                    rng.gen_range(60..1515)
                };
                TxJob {
                    frame: (0..len).map(|_| rng.gen()).collect(),
                    queue: rng.gen_range(0..8),
                    bad: rng.gen_bool(0.1),
                }
            })
            .collect()
    };
    // enabled: every frame leaves with its FCS
    let jobs = jobs_of(&mut rng, 3000);
    let out = nic
        .run_tx(&jobs, jobs.len())
        .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    assert_eq!(out.len(), jobs.len());
    for (i, (j, o)) in jobs.iter().zip(&out).enumerate() {
        let expect = tx_frame(&j.frame, j.bad);
        assert_eq!(
            o.data,
            expect,
            "seed {seed}: frame {i} ({} bytes)",
            j.frame.len()
        );
        assert_eq!(fcs_ok(&o.data), !j.bad);
        assert_eq!(o.tuser, u8::from(j.bad));
        let q = j.queue;
        *want.entry(format!("TXQ{q}_FRAMES")).or_default() += 1;
        *want.entry(format!("TXQ{q}_BYTES")).or_default() += j.frame.len() as u64 + 4;
        *want.entry(format!("TXQ{q}_ERRORS")).or_default() += u64::from(j.bad);
    }
    // disabled: frames are consumed, nothing leaves, drops counted per queue
    nic.write_reg("datapath.CTRL", ctrl::ENABLE).unwrap();
    let jobs = jobs_of(&mut rng, 200);
    assert!(nic.run_tx(&jobs, 0).unwrap().is_empty());
    for j in &jobs {
        *want.entry(format!("TXQ{}_DROPS", j.queue)).or_default() += 1;
    }
    for c in nic.map.counters.clone() {
        if c.name.starts_with("TXQ") {
            let got = nic.counter(&c.name).unwrap();
            assert_eq!(
                got,
                want.get(&c.name).copied().unwrap_or(0),
                "seed {seed}: {}",
                c.name
            );
        }
    }
    assert_eq!(
        nic.counter("FRAMES_IN").unwrap(),
        0,
        "transmit traffic counted on receive"
    );
}

/// Back to back with `m_axis_tx_tready` high: the transmit path takes one
/// beat per clock when every last beat has room for the FCS (60- and
/// 1514-byte frames: 8 and 190 beats in, 8 and 190 out), and sends one
/// beat per clock when the FCS needs an extra beat (61-byte frames: 8
/// beats in, 9 out). `run_tx` adds 16 idle clocks at the end; the rest of
/// the 40-clock allowance covers the pipeline's fill (the latency).
#[test]
fn line_rate_back_to_back() {
    for (len, beats_out) in [(60usize, 8u64), (1514, 190), (61, 9)] {
        let mut nic = Nic::new(&RunOpts::default()).unwrap();
        let n = 300u64;
        let jobs: Vec<TxJob> = (0..n)
            .map(|i| TxJob {
                frame: (0..len).map(|b| (b as u64 ^ i) as u8).collect(),
                queue: (i % 8) as u8,
                bad: false,
            })
            .collect();
        let t0 = nic.cycles();
        let out = nic.run_tx(&jobs, jobs.len()).unwrap();
        let spent = nic.cycles() - t0;
        eprintln!(
            "{len}-byte frames: {spent} clocks, {} beats out",
            n * beats_out
        );
        assert_eq!(out.len(), jobs.len());
        for (j, o) in jobs.iter().zip(&out) {
            assert_eq!(o.data, tx_frame(&j.frame, false));
        }
        assert!(
            spent <= n * beats_out + 40,
            "{len}-byte frames: {spent} clocks for {} beats out",
            n * beats_out
        );
    }
}
