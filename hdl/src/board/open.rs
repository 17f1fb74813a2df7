//! An open-flow board file (`flow = "ecp5"` in `boards/NAME.toml`, issue
//! 16): a Lattice ECP5 board built with yosys `synth_ecp5`, nextpnr-ecp5
//! and ecppack, reached over a UART instead of PCIe.
//! `boards/colorlight-5a-75b-v8.toml` is the annotated example.

use super::file::{BoardError, CoreParams};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// One open-flow board.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenBoard {
    /// Short name: the file's stem.
    pub name: String,
    /// Full name for reports.
    pub title: String,
    /// `"ecp5"`.
    pub flow: String,
    /// nextpnr-ecp5's device (`LFE5U-25F`: `--25k`).
    pub device: String,
    /// Package as nextpnr-ecp5 spells it (`CABGA256`).
    pub package: String,
    /// Speed grade (6, 7 or 8).
    pub speed: u32,
    /// Constraint files in `constraints/NAME/` (LPF).
    pub constraints: Vec<String>,
    /// Generation parameters of the core (`[core]`).
    #[serde(default)]
    pub core: CoreParams,
    /// The board's oscillator.
    pub clock: OpenClock,
    /// The UART register bridge.
    pub uart: OpenUart,
    /// The datapath's tag format and mode (`[datapath]`).
    #[serde(default)]
    pub datapath: OpenDatapath,
    /// Every pin: port (a bit of a bus as `name[i]`) to `[SITE, IO_TYPE,
    /// source]`.
    pub pins: BTreeMap<String, [String; 3]>,
}

/// `[clock]`: the oscillator.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenClock {
    /// Its port in `[pins]`.
    pub port: String,
    /// Its frequency, MHz.
    pub mhz: u32,
}

/// `[uart]`: the register bridge's line.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenUart {
    /// Baud rate (8N1).
    pub baud: u32,
}

/// `[datapath]`: the conversion's configuration at power-up.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenDatapath {
    /// Tag format by its name (`ferronic_regmap::tag::TagFormat::name`:
    /// `rtl8_4`, `edsa`, ...); default `rtl8_4` (Realtek, the switches
    /// Linux's `rtl8_4t` tail tag serves).
    #[serde(default = "default_format")]
    pub tag_format: String,
    /// Tag mode (`pass`, `strip`, `tail`); default `tail`.
    #[serde(default = "default_mode")]
    pub tag_mode: String,
}

fn default_format() -> String {
    "rtl8_4".into()
}

fn default_mode() -> String {
    "tail".into()
}

impl Default for OpenDatapath {
    fn default() -> Self {
        OpenDatapath {
            tag_format: default_format(),
            tag_mode: default_mode(),
        }
    }
}

/// ECP5 devices nextpnr-ecp5 places (LUT4 count in the name's thousands).
const DEVICES: &[&str] = &[
    "LFE5U-12F",
    "LFE5U-25F",
    "LFE5U-45F",
    "LFE5U-85F",
    "LFE5UM-25F",
    "LFE5UM-45F",
    "LFE5UM-85F",
    "LFE5UM5G-25F",
    "LFE5UM5G-45F",
    "LFE5UM5G-85F",
];

impl OpenBoard {
    /// Reads and checks one open-flow board file.
    ///
    /// # Errors
    /// [`BoardError::Read`], [`BoardError::Parse`] (with the line), or
    /// [`BoardError::Invalid`]: a name that is not the file's stem, another
    /// flow, a device nextpnr-ecp5 does not place, a speed grade outside
    /// 6-8, core parameters other than the core's, a clock port not in
    /// `[pins]`, a site given twice, a pin without its source.
    pub fn load(path: &Path) -> Result<OpenBoard, BoardError> {
        let text = std::fs::read_to_string(path).map_err(|source| BoardError::Read {
            path: path.into(),
            source,
        })?;
        let b: OpenBoard = toml::from_str(&text).map_err(|source| BoardError::Parse {
            path: path.into(),
            source,
        })?;
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let invalid = |what: String| BoardError::Invalid {
            path: path.into(),
            what,
        };
        if b.name != stem {
            return Err(invalid(format!(
                "name = {:?}: a board file's name is its file's stem ({stem:?})",
                b.name
            )));
        }
        b.check().map_err(invalid)?;
        Ok(b)
    }

    fn check(&self) -> Result<(), String> {
        if self.flow != "ecp5" {
            return Err(format!("flow = {:?}: \"ecp5\"", self.flow));
        }
        if !DEVICES.contains(&self.device.as_str()) {
            return Err(format!(
                "device = {:?}: one of {}",
                self.device,
                DEVICES.join(", ")
            ));
        }
        if !(6..=8).contains(&self.speed) {
            return Err(format!("speed = {}: 6, 7 or 8", self.speed));
        }
        self.core.check().map_err(|e| format!("[core] {e}"))?;
        if !self.pins.contains_key(&self.clock.port) {
            return Err(format!(
                "[clock] port = {:?} is not in [pins]",
                self.clock.port
            ));
        }
        if self.uart.baud < 300 {
            return Err(format!("[uart] baud = {}: at least 300", self.uart.baud));
        }
        let mut seen = HashSet::new();
        for (port, [site, io, source]) in &self.pins {
            if !seen.insert(site.as_str()) {
                return Err(format!("pin {site} is given twice (again for {port})"));
            }
            if io.is_empty() || source.trim().is_empty() {
                return Err(format!("[pins] {port}: give its IO_TYPE and its source"));
            }
        }
        Ok(())
    }
}

/// The `flow` a board file names: `"vivado"` when it names none.
///
/// # Errors
/// [`BoardError::Read`] or [`BoardError::Parse`].
pub fn flow(path: &Path) -> Result<String, BoardError> {
    let text = std::fs::read_to_string(path).map_err(|source| BoardError::Read {
        path: path.into(),
        source,
    })?;
    let v: toml::Table = toml::from_str(&text).map_err(|source| BoardError::Parse {
        path: path.into(),
        source,
    })?;
    Ok(v.get("flow")
        .and_then(|f| f.as_str())
        .unwrap_or("vivado")
        .to_string())
}
