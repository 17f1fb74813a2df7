//! PCIe link status from a device's configuration space, parsed with
//! pci-driver (PCI Express Capability, PCIe Base Specification 7.5.3).

use pci_driver::config::caps::PciExpressCapability;
use pci_driver::config::PciConfig;
use pci_driver::regions::structured::PciBitFieldReadable;
use pci_driver::regions::{BackedByPciSubregion, PciMemoryRegion};

/// Negotiated link: speed and width.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Link {
    /// Speed, e.g. `8.0 GT/s` (PCIe 3).
    pub speed: String,
    /// Lanes, e.g. 8.
    pub width: u32,
}

impl std::fmt::Display for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} x{}", self.speed, self.width)
    }
}

/// Link Status register (capability offset 0x12): Current Link Speed in
/// bits 3:0 (an index into the Supported Link Speeds, 1 = 2.5 GT/s), Negotiated
/// Link Width in bits 9:4.
fn decode(status: u16) -> Link {
    let speed = match status & 0xF {
        1 => "2.5 GT/s",
        2 => "5.0 GT/s",
        3 => "8.0 GT/s",
        4 => "16.0 GT/s",
        5 => "32.0 GT/s",
        6 => "64.0 GT/s",
        _ => "unknown",
    };
    Link {
        speed: speed.to_string(),
        width: u32::from((status >> 4) & 0x3F),
    }
}

/// The link from configuration-space bytes (the sysfs `config` file; as
/// non-root only its first 64 bytes are readable, which hold no
/// capability, and this returns `None`).
pub fn link_from_config(config: &[u8]) -> Option<Link> {
    if config.len() < 0x40 {
        return None;
    }
    let region = PciMemoryRegion::new(config);
    let cfg = PciConfig::backed_by(&region);
    let caps = cfg.capabilities().ok()?;
    let pcie = caps.of_type::<PciExpressCapability>().ok()?.next()?;
    Some(decode(pcie.link_status().read().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A config space with the status "capabilities list" bit, the list
    /// pointer at 0x34 -> a power-management capability at 0x40 -> the PCI
    /// Express capability at 0x60 with Link Status = 8.0 GT/s x8.
    pub(crate) fn config_gen3_x8() -> Vec<u8> {
        let mut c = vec![0u8; 256];
        c[0..4].copy_from_slice(&[0xee, 0x10, 0x55, 0xfe]);
        c[0x06] = 0x10; // status: capabilities list
        c[0x34] = 0x40;
        c[0x40] = 0x01; // PM
        c[0x41] = 0x60;
        c[0x60] = 0x10; // PCI Express
        c[0x61] = 0x00;
        let status: u16 = 3 | (8 << 4);
        c[0x72..0x74].copy_from_slice(&status.to_le_bytes());
        c
    }

    #[test]
    fn gen3_x8_through_a_capability_chain() {
        let l = link_from_config(&config_gen3_x8()).unwrap();
        assert_eq!(l.to_string(), "8.0 GT/s x8");
        // no capability list: no link
        let mut c = config_gen3_x8();
        c[0x06] = 0;
        assert_eq!(link_from_config(&c), None);
        assert_eq!(link_from_config(&c[..64]), None);
    }
}
