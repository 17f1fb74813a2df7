//! `nicctl bind`: hand a PCI function to vfio-pci through
//! `driver_override` (Documentation/ABI/testing/sysfs-bus-pci).

use crate::error::HostError;
use crate::name::Bdf;
use crate::sysfs::Sys;

/// What [`bind`] did.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Bound {
    /// Address.
    pub bdf: String,
    /// Driver it had before.
    pub previous: Option<String>,
    /// Driver it has now (`vfio-pci`).
    pub driver: String,
}

/// Binds `bdf` to vfio-pci: sets `driver_override`, unbinds the current
/// driver, asks the kernel to probe again, then checks the result. A
/// function whose network interface has an address is refused unless
/// `force` (it is probably someone's working link).
///
/// # Errors
/// [`HostError::NoDevice`]; [`HostError::InterfaceInUse`];
/// [`HostError::VfioMissing`] if the vfio-pci module is not loaded;
/// [`HostError::Permission`] (not root); [`HostError::NotVfio`] if the
/// kernel did not bind vfio-pci (module not loaded).
pub fn bind(sys: &Sys, bdf: &Bdf, force: bool) -> Result<Bound, HostError> {
    let info = sys.info(bdf)?;
    let dir = sys.dev_dir(bdf);
    if info.driver.as_deref() == Some("vfio-pci") {
        return Ok(Bound {
            bdf: bdf.to_string(),
            previous: info.driver,
            driver: "vfio-pci".into(),
        });
    }
    if !force {
        for iface in &info.net {
            let addrs = sys.iface_addrs(iface);
            if !addrs.is_empty() {
                return Err(HostError::InterfaceInUse {
                    bdf: bdf.to_string(),
                    iface: iface.clone(),
                    addrs,
                });
            }
        }
    }
    if !sys.module_loaded("vfio_pci") {
        return Err(HostError::VfioMissing {
            path: sys.path("/sys/module/vfio_pci"),
        });
    }
    Sys::write_attr(&dir.join("driver_override"), "vfio-pci")?;
    if info.driver.is_some() {
        Sys::write_attr(&dir.join("driver").join("unbind"), &bdf.to_string())?;
    }
    Sys::write_attr(&sys.path("/sys/bus/pci/drivers_probe"), &bdf.to_string())?;
    let now = sys.info(bdf)?.driver;
    if now.as_deref() != Some("vfio-pci") {
        return Err(HostError::NotVfio {
            bdf: bdf.to_string(),
            driver: now,
        });
    }
    Ok(Bound {
        bdf: bdf.to_string(),
        previous: info.driver,
        driver: "vfio-pci".into(),
    })
}
