//! What the host's sysfs, `/dev` and `/proc` say about PCI devices, IOMMU
//! groups and VFIO, read under a root directory so tests run against fake
//! trees in a temporary directory.

use crate::error::{GroupMember, HostError};
use crate::name::Bdf;
use crate::pcie::{link_from_config, Link};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use ferronic_regmap::PCI_IDS;

/// The host as seen through its filesystems.
#[derive(Clone, Debug)]
pub struct Sys {
    /// `/` on a real host; a temporary directory in tests.
    pub root: PathBuf,
    /// Interface addresses; `None` asks the kernel (getifaddrs).
    pub addrs: Option<HashMap<String, Vec<String>>>,
    /// `RLIMIT_MEMLOCK` in bytes; `None` asks the kernel.
    pub memlock: Option<u64>,
}

/// One PCI function.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PciInfo {
    /// Address.
    pub bdf: String,
    /// Vendor ID.
    pub vendor: u16,
    /// Device ID.
    pub device: u16,
    /// Bound driver.
    pub driver: Option<String>,
    /// IOMMU group number, `None` without an IOMMU.
    pub iommu_group: Option<u32>,
    /// BAR0 size in bytes, from the `resource` file.
    pub bar0: Option<u64>,
    /// Negotiated PCIe link.
    pub link: Option<Link>,
    /// Network interfaces of the function (when a netdev driver is bound).
    pub net: Vec<String>,
}

fn read_trim(p: &Path) -> Option<String> {
    std::fs::read_to_string(p)
        .ok()
        .map(|s| s.trim().to_string())
}

fn hex_attr(p: &Path) -> Option<u32> {
    let s = read_trim(p)?;
    u32::from_str_radix(s.trim_start_matches("0x"), 16).ok()
}

fn link_name(p: &Path) -> Option<String> {
    std::fs::read_link(p)
        .ok()?
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
}

impl Sys {
    /// The real host.
    pub fn system() -> Sys {
        Sys::at("/")
    }

    /// A tree under `root` (tests); interface addresses and memlock still
    /// come from the kernel unless set.
    pub fn at(root: impl Into<PathBuf>) -> Sys {
        Sys {
            root: root.into(),
            addrs: None,
            memlock: None,
        }
    }

    /// `root` + an absolute path.
    pub fn path(&self, abs: &str) -> PathBuf {
        self.root.join(abs.trim_start_matches('/'))
    }

    /// `/sys/bus/pci/devices/BDF`.
    pub fn dev_dir(&self, bdf: &Bdf) -> PathBuf {
        self.path("/sys/bus/pci/devices").join(bdf.to_string())
    }

    /// The function at `bdf`.
    ///
    /// # Errors
    /// [`HostError::NoDevice`] if its sysfs directory is missing.
    pub fn info(&self, bdf: &Bdf) -> Result<PciInfo, HostError> {
        let d = self.dev_dir(bdf);
        if !d.is_dir() {
            return Err(HostError::NoDevice {
                bdf: bdf.to_string(),
                path: d,
            });
        }
        let link = std::fs::read(d.join("config"))
            .ok()
            .and_then(|c| link_from_config(&c))
            .or_else(|| {
                let speed = read_trim(&d.join("current_link_speed"))?;
                let width = read_trim(&d.join("current_link_width"))?.parse().ok()?;
                Some(Link {
                    speed: speed.trim_end_matches(" PCIe").to_string(),
                    width,
                })
            });
        let mut net: Vec<String> = std::fs::read_dir(d.join("net"))
            .map(|r| {
                r.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        net.sort();
        Ok(PciInfo {
            bdf: bdf.to_string(),
            vendor: hex_attr(&d.join("vendor")).unwrap_or(0xffff) as u16,
            device: hex_attr(&d.join("device")).unwrap_or(0xffff) as u16,
            driver: link_name(&d.join("driver")),
            iommu_group: link_name(&d.join("iommu_group")).and_then(|g| g.parse().ok()),
            bar0: self.bar0_size(&d),
            link,
            net,
        })
    }

    /// BAR0 size from the first line of `resource` (`start end flags`,
    /// hex), or the size of `resource0` where there is no `resource`.
    fn bar0_size(&self, d: &Path) -> Option<u64> {
        if let Some(r) = read_trim(&d.join("resource")) {
            let f: Vec<u64> = r
                .lines()
                .next()?
                .split_whitespace()
                .filter_map(|t| u64::from_str_radix(t.trim_start_matches("0x"), 16).ok())
                .collect();
            return match f.as_slice() {
                [0, 0, ..] => None,
                [s, e, ..] if e >= s => Some(e - s + 1),
                _ => None,
            };
        }
        std::fs::metadata(d.join("resource0")).ok().map(|m| m.len())
    }

    /// Every PCI function whose vendor:device is in `ids`, by address.
    ///
    /// # Errors
    /// [`HostError::Io`] if `/sys/bus/pci/devices` cannot be read.
    pub fn scan(&self, ids: &[(u16, u16)]) -> Result<Vec<PciInfo>, HostError> {
        let dir = self.path("/sys/bus/pci/devices");
        let rd = std::fs::read_dir(&dir).map_err(|e| HostError::io(&dir, "listing", e))?;
        let mut bdfs: Vec<Bdf> = rd
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
            .collect();
        bdfs.sort();
        let mut out = Vec::new();
        for b in bdfs {
            let i = self.info(&b)?;
            if ids.contains(&(i.vendor, i.device)) {
                out.push(i);
            }
        }
        Ok(out)
    }

    /// Members of IOMMU group `group` with their drivers, by address.
    pub fn group_members(&self, group: u32) -> Vec<GroupMember> {
        let dir = self
            .path("/sys/kernel/iommu_groups")
            .join(group.to_string())
            .join("devices");
        let mut m: Vec<GroupMember> = std::fs::read_dir(dir)
            .map(|r| {
                r.filter_map(|e| e.ok())
                    .map(|e| {
                        let bdf = e.file_name().to_string_lossy().into_owned();
                        let driver =
                            link_name(&self.path("/sys/bus/pci/devices").join(&bdf).join("driver"));
                        GroupMember { bdf, driver }
                    })
                    .collect()
            })
            .unwrap_or_default();
        m.sort_by(|a, b| a.bdf.cmp(&b.bdf));
        m
    }

    /// Whether the kernel runs an IOMMU (any IOMMU group exists).
    pub fn iommu_enabled(&self) -> bool {
        std::fs::read_dir(self.path("/sys/kernel/iommu_groups"))
            .map(|mut r| r.next().is_some())
            .unwrap_or(false)
    }

    /// Whether kernel module `name` is loaded (or built in).
    pub fn module_loaded(&self, name: &str) -> bool {
        self.path("/sys/module").join(name).is_dir()
    }

    /// `RLIMIT_MEMLOCK`, bytes (`u64::MAX` for unlimited).
    pub fn memlock_limit(&self) -> u64 {
        if let Some(m) = self.memlock {
            return m;
        }
        let mut r = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit writes one rlimit structure we own.
        if unsafe { libc::getrlimit(libc::RLIMIT_MEMLOCK, &mut r) } != 0 {
            return 0;
        }
        if r.rlim_cur == libc::RLIM_INFINITY {
            u64::MAX
        } else {
            r.rlim_cur
        }
    }

    /// Huge pages from `/proc/meminfo`: (total pages, page size in KiB).
    pub fn hugepages(&self) -> (u64, u64) {
        let m = std::fs::read_to_string(self.path("/proc/meminfo")).unwrap_or_default();
        let field = |k: &str| {
            m.lines()
                .find(|l| l.starts_with(k))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
                .unwrap_or(0)
        };
        (field("HugePages_Total:"), field("Hugepagesize:"))
    }

    /// Addresses of interface `iface`.
    pub fn iface_addrs(&self, iface: &str) -> Vec<String> {
        match &self.addrs {
            Some(m) => m.get(iface).cloned().unwrap_or_default(),
            None => kernel_addrs(iface),
        }
    }

    /// Whether the current process may read and write `path`.
    pub fn can_rw(path: &Path) -> Result<(), HostError> {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(path.as_os_str().as_bytes()).map_err(|_| {
            HostError::Invalid {
                what: path.display().to_string(),
                why: "path holds a NUL byte".into(),
            }
        })?;
        // SAFETY: access(2) reads a NUL-terminated path we own.
        if unsafe { libc::access(c.as_ptr(), libc::R_OK | libc::W_OK) } == 0 {
            Ok(())
        } else {
            Err(HostError::io(
                path,
                "checking access",
                std::io::Error::last_os_error(),
            ))
        }
    }

    /// Writes a sysfs attribute.
    ///
    /// # Errors
    /// [`HostError::Permission`] or [`HostError::Io`] with the path.
    pub fn write_attr(path: &Path, value: &str) -> Result<(), HostError> {
        std::fs::write(path, value).map_err(|e| HostError::io(path, "writing", e))
    }
}

/// Interface addresses from getifaddrs(3), as text.
fn kernel_addrs(iface: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs allocates a list we free below; every pointer is
    // checked for null before use.
    unsafe {
        if libc::getifaddrs(&mut head) != 0 {
            return out;
        }
        let mut p = head;
        while !p.is_null() {
            let a = &*p;
            let name = std::ffi::CStr::from_ptr(a.ifa_name).to_string_lossy();
            if name == iface && !a.ifa_addr.is_null() {
                match i32::from((*a.ifa_addr).sa_family) {
                    libc::AF_INET => {
                        let s = &*(a.ifa_addr as *const libc::sockaddr_in);
                        out.push(
                            std::net::Ipv4Addr::from(u32::from_be(s.sin_addr.s_addr)).to_string(),
                        );
                    }
                    libc::AF_INET6 => {
                        let s = &*(a.ifa_addr as *const libc::sockaddr_in6);
                        out.push(std::net::Ipv6Addr::from(s.sin6_addr.s6_addr).to_string());
                    }
                    _ => {}
                }
            }
            p = a.ifa_next;
        }
        libc::freeifaddrs(head);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interface_addresses_agree_with_iproute2() {
        // what `ip` reports for lo must be exactly what getifaddrs gave us
        let o = std::process::Command::new("ip")
            .args(["-o", "addr", "show", "dev", "lo"])
            .output()
            .expect("iproute2 is installed");
        let mut want: Vec<String> = String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                let k = f.iter().position(|w| *w == "inet" || *w == "inet6")?;
                Some(f.get(k + 1)?.split('/').next()?.to_string())
            })
            .collect();
        let mut got = kernel_addrs("lo");
        want.sort();
        got.sort();
        assert_eq!(got, want);
        assert!(kernel_addrs("no-such-interface-xyz").is_empty());
    }
}
