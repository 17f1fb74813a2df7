//! BAR0 through `/sys/bus/pci/devices/BDF/resource0`, for machines without
//! an IOMMU. Needs root; DMA is not possible this way (no IOMMU mapping).

use crate::bar::MmioBar;
use crate::error::HostError;
use crate::name::Bdf;
use crate::regio::RegIo;
use crate::sysfs::Sys;
use std::fs::{File, OpenOptions};
use std::os::fd::AsRawFd;
use std::path::PathBuf;

/// A device opened through sysfs.
pub struct SysfsDevice {
    name: String,
    dir: PathBuf,
    bar: MmioBar,
    _file: File,
}

impl SysfsDevice {
    /// Opens `bdf`'s BAR0, which must span at least `need` bytes, and
    /// enables the function's memory decoding (`enable`) if it is off.
    ///
    /// # Errors
    /// [`HostError::NoDevice`], [`HostError::Permission`] (not root),
    /// [`HostError::BarSize`], [`HostError::Io`].
    pub fn open(sys: &Sys, bdf: &Bdf, need: u64) -> Result<SysfsDevice, HostError> {
        let info = sys.info(bdf)?;
        let dir = sys.dev_dir(bdf);
        let res = dir.join("resource0");
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&res)
            .map_err(|e| HostError::io(&res, "opening", e))?;
        let len = file
            .metadata()
            .map_err(|e| HostError::io(&res, "reading the size of", e))?
            .len();
        let size = info.bar0.unwrap_or(len).min(len);
        if size < need {
            return Err(HostError::BarSize {
                path: res,
                found: size,
                need,
            });
        }
        let enable = dir.join("enable");
        if std::fs::read_to_string(&enable).is_ok_and(|s| s.trim() == "0") {
            Sys::write_attr(&enable, "1")?;
        }
        let bar = MmioBar::map(file.as_raw_fd(), 0, size, &res)?;
        Ok(SysfsDevice {
            name: bdf.to_string(),
            dir,
            bar,
            _file: file,
        })
    }

    fn bad_offset(&self, offset: u32) -> HostError {
        HostError::BadOffset {
            device: self.name.clone(),
            offset,
            size: self.bar.len(),
        }
    }
}

impl RegIo for SysfsDevice {
    fn read32(&mut self, offset: u32) -> Result<u32, HostError> {
        self.bar
            .read32(offset)
            .ok_or_else(|| self.bad_offset(offset))
    }

    fn write32(&mut self, offset: u32, value: u32) -> Result<(), HostError> {
        self.bar
            .write32(offset, value)
            .ok_or_else(|| self.bad_offset(offset))
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn backend(&self) -> &'static str {
        "sysfs"
    }

    fn size(&self) -> u64 {
        self.bar.len()
    }

    /// Writes 1 to the function's sysfs `reset` (FLR or the kernel's
    /// fallback); the kernel restores config space afterwards.
    fn reset(&mut self) -> Result<(), HostError> {
        let r = self.dir.join("reset");
        if !r.exists() {
            return Err(HostError::Unsupported {
                device: self.name.clone(),
                what: "function reset (no sysfs `reset`)",
                fix: "reload the bitstream, or remove and rescan the device: `echo 1 > /sys/bus/pci/devices/BDF/remove; echo 1 > /sys/bus/pci/rescan`",
            });
        }
        Sys::write_attr(&r, "1")
    }
}
