//! Handoff records of the handshake engine (`handshake.HANDOFF_0..8`): the
//! state of a TCP connection whose handshake the NIC completed with a SYN
//! cookie, for the host to adopt.

use crate::device::Device;
use crate::error::HostError;
use std::net::Ipv4Addr;

/// One established connection.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Handoff {
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
    /// MSS the cookie carried (536, 1300, 1440 or 1460).
    pub mss: u16,
    /// The window field of the client's ACK (unscaled).
    pub window: u16,
    /// Timestamps negotiated: the ACK's (TSval, TSecr).
    pub timestamps: Option<(u32, u32)>,
    /// SACK permitted.
    pub sack: bool,
    /// ECN negotiated.
    pub ecn: bool,
    /// The client's window scale (shift), if window scaling was negotiated.
    pub snd_wscale: Option<u8>,
    /// Our window scale (shift), valid with `snd_wscale`.
    pub rcv_wscale: u8,
}

impl Handoff {
    /// Decodes the nine record words (layout in `ferronic_hdl::handshake`).
    pub fn from_words(w: &[u32; 9]) -> Handoff {
        let ts = w[8] & 1 != 0;
        let ws = ((w[8] >> 4) & 0xf) as u8;
        Handoff {
            client: Ipv4Addr::from(w[0]),
            client_port: (w[2] >> 16) as u16,
            local: Ipv4Addr::from(w[1]),
            local_port: w[2] as u16,
            our_isn: w[3],
            peer_isn: w[4],
            mss: (w[5] >> 16) as u16,
            window: w[5] as u16,
            timestamps: ts.then_some((w[6], w[7])),
            sack: w[8] & 2 != 0,
            ecn: w[8] & 4 != 0,
            snd_wscale: (ws != 0xf).then_some(ws),
            rcv_wscale: ((w[8] >> 8) & 0xf) as u8,
        }
    }
}

/// Pops every waiting record (at most `max`).
///
/// # Errors
/// Register access failures; [`HostError::MissingBlock`] without a
/// handshake block.
pub fn pop_all(dev: &mut Device, max: usize) -> Result<Vec<Handoff>, HostError> {
    let mut out = Vec::new();
    while out.len() < max && dev.read_reg("handshake.HANDOFF_STATUS")? & 1 != 0 {
        let mut w = [0u32; 9];
        for (i, v) in w.iter_mut().enumerate() {
            *v = dev.read_reg(&format!("handshake.HANDOFF_{i}"))?;
        }
        dev.write_reg("handshake.HANDOFF_POP", 1)?;
        out.push(Handoff::from_words(&w));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_decode() {
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
        let h = Handoff::from_words(&w);
        assert_eq!(h.client, Ipv4Addr::new(198, 18, 0, 2));
        assert_eq!((h.client_port, h.local_port), (40000, 80));
        assert_eq!((h.our_isn, h.peer_isn, h.mss, h.window), (7, 9, 1460, 502));
        assert_eq!(h.timestamps, Some((11, 12)));
        assert!(h.sack && !h.ecn);
        assert_eq!((h.snd_wscale, h.rcv_wscale), (Some(7), 9));
        let none = Handoff::from_words(&[0, 0, 0, 0, 0, 0, 0, 0, 0xf << 4]);
        assert_eq!((none.timestamps, none.snd_wscale), (None, None));
    }
}
