//! The lab of the end-to-end tests: `nicsim tap`'s bridge served in a
//! thread, `nicctl netdev` in the host-side namespace, helpers to run
//! `nicctl`, `nicctl adopt` and a client in the wire-side namespace, and the
//! TCP view of a logged wire frame.

use etherparse::{SlicedPacket, TransportSlice};
use ferronic_sim::tools::tap_bridge::{BridgeStats, TapBridge, TapConfig, WireFrame};
use ferronic_simlink::{serve, ServeOpts};
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use std::time::Duration;

/// The listened port.
pub const PORT: u16 = 8080;

/// What the bridge saw and `nicctl netdev` counted, when both stop.
pub struct Outcome {
    pub stats: BridgeStats,
    /// `nicctl netdev --json`'s counts (`gate.held`, ...).
    pub netdev: serde_json::Value,
    pub log: Vec<WireFrame>,
}

pub struct Lab {
    _dir: tempfile::TempDir,
    sock: PathBuf,
    pub wire_ns: String,
    pub host_ns: String,
    pub server: String,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<(BridgeStats, Vec<WireFrame>)>>,
    netdev: Option<std::process::Child>,
}

impl Lab {
    /// The bridge with client 198.18.NET.2 and server 198.18.NET.1.
    pub fn start(tag: &str, net: u8) -> Option<Lab> {
        if let Err(why) = ferronic_sim::tools::tap::permitted() {
            eprintln!("skipped: {why}; run as root (namespaces, TAP devices, TCP repair)");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let sock = dir.path().join("tap.sock");
        let listener = ferronic_simlink::server::bind(&sock).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let opts = ServeOpts {
            stop: Some(stop.clone()),
            verbose: false,
        };
        let cfg = TapConfig {
            prefix: format!("{tag}{}", std::process::id() % 100_000),
            wire_addr: format!("198.18.{net}.2/24"),
            mem: dir.path().join("tap.mem"),
            mem_bytes: 32 << 20,
            verbose: false,
        };
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            let mut b = TapBridge::new(&cfg).expect("TAP bridge (root with /dev/net/tun)");
            b.wire_log = Some(Default::default());
            let (w, h) = b.namespaces();
            tx.send((w.to_string(), h.to_string())).unwrap();
            serve(listener, &mut b, &opts).unwrap();
            (b.stats, b.wire_log.take().unwrap().into())
        });
        let (wire_ns, host_ns) = rx.recv_timeout(Duration::from_secs(60)).unwrap();
        let server = format!("198.18.{net}.1");
        // the host interface: nicctl netdev in the host-side namespace
        let netdev = Command::new("ip")
            .args(["netns", "exec", &host_ns])
            .arg(env!("CARGO_BIN_EXE_nicctl"))
            .arg("--device")
            .arg(format!("sim:{}", sock.display()))
            .args(["--json", "netdev", "--hold-ms", "3000", "--addr"])
            .arg(format!("{server}/24"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut lab = Lab {
            _dir: dir,
            sock,
            wire_ns,
            host_ns,
            server,
            stop,
            thread: Some(thread),
            netdev: Some(netdev),
        };
        lab.wait_interface();
        Some(lab)
    }

    /// Waits until `nicctl netdev` has its rings up and fnic0 addressed.
    fn wait_interface(&mut self) {
        let want = format!("inet {}/24", self.server);
        for _ in 0..600 {
            let o = Command::new("ip")
                .args(["-n", &self.host_ns, "addr", "show", "dev", "fnic0"])
                .output()
                .unwrap();
            if String::from_utf8_lossy(&o.stdout).contains(&want) {
                return;
            }
            if let Some(st) = self.netdev.as_mut().unwrap().try_wait().unwrap() {
                let o = self.netdev.take().unwrap().wait_with_output().unwrap();
                panic!(
                    "nicctl netdev exited ({st}): {}",
                    String::from_utf8_lossy(&o.stderr)
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("fnic0 never came up in {}", self.host_ns);
    }

    pub fn device(&self) -> String {
        format!("sim:{}", self.sock.display())
    }

    /// `nicctl --device sim:SOCK ARGS`, asserting success.
    pub fn nicctl(&self, args: &[&str]) -> String {
        let o = Command::new(env!("CARGO_BIN_EXE_nicctl"))
            .arg("--device")
            .arg(self.device())
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "nicctl {args:?}: {o:?}");
        String::from_utf8(o.stdout).unwrap()
    }

    /// The handshake counters, by name.
    pub fn counters(&self) -> serde_json::Value {
        let v: serde_json::Value =
            serde_json::from_str(&self.nicctl(&["--json", "handshake"])).unwrap();
        v["counters"].clone()
    }

    /// Listens on PORT with fresh random secrets, engine on.
    pub fn listen(&self) {
        self.nicctl(&["listen", "add", &format!("{}:{PORT}", self.server)]);
        self.nicctl(&["handshake", "--enable", "--secrets", "random"]);
    }

    /// Starts `nicctl --json adopt ARGS` in the host-side namespace.
    pub fn adopt(&self, args: &[&str]) -> std::process::Child {
        Command::new("ip")
            .args(["netns", "exec", &self.host_ns])
            .arg(env!("CARGO_BIN_EXE_nicctl"))
            .args(["--device", &self.device(), "--json", "adopt"])
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    }

    /// Runs `f` on a thread inside the wire-side (client) namespace.
    pub fn client<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> T {
        let ns = self.wire_ns.clone();
        std::thread::spawn(move || {
            ferronic_sim::tools::netns::enter(&ns).unwrap();
            f()
        })
        .join()
        .unwrap()
    }

    pub fn finish(mut self) -> Outcome {
        let nd = self.netdev.take().unwrap();
        // SAFETY: signalling our own child (`ip netns exec` execs nicctl).
        unsafe { libc::kill(nd.id() as i32, libc::SIGTERM) };
        let o = nd.wait_with_output().unwrap();
        assert!(
            o.status.success(),
            "nicctl netdev: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let netdev: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        self.stop.store(true, Ordering::Relaxed);
        let (stats, log) = self.thread.take().unwrap().join().unwrap();
        Outcome { stats, netdev, log }
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        if let Some(mut nd) = self.netdev.take() {
            let _ = nd.kill();
            let _ = nd.wait();
        }
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// TCP flags and payload length of a logged frame (FCS removed), if TCP.
pub struct Seg {
    pub syn: bool,
    pub ack: bool,
    pub rst: bool,
    pub seq: u32,
    pub dport: u16,
    pub payload: Vec<u8>,
}

pub fn seg(f: &WireFrame) -> Option<Seg> {
    let p = SlicedPacket::from_ethernet(&f.data[..f.data.len() - 4]).ok()?;
    match p.transport? {
        TransportSlice::Tcp(t) => Some(Seg {
            syn: t.syn(),
            ack: t.ack(),
            rst: t.rst(),
            seq: t.sequence_number(),
            dport: t.destination_port(),
            payload: t.payload().to_vec(),
        }),
        _ => None,
    }
}
