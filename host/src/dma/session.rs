//! [`Datapath`]: the bring-up every datapath command repeats, in one
//! place: queue registers from the device's chain, an arena from its
//! [`super::DmaPort`] (VFIO-mapped memory on a card, the shared file of
//! `nicsim serve --dma`), the chosen receive and transmit queues opened,
//! the engine and the datapath enabled.
//!
//! One driver process owns the queues at a time, as VFIO allows one
//! process per IOMMU group: opening a queue reprograms its ring.

use super::{arena_bytes, enable, Arena, QueueConfig, QueueRegs, RxQueue, TxQueue};
use crate::device::Device;
use crate::error::HostError;
use std::sync::Arc;

/// Open queues of one device.
#[derive(Debug)]
pub struct Datapath {
    /// Register offsets.
    pub regs: QueueRegs,
    /// The DMA memory every ring and buffer lives in.
    pub arena: Arc<Arena>,
    /// Open receive queues, in the order asked for.
    pub rx: Vec<RxQueue>,
    /// Open transmit queues, in the order asked for.
    pub tx: Vec<TxQueue>,
    /// What the user should know (4 KiB pages for want of huge pages).
    pub notes: Vec<String>,
}

impl Datapath {
    /// Opens receive queues `rx` and transmit queues `tx` of `dev` with
    /// `cfg`, receive rings stocked, then enables the engine.
    ///
    /// # Errors
    /// [`HostError::MissingBlock`] without a DMA engine,
    /// [`HostError::Unsupported`] for a backend without DMA (sysfs),
    /// [`HostError::Invalid`] for a queue the device lacks, and the
    /// arena's errors (memlock, mapping).
    pub fn open(
        dev: &mut Device,
        rx: &[usize],
        tx: &[usize],
        cfg: &QueueConfig,
    ) -> Result<Datapath, HostError> {
        let regs = QueueRegs::of_device(dev)?;
        for &q in rx {
            if q >= regs.rx.len() {
                return Err(super::no_queue("receive", q, regs.rx.len()));
            }
        }
        for &q in tx {
            if q >= regs.tx.len() {
                return Err(super::no_queue("transmit", q, regs.tx.len()));
            }
        }
        let name = dev.name().to_string();
        let port = dev.io().dma().ok_or(HostError::Unsupported {
            device: name,
            what: "DMA (this backend reaches registers only)",
            fix: "bind the card to vfio-pci (`sudo nicctl bind BDF`) and use `--backend vfio`; \
                  in simulation start `nicsim serve --dma --socket PATH` and use --device sim:PATH",
        })?;
        let arena = port.arena(arena_bytes(cfg, rx.len(), tx.len()))?;
        let mut notes = Vec::new();
        if arena.backing() == super::Backing::SmallPages {
            notes.push(
                "no free 2 MiB huge pages (HugePages_Free in /proc/meminfo): DMA memory is on \
                 4 KiB pages, one IOMMU entry each; `sudo sysctl vm.nr_hugepages=64` reserves \
                 huge pages"
                    .into(),
            );
        }
        let io = dev.io();
        let rxq = rx
            .iter()
            .map(|&q| RxQueue::open(io, &regs, q, &arena, cfg))
            .collect::<Result<Vec<_>, _>>()?;
        let txq = tx
            .iter()
            .map(|&q| TxQueue::open(io, &regs, q, &arena, cfg))
            .collect::<Result<Vec<_>, _>>()?;
        enable(io, &regs)?;
        Ok(Datapath {
            regs,
            arena,
            rx: rxq,
            tx: txq,
            notes,
        })
    }

    /// Disables every open ring and completion queue.
    ///
    /// # Errors
    /// Register write errors.
    pub fn close(&mut self, dev: &mut Device) -> Result<(), HostError> {
        let io = dev.io();
        for q in &mut self.rx {
            q.close(io)?;
        }
        for q in &mut self.tx {
            q.close(io)?;
        }
        Ok(())
    }
}
