//! The open-flow board files (`flow = "ecp5"`, issue 16) against their
//! LPF constraint files: the same ports on the same sites with the same
//! IO types, every pin with its source, no site twice, the clocks'
//! frequencies; and the checks a broken file fails.

use ferronic_hdl::board::open::{flow, OpenBoard};
use ferronic_hdl::board::Board;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn open_boards() -> Vec<OpenBoard> {
    let dir = repo().join("boards");
    let v: Vec<OpenBoard> = Board::all_names(&dir)
        .iter()
        .map(|n| dir.join(format!("{n}.toml")))
        .filter(|p| flow(p).unwrap() == "ecp5")
        .map(|p| OpenBoard::load(&p).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    assert!(!v.is_empty(), "no open-flow board in {}", dir.display());
    v
}

/// `port -> (site, IO_TYPE, the LOCATE line's comment)` and
/// `port -> MHz` of an LPF.
#[allow(clippy::type_complexity)] // two plain maps, named in the docstring
fn lpf(
    text: &str,
) -> (
    BTreeMap<String, (String, String, String)>,
    BTreeMap<String, u32>,
) {
    let quoted = |l: &str, at: usize| l[at..].split('"').nth(1).unwrap_or("").to_string();
    let mut pins: BTreeMap<String, (String, String, String)> = BTreeMap::new();
    let mut freq = BTreeMap::new();
    for l in text.lines().map(str::trim) {
        if let Some(rest) = l.strip_prefix("LOCATE COMP ") {
            let port = quoted(rest, 0);
            let site = quoted(rest, rest.find("SITE").expect("SITE"));
            let comment = l.split_once('#').map_or("", |c| c.1).trim().to_string();
            assert!(
                pins.insert(port.clone(), (site, String::new(), comment))
                    .is_none(),
                "{port} twice"
            );
        } else if let Some(rest) = l.strip_prefix("IOBUF PORT ") {
            let port = quoted(rest, 0);
            let io = rest
                .split("IO_TYPE=")
                .nth(1)
                .unwrap()
                .trim_end_matches(';')
                .to_string();
            pins.get_mut(&port)
                .unwrap_or_else(|| panic!("IOBUF before LOCATE: {port}"))
                .1 = io;
        } else if let Some(rest) = l.strip_prefix("FREQUENCY PORT ") {
            let port = quoted(rest, 0);
            let mhz = rest
                .split('"')
                .nth(2)
                .unwrap()
                .trim()
                .split(' ')
                .next()
                .unwrap();
            freq.insert(port, mhz.parse().unwrap());
        } else {
            assert!(l.is_empty() || l.starts_with('#'), "unknown LPF line: {l}");
        }
    }
    (pins, freq)
}

#[test]
fn every_pin_of_the_board_file_is_in_its_lpf_with_its_source() {
    for b in open_boards() {
        let mut all = BTreeMap::new();
        let mut freq = BTreeMap::new();
        for c in &b.constraints {
            let path = repo().join("constraints").join(&b.name).join(c);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let (p, f) = lpf(&text);
            all.extend(p);
            freq.extend(f);
        }
        let want: BTreeMap<String, (String, String)> = b
            .pins
            .iter()
            .map(|(p, [s, io, _])| (p.clone(), (s.clone(), io.clone())))
            .collect();
        let got: BTreeMap<String, (String, String)> = all
            .iter()
            .map(|(p, (s, io, _))| (p.clone(), (s.clone(), io.clone())))
            .collect();
        assert_eq!(got, want, "{}: LPF against the board file", b.name);
        for (p, (_, _, comment)) in &all {
            assert!(
                comment.contains('['),
                "{}: {p} names no source in the LPF",
                b.name
            );
        }
        assert_eq!(
            freq.get(&b.clock.port),
            Some(&b.clock.mhz),
            "{}: the oscillator's FREQUENCY",
            b.name
        );
        // both PHYs' receive clocks are constrained at 125 MHz (RGMII, 1 Gb/s)
        for rxc in b.pins.keys().filter(|p| p.ends_with("_rxc")) {
            assert_eq!(freq.get(rxc), Some(&125), "{}: {rxc}", b.name);
        }
    }
}

#[test]
fn the_colorlight_board_has_two_rgmii_ports_and_the_uart() {
    let b = OpenBoard::load(&repo().join("boards/colorlight-5a-75b-v8.toml")).unwrap();
    assert_eq!(
        (b.device.as_str(), b.package.as_str(), b.speed),
        ("LFE5U-25F", "CABGA256", 6)
    );
    for port in ["eth0", "eth1"] {
        for pin in ["txc", "tx_ctl", "rxc", "rx_ctl"] {
            assert!(
                b.pins.contains_key(&format!("{port}_{pin}")),
                "{port}_{pin}"
            );
        }
        for i in 0..4 {
            assert!(b.pins.contains_key(&format!("{port}_txd[{i}]")));
            assert!(b.pins.contains_key(&format!("{port}_rxd[{i}]")));
        }
    }
    for pin in ["uart_tx", "uart_rx", "phy_rst_n", "mdc", "mdio", "clk25"] {
        assert!(b.pins.contains_key(pin), "{pin}");
    }
    assert!(
        !b.core.rss && !b.core.handshake,
        "the conversion datapath only"
    );
    // the Vivado loader names it as an open-flow board, not a parse error
    let e = Board::find(&repo().join("boards"), &b.name)
        .unwrap_err()
        .to_string();
    assert!(e.contains("open-flow (ECP5) board"), "{e}");
    assert!(!Board::names(&repo().join("boards")).contains(&b.name));
}

#[test]
fn broken_open_board_files_are_refused_with_the_reason() {
    let good = std::fs::read_to_string(repo().join("boards/colorlight-5a-75b-v8.toml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("colorlight-5a-75b-v8.toml");
    for (from, to, why) in [
        ("speed = 6", "speed = 9", "speed = 9"),
        ("device = \"LFE5U-25F\"", "device = \"LFE5U-26F\"", "device"),
        ("port = \"clk25\"", "port = \"clk50\"", "not in [pins]"),
        (
            "\"uart_rx\" = [\"R7\"",
            "\"uart_rx\" = [\"T6\"",
            "pin T6 is given twice",
        ),
        ("rss = false", "rss = maybe", "rss"),
        ("baud = 115200", "baud = 110", "at least 300"),
    ] {
        assert!(good.contains(from), "{from}");
        std::fs::write(&path, good.replacen(from, to, 1)).unwrap();
        let e = OpenBoard::load(&path).unwrap_err().to_string();
        assert!(e.contains(why), "{from} -> {to}: {e}");
    }
}
