//! Device names as the user types them.

use crate::error::HostError;
use std::fmt;
use std::path::PathBuf;

/// A PCI address, domain:bus:device.function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bdf {
    /// PCI domain (segment), 16 bits.
    pub domain: u16,
    /// Bus, 8 bits.
    pub bus: u8,
    /// Device, 5 bits (0..=31).
    pub dev: u8,
    /// Function, 3 bits (0..=7).
    pub func: u8,
}

impl fmt::Display for Bdf {
    /// The full form the kernel uses in sysfs: `0000:01:00.0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04x}:{:02x}:{:02x}.{:x}",
            self.domain, self.bus, self.dev, self.func
        )
    }
}

impl std::str::FromStr for Bdf {
    type Err = String;

    /// Parses `DDDD:BB:DD.F` or the short `BB:DD.F` (domain 0), hex.
    fn from_str(s: &str) -> Result<Bdf, String> {
        let parts: Vec<&str> = s.split(':').collect();
        let (domain, bus, devfn) = match parts.as_slice() {
            [d, b, df] => (Some(*d), *b, *df),
            [b, df] => (None, *b, *df),
            _ => return Err("expected DDDD:BB:DD.F or BB:DD.F".into()),
        };
        let (dev, func) = devfn
            .split_once('.')
            .ok_or("expected a `.` between device and function")?;
        let hex = |t: &str, digits: usize, what: &str| {
            if t.is_empty() || t.len() > digits || !t.chars().all(|c| c.is_ascii_hexdigit()) {
                Err(format!("{what} `{t}` is not {digits} hex digits"))
            } else {
                u32::from_str_radix(t, 16).map_err(|e| e.to_string())
            }
        };
        let bdf = Bdf {
            domain: domain
                .map(|d| hex(d, 4, "domain"))
                .transpose()?
                .unwrap_or(0) as u16,
            bus: hex(bus, 2, "bus")? as u8,
            dev: hex(dev, 2, "device")? as u8,
            func: hex(func, 1, "function")? as u8,
        };
        if bdf.dev > 31 || bdf.func > 7 {
            return Err("device must be 00..1f and function 0..7".into());
        }
        Ok(bdf)
    }
}

/// What `--device` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeviceName {
    /// A PCI function (given as a full or short BDF or a sysfs path).
    Pci(Bdf),
    /// `sim:`: the Verilated NIC in this process (feature `sim`).
    SimLocal,
    /// `sim:PATH`: a `nicsim serve --socket PATH`.
    SimSocket(PathBuf),
    /// `serial:PATH[@BAUD]`: a board's UART bridge on a serial port
    /// (baud rate [`crate::backend::serial::DEFAULT_BAUD`] when not given).
    Serial { path: PathBuf, baud: u32 },
}

impl DeviceName {
    /// Parses a device name: `0000:01:00.0`, `01:00.0`,
    /// `/sys/bus/pci/devices/0000:01:00.0`, `sim:`, `sim:PATH` or
    /// `serial:PATH[@BAUD]`.
    ///
    /// # Errors
    /// [`HostError::BadName`] naming what is wrong.
    pub fn parse(s: &str) -> Result<DeviceName, HostError> {
        let bad = |why: String| HostError::BadName {
            name: s.to_string(),
            why,
        };
        if let Some(rest) = s.strip_prefix("serial:") {
            let (path, baud) = match rest.rsplit_once('@') {
                Some((p, b)) => (
                    p,
                    b.parse::<u32>().ok().filter(|&b| b >= 300).ok_or_else(|| {
                        bad(format!("baud rate '{b}' is not a number of at least 300"))
                    })?,
                ),
                None => (rest, crate::backend::serial::DEFAULT_BAUD),
            };
            if path.is_empty() {
                return Err(bad(
                    "give the serial port: serial:/dev/ttyUSB0[@BAUD]".into()
                ));
            }
            return Ok(DeviceName::Serial {
                path: PathBuf::from(path),
                baud,
            });
        }
        if let Some(rest) = s.strip_prefix("sim:") {
            return Ok(if rest.is_empty() {
                DeviceName::SimLocal
            } else {
                DeviceName::SimSocket(PathBuf::from(rest))
            });
        }
        let last = if s.starts_with('/') {
            s.trim_end_matches('/').rsplit('/').next().unwrap_or("")
        } else {
            s
        };
        last.parse().map(DeviceName::Pci).map_err(bad)
    }
}

impl fmt::Display for DeviceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeviceName::Pci(b) => write!(f, "{b}"),
            DeviceName::SimLocal => write!(f, "sim:"),
            DeviceName::SimSocket(p) => write!(f, "sim:{}", p.display()),
            DeviceName::Serial { path, baud } => write!(f, "serial:{}@{baud}", path.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_accepted_form() {
        let full = Bdf {
            domain: 0,
            bus: 0x3b,
            dev: 0,
            func: 1,
        };
        for s in [
            "0000:3b:00.1",
            "3b:00.1",
            "/sys/bus/pci/devices/0000:3b:00.1/",
        ] {
            assert_eq!(DeviceName::parse(s).unwrap(), DeviceName::Pci(full), "{s}");
        }
        assert_eq!(full.to_string(), "0000:3b:00.1");
        let d = DeviceName::parse("10000:00:00.0");
        assert!(matches!(d, Err(HostError::BadName { .. })));
        assert_eq!(DeviceName::parse("sim:").unwrap(), DeviceName::SimLocal);
        assert_eq!(
            DeviceName::parse("sim:/tmp/n.sock").unwrap(),
            DeviceName::SimSocket("/tmp/n.sock".into())
        );
        for bad in [
            "",
            "eth0",
            "3b:20.0",
            "3b:00.8",
            "3b:00",
            "zz:00.0",
            "0:0:0:0.0",
        ] {
            assert!(DeviceName::parse(bad).is_err(), "{bad}");
        }
    }
}
