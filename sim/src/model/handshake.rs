//! Golden model of the TCP handshake offload engine (IPv4): what the NIC
//! does with each received frame, and the exact bytes of what it sends.
//!
//! * A pure SYN to a listened address and port is answered with a SYN-ACK
//!   whose ISN is a Linux SYN cookie ([`crate::model::syncookie`]) and whose
//!   options follow Linux's `tcp_options_write` layout: MSS; then
//!   SACK-permitted + timestamps (`04 02 08 0a`), or `NOP NOP` + timestamps,
//!   or `NOP NOP` + SACK-permitted; then `NOP` + window scale. As Linux does
//!   for a cookie SYN-ACK, a SYN without timestamps gets the MSS option only
//!   (window scale, SACK and ECN can only travel in the timestamp). The SYN
//!   is consumed (the host never sees it).
//! * A data-less ACK (no SYN, RST or FIN) to a listened port whose
//!   acknowledgment number is a valid cookie + 1 yields a [`Handoff`]
//!   record; the ACK itself goes on to the host either way.
//! * A pure SYN to a port nobody listens on is answered `<SEQ=0>
//!   <ACK=SEG.SEQ+1><CTL=RST,ACK>` (RFC 9293 section 3.10.7.1) when
//!   [`Config::rst_closed`] is set, else passed to the host.
//! * Everything else, and any frame with a bad IPv4 or TCP checksum, IPv4
//!   options or fragments, goes to the host untouched.
//!
//! Frames are Ethernet II without FCS; generated frames are padded to 60
//! bytes (IEEE 802.3 clause 3.2.8 minimum, FCS excluded).

use crate::model::syncookie::{self, Secrets, TsOptions, Tuple};
use etherparse::{
    IpNumber, NetSlice, PacketBuilder, SlicedPacket, TcpOptionElement, TransportSlice,
};

/// Engine configuration, as the registers hold it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Listened (address, port); address 0.0.0.0 matches any.
    pub listen: Vec<([u8; 4], u16)>,
    /// The two cookie secrets.
    pub secrets: Secrets,
    /// The minute counter (`tcp_cookie_time()`).
    pub count: u32,
    /// The timestamp clock, ms (`tcp_ns_to_ts`).
    pub ts_now: u32,
    /// MSS the SYN-ACK advertises.
    pub mss: u16,
    /// Window scale the SYN-ACK offers (our `rcv_wscale`, 0..=14).
    pub wscale: u8,
    /// Window field of the SYN-ACK (never scaled, RFC 7323 section 2.2).
    pub window: u16,
    /// IPv4 TTL of generated frames.
    pub ttl: u8,
    /// Answer SYNs to closed ports with RST/ACK (else pass them).
    pub rst_closed: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: Vec::new(),
            secrets: Secrets::default(),
            count: 0,
            ts_now: 0,
            mss: 1460,
            wscale: 7,
            window: 65535,
            ttl: 64,
            rst_closed: false,
        }
    }
}

/// An established connection's state, handed to the host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handoff {
    /// Client (`saddr`, `sport`) and listener (`daddr`, `dport`).
    pub tuple: Tuple,
    /// Our ISN (the cookie): the ACK's acknowledgment number - 1.
    pub our_isn: u32,
    /// The client's ISN: the ACK's sequence number - 1.
    pub peer_isn: u32,
    /// MSS the cookie carried (one of [`syncookie::MSS_TABLE`]).
    pub mss: u16,
    /// Options recovered from the echoed timestamp (all off without one).
    pub options: TsOptions,
    /// Our window scale, valid when `options.wscale` is `Some`.
    pub rcv_wscale: u8,
    /// The ACK's timestamps (TSval, TSecr), if it had the option.
    pub timestamps: Option<(u32, u32)>,
    /// The ACK's window field (unscaled).
    pub window: u16,
}

/// What the engine does with a frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Consume the SYN; send this SYN-ACK (no FCS).
    SynAck(Vec<u8>),
    /// Consume the SYN; send this RST (no FCS).
    Rst(Vec<u8>),
    /// Pass the ACK to the host and push this record.
    Handoff(Handoff),
    /// A data-less ACK to a listened port whose cookie is invalid or
    /// stale: passed to the host (its stack answers unknown connections),
    /// and counted.
    BadCookie,
    /// Pass to the host untouched.
    Pass,
}

/// The TCP facts the engine looks at.
struct Seg<'a> {
    src_mac: [u8; 6],
    dst_mac: [u8; 6],
    tuple: Tuple,
    tcp: etherparse::TcpSlice<'a>,
}

fn parse(frame: &[u8]) -> Option<Seg<'_>> {
    let p = SlicedPacket::from_ethernet(frame).ok()?;
    if p.vlan.is_some() {
        return None;
    }
    let Some(NetSlice::Ipv4(ip)) = &p.net else {
        return None;
    };
    let h = ip.header();
    if h.ihl() != 5 || h.is_fragmenting_payload() || h.protocol() != IpNumber::TCP {
        return None;
    }
    if h.to_header().calc_header_checksum() != h.header_checksum() {
        return None;
    }
    let Some(TransportSlice::Tcp(tcp)) = p.transport else {
        return None;
    };
    let sum = tcp.calc_checksum_ipv4(h.source(), h.destination()).ok()?;
    if sum != tcp.checksum() {
        return None;
    }
    Some(Seg {
        src_mac: frame[6..12].try_into().ok()?,
        dst_mac: frame[0..6].try_into().ok()?,
        tuple: Tuple {
            saddr: h.source(),
            daddr: h.destination(),
            sport: tcp.source_port(),
            dport: tcp.destination_port(),
        },
        tcp,
    })
}

/// NOPs skipped within a hop, after its option (and before the first).
pub use ferronic_hdl::handshake::engine_walk::FREE_NOPS;
/// Hops of the engine's option walker: a hop walks one option (or one
/// NOP beyond the free ones) and the up to [`FREE_NOPS`] NOPs after it.
/// A segment whose options need more hops is passed to the host
/// unanswered. The common stacks need at most 4 (Linux: MSS, SACK-permitted,
/// timestamps, NOP + window scale; macOS: 4; Windows: 3). Defined by the
/// gateware (`ferronic_hdl::handshake::engine_walk`).
pub use ferronic_hdl::handshake::engine_walk::MAX_HOPS;

/// The options Linux's `tcp_parse_options` would see.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// MSS option value (a zero MSS is ignored, as Linux does).
    pub mss: Option<u16>,
    /// Window scale, clamped to 14.
    pub wscale: Option<u8>,
    /// SACK permitted.
    pub sack: bool,
    /// (TSval, TSecr).
    pub ts: Option<(u32, u32)>,
}

/// Walks TCP options as `tcp_parse_options` does (EOL ends; a length
/// below 2 or beyond the end stops the walk keeping what was found; known
/// kinds count only with their exact length; the last of a kind wins).
/// `None` when the walk would need more than [`MAX_HOPS`] hops (see
/// there): the engine's limit, not Linux's.
pub fn parse_options(o: &[u8]) -> Option<Options> {
    let mut r = Options::default();
    let skip = |mut p: usize| {
        for _ in 0..FREE_NOPS {
            if p < o.len() && o[p] == 1 {
                p += 1;
            }
        }
        p
    };
    let mut p = skip(0);
    for hop in 0..=MAX_HOPS {
        if p >= o.len() || o[p] == 0 {
            return Some(r);
        }
        let size = if o[p] == 1 {
            1
        } else {
            if p + 1 >= o.len() {
                return Some(r);
            }
            usize::from(o[p + 1])
        };
        if o[p] != 1 && (size < 2 || p + size > o.len()) {
            return Some(r);
        }
        if hop == MAX_HOPS {
            return None;
        }
        let v = &o[p + size.min(2)..p + size];
        match (o[p], size) {
            (2, 4) => {
                let m = u16::from_be_bytes([v[0], v[1]]);
                if m != 0 {
                    r.mss = Some(m);
                }
            }
            (3, 3) => r.wscale = Some(v[0].min(syncookie::MAX_WSCALE)),
            (4, 2) => r.sack = true,
            (8, 10) => {
                r.ts = Some((
                    u32::from_be_bytes(v[0..4].try_into().expect("4")),
                    u32::from_be_bytes(v[4..8].try_into().expect("4")),
                ))
            }
            _ => {}
        }
        p = skip(p + size);
    }
    None
}

fn pad(mut f: Vec<u8>) -> Vec<u8> {
    if f.len() < 60 {
        f.resize(60, 0);
    }
    f
}

/// The SYN-ACK for a SYN (no FCS).
fn syn_ack(c: &Config, s: &Seg<'_>, o: &Options) -> Vec<u8> {
    let (mss, ws, sack, ts) = (o.mss.unwrap_or(536), o.wscale, o.sack, o.ts.map(|t| t.0));
    let seq = s.tcp.sequence_number();
    let (isn, _) = syncookie::init_sequence(&c.secrets, &s.tuple, seq, mss, c.count);
    let ecn = s.tcp.ece() && s.tcp.cwr();
    use TcpOptionElement::*;
    let mut opts = vec![MaximumSegmentSize(c.mss)];
    if let Some(tsval) = ts {
        let o = TsOptions {
            wscale: ws,
            sack,
            ecn,
        };
        let t = Timestamp(syncookie::init_timestamp(c.ts_now, &o), tsval);
        if sack {
            opts.extend([SelectiveAcknowledgementPermitted, t]);
        } else {
            opts.extend([Noop, Noop, t]);
        }
        if ws.is_some() {
            opts.extend([Noop, WindowScale(c.wscale)]);
        }
    }
    let mut b = PacketBuilder::ethernet2(s.dst_mac, s.src_mac)
        .ipv4(s.tuple.daddr, s.tuple.saddr, c.ttl)
        .tcp(s.tuple.dport, s.tuple.sport, isn, c.window)
        .syn()
        .ack(seq.wrapping_add(1));
    if ts.is_some() && ecn {
        b = b.ece();
    }
    let b = b.options(&opts).expect("at most 20 option bytes");
    let mut f = Vec::new();
    b.write(&mut f, &[]).expect("frame builds");
    pad(f)
}

/// `<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>` for a SYN (SEG.LEN counts
/// the SYN and any data).
fn rst_ack(c: &Config, s: &Seg<'_>) -> Vec<u8> {
    let len = s.tcp.payload().len() as u32 + 1;
    let b = PacketBuilder::ethernet2(s.dst_mac, s.src_mac)
        .ipv4(s.tuple.daddr, s.tuple.saddr, c.ttl)
        .tcp(s.tuple.dport, s.tuple.sport, 0, 0)
        .rst()
        .ack(s.tcp.sequence_number().wrapping_add(len));
    let mut f = Vec::new();
    b.write(&mut f, &[]).expect("frame builds");
    pad(f)
}

impl Config {
    /// Whether (address, port) is listened.
    pub fn listens(&self, addr: [u8; 4], port: u16) -> bool {
        self.listen
            .iter()
            .any(|&(a, p)| p == port && (a == [0; 4] || a == addr))
    }
}

/// Bytes of a frame the engine looks at, FCS included: longer frames are
/// passed (`ferronic_hdl::handshake::engine::WINDOW`).
pub const WINDOW: usize = 96;

/// What the engine does with `frame` (Ethernet II, no FCS).
pub fn process(c: &Config, frame: &[u8]) -> Action {
    if frame.len() + 4 > WINDOW {
        return Action::Pass;
    }
    let Some(s) = parse(frame) else {
        return Action::Pass;
    };
    let t = &s.tcp;
    let (syn, ack, rst, fin) = (t.syn(), t.ack(), t.rst(), t.fin());
    let listened = c.listens(s.tuple.daddr, s.tuple.dport);
    let Some(opts) = parse_options(t.options()) else {
        return Action::Pass;
    };
    if syn && !ack && !rst && !fin {
        return if listened {
            Action::SynAck(syn_ack(c, &s, &opts))
        } else if c.rst_closed {
            Action::Rst(rst_ack(c, &s))
        } else {
            Action::Pass
        };
    }
    if listened && ack && !syn && !rst && !fin && t.payload().is_empty() {
        let (seq, a) = (t.sequence_number(), t.acknowledgment_number());
        let Some(mss) = syncookie::check(&c.secrets, &s.tuple, seq, a, c.count) else {
            return Action::BadCookie;
        };
        let ts = opts.ts;
        let options = ts.map_or(TsOptions::default(), |(_, ecr)| {
            syncookie::decode_timestamp(ecr)
        });
        return Action::Handoff(Handoff {
            tuple: s.tuple,
            our_isn: a.wrapping_sub(1),
            peer_isn: seq.wrapping_sub(1),
            mss,
            options,
            rcv_wscale: if options.wscale.is_some() {
                c.wscale
            } else {
                0
            },
            timestamps: ts,
            window: t.window_size(),
        });
    }
    Action::Pass
}

#[cfg(test)]
mod tests {
    use super::*;

    const MSS: [u8; 4] = [2, 4, 0x05, 0xb4];
    const SACK: [u8; 2] = [4, 2];
    const TS: [u8; 10] = [8, 10, 0, 0, 0, 1, 0, 0, 0, 2];
    const WS: [u8; 3] = [3, 3, 7];

    fn cat(parts: &[&[u8]]) -> Vec<u8> {
        parts.concat()
    }

    /// The common stacks' SYNs walk within the hop budget.
    #[test]
    fn common_layouts() {
        let linux = cat(&[&MSS, &SACK, &TS, &[1], &WS]);
        let all = Options {
            mss: Some(1460),
            wscale: Some(7),
            sack: true,
            ts: Some((1, 2)),
        };
        assert_eq!(parse_options(&linux), Some(all));
        let macos = cat(&[&MSS, &[1], &WS, &[1, 1], &TS, &SACK, &[0, 0]]);
        assert_eq!(parse_options(&macos), Some(all));
        let windows = cat(&[&MSS, &[1], &WS, &[1, 1], &SACK]);
        assert_eq!(parse_options(&windows).unwrap().ts, None);
        assert_eq!(parse_options(&[]), Some(Options::default()));
    }

    /// Six hops walk; a seventh option left passes the segment, unless
    /// the walk would stop there anyway.
    #[test]
    fn hop_budget() {
        let six = cat(&[&SACK, &SACK, &SACK, &SACK, &SACK, &MSS]);
        assert_eq!(parse_options(&six).unwrap().mss, Some(1460));
        let seven = cat(&[&six, &SACK]);
        assert_eq!(parse_options(&seven), None);
        // an EOL, a bad size or the end after six hops: walked
        assert!(parse_options(&cat(&[&six, &[0, 9]])).is_some());
        assert!(parse_options(&cat(&[&six, &[4, 1]])).is_some());
        // three NOPs are free after each option, a fourth costs a hop
        let nops = cat(&[&[1, 1, 1], &MSS, &[1, 1, 1], &WS]);
        assert_eq!(parse_options(&nops).unwrap().wscale, Some(7));
        let many = [1u8; 40];
        assert_eq!(parse_options(&many), None);
        assert_eq!(parse_options(&many[..9]), Some(Options::default()));
    }

    /// Linux's stops: EOL, a kind in the last byte, a size below 2 or
    /// beyond the end keep what was found; exact sizes only; last wins;
    /// a zero MSS is ignored.
    #[test]
    fn malformed_and_repeated() {
        assert_eq!(
            parse_options(&cat(&[&MSS, &[0], &WS])).unwrap().wscale,
            None
        );
        assert_eq!(parse_options(&cat(&[&MSS, &[3]])).unwrap().mss, Some(1460));
        assert_eq!(parse_options(&cat(&[&[2, 1], &MSS])).unwrap().mss, None);
        assert_eq!(
            parse_options(&cat(&[&MSS, &[8, 11, 0]])).unwrap().mss,
            Some(1460)
        );
        assert_eq!(parse_options(&[3, 4, 7, 0]).unwrap().wscale, None);
        assert_eq!(parse_options(&[3, 3, 200]).unwrap().wscale, Some(14));
        let twice = cat(&[&MSS, &[2, 4, 0x02, 0x18], &[2, 4, 0, 0]]);
        assert_eq!(parse_options(&twice).unwrap().mss, Some(536));
    }
}
