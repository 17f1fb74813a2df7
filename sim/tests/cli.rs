//! `nicsim` end to end: the replay of the acceptance example, and
//! bad input (missing file, garbage file, unsupported link type) reported
//! with a clear message and exit code 2, never a panic.

use std::path::{Path, PathBuf};
use std::process::Command;

fn nicsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_nicsim"))
}

fn testdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name)
}

/// A fresh directory for a test's files, removed when dropped.
fn tmp() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("ferronic-cli-")
        .tempdir()
        .unwrap()
}

#[test]
fn replay_edsa_tail_writes_pcapng_with_tags_before_fcs() {
    let dir = tmp();
    let out = dir.path().join("edsa-tail.pcapng");
    let r = nicsim()
        .arg("replay")
        .arg(testdata("edsa.pcap"))
        .arg("-o")
        .arg(&out)
        .args(["--mode", "tail"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&r.stdout);
    assert!(
        r.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert!(stdout.contains("all 10 frames match"), "{stdout}");
    assert!(stdout.contains("migrated               10"), "{stdout}");
    assert!(stdout.contains("beats/clock (input)    1.00"), "{stdout}");
    assert!(
        stdout.contains("counters vs model      all equal"),
        "{stdout}"
    );
    let inp = ferronic_sim::tools::capture::read(&testdata("edsa.pcap")).unwrap();
    let got = ferronic_sim::tools::capture::read(&out).unwrap();
    assert_eq!(got.frames.len(), 10);
    for (i, o) in inp.frames.iter().zip(&got.frames) {
        let n = o.data.len();
        assert_eq!(&o.data[n - 12..n - 4], &i.data[12..20]);
        assert!(ferronic_sim::model::frame::fcs_ok(&o.data));
    }
}

fn fails_with(args: &[&str], input: &Path, needle: &str) {
    let r = nicsim()
        .args(&args[..1])
        .arg(input)
        .args(&args[1..])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{err}");
    assert!(err.contains(needle), "expected '{needle}' in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn bad_inputs_are_reported() {
    let dir = tmp();
    let out = dir.path().join("never.pcapng");
    let o = out.to_str().unwrap();
    fails_with(
        &["replay", "-o", o],
        Path::new("/nonexistent/x.pcap"),
        "/nonexistent/x.pcap",
    );
    let garbage = dir.path().join("garbage.pcap");
    std::fs::write(&garbage, b"this is not a capture file at all").unwrap();
    fails_with(&["replay", "-o", o], &garbage, "not a valid pcap");
    fails_with(
        &["replay", "-o", o],
        &testdata("tcp-handshake-nano.pcap"),
        "link type",
    );
    let r = nicsim()
        .args(["replay", "x", "-o", o, "--mode", "sideways"])
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("unknown tag mode"));
}
