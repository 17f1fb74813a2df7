//! What `nicsim replay` prints: the summary (counts, rates, counters read
//! back, the golden-model verdict) and, with `--frames`, one line per
//! frame.

use crate::tools::capture;
use crate::tools::replay::ReplayReport;
use ferronic_hdl::rx::tag::{tuser, TagMode};
use std::path::Path;

/// The summary of a replay of `input`: frame counts by flag, cycles,
/// beats/clock, latency (cycles), simulated cycles/s, the counters read
/// back through AXI4-Lite and every difference from the models.
pub fn print_summary(input: &Path, cap: &capture::Capture, r: &ReplayReport) {
    let s = &r.stats;
    println!(
        "nicsim replay {} ({:?}, {} frames): format {}, mode {}",
        input.display(),
        cap.linktype,
        cap.frames.len(),
        r.format,
        r.mode
    );
    let row = |k: &str, v: String| println!("  {k:<22} {v}");
    row("frames in", r.inputs.len().to_string());
    row("frames out", r.outputs.len().to_string());
    row(
        "bad FCS",
        format!(
            "{} flagged ({} corrupted on request)",
            r.bad_fcs(),
            r.corrupted.iter().filter(|c| **c).count()
        ),
    );
    row("runts (< 64 B)", r.count(tuser::RUNT).to_string());
    row("giants", r.count(tuser::GIANT).to_string());
    row("too short for tag", r.count(tuser::TAG_SHORT).to_string());
    row("migrated", r.count(tuser::MIGRATED).to_string());
    row("cycles", s.cycles.to_string());
    row(
        "beats in / out",
        format!("{} / {}", s.in_beats, s.out_beats),
    );
    row("beats/clock (input)", format!("{:.2}", s.beats_per_clock()));
    row(
        "latency",
        format!(
            "{}..{} cycles (first beat in -> first beat out)",
            s.latency.0, s.latency.1
        ),
    );
    row(
        "simulation speed",
        format!("{:.2} M cycles/s", s.cycles_per_second() / 1e6),
    );
    let count = |n: &str| {
        r.counters
            .iter()
            .find(|(k, _)| k == n)
            .map_or(0, |(_, v)| *v)
    };
    println!("  counters (read back through AXI4-Lite):");
    println!(
        "    frames in {}  out {}  drops {}  bad FCS {}  runts {}  giants {}  tag-short {}  migrated {}  parser errors {}",
        count("FRAMES_IN"),
        count("FRAMES_OUT"),
        count("DROPS"),
        count("BAD_FCS"),
        count("RUNTS"),
        count("GIANTS"),
        count("TAG_SHORT"),
        count("MIGRATED"),
        count("PARSER_ERRORS")
    );
    println!(
        "    {:>5} {:>10} {:>12} {:>8}",
        "queue", "frames", "bytes", "errors"
    );
    for q in 0..ferronic_hdl::RX_QUEUES {
        println!(
            "    {:>5} {:>10} {:>12} {:>8}",
            q,
            count(&format!("RXQ{q}_FRAMES")),
            count(&format!("RXQ{q}_BYTES")),
            count(&format!("RXQ{q}_ERRORS"))
        );
    }
    if r.counter_mismatches.is_empty() {
        row("counters vs model", "all equal".to_string());
    } else {
        row(
            "counters vs model",
            format!("{} DIFFER", r.counter_mismatches.len()),
        );
        for m in &r.counter_mismatches {
            println!("    {m}");
        }
    }
    if r.mismatches.is_empty() {
        row(
            "golden model",
            format!("all {} frames match", r.outputs.len()),
        );
    } else {
        row(
            "golden model",
            format!("{} frames DIFFER", r.mismatches.len()),
        );
        for m in &r.mismatches {
            println!("    frame {}: {}", m.index, m.detail);
        }
    }
}

/// One line per frame: lengths (bytes, FCS included), flags, where the
/// tag went, queue, RSS hash, FCS status.
pub fn print_frames(r: &ReplayReport) {
    println!(
        "  {:>5} {:>5} {:>5}  {:<24} {:<26} {:>5} {:>10}  FCS",
        "frame", "in", "out", "flags", "tag", "queue", "hash"
    );
    let len = r.format.len();
    for (i, o) in r.outputs.iter().enumerate() {
        let u = r.tusers[i];
        let names: Vec<&str> = [
            (tuser::FCS_ERR, "fcs-err"),
            (tuser::RUNT, "runt"),
            (tuser::GIANT, "giant"),
            (tuser::TAG_SHORT, "tag-short"),
            (tuser::MIGRATED, "migrated"),
        ]
        .iter()
        .filter(|(b, _)| u & b != 0)
        .map(|(_, n)| *n)
        .collect();
        let tag = if u & tuser::MIGRATED != 0 {
            let hex: Vec<String> = r.tags[i].to_le_bytes()[..len]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let at = match r.mode {
                TagMode::Tail => format!("@{}", o.data.len() - 4 - len),
                _ => "sideband".into(),
            };
            format!("{} {at}", hex.join(""))
        } else {
            "-".into()
        };
        let fcs = if crate::model::frame::fcs_ok(&o.data) {
            "valid"
        } else {
            "INVALID"
        };
        println!(
            "  {:>5} {:>5} {:>5}  {:<24} {:<26} {:>5} {:>#10x}  {fcs}",
            i,
            r.inputs[i].len(),
            o.data.len(),
            names.join(","),
            tag,
            r.tdests[i],
            r.hashes[i]
        );
    }
}
