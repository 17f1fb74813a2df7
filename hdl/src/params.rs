//! Generation parameters: what a generated core has (issue 15).
//!
//! One [`CoreParams`] fixes a build. It comes from a board file's `[core]`
//! section (`boards/NAME.toml`), then `nicgen --set key=value` (repeatable,
//! applied in order), and shapes the register map
//! ([`CoreParams::map_params`]), hence the register file, the exports and
//! what the host finds in `identity.CAPABILITIES` and `identity.SIZES`.
//!
//! | key | values | default | what |
//! |---|---|---|---|
//! | `rss` | `true`/`false` | `true` | Toeplitz hash and indirection table (the `rss` block); without it every frame goes to `datapath.DEFAULT_QUEUE`, hash 0 |
//! | `handshake` | `true`/`false` | `true` | the TCP SYN-cookie engine, its `handshake` block and its 8 counters |
//! | `rx_queues`, `tx_queues` | 1, 2, 4, 8, 16, 32, 64 (equal) | 8 | receive and transmit queues (rings, completion queues, per-queue counters, RSS queue numbers) |
//! | `listen` | 1 to 256 (0 without the engine) | 64 | listen-table entries of the handshake engine |
//! | `dma_data_bits` | 128 | 128 | the DMA engine's AXI4 data bus (a board top widens it to the PCIe IP's) |
//!
//! The queue counts and listen entries are bit widths of the rust-hdl
//! sources (`Bits<N>` with N a Rust constant, which stable Rust cannot
//! take from a run-time value): they are fixed when this crate is
//! compiled, by the environment variables `FERRONIC_RX_QUEUES`,
//! `FERRONIC_TX_QUEUES` and `FERRONIC_LISTEN` (default 8, 8, 64).
//! `nicgen` asked for other values builds itself again with them (`cargo
//! build --release` into `target/nicgen-params/rx<R>-tx<T>-listen<L>/`,
//! a directory per set of values, seeded from another set's so only the
//! hdl crate is compiled; nothing the next time) and runs that build with
//! the same arguments. The bus width is still fixed
//! ([`ParamError::Unsupported`] says so).
//! The two blocks are switched at generation time: a block that is
//! absent has its outputs tied off and its registers left out of the map,
//! and synthesis removes it (the `minimal` preset is measured in
//! `hdl/tests/params.rs`).

use ferronic_regmap::MapParams;
use serde::Deserialize;

/// A queue count this crate is compiled with: `value` (an environment
/// variable at compile time, decimal) or `default`. Fails the
/// compilation unless it is a power of two from [`QUEUES_MIN`] to
/// [`QUEUES_MAX`].
pub const fn compiled_queues(value: Option<&str>, default: usize) -> usize {
    let v = compiled(value, default);
    assert!(
        v.is_power_of_two() && v >= QUEUES_MIN && v <= QUEUES_MAX,
        "FERRONIC_RX_QUEUES/TX_QUEUES: a power of two from 1 to 64"
    );
    v
}

/// The listen-table entries this crate is compiled with
/// (`FERRONIC_LISTEN`, default [`ferronic_regmap::LISTEN`]); 1 to
/// [`LISTEN_MAX`].
pub const fn compiled_listen(value: Option<&str>) -> usize {
    let v = compiled(value, ferronic_regmap::LISTEN);
    assert!(v >= 1 && v <= LISTEN_MAX, "FERRONIC_LISTEN: 1 to 256");
    v
}

/// `value` as a decimal number, or `default` when absent.
const fn compiled(value: Option<&str>, default: usize) -> usize {
    match value {
        None => default,
        Some(s) => {
            let b = s.as_bytes();
            let mut i = 0;
            let mut n = 0;
            assert!(!b.is_empty(), "a generation parameter: empty");
            while i < b.len() {
                assert!(
                    b[i].is_ascii_digit(),
                    "a generation parameter: not a number"
                );
                n = n * 10 + (b[i] - b'0') as usize;
                i += 1;
            }
            n
        }
    }
}

/// Most listen-table entries (the `identity.SIZES` field is 16 bits; the
/// engine matches every entry in one clock, so more cost timing).
pub const LISTEN_MAX: usize = 256;

/// log2 of a power of two.
pub const fn log2(n: usize) -> usize {
    n.trailing_zeros() as usize
}

/// Fewest queues a build has (per direction).
pub const QUEUES_MIN: usize = 1;
/// Most queues a build has (per direction).
pub const QUEUES_MAX: usize = 64;

/// A build's generation parameters; see the module documentation. In a
/// board file, omitted keys take their defaults (`listen` 0 when
/// `handshake = false`).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(from = "RawCoreParams")]
pub struct CoreParams {
    /// Receive queues (rings, RSS queues, per-queue counters).
    pub rx_queues: usize,
    /// Transmit queues.
    pub tx_queues: usize,
    /// Listen-table entries of the handshake engine.
    pub listen: usize,
    /// Width of the DMA engine's AXI4 data bus, bits.
    pub dma_data_bits: u32,
    /// RSS present.
    pub rss: bool,
    /// TCP handshake engine present.
    pub handshake: bool,
}

impl Default for CoreParams {
    fn default() -> Self {
        CoreParams {
            rx_queues: crate::RX_QUEUES,
            tx_queues: crate::TX_QUEUES,
            listen: crate::LISTEN,
            dma_data_bits: ferronic_regmap::DMA_DATA_BITS,
            rss: true,
            handshake: true,
        }
    }
}

/// `[core]` as written: every key optional.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCoreParams {
    rx_queues: Option<usize>,
    tx_queues: Option<usize>,
    listen: Option<usize>,
    dma_data_bits: Option<u32>,
    rss: Option<bool>,
    handshake: Option<bool>,
}

impl From<RawCoreParams> for CoreParams {
    fn from(r: RawCoreParams) -> Self {
        let d = CoreParams::default();
        let handshake = r.handshake.unwrap_or(d.handshake);
        CoreParams {
            rx_queues: r.rx_queues.unwrap_or(d.rx_queues),
            tx_queues: r.tx_queues.unwrap_or(d.tx_queues),
            listen: r
                .listen
                .unwrap_or(if handshake { crate::LISTEN } else { 0 }),
            dma_data_bits: r.dma_data_bits.unwrap_or(d.dma_data_bits),
            rss: r.rss.unwrap_or(d.rss),
            handshake,
        }
    }
}

/// A parameter that could not be set or a combination this build cannot
/// generate.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParamError {
    /// `--set` without `=`.
    #[error("--set {0:?}: expected key=value")]
    Syntax(String),
    /// A key that is not a parameter.
    #[error("unknown generation parameter {0:?}; known: {KEYS}")]
    UnknownKey(String),
    /// A value that does not parse for its key.
    #[error("{key} = {value:?}: {expected}")]
    BadValue {
        /// The key.
        key: String,
        /// What was given.
        value: String,
        /// What the key takes.
        expected: &'static str,
    },
    /// A value this build does not generate.
    #[error("{key} = {value}: this nicgen generates {key} = {only} only ({why})")]
    Unsupported {
        /// The key.
        key: &'static str,
        /// What was asked.
        value: String,
        /// The one value this build has.
        only: String,
        /// Why.
        why: &'static str,
    },
}

/// The keys [`CoreParams::set`] takes, for messages.
pub const KEYS: &str = "rss, handshake, rx_queues, tx_queues, listen, dma_data_bits";

const WIDTH: &str = "a bit width of the rust-hdl sources, not yet a generation parameter";
const QUEUES_WHY: &str =
    "queue numbers are tdest bits, and the DMA engine's fetch scheduler stops at 64 rings";

impl CoreParams {
    /// The conversion datapath only: no RSS, no handshake engine.
    pub fn minimal() -> Self {
        CoreParams {
            rss: false,
            handshake: false,
            listen: 0,
            ..CoreParams::default()
        }
    }

    /// Applies `key=value` (as `nicgen --set` gives it).
    ///
    /// # Errors
    /// [`ParamError::Syntax`], [`ParamError::UnknownKey`],
    /// [`ParamError::BadValue`]; the combination is checked by
    /// [`CoreParams::check`].
    pub fn set(&mut self, kv: &str) -> Result<(), ParamError> {
        let (key, value) = kv
            .split_once('=')
            .ok_or_else(|| ParamError::Syntax(kv.into()))?;
        let (key, value) = (key.trim(), value.trim());
        let bad = |expected| ParamError::BadValue {
            key: key.into(),
            value: value.into(),
            expected,
        };
        let flag = |v: &str| match v {
            "true" | "1" | "yes" | "on" => Ok(true),
            "false" | "0" | "no" | "off" => Ok(false),
            _ => Err(bad("true or false")),
        };
        let num = |v: &str| v.parse::<usize>().map_err(|_| bad("a whole number"));
        match key {
            "rss" => self.rss = flag(value)?,
            "handshake" => {
                self.handshake = flag(value)?;
                self.listen = if self.handshake { crate::LISTEN } else { 0 };
            }
            "rx_queues" => self.rx_queues = num(value)?,
            "tx_queues" => self.tx_queues = num(value)?,
            "listen" => self.listen = num(value)?,
            "dma_data_bits" => self.dma_data_bits = num(value)? as u32,
            _ => return Err(ParamError::UnknownKey(key.into())),
        }
        Ok(())
    }

    /// Checks that nicgen can generate these parameters (with this
    /// binary, or one compiled for them: [`CoreParams::compiled_here`]).
    ///
    /// # Errors
    /// [`ParamError::Unsupported`] naming the key, the value asked and
    /// what is generated: queue counts a power of two from
    /// [`QUEUES_MIN`] to [`QUEUES_MAX`], as many transmit as receive
    /// queues; `listen` and `dma_data_bits` as compiled.
    pub fn check(&self) -> Result<(), ParamError> {
        let only = |key, value: String, only: String, why| {
            Err(ParamError::Unsupported {
                key,
                value,
                only,
                why,
            })
        };
        let counts = format!("a power of two from {QUEUES_MIN} to {QUEUES_MAX}");
        for (key, n) in [("rx_queues", self.rx_queues), ("tx_queues", self.tx_queues)] {
            if !(n.is_power_of_two() && (QUEUES_MIN..=QUEUES_MAX).contains(&n)) {
                return only(key, n.to_string(), counts, QUEUES_WHY);
            }
        }
        if self.tx_queues != self.rx_queues {
            return only(
                "tx_queues",
                self.tx_queues.to_string(),
                format!("rx_queues ({})", self.rx_queues),
                "the descriptor fetch serves a receive and a transmit ring per queue number",
            );
        }
        if !self.handshake && self.listen != 0 {
            return only(
                "listen",
                self.listen.to_string(),
                "0".into(),
                "there is no listen table without the handshake engine",
            );
        }
        if self.handshake && !(1..=LISTEN_MAX).contains(&self.listen) {
            return only(
                "listen",
                self.listen.to_string(),
                format!("1 to {LISTEN_MAX}"),
                "identity.SIZES and the engine's one-clock match",
            );
        }
        if self.dma_data_bits != ferronic_regmap::DMA_DATA_BITS {
            return only(
                "dma_data_bits",
                self.dma_data_bits.to_string(),
                ferronic_regmap::DMA_DATA_BITS.to_string(),
                WIDTH,
            );
        }
        Ok(())
    }

    /// Whether this binary was compiled with these queue counts and
    /// listen entries (bit widths of the rust-hdl sources:
    /// `FERRONIC_RX_QUEUES`, `FERRONIC_TX_QUEUES` and `FERRONIC_LISTEN` at
    /// compile time). `nicgen` builds itself again for others.
    pub fn compiled_here(&self) -> bool {
        self.rx_queues == crate::RX_QUEUES
            && self.tx_queues == crate::TX_QUEUES
            && (!self.handshake || self.listen == crate::LISTEN)
    }

    /// The register-map parameters of `nic_core` (`dma` false) or the
    /// `nic` top (`dma` true) for these parameters and build information.
    pub fn map_params(&self, dma: bool, build_time: u32, git_hash: u32) -> MapParams {
        MapParams {
            rx_queues: self.rx_queues,
            tx_queues: self.tx_queues,
            dma,
            rss: self.rss,
            handshake: self.handshake,
            listen: if self.handshake {
                self.listen
            } else {
                ferronic_regmap::LISTEN
            },
            board: false,
            open: false,
            build_time,
            git_hash,
        }
    }

    /// One line for messages: `rss=true handshake=false rx_queues=8 ...`.
    pub fn summary(&self) -> String {
        format!(
            "rss={} handshake={} rx_queues={} tx_queues={} listen={} dma_data_bits={}",
            self.rss,
            self.handshake,
            self.rx_queues,
            self.tx_queues,
            self.listen,
            self.dma_data_bits
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_parses_and_check_refuses_widths() {
        let mut p = CoreParams::default();
        p.set("handshake=false").unwrap();
        p.set(" rss = off ").unwrap();
        assert_eq!(p, CoreParams::minimal());
        assert!(p.check().is_ok());
        assert_eq!(p.set("rss"), Err(ParamError::Syntax("rss".into())));
        assert!(matches!(p.set("queues=4"), Err(ParamError::UnknownKey(k)) if k == "queues"));
        assert!(matches!(
            p.set("rss=maybe"),
            Err(ParamError::BadValue { .. })
        ));
        p.set("rx_queues=64").unwrap();
        let e = p.check().unwrap_err();
        assert!(e.to_string().contains("tx_queues = 8"), "{e}");
        p.set("tx_queues=64").unwrap();
        assert!(p.check().is_ok());
        assert_eq!(p.compiled_here(), crate::RX_QUEUES == 64);
        for bad in [
            "rx_queues=12",
            "rx_queues=0",
            "rx_queues=3",
            "rx_queues=128",
        ] {
            p.set(bad).unwrap();
            let e = p.check().unwrap_err().to_string();
            assert!(e.contains("a power of two from 1 to 64"), "{e}");
        }
        for good in [1, 2, 4] {
            p.set(&format!("rx_queues={good}")).unwrap();
            p.set(&format!("tx_queues={good}")).unwrap();
            assert!(p.check().is_ok(), "{good} queues");
        }
        let mut q = CoreParams::minimal();
        q.set("listen=64").unwrap();
        assert!(q
            .check()
            .unwrap_err()
            .to_string()
            .contains("without the handshake engine"));
    }

    #[test]
    fn map_params_follow() {
        let m = CoreParams::minimal().map_params(true, 5, 6);
        assert!(!m.rss && !m.handshake && m.dma);
        assert_eq!((m.build_time, m.git_hash), (5, 6));
        let d = CoreParams::default().map_params(false, 0, 0);
        assert_eq!(d, MapParams::default());
    }
}
