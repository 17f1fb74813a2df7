//! Golden model: a pure-Rust, frame-level reference of the receive datapath
//! (FcsCheck -> TagMigrate -> FcsInsert), written from the specification
//! with the `crc` crate, independent of the gateware.
//!
//! Input frames carry their 4-byte FCS; so do output frames.

use ferronic_hdl::rx::tag::{tuser, TagFormat, TagMode};
use ferronic_hdl::MAX_FRAME;

/// CRC-32 of IEEE 802.3 clause 3.2.9 (zlib's crc32).
pub const ETH_CRC: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);
/// `crc32(frame || FCS)` of any frame with a good FCS (the magic residue).
pub const GOOD_RESIDUE: u32 = 0x2144_DF1C;
/// Minimum Ethernet frame length, FCS included, in bytes.
pub const MIN_FRAME: usize = 64;

/// Appends the FCS (CRC-32, least significant byte first).
pub fn append_fcs(body: &[u8]) -> Vec<u8> {
    let mut f = body.to_vec();
    f.extend_from_slice(&ETH_CRC.checksum(body).to_le_bytes());
    f
}

/// True when `frame` (FCS included) has a valid FCS.
pub fn fcs_ok(frame: &[u8]) -> bool {
    ETH_CRC.checksum(frame) == GOOD_RESIDUE
}

/// What the transmit path (`FcsAppend`) sends for a host frame `body`
/// (no FCS): `body` with its FCS appended, least significant byte first, or
/// with that FCS complemented when the host marked the frame bad
/// (`s_axis_tx_tuser`), so a corrupt frame never looks valid.
pub fn tx_frame(body: &[u8], bad: bool) -> Vec<u8> {
    let mut f = append_fcs(body);
    if bad {
        let n = f.len();
        for b in &mut f[n - 4..] {
            *b = !*b;
        }
    }
    f
}

/// What the datapath delivers for one frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelOut {
    /// Output frame, FCS included.
    pub frame: Vec<u8>,
    /// `m_axis_tuser` on the last beat ([`ferronic_hdl::rx::tag::tuser`] bits).
    pub tuser: u8,
    /// `m_axis_tag`: the migrated tag, wire order, byte 0 in bits 7:0; 0 when
    /// nothing was migrated.
    pub tag: u64,
}

/// Runs one frame (FCS included) through the reference datapath.
pub fn process(input: &[u8], format: TagFormat, mode: TagMode) -> ModelOut {
    let n = input.len();
    let mut flags = 0u8;
    if !fcs_ok(input) {
        flags |= tuser::FCS_ERR;
    }
    if n < MIN_FRAME {
        flags |= tuser::RUNT;
    }
    if n > MAX_FRAME {
        flags |= tuser::GIANT;
    }
    if n < format.min_frame() {
        flags |= tuser::TAG_SHORT | tuser::BAD;
        return ModelOut {
            frame: input.to_vec(),
            tuser: flags,
            tag: 0,
        };
    }
    if flags != 0 {
        flags |= tuser::BAD;
    }
    let body = &input[..n - 4];
    let (off, len) = (format.offset(), format.len());
    let migrate = len > 0 && mode != TagMode::Pass;
    let mut tag = 0u64;
    let new_body = if migrate {
        let t = &body[off..off + len];
        let mut w = [0u8; 8];
        w[..len].copy_from_slice(t);
        tag = u64::from_le_bytes(w);
        flags |= tuser::MIGRATED;
        let mut rest = Vec::with_capacity(n);
        rest.extend_from_slice(&body[..off]);
        rest.extend_from_slice(&body[off + len..]);
        match mode {
            TagMode::Tail => rest.extend_from_slice(t),
            _ => {
                if n >= MIN_FRAME && rest.len() + 4 < MIN_FRAME {
                    rest.resize(MIN_FRAME - 4, 0);
                }
            }
        }
        rest
    } else {
        body.to_vec()
    };
    let mut fcs = ETH_CRC.checksum(&new_body);
    if flags & tuser::FCS_ERR != 0 {
        fcs = !fcs;
    }
    let mut frame = new_body;
    frame.extend_from_slice(&fcs.to_le_bytes());
    ModelOut {
        frame,
        tuser: flags,
        tag,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(len: usize) -> Vec<u8> {
        append_fcs(&(0..len - 4).map(|i| i as u8).collect::<Vec<_>>())
    }

    #[test]
    fn edsa_tail_moves_eight_bytes_before_fcs() {
        let f = frame(100);
        let o = process(&f, TagFormat::Edsa, TagMode::Tail);
        assert_eq!(o.frame.len(), 100);
        assert_eq!(&o.frame[..12], &f[..12]);
        assert_eq!(&o.frame[12..88], &f[20..96]);
        assert_eq!(&o.frame[88..96], &f[12..20]);
        assert!(fcs_ok(&o.frame));
        assert_eq!(o.tuser, tuser::MIGRATED);
    }

    #[test]
    fn strip_pads_to_64_and_bad_fcs_stays_bad() {
        let mut f = frame(66);
        let o = process(&f, TagFormat::Brcm, TagMode::Strip);
        assert_eq!(o.frame.len(), 64);
        assert!(o.frame[58..60].iter().all(|&b| b == 0));
        assert!(fcs_ok(&o.frame));
        f[20] ^= 1;
        let o = process(&f, TagFormat::Brcm, TagMode::Strip);
        assert!(!fcs_ok(&o.frame));
        assert_eq!(
            o.tuser & (tuser::BAD | tuser::FCS_ERR),
            tuser::BAD | tuser::FCS_ERR
        );
    }

    #[test]
    fn too_short_passes_unchanged() {
        let f = frame(20);
        let o = process(&f, TagFormat::Edsa, TagMode::Strip);
        assert_eq!(o.frame, f);
        assert_ne!(o.tuser & tuser::TAG_SHORT, 0);
    }
}
