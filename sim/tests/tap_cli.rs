//! The `nicsim tap` binary: it comes up with both namespaces, serves the
//! simulated card, a client's frames in the wire-side namespace enter the
//! card (its counters see them), `--pcap` records the wire side with valid
//! FCSs, and Ctrl-C (SIGINT) removes everything, memory file included.
//! Addresses outside 198.18.0.0/15 are refused. The host side (`nicctl
//! netdev`, TCP both ways) is tested in `host/tests/tap_adopt.rs`. The TAP
//! part needs root: skipped with a message otherwise.

use ferronic_sim::model::frame::fcs_ok;
use ferronic_sim::tools::capture;
use std::io::{BufRead, BufReader};
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
fn client_frames_enter_the_card_and_ctrl_c_cleans_up() {
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
    // the client's kernel resolves the host's address: ARP requests
    // cross the wire into the card (nobody answers: no netdev here)
    let sock = dir.path().join("tap.sock");
    in_ns(&wire, || {
        let s = std::net::UdpSocket::bind("198.18.23.2:0").unwrap();
        for _ in 0..3 {
            let _ = s.send_to(b"hello", "198.18.23.1:9000");
            std::thread::sleep(Duration::from_millis(300));
        }
    })
    .join()
    .unwrap();
    let mut c = ferronic_simlink::Client::connect(&sock, Duration::from_secs(30)).unwrap();
    assert_eq!(c.top, "nic");
    let map = ferronic_regmap::RegMap::new(ferronic_regmap::MapParams {
        dma: true,
        ..Default::default()
    });
    let lo = map.reg("counters.FRAMES_IN_LO").unwrap().offset;
    let seen = match c
        .call(&ferronic_simlink::Request::Read { offset: lo })
        .unwrap()
    {
        ferronic_simlink::Reply::Value { value } => value,
        r => panic!("{r:?}"),
    };
    assert!(seen >= 1, "no frame reached the card");
    drop(c);
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
    assert!(
        cap.frames.len() as u32 >= seen,
        "{} frames",
        cap.frames.len()
    );
    assert!(cap.frames.iter().all(|f| fcs_ok(&f.data)));
    // ARP (EtherType 0x0806) for the host's address
    assert!(cap.frames.iter().any(|f| f.data[12..14] == [0x08, 0x06]));
    assert!(
        !dir.path().join("tap.sock.mem").exists(),
        "memory file left"
    );
}
