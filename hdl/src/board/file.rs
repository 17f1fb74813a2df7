//! A board file (`boards/NAME.toml`, DESIGN.md section 7d): the FPGA part,
//! the PCIe IP (XDMA in AXI Bridge mode, AMD PG195), the Ethernet IP (the
//! 10G/25G Ethernet Subsystem `xxv_ethernet` at 10GBASE-R, AMD PG210), the
//! GT sites and reference clocks, and every pin of the board top with its
//! source. `boards/au250.toml` is the annotated example.

pub use crate::params::CoreParams;
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// What is wrong with a board file, or which one is missing.
#[derive(Debug, thiserror::Error)]
pub enum BoardError {
    /// No `NAME.toml` in the boards directory.
    #[error("no board named {name} in {dir} (boards: {known})")]
    Unknown {
        /// The name asked for.
        name: String,
        /// The directory searched.
        dir: PathBuf,
        /// The boards that are there, comma separated.
        known: String,
    },
    /// The file could not be read.
    #[error("reading {path}: {source}")]
    Read {
        /// The board file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a board file (TOML syntax, a missing or unknown key).
    #[error("{path}: {source}")]
    Parse {
        /// The board file.
        path: PathBuf,
        /// The TOML error, with its line.
        source: toml::de::Error,
    },
    /// A value the file gives is not one the generator can build.
    #[error("{path}: {what}")]
    Invalid {
        /// The board file.
        path: PathBuf,
        /// What is wrong and what would be right.
        what: String,
    },
}

/// One board.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Board {
    /// Short name: the file's stem and `nicgen --board`'s argument.
    pub name: String,
    /// Full name for reports.
    pub title: String,
    /// Vivado part (device, package, speed grade, temperature).
    pub part: String,
    /// yosys `synth_xilinx -family` of the part (`xcup`: UltraScale+).
    pub family: String,
    /// Constraint files in `constraints/NAME/`.
    pub constraints: Vec<String>,
    /// Generation parameters of the core (`[core]`, keys as `nicgen
    /// --set`; omitted keys take [`CoreParams::default`]).
    #[serde(default)]
    pub core: CoreParams,
    /// The PCIe endpoint.
    pub pcie: Pcie,
    /// The Ethernet port.
    pub ethernet: Ethernet,
    /// Every pin of the board top but the PCIe lanes: port name (a bit
    /// of a bus as `name[i]`) to `[LOC, IOSTANDARD or "" for a GT pin,
    /// source]`.
    pub pins: BTreeMap<String, [String; 3]>,
    /// The PCIe lanes' pins.
    pub pcie_lanes: PcieLanes,
}

/// `[pcie]`: the XDMA IP in AXI Bridge mode (PG195).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pcie {
    /// IP name (`xdma`).
    pub ip: String,
    /// Link width: 1, 2, 4, 8 or 16 lanes.
    pub lanes: usize,
    /// Link speed as the IP spells it (`8.0_GT/s` for Gen3).
    pub speed: String,
    /// AXI data width in bits the IP uses at this width and speed.
    pub axi_data_width: usize,
    /// `axi_aclk` in MHz.
    pub axi_clock_mhz: u32,
    /// GT quad of lane 0 as the IP spells it (`GTY_Quad_227`).
    pub quad: String,
    /// GT channel of lane 0 (`GTYE4_CHANNEL_X1Y31`).
    pub lane0_site: String,
    /// Reference clock in MHz (100 on a PCIe slot).
    pub refclk_mhz: u32,
    /// BAR0 size in bytes (a power of two, at least the register map).
    pub bar0_bytes: u64,
    /// MSI-X vectors (the NIC's interrupt vectors, 1..=16: XDMA's
    /// `usr_irq_req` width).
    pub msix_vectors: u32,
    /// PCI vendor ID.
    pub vendor_id: u16,
    /// PCI device ID.
    pub device_id: u16,
}

/// `[ethernet]`: one `xxv_ethernet` core at 10GBASE-R (PG210).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ethernet {
    /// IP name (`xxv_ethernet`).
    pub ip: String,
    /// The cage (`QSFP0`).
    pub cage: String,
    /// Lane of the cage, from 0.
    pub lane: u32,
    /// Transceiver type as the IP spells it (`GTY` on UltraScale+, `GTH`).
    pub gt_type: String,
    /// GT quad as the IP spells it (`Quad_X1Y11`).
    pub gt_quad: String,
    /// GT channel as the IP spells it (`X1Y44`).
    pub gt_site: String,
    /// Reference clock in MHz (156.25 or 161.1328125).
    pub refclk_mhz: f64,
    /// The clock generator's frequency select driven on `<cage>_fs`
    /// (2 bits; the board's clock chip table); none for a fixed oscillator.
    #[serde(default)]
    pub refclk_fs: Option<u32>,
    /// The board swaps the receive pair's P and N: the GT inverts it.
    #[serde(default)]
    pub rx_polarity_inverted: bool,
    /// The board swaps the transmit pair's P and N: the GT inverts it.
    #[serde(default)]
    pub tx_polarity_inverted: bool,
}

/// `[pcie_lanes]`: per lane `[rx_p, rx_n, tx_p, tx_n]`, lane 0 first.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PcieLanes {
    /// The pins.
    pub pins: Vec<[String; 4]>,
}

impl Board {
    /// Reads and checks `dir/NAME.toml`.
    ///
    /// # Errors
    /// [`BoardError::Unknown`] (naming the boards there), or what
    /// [`Board::load`] returns.
    pub fn find(dir: &Path, name: &str) -> Result<Board, BoardError> {
        let path = dir.join(format!("{name}.toml"));
        if !path.is_file() {
            return Err(BoardError::Unknown {
                name: name.into(),
                dir: dir.into(),
                known: Board::all_names(dir).join(", "),
            });
        }
        if super::open::flow(&path)? == "ecp5" {
            return Err(BoardError::Invalid {
                path,
                what: format!(
                    "{name} is an open-flow (ECP5) board, not a Vivado one: its project is \
                     board::open_project's (nicgen --board {name} writes it)"
                ),
            });
        }
        Board::load(&path)
    }

    /// Names of the Vivado boards in `dir` (the stems of the `*.toml`
    /// files whose flow is Vivado's), sorted.
    pub fn names(dir: &Path) -> Vec<String> {
        Board::all_names(dir)
            .into_iter()
            .filter(|n| {
                super::open::flow(&dir.join(format!("{n}.toml"))).is_ok_and(|f| f == "vivado")
            })
            .collect()
    }

    /// Names of every board file in `dir` (the `*.toml` stems), sorted.
    pub fn all_names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let p = e.path();
                (p.extension()? == "toml").then(|| p.file_stem()?.to_str().map(String::from))?
            })
            .collect();
        v.sort();
        v
    }

    /// Reads and checks one board file.
    ///
    /// # Errors
    /// [`BoardError::Read`], [`BoardError::Parse`] (with the line), or
    /// [`BoardError::Invalid`]: a name that is not the file's stem, core
    /// parameters other than the core's, a lane count the IP lacks, a
    /// pin or port given twice, PCIe lane pins for other than `lanes`.
    pub fn load(path: &Path) -> Result<Board, BoardError> {
        let text = std::fs::read_to_string(path).map_err(|source| BoardError::Read {
            path: path.into(),
            source,
        })?;
        let b: Board = toml::from_str(&text).map_err(|source| BoardError::Parse {
            path: path.into(),
            source,
        })?;
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if b.name != stem {
            return Err(BoardError::Invalid {
                path: path.into(),
                what: format!(
                    "name = {:?}: a board file's name is its file's stem ({stem:?})",
                    b.name
                ),
            });
        }
        b.check().map_err(|what| BoardError::Invalid {
            path: path.into(),
            what,
        })?;
        Ok(b)
    }

    fn check(&self) -> Result<(), String> {
        let stem_ok = !self.name.is_empty()
            && self
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !stem_ok {
            return Err(format!(
                "name {:?}: lower-case letters, digits and '-'",
                self.name
            ));
        }
        self.core.check().map_err(|e| format!("[core] {e}"))?;
        if ![1, 2, 4, 8, 16].contains(&self.pcie.lanes) {
            return Err(format!(
                "[pcie] lanes = {}: 1, 2, 4, 8 or 16",
                self.pcie.lanes
            ));
        }
        if self.pcie_lanes.pins.len() != self.pcie.lanes {
            return Err(format!(
                "[pcie_lanes] has {} lanes, [pcie] lanes = {}",
                self.pcie_lanes.pins.len(),
                self.pcie.lanes
            ));
        }
        if !["GTY", "GTH"].contains(&self.ethernet.gt_type.as_str()) {
            return Err(format!(
                "[ethernet] gt_type = {:?}: GTY (UltraScale+) or GTH (UltraScale)",
                self.ethernet.gt_type
            ));
        }
        if !(1..=16).contains(&self.pcie.msix_vectors) {
            return Err(format!(
                "[pcie] msix_vectors = {}: 1..=16 (XDMA's usr_irq_req)",
                self.pcie.msix_vectors
            ));
        }
        let span = crate::verilog::board_regmap(0, 0).span();
        if !self.pcie.bar0_bytes.is_power_of_two() || self.pcie.bar0_bytes < span {
            return Err(format!(
                "[pcie] bar0_bytes = {}: a power of two of at least {span} (the register map)",
                self.pcie.bar0_bytes
            ));
        }
        let mut seen = HashSet::new();
        for (port, loc) in self.all_pins() {
            if !seen.insert(loc.to_string()) {
                return Err(format!("pin {loc} is given twice (again for {port})"));
            }
        }
        Ok(())
    }

    /// Every constrained port with its pin: `[pins]`, then the PCIe lanes
    /// as `pcie_rx_p[i]` etc.
    pub fn all_pins(&self) -> Vec<(String, &str)> {
        let mut v: Vec<(String, &str)> = self
            .pins
            .iter()
            .map(|(p, [loc, _, _])| (p.clone(), loc.as_str()))
            .collect();
        for (i, lane) in self.pcie_lanes.pins.iter().enumerate() {
            for (dir, loc) in ["pcie_rx_p", "pcie_rx_n", "pcie_tx_p", "pcie_tx_n"]
                .iter()
                .zip(lane)
            {
                v.push((format!("{dir}[{i}]"), loc.as_str()));
            }
        }
        v
    }
}
