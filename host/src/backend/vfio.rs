//! BAR0 through VFIO (vfio-ioctls): container, group and device from a
//! BDF, BAR0 mapped with memmap2 on the device fd at the region offset,
//! bus mastering and memory decoding enabled, function reset, DMA mapping
//! and MSI-X eventfds for the DMA work.
//!
//! vfio-ioctls pitfalls avoided (DESIGN.md section 7): its `region_read`,
//! `region_write` and `reset` return `()`, so errors would vanish; this
//! module uses pread/pwrite and the reset ioctl on the device fd instead.
//! Its `Drop` panics when the device has vanished from sysfs, so the
//! device is dropped only while its `iommu_group` link still resolves.

use crate::bar::MmioBar;
use crate::error::{GroupMember, HostError};
use crate::name::Bdf;
use crate::regio::RegIo;
use crate::sysfs::Sys;
use std::mem::ManuallyDrop;
use std::os::fd::{AsRawFd, RawFd};
use std::path::PathBuf;
use std::sync::Arc;
use vfio_ioctls::{VfioContainer, VfioDevice};
use vmm_sys_util::eventfd::EventFd;

/// Region index of BAR0 (linux/vfio.h `VFIO_PCI_BAR0_REGION_INDEX`).
pub const BAR0_REGION: u32 = 0;
/// Region index of configuration space (`VFIO_PCI_CONFIG_REGION_INDEX`).
pub const CONFIG_REGION: u32 = 7;
/// Region flag: may be mmap'ed (`VFIO_REGION_INFO_FLAG_MMAP`).
pub const REGION_FLAG_MMAP: u32 = 1 << 2;
/// `VFIO_DEVICE_RESET`: `_IO(VFIO_TYPE, VFIO_BASE + 11)` = `_IO(';', 111)`.
pub const DEVICE_RESET: libc::c_ulong = (0x3b << 8) | 111;
/// Command register bits set at open: Memory Space (1) and Bus Master (2)
/// (PCI Local Bus 3.0 section 6.2.2).
pub const COMMAND_ENABLE: u16 = (1 << 1) | (1 << 2);

/// Drivers that may share an IOMMU group with a VFIO device: vfio-pci
/// itself, none, and PCIe port bridges (the kernel allows those).
const GROUP_OK: [&str; 2] = ["vfio-pci", "pcieport"];

/// What the host must have before the VFIO ioctls can work, all checked
/// from sysfs and `/dev` without opening anything.
#[derive(Clone, Debug)]
pub struct Preflight {
    /// The device's sysfs directory (what vfio-ioctls opens).
    pub dev_dir: PathBuf,
    /// Its IOMMU group.
    pub group: u32,
    /// Every member of the group.
    pub members: Vec<GroupMember>,
}

/// Checks binding, IOMMU group, group viability and `/dev/vfio` access.
///
/// # Errors
/// In this order: [`HostError::NoDevice`], [`HostError::NotVfio`],
/// [`HostError::NoIommuGroup`], [`HostError::GroupNotViable`],
/// [`HostError::VfioMissing`], [`HostError::Permission`].
pub fn preflight(sys: &Sys, bdf: &Bdf) -> Result<Preflight, HostError> {
    let info = sys.info(bdf)?;
    let dev_dir = sys.dev_dir(bdf);
    if info.driver.as_deref() != Some("vfio-pci") {
        return Err(HostError::NotVfio {
            bdf: bdf.to_string(),
            driver: info.driver,
        });
    }
    let group = info.iommu_group.ok_or_else(|| HostError::NoIommuGroup {
        bdf: bdf.to_string(),
        path: dev_dir.join("iommu_group"),
    })?;
    let members = sys.group_members(group);
    let foreign: Vec<GroupMember> = members
        .iter()
        .filter(|m| m.driver.as_deref().is_some_and(|d| !GROUP_OK.contains(&d)))
        .cloned()
        .collect();
    if !foreign.is_empty() {
        return Err(HostError::GroupNotViable { group, foreign });
    }
    for node in [
        sys.path("/dev/vfio/vfio"),
        sys.path("/dev/vfio").join(group.to_string()),
    ] {
        if !node.exists() {
            return Err(HostError::VfioMissing { path: node });
        }
        Sys::can_rw(&node)?;
    }
    Ok(Preflight {
        dev_dir,
        group,
        members,
    })
}

/// A device opened through VFIO.
pub struct VfioNic {
    name: String,
    bdf: Bdf,
    pre: Preflight,
    container: Arc<VfioContainer>,
    dev: ManuallyDrop<VfioDevice>,
    bar: Option<MmioBar>,
    bar_offset: u64,
    bar_size: u64,
    /// IOVA where the next arena goes.
    pub(crate) next_iova: u64,
    /// MSI-X eventfds, one per vector, once enabled.
    pub(crate) msix: Vec<EventFd>,
}

/// IOVA of the first DMA arena (4 GiB: above any 32-bit window a
/// platform reserves; the engine takes 64-bit addresses).
pub const DMA_IOVA: u64 = 1 << 32;

/// MSI-X vectors enabled for the queues' interrupts (one per completion
/// queue of the default build: 8 receive + 8 transmit).
pub const MSIX_VECTORS: usize = 16;

fn pread(fd: RawFd, buf: &mut [u8], off: u64) -> std::io::Result<()> {
    // SAFETY: buf is valid for buf.len() bytes.
    let n = unsafe { libc::pread(fd, buf.as_mut_ptr().cast(), buf.len(), off as libc::off_t) };
    match n {
        n if n < 0 => Err(std::io::Error::last_os_error()),
        n if n as usize != buf.len() => {
            Err(std::io::Error::from(std::io::ErrorKind::UnexpectedEof))
        }
        _ => Ok(()),
    }
}

fn pwrite(fd: RawFd, buf: &[u8], off: u64) -> std::io::Result<()> {
    // SAFETY: buf is valid for buf.len() bytes.
    let n = unsafe { libc::pwrite(fd, buf.as_ptr().cast(), buf.len(), off as libc::off_t) };
    match n {
        n if n < 0 => Err(std::io::Error::last_os_error()),
        n if n as usize != buf.len() => Err(std::io::Error::from(std::io::ErrorKind::WriteZero)),
        _ => Ok(()),
    }
}

impl VfioNic {
    /// Runs [`preflight`], opens container, group and device, checks that
    /// BAR0 spans `need` bytes, maps it (or falls back to pread/pwrite when
    /// the region cannot be mmap'ed), and enables memory decoding and bus
    /// mastering.
    ///
    /// # Errors
    /// Those of [`preflight`]; [`HostError::Vfio`] from the ioctls;
    /// [`HostError::BarSize`]; [`HostError::Io`] from mmap or config access.
    pub fn open(sys: &Sys, bdf: &Bdf, need: u64) -> Result<VfioNic, HostError> {
        let pre = preflight(sys, bdf)?;
        let vfio = |op| {
            move |source| HostError::Vfio {
                bdf: bdf.to_string(),
                op,
                source,
            }
        };
        let container = Arc::new(VfioContainer::new(None).map_err(vfio("opening the container"))?);
        let dev = VfioDevice::new(&pre.dev_dir, container.clone(), false)
            .map_err(vfio("opening the device"))?;
        let bar_size = dev.get_region_size(BAR0_REGION);
        let bar_offset = dev.get_region_offset(BAR0_REGION);
        let mut nic = VfioNic {
            name: bdf.to_string(),
            bdf: *bdf,
            pre,
            container,
            dev: ManuallyDrop::new(dev),
            bar: None,
            bar_offset,
            bar_size,
            next_iova: DMA_IOVA,
            msix: Vec::new(),
        };
        if bar_size < need {
            return Err(HostError::BarSize {
                path: nic.region_path(),
                found: bar_size,
                need,
            });
        }
        if nic.dev.get_region_flags(BAR0_REGION) & REGION_FLAG_MMAP != 0 {
            nic.bar = Some(MmioBar::map(
                nic.dev.as_raw_fd(),
                bar_offset,
                bar_size,
                &nic.region_path(),
            )?);
        }
        nic.enable_command()?;
        Ok(nic)
    }

    fn region_path(&self) -> PathBuf {
        self.pre.dev_dir.join("resource0 (VFIO region 0)")
    }

    /// Sets Memory Space and Bus Master in the command register (VFIO does
    /// not do it for you).
    fn enable_command(&mut self) -> Result<(), HostError> {
        let fd = self.dev.as_raw_fd();
        let at = self.dev.get_region_offset(CONFIG_REGION) + 4;
        let path = self.pre.dev_dir.join("config");
        let mut b = [0u8; 2];
        pread(fd, &mut b, at)
            .map_err(|e| HostError::io(&path, "reading the command register", e))?;
        let cmd = u16::from_le_bytes(b) | COMMAND_ENABLE;
        pwrite(fd, &cmd.to_le_bytes(), at)
            .map_err(|e| HostError::io(&path, "writing the command register", e))
    }

    /// Maps `len` bytes at `vaddr` for device DMA at `iova`.
    ///
    /// # Safety
    /// As `VfioContainer::vfio_dma_map`: the memory must stay mapped and
    /// must only be accessed through raw pointers while the device may DMA.
    ///
    /// # Errors
    /// [`HostError::Memlock`] when the locked-memory limit is too low,
    /// [`HostError::Vfio`] otherwise.
    pub unsafe fn dma_map(&self, iova: u64, vaddr: *mut u8, len: usize) -> Result<(), HostError> {
        let limit = Sys::system().memlock_limit();
        if (len as u64) > limit {
            return Err(HostError::Memlock {
                limit,
                need: len as u64,
            });
        }
        // SAFETY: forwarded to the caller.
        unsafe { self.container.vfio_dma_map(iova, len, vaddr) }.map_err(|source| HostError::Vfio {
            bdf: self.bdf.to_string(),
            op: "mapping DMA memory",
            source,
        })
    }

    /// The PCI address as text.
    pub(crate) fn bdf_string(&self) -> String {
        self.bdf.to_string()
    }

    /// The container, for unmapping after the device is gone.
    pub(crate) fn container(&self) -> Arc<VfioContainer> {
        self.container.clone()
    }

    /// Unmaps a range mapped by [`VfioNic::dma_map`].
    ///
    /// # Errors
    /// [`HostError::Vfio`].
    pub fn dma_unmap(&self, iova: u64, len: usize) -> Result<(), HostError> {
        self.container
            .vfio_dma_unmap(iova, len)
            .map_err(|source| HostError::Vfio {
                bdf: self.bdf.to_string(),
                op: "unmapping DMA memory",
                source,
            })
    }

    /// Enables `n` MSI-X vectors; returns one eventfd per vector (readable
    /// when the vector fires).
    ///
    /// # Errors
    /// [`HostError::Io`] creating eventfds, [`HostError::Vfio`] from the ioctl.
    pub fn enable_msix(&self, n: usize) -> Result<Vec<EventFd>, HostError> {
        let fds = (0..n)
            .map(|_| EventFd::new(libc::EFD_NONBLOCK))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| HostError::io("eventfd", "creating", e))?;
        self.dev
            .enable_msix(fds.iter().collect())
            .map_err(|source| HostError::Vfio {
                bdf: self.bdf.to_string(),
                op: "enabling MSI-X",
                source,
            })?;
        Ok(fds)
    }

    fn check(&self, offset: u32) -> Result<u64, HostError> {
        if !offset.is_multiple_of(4) || u64::from(offset) + 4 > self.bar_size {
            return Err(HostError::BadOffset {
                device: self.name.clone(),
                offset,
                size: self.bar_size,
            });
        }
        Ok(self.bar_offset + u64::from(offset))
    }
}

impl RegIo for VfioNic {
    fn read32(&mut self, offset: u32) -> Result<u32, HostError> {
        let at = self.check(offset)?;
        if let Some(bar) = &self.bar {
            return Ok(bar.read32(offset).expect("checked"));
        }
        let mut b = [0u8; 4];
        pread(self.dev.as_raw_fd(), &mut b, at)
            .map_err(|e| HostError::io(self.region_path(), "reading BAR0", e))?;
        Ok(u32::from_le_bytes(b))
    }

    fn write32(&mut self, offset: u32, value: u32) -> Result<(), HostError> {
        let at = self.check(offset)?;
        if let Some(bar) = &self.bar {
            bar.write32(offset, value).expect("checked");
            return Ok(());
        }
        pwrite(self.dev.as_raw_fd(), &value.to_le_bytes(), at)
            .map_err(|e| HostError::io(self.region_path(), "writing BAR0", e))
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn backend(&self) -> &'static str {
        "vfio"
    }

    fn size(&self) -> u64 {
        self.bar_size
    }

    /// `VFIO_DEVICE_RESET` on the device fd (errors reported, unlike
    /// vfio-ioctls' `reset`), then the command register again.
    fn dma(&mut self) -> Option<&mut dyn crate::dma::DmaPort> {
        Some(self)
    }

    fn reset(&mut self) -> Result<(), HostError> {
        // SAFETY: an argument-less ioctl on a descriptor we own.
        let r = unsafe { libc::ioctl(self.dev.as_raw_fd(), DEVICE_RESET as _) };
        if r != 0 {
            let e = std::io::Error::last_os_error();
            if matches!(e.raw_os_error(), Some(libc::EINVAL) | Some(libc::ENOTTY)) {
                return Err(HostError::Unsupported {
                    device: self.name.clone(),
                    what: "function reset (the device has no reset method)",
                    fix: "enable FLR in the PCIe IP configuration, or reload the bitstream",
                });
            }
            return Err(HostError::io(&self.pre.dev_dir, "VFIO_DEVICE_RESET", e));
        }
        self.enable_command()
    }
}

impl Drop for VfioNic {
    fn drop(&mut self) {
        self.bar = None;
        if std::fs::read_link(self.pre.dev_dir.join("iommu_group")).is_ok() {
            // SAFETY: dropped once, here; never used afterwards.
            unsafe { ManuallyDrop::drop(&mut self.dev) };
        } else {
            eprintln!(
                "nicctl: {} vanished from sysfs; leaving its VFIO file descriptors to the kernel",
                self.bdf
            );
        }
    }
}
