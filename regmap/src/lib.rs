//! ferronic's register map, defined once.
//!
//! The map drives the gateware's AXI4-Lite register file (`ferronic-hdl`
//! emits its decoder from [`RegMap`]), the host's accessors (by name, with
//! the offsets below), and the exports `regmap.md`, `regmap.json` and
//! `regmap.h` that `nicgen` writes (see [`export`]).
//!
//! Layout (Corundum style, DESIGN.md section 5): 32-bit registers at byte
//! addresses; a chain of register blocks, each starting with four header
//! words {type = vendor << 16 | id, version = major.minor.patch.meta (one
//! byte each, major in bits 31:24), next-block byte address (0 ends), block
//! length in bytes}. Block 0 at address 0 identifies the bitstream.
//!
//! 64-bit counters are read low word first: reading `*_LO` latches the high
//! word of the same counter into a shadow that `*_HI` returns, so a counter
//! is never torn. Writing 1 to `counters.CLEAR` zeroes every counter.

pub mod export;
pub mod handoff;
pub mod tag;

use serde::Serialize;

/// PCI-style vendor number in the high half of every block type word.
pub const VENDOR: u16 = 0xFE55;
/// `identity.MAGIC`: ASCII "FERR".
pub const MAGIC: u32 = 0x4645_5252;
/// Version of the register map (major.minor.patch.meta, one byte each).
pub const MAP_VERSION: u32 = 0x0001_0000;
/// Bytes of address space decoded (`s_axil_awaddr`/`araddr` width 16).
pub const ADDR_BITS: u32 = 16;

/// Who may do what with a register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    /// Read-only; writes are accepted (OKAY) and ignored.
    Ro,
    /// Read-write, byte strobes honoured.
    Rw,
    /// Write-only; reads return 0.
    Wo,
}

/// Where a register's value comes from in the hardware.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "arg")]
pub enum Source {
    /// A constant fixed at generation time.
    Const(u32),
    /// Build-specific constant (build time, git hash): not part of the map hash.
    BuildConst(u32),
    /// Storage with this reset value; its bits drive the datapath.
    Storage(u32),
    /// Low word of 64-bit counter N; reading it latches the high word.
    CounterLo(usize),
    /// High word latched by the last `CounterLo` read.
    CounterHi(usize),
    /// Writing 1 to bit 0 clears all counters (one-cycle pulse).
    Clear,
    /// A live 32-bit value from the core: word N of the register file's
    /// `inputs` bus.
    Input(usize),
    /// Writing (any value) pulses bit N of the register file's `strobes`
    /// bus for one cycle.
    Strobe(usize),
}

/// One 32-bit register.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reg {
    /// Name, unique within its block (upper case).
    pub name: String,
    /// Byte address (absolute, 4-byte aligned).
    pub offset: u32,
    /// Access rights.
    pub access: Access,
    /// Hardware source.
    pub source: Source,
    /// What the bits mean.
    pub doc: String,
}

/// A register block: four header words then its registers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Block {
    /// Block name (lower case).
    pub name: String,
    /// Block id (low half of the type word).
    pub id: u16,
    /// Block version, major.minor.patch.meta.
    pub version: u32,
    /// Byte address of the block.
    pub base: u32,
    /// Length in bytes.
    pub length: u32,
    /// Registers, header words included, in address order.
    pub regs: Vec<Reg>,
}

/// Generation parameters that shape the map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct MapParams {
    /// Number of receive queues (1..=256).
    pub rx_queues: usize,
    /// Number of transmit queues (1..=256).
    pub tx_queues: usize,
    /// Build time, Unix seconds (`SOURCE_DATE_EPOCH` when set).
    pub build_time: u32,
    /// First 8 hex digits of the git commit, as a number (0 if unknown).
    pub git_hash: u32,
}

impl Default for MapParams {
    fn default() -> Self {
        MapParams {
            rx_queues: 8,
            tx_queues: 8,
            build_time: 0,
            git_hash: 0,
        }
    }
}

/// Counters kept by the core, in counter-number order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CounterDef {
    /// Register name stem (`<NAME>_LO`, `<NAME>_HI`).
    pub name: String,
    /// What it counts.
    pub doc: String,
}

/// Global counters (numbers 0..[`GLOBAL_COUNTERS`]).
pub const GLOBAL: [(&str, &str); 9] = [
    ("FRAMES_IN", "frames accepted on s_axis"),
    ("FRAMES_OUT", "frames delivered on m_axis"),
    (
        "DROPS",
        "frames discarded because datapath.CTRL.ENABLE was 0 at their first beat",
    ),
    ("BAD_FCS", "frames whose incoming FCS was wrong"),
    ("RUNTS", "frames shorter than 64 bytes"),
    ("GIANTS", "frames longer than MAX_FRAME bytes"),
    (
        "TAG_SHORT",
        "frames too short to hold header + tag + FCS (passed unchanged)",
    ),
    ("MIGRATED", "frames whose switch tag was migrated"),
    (
        "PARSER_ERRORS",
        "IPv4/IPv6 frames with a malformed or truncated header (steered to the default queue)",
    ),
];
/// Number of global counters.
pub const GLOBAL_COUNTERS: usize = GLOBAL.len();
/// Counters per receive queue: frames, bytes, drops, errors.
pub const PER_QUEUE: [(&str, &str); 4] = [
    ("FRAMES", "frames delivered to this queue"),
    ("BYTES", "bytes delivered to this queue, FCS included"),
    (
        "DROPS",
        "frames steered to this queue and dropped (datapath.CTRL.ENABLE was 0)",
    ),
    (
        "ERRORS",
        "frames delivered to this queue with tuser BAD set",
    ),
];

/// `datapath.CTRL` bit fields.
pub mod ctrl {
    /// Bit 0: received frames flow when 1; dropped and counted in DROPS when 0.
    pub const ENABLE: u32 = 1 << 0;
    /// Bit 1: transmitted frames flow when 1; dropped and counted in
    /// TXQq_DROPS when 0.
    pub const TX_ENABLE: u32 = 1 << 1;
    /// Bits 7:4: tag format code (`ferronic_hdl::tag::TagFormat::code`).
    pub const FORMAT_SHIFT: u32 = 4;
    /// Bits 9:8: tag mode code (`ferronic_hdl::tag::TagMode::code`).
    pub const MODE_SHIFT: u32 = 8;
    /// Reset value: receive and transmit enabled, format none, mode pass.
    pub const RESET: u32 = ENABLE | TX_ENABLE;
}

/// Counters per transmit queue (from `s_axis_tx_tdest`): frames, bytes,
/// drops, errors.
pub const PER_TX_QUEUE: [(&str, &str); 4] = [
    ("FRAMES", "frames sent from this queue"),
    ("BYTES", "bytes sent from this queue, FCS included"),
    (
        "DROPS",
        "frames from this queue dropped (datapath.CTRL.TX_ENABLE was 0)",
    ),
    (
        "ERRORS",
        "frames the host marked bad (sent with a deliberately wrong FCS)",
    ),
];

/// Handshake-engine counters (after the per-transmit-queue ones), in the
/// order of the engine's event bits (`ferronic_hdl::handshake::EVENTS`).
pub const HANDSHAKE: [(&str, &str); 8] = [
    (
        "HS_SYNS",
        "SYNs to a listened port answered by the handshake engine",
    ),
    (
        "HS_SYNACKS",
        "SYN-ACKs the handshake engine queued for transmission",
    ),
    (
        "HS_RSTS",
        "RST/ACKs sent for SYNs to closed ports (handshake.CTRL.RST_CLOSED)",
    ),
    (
        "HS_COOKIES_VALID",
        "ACKs to a listened port carrying a valid SYN cookie",
    ),
    (
        "HS_COOKIES_INVALID",
        "data-less ACKs to a listened port whose cookie was invalid or stale (passed to the host)",
    ),
    ("HS_HANDOFFS", "handoff records queued for the host"),
    (
        "HS_HANDOFF_OVERFLOWS",
        "valid handshakes lost because the handoff queue was full",
    ),
    (
        "HS_GEN_DROPS",
        "SYN-ACKs or RSTs lost because the transmit queue of generated frames was full",
    ),
];

/// Entries of the handshake engine's listen table.
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

/// The whole register map.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RegMap {
    /// Vendor number of every block type.
    pub vendor: u16,
    /// Map version.
    pub version: u32,
    /// Parameters it was built for.
    pub params: MapParams,
    /// Blocks in chain order.
    pub blocks: Vec<Block>,
    /// Counter definitions, by counter number.
    pub counters: Vec<CounterDef>,
    /// CRC-32 of [`RegMap::canonical`] (also in `identity.MAP_HASH`).
    pub hash: u32,
}

struct BlockBuilder {
    name: &'static str,
    id: u16,
    version: u32,
    regs: Vec<(String, Access, Source, String)>,
}

impl BlockBuilder {
    fn new(name: &'static str, id: u16, version: u32) -> Self {
        BlockBuilder {
            name,
            id,
            version,
            regs: Vec::new(),
        }
    }
    fn reg(
        &mut self,
        name: impl Into<String>,
        access: Access,
        source: Source,
        doc: impl Into<String>,
    ) {
        self.regs.push((name.into(), access, source, doc.into()));
    }
}

impl RegMap {
    /// Builds the map for `params`.
    pub fn new(params: MapParams) -> RegMap {
        assert!(
            (1..=256).contains(&params.rx_queues),
            "rx_queues must be 1..=256"
        );
        let mut counters: Vec<CounterDef> = GLOBAL
            .iter()
            .map(|(n, d)| CounterDef {
                name: n.to_string(),
                doc: d.to_string(),
            })
            .collect();
        for q in 0..params.rx_queues {
            for (n, d) in PER_QUEUE {
                counters.push(CounterDef {
                    name: format!("RXQ{q}_{n}"),
                    doc: format!("{d} (receive queue {q})"),
                });
            }
        }
        for q in 0..params.tx_queues {
            for (n, d) in PER_TX_QUEUE {
                counters.push(CounterDef {
                    name: format!("TXQ{q}_{n}"),
                    doc: format!("{d} (transmit queue {q})"),
                });
            }
        }
        for (n, d) in HANDSHAKE {
            counters.push(CounterDef {
                name: n.to_string(),
                doc: d.to_string(),
            });
        }

        let mut id = BlockBuilder::new("identity", 0x0001, 0x0001_0000);
        id.reg(
            "MAGIC",
            Access::Ro,
            Source::Const(MAGIC),
            "0x46455252, ASCII \"FERR\"",
        );
        id.reg(
            "MAP_HASH",
            Access::Ro,
            Source::Const(0),
            "CRC-32 of the canonical register-map text",
        );
        id.reg(
            "MAP_VERSION",
            Access::Ro,
            Source::Const(MAP_VERSION),
            "register-map version, major.minor.patch.meta",
        );
        id.reg(
            "BUILD_TIME",
            Access::Ro,
            Source::BuildConst(params.build_time),
            "generation time, Unix seconds (SOURCE_DATE_EPOCH when set)",
        );
        id.reg(
            "GIT_HASH",
            Access::Ro,
            Source::BuildConst(params.git_hash),
            "first 8 hex digits of the source commit (0: unknown)",
        );
        id.reg(
            "CAPABILITIES",
            Access::Ro,
            Source::Const(0xF | ((params.rx_queues as u32 - 1) << 8)),
            "bit 0 tag migration, bit 1 FCS check/replace, bit 2 counters, bit 3 RSS; bits 15:8 receive queues - 1",
        );
        id.reg(
            "SCRATCH",
            Access::Rw,
            Source::Storage(0),
            "free for the host (bring-up tests)",
        );

        let mut dp = BlockBuilder::new("datapath", 0x0002, 0x0001_0000);
        dp.reg(
            "CTRL",
            Access::Rw,
            Source::Storage(ctrl::RESET),
            "bit 0 ENABLE (receive), bit 1 TX_ENABLE; bits 7:4 tag format; bits 9:8 tag mode; sampled at each frame's first beat",
        );
        dp.reg(
            "MAC_LO",
            Access::Rw,
            Source::Storage(0),
            "station MAC address bytes 2..5 (byte 5 in bits 7:0), for later blocks",
        );
        dp.reg(
            "MAC_HI",
            Access::Rw,
            Source::Storage(0),
            "station MAC address bytes 0..1 in bits 15:0 (byte 0 in bits 15:8)",
        );
        dp.reg(
            "DEFAULT_QUEUE",
            Access::Rw,
            Source::Storage(0),
            "receive queue (m_axis_tdest) of every frame, bits 7:0",
        );

        let mut rss = BlockBuilder::new("rss", 0x0004, 0x0001_0000);
        rss.reg(
            "CTRL",
            Access::Rw,
            Source::Storage(0),
            "bit 0: steer by the RSS hash (else every frame to datapath.DEFAULT_QUEUE)",
        );
        for k in 0..10 {
            rss.reg(
                format!("KEY{k}"),
                Access::Rw,
                Source::Storage(0),
                format!(
                    "Toeplitz key bytes {}..{} (byte {} in bits 31:24)",
                    4 * k,
                    4 * k + 3,
                    4 * k
                ),
            );
        }
        for k in 0..32 {
            rss.reg(
                format!("TABLE{k}"),
                Access::Rw,
                Source::Storage(0),
                format!(
                    "indirection entries {}..{}: entry {}+b in bits 8b+7..8b (queue number)",
                    4 * k,
                    4 * k + 3,
                    4 * k
                ),
            );
        }

        let mut ct = BlockBuilder::new("counters", 0x0003, 0x0001_0000);
        ct.reg(
            "CLEAR",
            Access::Wo,
            Source::Clear,
            "write 1 to bit 0: zero every counter",
        );
        for (i, c) in counters.iter().enumerate() {
            ct.reg(
                format!("{}_LO", c.name),
                Access::Ro,
                Source::CounterLo(i),
                format!("{}: bits 31:0 (latches bits 63:32)", c.doc),
            );
            ct.reg(
                format!("{}_HI", c.name),
                Access::Ro,
                Source::CounterHi(i),
                format!("{}: bits 63:32 latched by the _LO read", c.doc),
            );
        }

        let hs = handshake_block();

        let mut blocks = Vec::new();
        let mut base = 0u32;
        let builders = [id, dp, rss, ct, hs];
        let n = builders.len();
        for (k, b) in builders.into_iter().enumerate() {
            let body = 16 + 4 * b.regs.len() as u32;
            let length = body.next_power_of_two().max(0x40);
            let next = if k + 1 == n { 0 } else { base + length };
            let mut regs = vec![
                hdr(
                    "TYPE",
                    base,
                    (u32::from(VENDOR) << 16) | u32::from(b.id),
                    "vendor << 16 | block id",
                ),
                hdr(
                    "VERSION",
                    base + 4,
                    b.version,
                    "block version, major.minor.patch.meta",
                ),
                hdr(
                    "NEXT",
                    base + 8,
                    next,
                    "byte address of the next block, 0 ends the chain",
                ),
                hdr("LENGTH", base + 12, length, "block length in bytes"),
            ];
            for (i, (name, access, source, doc)) in b.regs.into_iter().enumerate() {
                regs.push(Reg {
                    name,
                    offset: base + 16 + 4 * i as u32,
                    access,
                    source,
                    doc,
                });
            }
            blocks.push(Block {
                name: b.name.to_string(),
                id: b.id,
                version: b.version,
                base,
                length,
                regs,
            });
            base += length;
        }
        assert!(
            base <= 1 << ADDR_BITS,
            "register map larger than the decoded space"
        );
        let mut map = RegMap {
            vendor: VENDOR,
            version: MAP_VERSION,
            params,
            blocks,
            counters,
            hash: 0,
        };
        map.hash = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC).checksum(map.canonical().as_bytes());
        let hash = map.hash;
        if let Some(r) = map.regs_mut().find(|r| r.name == "MAP_HASH") {
            r.source = Source::Const(hash);
        }
        map
    }

    /// The canonical description the map hash covers: one line per block
    /// and register (name, address, access, source kind, constant values
    /// except build-specific ones and the hash itself).
    pub fn canonical(&self) -> String {
        let mut s = format!(
            "ferronic-regmap vendor={:04x} version={:08x}\n",
            self.vendor, self.version
        );
        for b in &self.blocks {
            s.push_str(&format!(
                "block {} id={:04x} version={:08x} base={:04x} length={:04x}\n",
                b.name, b.id, b.version, b.base, b.length
            ));
            for r in &b.regs {
                let src = match (r.name.as_str(), r.source) {
                    ("MAP_HASH", _) => "hash".to_string(),
                    (_, Source::BuildConst(_)) => "build".to_string(),
                    (_, Source::Const(v)) => format!("const={v:08x}"),
                    (_, Source::Storage(v)) => format!("storage reset={v:08x}"),
                    (_, Source::CounterLo(i)) => format!("counter_lo={i}"),
                    (_, Source::CounterHi(i)) => format!("counter_hi={i}"),
                    (_, Source::Clear) => "clear".to_string(),
                    (_, Source::Input(i)) => format!("input={i}"),
                    (_, Source::Strobe(i)) => format!("strobe={i}"),
                };
                s.push_str(&format!(
                    "  {:04x} {} {:?} {}\n",
                    r.offset, r.name, r.access, src
                ));
            }
        }
        s
    }

    /// Every register, in address order.
    pub fn regs(&self) -> impl Iterator<Item = &Reg> {
        self.blocks.iter().flat_map(|b| b.regs.iter())
    }

    fn regs_mut(&mut self) -> impl Iterator<Item = &mut Reg> {
        self.blocks.iter_mut().flat_map(|b| b.regs.iter_mut())
    }

    /// The register `block.NAME` (e.g. `"datapath.CTRL"`), if any.
    pub fn reg(&self, path: &str) -> Option<&Reg> {
        let (block, name) = path.split_once('.')?;
        self.blocks
            .iter()
            .find(|b| b.name == block)?
            .regs
            .iter()
            .find(|r| r.name == name)
    }

    /// The register at byte address `offset`, if mapped.
    pub fn at(&self, offset: u32) -> Option<&Reg> {
        self.regs().find(|r| r.offset == offset)
    }

    /// Storage registers in address order: their bits form the register
    /// file's configuration bus, register k at bits 32k+31..32k.
    pub fn storage(&self) -> Vec<&Reg> {
        self.regs()
            .filter(|r| matches!(r.source, Source::Storage(_)))
            .collect()
    }

    /// Index of storage register `path` on the configuration bus.
    pub fn storage_index(&self, path: &str) -> Option<usize> {
        let r = self.reg(path)?;
        self.storage().iter().position(|s| s.offset == r.offset)
    }

    /// Counter number of the counter named `name` (e.g. `"RXQ3_BYTES"`).
    pub fn counter(&self, name: &str) -> Option<usize> {
        self.counters.iter().position(|c| c.name == name)
    }
}

/// The handshake-offload block (TCP SYN cookies, `ferronic_hdl::handshake`).
fn handshake_block() -> BlockBuilder {
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
    for k in 0..LISTEN {
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

fn hdr(name: &str, offset: u32, v: u32, doc: &str) -> Reg {
    Reg {
        name: name.to_string(),
        offset,
        access: Access::Ro,
        source: Source::Const(v),
        doc: doc.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_is_well_formed() {
        let m = RegMap::new(MapParams::default());
        assert_eq!(m.blocks[0].base, 0);
        assert_eq!(
            m.reg("identity.MAGIC").unwrap().source,
            Source::Const(MAGIC)
        );
        for (k, b) in m.blocks.iter().enumerate() {
            let next = m.blocks.get(k + 1).map_or(0, |n| n.base);
            assert_eq!(b.regs[2].source, Source::Const(next));
            assert!(b
                .regs
                .iter()
                .all(|r| r.offset >= b.base && r.offset < b.base + b.length));
            assert!(b.regs.windows(2).all(|w| w[1].offset == w[0].offset + 4));
        }
        let mut offs: Vec<u32> = m.regs().map(|r| r.offset).collect();
        offs.dedup();
        assert_eq!(offs.len(), m.regs().count());
    }

    #[test]
    fn hash_ignores_build_info_but_not_layout() {
        let a = RegMap::new(MapParams::default());
        let b = RegMap::new(MapParams {
            build_time: 12345,
            git_hash: 0xdead_beef,
            ..MapParams::default()
        });
        let c = RegMap::new(MapParams {
            rx_queues: 4,
            ..MapParams::default()
        });
        assert_eq!(a.hash, b.hash);
        assert_ne!(a.hash, c.hash);
        assert_eq!(
            a.reg("identity.MAP_HASH").unwrap().source,
            Source::Const(a.hash)
        );
    }

    #[test]
    fn counters_have_lo_hi_pairs() {
        let m = RegMap::new(MapParams {
            rx_queues: 2,
            ..MapParams::default()
        });
        assert_eq!(
            m.counters.len(),
            GLOBAL_COUNTERS + 2 * PER_QUEUE.len() + 8 * PER_TX_QUEUE.len() + HANDSHAKE.len()
        );
        let lo = m.reg("counters.RXQ1_BYTES_LO").unwrap();
        let hi = m.reg("counters.RXQ1_BYTES_HI").unwrap();
        assert_eq!(hi.offset, lo.offset + 4);
        assert_eq!(
            lo.source,
            Source::CounterLo(m.counter("RXQ1_BYTES").unwrap())
        );
    }
}
