//! Differential tests: the Verilated core against the golden model, with
//! random frames (1..=9600 bytes, random bad FCS, runts), every tag format x
//! mode, random `tvalid` gaps and `tready` stalls, and configuration noise
//! between first beats. Exact equality of frames, `tuser` and tag.

use ferronic_hdl::rx::tag::{TagFormat, TagMode};
use ferronic_sim::harness::{run, Applied, Job, Nic, RunOpts};
use ferronic_sim::model::counters::expected;
use ferronic_sim::model::frame::{append_fcs, process};
use ferronic_sim::model::rss::{steer, RssConfig};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// A random frame with FCS; sizes weighted towards the interesting edges.
fn random_frame(rng: &mut StdRng) -> Vec<u8> {
    let len = match rng.gen_range(0..10) {
        0 => rng.gen_range(1..=30),
        1..=3 => rng.gen_range(31..=90),
        4..=7 => rng.gen_range(60..=1518),
        8 => rng.gen_range(1519..=9600),
        _ => *[60usize, 64, 65, 66, 67, 68, 71, 72, 1514, 1518]
            .get(rng.gen_range(0..10))
            .unwrap(),
    };
    let mut body: Vec<u8> = (0..len.saturating_sub(4)).map(|_| rng.gen()).collect();
    let mut f = if len >= 4 {
        append_fcs(&body)
    } else {
        body.truncate(0);
        (0..len).map(|_| rng.gen()).collect()
    };
    if rng.gen_bool(0.1) && !f.is_empty() {
        let i = rng.gen_range(0..f.len());
        f[i] ^= 1 << rng.gen_range(0..8);
    }
    f
}

fn check(jobs: &[Job], opts: &RunOpts) {
    let (out, _) = run(jobs, opts, |_| {}).unwrap_or_else(|e| panic!("seed {}: {e}", opts.seed));
    assert_eq!(out.len(), jobs.len(), "seed {}: frame count", opts.seed);
    for (i, (j, o)) in jobs.iter().zip(&out).enumerate() {
        let want = process(&j.frame, j.format, j.mode);
        let st = steer(&want.frame, &RssConfig::default());
        assert!(
            o.data == want.frame
                && o.tuser == want.tuser
                && o.tag == want.tag
                && (o.tdest, o.hash) == (st.queue, st.hash),
            "seed {}: frame {i} ({} bytes, {} {}) differs\n got  {:02x?} tuser {:#x} tag {:#x}\n want {:02x?} tuser {:#x} tag {:#x}",
            opts.seed, j.frame.len(), j.format, j.mode,
            o.data, o.tuser, o.tag, want.frame, want.tuser, want.tag
        );
    }
}

fn seed() -> u64 {
    std::env::var("FERRONIC_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::thread_rng().gen())
}

/// Every format x mode, 700+ random frames each (21,000+ in all), random
/// gaps and stalls, configuration noise.
#[test]
fn random_frames_every_format_and_mode() {
    let base = seed();
    eprintln!("random_frames_every_format_and_mode: FERRONIC_SEED={base}");
    for (k, f) in TagFormat::ALL.iter().enumerate() {
        for (l, m) in TagMode::ALL.iter().enumerate() {
            let s = base.wrapping_add((k * 3 + l) as u64);
            let mut rng = StdRng::seed_from_u64(s);
            let jobs: Vec<Job> = (0..700)
                .map(|_| Job {
                    frame: random_frame(&mut rng),
                    format: *f,
                    mode: *m,
                })
                .collect();
            let opts = RunOpts {
                gap: rng.gen_range(0.0..0.5),
                stall: rng.gen_range(0.0..0.5),
                seed: s,
                scramble: true,
                ..RunOpts::default()
            };
            check(&jobs, &opts);
        }
    }
}

/// 20,000 random frames while the host rewrites `datapath.CTRL` (format,
/// mode, enable) at random times through AXI4-Lite with random delays, with
/// random gaps and stalls: each frame is converted exactly as configured at
/// its first beat (a change never tears a frame), disabled frames are
/// dropped, and every counter read back through the registers equals the
/// golden model's count.
#[test]
fn reconfiguration_mid_traffic_and_exact_counters() {
    let s = seed();
    eprintln!("reconfiguration_mid_traffic_and_exact_counters: FERRONIC_SEED={s}");
    let mut rng = StdRng::seed_from_u64(s);
    let jobs: Vec<Job> = (0..20_000)
        .map(|_| {
            let mut f = random_frame(&mut rng);
            f.truncate(rng.gen_range(1..=2000).min(f.len()).max(1));
            Job {
                frame: f,
                format: TagFormat::None,
                mode: TagMode::Pass,
            }
        })
        .collect();
    let opts = RunOpts {
        gap: 0.2,
        stall: 0.3,
        seed: s,
        scramble: true,
        ctrl_noise: 0.02,
        axil_delay: 0.3,
        vcd: std::env::var("FERRONIC_VCD").ok().map(Into::into),
        ..RunOpts::default()
    };
    let mut nic = Nic::new(&opts).unwrap();
    let queue = rng.gen_range(0..8u32);
    nic.write(
        nic.map.reg("datapath.DEFAULT_QUEUE").unwrap().offset as u16,
        queue,
    )
    .unwrap();
    let r = nic
        .run(&jobs, |_| {})
        .unwrap_or_else(|e| panic!("seed {s}: {e}"));
    let configs: std::collections::HashSet<_> =
        r.applied.iter().map(|a| (a.format, a.mode)).collect();
    assert!(
        configs.len() > 10,
        "seed {s}: the noise tried only {} configurations",
        configs.len()
    );
    let kept: Vec<(&Job, &Applied)> = jobs
        .iter()
        .zip(&r.applied)
        .filter(|(_, a)| a.enable)
        .collect();
    assert!(
        kept.len() < jobs.len() && !kept.is_empty(),
        "seed {s}: no drop or nothing kept"
    );
    assert_eq!(r.frames.len(), kept.len(), "seed {s}: frames delivered");
    for ((j, a), o) in kept.iter().zip(&r.frames) {
        let m = process(&j.frame, a.format, a.mode);
        assert!(
            o.data == m.frame
                && o.tuser == m.tuser
                && o.tag == m.tag
                && u32::from(o.tdest) == queue,
            "seed {s}: frame of {} bytes under {:?} differs",
            j.frame.len(),
            a
        );
    }
    let rss = RssConfig {
        default_queue: queue as u8,
        ..RssConfig::default()
    };
    let stream: Vec<(&[u8], Applied)> = jobs
        .iter()
        .map(|j| &j.frame[..])
        .zip(r.applied.iter().copied())
        .collect();
    let want = expected(&stream, &rss);
    for c in nic.map.counters.clone() {
        let got = nic.counter(&c.name).unwrap();
        assert_eq!(
            got,
            want.get(&c.name).copied().unwrap_or(0),
            "seed {s}: counter {}",
            c.name
        );
    }
    // CLEAR zeroes them all by the time its response arrives
    nic.write(nic.map.reg("counters.CLEAR").unwrap().offset as u16, 1)
        .unwrap();
    for c in nic.map.counters.clone() {
        assert_eq!(
            nic.counter(&c.name).unwrap(),
            0,
            "seed {s}: {} after CLEAR",
            c.name
        );
    }
}

/// Giants (longer than MAX_FRAME) are flagged and still converted exactly.
#[test]
fn giants_are_flagged() {
    let mut rng = StdRng::seed_from_u64(seed());
    for mode in TagMode::ALL {
        let jobs: Vec<Job> = [16_380usize, 16_383, 16_384, 20_000]
            .iter()
            .map(|&n| Job {
                frame: append_fcs(&(0..n - 4).map(|_| rng.gen()).collect::<Vec<u8>>()),
                format: TagFormat::Rtl8_4,
                mode,
            })
            .collect();
        let opts = RunOpts {
            stall: 0.2,
            seed: 9,
            ..RunOpts::default()
        };
        check(&jobs, &opts);
        let (out, _) = run(&jobs, &opts, |_| {}).unwrap();
        let giant: Vec<bool> = out
            .iter()
            .map(|o| o.tuser & ferronic_hdl::rx::tag::tuser::GIANT != 0)
            .collect();
        assert_eq!(giant, [false, false, true, true]);
    }
}

mod property {
    use super::*;
    use proptest::prelude::*;

    fn job() -> impl Strategy<Value = Job> {
        (
            proptest::collection::vec(any::<u8>(), 1..300),
            any::<bool>(),
            0..TagFormat::ALL.len(),
            0..3usize,
        )
            .prop_map(|(body, good, f, m)| Job {
                frame: if good && body.len() >= 4 {
                    append_fcs(&body[4..])
                } else {
                    body
                },
                format: TagFormat::ALL[f],
                mode: TagMode::ALL[m],
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
        /// Shrinkable differential property: any frames, any configuration,
        /// any backpressure.
        #[test]
        fn core_equals_model(jobs in proptest::collection::vec(job(), 1..24),
                             gap in 0.0..0.6f64, stall in 0.0..0.6f64, seed in any::<u64>()) {
            check(&jobs, &RunOpts { gap, stall, seed, scramble: true, ..RunOpts::default() });
        }
    }
}
