//! Fake host trees (sysfs, /dev/vfio, /proc) in a temporary directory, and
//! a runner for `nicctl` against them.

#![allow(dead_code)] // each test binary uses its own subset of the helpers

use ferronic_regmap::{RegMap, Source};
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A fake root: `/sys`, `/dev`, `/proc` under a temporary directory.
pub struct Tree {
    pub dir: tempfile::TempDir,
}

/// One fake PCI function.
pub struct PciFn<'a> {
    pub bdf: &'a str,
    pub vendor: u16,
    pub device: u16,
    pub driver: Option<&'a str>,
    pub group: Option<u32>,
    /// BAR0 contents (its length is the BAR size).
    pub bar0: Vec<u8>,
    pub net: Option<&'a str>,
}

impl Tree {
    /// An empty host with the VFIO modules loaded, an IOMMU group 0 (so
    /// the IOMMU reads as on), /dev/vfio/vfio and huge pages.
    pub fn new() -> Tree {
        let t = Tree {
            dir: tempfile::tempdir().unwrap(),
        };
        for m in ["vfio", "vfio_pci", "vfio_iommu_type1"] {
            t.mkdir(&format!("sys/module/{m}"));
        }
        t.mkdir("sys/bus/pci/devices");
        t.mkdir("sys/kernel/iommu_groups");
        t.write("dev/vfio/vfio", b"");
        t.write(
            "proc/meminfo",
            b"MemTotal: 1000 kB\nHugePages_Total:     512\nHugepagesize:       2048 kB\n",
        );
        t.write(
            "proc/cmdline",
            b"BOOT_IMAGE=/vmlinuz intel_iommu=on iommu=pt\n",
        );
        t.write("sys/bus/pci/drivers_probe", b"");
        t
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn p(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn mkdir(&self, rel: &str) {
        std::fs::create_dir_all(self.p(rel)).unwrap();
    }

    pub fn write(&self, rel: &str, data: &[u8]) {
        let p = self.p(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, data).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.p(rel)).unwrap()
    }

    /// Adds a PCI function the way the kernel lays it out: a directory
    /// under /sys/devices, linked from /sys/bus/pci/devices, with links to
    /// its driver and IOMMU group and a `resource0` of the BAR's size.
    pub fn add(&self, f: &PciFn) {
        let dev = format!("sys/devices/pci0000:00/{}", f.bdf);
        self.mkdir(&dev);
        symlink(
            self.p(&dev),
            self.p(&format!("sys/bus/pci/devices/{}", f.bdf)),
        )
        .unwrap();
        self.write(
            &format!("{dev}/vendor"),
            format!("0x{:04x}\n", f.vendor).as_bytes(),
        );
        self.write(
            &format!("{dev}/device"),
            format!("0x{:04x}\n", f.device).as_bytes(),
        );
        self.write(&format!("{dev}/enable"), b"0\n");
        self.write(&format!("{dev}/reset"), b"");
        self.write(&format!("{dev}/driver_override"), b"(null)\n");
        self.write(
            &format!("{dev}/config"),
            &config_gen3_x8(f.vendor, f.device),
        );
        let size = f.bar0.len() as u64;
        let start = 0xfb00_0000u64;
        self.write(
            &format!("{dev}/resource"),
            format!("0x{start:016x} 0x{:016x} 0x0000000000040200\n0x0000000000000000 0x0000000000000000 0x0000000000000000\n", start + size - 1).as_bytes(),
        );
        self.write(&format!("{dev}/resource0"), &f.bar0);
        if let Some(d) = f.driver {
            self.mkdir(&format!("sys/bus/pci/drivers/{d}"));
            self.write(&format!("sys/bus/pci/drivers/{d}/unbind"), b"");
            symlink(
                self.p(&format!("sys/bus/pci/drivers/{d}")),
                self.p(&format!("{dev}/driver")),
            )
            .unwrap();
        }
        if let Some(g) = f.group {
            let gd = format!("sys/kernel/iommu_groups/{g}");
            self.mkdir(&format!("{gd}/devices"));
            symlink(self.p(&gd), self.p(&format!("{dev}/iommu_group"))).unwrap();
            symlink(self.p(&dev), self.p(&format!("{gd}/devices/{}", f.bdf))).unwrap();
            self.write(&format!("dev/vfio/{g}"), b"");
        }
        if let Some(n) = f.net {
            self.mkdir(&format!("{dev}/net/{n}"));
        }
    }

    /// Runs the `nicctl` binary with `--root` at this tree.
    pub fn nicctl(&self, args: &[&str]) -> Run {
        nicctl_env(args, Some(self.root()))
    }
}

/// A function with ferronic's IDs, a good register image, vfio-pci, group 7.
pub fn card(bdf: &str) -> PciFn<'_> {
    PciFn {
        bdf,
        vendor: 0x10ee,
        device: 0xfe55,
        driver: Some("vfio-pci"),
        group: Some(7),
        bar0: image(&ferronic_host::device::tool_map(), 1 << 16),
        net: None,
    }
}

/// BAR0 as the bitstream presents it after reset: every register's reset
/// value at its offset, little-endian; `size` bytes.
pub fn image(map: &RegMap, size: usize) -> Vec<u8> {
    let mut b = vec![0u8; size];
    for r in map.regs() {
        let v = match r.source {
            Source::Const(v) | Source::BuildConst(v) | Source::Storage(v) => v,
            _ => 0,
        };
        let o = r.offset as usize;
        b[o..o + 4].copy_from_slice(&v.to_le_bytes());
    }
    b
}

/// Sets the 32-bit word at `offset` of an image.
pub fn poke(img: &mut [u8], offset: usize, v: u32) {
    img[offset..offset + 4].copy_from_slice(&v.to_le_bytes());
}

/// Configuration space: IDs, a capability list with the PCI Express
/// capability at 0x60 reporting 8.0 GT/s x8.
pub fn config_gen3_x8(vendor: u16, device: u16) -> Vec<u8> {
    let mut c = vec![0u8; 256];
    c[0..2].copy_from_slice(&vendor.to_le_bytes());
    c[2..4].copy_from_slice(&device.to_le_bytes());
    c[0x06] = 0x10;
    c[0x34] = 0x60;
    c[0x60] = 0x10;
    let status: u16 = 3 | (8 << 4);
    c[0x72..0x74].copy_from_slice(&status.to_le_bytes());
    c
}

/// Output of one `nicctl` run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", self.stdout, self.stderr))
    }
}

/// Runs the `nicctl` binary (optionally with `--root`).
pub fn nicctl_env(args: &[&str], root: Option<&Path>) -> Run {
    let mut c = Command::new(env!("CARGO_BIN_EXE_nicctl"));
    c.args(args).env_remove("NICCTL_DEVICE");
    if let Some(r) = root {
        c.arg("--root").arg(r);
    }
    let o = c.output().unwrap();
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}
