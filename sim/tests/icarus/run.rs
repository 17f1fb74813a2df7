//! Compiles Verilog files with Icarus (`iverilog -g2005`) and runs the
//! result (`vvp`) in a directory, bounded in wall-clock time: a simulation
//! stuck inside one time step fails the test instead of stalling CI.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Builds `files` (in `dir`) with top module `top` and parameters
/// (`-P` arguments), then runs it; panics if either fails or the run is
/// still going after `limit`, with the last lines of `out.txt` if any.
pub fn icarus(dir: &Path, top: &str, params: &[String], files: &[&str], limit: Duration) {
    let o = Command::new("iverilog")
        .current_dir(dir)
        .args(["-g2005", "-o", "sim.vvp", "-s", top])
        .args(params)
        .args(files)
        .output()
        .expect("iverilog installed (apt-get install iverilog)");
    assert!(
        o.status.success(),
        "iverilog: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut child = Command::new("vvp")
        .current_dir(dir)
        .args(["-n", "sim.vvp"])
        .stdout(Stdio::null())
        .spawn()
        .expect("vvp");
    let t0 = Instant::now();
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            assert!(st.success(), "vvp exited with {st}");
            return;
        }
        if t0.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            let partial = std::fs::read_to_string(dir.join("out.txt")).unwrap_or_default();
            panic!(
                "Icarus did not finish within {limit:?} (a simulation stuck in one time step?); last output lines:\n{}",
                partial.lines().rev().take(5).collect::<Vec<_>>().join("\n")
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
