//! End to end through `nicsim tap` (its bridge, served here in a thread)
//! and `nicctl netdev` (the host interface, through the DMA rings, in the
//! host-side namespace): a real Linux client in the wire-side namespace
//! pings and talks TCP to the host's kernel; it connects to a listened
//! port, the handshake engine answers the SYN, `nicctl adopt` turns the
//! handoff record into a kernel socket with TCP repair, and the client's
//! request and the host's reply cross the simulated card. Root only
//! (namespaces, TAP devices, TCP repair): skipped with a message otherwise.

mod lab;

use ferronic_sim::model::frame::fcs_ok;
use ferronic_sim::tools::tap_bridge::WireSource;
use lab::{seg, Lab, Seg, PORT};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Output};
use std::time::Duration;

#[test]
fn a_real_client_talks_to_an_adopted_socket() {
    let Some(lab) = Lab::start("fta", 21) else {
        return;
    };
    lab.listen();
    let reply = "HTTP/1.0 200 OK\r\nContent-Length: 13\r\n\r\nfrom the host";
    let adopter = lab.adopt(&["--count", "1", "--timeout", "30", "--reply", reply]);
    let server: SocketAddr = format!("{}:{PORT}", lab.server).parse().unwrap();
    let (local, got) = lab.client(move || {
        let mut s = TcpStream::connect_timeout(&server, Duration::from_secs(10)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let local = s.local_addr().unwrap();
        s.write_all(b"GET / HTTP/1.0\r\n\r\n").unwrap();
        let mut got = Vec::new();
        // an RST here would be ECONNRESET
        s.read_to_end(&mut got).unwrap();
        (local, got)
    });
    let Output { status, stdout, .. } = adopter.wait_with_output().unwrap();
    assert!(
        status.success(),
        "nicctl adopt failed: {}",
        String::from_utf8_lossy(&stdout)
    );
    assert_eq!(String::from_utf8_lossy(&got), reply);
    let rec: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
    assert_eq!(rec["adopted"]["client_port"], local.port());
    assert_eq!(rec["adopted"]["local_port"], PORT);
    assert_eq!(rec["adopted"]["mss"], 1460);
    let c = lab.counters();
    for (name, n) in [
        ("HS_SYNS", 1),
        ("HS_SYNACKS", 1),
        ("HS_RSTS", 0),
        ("HS_HANDOFF_OVERFLOWS", 0),
    ] {
        assert_eq!(c[name], n, "{name}: {c}");
    }
    // a pure ACK still acknowledging only the SYN-ACK (the client's answer
    // to the window probe, if it comes before the request) validates again:
    // any further record is of the same connection
    assert_eq!(c["HS_HANDOFFS"], c["HS_COOKIES_VALID"], "{c}");
    let valid = c["HS_COOKIES_VALID"].as_u64().unwrap();
    assert!((1..=2).contains(&valid), "{c}");
    let rest: serde_json::Value = serde_json::from_str(&lab.nicctl(&["--json", "conns"])).unwrap();
    let rest = rest.as_array().unwrap();
    assert_eq!(rest.len() as u64, valid - 1);
    assert!(rest
        .iter()
        .all(|r| r["client_port"] == local.port() && r["peer_isn"] == rec["adopted"]["peer_isn"]));
    let out = lab.finish();
    let segs: Vec<(WireSource, Seg)> = out
        .log
        .iter()
        .filter_map(|f| seg(f).map(|s| (f.source, s)))
        .collect();
    assert!(
        out.log.iter().all(|f| fcs_ok(&f.data)),
        "a bad FCS on the wire"
    );
    // no RST in either direction: the client never saw its connection reset
    assert!(segs.iter().all(|(_, s)| !s.rst), "an RST crossed the wire");
    // the SYN-ACK came from the gateware, and the host never sent one
    let synacks: Vec<_> = segs.iter().filter(|(_, s)| s.syn && s.ack).collect();
    assert_eq!(synacks.len(), 1);
    // (the host's kernel has no listener on PORT: only the engine answers)
    assert_eq!(synacks[0].0, WireSource::Nic);
    assert_eq!(rec["adopted"]["our_isn"], synacks[0].1.seq);
    // the request went in and the reply came from the host's kernel socket
    assert!(segs
        .iter()
        .any(|(src, s)| *src == WireSource::Client && s.payload.starts_with(b"GET /")));
    assert!(segs
        .iter()
        .any(|(src, s)| *src == WireSource::Nic && s.payload.ends_with(b"from the host")));
    // the completing ACK waited for the adoption; nothing timed out
    let gate = &out.netdev["gate"];
    assert!(
        gate["held"].as_u64().unwrap() >= 1 && gate["released"].as_u64().unwrap() >= 1,
        "{gate}"
    );
    assert_eq!(gate["expired"], 0);
    assert_eq!(out.netdev["bad"], 0);
    assert_eq!(out.stats.bad, 0);
}

#[test]
fn a_burst_of_kernel_syns_is_answered_and_handed_off() {
    let Some(lab) = Lab::start("ftb", 22) else {
        return;
    };
    lab.listen();
    const N: usize = 12;
    let server: SocketAddr = format!("{}:{PORT}", lab.server).parse().unwrap();
    // N connects at once from the client's kernel; all must complete
    let streams: Vec<TcpStream> = lab.client(move || {
        let ts: Vec<_> = (0..N)
            .map(|_| {
                std::thread::spawn(move || {
                    TcpStream::connect_timeout(&server, Duration::from_secs(15)).unwrap()
                })
            })
            .collect();
        ts.into_iter().map(|t| t.join().unwrap()).collect()
    });
    let mut ports: Vec<u64> = streams
        .iter()
        .map(|s| u64::from(s.local_addr().unwrap().port()))
        .collect();
    ports.sort_unstable();
    // the handoff records arrive as the ACKs pass: wait for all N
    let mut recs: Vec<serde_json::Value> = Vec::new();
    for _ in 0..100 {
        let v: serde_json::Value = serde_json::from_str(&lab.nicctl(&["--json", "conns"])).unwrap();
        recs.extend(v.as_array().unwrap().iter().cloned());
        if recs.len() >= N {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut rec_ports: Vec<u64> = recs
        .iter()
        .map(|r| r["client_port"].as_u64().unwrap())
        .collect();
    rec_ports.sort_unstable();
    assert_eq!(rec_ports, ports, "one record per connection");
    assert!(recs.iter().all(|r| r["mss"] == 1460 && r["sack"] == true));
    let c = lab.counters();
    for (name, n) in [
        ("HS_SYNS", N),
        ("HS_SYNACKS", N),
        ("HS_COOKIES_VALID", N),
        ("HS_HANDOFFS", N),
        ("HS_GEN_DROPS", 0),
        ("HS_HANDOFF_OVERFLOWS", 0),
    ] {
        assert_eq!(c[name], n as u64, "{name}: {c}");
    }
    drop(streams);
    let out = lab.finish();
    let synacks = out
        .log
        .iter()
        .filter_map(|f| seg(f).map(|s| (f.source, s)))
        .filter(|(_, s)| s.syn && s.ack)
        .collect::<Vec<_>>();
    assert_eq!(synacks.len(), N);
    assert!(synacks.iter().all(|(src, _)| *src == WireSource::Nic));
    assert!(out.log.iter().all(|f| fcs_ok(&f.data)));
    assert!(synacks.iter().all(|(_, s)| s.dport != PORT));
}

#[test]
fn a_server_speaking_first_streams_through_the_nic_and_duplicates_are_skipped() {
    let Some(lab) = Lab::start("ftd", 24) else {
        return;
    };
    lab.listen();
    const BYTES: usize = 300_000;
    let exec = format!("head -c {BYTES} /dev/zero");
    let adopter = lab.adopt(&["--timeout", "4", "--exec", &exec]);
    let server: SocketAddr = format!("{}:{PORT}", lab.server).parse().unwrap();
    let got = lab.client(move || {
        let mut s = TcpStream::connect_timeout(&server, Duration::from_secs(10)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut got = Vec::new();
        s.read_to_end(&mut got).unwrap();
        got
    });
    assert_eq!(got.len(), BYTES);
    assert!(got.iter().all(|&b| b == 0));
    let o = adopter.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    let lines: Vec<serde_json::Value> = serde_json::Deserializer::from_slice(&o.stdout)
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(lines.len(), 1, "one adoption, nothing failed: {lines:?}");
    assert!(lines[0].get("adopted").is_some());
    // the client's answer to the window probe acknowledged only our
    // SYN-ACK, validated again and gave a second record: skipped
    let c = lab.counters();
    let handoffs = c["HS_HANDOFFS"].as_u64().unwrap();
    assert_eq!(handoffs, 2, "{c}");
    assert!(err.contains("1 duplicate record"), "{err}");
    let out = lab.finish();
    assert!(out.log.iter().all(|f| seg(f).is_none_or(|s| !s.rst)));
    let from_host: usize = out
        .log
        .iter()
        .filter(|f| f.source == WireSource::Nic)
        .filter_map(seg)
        .map(|s| s.payload.len())
        .sum();
    assert!(from_host >= BYTES, "{from_host} bytes crossed m_axis_tx");
}

#[test]
fn the_host_interface_pings_and_carries_a_1_mb_transfer_through_the_rings() {
    let Some(lab) = Lab::start("fte", 25) else {
        return;
    };
    // ICMP echo both ways through the rings
    let o = Command::new("ip")
        .args(["netns", "exec", &lab.wire_ns, "ping", "-c", "3", "-W", "10"])
        .arg(&lab.server)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "ping: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    // a plain TCP server in the host's kernel sends 1 MB to the client
    const BYTES: usize = 1 << 20;
    let addr: SocketAddr = format!("{}:9000", lab.server).parse().unwrap();
    let ns = lab.host_ns.clone();
    let listener = std::thread::spawn(move || {
        ferronic_sim::tools::netns::enter(&ns).unwrap();
        std::net::TcpListener::bind(addr).unwrap()
    })
    .join()
    .unwrap();
    let server = std::thread::spawn(move || {
        let (mut c, _) = listener.accept().unwrap();
        let data: Vec<u8> = (0..BYTES).map(|i| (i * 7 % 251) as u8).collect();
        c.write_all(&data).unwrap();
    });
    let (got, secs) = lab.client(move || {
        let t = std::time::Instant::now();
        let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(10)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut got = Vec::new();
        s.read_to_end(&mut got).unwrap();
        (got, t.elapsed().as_secs_f64())
    });
    server.join().unwrap();
    assert_eq!(got.len(), BYTES);
    assert!(got
        .iter()
        .enumerate()
        .all(|(i, &b)| b == (i * 7 % 251) as u8));
    eprintln!(
        "1 MiB through nicsim tap + nicctl netdev: {secs:.2} s, {:.2} MB/s",
        BYTES as f64 / secs / 1e6
    );
    let out = lab.finish();
    assert!(
        out.log.iter().all(|f| fcs_ok(&f.data)),
        "a bad FCS on the wire"
    );
    assert!(out.log.iter().all(|f| seg(f).is_none_or(|s| !s.rst)));
    assert_eq!(out.netdev["bad"], 0);
    assert_eq!(out.netdev["refused"], 0);
    assert_eq!(out.netdev["tx_dropped"], 0);
    // every frame the card put on the wire came from the kernel through
    // the transmit ring (no handshake engine here)
    let nic = out
        .log
        .iter()
        .filter(|f| f.source == WireSource::Nic)
        .count() as u64;
    assert_eq!(out.netdev["from_kernel"], nic);
    assert_eq!(out.stats.wire_out, nic);
}
