//! The one-evaluation clock (`NicCoreModel::tick`, used when no VCD is
//! open) against the two-evaluation clock (clock low, then clock high; used
//! while tracing): the same frames under the same random `tvalid` gaps,
//! `tready` stalls and `datapath.CTRL` noise give the same frames, sidebands,
//! configuration per frame and cycle of every first beat, and the traced
//! run writes a waveform with both halves of each clock.

use ferronic_hdl::rx::tag::{TagFormat, TagMode};
use ferronic_sim::harness::{Job, Nic, RunOpts, RunResult};
use ferronic_sim::model::frame::append_fcs;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn run(jobs: &[Job], vcd: Option<std::path::PathBuf>) -> RunResult {
    let opts = RunOpts {
        gap: 0.2,
        stall: 0.3,
        seed: 7,
        ctrl_noise: 0.02,
        axil_delay: 0.3,
        vcd,
        ..RunOpts::default()
    };
    Nic::new(&opts).unwrap().run(jobs, |_| {}).unwrap()
}

#[test]
fn one_evaluation_per_clock_equals_two() {
    let mut rng = StdRng::seed_from_u64(12);
    let jobs: Vec<Job> = (0..150)
        .map(|_| {
            let body: Vec<u8> = (0..rng.gen_range(20..300)).map(|_| rng.gen()).collect();
            Job {
                frame: append_fcs(&body),
                format: TagFormat::ALL[rng.gen_range(0..TagFormat::ALL.len())],
                mode: TagMode::ALL[rng.gen_range(0..TagMode::ALL.len())],
            }
        })
        .collect();
    let fast = run(&jobs, None);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tick.vcd");
    let traced = run(&jobs, Some(path.clone()));
    assert!(fast.frames.len() > 100, "{} frames out", fast.frames.len());
    assert_eq!(fast.frames, traced.frames);
    assert_eq!(fast.applied, traced.applied);
    assert_eq!(fast.in_first, traced.in_first);
    assert_eq!(fast.stats.cycles, traced.stats.cycles);
    assert_eq!(fast.stats.latency, traced.stats.latency);
    // both halves of a clock in the waveform: time is in half-cycles
    let vcd = std::fs::read_to_string(&path).unwrap();
    assert!(vcd.contains("\n#100\n") && vcd.contains("\n#101\n"));
}
