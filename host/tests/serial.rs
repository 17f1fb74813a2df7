//! `nicctl --device serial:PATH` against the Verilated UART bridge and
//! `nic_core` behind a pseudo-terminal (`nicsim serve-uart`'s server, in a
//! thread here): the commands work over the line, a lost request byte and
//! a damaged response byte are recovered by sending again, and a missing
//! port is named.

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
        let pty = Pty::open().expect("openpty");
        let device = format!("serial:{}@{baud}", pty.path.display());
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        let thread = std::thread::spawn(move || {
            serve_pty(UartBoard::new(), &pty, &faults, &s).expect("the bridge keeps the protocol")
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
