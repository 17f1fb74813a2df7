//! The handshake engine's golden model against a real Linux TCP client:
//! the client lives in its own network namespace behind a veth pair; the
//! model answers on a raw packet socket in a second namespace. The
//! client's kernel must accept the model's SYN-ACK (cookie ISN, options,
//! checksums), and its ACK must validate as a handoff record; a SYN to a
//! closed port gets RST/ACK (connection refused); a burst of real SYNs is
//! answered one for one. Root only: skipped with a message otherwise.

use ferronic_hdl::rx::tag::{TagFormat, TagMode};
use ferronic_sim::harness::{Job, Nic, RunOpts};
use ferronic_sim::model::frame::{append_fcs, fcs_ok};
use ferronic_sim::model::handshake::{process, Action, Config, Handoff};
use ferronic_sim::model::syncookie::Secrets;
use ferronic_sim::tools::netns::{Netns, PacketSocket};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

const SERVER: &str = "198.18.7.1";
const CLIENT: &str = "198.18.7.2";

struct Lab {
    client: Netns,
    nic: Netns,
}

/// Two namespaces joined by a veth pair; the client has 198.18.7.2/24 and
/// a permanent neighbour entry for the server address (nobody answers ARP
/// on the NIC side, which has no address, so its kernel stays silent).
fn lab(tag: &str) -> Option<Lab> {
    let id = format!("{}{}", tag, std::process::id() % 100_000);
    let client = match Netns::new(&format!("fnc{id}")) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("skipped: network namespaces are not permitted here ({e})");
            return None;
        }
    };
    let nic = Netns::new(&format!("fnn{id}")).unwrap();
    ferronic_sim::tools::netns::ip(&[
        "link",
        "add",
        "vc",
        "netns",
        &client.name,
        "type",
        "veth",
        "peer",
        "name",
        "vn",
        "netns",
        &nic.name,
    ])
    .unwrap();
    client
        .ip(&["addr", "add", &format!("{CLIENT}/24"), "dev", "vc"])
        .unwrap();
    client.ip(&["link", "set", "vc", "up"]).unwrap();
    nic.ip(&["link", "set", "vn", "up"]).unwrap();
    let mac = nic.mac("vn").unwrap();
    let mac_s: Vec<String> = mac.iter().map(|b| format!("{b:02x}")).collect();
    client
        .ip(&[
            "neigh",
            "add",
            SERVER,
            "lladdr",
            &mac_s.join(":"),
            "dev",
            "vc",
            "nud",
            "permanent",
        ])
        .unwrap();
    Some(Lab { client, nic })
}

/// A veth carries the sender's TCP checksum unfinished (checksum offload:
/// only the pseudo-header sum is there); a NIC would have completed it on
/// the wire, so the test does here what that NIC would have done.
fn fill_tcp_checksum(f: &mut [u8]) {
    if f.len() < 54 || f[12..14] != [8, 0] || f[23] != 6 {
        return;
    }
    let ihl = usize::from(f[14] & 0xf) * 4;
    let total = usize::from(u16::from_be_bytes([f[16], f[17]]));
    let Some(seg) = f.get(14 + ihl..14 + total) else {
        return;
    };
    let Ok(tcp) = etherparse::TcpSlice::from_slice(seg) else {
        return;
    };
    let src: [u8; 4] = f[26..30].try_into().unwrap();
    let dst: [u8; 4] = f[30..34].try_into().unwrap();
    let sum = tcp.calc_checksum_ipv4(src, dst).unwrap();
    f[14 + ihl + 16..14 + ihl + 18].copy_from_slice(&sum.to_be_bytes());
}

/// What the responder saw.
#[derive(Default, Debug)]
struct Seen {
    handoffs: Vec<Handoff>,
    /// Records read from the gateware's registers.
    records: Vec<[u32; 9]>,
    syn_acks: usize,
    rsts_sent: usize,
    client_rsts: usize,
    bad_cookies: usize,
}

/// Runs the model (or the Verilated core, `gateware`) on the NIC side
/// until `stop`; returns what it did.
fn responder(
    nic: &Netns,
    cfg: Config,
    gateware: bool,
    stop: Arc<AtomicBool>,
    ready: mpsc::Sender<()>,
) -> Seen {
    nic.enter().unwrap();
    let sock = PacketSocket::open("vn", Duration::from_millis(50)).unwrap();
    let mut core = gateware.then(|| {
        let mut n = Nic::new(&RunOpts {
            max_idle: 50_000,
            ..RunOpts::default()
        })
        .unwrap();
        n.configure_handshake(&cfg).unwrap();
        n
    });
    ready.send(()).unwrap();
    let mut seen = Seen::default();
    while !stop.load(Ordering::Relaxed) {
        let Some(mut f) = sock.recv().unwrap() else {
            continue;
        };
        fill_tcp_checksum(&mut f);
        // the client's own RSTs would mean it rejected something we sent
        if f.len() > 47 && f[12..14] == [8, 0] && f[23] == 6 && f[47] & 0x04 != 0 {
            seen.client_rsts += 1;
        }
        if std::env::var_os("HS_DEBUG").is_some() {
            eprintln!("rx {:02x?}", &f[..f.len().min(80)]);
        }
        if let Some(core) = core.as_mut() {
            gateware_step(core, &cfg, &f, &sock, &mut seen);
            continue;
        }
        match process(&cfg, &f) {
            Action::SynAck(r) => {
                if std::env::var_os("HS_DEBUG").is_some() {
                    eprintln!("tx {r:02x?}");
                }
                sock.send(&r).unwrap();
                seen.syn_acks += 1;
            }
            Action::Rst(r) => {
                sock.send(&r).unwrap();
                seen.rsts_sent += 1;
            }
            Action::Handoff(h) => seen.handoffs.push(h),
            Action::BadCookie => seen.bad_cookies += 1,
            Action::Pass => {}
        }
    }
    seen
}

/// One received frame through the Verilated core: what leaves on
/// `m_axis_tx` goes back on the wire (FCS stripped, as a MAC would), and
/// must equal the model's answer; handoff records are read through the
/// registers as a driver would.
fn gateware_step(core: &mut Nic, cfg: &Config, f: &[u8], sock: &PacketSocket, seen: &mut Seen) {
    let mut w = f.to_vec();
    if w.len() < 60 {
        w.resize(60, 0);
    }
    let model = process(cfg, &w);
    let consumed = usize::from(matches!(model, Action::SynAck(_) | Action::Rst(_)));
    let job = Job {
        frame: append_fcs(&w),
        format: TagFormat::None,
        mode: TagMode::Pass,
    };
    let r = core.run_consumed(&[job], consumed, |_| {}).unwrap();
    for t in &r.tx_frames {
        assert!(fcs_ok(t), "the core's frame has a valid FCS");
        let g = &t[..t.len() - 4];
        match &model {
            Action::SynAck(m) | Action::Rst(m) => {
                assert_eq!(g, &m[..], "the core answered like the model")
            }
            a => panic!("the core sent a frame where the model does {a:?}"),
        }
        sock.send(g).unwrap();
        if g[47] & 0x04 != 0 {
            seen.rsts_sent += 1;
        } else {
            seen.syn_acks += 1;
        }
    }
    seen.records.extend(core.handoffs().unwrap());
}

fn config() -> Config {
    Config {
        listen: vec![(SERVER.parse::<std::net::Ipv4Addr>().unwrap().octets(), 8080)],
        secrets: Secrets([
            [0x0123_4567_89ab_cdef, 0x1122_3344_5566_7788],
            [0xfeed_face_cafe_beef, 0x0bad_f00d_dead_c0de],
        ]),
        count: 1234,
        ts_now: 987_654_321,
        rst_closed: true,
        ..Config::default()
    }
}

/// Runs `client` in the client namespace while the model answers.
fn with_model<T: Send + 'static>(
    tag: &str,
    client: impl FnOnce() -> T + Send + 'static,
) -> Option<(T, Seen)> {
    with_nic(tag, false, client)
}

/// Runs `client` in the client namespace while the model (or, with
/// `gateware`, the Verilated core) answers on the NIC side.
fn with_nic<T: Send + 'static>(
    tag: &str,
    gateware: bool,
    client: impl FnOnce() -> T + Send + 'static,
) -> Option<(T, Seen)> {
    let lab = lab(tag)?;
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel();
    let nic = Netns {
        name: lab.nic.name.clone(),
    };
    let st = stop.clone();
    let model = std::thread::spawn(move || {
        let s = responder(&nic, config(), gateware, st, tx);
        std::mem::forget(nic); // the Lab deletes it
        s
    });
    rx.recv_timeout(Duration::from_secs(10)).unwrap();
    let cns = Netns {
        name: lab.client.name.clone(),
    };
    let out = std::thread::spawn(move || {
        cns.enter().unwrap();
        std::mem::forget(cns);
        client()
    })
    .join()
    .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, Ordering::Relaxed);
    let seen = model.join().unwrap();
    drop(lab);
    Some((out, seen))
}

fn addr(port: u16) -> SocketAddr {
    format!("{SERVER}:{port}").parse().unwrap()
}

#[test]
fn linux_client_completes_the_handshake_with_the_cookie() {
    let Some((local, seen)) = with_model("a", || {
        let s = TcpStream::connect_timeout(&addr(8080), Duration::from_secs(5))
            .expect("handshake with the model");
        let local = s.local_addr().unwrap();
        // keep the socket open while the ACK reaches the model
        std::thread::sleep(Duration::from_millis(200));
        local
    }) else {
        return;
    };
    assert_eq!(seen.syn_acks, 1, "{seen:?}");
    assert_eq!(
        seen.client_rsts, 0,
        "the client's kernel rejected the SYN-ACK: {seen:?}"
    );
    assert_eq!(seen.handoffs.len(), 1, "{seen:?}");
    let h = &seen.handoffs[0];
    assert_eq!(h.tuple.sport, local.port());
    assert_eq!(
        h.tuple.saddr,
        CLIENT.parse::<std::net::Ipv4Addr>().unwrap().octets()
    );
    assert_eq!(h.tuple.dport, 8080);
    // veth MTU 1500: the client offered 1460, which the cookie carries
    assert_eq!(h.mss, 1460);
    // Linux clients offer timestamps, SACK and window scaling: all came
    // back through the timestamp
    assert!(
        h.timestamps.is_some() && h.options.sack && h.options.wscale.is_some(),
        "{h:?}"
    );
    assert_eq!(h.rcv_wscale, config().wscale);
}

#[test]
fn closed_port_is_refused_and_a_syn_burst_is_answered_one_for_one() {
    let Some(((refused, ok), seen)) = with_model("b", || {
        let refused = TcpStream::connect_timeout(&addr(9), Duration::from_secs(5))
            .unwrap_err()
            .kind();
        let conns: Vec<TcpStream> = (0..40)
            .map(|_| {
                TcpStream::connect_timeout(&addr(8080), Duration::from_secs(5)).expect("handshake")
            })
            .collect();
        std::thread::sleep(Duration::from_millis(300));
        (refused, conns.len())
    }) else {
        return;
    };
    assert_eq!(refused, std::io::ErrorKind::ConnectionRefused);
    assert_eq!(seen.rsts_sent, 1, "{seen:?}");
    assert_eq!(ok, 40);
    assert_eq!(seen.syn_acks, 40, "{seen:?}");
    assert_eq!(seen.handoffs.len(), 40, "{seen:?}");
    let mut ports: Vec<u16> = seen.handoffs.iter().map(|h| h.tuple.sport).collect();
    ports.sort();
    ports.dedup();
    assert_eq!(ports.len(), 40, "one record per connection");
    assert_eq!(seen.client_rsts, 0, "{seen:?}");
}

#[test]
fn linux_client_completes_the_handshake_answered_by_the_gateware() {
    let Some(((local, refused), seen)) = with_nic("g", true, || {
        let refused = TcpStream::connect_timeout(&addr(9), Duration::from_secs(5))
            .unwrap_err()
            .kind();
        let s = TcpStream::connect_timeout(&addr(8080), Duration::from_secs(5))
            .expect("handshake with the Verilated core");
        let local = s.local_addr().unwrap();
        std::thread::sleep(Duration::from_millis(300));
        (local, refused)
    }) else {
        return;
    };
    assert_eq!(
        refused,
        std::io::ErrorKind::ConnectionRefused,
        "RST/ACK from the core"
    );
    assert_eq!((seen.syn_acks, seen.rsts_sent), (1, 1), "{seen:?}");
    assert_eq!(
        seen.client_rsts, 0,
        "the client's kernel rejected the core's SYN-ACK"
    );
    assert_eq!(seen.records.len(), 1, "{seen:?}");
    let r = seen.records[0];
    assert_eq!(
        r[0],
        u32::from(CLIENT.parse::<std::net::Ipv4Addr>().unwrap())
    );
    assert_eq!(r[2], u32::from(local.port()) << 16 | 8080);
    assert_eq!(r[5] >> 16, 1460, "MSS from the cookie");
    // timestamps, SACK and a window scale came back through the TSecr
    assert_eq!(r[8] & 3, 3, "flags {:#x}", r[8]);
    assert_ne!((r[8] >> 4) & 0xf, 0xf);
}
