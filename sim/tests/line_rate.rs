//! Line rate and fixed latency, counted in cycles (not wall time): with
//! `tready` high and no `tvalid` gap, every mode accepts one beat per clock
//! over back-to-back frames of every size, and every frame's first beat
//! appears on `m_axis` exactly `LATENCY` cycles after it was accepted.

use ferronic_hdl::nic_core::LATENCY;
use ferronic_hdl::tag::{TagFormat, TagMode};
use ferronic_sim::harness::{run, Job, RunOpts};
use ferronic_sim::model::{append_fcs, process};

#[test]
fn one_beat_per_clock_and_fixed_latency_in_every_mode() {
    for format in [TagFormat::Edsa, TagFormat::Qca, TagFormat::BrcmPrepend] {
        for mode in TagMode::ALL {
            // mixed sizes back to back, including every tail length
            let jobs: Vec<Job> = (0..400)
                .map(|i| {
                    let n = [60, 64, 65, 66, 67, 68, 69, 70, 71, 72, 128, 1514, 9000][i % 13];
                    Job {
                        frame: append_fcs(&(0..n - 4).map(|b| (b ^ i) as u8).collect::<Vec<_>>()),
                        format,
                        mode,
                    }
                })
                .collect();
            let (out, st) = run(&jobs, &RunOpts::default(), |_| {}).unwrap();
            assert_eq!(
                st.in_span, st.in_beats,
                "{format} {mode}: bubbles on s_axis"
            );
            assert_eq!(
                st.latency,
                (LATENCY as u64, LATENCY as u64),
                "{format} {mode}: latency"
            );
            for (j, o) in jobs.iter().zip(&out) {
                assert_eq!(o.data, process(&j.frame, format, mode).frame);
            }
        }
    }
}
