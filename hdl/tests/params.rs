//! Generation parameters (issue 15): an absent block leaves no logic.
//!
//! The minimal `nic_core` (`--set rss=false --set handshake=false`)
//! through yosys: after `proc; flatten; opt -purge` no cell of the
//! handshake engine or its timers is left and the Toeplitz network is
//! gone (their outputs are tied off, or its key is 0, so nothing reads
//! them), while the default core keeps them. No technology mapping: about
//! 30 s for the two.

use ferronic_hdl::params::CoreParams;
use std::process::Command;

/// Cells left under each instance path (`hs`, `rss.toep`, ...) after
/// flattening and removing what nothing reads.
fn cells_under(p: &CoreParams, paths: &[&str]) -> Vec<usize> {
    let map = ferronic_hdl::verilog::core_map(p, false, 0, 0);
    let v = ferronic_hdl::verilog::emit(&map).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("nic_core.v"), v).unwrap();
    let script = "read_verilog nic_core.v\nhierarchy -top nic_core\nproc\nflatten\nopt -purge\n\
                  tee -q -o cells.txt select -list nic_core/t:*\n";
    std::fs::write(dir.path().join("count.ys"), script).unwrap();
    let r = Command::new("yosys")
        .args(["-q", "count.ys"])
        .current_dir(dir.path())
        .output()
        .expect("yosys (apt-get install yosys)");
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let cells = std::fs::read_to_string(dir.path().join("cells.txt")).unwrap();
    // flattened cells are named `$flatten\hs.\sub.$and$...`
    paths
        .iter()
        .map(|p| {
            let prefix = format!("$flatten\\{}.", p.replace('.', ".\\"));
            cells.lines().filter(|l| l.contains(&prefix)).count()
        })
        .collect()
}

#[test]
fn absent_blocks_leave_no_cells() {
    let paths = ["hs", "timers", "rss.toep", "fcs_check"];
    let min = cells_under(&CoreParams::minimal(), &paths);
    let def = cells_under(&CoreParams::default(), &paths);
    eprintln!("cells after opt -purge (hs, timers, rss.toep, fcs_check): minimal {min:?}, default {def:?}");
    // (at most one cell keeps the engine's name: its `t_fire`, the same
    // AND as RssSteer's input handshake, which opt_merge shares)
    assert!(
        min[0] <= 1 && min[1] == 0,
        "the handshake engine and its timers are gone: {min:?}"
    );
    assert!(
        def[0] > 1000 && def[1] > 10,
        "the default keeps them: {def:?}"
    );
    // the Toeplitz network goes with its key; its sequencing (one to
    // three clocks a frame) stays, RssSteer's pacing needs it
    assert!(4 * min[2] < def[2], "Toeplitz: {min:?} {def:?}");
    // the conversion datapath stays, the same in both
    assert!(
        min[3] > 100 && min[3] == def[3],
        "FcsCheck: {min:?} {def:?}"
    );
}
