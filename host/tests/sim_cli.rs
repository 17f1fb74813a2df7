//! Every `nicctl` command end to end against the simulated NIC: over a
//! `nicsim serve` socket (served by the same code in a thread here) and in
//! process (`sim:`). `--json` output is parsed back; after a real capture is
//! replayed, the counters nicctl reads equal the golden model.

mod common;

use common::nicctl_env;
use ferronic_host::backend::sim::SimDevice;
use ferronic_host::error::exit;
use ferronic_host::regio::RegIo;
use ferronic_regmap::ctrl;
use ferronic_regmap::tag::{TagFormat, TagMode};
use ferronic_sim::harness::Applied;
use ferronic_sim::model::counters::expected;
use ferronic_sim::model::frame::{append_fcs, process};
use ferronic_sim::model::rss::{steer, RssConfig, MS_KEY};
use ferronic_simlink::{serve, ServeOpts};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

/// `nicsim serve` in a thread, stopped on drop.
struct Server {
    _dir: tempfile::TempDir,
    sock: PathBuf,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let sock = dir.path().join("nic.sock");
        let listener = ferronic_simlink::server::bind(&sock).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let opts = ServeOpts {
            stop: Some(stop.clone()),
            verbose: false,
        };
        let thread = std::thread::spawn(move || {
            let mut nic = ferronic_sim::tools::serve::SimNic::new().unwrap();
            serve(listener, &mut nic, &opts).unwrap();
        });
        Server {
            _dir: dir,
            sock,
            stop,
            thread: Some(thread),
        }
    }

    fn device(&self) -> String {
        format!("sim:{}", self.sock.display())
    }

    /// Runs nicctl on this device; asserts the exit status.
    fn ok(&self, args: &[&str]) -> common::Run {
        let r = self.run(args);
        assert_eq!(r.code, 0, "nicctl {args:?}: {}{}", r.stdout, r.stderr);
        r
    }

    fn run(&self, args: &[&str]) -> common::Run {
        let d = self.device();
        let mut a = vec!["--device", d.as_str()];
        a.extend_from_slice(args);
        nicctl_env(&a, None)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn ms_key_hex() -> String {
    hex::encode(MS_KEY)
}

#[test]
fn every_command_over_the_socket() {
    let s = Server::start();
    let info = s.ok(&["info", "--json"]).json();
    assert_eq!(info["backend"], "sim-socket");
    assert_eq!(info["identity"]["magic"], ferronic_regmap::MAGIC);
    assert_eq!(info["map_hash_matches"], true);
    let names: Vec<&str> = info["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["identity", "datapath", "rss", "counters", "handshake"]
    );
    assert!(info["warnings"].as_array().unwrap().is_empty());
    let text = s.ok(&["info"]).stdout;
    assert!(
        text.contains("0x46455252 (FERR)") && text.contains("matches this tool"),
        "{text}"
    );

    // registers by name (any case) and by offset; the value persists in the core
    let w = s
        .ok(&["reg", "write", "identity.scratch", "0x5eed1234", "--json"])
        .json();
    assert_eq!(w["value"], 0x5eed_1234u32);
    let off = w["offset"].as_u64().unwrap();
    let r = s
        .ok(&["reg", "read", &format!("{off:#x}"), "--json"])
        .json();
    assert_eq!(
        (r["name"].as_str(), r["value"].as_u64()),
        (Some("identity.SCRATCH"), Some(0x5eed_1234))
    );

    let dump = s.ok(&["dump", "--json"]).json();
    let rows = dump.as_array().unwrap();
    assert_eq!(rows.len(), ferronic_host::device::tool_map().regs().count());
    let scratch = rows
        .iter()
        .find(|r| r["name"] == "identity.SCRATCH")
        .unwrap();
    assert_eq!(scratch["value"], 0x5eed_1234u32);
    let clear = rows.iter().find(|r| r["name"] == "counters.CLEAR").unwrap();
    assert!(clear["value"].is_null() && clear["access"] == "wo");

    // tag format and mode land in datapath.CTRL, the rest of CTRL kept
    let t = s
        .ok(&["tag", "--format", "edsa", "--mode", "tail", "--json"])
        .json();
    assert_eq!(
        (t["format"].as_str(), t["mode"].as_str()),
        (Some("edsa"), Some("tail"))
    );
    let want = ctrl::RESET
        | u32::from(TagFormat::Edsa.code()) << ctrl::FORMAT_SHIFT
        | u32::from(TagMode::Tail.code()) << ctrl::MODE_SHIFT;
    assert_eq!(t["ctrl"], want);
    assert_eq!(
        s.ok(&["reg", "read", "datapath.CTRL", "--json"]).json()["value"],
        want
    );

    // RSS key, table and enable read back
    let r = s
        .ok(&[
            "rss",
            "--key",
            &ms_key_hex(),
            "--queues",
            "4",
            "--enable",
            "--json",
        ])
        .json();
    assert_eq!(r["enable"], true);
    assert_eq!(r["key"], ms_key_hex());
    let table: Vec<u64> = r["table"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(table, (0..128).map(|i| i % 4).collect::<Vec<u64>>());
    let r = s
        .ok(&["rss", "--table", "7,6", "--disable", "--json"])
        .json();
    assert_eq!(r["enable"], false);
    assert_eq!(r["table"][0], 7);
    assert_eq!(r["table"][127], 6);

    // selftest: all five PASSED in simulation (traffic and transmit included)
    let st = s.ok(&["selftest", "--json"]).json();
    assert_eq!(st["passed"], true);
    for x in st["tests"].as_array().unwrap() {
        assert_eq!(x["outcome"], "PASSED", "{x}");
    }
    let text = s.ok(&["selftest"]).stdout;
    assert!(text.contains("selftest: PASSED"), "{text}");
    // selftest restored CTRL
    assert_eq!(
        s.ok(&["reg", "read", "datapath.CTRL", "--json"]).json()["value"],
        want
    );

    // counters: cleared, then two watched samples as JSON lines
    let c = s.ok(&["counters", "--clear", "--all", "--json"]).json();
    assert_eq!(
        c["counters"].as_object().unwrap().len(),
        ferronic_host::device::tool_map().counters.len()
    );
    assert!(c["counters"].as_object().unwrap().values().all(|v| v == 0));
    let w = s
        .ok(&["counters", "--watch", "0.05", "--count", "2", "--json"])
        .stdout;
    let lines: Vec<serde_json::Value> = w
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["sample"], 2);
    assert_eq!(lines[1]["rates_per_second"]["FRAMES_IN"], 0.0);

    // reset: registers back to their reset values
    let r = s.ok(&["reset", "--json"]).json();
    assert_eq!(r["ctrl"], ctrl::RESET);
    assert_eq!(
        s.ok(&["reg", "read", "identity.SCRATCH", "--json"]).json()["value"],
        0
    );
}

#[test]
fn replay_through_the_socket_then_counters_equal_the_model() {
    let s = Server::start();
    s.ok(&["tag", "--format", "edsa", "--mode", "strip"]);
    s.ok(&["rss", "--key", &ms_key_hex(), "--queues", "4", "--enable"]);
    s.ok(&["counters", "--clear"]);
    let cap = ferronic_sim::tools::capture::read(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../sim/testdata/edsa.pcap"),
    )
    .unwrap();
    let mut frames: Vec<Vec<u8>> = cap.frames.iter().map(|f| append_fcs(&f.data)).collect();
    frames[2][30] ^= 4; // a bad FCS
                        // the host library's frame port, over its own connection
    let mut dev = SimDevice::socket(&s.sock).unwrap();
    let out = dev.frames().unwrap().rx(frames.clone()).unwrap().host;
    let (format, mode) = (TagFormat::Edsa, TagMode::Strip);
    let rss = RssConfig::spread(4, MS_KEY);
    assert_eq!(out.len(), frames.len());
    for (f, o) in frames.iter().zip(&out) {
        let m = process(f, format, mode);
        assert_eq!((&o.data, o.tuser, o.tag), (&m.frame, m.tuser, m.tag));
        assert_eq!(o.queue, steer(&m.frame, &rss).queue);
    }
    let applied = Applied {
        format,
        mode,
        enable: true,
    };
    let pairs: Vec<(&[u8], Applied)> = frames.iter().map(|f| (f.as_slice(), applied)).collect();
    let want = expected(&pairs, &rss);
    let got = s.ok(&["counters", "--all", "--json"]).json();
    let got = got["counters"].as_object().unwrap();
    assert_eq!(got.len(), ferronic_host::device::tool_map().counters.len());
    for (name, v) in got {
        assert_eq!(
            v.as_u64().unwrap(),
            want.get(name).copied().unwrap_or(0),
            "{name}"
        );
    }
    assert_eq!(got["BAD_FCS"], 1);
    assert_eq!(got["MIGRATED"], 10);
    // the table shows the same figures
    let text = s.ok(&["counters"]).stdout;
    assert!(
        text.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["FRAMES_IN", "10"]),
        "{text}"
    );
}

#[test]
fn in_process_simulated_nic() {
    // the library's own `sim:` backend (feature sim): a fresh core per open
    let run = |args: &[&str]| {
        let mut a = vec!["nicctl", "--device", "sim:"];
        a.extend_from_slice(args);
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = ferronic_host::cli::run(a.iter().map(Into::into), &mut out, &mut err);
        (
            code,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    };
    let (code, out, err) = run(&["info", "--json"]);
    assert_eq!(code, 0, "{err}");
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["backend"], "sim");
    let (code, out, err) = run(&["selftest", "--json"]);
    assert_eq!(code, 0, "{err}");
    let j: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["tests"].as_array().unwrap().len(), 5);
    assert!(
        j["tests"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["outcome"] == "PASSED"),
        "{j}"
    );
    let (code, out, _) = run(&["dump"]);
    assert_eq!(code, 0);
    assert!(out.contains("counters.RXQ7_ERRORS_HI"), "{out}");
}

#[test]
fn errors_have_their_exit_status_and_fix() {
    let s = Server::start();
    let cases: [(&[&str], u8, &str); 7] = [
        (
            &["reg", "read", "identity.SCRACH"],
            exit::USAGE,
            "no register `identity.SCRACH`",
        ),
        (
            &["reg", "read", "ctrl"],
            exit::USAGE,
            "did you mean datapath.CTRL",
        ),
        (&["reg", "read", "0x2"], exit::ACCESS, "not 4-byte aligned"),
        (&["reg", "read", "0xfffc"], exit::ACCESS, "SLVERR"),
        (&["rss", "--key", "abcd"], exit::USAGE, "40 bytes"),
        (&["rss", "--queues", "9"], exit::USAGE, "8 receive queues"),
        (
            &["counters", "--watch", "0"],
            exit::USAGE,
            "positive number",
        ),
    ];
    for (args, code, text) in cases {
        let r = s.run(args);
        assert_eq!(r.code, i32::from(code), "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(text), "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("nicctl: fix: "), "{args:?}: {}", r.stderr);
    }
    // no server at the path
    let r = nicctl_env(&["--device", "sim:/nonexistent/nic.sock", "info"], None);
    assert_eq!(r.code, i32::from(exit::NO_DEVICE), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("nicsim -- serve --socket /nonexistent/nic.sock"),
        "{}",
        r.stderr
    );
    let j = nicctl_env(
        &["--device", "sim:/nonexistent/nic.sock", "info", "--json"],
        None,
    )
    .json();
    assert_eq!(j["errno"], libc::ENOENT);
    // bad names and no device at all
    for (args, text) in [
        (&["--device", "eth0", "info"][..], "bad device name `eth0`"),
        (&["info"][..], "no device given"),
    ] {
        let r = nicctl_env(args, None);
        assert_eq!(r.code, i32::from(exit::USAGE), "{}", r.stderr);
        assert!(r.stderr.contains(text), "{}", r.stderr);
    }
    // clap's own usage errors exit 2 too
    assert_eq!(nicctl_env(&["frobnicate"], None).code, 2);
    assert_eq!(nicctl_env(&["--help"], None).code, 0);
}

/// A TCP segment client -> 198.18.1.1:80 with FCS.
fn tcp(seq: u32, ack: Option<u32>, syn: bool, opts: &[etherparse::TcpOptionElement]) -> Vec<u8> {
    let mut b = etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 2], [2, 0, 0, 0, 0, 1])
        .ipv4([198, 18, 0, 2], [198, 18, 1, 1], 64)
        .tcp(40001, 80, seq, 64240);
    if syn {
        b = b.syn();
    }
    if let Some(a) = ack {
        b = b.ack(a);
    }
    let b = b.options(opts).unwrap();
    let mut f = Vec::new();
    b.write(&mut f, &[]).unwrap();
    f.resize(f.len().max(60), 0);
    append_fcs(&f)
}

#[test]
fn listen_handshake_and_conns_over_the_socket() {
    use etherparse::TcpOptionElement as O;
    let s = Server::start();
    let l = s.ok(&["listen", "add", "198.18.1.1:80", "--json"]).json();
    assert_eq!(l["listen"][0], "198.18.1.1:80");
    let hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    let h = s
        .ok(&[
            "handshake",
            "--enable",
            "--closed",
            "rst",
            "--secrets",
            hex,
            "--clock-div",
            "0",
            "--json",
        ])
        .json();
    assert_eq!(h["settings"]["ctrl"], 3);
    let mut dev = SimDevice::socket(&s.sock).unwrap();
    // a Linux-style SYN: consumed, answered on the wire
    let syn = tcp(
        1000,
        None,
        true,
        &[
            O::MaximumSegmentSize(1460),
            O::SelectiveAcknowledgementPermitted,
            O::Timestamp(777, 0),
            O::Noop,
            O::WindowScale(7),
        ],
    );
    let out = dev.frames().unwrap().rx(vec![syn]).unwrap();
    assert!(out.host.is_empty(), "the SYN never reaches the host");
    assert_eq!(out.wire.len(), 1, "one SYN-ACK");
    let sa = &out.wire[0].data;
    let p = etherparse::SlicedPacket::from_ethernet(&sa[..sa.len() - 4]).unwrap();
    let Some(etherparse::TransportSlice::Tcp(t)) = p.transport else {
        panic!("TCP")
    };
    assert!(t.syn() && t.ack() && t.acknowledgment_number() == 1001);
    let isn = t.sequence_number();
    let tsval = t
        .options_iterator()
        .flatten()
        .find_map(|o| {
            if let O::Timestamp(v, _) = o {
                Some(v)
            } else {
                None
            }
        })
        .expect("timestamps");
    // the ACK completing it goes to the host, and a record is waiting
    let ack = tcp(
        1001,
        Some(isn.wrapping_add(1)),
        false,
        &[O::Noop, O::Noop, O::Timestamp(778, tsval)],
    );
    let out = dev.frames().unwrap().rx(vec![ack]).unwrap();
    assert_eq!((out.host.len(), out.wire.len()), (1, 0));
    let c = s.ok(&["conns", "--json"]).json();
    let c = c.as_array().unwrap();
    assert_eq!(c.len(), 1);
    assert_eq!(c[0]["client"], "198.18.0.2");
    assert_eq!(c[0]["client_port"], 40001);
    assert_eq!(c[0]["our_isn"], isn);
    assert_eq!(c[0]["peer_isn"], 1000);
    assert_eq!(c[0]["mss"], 1460);
    assert_eq!(c[0]["sack"], true);
    assert_eq!(c[0]["snd_wscale"], 7);
    assert_eq!(c[0]["timestamps"], serde_json::json!([778, tsval]));
    // popped: nothing left
    assert_eq!(
        s.ok(&["conns", "--json"]).json().as_array().unwrap().len(),
        0
    );
    let h = s.ok(&["handshake", "--json"]).json();
    assert_eq!(h["counters"]["HS_SYNS"], 1);
    assert_eq!(h["counters"]["HS_HANDOFFS"], 1);
    // after `listen del`, the port is closed: RST/ACK (closed = rst)
    s.ok(&["listen", "del", "198.18.1.1:80"]);
    assert!(s.ok(&["listen", "list", "--json"]).json()["listen"]
        .as_array()
        .unwrap()
        .is_empty());
    let out = dev
        .frames()
        .unwrap()
        .rx(vec![tcp(5, None, true, &[])])
        .unwrap();
    assert_eq!(out.wire.len(), 1);
    assert_eq!(out.wire[0].data[47] & 0x14, 0x14, "RST/ACK");
    // bad arguments
    let r = s.run(&["listen", "del", "198.18.1.1:81"]);
    assert_eq!(r.code, i32::from(exit::USAGE), "{}", r.stderr);
    let r = s.run(&["handshake", "--secrets", "abcd"]);
    assert_eq!(r.code, i32::from(exit::USAGE), "{}", r.stderr);
}
