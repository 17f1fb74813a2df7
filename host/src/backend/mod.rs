//! Register I/O backends and the choice among them.

pub mod serial;
pub mod sim;
pub mod sysfs;
pub mod vfio;
mod vfio_dma;

use crate::error::HostError;
use crate::name::DeviceName;
use crate::regio::RegIo;
use crate::sysfs::Sys;

/// Which backend reaches a PCI device.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Backend {
    /// VFIO when the device is bound to vfio-pci; sysfs `resource0` (root)
    /// when the host has no IOMMU at all; otherwise an error that says how
    /// to bind.
    Auto,
    /// VFIO (vfio-pci bound, IOMMU on).
    Vfio,
    /// sysfs `resource0` (root, no IOMMU protection, no DMA).
    Sysfs,
}

/// Opens `name`; a PCI BAR0 must span `need` bytes.
///
/// # Errors
/// Those of the chosen backend; [`HostError::Unsupported`] for `sim:` in a
/// build without the `sim` feature.
pub fn open(
    name: &DeviceName,
    backend: Backend,
    sys: &Sys,
    need: u64,
) -> Result<Box<dyn RegIo>, HostError> {
    match name {
        DeviceName::SimSocket(p) => Ok(Box::new(sim::SimDevice::socket(p)?)),
        DeviceName::SimLocal => local(),
        DeviceName::Serial { path, baud } => Ok(Box::new(serial::SerialDevice::open(path, *baud)?)),
        DeviceName::Pci(bdf) => {
            let use_vfio = match backend {
                Backend::Vfio => true,
                Backend::Sysfs => false,
                Backend::Auto => {
                    let info = sys.info(bdf)?;
                    info.driver.as_deref() == Some("vfio-pci") || sys.iommu_enabled()
                }
            };
            if use_vfio {
                Ok(Box::new(vfio::VfioNic::open(sys, bdf, need)?))
            } else {
                Ok(Box::new(sysfs::SysfsDevice::open(sys, bdf, need)?))
            }
        }
    }
}

#[cfg(feature = "sim")]
fn local() -> Result<Box<dyn RegIo>, HostError> {
    Ok(Box::new(sim::SimDevice::local()?))
}

#[cfg(not(feature = "sim"))]
fn local() -> Result<Box<dyn RegIo>, HostError> {
    Err(HostError::Unsupported {
        device: "sim:".into(),
        what: "the in-process simulated NIC",
        fix: "build nicctl with `--features sim` (`cargo run -p ferronic-host --features sim --bin nicctl`), or run `nicsim serve --socket PATH` and use `--device sim:PATH`",
    })
}
