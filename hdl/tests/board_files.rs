//! Board files and the projects `nicgen --board` writes, checked without
//! Vivado (issue 15): every board file loads; its pins agree with its XDC
//! (same LOC and IOSTANDARD per port, no pin twice, nothing missing on
//! either side); boards on different parts share no GT site; `build.tcl`,
//! the IP scripts and the XDC run under plain `tclsh` with stub commands
//! that record what they were asked, and the recording names the board's
//! part, the two IPs and only `CONFIG.*` keys those IPs have.

use ferronic_hdl::board::{ip, project, Board};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[path = "board_files/tcl.rs"]
mod tcl;
use tcl::{config_of, tclsh, MAC_KEYS, XDMA_KEYS};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn boards() -> Vec<Board> {
    let dir = repo().join("boards");
    let names = Board::names(&dir);
    assert!(names.len() >= 2, "boards: {names:?}");
    names
        .iter()
        .map(|n| Board::find(&dir, n).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

/// `port -> (LOC, IOSTANDARD)` of an XDC's `set_property -dict {...}
/// [get_ports {...}]` lines.
fn xdc_pins(text: &str) -> BTreeMap<String, (String, String)> {
    let mut m = BTreeMap::new();
    for line in text.lines().filter(|l| l.starts_with("set_property -dict")) {
        let dict = &line[line.find('{').unwrap() + 1..line.find('}').unwrap()];
        let words: Vec<&str> = dict.split_whitespace().collect();
        let get = |k: &str| {
            words
                .iter()
                .position(|w| *w == k)
                .map_or(String::new(), |i| words[i + 1].to_string())
        };
        let port = line
            .split("[get_ports {")
            .nth(1)
            .and_then(|r| r.split('}').next())
            .unwrap_or_else(|| panic!("no port in: {line}"));
        let old = m.insert(port.to_string(), (get("LOC"), get("IOSTANDARD")));
        assert!(old.is_none(), "{port} constrained twice");
    }
    m
}

#[test]
fn every_board_file_agrees_with_its_constraints() {
    for b in boards() {
        let xdc = repo().join("constraints").join(&b.name).join("fpga.xdc");
        let got = xdc_pins(&std::fs::read_to_string(&xdc).unwrap());
        let mut want = BTreeMap::new();
        for (port, loc) in b.all_pins() {
            let io = b.pins.get(&port).map_or(String::new(), |p| p[1].clone());
            want.insert(port, (loc.to_string(), io));
        }
        assert_eq!(got, want, "{}: XDC and board file differ", b.name);
        let locs: BTreeSet<&String> = got.values().map(|(l, _)| l).collect();
        assert_eq!(locs.len(), got.len(), "{}: a pin used twice", b.name);
        // nicctl list finds the card with its default IDs
        assert!(
            ferronic_regmap::PCI_IDS.contains(&(b.pcie.vendor_id, b.pcie.device_id)),
            "{}: {:04x}:{:04x} is not in PCI_IDS",
            b.name,
            b.pcie.vendor_id,
            b.pcie.device_id
        );
        // every PCIe lane, the cage's lane and reference clock
        let last = b.pcie.lanes - 1;
        let cage = b.ethernet.cage.to_lowercase();
        for p in [
            format!("pcie_rx_p[{last}]"),
            format!("pcie_tx_n[{last}]"),
            format!("{cage}_tx_n"),
            format!("{cage}_rx_p"),
            format!("{cage}_refclk_p"),
        ] {
            assert!(got.contains_key(&p), "{}: {p} not constrained", b.name);
        }
    }
}

#[test]
fn boards_on_different_parts_share_no_gt_site() {
    let bs = boards();
    for (i, a) in bs.iter().enumerate() {
        for b in &bs[i + 1..] {
            if a.part == b.part {
                continue;
            }
            for (x, y) in [
                (&a.ethernet.gt_site, &b.ethernet.gt_site),
                (&a.pcie.lane0_site, &b.pcie.lane0_site),
            ] {
                assert_ne!(x, y, "{} and {} share GT site {x}", a.name, b.name);
            }
        }
    }
    // the two Alveo cards: same pins, GTs four channels apart
    let u = |n: &str| bs.iter().find(|b| b.name == n).unwrap().clone();
    let (u200, u250) = (u("au200"), u("au250"));
    assert_eq!(u200.all_pins(), u250.all_pins());
    assert_eq!(
        (
            u200.ethernet.gt_site.as_str(),
            u250.ethernet.gt_site.as_str()
        ),
        ("X1Y48", "X1Y44")
    );
}

#[test]
fn a_board_file_with_a_mistake_is_refused_with_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(repo().join("boards/au250.toml")).unwrap();
    let cases = [
        (
            "rx_queues = 8",
            "rx_queues = 12",
            "[core] rx_queues = 12: this nicgen generates rx_queues = a power of two from 1 to 64 only",
        ),
        ("handshake = true", "handshake = \"no\"", "invalid type"),
        (
            "handshake = true",
            "handshakes = true",
            "unknown field `handshakes`",
        ),
        ("lanes = 16", "lanes = 12", "lanes = 12: 1, 2, 4, 8 or 16"),
        ("msix_vectors = 16", "msix_vectors = 32", "1..=16"),
        (
            "bar0_bytes = 1048576",
            "bar0_bytes = 1000",
            "a power of two",
        ),
        (
            "\"led[2]\" = [\"BA20\"",
            "\"led[2]\" = [\"BB21\"",
            "pin BB21 is given twice",
        ),
        ("part = ", "prat = ", "unknown field `prat`"),
        (
            "name = \"au250\"",
            "name = \"au205\"",
            "a board file's name is its file's stem (\"au250\")",
        ),
        (
            "gt_type = \"GTY\"",
            "gt_type = \"GTX\"",
            "GTY (UltraScale+) or GTH",
        ),
    ];
    for (from, to, says) in cases {
        assert!(good.contains(from), "{from}");
        let p = dir.path().join("au250.toml");
        std::fs::write(&p, good.replacen(from, to, 1)).unwrap();
        let e = Board::load(&p).unwrap_err().to_string();
        assert!(e.contains(says), "{to}: {e}");
    }
    let e = Board::find(&repo().join("boards"), "u999").unwrap_err();
    assert!(
        e.to_string()
            .contains("boards: au200, au250, colorlight-5a-75b-v8, exanic-x10"),
        "{e}"
    );
}

#[test]
fn the_projects_scripts_run_under_tclsh_and_ask_for_the_boards_ip() {
    for b in boards() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("proj");
        let files = project::write(
            &b,
            "module nic; endmodule\n",
            &repo().join("constraints"),
            &out,
        )
        .unwrap();
        let mut want: Vec<String> = [
            "rtl/fpga.v",
            "rtl/ferronic_glue.v",
            "rtl/nic.v",
            "ip/xdma_0.tcl",
            "ip/eth_mac_0.tcl",
            "constraints/crossings.xdc",
            "build.tcl",
            "README.md",
        ]
        .map(String::from)
        .into();
        want.extend(b.constraints.iter().map(|c| format!("constraints/{c}")));
        let got: Vec<String> = files
            .iter()
            .map(|p| p.strip_prefix(&out).unwrap().display().to_string())
            .collect();
        assert_eq!(got, want, "{}: the project's files", b.name);
        let build = out.join("build.tcl");
        let run = dir.path().join("run_dir");
        std::fs::create_dir_all(&run).unwrap();
        std::fs::write(run.join("fpga.bit"), "bit").unwrap();
        let pre = format!("set ::rundir {}", run.display());
        let (ok, calls, err) = tclsh(dir.path(), &pre, &build);
        assert!(ok, "{}: {err}\n{calls}", b.name);
        assert!(
            calls.lines().any(|l| l.starts_with("create_project -force")
                && l.ends_with(&format!("-part {}", b.part))),
            "{calls}"
        );
        assert!(calls
            .contains("create_ip -name xdma -vendor xilinx.com -library ip -module_name xdma_0"));
        assert!(calls.contains(
            "create_ip -name xxv_ethernet -vendor xilinx.com -library ip -module_name eth_mac_0"
        ));
        for (module, keys) in [("xdma_0", XDMA_KEYS), ("eth_mac_0", MAC_KEYS)] {
            let cfg = config_of(&calls, module);
            for k in cfg.keys() {
                assert!(
                    keys.contains(&k.as_str()),
                    "{module}: CONFIG.{k} is not a key of the IP"
                );
            }
        }
        // the values come from the board file
        let x = config_of(&calls, "xdma_0");
        assert_eq!(
            x["pl_link_cap_max_link_width"],
            format!("X{}", b.pcie.lanes)
        );
        assert_eq!(x["select_quad"], b.pcie.quad);
        assert_eq!(x["pf0_device_id"], format!("{:04X}", b.pcie.device_id));
        assert_eq!(x["xdma_num_usr_irq"], b.pcie.msix_vectors.to_string());
        let m = config_of(&calls, "eth_mac_0");
        assert_eq!(m["GT_GROUP_SELECT"], b.ethernet.gt_quad);
        assert_eq!(m["LANE1_GT_LOC"], b.ethernet.gt_site);
        assert_eq!(m["GT_REF_CLK_FREQ"], ip::format_mhz(b.ethernet.refclk_mhz));
        assert_eq!(m["GT_TYPE"], b.ethernet.gt_type);
        assert!(calls.contains("launch_runs impl_1 -to_step write_bitstream"));
        assert!(out.join("fpga.bit").is_file(), "bitstream not copied out");
        // timing missed: the script fails and says so
        let (ok, _, err) = tclsh(dir.path(), &format!("{pre}; set ::slack -0.125"), &build);
        assert!(
            !ok && err.contains("timing not met (WNS -0.125 ns"),
            "{err}"
        );
        // the XDC is valid Tcl for the same stubs
        let (ok, calls, err) = tclsh(dir.path(), "", &out.join("constraints/fpga.xdc"));
        assert!(ok, "{}: {err}", b.name);
        let cage = b.ethernet.cage.to_lowercase();
        let period = format!("{:.3}", 1000.0 / b.ethernet.refclk_mhz);
        assert!(
            calls.contains(&format!(
                "create_clock -period {period} -name {cage}_refclk port:{cage}_refclk_p"
            )),
            "{}: {calls}",
            b.name
        );
        // the crossings bound both directions between the two clocks
        let (ok, calls, err) = tclsh(dir.path(), "", &out.join("constraints/crossings.xdc"));
        assert!(ok, "{}: {err}", b.name);
        for (from, to) in [("core_clk", "axi_aclk"), ("axi_aclk", "core_clk")] {
            assert!(
                calls.contains(&format!(
                    "set_max_delay -datapath_only -from clock:net:{from} -to clock:net:{to} 4.000"
                )),
                "{}: {calls}",
                b.name
            );
        }
    }
}

/// A board's `[core]` switches blocks: the conversion datapath alone.
#[test]
fn a_board_file_sets_generation_parameters() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(repo().join("boards/au250.toml")).unwrap();
    let text = good
        .replace("rss = true", "rss = false")
        .replace("handshake = true", "handshake = false");
    assert_ne!(text, good);
    let path = dir.path().join("au250.toml");
    std::fs::write(&path, text).unwrap();
    let b = Board::load(&path).unwrap();
    assert_eq!(b.core, ferronic_hdl::params::CoreParams::minimal());
    // omitted keys take the defaults
    let bare = good
        .lines()
        .filter(|l| {
            !["rss =", "handshake =", "rx_queues =", "tx_queues ="]
                .iter()
                .any(|k| l.starts_with(k))
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&path, bare).unwrap();
    assert_eq!(
        Board::load(&path).unwrap().core,
        ferronic_hdl::params::CoreParams::default()
    );
}
