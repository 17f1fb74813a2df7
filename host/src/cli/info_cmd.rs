//! `nicctl info`: the bitstream's identity, capabilities and block chain.

use super::{table, Out};
use crate::device::Device;
use crate::discover::version_str;
use crate::error::{exit, HostError};
use serde_json::json;
use std::time::{Duration, UNIX_EPOCH};

/// `identity.CAPABILITIES` and `SIZES` in words: the blocks the
/// bitstream has and its queue and table sizes.
fn caps_text(c: u32, sizes: u32) -> String {
    use ferronic_regmap::caps;
    let names = [
        (caps::TAG, "tag migration"),
        (caps::FCS, "FCS check/replace"),
        (caps::COUNTERS, "counters"),
        (caps::RSS, "RSS"),
        (caps::HANDSHAKE, "TCP handshake engine"),
        (caps::DMA, "DMA engine"),
        (caps::BOARD, "board shell"),
        (caps::OPEN, "open board (bump in the wire)"),
    ];
    let have: Vec<&str> = names
        .iter()
        .filter(|(bit, _)| c & bit != 0)
        .map(|(_, n)| *n)
        .collect();
    let count = |n: u32, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let mut t = format!(
        "{}; {}, {}",
        have.join(", "),
        count(((c >> caps::RX_QUEUES_SHIFT) & 0xFF) + 1, "receive queue"),
        count(((c >> caps::TX_QUEUES_SHIFT) & 0xFF) + 1, "transmit queue"),
    );
    if sizes & 0xFFFF != 0 {
        t.push_str(&format!(", {} listen entries", sizes & 0xFFFF));
    }
    if sizes >> 16 != 0 {
        t.push_str(&format!(", {}-bit DMA bus", sizes >> 16));
    }
    t
}

pub(super) fn info(dev: &mut Device, o: &mut Out<'_>) -> Result<u8, HostError> {
    let id = dev.found.identity.clone();
    let built = if id.build_time == 0 {
        "unknown".to_string()
    } else {
        humantime::format_rfc3339_seconds(
            UNIX_EPOCH + Duration::from_secs(u64::from(id.build_time)),
        )
        .to_string()
    };
    // the device's map hash is of its core map or, on a `nic` top, of the
    // map with the DMA engine's blocks
    let full_hash = crate::device::with_dma(&dev.map).hash;
    let matches = id.map_hash == dev.map.hash || id.map_hash == full_hash;
    let v = json!({
        "device": dev.name(),
        "backend": dev.io().backend(),
        "identity": id,
        "map_hash_matches": matches,
        "params": dev.found.params,
        "tool_map_hash": dev.map.hash,
        "build_time_utc": built,
        "blocks": dev.found.blocks,
        "warnings": dev.found.warnings,
    });
    let backend = dev.io().backend();
    let (name, hash) = (dev.name().to_string(), dev.map.hash);
    let blocks = dev.found.blocks.clone();
    o.emit(&v, || {
        let mut t = table(&["FIELD", "VALUE"]);
        t.add_row(vec!["device".into(), format!("{name} ({backend})")]);
        t.add_row(vec!["magic".into(), format!("{:#010x} (FERR)", id.magic)]);
        t.add_row(vec![
            "register map".into(),
            format!(
                "version {}, hash {:#010x} ({})",
                version_str(id.map_version),
                id.map_hash,
                if matches {
                    "matches this tool".to_string()
                } else {
                    format!("this tool has {hash:#010x}")
                }
            ),
        ]);
        t.add_row(vec![
            "built".into(),
            format!("{built}, git {:08x}", id.git_hash),
        ]);
        t.add_row(vec![
            "capabilities".into(),
            caps_text(id.capabilities, id.sizes),
        ]);
        for b in &blocks {
            t.add_row(vec![
                "block".into(),
                format!(
                    "{:#06x} {} v{} ({} bytes)",
                    b.base,
                    b.name.as_deref().unwrap_or("unknown"),
                    version_str(b.version),
                    b.length
                ),
            ]);
        }
        format!("{t}\n")
    });
    Ok(exit::OK)
}
