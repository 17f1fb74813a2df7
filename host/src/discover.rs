//! Discovery: walk the device's register-block chain (Corundum style,
//! DESIGN.md section 5) and compare it with this tool's register map.

use crate::error::HostError;
use crate::regio::RegIo;
use ferronic_regmap::{MapParams, RegMap, MAGIC, VENDOR};
use std::collections::HashSet;

/// Most blocks a chain may have before it is called broken.
pub const MAX_BLOCKS: usize = 64;

/// A block header found on the device.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FoundBlock {
    /// This tool's name for it, `None` if unknown.
    pub name: Option<String>,
    /// Vendor (TYPE bits 31:16).
    pub vendor: u16,
    /// Block id (TYPE bits 15:0).
    pub id: u16,
    /// Version, major.minor.patch.meta (a byte each).
    pub version: u32,
    /// Byte address.
    pub base: u32,
    /// Length, bytes.
    pub length: u32,
}

/// The identity block's registers.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Identity {
    /// `MAGIC`, 0x46455252 ("FERR").
    pub magic: u32,
    /// `MAP_HASH`: CRC-32 of the canonical map text.
    pub map_hash: u32,
    /// `MAP_VERSION`, major.minor.patch.meta.
    pub map_version: u32,
    /// `BUILD_TIME`, Unix seconds.
    pub build_time: u32,
    /// `GIT_HASH`: first 8 hex digits of the source commit.
    pub git_hash: u32,
    /// `CAPABILITIES`: bit 0 tag migration, 1 FCS, 2 counters, 3 RSS,
    /// 4 handshake engine, 5 DMA engine; bits 15:8 receive queues - 1,
    /// bits 23:16 transmit queues - 1 ([`ferronic_regmap::caps`]).
    pub capabilities: u32,
    /// `SIZES` (map 0.2 on): listen-table entries (15:0), DMA data-bus
    /// bits (31:16); 0 on older bitstreams.
    pub sizes: u32,
}

/// What discovery found.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Discovery {
    /// Blocks in chain order.
    pub blocks: Vec<FoundBlock>,
    /// The identity block.
    pub identity: Identity,
    /// The generation parameters the bitstream says it was built with
    /// ([`params_of`]); the device's map is `RegMap::new` of them.
    pub params: MapParams,
    /// Differences from this tool's map that do not stop it (newer minor
    /// version, other map hash, unknown or missing blocks).
    pub warnings: Vec<String>,
}

/// The generation parameters of a device with identity `id`: from
/// `CAPABILITIES` and `SIZES` ([`MapParams::from_identity`]) for map 0.2 and
/// later; a 0.1 bitstream predates them and has every block of the
/// defaults.
pub fn params_of(id: &Identity) -> MapParams {
    let dma = id.capabilities & ferronic_regmap::caps::DMA != 0;
    if id.map_version >> 16 < 0x0002 {
        MapParams::default()
    } else {
        MapParams {
            dma,
            ..MapParams::from_identity(id.capabilities, id.sizes)
        }
    }
}

/// On a board top whose identity block reads all ones: the shell's
/// `board` block, if BAR0 has one, as [`HostError::CoreDown`].
fn core_down(io: &mut dyn RegIo, device: &str) -> Result<Option<HostError>, HostError> {
    let map = RegMap::new(MapParams {
        dma: true,
        board: true,
        ..MapParams::default()
    });
    let reg = |n: &str| map.reg(&format!("board.{n}")).expect("board register");
    let ty = reg("TYPE");
    let ferronic_regmap::Source::Const(want) = ty.source else {
        unreachable!("a header word is a constant")
    };
    if io.size() < map.span() || io.read32(ty.offset)? != want {
        return Ok(None);
    }
    let timeouts = io.read32(reg("BAR_TIMEOUTS").offset)?;
    let status = io.read32(reg("CORE_STATUS").offset)?;
    Ok(Some(HostError::CoreDown {
        device: device.to_string(),
        clock_running: status & 1 != 0,
        in_reset: status & 2 != 0,
        timeouts,
    }))
}

/// `a.b.c.d` of a version word.
pub fn version_str(v: u32) -> String {
    let b = v.to_be_bytes();
    format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])
}

/// Walks the chain from offset 0 and checks identity against `map`.
///
/// # Errors
/// [`HostError::AllOnes`] if the first header reads 0xFFFFFFFF,
/// [`HostError::BadMagic`], [`HostError::MapMajor`], [`HostError::Chain`]
/// (loop, header outside BAR0, bad length, more than [`MAX_BLOCKS`]),
/// and the backend's own errors.
pub fn discover(io: &mut dyn RegIo, map: &RegMap) -> Result<Discovery, HostError> {
    let device = io.name().to_string();
    let size = io.size();
    // every block a build may have is named: the DMA engine's (the `nic`
    // top has them after the core's; `nic_core` alone does not, and need
    // not), a board top's `board` block and the open board's `open`
    let full = RegMap::new(MapParams {
        dma: true,
        board: true,
        open: false,
        ..map.params
    });
    let open = RegMap::new(MapParams::open_board());
    let chain = |offset: u32, detail: String| HostError::Chain {
        device: device.clone(),
        offset,
        detail,
    };
    let mut blocks = Vec::new();
    let mut seen = HashSet::new();
    let mut at = 0u32;
    loop {
        if !seen.insert(at) {
            return Err(chain(
                at,
                "NEXT leads back to a block already visited (loop)".into(),
            ));
        }
        if blocks.len() == MAX_BLOCKS {
            return Err(chain(at, format!("more than {MAX_BLOCKS} blocks")));
        }
        if !at.is_multiple_of(4) || u64::from(at) + 16 > size {
            return Err(chain(at, format!("header outside BAR0 ({size} bytes)")));
        }
        let ty = io.read32(at)?;
        if ty == u32::MAX {
            if at == 0 {
                if let Some(e) = core_down(io, &device)? {
                    return Err(e);
                }
            }
            return Err(HostError::AllOnes {
                device: device.clone(),
                offset: at,
            });
        }
        let (vendor, id) = ((ty >> 16) as u16, ty as u16);
        if at == 0 {
            let magic = io.read32(map.reg("identity.MAGIC").expect("MAGIC").offset)?;
            let identity = map.blocks.first().expect("identity block");
            if vendor != VENDOR || id != identity.id || magic != MAGIC {
                return Err(HostError::BadMagic {
                    device: device.clone(),
                    found: magic,
                    expected: MAGIC,
                });
            }
        }
        let version = io.read32(at + 4)?;
        let next = io.read32(at + 8)?;
        let length = io.read32(at + 12)?;
        if length < 16 || !length.is_multiple_of(4) || u64::from(at) + u64::from(length) > size {
            return Err(chain(
                at,
                format!("block length {length:#x} is not possible"),
            ));
        }
        let name = full
            .blocks
            .iter()
            .chain(&open.blocks)
            .find(|b| vendor == full.vendor && b.id == id)
            .map(|b| b.name.clone());
        blocks.push(FoundBlock {
            name,
            vendor,
            id,
            version,
            base: at,
            length,
        });
        if next == 0 {
            break;
        }
        at = next;
    }
    let mut d = Discovery {
        blocks,
        identity: Identity::default(),
        params: MapParams::default(),
        warnings: Vec::new(),
    };
    let rd = |io: &mut dyn RegIo, name: &str| -> Result<u32, HostError> {
        let r = map
            .reg(&format!("identity.{name}"))
            .expect("identity register");
        io.read32(r.offset)
    };
    d.identity = Identity {
        magic: rd(io, "MAGIC")?,
        map_hash: rd(io, "MAP_HASH")?,
        map_version: rd(io, "MAP_VERSION")?,
        build_time: rd(io, "BUILD_TIME")?,
        git_hash: rd(io, "GIT_HASH")?,
        capabilities: rd(io, "CAPABILITIES")?,
        sizes: 0,
    };
    if d.identity.map_version >> 16 >= 0x0002 {
        d.identity.sizes = rd(io, "SIZES")?;
    }
    // the device's own map: its generation parameters decide which blocks
    // it has (no RSS, no handshake engine, ...)
    d.params = params_of(&d.identity);
    let map = &RegMap::new(MapParams {
        dma: false,
        ..d.params
    });
    let full = crate::device::with_dma(map);
    let (dv, tv) = (d.identity.map_version, map.version);
    if dv >> 24 != tv >> 24 {
        return Err(HostError::MapMajor {
            device,
            device_version: dv,
            tool_version: tv,
        });
    }
    if (dv >> 16) & 0xFF > (tv >> 16) & 0xFF {
        d.warnings.push(format!(
            "the device's register map {} is newer than this tool's {}: registers added since are not shown",
            version_str(dv),
            version_str(tv)
        ));
    }
    if d.identity.map_hash != map.hash && d.identity.map_hash != full.hash {
        d.warnings.push(format!(
            "map hash differs: device {:#010x}, this tool {:#010x}; registers are located through the block chain",
            d.identity.map_hash, map.hash
        ));
    }
    for f in &d.blocks {
        match full
            .blocks
            .iter()
            .find(|b| Some(&b.name) == f.name.as_ref())
        {
            None => d.warnings.push(format!(
                "unknown block type {:04x}:{:04x} version {} at {:#06x}",
                f.vendor,
                f.id,
                version_str(f.version),
                f.base
            )),
            Some(b) if b.version >> 24 != f.version >> 24 => d.warnings.push(format!(
                "block {} is version {} on the device, {} in this tool",
                b.name,
                version_str(f.version),
                version_str(b.version)
            )),
            Some(_) => {}
        }
    }
    for b in &map.blocks {
        if !d.blocks.iter().any(|f| f.name.as_ref() == Some(&b.name)) {
            d.warnings
                .push(format!("the device has no `{}` block", b.name));
        }
    }
    Ok(d)
}
