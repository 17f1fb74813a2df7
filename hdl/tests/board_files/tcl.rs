//! The Vivado-free Tcl harness of `board_files`: command stubs, a
//! `tclsh` runner, the IPs' known `CONFIG.*` keys and a parser of the
//! recorded `set_property -dict` calls.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Tcl run before a script: every command a Vivado script may use is a
/// stub that appends `name args` to `::calls`; any other command is an
/// error (a typo, or a command Vivado lacks, fails here).
const STUBS: &str = r#"
set ::calls {}
set ::slack 0.250
proc rec {args} { lappend ::calls $args }
foreach c {create_project add_files create_ip generate_target create_ip_run
           launch_runs wait_on_run open_run report_utilization
           report_timing_summary create_clock set_false_path set_input_delay
           set_output_delay set_max_delay} {
    proc $c {args} "rec $c {*}\$args"
}
proc set_property {args} { rec set_property {*}$args }
proc current_project {} { return proj }
proc current_fileset {args} { return sources_1 }
proc current_design {} { return design }
proc get_ports {p} { return "port:$p" }
proc get_nets {n} { return "net:$n" }
proc get_clocks {args} { return "clock:[lindex $args end]" }
proc get_ips {args} {
    if {[llength $args]} { return [lindex $args end] }
    return {xdma_0 eth_mac_0}
}
proc get_runs {r} { return "run:$r" }
proc get_timing_paths {args} { return path }
proc get_property {p obj} {
    switch $p {
        DIRECTORY { return $::rundir }
        SLACK { return $::slack }
    }
    error "get_property $p: not stubbed"
}
rename unknown _unknown
proc unknown {args} { error "unknown command: [lindex $args 0]" }
"#;

/// Runs `script` under tclsh after the stubs; returns (ok, recorded calls
/// one per line, stderr).
pub fn tclsh(dir: &Path, pre: &str, script: &Path) -> (bool, String, String) {
    let runner = dir.join("run.tcl");
    std::fs::write(
        &runner,
        format!(
            "{STUBS}\n{pre}\nset rc [catch {{source {}}} err]\nforeach c $::calls {{ puts $c }}\n\
             if {{$rc}} {{ puts stderr $err; exit 1 }}\n",
            script.display()
        ),
    )
    .unwrap();
    let out = Command::new("tclsh")
        .arg(&runner)
        .output()
        .expect("tclsh (apt-get install tcl)");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// `CONFIG.*` keys of the XDMA (PG195, customisation) and of
/// `xxv_ethernet` (PG210), as public `create_ip` scripts for these IPs
/// set them: the keys the generator may use.
pub const XDMA_KEYS: &[&str] = &[
    "functional_mode",
    "mode_selection",
    "device_port_type",
    "pl_link_cap_max_link_width",
    "pl_link_cap_max_link_speed",
    "ref_clk_freq",
    "axi_addr_width",
    "axi_data_width",
    "axisten_freq",
    "en_gt_selection",
    "select_quad",
    "pcie_blk_locn",
    "plltype",
    "pf0_device_id",
    "pf0_subsystem_id",
    "pf0_subsystem_vendor_id",
    "pf0_base_class_menu",
    "pf0_class_code_base",
    "pf0_class_code_sub",
    "pf0_class_code_interface",
    "pf0_bar0_64bit",
    "pf0_bar0_prefetchable",
    "pf0_bar0_size",
    "pf0_bar0_scale",
    "pciebar2axibar_0",
    "pf0_bar2_enabled",
    "pf0_bar2_64bit",
    "pf0_bar2_size",
    "pf0_bar2_scale",
    "bar_indicator",
    "en_axi_slave_if",
    "axibar_num",
    "axibar_0",
    "axibar_highaddr_0",
    "axibar2pciebar_0",
    "pf0_interrupt_pin",
    "pf0_msi_enabled",
    "pf0_msix_enabled",
    "pf0_msix_impl_locn",
    "pf0_msix_cap_table_size",
    "xdma_num_usr_irq",
];
pub const MAC_KEYS: &[&str] = &[
    "CORE",
    "NUM_OF_CORES",
    "LINE_RATE",
    "BASE_R_KR",
    "INCLUDE_AXI4_INTERFACE",
    "INCLUDE_USER_FIFO",
    "INCLUDE_SHARED_LOGIC",
    "GT_TYPE",
    "GT_REF_CLK_FREQ",
    "GT_DRP_CLK",
    "GT_GROUP_SELECT",
    "LANE1_GT_LOC",
    "ENABLE_PIPELINE_REG",
    "ADD_GT_CNRL_STS_PORTS",
    "CLOCKING",
];

/// The `CONFIG.*` keys and values of the recorded `set_property -dict`
/// on `module`.
pub fn config_of(calls: &str, module: &str) -> BTreeMap<String, String> {
    let line = calls
        .lines()
        .find(|l| l.starts_with("set_property -dict") && l.ends_with(&format!("}} {module}")))
        .unwrap_or_else(|| panic!("no set_property on {module} in:\n{calls}"));
    let body = &line[line.find('{').unwrap() + 1..line.rfind("} ").unwrap()];
    // Tcl list: CONFIG.k {v} CONFIG.k2 v2 ...
    let mut m = BTreeMap::new();
    let mut rest = body.trim();
    while let Some(k) = rest.strip_prefix("CONFIG.") {
        let (key, after) = k.split_once(' ').unwrap();
        let after = after.trim_start();
        let (val, next) = if let Some(b) = after.strip_prefix('{') {
            b.split_once('}').unwrap()
        } else {
            after.split_once(' ').unwrap_or((after, ""))
        };
        m.insert(key.to_string(), val.to_string());
        rest = next.trim_start();
    }
    assert!(rest.is_empty(), "unparsed: {rest}");
    m
}
