//! Line rate and fixed latency, counted in cycles (not wall time): with
//! `tready` high and no `tvalid` gap, every mode accepts one beat per clock
//! over back-to-back frames of every size, and every frame's first beat
//! appears on `m_axis` exactly `LATENCY` cycles after it was accepted; the
//! counters count every one of those back-to-back frames.

use ferronic_hdl::nic_core::LATENCY;
use ferronic_hdl::rx::tag::{TagFormat, TagMode};
use ferronic_sim::harness::{Job, Nic, RunOpts};
use ferronic_sim::model::frame::{append_fcs, process};

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
            let mut nic = Nic::new(&RunOpts::default()).unwrap();
            let r = nic.run(&jobs, |_| {}).unwrap();
            let (out, st) = (r.frames, r.stats);
            assert_eq!(
                st.in_span, st.in_beats,
                "{format} {mode}: bubbles on s_axis"
            );
            assert_eq!(
                st.latency,
                (LATENCY as u64, LATENCY as u64),
                "{format} {mode}: latency"
            );
            let mut bytes = 0;
            for (j, o) in jobs.iter().zip(&out) {
                assert_eq!(o.data, process(&j.frame, format, mode).frame);
                bytes += o.data.len() as u64;
            }
            // counters keep up with back-to-back frames, minimum size included
            let n = jobs.len() as u64;
            assert_eq!(nic.counter("FRAMES_IN").unwrap(), n);
            assert_eq!(nic.counter("FRAMES_OUT").unwrap(), n);
            assert_eq!(nic.counter("RXQ0_FRAMES").unwrap(), n);
            assert_eq!(nic.counter("RXQ0_BYTES").unwrap(), bytes);
        }
    }
}
