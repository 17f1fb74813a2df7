//! The `nicsim tap` binary: it comes up with both namespaces, a plain TCP
//! exchange between a client in the wire-side namespace and a server in
//! the host-side namespace crosses the simulated NIC in both directions,
//! `--pcap` records the wire side with valid FCSs, and Ctrl-C (SIGINT)
//! removes everything. Addresses outside 198.18.0.0/15 are refused. The
//! TAP part needs root: skipped with a message otherwise.

use ferronic_sim::model::frame::fcs_ok;
use ferronic_sim::tools::capture;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn nicsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_nicsim"))
}

#[test]
fn addresses_outside_the_benchmarking_space_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let o = nicsim()
        .args(["tap", "--wire-addr", "10.0.0.2/24", "--socket"])
        .arg(dir.path().join("s.sock"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("198.18.0.0/15"), "{err}");
}

/// Runs `f` on a thread inside namespace `ns`.
fn in_ns<T: Send + 'static>(
    ns: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> std::thread::JoinHandle<T> {
    let ns = ns.to_string();
    std::thread::spawn(move || {
        ferronic_sim::tools::netns::enter(&ns).unwrap();
        f()
    })
}

#[test]
fn tcp_crosses_the_simulated_nic_and_ctrl_c_cleans_up() {
    if let Err(why) = ferronic_sim::tools::tap::permitted() {
        eprintln!("skipped: {why}; nicsim tap needs root");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pcap = dir.path().join("wire.pcapng");
    let prefix = format!("ftc{}", std::process::id() % 100_000);
    let mut child = nicsim()
        .args(["tap", "--prefix", &prefix])
        .args([
            "--wire-addr",
            "198.18.23.2/24",
            "--host-addr",
            "198.18.23.1/24",
        ])
        .arg("--socket")
        .arg(dir.path().join("tap.sock"))
        .arg("--pcap")
        .arg(&pcap)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (tx, rx) = mpsc::channel();
    let rest = std::thread::spawn(move || {
        for l in lines.by_ref() {
            let l = l.unwrap();
            let ready = l.starts_with("ready");
            tx.send(l).unwrap();
            if ready {
                break;
            }
        }
        lines.map(Result::unwrap).collect::<Vec<_>>()
    });
    let mut banner = Vec::new();
    while !banner
        .last()
        .is_some_and(|l: &String| l.starts_with("ready"))
    {
        banner.push(
            rx.recv_timeout(Duration::from_secs(120))
                .expect("nicsim tap ready"),
        );
    }
    let wire = format!("{prefix}-wire");
    let host = format!("{prefix}-host");
    assert!(banner
        .iter()
        .any(|l| l.contains(&wire) && l.contains("198.18.23.2/24")));
    let listener = in_ns(&host, || TcpListener::bind("198.18.23.1:9000").unwrap())
        .join()
        .unwrap();
    let server = std::thread::spawn(move || {
        let (mut c, _) = listener.accept().unwrap();
        let mut buf = [0u8; 64];
        let n = c.read(&mut buf).unwrap();
        c.write_all(&[b"pong:", &buf[..n]].concat()).unwrap();
    });
    let got = in_ns(&wire, || {
        let mut s = TcpStream::connect_timeout(
            &"198.18.23.1:9000".parse().unwrap(),
            Duration::from_secs(10),
        )
        .unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.write_all(b"ping").unwrap();
        let mut got = Vec::new();
        s.read_to_end(&mut got).unwrap();
        got
    })
    .join()
    .unwrap();
    server.join().unwrap();
    assert_eq!(got, b"pong:ping");
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    let rest = rest.join().unwrap();
    assert!(
        rest.iter().any(|l| l.starts_with("nicsim tap: wire")),
        "{rest:?}"
    );
    let ns = Command::new("ip").args(["netns", "list"]).output().unwrap();
    let ns = String::from_utf8_lossy(&ns.stdout);
    assert!(
        !ns.contains(&wire) && !ns.contains(&host),
        "namespaces left: {ns}"
    );
    let cap = capture::read(&pcap).unwrap();
    assert!(cap.frames.len() >= 8, "{} frames", cap.frames.len());
    assert!(cap.frames.iter().all(|f| fcs_ok(&f.data)));
    let has = |needle: &[u8]| {
        cap.frames
            .iter()
            .any(|f| f.data.windows(needle.len()).any(|w| w == needle))
    };
    assert!(has(b"ping") && has(b"pong:ping"));
}
