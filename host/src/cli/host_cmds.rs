//! Commands about the host rather than one open device: list, bind, doctor.

use super::{table, Out};
use crate::doctor::Status;
use crate::error::{exit, HostError};
use crate::name::{Bdf, DeviceName};
use crate::sysfs::{Sys, PCI_IDS};
use serde_json::json;

pub(super) fn list(sys: &Sys, extra: &[(u16, u16)], o: &mut Out<'_>) -> Result<u8, HostError> {
    let ids: Vec<(u16, u16)> = PCI_IDS.iter().chain(extra).copied().collect();
    let cards = sys.scan(&ids)?;
    o.emit(&json!(cards), || {
        if cards.is_empty() {
            let ids: Vec<String> = ids
                .iter()
                .map(|(v, d)| format!("{v:04x}:{d:04x}"))
                .collect();
            return format!("no ferronic card (PCI IDs {})\n", ids.join(", "));
        }
        let mut t = table(&["BDF", "ID", "DRIVER", "IOMMU GROUP", "BAR0", "LINK", "NET"]);
        for c in &cards {
            t.add_row(vec![
                c.bdf.clone(),
                format!("{:04x}:{:04x}", c.vendor, c.device),
                c.driver.clone().unwrap_or_else(|| "-".into()),
                c.iommu_group.map_or("-".into(), |g| g.to_string()),
                c.bar0.map_or("-".into(), |b| format!("{} KiB", b / 1024)),
                c.link.as_ref().map_or("-".into(), ToString::to_string),
                if c.net.is_empty() {
                    "-".into()
                } else {
                    c.net.join(",")
                },
            ]);
        }
        format!("{t}\n")
    });
    Ok(exit::OK)
}

pub(super) fn bind(sys: &Sys, bdf: &str, force: bool, o: &mut Out<'_>) -> Result<u8, HostError> {
    let DeviceName::Pci(bdf) = DeviceName::parse(bdf)? else {
        return Err(HostError::BadName {
            name: bdf.into(),
            why: "bind takes a PCI address".into(),
        });
    };
    let b = crate::bind::bind(sys, &bdf, force)?;
    o.emit(&json!(b), || {
        format!(
            "{} bound to vfio-pci (was {})\n",
            b.bdf,
            b.previous.as_deref().unwrap_or("unbound")
        )
    });
    Ok(exit::OK)
}

pub(super) fn doctor(sys: &Sys, device: Option<&str>, o: &mut Out<'_>) -> Result<u8, HostError> {
    let devices: Vec<Bdf> = match device.map(DeviceName::parse).transpose()? {
        Some(DeviceName::Pci(b)) => vec![b],
        _ => Vec::new(),
    };
    let checks = crate::doctor::doctor(sys, &devices, &PCI_IDS);
    let failed = checks.iter().any(|c| c.status == Status::Fail);
    o.emit(&json!({ "checks": checks, "ok": !failed }), || {
        let mut t = table(&["CHECK", "STATUS", "DETAIL"]);
        for c in &checks {
            t.add_row(vec![
                c.name.clone(),
                format!("{:?}", c.status).to_uppercase(),
                c.detail.clone(),
            ]);
        }
        let mut s = format!("{t}\n");
        for c in checks.iter().filter(|c| !c.fix.is_empty()) {
            s.push_str(&format!("fix ({}): {}\n", c.name, c.fix));
        }
        s.push_str(if failed {
            "doctor: FAILED\n"
        } else {
            "doctor: OK\n"
        });
        s
    });
    Ok(if failed { exit::CHECK_FAILED } else { exit::OK })
}
