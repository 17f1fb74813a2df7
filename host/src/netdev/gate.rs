//! The adoption gate of `nicctl netdev` (moved here from `nicsim tap`'s
//! host side, where a driver belongs): what a netdev driver for a NIC with
//! handshake offload must do so that the host kernel does not reset
//! connections the NIC established before they are adopted.
//!
//! The NIC completes a handshake and passes the client's ACK to the host;
//! the client may send its request right behind it. Until `nicctl adopt`
//! has turned the handoff record into a socket (TCP_REPAIR), the host
//! kernel has no socket for that 4-tuple and would answer those segments
//! with a RST (RFC 9293 section 3.10.7.1). So a non-SYN TCP segment for a
//! 4-tuple the host has never sent on is held, in order, until the host
//! sends on that 4-tuple (an adopted socket sends a window probe when
//! TCP_REPAIR is switched off) or until the hold time runs out (then the
//! kernel answers as it would have). SYNs, non-TCP frames and segments of
//! connections the host already spoke on pass straight through.

use etherparse::{NetSlice, SlicedPacket, TransportSlice};
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// A TCP connection seen from the host: (local address, local port,
/// remote address, remote port).
pub type Flow = (IpAddr, u16, IpAddr, u16);

/// Held frames at most; past this, frames pass unheld (counted).
pub const MAX_HELD: usize = 4096;

/// Flows the host spoke on are forgotten after this long without traffic.
pub const FORGET: Duration = Duration::from_secs(300);

/// What the gate did, for the exit summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct GateStats {
    /// Frames held.
    pub held: u64,
    /// Held frames released because the host sent on their flow.
    pub released: u64,
    /// Held frames released when the hold time ran out.
    pub expired: u64,
    /// Frames passed unheld because [`MAX_HELD`] frames were held.
    pub overflow: u64,
}

/// The gate. Time is passed in, so it is testable without sleeping.
#[derive(Debug)]
pub struct Gate {
    hold: Duration,
    known: HashMap<Flow, Instant>,
    held: VecDeque<(Flow, Instant, Vec<u8>)>,
    /// Counts.
    pub stats: GateStats,
}

/// TCP 4-tuple of an Ethernet frame (no FCS) and whether it is a SYN
/// without ACK; `None` for anything but TCP over IPv4/IPv6.
fn tcp_of(frame: &[u8]) -> Option<(IpAddr, u16, IpAddr, u16, bool)> {
    let p = SlicedPacket::from_ethernet(frame).ok()?;
    let (src, dst) = match p.net? {
        NetSlice::Ipv4(v4) => (
            IpAddr::V4(v4.header().source_addr()),
            IpAddr::V4(v4.header().destination_addr()),
        ),
        NetSlice::Ipv6(v6) => (
            IpAddr::V6(v6.header().source_addr()),
            IpAddr::V6(v6.header().destination_addr()),
        ),
    };
    match p.transport? {
        TransportSlice::Tcp(t) => Some((
            src,
            t.source_port(),
            dst,
            t.destination_port(),
            t.syn() && !t.ack(),
        )),
        _ => None,
    }
}

impl Gate {
    /// A gate holding frames at most `hold`.
    pub fn new(hold: Duration) -> Gate {
        Gate {
            hold,
            known: HashMap::new(),
            held: VecDeque::new(),
            stats: GateStats::default(),
        }
    }

    /// Frames now held.
    pub fn held(&self) -> usize {
        self.held.len()
    }

    /// A frame the NIC delivered to the host: returns what to hand to the
    /// host kernel now (the frame, or nothing when it is held).
    pub fn deliver(&mut self, frame: Vec<u8>, now: Instant) -> Option<Vec<u8>> {
        let Some((src, sport, dst, dport, syn)) = tcp_of(&frame) else {
            return Some(frame);
        };
        let flow = (dst, dport, src, sport);
        if let Some(t) = self.known.get_mut(&flow) {
            *t = now;
            return Some(frame);
        }
        let queued = self.held.iter().any(|(f, _, _)| *f == flow);
        if syn && !queued {
            return Some(frame);
        }
        if self.held.len() >= MAX_HELD {
            self.stats.overflow += 1;
            return Some(frame);
        }
        self.stats.held += 1;
        self.held.push_back((flow, now, frame));
        None
    }

    /// A frame the host kernel sent: marks its flow as spoken on and
    /// returns that flow's held frames, in arrival order.
    pub fn host_sent(&mut self, frame: &[u8], now: Instant) -> Vec<Vec<u8>> {
        let Some((src, sport, dst, dport, _)) = tcp_of(frame) else {
            return Vec::new();
        };
        let flow = (src, sport, dst, dport);
        self.known.insert(flow, now);
        let (out, keep): (VecDeque<_>, VecDeque<_>) =
            self.held.drain(..).partition(|(f, _, _)| *f == flow);
        self.held = keep;
        self.stats.released += out.len() as u64;
        out.into_iter().map(|(_, _, f)| f).collect()
    }

    /// Releases frames held longer than the hold time (and every later
    /// frame of their flows, to keep order); forgets idle flows.
    pub fn expire(&mut self, now: Instant) -> Vec<Vec<u8>> {
        self.known.retain(|_, t| now.duration_since(*t) < FORGET);
        let late: Vec<Flow> = self
            .held
            .iter()
            .filter(|(_, t, _)| now.duration_since(*t) >= self.hold)
            .map(|(f, _, _)| *f)
            .collect();
        if late.is_empty() {
            return Vec::new();
        }
        let (out, keep): (VecDeque<_>, VecDeque<_>) =
            self.held.drain(..).partition(|(f, _, _)| late.contains(f));
        self.held = keep;
        self.stats.expired += out.len() as u64;
        out.into_iter().map(|(_, _, f)| f).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use etherparse::PacketBuilder;

    const CLIENT: [u8; 4] = [198, 18, 0, 2];
    const SERVER: [u8; 4] = [198, 18, 0, 1];

    /// A segment client:cport -> server:80 (`to_server`) or back.
    fn seg(cport: u16, to_server: bool, syn: bool, ack: bool, data: &[u8]) -> Vec<u8> {
        let (s, d, sp, dp) = if to_server {
            (CLIENT, SERVER, cport, 80)
        } else {
            (SERVER, CLIENT, 80, cport)
        };
        let mut b = PacketBuilder::ethernet2([2; 6], [4; 6])
            .ipv4(s, d, 64)
            .tcp(sp, dp, 1000, 1000);
        if syn {
            b = b.syn();
        }
        if ack {
            b = b.ack(1);
        }
        let mut out = Vec::new();
        b.write(&mut out, data).unwrap();
        out
    }

    #[test]
    fn holds_until_the_host_speaks_in_order() {
        let t0 = Instant::now();
        let mut g = Gate::new(Duration::from_secs(1));
        let ack = seg(40000, true, false, true, b"");
        let req = seg(40000, true, false, true, b"GET /");
        assert_eq!(g.deliver(ack.clone(), t0), None);
        assert_eq!(g.deliver(req.clone(), t0), None);
        // another client's frames are not affected by this flow
        let other_syn = seg(40001, true, true, false, b"");
        assert_eq!(g.deliver(other_syn.clone(), t0), Some(other_syn));
        assert_eq!(g.held(), 2);
        // the host answers another flow: nothing released
        assert!(g
            .host_sent(&seg(40001, false, true, true, b""), t0)
            .is_empty());
        // the adopted socket's window probe releases both, in order
        let out = g.host_sent(&seg(40000, false, false, true, b""), t0);
        assert_eq!(out, vec![ack, req]);
        // and later frames of that flow pass straight
        let more = seg(40000, true, false, true, b"more");
        assert_eq!(g.deliver(more.clone(), t0), Some(more));
        assert_eq!(g.stats.held, 2);
        assert_eq!(g.stats.released, 2);
    }

    #[test]
    fn releases_after_the_hold_time() {
        let t0 = Instant::now();
        let mut g = Gate::new(Duration::from_millis(500));
        let a = seg(40000, true, false, true, b"");
        assert_eq!(g.deliver(a.clone(), t0), None);
        let b = seg(40000, true, false, true, b"x");
        assert_eq!(g.deliver(b.clone(), t0 + Duration::from_millis(400)), None);
        assert!(g.expire(t0 + Duration::from_millis(499)).is_empty());
        // the first frame's time is up: the whole flow goes, in order
        assert_eq!(g.expire(t0 + Duration::from_millis(500)), vec![a, b]);
        assert_eq!(g.stats.expired, 2);
        assert_eq!(g.held(), 0);
    }

    #[test]
    fn syns_and_other_protocols_pass() {
        let t0 = Instant::now();
        let mut g = Gate::new(Duration::from_secs(1));
        let syn = seg(40000, true, true, false, b"");
        assert_eq!(g.deliver(syn.clone(), t0), Some(syn));
        let mut udp = Vec::new();
        PacketBuilder::ethernet2([2; 6], [4; 6])
            .ipv4(CLIENT, SERVER, 64)
            .udp(5, 6)
            .write(&mut udp, b"x")
            .unwrap();
        assert_eq!(g.deliver(udp.clone(), t0), Some(udp));
        let arp = vec![0xffu8; 42];
        assert_eq!(g.deliver(arp.clone(), t0), Some(arp));
        // a SYN behind held frames of its flow keeps its place
        let ack = seg(40000, true, false, true, b"");
        assert_eq!(g.deliver(ack, t0), None);
        assert_eq!(g.deliver(seg(40000, true, true, false, b""), t0), None);
        assert_eq!(g.held(), 2);
    }

    #[test]
    fn a_full_gate_passes_frames_and_counts() {
        let t0 = Instant::now();
        let mut g = Gate::new(Duration::from_secs(1));
        for p in 0..MAX_HELD {
            assert!(g
                .deliver(seg(1024 + p as u16, true, false, true, b""), t0)
                .is_none());
        }
        let f = seg(9, true, false, true, b"");
        assert_eq!(g.deliver(f.clone(), t0), Some(f));
        assert_eq!(g.stats.overflow, 1);
    }
}
