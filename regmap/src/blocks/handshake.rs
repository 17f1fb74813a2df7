//! The `handshake` block (id 0x0005): the TCP handshake engine's
//! settings (enable, SipHash keys, clocks, MSS, window, TTL), its live
//! clocks, the handoff-record queue and the listen table.

use super::BlockBuilder;
use crate::{handoff, Access, Source};

/// Entries of the handshake engine's listen table in the default build
/// ([`crate::MapParams::listen`]).
pub const LISTEN: usize = 64;
/// 32-bit words of a handoff record ([`handoff::Record`]).
pub const RECORD_WORDS: usize = handoff::WORDS;

/// `handshake.CTRL` bit fields.
pub mod hs_ctrl {
    /// Bit 0: the engine answers SYNs and checks ACKs.
    pub const ENABLE: u32 = 1 << 0;
    /// Bit 1: SYNs to ports nobody listens on get RST/ACK (else they pass).
    pub const RST_CLOSED: u32 = 1 << 1;
}

/// The handshake-offload block (TCP SYN cookies, `ferronic_hdl::handshake`).
pub(crate) fn block(listen: usize) -> BlockBuilder {
    let mut hs = BlockBuilder::new("handshake", 0x0005, 0x0001_0000);
    hs.reg(
        "CTRL",
        Access::Rw,
        Source::Storage(0),
        "bit 0 ENABLE; bit 1 RST_CLOSED (SYNs to unlistened ports get RST/ACK)",
    );
    for (k, half) in [(0, "0"), (1, "1")] {
        for w in 0..4 {
            hs.reg(
                format!("KEY{half}_{w}"),
                Access::Wo,
                Source::Storage(0),
                format!(
                    "cookie secret {k} (SipHash key), bits {}..{}: k0 = KEY{half}_1:KEY{half}_0, k1 = KEY{half}_3:KEY{half}_2",
                    32 * w + 31,
                    32 * w
                ),
            );
        }
    }
    hs.reg(
        "CLOCK_DIV",
        Access::Rw,
        Source::Storage(250_000),
        "clock cycles per millisecond of the timestamp clock (250000 at 250 MHz); 0 stops both clocks",
    );
    hs.reg(
        "COUNT_PERIOD",
        Access::Rw,
        Source::Storage(60_000),
        "milliseconds per step of the cookie counter (Linux: 60000)",
    );
    hs.reg(
        "TS_BASE",
        Access::Rw,
        Source::Storage(0),
        "added to the milliseconds since reset: TS_NOW = TS_BASE + elapsed",
    );
    hs.reg(
        "COUNT_BASE",
        Access::Rw,
        Source::Storage(0),
        "added to the periods since reset: COUNT = COUNT_BASE + elapsed",
    );
    hs.reg(
        "MSS",
        Access::Rw,
        Source::Storage(1460),
        "MSS the SYN-ACK advertises, bits 15:0",
    );
    hs.reg(
        "WSCALE",
        Access::Rw,
        Source::Storage(7),
        "window scale the SYN-ACK offers, bits 3:0 (0..14)",
    );
    hs.reg(
        "WINDOW",
        Access::Rw,
        Source::Storage(65535),
        "window field of the SYN-ACK, bits 15:0",
    );
    hs.reg(
        "TTL",
        Access::Rw,
        Source::Storage(64),
        "IPv4 TTL of generated frames, bits 7:0",
    );
    hs.reg(
        "TS_NOW",
        Access::Ro,
        Source::Input(0),
        "the timestamp clock, ms",
    );
    hs.reg(
        "COUNT",
        Access::Ro,
        Source::Input(1),
        "the cookie counter (tcp_cookie_time)",
    );
    hs.reg(
        "HANDOFF_STATUS",
        Access::Ro,
        Source::Input(2),
        "bit 0: a handoff record is waiting in HANDOFF_0..8",
    );
    for w in 0..RECORD_WORDS {
        hs.reg(
            format!("HANDOFF_{w}"),
            Access::Ro,
            Source::Input(3 + w),
            match w {
                0 => "head record: client IPv4 address".to_string(),
                1 => "head record: listener IPv4 address".to_string(),
                2 => "head record: client port << 16 | listener port".to_string(),
                3 => "head record: our ISN (the cookie)".to_string(),
                4 => "head record: the client's ISN".to_string(),
                5 => "head record: MSS << 16 | the ACK's window field".to_string(),
                6 => "head record: the ACK's TSval".to_string(),
                7 => "head record: the ACK's TSecr".to_string(),
                _ => "head record flags: bit 0 timestamps, 1 SACK, 2 ECN, 7:4 client window scale (15: none), 11:8 ours".to_string(),
            },
        );
    }
    hs.reg(
        "HANDOFF_POP",
        Access::Wo,
        Source::Strobe(0),
        "write anything: drop the head record (read HANDOFF_0..8 first)",
    );
    for k in 0..listen {
        hs.reg(
            format!("LISTEN{k}_ADDR"),
            Access::Rw,
            Source::Storage(0),
            format!("listen entry {k}: IPv4 address (0: any)"),
        );
        hs.reg(
            format!("LISTEN{k}_PORT"),
            Access::Rw,
            Source::Storage(0),
            format!("listen entry {k}: bit 16 VALID, bits 15:0 port"),
        );
    }
    hs
}
