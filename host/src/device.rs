//! A discovered ferronic device: typed register access by name, located
//! through the block chain, with the all-ones check.

use crate::backend::{self, Backend};
use crate::discover::{discover, Discovery};
use crate::error::HostError;
use crate::name::DeviceName;
use crate::regio::RegIo;
use crate::sysfs::Sys;
use ferronic_regmap::{Access, MapParams, Reg, RegMap};

/// The register map this tool was built with (what it expects to find).
pub fn tool_map() -> RegMap {
    RegMap::new(MapParams::default())
}

/// `map` with the DMA engine's blocks (`dma`, `rxq`, `txq`, `cq`) after
/// the core's, as the `nic` top has them
/// ([`ferronic_regmap::MapParams::dma`]); the open board's map
/// ([`ferronic_regmap::MapParams::open`]) as it is: it has no DMA engine.
pub fn with_dma(map: &RegMap) -> RegMap {
    if map.params.open {
        return map.clone();
    }
    RegMap::new(MapParams {
        dma: true,
        ..map.params
    })
}

/// Bytes BAR0 must span for `map`: the end of its last block.
pub fn map_span(map: &RegMap) -> u64 {
    map.span()
}

/// One register resolved on the device.
#[derive(Clone, Debug)]
pub struct Resolved<'a> {
    /// Byte address on the device.
    pub offset: u32,
    /// The tool's definition, `None` for a raw offset outside known blocks.
    pub reg: Option<&'a Reg>,
    /// `block.NAME`, or the hex offset.
    pub path: String,
}

/// One register of [`Device::dump`].
#[derive(Clone, Debug, serde::Serialize)]
pub struct DumpRow {
    /// `block.NAME`.
    pub name: String,
    /// Byte address on the device.
    pub offset: u32,
    /// Access rights.
    pub access: Access,
    /// Value read; `None` for write-only registers (they read 0).
    pub value: Option<u32>,
}

/// A ferronic device, discovered.
pub struct Device {
    io: Box<dyn RegIo>,
    /// The device's register map: this tool's, for the generation
    /// parameters the device reports ([`Discovery::params`]).
    pub map: RegMap,
    /// The map with the DMA engine's blocks ([`with_dma`]): names resolve
    /// in it, so `rxq.Q0_PROD` works on a `nic` top.
    full: RegMap,
    /// What discovery found.
    pub found: Discovery,
}

impl Device {
    /// Opens `name` with `backend` and discovers it.
    ///
    /// # Errors
    /// Those of [`backend::open`] and [`discover`].
    pub fn open(name: &DeviceName, backend: Backend, sys: &Sys) -> Result<Device, HostError> {
        let map = tool_map();
        let io = backend::open(name, backend, sys, map_span(&map))?;
        Device::with_io(io, map)
    }

    /// Discovers a device behind an already open backend.
    ///
    /// # Errors
    /// Those of [`discover`].
    pub fn with_io(mut io: Box<dyn RegIo>, map: RegMap) -> Result<Device, HostError> {
        let found = discover(io.as_mut(), &map)?;
        // the device's own map: the blocks its generation parameters have
        let map = RegMap::new(MapParams {
            dma: false,
            ..found.params
        });
        let full = with_dma(&map);
        Ok(Device {
            io,
            map,
            full,
            found,
        })
    }

    /// The backend.
    pub fn io(&mut self) -> &mut dyn RegIo {
        self.io.as_mut()
    }

    /// Device name.
    pub fn name(&self) -> &str {
        self.io.name()
    }

    /// Reads byte address `offset`. A value of 0xFFFFFFFF is confirmed by
    /// reading the identity block's TYPE word: all ones there too means the
    /// device is gone.
    ///
    /// # Errors
    /// [`HostError::AllOnes`] and the backend's errors.
    pub fn read(&mut self, offset: u32) -> Result<u32, HostError> {
        let v = self.io.read32(offset)?;
        if v == u32::MAX && self.io.read32(0)? == u32::MAX {
            return Err(HostError::AllOnes {
                device: self.name().to_string(),
                offset,
            });
        }
        Ok(v)
    }

    /// Writes byte address `offset`.
    ///
    /// # Errors
    /// The backend's errors.
    pub fn write(&mut self, offset: u32, value: u32) -> Result<(), HostError> {
        self.io.write32(offset, value)
    }

    /// Resolves `block.NAME` (case-insensitive) or a byte address (`0x40`,
    /// `64`) to the device's address: the block's base found on the device
    /// plus the register's offset within the block.
    ///
    /// # Errors
    /// [`HostError::UnknownRegister`] (with a suggestion),
    /// [`HostError::MissingBlock`].
    pub fn resolve(&self, what: &str) -> Result<Resolved<'_>, HostError> {
        let num = what
            .strip_prefix("0x")
            .map(|h| u32::from_str_radix(h, 16))
            .unwrap_or_else(|| what.parse());
        if let Ok(offset) = num {
            let reg = self.full.at(offset);
            let path = reg
                .and_then(|r| self.path_of(r))
                .unwrap_or_else(|| format!("{offset:#06x}"));
            return Ok(Resolved { offset, reg, path });
        }
        let (block, name) = what.split_once('.').unwrap_or(("", what));
        let key = format!("{}.{}", block.to_lowercase(), name.to_uppercase());
        let Some(reg) = self.full.reg(&key) else {
            // a register of a block this bitstream was generated without
            // (no RSS, no handshake engine): say so rather than "unknown"
            let all = RegMap::new(MapParams {
                dma: true,
                board: true,
                ..MapParams::default()
            });
            if let Some(b) = all
                .blocks
                .iter()
                .find(|b| b.name == block.to_lowercase() && all.reg(&key).is_some())
            {
                return Err(HostError::MissingBlock {
                    device: self.name().to_string(),
                    block: b.name.clone(),
                });
            }
            let suggestion = self
                .full
                .blocks
                .iter()
                .flat_map(|b| b.regs.iter().map(move |r| format!("{}.{}", b.name, r.name)))
                .find(|p| p.ends_with(&format!(".{}", name.to_uppercase())));
            return Err(HostError::UnknownRegister {
                name: what.to_string(),
                suggestion,
            });
        };
        let tb = self
            .full
            .blocks
            .iter()
            .find(|b| b.name == block.to_lowercase())
            .expect("register's block");
        let fb = self
            .found
            .blocks
            .iter()
            .find(|f| f.name.as_deref() == Some(tb.name.as_str()))
            .ok_or_else(|| HostError::MissingBlock {
                device: self.name().to_string(),
                block: tb.name.clone(),
            })?;
        Ok(Resolved {
            offset: fb.base + (reg.offset - tb.base),
            reg: Some(reg),
            path: key,
        })
    }

    fn path_of(&self, r: &Reg) -> Option<String> {
        self.full
            .blocks
            .iter()
            .find(|b| b.regs.iter().any(|x| x.offset == r.offset))
            .map(|b| format!("{}.{}", b.name, r.name))
    }

    /// Reads register `block.NAME`.
    ///
    /// # Errors
    /// As [`Device::resolve`] and [`Device::read`].
    pub fn read_reg(&mut self, path: &str) -> Result<u32, HostError> {
        let a = self.resolve(path)?.offset;
        self.read(a)
    }

    /// Writes register `block.NAME`.
    ///
    /// # Errors
    /// As [`Device::resolve`] and [`Device::write`].
    pub fn write_reg(&mut self, path: &str, value: u32) -> Result<(), HostError> {
        let a = self.resolve(path)?.offset;
        self.write(a, value)
    }

    /// 64-bit counter `NAME`: the low word first, which latches the high
    /// word, so the value is never torn.
    ///
    /// # Errors
    /// As [`Device::read_reg`].
    pub fn counter(&mut self, name: &str) -> Result<u64, HostError> {
        let lo = self.read_reg(&format!("counters.{name}_LO"))?;
        let hi = self.read_reg(&format!("counters.{name}_HI"))?;
        Ok(u64::from(hi) << 32 | u64::from(lo))
    }

    /// Every counter of the map, in counter-number order.
    ///
    /// # Errors
    /// As [`Device::counter`].
    pub fn counters(&mut self) -> Result<Vec<(String, u64)>, HostError> {
        let names: Vec<String> = self.map.counters.iter().map(|c| c.name.clone()).collect();
        names
            .into_iter()
            .map(|n| Ok((n.clone(), self.counter(&n)?)))
            .collect()
    }

    /// Zeroes every counter (`counters.CLEAR`).
    ///
    /// # Errors
    /// As [`Device::write_reg`].
    pub fn clear_counters(&mut self) -> Result<(), HostError> {
        self.write_reg("counters.CLEAR", 1)
    }

    /// Every register of every block found, in address order, with its
    /// value (`None` for write-only registers, which read 0).
    ///
    /// # Errors
    /// As [`Device::read`].
    pub fn dump(&mut self) -> Result<Vec<DumpRow>, HostError> {
        let mut rows = Vec::new();
        let regs: Vec<(String, u32, Access)> = self
            .map
            .blocks
            .iter()
            .flat_map(|b| {
                b.regs
                    .iter()
                    .map(move |r| (format!("{}.{}", b.name, r.name), r.access))
            })
            .filter_map(|(p, a)| Some((p.clone(), self.resolve(&p).ok()?.offset, a)))
            .collect();
        for (path, offset, access) in regs {
            let v = if access == Access::Wo {
                None
            } else {
                Some(self.read(offset)?)
            };
            rows.push(DumpRow {
                name: path,
                offset,
                access,
                value: v,
            });
        }
        Ok(rows)
    }
}

impl Device {
    /// Gives the backend back (to discover again after a reset).
    pub fn into_io(self) -> Box<dyn RegIo> {
        self.io
    }
}
