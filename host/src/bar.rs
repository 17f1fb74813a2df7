//! A memory-mapped BAR with volatile 32-bit access (memmap2).

use crate::error::HostError;
use memmap2::{MmapOptions, MmapRaw};
use std::os::fd::RawFd;
use std::path::Path;

/// BAR0 mapped into this process.
pub struct MmioBar {
    map: MmapRaw,
    len: u64,
}

impl MmioBar {
    /// Maps `len` bytes of `fd` at file offset `offset` (a sysfs
    /// `resource0` at 0, or a VFIO device fd at the region offset) shared,
    /// read-write. `path` names the file in errors.
    ///
    /// # Errors
    /// [`HostError::Io`]/[`HostError::Permission`] from mmap(2).
    pub fn map(fd: RawFd, offset: u64, len: u64, path: &Path) -> Result<MmioBar, HostError> {
        let map = MmapOptions::new()
            .offset(offset)
            .len(len as usize)
            .map_raw(fd)
            .map_err(|e| HostError::io(path, "mapping BAR0", e))?;
        Ok(MmioBar { map, len })
    }

    /// Mapped length, bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether nothing is mapped.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn ptr(&self, offset: u32) -> Option<*mut u32> {
        if !offset.is_multiple_of(4) || u64::from(offset) + 4 > self.len {
            return None;
        }
        // SAFETY: offset + 4 <= len, inside the mapping.
        Some(unsafe { self.map.as_mut_ptr().add(offset as usize) }.cast())
    }

    /// Volatile little-endian 32-bit read; `None` outside the BAR or
    /// unaligned.
    pub fn read32(&self, offset: u32) -> Option<u32> {
        // SAFETY: ptr() checked alignment and bounds; MMIO needs volatile.
        self.ptr(offset)
            .map(|p| u32::from_le(unsafe { std::ptr::read_volatile(p) }))
    }

    /// Volatile little-endian 32-bit write; `None` outside the BAR or
    /// unaligned.
    pub fn write32(&self, offset: u32, value: u32) -> Option<()> {
        // SAFETY: as read32.
        self.ptr(offset)
            .map(|p| unsafe { std::ptr::write_volatile(p, value.to_le()) })
    }
}
