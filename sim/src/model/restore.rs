//! Golden model of the open board's reverse migration (CPU port to switch
//! port): a tag the CPU put just before the FCS (Linux `rtl8_4t` layout,
//! `net/dsa/tag_rtl8_4.c`; the inverse of [`super::frame::process`] in
//! mode tail) goes back to its header position, the FCS recomputed
//! (IEEE 802.3 clause 3.2.9), with the `crc` crate.

use super::frame::{fcs_ok, ETH_CRC};
use ferronic_hdl::rx::tag::{TagFormat, TagMode};

/// What the board sends on the switch port for `input` (FCS included)
/// from the CPU port: in mode tail, with a format that has a tag and at
/// least 14 + tag + 4 bytes, the tag's bytes before the FCS move to the
/// format's offset (0 or 12) and the FCS is recomputed, complemented when
/// the input's was wrong; any other frame leaves unchanged, FCS included.
pub fn restore(input: &[u8], format: TagFormat, mode: TagMode) -> Vec<u8> {
    let (n, len, off) = (input.len(), format.len(), format.offset());
    if mode != TagMode::Tail || len == 0 || n < 18 + len {
        return input.to_vec();
    }
    let body = &input[..n - 4];
    let tag = &body[body.len() - len..];
    let mut out = Vec::with_capacity(n);
    out.extend_from_slice(&body[..off]);
    out.extend_from_slice(tag);
    out.extend_from_slice(&body[off..body.len() - len]);
    let mut fcs = ETH_CRC.checksum(&out);
    if !fcs_ok(input) {
        fcs = !fcs;
    }
    out.extend_from_slice(&fcs.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::frame::{append_fcs, process};

    /// Restore undoes tail migration for every format with a tag, at
    /// offset 0 and 12, and keeps a bad FCS bad.
    #[test]
    fn restore_inverts_tail_migration() {
        for f in TagFormat::ALL.into_iter().filter(|f| !f.is_empty()) {
            let body: Vec<u8> = (0..80u8).collect();
            let x = append_fcs(&body);
            let tailed = process(&x, f, TagMode::Tail).frame;
            assert_ne!(tailed, x, "{f:?}");
            assert_eq!(restore(&tailed, f, TagMode::Tail), x, "{f:?}");
            let mut bad = tailed.clone();
            bad[20] ^= 1;
            let r = restore(&bad, f, TagMode::Tail);
            assert!(!fcs_ok(&r), "{f:?}");
            assert_eq!(restore(&tailed, f, TagMode::Pass), tailed);
        }
        let short = append_fcs(&[1u8; 16]);
        assert_eq!(restore(&short, TagFormat::Edsa, TagMode::Tail), short);
    }
}
