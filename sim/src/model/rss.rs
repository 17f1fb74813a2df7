//! Golden model of RSS steering: header parse, Toeplitz hash (Microsoft RSS
//! specification, "Verifying the RSS Hash Calculation"), indirection table.
//! Written from the specification, independently of the gateware's
//! `toeplitz` network: the hash slides a 64-bit window over the key.
//!
//! Frames carry their FCS: the last 4 bytes are never header.

/// Ethernet header field offsets (bytes).
mod eth {
    pub const ETHERTYPE: usize = 12;
    pub const HEADER_LEN: usize = 14;
    pub const VLAN_TAG_LEN: usize = 4;
    pub const TPID_8021Q: u16 = 0x8100;
    pub const TPID_8021AD: u16 = 0x88A8;
    pub const IPV4: u16 = 0x0800;
    pub const IPV6: u16 = 0x86DD;
}

/// IPv4 header field offsets (RFC 791 section 3.1).
mod ipv4 {
    pub const VER_IHL: usize = 0;
    pub const FLAGS_FRAG: usize = 6;
    pub const PROTOCOL: usize = 9;
    pub const SRC: usize = 12;
    pub const MIN_LEN: usize = 20;
}

/// IPv6 header field offsets (RFC 8200 section 3).
mod ipv6 {
    pub const NEXT_HEADER: usize = 6;
    pub const SRC: usize = 8;
    pub const LEN: usize = 40;
}

const TCP: u8 = 6;
const UDP: u8 = 17;

/// The key of the Microsoft RSS verification suite.
pub const MS_KEY: [u8; 40] = [
    0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
    0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
    0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
];

/// RSS configuration as the registers hold it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RssConfig {
    /// `rss.CTRL` bit 0.
    pub enable: bool,
    /// Toeplitz key, 40 bytes.
    pub key: [u8; 40],
    /// Indirection table: queue of each of the 128 entries.
    pub table: [u8; 128],
    /// `datapath.DEFAULT_QUEUE`.
    pub default_queue: u8,
}

impl RssConfig {
    /// RSS over `queues` queues, table filled round-robin, with `key`.
    pub fn spread(queues: u8, key: [u8; 40]) -> RssConfig {
        let mut table = [0u8; 128];
        for (i, e) in table.iter_mut().enumerate() {
            *e = (i % usize::from(queues.max(1))) as u8;
        }
        RssConfig {
            enable: queues > 1,
            key,
            table,
            default_queue: 0,
        }
    }
}

impl Default for RssConfig {
    /// RSS off, every frame to queue 0 (the reset state).
    fn default() -> Self {
        RssConfig {
            enable: false,
            key: [0; 40],
            table: [0; 128],
            default_queue: 0,
        }
    }
}

/// The model's steering decision for one frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Steer {
    /// Receive queue (`m_axis_tdest`).
    pub queue: u8,
    /// Toeplitz hash of an IP frame without parser error, else 0.
    pub hash: u32,
    /// IPv4/IPv6 EtherType but a malformed or truncated header.
    pub parse_err: bool,
}

/// Toeplitz hash: for each input bit (most significant bit of byte 0
/// first), XOR in the 32 key bits starting at that bit position.
pub fn toeplitz(key: &[u8; 40], input: &[u8]) -> u32 {
    assert!(input.len() <= 36, "key too short for more than 36 bytes");
    let mut result = 0u32;
    // window: key bits [i, i+64) as a big-endian 64-bit number
    let mut window = u64::from_be_bytes(key[..8].try_into().unwrap());
    for (n, &byte) in input.iter().enumerate() {
        for b in 0..8 {
            if byte & (0x80 >> b) != 0 {
                result ^= (window >> 32) as u32;
            }
            window <<= 1;
        }
        // refill: after each byte the window's low 8 bits are empty
        window |= u64::from(*key.get(8 + n).unwrap_or(&0));
    }
    result
}

fn be16(f: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([f[at], f[at + 1]])
}

/// The 2- or 4-tuple bytes to hash, or `Err(())` for a parser error, or
/// `Ok(None)` for a non-IP frame. `frame` includes its FCS.
#[allow(clippy::result_unit_err)] // a parser error carries no more than "malformed"
pub fn tuple(frame: &[u8]) -> Result<Option<Vec<u8>>, ()> {
    let avail = frame.len().saturating_sub(4);
    if avail < eth::HEADER_LEN {
        return Ok(None);
    }
    let mut l3 = eth::HEADER_LEN;
    let mut et = be16(frame, eth::ETHERTYPE);
    for _ in 0..2 {
        if et != eth::TPID_8021Q && et != eth::TPID_8021AD {
            break;
        }
        l3 += eth::VLAN_TAG_LEN;
        if avail < l3 {
            return Ok(None);
        }
        et = be16(frame, l3 - 2);
    }
    match et {
        eth::IPV4 => {
            if avail < l3 + ipv4::MIN_LEN {
                return Err(());
            }
            let vi = frame[l3 + ipv4::VER_IHL];
            let ihl = usize::from(vi & 0xF) * 4;
            if vi >> 4 != 4 || ihl < ipv4::MIN_LEN || avail < l3 + ihl {
                return Err(());
            }
            let frag =
                frame[l3 + ipv4::FLAGS_FRAG] & 0x3F != 0 || frame[l3 + ipv4::FLAGS_FRAG + 1] != 0;
            let proto = frame[l3 + ipv4::PROTOCOL];
            let mut t = frame[l3 + ipv4::SRC..l3 + ipv4::SRC + 8].to_vec();
            if (proto == TCP || proto == UDP) && !frag {
                if avail < l3 + ihl + 4 {
                    return Err(());
                }
                t.extend_from_slice(&frame[l3 + ihl..l3 + ihl + 4]);
            }
            Ok(Some(t))
        }
        eth::IPV6 => {
            if avail < l3 + ipv6::LEN || frame[l3] >> 4 != 6 {
                return Err(());
            }
            let nh = frame[l3 + ipv6::NEXT_HEADER];
            let mut t = frame[l3 + ipv6::SRC..l3 + ipv6::SRC + 32].to_vec();
            if nh == TCP || nh == UDP {
                if avail < l3 + ipv6::LEN + 4 {
                    return Err(());
                }
                t.extend_from_slice(&frame[l3 + ipv6::LEN..l3 + ipv6::LEN + 4]);
            }
            Ok(Some(t))
        }
        _ => Ok(None),
    }
}

/// The queue, hash and parser-error flag of one frame (FCS included), for
/// a core of [`ferronic_hdl::RX_QUEUES`] receive queues.
pub fn steer(frame: &[u8], cfg: &RssConfig) -> Steer {
    steer_among(frame, cfg, ferronic_hdl::RX_QUEUES)
}

/// [`steer`] for a core of `queues` receive queues (a power of two, 8 to
/// 64): queue numbers keep their low log2(`queues`) bits.
pub fn steer_among(frame: &[u8], cfg: &RssConfig, queues: usize) -> Steer {
    let mask = (queues - 1) as u8;
    match tuple(frame) {
        Err(()) => Steer {
            queue: cfg.default_queue & mask,
            hash: 0,
            parse_err: true,
        },
        Ok(None) => Steer {
            queue: cfg.default_queue & mask,
            hash: 0,
            parse_err: false,
        },
        Ok(Some(t)) => {
            let hash = toeplitz(&cfg.key, &t);
            let queue = if cfg.enable {
                cfg.table[(hash & 0x7F) as usize] & mask
            } else {
                cfg.default_queue & mask
            };
            Steer {
                queue,
                hash,
                parse_err: false,
            }
        }
    }
}
