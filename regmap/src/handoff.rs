//! The handoff record: the state of a TCP connection whose handshake the
//! NIC completed with a SYN cookie, as the handshake block presents it in
//! `handshake.HANDOFF_0..8` (nine 32-bit words; pop with `HANDOFF_POP`).
//! One definition for the gateware's documentation, the simulator's driver
//! and the host's `nicctl conns` / `nicctl adopt`.
//!
//! | word | bits | field |
//! |---|---|---|
//! | 0 | 31:0 | client IPv4 address (first octet in bits 31:24) |
//! | 1 | 31:0 | listener IPv4 address |
//! | 2 | 31:16, 15:0 | client port, listener port |
//! | 3 | 31:0 | our ISN (the cookie) |
//! | 4 | 31:0 | the client's ISN |
//! | 5 | 31:16, 15:0 | MSS from the cookie, the ACK's window field (unscaled) |
//! | 6, 7 | 31:0 | the ACK's TSval, TSecr (0 without timestamps) |
//! | 8 | 0, 1, 2 | timestamps, SACK permitted, ECN |
//! | 8 | 7:4 | the client's window scale, 15 = not negotiated |
//! | 8 | 11:8 | our window scale |

use std::net::Ipv4Addr;

/// Words of one record.
pub const WORDS: usize = 9;

/// One established connection, decoded.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Record {
    /// Client address.
    pub client: Ipv4Addr,
    /// Client port.
    pub client_port: u16,
    /// Listener address.
    pub local: Ipv4Addr,
    /// Listener port.
    pub local_port: u16,
    /// Our ISN (the SYN cookie); our next sequence number is this + 1.
    pub our_isn: u32,
    /// The client's ISN; the next byte expected from it is this + 1.
    pub peer_isn: u32,
    /// MSS the cookie carried (536, 1300, 1440 or 1460 bytes).
    pub mss: u16,
    /// The window field of the client's ACK (unscaled).
    pub window: u16,
    /// Timestamps negotiated (RFC 7323): the ACK's (TSval, TSecr).
    pub timestamps: Option<(u32, u32)>,
    /// SACK permitted (RFC 2018).
    pub sack: bool,
    /// ECN negotiated (RFC 3168).
    pub ecn: bool,
    /// The client's window scale (shift), if window scaling was negotiated.
    pub snd_wscale: Option<u8>,
    /// Our window scale (shift), valid with `snd_wscale`.
    pub rcv_wscale: u8,
}

impl Record {
    /// Decodes the nine words.
    pub fn from_words(w: &[u32; WORDS]) -> Record {
        let ws = ((w[8] >> 4) & 0xf) as u8;
        Record {
            client: Ipv4Addr::from(w[0]),
            client_port: (w[2] >> 16) as u16,
            local: Ipv4Addr::from(w[1]),
            local_port: w[2] as u16,
            our_isn: w[3],
            peer_isn: w[4],
            mss: (w[5] >> 16) as u16,
            window: w[5] as u16,
            timestamps: (w[8] & 1 != 0).then_some((w[6], w[7])),
            sack: w[8] & 2 != 0,
            ecn: w[8] & 4 != 0,
            snd_wscale: (ws != 0xf).then_some(ws),
            rcv_wscale: ((w[8] >> 8) & 0xf) as u8,
        }
    }

    /// Encodes the nine words (what the gateware writes).
    pub fn to_words(&self) -> [u32; WORDS] {
        let ts = self.timestamps.unwrap_or((0, 0));
        [
            u32::from(self.client),
            u32::from(self.local),
            u32::from(self.client_port) << 16 | u32::from(self.local_port),
            self.our_isn,
            self.peer_isn,
            u32::from(self.mss) << 16 | u32::from(self.window),
            ts.0,
            ts.1,
            u32::from(self.timestamps.is_some())
                | u32::from(self.sack) << 1
                | u32::from(self.ecn) << 2
                | u32::from(self.snd_wscale.unwrap_or(0xf)) << 4
                | u32::from(self.rcv_wscale) << 8,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_decode_as_the_table_says() {
        let w = [
            0xC612_0002,
            0xC612_0001,
            40000 << 16 | 80,
            7,
            9,
            1460 << 16 | 502,
            11,
            12,
            1 | 2 | 7 << 4 | 9 << 8,
        ];
        let h = Record::from_words(&w);
        assert_eq!(h.client, Ipv4Addr::new(198, 18, 0, 2));
        assert_eq!(h.local, Ipv4Addr::new(198, 18, 0, 1));
        assert_eq!((h.client_port, h.local_port), (40000, 80));
        assert_eq!((h.our_isn, h.peer_isn, h.mss, h.window), (7, 9, 1460, 502));
        assert_eq!(h.timestamps, Some((11, 12)));
        assert!(h.sack && !h.ecn);
        assert_eq!((h.snd_wscale, h.rcv_wscale), (Some(7), 9));
        assert_eq!(h.to_words(), w);
        let none = Record::from_words(&[0, 0, 0, 0, 0, 0, 0, 0, 0xf << 4 | 4]);
        assert_eq!((none.timestamps, none.snd_wscale), (None, None));
        assert!(none.ecn && !none.sack);
        assert_eq!(none.to_words()[8], 0xf << 4 | 4);
    }
}
