//! `nicctl doctor`: the host's readiness for VFIO, checked without touching
//! any device (no open, no ioctl).

use crate::backend::vfio::preflight;
use crate::name::Bdf;
use crate::sysfs::{PciInfo, Sys};

/// Locked memory the later DMA work needs: descriptor rings and buffers.
pub const MEMLOCK_NEED: u64 = 64 << 20;

/// Outcome of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    /// Fine.
    Ok,
    /// Works, but not as well as it could.
    Warn,
    /// Blocks bring-up.
    Fail,
}

/// One preflight check.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Check {
    /// What was checked.
    pub name: String,
    /// Outcome.
    pub status: Status,
    /// What was found.
    pub detail: String,
    /// What to do (empty when OK).
    pub fix: String,
}

fn check(name: &str, status: Status, detail: String, fix: &str) -> Check {
    Check {
        name: name.into(),
        status,
        detail,
        fix: if status == Status::Ok {
            String::new()
        } else {
            fix.into()
        },
    }
}

/// Runs every check; `devices` are the cards to look at (all cards with
/// ferronic's IDs when empty).
pub fn doctor(sys: &Sys, devices: &[Bdf], ids: &[(u16, u16)]) -> Vec<Check> {
    let mut out = Vec::new();
    let mods = ["vfio", "vfio_pci", "vfio_iommu_type1"];
    let missing: Vec<&str> = mods
        .iter()
        .copied()
        .filter(|m| !sys.module_loaded(m))
        .collect();
    out.push(check(
        "vfio modules",
        if missing.is_empty() {
            Status::Ok
        } else {
            Status::Fail
        },
        if missing.is_empty() {
            "vfio, vfio_pci, vfio_iommu_type1 loaded".into()
        } else {
            format!("not loaded: {}", missing.join(", "))
        },
        "sudo modprobe vfio-pci (loads vfio and vfio_iommu_type1 too)",
    ));
    let cmdline = std::fs::read_to_string(sys.path("/proc/cmdline")).unwrap_or_default();
    let iommu_args: Vec<&str> = cmdline
        .split_whitespace()
        .filter(|a| a.contains("iommu"))
        .collect();
    out.push(check(
        "IOMMU",
        if sys.iommu_enabled() {
            Status::Ok
        } else {
            Status::Fail
        },
        format!(
            "{}; kernel command line: {}",
            if sys.iommu_enabled() {
                "IOMMU groups present"
            } else {
                "no IOMMU groups in /sys/kernel/iommu_groups"
            },
            if iommu_args.is_empty() {
                "no iommu option".to_string()
            } else {
                iommu_args.join(" ")
            }
        ),
        "enable VT-d/AMD-Vi in the firmware and add `intel_iommu=on iommu=pt` (or `amd_iommu=on`) to the kernel command line; without an IOMMU use `--backend sysfs` as root",
    ));
    let node = sys.path("/dev/vfio/vfio");
    let (st, detail) = if !node.exists() {
        (Status::Fail, format!("{} missing", node.display()))
    } else {
        match Sys::can_rw(&node) {
            Ok(()) => (Status::Ok, format!("{} read-write", node.display())),
            Err(e) => (Status::Fail, e.to_string()),
        }
    };
    out.push(check(
        "/dev/vfio/vfio",
        st,
        detail,
        "sudo modprobe vfio-pci; give your user access with a udev rule (or run as root)",
    ));
    let limit = sys.memlock_limit();
    out.push(check(
        "memlock limit",
        if limit >= MEMLOCK_NEED {
            Status::Ok
        } else {
            Status::Warn
        },
        if limit == u64::MAX {
            "unlimited".into()
        } else {
            format!(
                "{} KiB (DMA buffers need {} KiB)",
                limit / 1024,
                MEMLOCK_NEED / 1024
            )
        },
        "ulimit -l 65536, or `* - memlock 65536` in /etc/security/limits.conf (KiB)",
    ));
    let (pages, size_kb) = sys.hugepages();
    out.push(check(
        "huge pages",
        if pages > 0 { Status::Ok } else { Status::Warn },
        format!("{pages} reserved of {size_kb} KiB"),
        "echo 512 | sudo tee /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages",
    ));
    let cards: Vec<PciInfo> = if devices.is_empty() {
        sys.scan(ids).unwrap_or_default()
    } else {
        devices.iter().filter_map(|b| sys.info(b).ok()).collect()
    };
    if cards.is_empty() {
        out.push(check(
            "cards",
            Status::Warn,
            if devices.is_empty() {
                let ids: Vec<String> = ids
                    .iter()
                    .map(|(v, d)| format!("{v:04x}:{d:04x}"))
                    .collect();
                format!("no PCI function with IDs {}", ids.join(", "))
            } else {
                "the named device does not exist".into()
            },
            "check `lspci -nn`, the bitstream, and `nicctl list --id VVVV:DDDD` for other IDs",
        ));
    }
    for c in cards {
        let bdf: Bdf = c.bdf.parse().expect("sysfs names are BDFs");
        let name = format!("card {}", c.bdf);
        out.push(match preflight(sys, &bdf) {
            Ok(p) => check(
                &name,
                Status::Ok,
                format!(
                    "vfio-pci, IOMMU group {} ({}), link {}",
                    p.group,
                    p.members
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                    c.link.map_or("unknown".into(), |l| l.to_string())
                ),
                "",
            ),
            Err(e) => Check {
                name,
                status: Status::Fail,
                detail: e.to_string(),
                fix: e.fix(),
            },
        });
    }
    out
}
