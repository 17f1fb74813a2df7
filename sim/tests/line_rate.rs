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

/// The Toeplitz engine takes three clocks for an IPv6 tuple, one for any
/// other frame: IPv6 frames as short as the parser hashes (3 beats) back
/// to back, each followed by 1-beat runts, and minimum IPv6 TCP frames,
/// still go through at one beat per clock with the fixed latency, steered
/// and hashed as the model does.
#[test]
fn ipv6_hashing_keeps_line_rate() {
    use ferronic_sim::model::rss::{steer, RssConfig};
    let mut cfg = RssConfig::spread(8, [0; 40]);
    for (i, k) in cfg.key.iter_mut().enumerate() {
        *k = (i as u8).wrapping_mul(37) ^ 0x5a;
    }
    let v6 = |len: usize, nh: u8, i: usize| -> Vec<u8> {
        let mut f = vec![
            2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x86, 0xdd, 0x60, 0, 0, 0, 0, 20, nh, 64,
        ];
        f.extend((0..40).map(|b| (b * 7 + i) as u8));
        f.truncate(len - 4);
        append_fcs(&f)
    };
    let frames: Vec<Vec<u8>> = (0..600)
        .map(|i| match i % 6 {
            // 22 bytes: the shortest frame hashed as IPv6 (parse error, three clocks)
            0 | 1 => v6(22 + i % 3, 6, i),
            2 => append_fcs(&[i as u8; 3]),
            3 => v6(66 + i % 8, 6, i),
            4 => v6(64, 17, i),
            _ => append_fcs(&[0x55; 1]),
        })
        .collect();
    let jobs: Vec<Job> = frames
        .iter()
        .map(|f| Job {
            frame: f.clone(),
            format: TagFormat::None,
            mode: TagMode::Pass,
        })
        .collect();
    let mut nic = Nic::new(&RunOpts::default()).unwrap();
    nic.configure_rss(&cfg).unwrap();
    let r = nic.run(&jobs, |_| {}).unwrap();
    assert_eq!(r.stats.in_span, r.stats.in_beats, "bubbles on s_axis");
    assert_eq!(r.stats.latency, (LATENCY as u64, LATENCY as u64), "latency");
    assert_eq!(r.frames.len(), frames.len());
    let mut hashed = 0;
    for (i, (f, o)) in frames.iter().zip(&r.frames).enumerate() {
        let s = steer(f, &cfg);
        assert_eq!((o.tdest, o.hash), (s.queue, s.hash), "frame {i}");
        hashed += usize::from(s.hash != 0);
    }
    assert!(hashed >= 150, "only {hashed} frames hashed");
}
