//! [`DmaPort`]: what a backend whose device has the DMA engine gives the
//! ring code besides registers: DMA memory the device reaches by IOVA, and
//! its interrupts. Implemented by the VFIO backend (memory mapped with
//! `VFIO_IOMMU_MAP_DMA`, interrupts as MSI-X eventfds) and by the
//! simulator's socket backend (the `nicsim serve --dma` memory file, IOVA =
//! offset; interrupts as `wait_irq` requests that run the simulation).

use super::mem::Arena;
use crate::error::HostError;
use std::sync::Arc;
use std::time::Duration;

/// DMA memory and interrupts of a device with the DMA engine.
pub trait DmaPort {
    /// An arena of at least `bytes` bytes the device reaches by IOVA.
    ///
    /// # Errors
    /// [`HostError::Memlock`] (`ulimit -l` too low), [`HostError::Vfio`]
    /// (the IOMMU refused the mapping), [`HostError::Invalid`] (the
    /// simulator's memory file is smaller than `bytes`), transport errors.
    fn arena(&mut self, bytes: usize) -> Result<Arc<Arena>, HostError>;

    /// Blocks until interrupt vector `vector` fires (true) or `timeout`
    /// passes (false); each firing is returned once, as an eventfd's
    /// counter. In simulation `timeout` is simulated time (156.25 clocks a
    /// microsecond), so a reader waits exactly as long as the card would
    /// make it.
    ///
    /// # Errors
    /// A vector the device does not have, transport errors.
    fn wait_irq(&mut self, vector: u16, timeout: Duration) -> Result<bool, HostError>;

    /// Makes `iova .. iova + len` resident for the device again, after a
    /// page-fault report named a buffer there (the completion's fault
    /// report, `ferronic_regmap::cpl_flags::FAULT`); the driver then posts
    /// the buffer again. VFIO memory is pinned and mapped for the arena's
    /// life, so there it has nothing to do; the simulator's IOMMU makes
    /// the pages accept DMA again.
    ///
    /// # Errors
    /// Transport errors.
    fn resident(&mut self, iova: u64, len: usize) -> Result<(), HostError>;

    /// Clocks a simulated card has run so far (its own time: rates per
    /// simulated second show what the card would do, apart from how fast
    /// the simulator runs); `None` on a card.
    ///
    /// # Errors
    /// Transport errors.
    fn clocks(&mut self) -> Result<Option<u64>, HostError> {
        Ok(None)
    }
}

/// Clock of the simulated card, Hz (the 10GBASE-R MAC's 64-bit clock).
pub const SIM_CLOCK_HZ: f64 = 156.25e6;

/// Clocks of the card's 156.25 MHz clock (the 10GBASE-R MAC's 64-bit
/// clock, the simulated card's time) in `t`.
pub fn card_clocks(t: Duration) -> u64 {
    (t.as_nanos() * 25 / 160) as u64
}
