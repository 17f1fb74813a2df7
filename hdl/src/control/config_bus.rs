//! Where the configuration buses of [`crate::control::regfile::RegFile`]
//! sit in its storage: the `rss` block's words (`rss_enable`, `rss_key`,
//! the indirection table) and the handshake block's (`hs_cfg`: the listen
//! table, then the settings). Shared by the Rust model and the Verilog
//! generator, so both pack the buses the same way.

use crate::HS_STORAGE;
use ferronic_regmap::RegMap;

/// The handshake settings on `hs_cfg`, low bits first, after the listen
/// table's words (bits 0 to 64 [`crate::LISTEN`] - 1): (storage word
/// after `handshake.CTRL`, bits used).
pub const HS_FIELDS: [(usize, usize); 17] = [
    (0, 2),   // CTRL: ENABLE, RST_CLOSED
    (1, 32),  // KEY0_0
    (2, 32),  // KEY0_1
    (3, 32),  // KEY0_2
    (4, 32),  // KEY0_3
    (5, 32),  // KEY1_0
    (6, 32),  // KEY1_1
    (7, 32),  // KEY1_2
    (8, 32),  // KEY1_3
    (9, 32),  // CLOCK_DIV
    (10, 32), // COUNT_PERIOD
    (11, 32), // TS_BASE
    (12, 32), // COUNT_BASE
    (13, 16), // MSS
    (14, 4),  // WSCALE
    (15, 16), // WINDOW
    (16, 8),  // TTL
];

const _: () = {
    let mut n = 0;
    let mut i = 0;
    while i < HS_FIELDS.len() {
        n += HS_FIELDS[i].1;
        i += 1;
    }
    assert!(n == crate::HS_SETTINGS_BITS);
};

/// Storage indices of `rss.CTRL`, `rss.KEY0` and `rss.TABLE0`, or None
/// when the map has no `rss` block.
pub(crate) fn rss_storage(map: &RegMap) -> Option<(usize, usize, usize)> {
    let ctrl = map.storage_index("rss.CTRL")?;
    let key = map.storage_index("rss.KEY0").expect("rss.KEY0");
    let table = map.storage_index("rss.TABLE0").expect("rss.TABLE0");
    Some((ctrl, key, table))
}

/// Storage index of `handshake.CTRL` (None when the map has no
/// `handshake` block); checks that the block's storage registers are
/// [`HS_STORAGE`] contiguous ones.
pub(crate) fn hs_first(map: &RegMap) -> Option<usize> {
    let first = map.storage_index("handshake.CTRL")?;
    let last = map
        .storage_index(&format!("handshake.LISTEN{}_PORT", crate::LISTEN - 1))
        .expect("the last listen entry");
    assert_eq!(last + 1 - first, HS_STORAGE, "handshake storage layout");
    Some(first)
}
