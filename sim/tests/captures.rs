//! The real captures (tcpdump's test suite, see testdata/README.md) with a
//! DSA link type, replayed in every mode through the Verilated core: output
//! equals the golden model, every FCS is independently confirmed valid (the
//! `crc` crate and Wireshark's dissector via tshark), deliberately corrupted
//! ones invalid, and the tag lands where the mode says.

use ferronic_hdl::rx::tag::{tuser, TagMode};
use ferronic_sim::model::frame::fcs_ok;
use ferronic_sim::model::rss::{RssConfig, MS_KEY};
use ferronic_sim::tools::capture::{self, format_for_linktype};
use ferronic_sim::tools::replay::{replay, ReplayOpts, ReplayReport};
use std::path::{Path, PathBuf};
use std::process::Command;

const DSA_CAPTURES: [&str; 6] = [
    "brcm-tag.pcap",
    "brcm-tag-prepend.pcap",
    "dsa.pcap",
    "dsa-high-vid.pcap",
    "edsa.pcap",
    "edsa-high-vid.pcap",
];

fn testdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name)
}

fn run(name: &str, mode: TagMode, bad_fcs: f64, seed: u64) -> (capture::Capture, ReplayReport) {
    let cap = capture::read(&testdata(name)).unwrap();
    let opts = ReplayOpts {
        mode,
        bad_fcs,
        gap: 0.2,
        stall: 0.3,
        seed,
        ..ReplayOpts::default()
    };
    let rep = replay(&cap, &opts, |_| {}).unwrap();
    assert!(
        rep.mismatches.is_empty(),
        "{name} {mode}: differs from the golden model: {:?}",
        rep.mismatches
    );
    assert!(
        rep.counter_mismatches.is_empty(),
        "{name} {mode}: counters differ from the golden model: {:?}",
        rep.counter_mismatches
    );
    assert_eq!(rep.outputs.len(), cap.frames.len());
    (cap, rep)
}

#[test]
fn every_dsa_capture_in_every_mode_has_valid_fcs_and_tag_in_place() {
    for name in DSA_CAPTURES {
        for mode in TagMode::ALL {
            let (cap, rep) = run(name, mode, 0.0, 7);
            let format = format_for_linktype(cap.linktype).unwrap();
            let (off, len) = (format.offset(), format.len());
            for (i, (inp, out)) in cap.frames.iter().zip(&rep.outputs).enumerate() {
                let (inp, out) = (&inp.data, &out.data);
                let ctx = format!("{name} {mode} frame {i}");
                assert!(fcs_ok(out), "{ctx}: output FCS invalid");
                assert_eq!(rep.tusers[i] & tuser::FCS_ERR, 0, "{ctx}");
                let tag = &inp[off..off + len];
                match mode {
                    TagMode::Pass => assert_eq!(&out[..out.len() - 4], &inp[..], "{ctx}"),
                    TagMode::Tail => {
                        let n = out.len();
                        assert_eq!(n, inp.len() + 4, "{ctx}: length changed");
                        assert_eq!(&out[n - 4 - len..n - 4], tag, "{ctx}: tag not before FCS");
                        assert_eq!(&out[..off], &inp[..off], "{ctx}");
                        assert_eq!(&out[off..n - 4 - len], &inp[off + len..], "{ctx}");
                    }
                    TagMode::Strip => {
                        let body: Vec<u8> = [&inp[..off], &inp[off + len..]].concat();
                        assert_eq!(&out[..body.len()], &body[..], "{ctx}");
                        assert!(
                            out[body.len()..out.len() - 4].iter().all(|&b| b == 0),
                            "{ctx}: pad"
                        );
                        let mut w = [0u8; 8];
                        w[..len].copy_from_slice(tag);
                        assert_eq!(rep.tags[i], u64::from_le_bytes(w), "{ctx}: sideband tag");
                    }
                }
            }
        }
    }
}

#[test]
fn corrupted_fcs_stays_corrupt_and_flagged() {
    for name in DSA_CAPTURES {
        for mode in TagMode::ALL {
            // the first seed that corrupts some frames but not all
            let rep = (11..)
                .map(|seed| run(name, mode, 0.5, seed).1)
                .find(|r| r.corrupted.iter().any(|c| *c) && !r.corrupted.iter().all(|c| *c))
                .unwrap();
            for (i, out) in rep.outputs.iter().enumerate() {
                let bad = rep.corrupted[i];
                assert_eq!(fcs_ok(&out.data), !bad, "{name} {mode} frame {i}");
                assert_eq!(
                    rep.tusers[i] & tuser::FCS_ERR != 0,
                    bad,
                    "{name} {mode} frame {i}"
                );
                let other = rep.tusers[i] & (tuser::RUNT | tuser::GIANT | tuser::TAG_SHORT) != 0;
                assert_eq!(
                    rep.tusers[i] & tuser::BAD != 0,
                    bad || other,
                    "{name} {mode} frame {i}"
                );
            }
        }
    }
}

/// Wireshark's Ethernet dissector, with FCS checking on, agrees on every
/// frame of the strip and tail outputs (link type EN10MB, if_fcslen 4).
#[test]
fn tshark_confirms_output_fcs() {
    let dir = std::env::temp_dir().join(format!("ferronic-tshark-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["brcm-tag.pcap", "edsa.pcap", "dsa.pcap"] {
        for mode in [TagMode::Strip, TagMode::Tail] {
            let (_, rep) = run(name, mode, 0.4, 5);
            let path = dir.join(format!("{name}-{mode}.pcapng"));
            capture::write_pcapng(&path, rep.out_linktype, &rep.outputs).unwrap();
            let out = Command::new("tshark")
                .args(["-r"])
                .arg(&path)
                .args([
                    "-o",
                    "eth.check_fcs:TRUE",
                    "-T",
                    "fields",
                    "-e",
                    "eth.fcs.status",
                ])
                .output()
                .expect("tshark not found: apt-get install -y tshark");
            assert!(
                out.status.success(),
                "tshark failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let status: Vec<String> = String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(str::to_string)
                .collect();
            assert_eq!(
                status.len(),
                rep.outputs.len(),
                "{name} {mode}: tshark frame count"
            );
            for (i, s) in status.iter().enumerate() {
                let want = if rep.corrupted[i] { "0" } else { "1" };
                assert_eq!(s, want, "{name} {mode} frame {i}: tshark FCS status");
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every bundled capture with RSS over 4 queues (tags stripped first so the
/// IP headers are visible): queues, hashes and every per-queue counter read
/// back through the registers equal the golden model's.
#[test]
fn captures_steered_over_four_queues_count_like_the_model() {
    let mut total = [0u64; 4];
    for name in DSA_CAPTURES.iter().chain(&["dns_tcp.pcap"]) {
        let cap = capture::read(&testdata(name)).unwrap();
        let opts = ReplayOpts {
            mode: TagMode::Strip,
            stall: 0.2,
            rss: RssConfig::spread(4, MS_KEY),
            ..ReplayOpts::default()
        };
        let rep = replay(&cap, &opts, |_| {}).unwrap();
        assert!(rep.mismatches.is_empty(), "{name}: {:?}", rep.mismatches);
        assert!(
            rep.counter_mismatches.is_empty(),
            "{name}: {:?}",
            rep.counter_mismatches
        );
        for (q, t) in total.iter_mut().enumerate() {
            let c = rep
                .counters
                .iter()
                .find(|(n, _)| *n == format!("RXQ{q}_FRAMES"))
                .unwrap();
            *t += c.1;
        }
    }
    assert!(
        total.iter().filter(|&&n| n > 0).count() >= 2,
        "RSS spread nothing: {total:?}"
    );
}

#[test]
fn plain_ethernet_capture_passes_with_fresh_fcs() {
    let (cap, rep) = run("dns_tcp.pcap", TagMode::Strip, 0.0, 3);
    assert_eq!(rep.format.name(), "none");
    for (inp, out) in cap.frames.iter().zip(&rep.outputs) {
        assert_eq!(&out.data[..inp.data.len()], &inp.data[..]);
        assert!(fcs_ok(&out.data));
    }
}
