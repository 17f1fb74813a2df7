//! RSS: the Toeplitz hash against the Microsoft RSS verification vectors
//! (model and core), and steering of random, often malformed, frames
//! against the golden model with a programmed key and indirection table.

use etherparse::PacketBuilder;
use ferronic_hdl::rx::tag::{TagFormat, TagMode};
use ferronic_sim::harness::{Job, Nic, RunOpts};
use ferronic_sim::model::frame::append_fcs;
use ferronic_sim::model::rss::{steer, toeplitz, tuple, RssConfig, MS_KEY};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::net::{Ipv4Addr, Ipv6Addr};

/// (src, sport, dst, dport, hash of addresses only, hash with ports), from
/// the Microsoft RSS specification ("Verifying the RSS Hash Calculation").
const V4: [(&str, u16, &str, u16, u32, u32); 5] = [
    (
        "66.9.149.187",
        2794,
        "161.142.100.80",
        1766,
        0x323e8fc2,
        0x51ccc178,
    ),
    (
        "199.92.111.2",
        14230,
        "65.69.140.83",
        4739,
        0xd718262a,
        0xc626b0ea,
    ),
    (
        "24.19.198.95",
        12898,
        "12.22.207.184",
        38024,
        0xd2d0a5de,
        0x5c2b394a,
    ),
    (
        "38.27.205.30",
        48228,
        "209.142.163.6",
        2217,
        0x82989176,
        0xafc7327f,
    ),
    (
        "153.39.163.191",
        44251,
        "202.188.127.2",
        1303,
        0x5d1809c5,
        0x10e828a2,
    ),
];
const V6: [(&str, u16, &str, u16, u32, u32); 3] = [
    (
        "3ffe:2501:200:1fff::7",
        2794,
        "3ffe:2501:200:3::1",
        1766,
        0x2cc18cd5,
        0x40207d3d,
    ),
    (
        "3ffe:501:8::260:97ff:fe40:efab",
        14230,
        "ff02::1",
        4739,
        0x0f0c461c,
        0xdde51bbf,
    ),
    (
        "3ffe:1900:4545:3:200:f8ff:fe21:67cf",
        44251,
        "fe80::200:f8ff:fe21:67cf",
        38024,
        0x4b61e985,
        0x02d1feef,
    ),
];

const MAC: ([u8; 6], [u8; 6]) = ([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2]);

fn v4_frame(src: &str, sp: u16, dst: &str, dp: u16, tcp: bool) -> Vec<u8> {
    let (s, d): (Ipv4Addr, Ipv4Addr) = (src.parse().unwrap(), dst.parse().unwrap());
    let b = PacketBuilder::ethernet2(MAC.0, MAC.1).ipv4(s.octets(), d.octets(), 64);
    let mut out = Vec::new();
    if tcp {
        b.tcp(sp, dp, 1, 1000).write(&mut out, b"hello").unwrap();
    } else {
        // ICMP echo: no ports, hashed as a 2-tuple
        b.icmpv4_echo_request(1, 1)
            .write(&mut out, b"hello")
            .unwrap();
    }
    append_fcs(&out)
}

fn v6_frame(src: &str, sp: u16, dst: &str, dp: u16, tcp: bool) -> Vec<u8> {
    let (s, d): (Ipv6Addr, Ipv6Addr) = (src.parse().unwrap(), dst.parse().unwrap());
    let b = PacketBuilder::ethernet2(MAC.0, MAC.1).ipv6(s.octets(), d.octets(), 64);
    let mut out = Vec::new();
    if tcp {
        b.tcp(sp, dp, 1, 1000).write(&mut out, b"hello").unwrap();
    } else {
        b.icmpv6_echo_request(1, 1)
            .write(&mut out, b"hello")
            .unwrap();
    }
    append_fcs(&out)
}

fn vector_frames() -> Vec<(Vec<u8>, u32)> {
    let mut v = Vec::new();
    for (s, sp, d, dp, h2, h4) in V4 {
        v.push((v4_frame(s, sp, d, dp, false), h2));
        v.push((v4_frame(s, sp, d, dp, true), h4));
    }
    for (s, sp, d, dp, h2, h4) in V6 {
        v.push((v6_frame(s, sp, d, dp, false), h2));
        v.push((v6_frame(s, sp, d, dp, true), h4));
    }
    v
}

#[test]
fn model_matches_the_microsoft_vectors() {
    for (frame, want) in vector_frames() {
        let t = tuple(&frame).unwrap().unwrap();
        assert_eq!(toeplitz(&MS_KEY, &t), want, "{t:02x?}");
    }
}

#[test]
fn core_matches_the_microsoft_vectors_and_steers_by_table() {
    let mut nic = Nic::new(&RunOpts {
        stall: 0.3,
        gap: 0.3,
        seed: 5,
        ..RunOpts::default()
    })
    .unwrap();
    let mut cfg = RssConfig::spread(8, MS_KEY);
    cfg.table
        .iter_mut()
        .enumerate()
        .for_each(|(i, e)| *e = (i * 5 % 8) as u8);
    nic.configure_rss(&cfg).unwrap();
    let frames = vector_frames();
    let jobs: Vec<Job> = frames
        .iter()
        .map(|(f, _)| Job {
            frame: f.clone(),
            format: TagFormat::None,
            mode: TagMode::Pass,
        })
        .collect();
    let r = nic.run(&jobs, |_| {}).unwrap();
    for ((f, want), o) in frames.iter().zip(&r.frames) {
        assert_eq!(o.hash, *want, "{} bytes", f.len());
        assert_eq!(o.tdest, cfg.table[(*want & 0x7F) as usize]);
    }
}

/// A random frame that is often IP, sometimes VLAN/QinQ-tagged, with IPv4
/// options, fragments, odd protocols, wrong versions and truncation.
fn random_frame(rng: &mut StdRng) -> Vec<u8> {
    let mut f: Vec<u8> = (0..12).map(|_| rng.gen()).collect();
    for _ in 0..rng.gen_range(0..=2) {
        let tpid: u16 = if rng.gen() { 0x8100 } else { 0x88A8 };
        f.extend_from_slice(&tpid.to_be_bytes());
        f.extend_from_slice(&rng.gen::<u16>().to_be_bytes());
    }
    let l4: u8 = *[6u8, 17, 1, 58, 132].get(rng.gen_range(0..5)).unwrap();
    match rng.gen_range(0..10) {
        0..=4 => {
            f.extend_from_slice(&0x0800u16.to_be_bytes());
            let ihl = if rng.gen_bool(0.7) {
                5
            } else {
                rng.gen_range(0..16u8)
            };
            let ver = if rng.gen_bool(0.95) {
                4
            } else {
                rng.gen_range(0..16u8)
            };
            let mut h = vec![ver << 4 | ihl, 0, 0, 0, 0, 0, 0, 0, 64, l4, 0, 0];
            if rng.gen_bool(0.2) {
                h[6] = rng.gen::<u8>() & 0x3F;
                h[7] = rng.gen();
            }
            h.extend((0..8).map(|_| rng.gen::<u8>()));
            h.extend((0..usize::from(ihl.max(5)) * 4 - 20).map(|_| rng.gen::<u8>()));
            f.extend_from_slice(&h);
        }
        5..=8 => {
            f.extend_from_slice(&0x86DDu16.to_be_bytes());
            let ver = if rng.gen_bool(0.95) {
                6
            } else {
                rng.gen_range(0..16u8)
            };
            let mut h = vec![ver << 4, 0, 0, 0, 0, 0, l4, 64];
            h.extend((0..32).map(|_| rng.gen::<u8>()));
            f.extend_from_slice(&h);
        }
        _ => f.extend_from_slice(&rng.gen::<u16>().to_be_bytes()),
    }
    f.extend((0..rng.gen_range(0..64)).map(|_| rng.gen::<u8>()));
    if rng.gen_bool(0.2) {
        f.truncate(rng.gen_range(1..=f.len()));
    }
    append_fcs(&f)
}

#[test]
fn random_frames_steer_like_the_model() {
    let seed: u64 = std::env::var("FERRONIC_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::thread_rng().gen());
    eprintln!("random_frames_steer_like_the_model: FERRONIC_SEED={seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let mut nic = Nic::new(&RunOpts {
        stall: 0.3,
        gap: 0.2,
        seed,
        ..RunOpts::default()
    })
    .unwrap();
    let mut cfg = RssConfig::spread(8, [0; 40]);
    rng.fill(&mut cfg.key[..]);
    cfg.table.iter_mut().for_each(|e| *e = rng.gen_range(0..8));
    cfg.default_queue = rng.gen_range(0..8);
    nic.configure_rss(&cfg).unwrap();
    let frames: Vec<Vec<u8>> = (0..3000).map(|_| random_frame(&mut rng)).collect();
    let jobs: Vec<Job> = frames
        .iter()
        .map(|f| Job {
            frame: f.clone(),
            format: TagFormat::None,
            mode: TagMode::Pass,
        })
        .collect();
    let r = nic.run(&jobs, |_| {}).unwrap();
    let (mut errors, mut per_queue) = (0u64, [0u64; 8]);
    for (i, (f, o)) in frames.iter().zip(&r.frames).enumerate() {
        let s = steer(f, &cfg);
        assert_eq!(
            (o.tdest, o.hash),
            (s.queue, s.hash),
            "seed {seed}: frame {i} {f:02x?}"
        );
        errors += u64::from(s.parse_err);
        per_queue[usize::from(s.queue)] += 1;
    }
    assert!(
        errors > 0 && per_queue.iter().all(|&n| n > 0),
        "seed {seed}: weak mix"
    );
    assert_eq!(nic.counter("PARSER_ERRORS").unwrap(), errors);
    for (q, n) in per_queue.iter().enumerate() {
        assert_eq!(
            nic.counter(&format!("RXQ{q}_FRAMES")).unwrap(),
            *n,
            "queue {q}"
        );
    }
}
