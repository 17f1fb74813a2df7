//! `nicsim serve --socket PATH` as a user runs it: the real binary, a
//! client over the socket configuring the core through registers, a real
//! capture injected, and the delivered frames and every counter equal to
//! the golden model.

use ferronic_hdl::rx::tag::{TagFormat, TagMode};
use ferronic_regmap::ctrl;
use ferronic_sim::harness::{ctrl_value, Applied};
use ferronic_sim::model::counters::expected;
use ferronic_sim::model::frame::{append_fcs, process};
use ferronic_sim::model::rss::{steer, RssConfig, MS_KEY};
use ferronic_sim::tools::capture;
use ferronic_simlink::{Client, ErrorKind, Reply, Request};
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

struct Server(Child);

impl Server {
    /// `nicsim serve --socket sock`, killed on drop.
    fn start(sock: &Path) -> Server {
        Server(
            Command::new(env!("CARGO_BIN_EXE_nicsim"))
                .args(["serve", "--socket"])
                .arg(sock)
                .spawn()
                .unwrap(),
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn connect(path: &Path) -> Client {
    let t0 = Instant::now();
    loop {
        match Client::connect(path, Duration::from_secs(120)) {
            Ok(c) => return c,
            Err(e) if t0.elapsed() > Duration::from_secs(30) => {
                panic!("nicsim serve never came up: {e}")
            }
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

fn read(c: &mut Client, map: &ferronic_regmap::RegMap, path: &str) -> u32 {
    let offset = map.reg(path).unwrap().offset;
    match c.call(&Request::Read { offset }).unwrap() {
        Reply::Value { value } => value,
        r => panic!("read {path}: {r:?}"),
    }
}

fn write(c: &mut Client, map: &ferronic_regmap::RegMap, path: &str, value: u32) {
    let offset = map.reg(path).unwrap().offset;
    assert_eq!(
        c.call(&Request::Write { offset, value }).unwrap(),
        Reply::Done,
        "{path}"
    );
}

#[test]
fn replay_over_the_socket_equals_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("nic.sock");
    let _server = Server::start(&sock);
    let mut c = connect(&sock);
    assert!(c.server.starts_with("nicsim "), "{}", c.server);
    let map = ferronic_hdl::verilog::regmap(0, 0);
    assert_eq!(read(&mut c, &map, "identity.MAGIC"), ferronic_regmap::MAGIC);

    // unmapped and out-of-space offsets answer SLVERR, and the link lives on
    for offset in [0xFFFC, 0x1_0000] {
        let r = c.call(&Request::Read { offset }).unwrap();
        assert!(
            matches!(
                r,
                Reply::Error {
                    kind: ErrorKind::Slverr,
                    ..
                }
            ),
            "{r:?}"
        );
    }
    assert!(matches!(
        c.call(&Request::Tx {
            // past the last transmit queue (9 for 8 queues)
            queue: ferronic_hdl::TX_QUEUES as u8 + 1,
            frames: vec![vec![0; 60]]
        })
        .unwrap(),
        Reply::Error {
            kind: ErrorKind::Protocol,
            ..
        }
    ));

    // configure as a driver would: EDSA tail, RSS over 4 queues
    let rss = RssConfig::spread(4, MS_KEY);
    for (k, w) in rss.key.chunks(4).enumerate() {
        write(
            &mut c,
            &map,
            &format!("rss.KEY{k}"),
            u32::from_be_bytes(w.try_into().unwrap()),
        );
    }
    for (k, w) in rss.table.chunks(4).enumerate() {
        write(
            &mut c,
            &map,
            &format!("rss.TABLE{k}"),
            u32::from_le_bytes(w.try_into().unwrap()),
        );
    }
    write(&mut c, &map, "rss.CTRL", 1);
    let (format, mode) = (TagFormat::Edsa, TagMode::Tail);
    write(
        &mut c,
        &map,
        "datapath.CTRL",
        ctrl_value(format, mode) | ctrl::TX_ENABLE,
    );
    write(&mut c, &map, "counters.CLEAR", 1);

    let cap =
        capture::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/edsa.pcap")).unwrap();
    let mut frames: Vec<Vec<u8>> = cap.frames.iter().map(|f| append_fcs(&f.data)).collect();
    // one corrupted FCS, one runt
    frames[3][20] ^= 1;
    frames.push(append_fcs(&[0x5A; 40]));
    let Reply::Frames {
        frames: out,
        cycles,
        ..
    } = c
        .call(&Request::Rx {
            frames: frames.clone(),
        })
        .unwrap()
    else {
        panic!("rx")
    };
    assert!(cycles > 0);
    assert_eq!(out.len(), frames.len());
    let applied = Applied {
        format,
        mode,
        enable: true,
    };
    for (i, (f, o)) in frames.iter().zip(&out).enumerate() {
        let m = process(f, format, mode);
        assert_eq!(o.data, m.frame, "frame {i}");
        assert_eq!(o.tuser, m.tuser, "frame {i}");
        assert_eq!(o.tag, m.tag, "frame {i}");
        let s = steer(&m.frame, &rss);
        assert_eq!((o.queue, o.hash), (s.queue, s.hash), "frame {i}");
    }
    let pairs: Vec<(&[u8], Applied)> = frames.iter().map(|f| (f.as_slice(), applied)).collect();
    let want = expected(&pairs, &rss);
    for (n, def) in map.counters.iter().enumerate() {
        let lo = read(&mut c, &map, &format!("counters.{}_LO", def.name));
        let hi = read(&mut c, &map, &format!("counters.{}_HI", def.name));
        let got = u64::from(hi) << 32 | u64::from(lo);
        assert_eq!(
            got,
            want.get(&def.name).copied().unwrap_or(0),
            "counter {n} {}",
            def.name
        );
    }

    // transmit: the FCS is appended
    let Reply::Frames { frames: tx, .. } = c
        .call(&Request::Tx {
            queue: 2,
            frames: vec![vec![0x11; 60]],
        })
        .unwrap()
    else {
        panic!("tx")
    };
    assert_eq!(tx.len(), 1);
    assert_eq!(tx[0].data, append_fcs(&[0x11; 60]));

    // reset brings the registers back
    assert_eq!(c.call(&Request::Reset).unwrap(), Reply::Done);
    assert_eq!(read(&mut c, &map, "datapath.CTRL"), ctrl::RESET);
    assert_eq!(read(&mut c, &map, "counters.RXQ0_FRAMES_LO"), 0);
}

#[test]
fn nicsim_inject_into_a_running_server() {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("nic.sock");
    let _server = Server::start(&sock);
    let mut c = connect(&sock);
    let map = ferronic_hdl::verilog::regmap(0, 0);
    write(
        &mut c,
        &map,
        "datapath.CTRL",
        ctrl_value(TagFormat::Dsa, TagMode::Strip),
    );
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/dsa.pcap");
    let out = dir.path().join("out.pcapng");
    let o = Command::new(env!("CARGO_BIN_EXE_nicsim"))
        .args(["inject", "--socket"])
        .arg(&sock)
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let cap = capture::read(&input).unwrap();
    let n = cap.frames.len();
    assert!(
        stdout.contains(&format!("{n} frames in, {n} delivered")),
        "{stdout}"
    );
    // the written frames are the model's strip output
    let written = capture::read(&out).unwrap();
    assert_eq!(written.frames.len(), n);
    for (f, w) in cap.frames.iter().zip(&written.frames) {
        assert_eq!(
            w.data,
            process(&append_fcs(&f.data), TagFormat::Dsa, TagMode::Strip).frame
        );
    }
    // and the server counted them
    assert_eq!(read(&mut c, &map, "counters.FRAMES_IN_LO"), n as u32);
    // nobody at the socket: a clear error, exit 2
    drop(_server);
    let o = Command::new(env!("CARGO_BIN_EXE_nicsim"))
        .args(["inject", "--socket", "/nonexistent/x.sock"])
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot connect to /nonexistent/x.sock"));
}
