//! Byte offsets of the queue registers (`rxq`, `txq`, `cq`, `dma`,
//! `datapath` blocks of the register map), resolved once when queues are
//! opened so that a doorbell is one 32-bit write with no lookup.

use crate::device::Device;
use crate::error::HostError;
use ferronic_regmap::RegMap;

/// One descriptor ring's registers (`rxq.Q<n>_*` or `txq.Q<n>_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RingRegs {
    /// `BASE_LO`: ring IOVA bits 31:0.
    pub base_lo: u32,
    /// `BASE_HI`: ring IOVA bits 63:32.
    pub base_hi: u32,
    /// `CTRL`: enable, log size, completion queue ([`ferronic_regmap::ring_ctrl`]).
    pub ctrl: u32,
    /// `PROD`: the producer index, the doorbell (16 bits, free-running).
    pub prod: u32,
    /// `CONS`: the engine's consumer index (read only).
    pub cons: u32,
}

/// One completion queue's registers (`cq.C<n>_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CqRegs {
    /// `BASE_LO`: queue IOVA bits 31:0.
    pub base_lo: u32,
    /// `BASE_HI`: queue IOVA bits 63:32.
    pub base_hi: u32,
    /// `CTRL`: enable, log size, interrupt vector ([`ferronic_regmap::cq_ctrl`]).
    pub ctrl: u32,
    /// `PROD`: the engine's producer index (read only).
    pub prod: u32,
    /// `CONS`: the driver's consumer index (slots it has read).
    pub cons: u32,
    /// `ARM`: write 1 to raise the vector once on the next completion.
    pub arm: u32,
    /// `MOD`: interrupt moderation (count and time).
    pub moderation: u32,
}

/// Every queue register the driver uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueRegs {
    /// Receive rings, by queue number.
    pub rx: Vec<RingRegs>,
    /// Transmit rings, by queue number.
    pub tx: Vec<RingRegs>,
    /// Completion queues: receive ring q completes into `cq[q]`,
    /// transmit ring q into `cq[rx.len() + q]`.
    pub cq: Vec<CqRegs>,
    /// `dma.CTRL`.
    pub dma_ctrl: u32,
    /// `datapath.CTRL`.
    pub datapath_ctrl: u32,
}

impl QueueRegs {
    /// Offsets from `offset(path)` (a `block.NAME` lookup) for as many
    /// rings as answer `rxq.Q<n>_PROD` / `txq.Q<n>_PROD`.
    ///
    /// # Errors
    /// What `offset` returns for a register every ring has.
    pub fn resolve(
        mut offset: impl FnMut(&str) -> Result<u32, HostError>,
    ) -> Result<QueueRegs, HostError> {
        let mut ring = |blk: &str, q: usize| -> Result<Option<RingRegs>, HostError> {
            let Ok(prod) = offset(&format!("{blk}.Q{q}_PROD")) else {
                return Ok(None);
            };
            let mut r = |n: &str| offset(&format!("{blk}.Q{q}_{n}"));
            Ok(Some(RingRegs {
                base_lo: r("BASE_LO")?,
                base_hi: r("BASE_HI")?,
                ctrl: r("CTRL")?,
                prod,
                cons: r("CONS")?,
            }))
        };
        let mut rx = Vec::new();
        while let Some(r) = ring("rxq", rx.len())? {
            rx.push(r);
        }
        let mut tx = Vec::new();
        while let Some(r) = ring("txq", tx.len())? {
            tx.push(r);
        }
        let cq = (0..rx.len() + tx.len())
            .map(|c| {
                let mut r = |n: &str| offset(&format!("cq.C{c}_{n}"));
                Ok(CqRegs {
                    base_lo: r("BASE_LO")?,
                    base_hi: r("BASE_HI")?,
                    ctrl: r("CTRL")?,
                    prod: r("PROD")?,
                    cons: r("CONS")?,
                    arm: r("ARM")?,
                    moderation: r("MOD")?,
                })
            })
            .collect::<Result<_, HostError>>()?;
        Ok(QueueRegs {
            rx,
            tx,
            cq,
            dma_ctrl: offset("dma.CTRL")?,
            datapath_ctrl: offset("datapath.CTRL")?,
        })
    }

    /// Offsets on a discovered device (its blocks where the chain placed
    /// them).
    ///
    /// # Errors
    /// [`HostError::MissingBlock`] when the bitstream has no DMA engine
    /// (`nic_core` alone, or a `nicsim serve` without `--dma`).
    pub fn of_device(dev: &Device) -> Result<QueueRegs, HostError> {
        for blk in ["dma", "rxq", "txq", "cq"] {
            if !dev
                .found
                .blocks
                .iter()
                .any(|f| f.name.as_deref() == Some(blk))
            {
                return Err(HostError::MissingBlock {
                    device: dev.name().to_string(),
                    block: blk.to_string(),
                });
            }
        }
        QueueRegs::resolve(|p| dev.resolve(p).map(|r| r.offset))
    }

    /// Offsets as `map` places them (a device whose chain matches the
    /// tool's map, such as the software device).
    ///
    /// # Errors
    /// [`HostError::UnknownRegister`] when `map` has no DMA blocks.
    pub fn of_map(map: &RegMap) -> Result<QueueRegs, HostError> {
        QueueRegs::resolve(|p| {
            map.reg(p)
                .map(|r| r.offset)
                .ok_or_else(|| HostError::UnknownRegister {
                    name: p.to_string(),
                    suggestion: None,
                })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tool_map_has_eight_rings_each_way_and_sixteen_cqs() {
        let r = QueueRegs::of_map(&super::super::soft::nic_map()).unwrap();
        assert_eq!((r.rx.len(), r.tx.len(), r.cq.len()), (8, 8, 16));
        // registers of a ring are 4 bytes apart in RING_REGS order
        assert_eq!(r.tx[3].base_hi, r.tx[3].base_lo + 4);
        assert_eq!(r.tx[3].prod, r.tx[3].base_lo + 12);
        let all: std::collections::HashSet<u32> =
            r.rx.iter()
                .chain(&r.tx)
                .flat_map(|g| [g.base_lo, g.base_hi, g.ctrl, g.prod, g.cons])
                .chain(r.cq.iter().flat_map(|c| [c.base_lo, c.ctrl, c.cons, c.arm]))
                .collect();
        assert_eq!(all.len(), 16 * 5 + 16 * 4, "offsets collide");
    }
}
