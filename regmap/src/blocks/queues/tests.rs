//! Tests of the ring and completion-queue blocks' layout.

use crate::*;
use std::collections::BTreeSet;

fn nic() -> RegMap {
    RegMap::new(MapParams {
        dma: true,
        ..MapParams::default()
    })
}

/// 64 queues: the ring bitmaps of rings 32 to 63 are `_1` words right
/// after the 8-queue layout's, the rings' inputs numbered after them,
/// densely, and the core's blocks still end below DMA_BASE.
#[test]
fn sixty_four_queues_add_bitmap_words() {
    let p = |n| MapParams {
        rx_queues: n,
        tx_queues: n,
        dma: true,
        ..MapParams::default()
    };
    assert_eq!(dma_inputs(&p(32)).len(), DMA_INPUTS.len());
    let names: Vec<String> = dma_inputs(&p(64)).into_iter().map(|x| x.0).collect();
    assert_eq!(
        names[DMA_INPUTS.len()..],
        [
            "RX_STOPPED_1",
            "TX_STOPPED_1",
            "RX_WAITING_1",
            "TX_POSTED_1"
        ]
    );
    let m = RegMap::new(p(64));
    let mut inputs: Vec<usize> = m
        .regs()
        .filter_map(|r| match r.source {
            Source::Input(n) if r.offset >= DMA_BASE => Some(n),
            _ => None,
        })
        .collect();
    inputs.sort();
    assert!(inputs.iter().enumerate().all(|(k, &n)| k == n), "dense");
    // 14 dma words, 3 per receive ring, 1 per transmit ring, 2 per CQ
    assert_eq!(inputs.len(), 14 + 3 * 64 + 64 + 2 * 128);
    let core_end = m
        .blocks
        .iter()
        .filter(|b| b.owner == Owner::Core)
        .map(|b| b.base + b.length)
        .max()
        .unwrap();
    assert!(core_end <= DMA_BASE, "core blocks end at {core_end:#x}");
}

/// The engine's blocks start at DMA_BASE, the chain reaches them, and
/// the core's registers are the same as in `nic_core`'s map but for
/// the pointer to them, the hash and the capability words.
#[test]
fn dma_blocks_follow_the_core() {
    let (core, nic) = (RegMap::new(MapParams::default()), nic());
    let names: Vec<&str> = nic.blocks.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "identity",
            "datapath",
            "rss",
            "counters",
            "handshake",
            "dma",
            "rxq",
            "txq",
            "cq"
        ]
    );
    let dma = nic.blocks.iter().position(|b| b.name == "dma").unwrap();
    assert_eq!(nic.blocks[dma].base, DMA_BASE);
    assert_eq!(nic.blocks[dma - 1].regs[2].source, Source::Const(DMA_BASE));
    for (k, b) in nic.blocks.iter().enumerate() {
        assert_eq!(b.owner == Owner::Dma, k >= dma, "{}", b.name);
        let next = nic.blocks.get(k + 1).map_or(0, |n| n.base);
        assert_eq!(b.regs[2].source, Source::Const(next), "{}.NEXT", b.name);
        assert!(b.regs.iter().all(|r| r.offset < b.base + b.length));
    }
    assert!(nic
        .blocks
        .windows(2)
        .all(|w| w[0].base + w[0].length <= w[1].base));
    let differ: Vec<&str> = core
        .regs()
        .zip(nic.owned(Owner::Core))
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a.name.as_str())
        .collect();
    // (and what the identity block says the bitstream has: a DMA engine)
    assert_eq!(differ, ["MAP_HASH", "CAPABILITIES", "SIZES", "NEXT"]);
    assert_eq!(core.regs().count(), nic.owned(Owner::Core).count());
    assert_ne!(core.hash, nic.hash);
    assert_eq!(core.storage(), nic.storage(), "the core's storage bus");
}

/// Each ring and completion queue has its registers, in order, and
/// the engine's inputs and strobes are numbered densely from 0.
#[test]
fn queue_registers_and_engine_buses() {
    let m = nic();
    for (blk, n, prefix, regs) in [
        ("rxq", 8, "Q", RX_RING_REGS),
        ("txq", 8, "Q", RING_REGS),
        ("cq", 16, "C", CQ_REGS),
    ] {
        let b = m.blocks.iter().find(|b| b.name == blk).unwrap();
        let want: Vec<String> = (0..n)
            .flat_map(|q| regs.iter().map(move |r| format!("{prefix}{q}_{r}")))
            .collect();
        let got: Vec<&str> = b.regs[4..].iter().map(|r| r.name.as_str()).collect();
        assert_eq!(got, want, "{blk}");
    }
    let inputs: Vec<usize> = m
        .owned(Owner::Dma)
        .filter_map(|r| match r.source {
            Source::Input(i) => Some(i),
            _ => None,
        })
        .collect();
    assert_eq!(
        inputs,
        (0..DMA_INPUTS.len() + 3 * 8 + 8 + 32).collect::<Vec<_>>()
    );
    let strobes: BTreeSet<usize> = m
        .owned(Owner::Dma)
        .filter_map(|r| match r.source {
            Source::Strobe(i) => Some(i),
            _ => None,
        })
        .collect();
    assert_eq!(strobes, (0..16).collect());
    let ctrl = m.reg("rxq.Q3_CTRL").unwrap();
    assert_eq!(ctrl.source, Source::Storage(8 << ring_ctrl::LOG_SIZE_SHIFT));
    assert_eq!(m.reg("cq.C15_ARM").unwrap().access, Access::Wo);
    assert_eq!(
        m.reg("dma.QUEUES").unwrap().source,
        Source::Const(8 | 8 << 8 | 16 << 16)
    );
}

/// The exports carry the engine's registers.
#[test]
fn exports_include_the_engine() {
    let m = nic();
    let (md, h, j) = (export::markdown(&m), export::c_header(&m), export::json(&m));
    assert!(md.contains("## cq (id 0x0009"), "markdown");
    assert!(md.contains("C15_MOD"));
    let v: serde_json::Value = serde_json::from_str(&j).unwrap();
    let blocks = v["blocks"].as_array().unwrap();
    assert!(blocks
        .iter()
        .any(|b| b["name"] == "rxq" && b["owner"] == "dma"));
    let off = m.reg("txq.Q7_PROD").unwrap().offset;
    assert!(
        h.contains(&format!("0x{off:04x}")),
        "C header offset of txq.Q7_PROD"
    );
}
