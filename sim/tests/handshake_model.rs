//! The handshake engine's golden model on hand-built frames: SYN-ACK bytes
//! and option layouts, cookie checks (valid, forged, stale), RST for closed
//! ports, and what must pass untouched.

use etherparse::{PacketBuilder, SlicedPacket, TcpOptionElement as O, TransportSlice};
use ferronic_sim::model::handshake::{process, Action, Config};
use ferronic_sim::model::syncookie::{self, Secrets, TsOptions, Tuple};

const CLIENT: [u8; 4] = [198, 18, 0, 2];
const SERVER: [u8; 4] = [198, 18, 0, 1];

fn cfg() -> Config {
    Config {
        listen: vec![(SERVER, 80), ([0; 4], 443)],
        secrets: Secrets([[1, 2], [3, 4]]),
        count: 77,
        ts_now: 1_000_000,
        wscale: 9,
        rst_closed: true,
        ..Config::default()
    }
}

fn seg(dport: u16, seq: u32, ack: Option<u32>, syn: bool, opts: &[O], payload: &[u8]) -> Vec<u8> {
    let mut b = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 2], [2, 0, 0, 0, 0, 1])
        .ipv4(CLIENT, SERVER, 64)
        .tcp(40000, dport, seq, 29200);
    if syn {
        b = b.syn();
    }
    if let Some(a) = ack {
        b = b.ack(a);
    }
    let b = b.options(opts).unwrap();
    let mut f = Vec::new();
    b.write(&mut f, payload).unwrap();
    f
}

fn tuple(dport: u16) -> Tuple {
    Tuple {
        saddr: CLIENT,
        daddr: SERVER,
        sport: 40000,
        dport,
    }
}

/// (seq, ack, flags byte, window, options bytes) of a generated frame,
/// after checking both checksums independently.
fn tcp_of(f: &[u8], sport: u16) -> (u32, u32, u8, u16, Vec<u8>) {
    let p = SlicedPacket::from_ethernet(f).unwrap();
    let Some(etherparse::NetSlice::Ipv4(ip)) = &p.net else {
        panic!()
    };
    let h = ip.header();
    assert_eq!(h.to_header().calc_header_checksum(), h.header_checksum());
    assert_eq!((h.source(), h.destination(), h.ttl()), (SERVER, CLIENT, 64));
    let Some(TransportSlice::Tcp(t)) = p.transport else {
        panic!()
    };
    assert_eq!(
        t.calc_checksum_ipv4(h.source(), h.destination()).unwrap(),
        t.checksum()
    );
    assert_eq!((t.source_port(), t.destination_port()), (sport, 40000));
    assert_eq!(&f[0..6], &[2, 0, 0, 0, 0, 2], "back to the client's MAC");
    (
        t.sequence_number(),
        t.acknowledgment_number(),
        t.slice()[13],
        t.window_size(),
        t.options().to_vec(),
    )
}

#[test]
fn syn_ack_linux_layout_with_every_option() {
    let c = cfg();
    let syn = seg(
        80,
        1000,
        None,
        true,
        &[
            O::MaximumSegmentSize(1400),
            O::SelectiveAcknowledgementPermitted,
            O::Timestamp(555, 0),
            O::Noop,
            O::WindowScale(7),
        ],
        &[],
    );
    let Action::SynAck(f) = process(&c, &syn) else {
        panic!()
    };
    let (seq, ack, flags, win, opts) = tcp_of(&f, 80);
    let (isn, mss) = syncookie::init_sequence(&c.secrets, &tuple(80), 1000, 1400, c.count);
    assert_eq!(mss, 1300);
    assert_eq!((seq, ack, flags, win), (isn, 1001, 0x12, 65535));
    let tsval = syncookie::init_timestamp(
        c.ts_now,
        &TsOptions {
            wscale: Some(7),
            sack: true,
            ecn: false,
        },
    );
    let mut want = vec![2, 4, 0x05, 0xb4, 4, 2, 8, 10];
    want.extend(tsval.to_be_bytes());
    want.extend(555u32.to_be_bytes());
    want.extend([1, 3, 3, 9]);
    assert_eq!(opts, want);
    assert_eq!(f.len(), 14 + 20 + 40);
}

#[test]
fn syn_ack_layouts_without_sack_or_timestamps() {
    let c = cfg();
    // timestamps, no SACK: NOP NOP TS; no window scale offered: none back
    let syn = seg(
        443,
        7,
        None,
        true,
        &[O::MaximumSegmentSize(1460), O::Timestamp(9, 0)],
        &[],
    );
    let Action::SynAck(f) = process(&c, &syn) else {
        panic!()
    };
    let opts = tcp_of(&f, 443).4;
    assert_eq!(opts[..8], [2, 4, 5, 0xb4, 1, 1, 8, 10]);
    assert_eq!(opts.len(), 16);
    let tsval = u32::from_be_bytes(opts[8..12].try_into().unwrap());
    assert_eq!(
        syncookie::decode_timestamp(tsval),
        TsOptions {
            wscale: None,
            sack: false,
            ecn: false
        }
    );
    // no timestamps: Linux clears every option but MSS; padded to 60 bytes
    let syn = seg(
        80,
        7,
        None,
        true,
        &[
            O::MaximumSegmentSize(1460),
            O::SelectiveAcknowledgementPermitted,
            O::Noop,
            O::WindowScale(7),
        ],
        &[],
    );
    let Action::SynAck(f) = process(&c, &syn) else {
        panic!()
    };
    assert_eq!(tcp_of(&f, 80).4, [2, 4, 5, 0xb4]);
    assert_eq!(f.len(), 60);
    assert_eq!(f[58..], [0, 0]);
}

#[test]
fn the_ack_completing_a_handshake_is_handed_off() {
    let c = cfg();
    let syn = seg(
        80,
        1000,
        None,
        true,
        &[
            O::MaximumSegmentSize(1460),
            O::SelectiveAcknowledgementPermitted,
            O::Timestamp(555, 0),
            O::Noop,
            O::WindowScale(7),
        ],
        &[],
    );
    let Action::SynAck(sa) = process(&c, &syn) else {
        panic!()
    };
    let (isn, _, _, _, opts) = tcp_of(&sa, 80);
    let tsval = u32::from_be_bytes(opts[8..12].try_into().unwrap());
    let ack = seg(
        80,
        1001,
        Some(isn.wrapping_add(1)),
        false,
        &[O::Noop, O::Noop, O::Timestamp(556, tsval)],
        &[],
    );
    let Action::Handoff(h) = process(&c, &ack) else {
        panic!()
    };
    assert_eq!((h.our_isn, h.peer_isn, h.mss), (isn, 1000, 1460));
    assert_eq!(
        h.options,
        TsOptions {
            wscale: Some(7),
            sack: true,
            ecn: false
        }
    );
    assert_eq!(
        (h.rcv_wscale, h.timestamps, h.window),
        (9, Some((556, tsval)), 29200)
    );
    // one period later still valid, two periods later stale
    let later = Config {
        count: c.count + 1,
        ..c.clone()
    };
    assert!(matches!(process(&later, &ack), Action::Handoff(_)));
    let stale = Config {
        count: c.count + 2,
        ..c.clone()
    };
    assert_eq!(process(&stale, &ack), Action::BadCookie);
    // another secret: forged
    let other = Config {
        secrets: Secrets([[9, 9], [9, 9]]),
        ..c.clone()
    };
    assert_eq!(process(&other, &ack), Action::BadCookie);
    // an ACK carrying data is the host's business (no handoff from it)
    let data = seg(80, 1001, Some(isn.wrapping_add(1)), false, &[], b"GET /");
    assert_eq!(process(&c, &data), Action::Pass);
}

#[test]
fn forged_acks_are_refused() {
    let c = cfg();
    let mut accepted = 0;
    for i in 0..20_000u32 {
        let ack = i.wrapping_mul(0x9E37_79B9);
        let f = seg(80, i, Some(ack), false, &[], &[]);
        match process(&c, &f) {
            Action::Handoff(_) => accepted += 1,
            Action::BadCookie => {}
            a => panic!("{a:?}"),
        }
    }
    // 2 periods x 4 MSS values of 2^24: 2^-21 per ACK; none expected here
    assert_eq!(accepted, 0);
}

#[test]
fn closed_ports_and_what_passes() {
    let c = cfg();
    let syn = seg(22, 5000, None, true, &[O::MaximumSegmentSize(1460)], b"xy");
    let Action::Rst(f) = process(&c, &syn) else {
        panic!()
    };
    let (seq, ack, flags, win, opts) = tcp_of(&f, 22);
    assert_eq!((seq, ack, flags, win), (0, 5003, 0x14, 0));
    assert!(opts.is_empty());
    let pass = Config {
        rst_closed: false,
        ..c.clone()
    };
    assert_eq!(process(&pass, &syn), Action::Pass);
    // a SYN to port 80 of another address is not listened (80 is bound to SERVER)
    let mut other = seg(80, 1, None, true, &[], &[]);
    other[33] = 9; // destination 198.18.0.9 ...
    let fix = etherparse::Ipv4HeaderSlice::from_slice(&other[14..34])
        .unwrap()
        .to_header()
        .calc_header_checksum();
    other[24..26].copy_from_slice(&fix.to_be_bytes());
    // ... with the TCP checksum left stale: passed untouched, not answered
    assert_eq!(process(&c, &other), Action::Pass);
    // a bad TCP checksum is not answered
    let mut bad = seg(80, 1, None, true, &[], &[]);
    bad[14 + 20 + 16] ^= 0x40; // the TCP checksum
    assert_eq!(process(&c, &bad), Action::Pass);
    // SYN+ACK, RST, FIN and non-TCP pass
    assert_eq!(
        process(&c, &seg(80, 1, Some(2), true, &[], &[])),
        Action::Pass
    );
    let mut udp = Vec::new();
    PacketBuilder::ethernet2([0; 6], [0; 6])
        .ipv4(CLIENT, SERVER, 64)
        .udp(1, 80)
        .write(&mut udp, &[])
        .unwrap();
    assert_eq!(process(&c, &udp), Action::Pass);
    assert_eq!(process(&c, &[0u8; 10]), Action::Pass);
}
