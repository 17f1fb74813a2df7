//! [`DmaPort`] of a card over VFIO: arenas of pinned memory mapped into
//! the device's IOMMU domain (`VFIO_IOMMU_MAP_DMA`, unmapped when the
//! arena drops), and MSI-X interrupts as eventfds (`VFIO_DEVICE_SET_IRQS`),
//! after ixy.rs's VFIO path and Linux `Documentation/driver-api/vfio.rst`.
//! Needs a card: the fake sysfs trees of the tests stop before these
//! ioctls (README, "What needs a card").

use super::vfio::{VfioNic, MSIX_VECTORS};
use crate::dma::{Arena, DmaPort};
use crate::error::HostError;
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::time::Duration;

impl DmaPort for VfioNic {
    fn arena(&mut self, bytes: usize) -> Result<Arc<Arena>, HostError> {
        let arena = Arena::anonymous(bytes, self.next_iova)?;
        let (iova, len) = (arena.iova(), arena.len());
        // SAFETY: the arena's memory stays mapped until it drops, and the
        // hook below unmaps the IOVA range before that.
        unsafe { self.dma_map(iova, arena.as_ptr(), len)? };
        let container = self.container();
        arena.on_drop(move || {
            let _ = container.vfio_dma_unmap(iova, len);
        });
        // the next arena after this one, on its own 2 MiB
        self.next_iova = iova + (len as u64).next_multiple_of(2 << 20);
        Ok(arena)
    }

    /// Pinned and mapped since [`DmaPort::arena`]: nothing to fault in.
    fn resident(&mut self, _iova: u64, _len: usize) -> Result<(), HostError> {
        Ok(())
    }

    fn wait_irq(&mut self, vector: u16, timeout: Duration) -> Result<bool, HostError> {
        if self.msix.is_empty() {
            self.msix = self.enable_msix(MSIX_VECTORS)?;
        }
        let name = self.bdf_string();
        let fd = self
            .msix
            .get(usize::from(vector))
            .ok_or_else(|| HostError::Invalid {
                what: format!("interrupt vector {vector}"),
                why: format!("{name} has {MSIX_VECTORS} MSI-X vectors enabled"),
            })?;
        let mut p = libc::pollfd {
            fd: fd.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
        // SAFETY: one valid pollfd.
        let n = unsafe { libc::poll(&mut p, 1, ms) };
        if n < 0 {
            return Err(HostError::io(
                "MSI-X eventfd",
                "polling",
                std::io::Error::last_os_error(),
            ));
        }
        // a read returns and clears the eventfd's count
        Ok(n > 0 && fd.read().is_ok())
    }
}
