//! `nicctl --device serial:PATH` against the Verilated UART bridge and
//! `nic_core` behind a pseudo-terminal (`nicsim serve-uart`'s server, in a
//! thread here): the commands work over the line, a lost request byte and
//! a damaged response byte are recovered by sending again, and a missing
//! port is named. The open board's register block (`ferronic_open_core`
//! behind the same bridge, a capture sent into its switch port) answers
//! `nicctl` the same way.

mod common;

use common::nicctl_env;
use ferronic_host::error::exit;
use ferronic_sim::tools::serve_uart::{serve_pty, Faults, Pty, UartBoard, UartStats};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

/// The simulated board on a pty, stopped by [`Board::stop`].
struct Board {
    device: String,
    stop: Arc<AtomicBool>,
    thread: JoinHandle<UartStats>,
}

impl Board {
    fn start(faults: Faults, baud: u32) -> Board {
        Self::start_with(UartBoard::new, faults, baud)
    }

    /// `make` builds the board in the server's thread (the Verilated
    /// models stay on one thread).
    fn start_with(
        make: impl FnOnce() -> UartBoard + Send + 'static,
        faults: Faults,
        baud: u32,
    ) -> Board {
        let pty = Pty::open().expect("openpty");
        let device = format!("serial:{}@{baud}", pty.path.display());
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        let thread = std::thread::spawn(move || {
            serve_pty(make(), &pty, &faults, &s).expect("the bridge keeps the protocol")
        });
        Board {
            device,
            stop,
            thread,
        }
    }

    fn ok(&self, args: &[&str]) -> common::Run {
        let mut a = vec!["--device", self.device.as_str()];
        a.extend_from_slice(args);
        let r = nicctl_env(&a, None);
        assert_eq!(r.code, 0, "nicctl {a:?}: {}{}", r.stdout, r.stderr);
        r
    }

    fn stop(self) -> UartStats {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().expect("server thread")
    }
}

#[test]
fn nicctl_works_over_the_serial_line() {
    let b = Board::start(Faults::default(), 115_200);
    let info = b.ok(&["info", "--json"]).json();
    assert_eq!(info["backend"], "serial");
    assert_eq!(info["identity"]["magic"], ferronic_regmap::MAGIC);
    assert_eq!(info["map_hash_matches"], true);
    b.ok(&["reg", "write", "identity.scratch", "0x5eed1234"]);
    let r = b.ok(&["reg", "read", "identity.scratch", "--json"]).json();
    assert_eq!(r["value"], 0x5eed_1234u32);
    let t = b
        .ok(&["tag", "--format", "rtl8_4", "--mode", "tail", "--json"])
        .json();
    assert_eq!(
        (t["format"].as_str(), t["mode"].as_str()),
        (Some("rtl8_4"), Some("tail"))
    );
    let t = b.ok(&["tag", "--json"]).json();
    assert_eq!(t["format"], "rtl8_4", "read back over the line");
    let dump = b.ok(&["dump", "--json"]).json();
    let map = ferronic_host::device::tool_map();
    assert_eq!(dump.as_array().unwrap().len(), map.regs().count());
    let c = b.ok(&["counters", "--clear", "--all", "--json"]).json();
    let c = c["counters"].as_object().unwrap();
    assert_eq!(c.len(), map.counters.len());
    assert!(c.values().all(|v| v == 0), "{c:?}");
    let st = b.ok(&["selftest", "--json"]).json();
    assert_eq!(st["passed"], true, "{st}");
    let r = nicctl_env(&["--device", &b.device, "reset"], None);
    assert_eq!(r.code, i32::from(exit::SETUP), "{}", r.stderr);
    let stats = b.stop();
    assert_eq!(stats.bad_frames, 0);
    assert!(stats.answered >= 100, "{stats:?}");
}

#[test]
fn a_lost_byte_and_a_damaged_byte_are_sent_again() {
    // the 4th byte of the first request never arrives; the 5th byte the
    // board sends (a data byte of its first answer, a read) is inverted, so
    // a host that took the answer without its CRC would read a wrong value
    let faults = Faults {
        drop_in: vec![3],
        corrupt_out: vec![4],
    };
    let b = Board::start(faults, 9_600);
    let r = b.ok(&["reg", "read", "identity.magic", "--json"]).json();
    assert_eq!(r["value"], ferronic_regmap::MAGIC);
    b.ok(&["reg", "write", "identity.scratch", "0x00c0ffee"]);
    let r = b.ok(&["reg", "read", "identity.scratch", "--json"]).json();
    assert_eq!(r["value"], 0x00c0_ffeeu32);
    let stats = b.stop();
    // the cut request was dropped by the bridge; the damaged answer was
    // refused by nicctl (its request answered twice)
    assert!(stats.bad_frames >= 1, "{stats:?}");
    assert!(stats.answered >= 4, "{stats:?}");
}

#[test]
fn a_missing_port_is_named() {
    let r = nicctl_env(
        &["--device", "serial:/dev/ferronic-no-such-tty", "info"],
        None,
    );
    assert_eq!(r.code, i32::from(exit::NO_DEVICE), "{}", r.stderr);
    assert!(
        r.stderr.contains("/dev/ferronic-no-such-tty"),
        "{}",
        r.stderr
    );
    let r = nicctl_env(&["--device", "serial:/dev/ttyUSB0@fast", "info"], None);
    assert_eq!(r.code, i32::from(exit::USAGE), "{}", r.stderr);
    assert!(r.stderr.contains("baud rate"), "{}", r.stderr);
}

/// The open board (issue 16): the capture's 10 frames go into port 0
/// as the server starts; `nicctl` finds the open map, counts them, moves
/// the tag configuration, clears the counters and passes its selftest.
#[test]
fn nicctl_reads_the_open_boards_registers() {
    use ferronic_sim::tools::open_core::OpenCore;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../sim/testdata/edsa.pcap");
    let frames: Vec<Vec<u8>> = ferronic_sim::tools::capture::read(path.as_ref())
        .expect("the bundled capture")
        .frames
        .iter()
        .map(|f| ferronic_sim::model::frame::append_fcs(&f.data))
        .collect();
    let n = frames.len() as u64;
    let make = move || {
        let mut core = OpenCore::new();
        for f in &frames {
            core.send_port0(f);
        }
        UartBoard::with_target(Box::new(core), 8)
    };
    let b = Board::start_with(make, Faults::default(), 115_200);
    let open = ferronic_regmap::RegMap::new(ferronic_regmap::MapParams::open_board());
    let info = b.ok(&["info", "--json"]).json();
    assert_eq!(info["map_hash_matches"], true, "{info}");
    let caps = info["identity"]["capabilities"].as_u64().unwrap() as u32;
    assert_ne!(caps & ferronic_regmap::caps::OPEN, 0, "{caps:#x}");
    assert_eq!(info["identity"]["map_hash"], open.hash);
    // the board file's [datapath] at reset
    let t = b.ok(&["tag", "--json"]).json();
    assert_eq!(
        (t["format"].as_str(), t["mode"].as_str()),
        (Some("rtl8_4"), Some("tail"))
    );
    let c = b.ok(&["counters", "--all", "--json"]).json();
    let c = &c["counters"];
    for name in ["P0_RX_FRAMES", "FRAMES_IN", "P1_TX_FRAMES"] {
        assert_eq!(c[name], n, "{name}: {c}");
    }
    for name in [
        "P0_RX_BAD_STARTS",
        "P0_RX_OVERFLOWS",
        "BAD_FCS",
        "P0_TX_FRAMES",
    ] {
        assert_eq!(c[name], 0, "{name}: {c}");
    }
    b.ok(&["tag", "--format", "edsa", "--mode", "strip"]);
    let r = b.ok(&["reg", "read", "datapath.ctrl", "--json"]).json();
    let want = ferronic_regmap::ctrl::RESET
        | u32::from(ferronic_regmap::tag::TagFormat::Edsa.code())
            << ferronic_regmap::ctrl::FORMAT_SHIFT
        | u32::from(ferronic_regmap::tag::TagMode::Strip.code())
            << ferronic_regmap::ctrl::MODE_SHIFT;
    assert_eq!(r["value"], want);
    let dump = b.ok(&["dump", "--json"]).json();
    assert_eq!(dump.as_array().unwrap().len(), open.regs().count());
    let c = b.ok(&["counters", "--clear", "--all", "--json"]).json();
    let c = c["counters"].as_object().unwrap();
    assert_eq!(c.len(), open.counters.len());
    assert!(c.values().all(|v| v == 0), "{c:?}");
    let st = b.ok(&["selftest", "--json"]).json();
    assert_eq!(st["passed"], true, "{st}");
    // MDIO (clause 22) to the two PHY models: BMSR of PHY 0 and 1 (link
    // up), a write to PHY 1 read back, nothing at address 5 (all ones)
    let mdio = |cmd: u32| -> u64 {
        b.ok(&["reg", "write", "open.mdio_cmd", &format!("{cmd:#x}")]);
        for _ in 0..20 {
            let r = b.ok(&["reg", "read", "open.mdio_status", "--json"]).json();
            let v = r["value"].as_u64().unwrap();
            if v & u64::from(ferronic_regmap::mdio::BUSY) == 0 {
                return v;
            }
        }
        panic!("MDIO stayed busy");
    };
    use ferronic_regmap::mdio::read_cmd;
    let bmsr = u64::from(ferronic_sim::tools::open_core::BMSR_LINK_UP);
    assert_eq!(mdio(read_cmd(0, 1)), bmsr);
    assert_eq!(mdio(read_cmd(1, 1)), bmsr);
    assert_eq!(mdio(read_cmd(1, 3)), 0xC916);
    mdio(1 << ferronic_regmap::mdio::PHY_SHIFT | 31 << ferronic_regmap::mdio::REG_SHIFT | 0x0a43);
    assert_eq!(mdio(read_cmd(1, 31)), 0x0a43);
    assert_eq!(mdio(read_cmd(0, 31)), 0, "the write went to PHY 1 only");
    assert_eq!(mdio(read_cmd(5, 1)), 0xFFFF);
    // past the last block: not a register, answered SLVERR
    let r = nicctl_env(&["--device", &b.device, "reg", "read", "0x1c0"], None);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("SLVERR"), "{}", r.stderr);
    let stats = b.stop();
    assert_eq!(stats.bad_frames, 0);
}
