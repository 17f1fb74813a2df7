//! The map builder: assembles the register blocks of [`crate::blocks`]
//! into the Corundum-style chain (header words, next-block offsets, block
//! lengths rounded to powers of two, at least 0x40 bytes), computes the map
//! hash, and looks registers up by name, address and role.

use crate::blocks;
use crate::{
    Access, Block, CounterDef, MapParams, Owner, Reg, Source, ADDR_BITS, BOARD_BASE, DMA_BASE,
    MAP_VERSION, VENDOR,
};
use serde::Serialize;

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

impl RegMap {
    /// Bytes a BAR must span for the map: the end of its last block.
    pub fn span(&self) -> u64 {
        self.blocks
            .last()
            .map_or(0, |b| u64::from(b.base) + u64::from(b.length))
    }

    /// Builds the map for `params`.
    pub fn new(params: MapParams) -> RegMap {
        assert!(
            (1..=256).contains(&params.rx_queues),
            "rx_queues must be 1..=256"
        );
        assert!(
            !params.handshake || (1..=256).contains(&params.listen),
            "listen must be 1..=256"
        );
        let counters = blocks::counters::defs(&params);
        let id = blocks::identity::block(&params);
        let dp = blocks::datapath::block();
        let rss = blocks::rss::block();
        let ct = blocks::counters::block(&counters);
        let hs = blocks::handshake::block(params.listen);

        let mut blocks = Vec::new();
        let mut base = 0u32;
        let mut builders = vec![id, dp];
        if params.rss {
            builders.push(rss);
        }
        builders.push(ct);
        if params.handshake {
            builders.push(hs);
        }
        if params.dma {
            use blocks::queues;
            let (rx, tx, nc) = (params.rx_queues, params.tx_queues, queues::cqs(&params));
            builders.push(queues::dma(&params, 0));
            let first = queues::dma_inputs(&params).len();
            builders.push(queues::rings(true, rx, first));
            builders.push(queues::rings(false, tx, first + 3 * rx));
            builders.push(queues::cq(nc, first + 3 * rx + tx, 0));
        }
        if params.board {
            builders.push(blocks::board::block());
        }
        if params.open {
            assert!(
                !params.dma && !params.board && !params.rss && !params.handshake,
                "the open board's map has none of the NIC's optional blocks"
            );
            builders.push(blocks::open::block());
        }
        let n = builders.len();
        // where each block starts: packed, the DMA engine's from DMA_BASE,
        // the board block at BOARD_BASE
        let mut bases = Vec::with_capacity(n);
        for (k, b) in builders.iter().enumerate() {
            if b.owner == Owner::Dma && builders[k - 1].owner == Owner::Core {
                assert!(base <= DMA_BASE, "the core's blocks reach past DMA_BASE");
                base = DMA_BASE;
            }
            if b.owner == Owner::Board {
                assert!(base <= BOARD_BASE, "the blocks reach past BOARD_BASE");
                base = BOARD_BASE;
            }
            bases.push(base);
            base += (16 + 4 * b.regs.len() as u32).next_power_of_two().max(0x40);
        }
        for (k, b) in builders.into_iter().enumerate() {
            let base = bases[k];
            let body = 16 + 4 * b.regs.len() as u32;
            let length = body.next_power_of_two().max(0x40);
            let next = bases.get(k + 1).copied().unwrap_or(0);
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
                owner: b.owner,
                regs,
            });
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

    /// The registers of the blocks `owner` decodes, in address order.
    pub fn owned(&self, owner: Owner) -> impl Iterator<Item = &Reg> {
        self.blocks
            .iter()
            .filter(move |b| b.owner == owner)
            .flat_map(|b| b.regs.iter())
    }

    /// The register at byte address `offset` among those `owner` decodes.
    pub fn at_owned(&self, offset: u32, owner: Owner) -> Option<&Reg> {
        self.owned(owner).find(|r| r.offset == offset)
    }

    /// The core's storage registers in address order: their bits form the
    /// register file's configuration bus, register k at bits 32k+31..32k.
    pub fn storage(&self) -> Vec<&Reg> {
        self.owned(Owner::Core)
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
    use crate::*;

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

    #[test]
    fn absent_blocks_and_capabilities() {
        let m = RegMap::new(MapParams {
            rss: false,
            handshake: false,
            dma: true,
            ..MapParams::default()
        });
        let names: Vec<&str> = m.blocks.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(
            names,
            ["identity", "datapath", "counters", "dma", "rxq", "txq", "cq"]
        );
        assert!(m.counters.iter().all(|c| !c.name.starts_with("HS_")));
        assert_eq!(m.counters.len(), 9 + 4 * 8 + 4 * 8);
        // bits 0-2 and 5 (DMA), queues - 1 in 15:8 and 23:16
        assert_eq!(
            m.reg("identity.CAPABILITIES").unwrap().source,
            Source::Const(0x0007_0727)
        );
        assert_eq!(
            m.reg("identity.SIZES").unwrap().source,
            Source::Const(128 << 16)
        );
        let d = RegMap::new(MapParams::default());
        assert_eq!(
            d.reg("identity.CAPABILITIES").unwrap().source,
            Source::Const(0x0007_071f)
        );
        assert_eq!(d.reg("identity.SIZES").unwrap().source, Source::Const(64));
        // the host recovers the parameters from the word
        for p in [m.params, d.params] {
            assert_eq!(MapParams::from_capabilities(p.capabilities()), p);
        }
        // identity has the same layout in every build (the host reads it
        // before it knows the parameters)
        let pos = |m: &RegMap| {
            m.blocks[0]
                .regs
                .iter()
                .map(|r| r.offset)
                .collect::<Vec<_>>()
        };
        assert_eq!(pos(&m), pos(&d));
    }

    #[test]
    fn the_open_boards_map() {
        let m = RegMap::new(MapParams::open_board());
        let names: Vec<&str> = m.blocks.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["identity", "datapath", "counters", "open"]);
        let got: Vec<&str> = m.counters.iter().map(|c| c.name.as_str()).collect();
        let want: Vec<&str> = crate::OPEN_COUNTERS.iter().map(|c| c.0).collect();
        assert_eq!(got, want);
        // bits 0-2 and 7 (open), one queue each way
        assert_eq!(
            m.reg("identity.CAPABILITIES").unwrap().source,
            Source::Const(0x0000_0087)
        );
        assert_eq!(
            MapParams::from_capabilities(m.params.capabilities()),
            m.params
        );
        assert_eq!(
            m.reg("open.TYPE").unwrap().source,
            Source::Const(u32::from(VENDOR) << 16 | 0x000B)
        );
        assert_eq!(m.reg("open.LAST_TAG_HI").unwrap().source, Source::Input(1));
        // the counters are LO/HI pairs in counter order from one address
        let c0 = m.reg("counters.P0_RX_FRAMES_LO").unwrap().offset;
        let last = m.reg("counters.P0_TX_UNDERRUNS_HI").unwrap().offset;
        assert_eq!(last, c0 + 8 * 22 + 4);
        assert_ne!(m.hash, RegMap::new(MapParams::default()).hash);
    }
}
