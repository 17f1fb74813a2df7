//! nicgen builds itself for other queue counts and listen entries: they
//! are bit widths of the rust-hdl sources, fixed when the hdl crate is
//! compiled (`FERRONIC_RX_QUEUES`, `FERRONIC_TX_QUEUES`,
//! `FERRONIC_LISTEN`; see [`ferronic_hdl::params`]).
//!
//! Each set of values has its own target directory,
//! `target/nicgen-params/rx<R>-tx<T>-listen<L>/`, so two nicgens asking
//! for different values at once (tests run in parallel) never run each
//! other's build, and going back to a set rebuilds nothing. A new set's
//! directory starts as a copy of the newest other set's (`cp -a`, which
//! keeps the modification times cargo's freshness checks read), so only
//! the hdl crate and nicgen are compiled for it: 43.5 s on 2 cores
//! (measured) instead of 95.3 s with every dependency. The copy and the build
//! hold an exclusive lock on `target/nicgen-params/.lock`: nicgens for
//! different sets build one after the other and a copy never reads a
//! directory cargo is writing.

use anyhow::{bail, Context, Result};
use ferronic_hdl::params::CoreParams;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Environment variable marking a nicgen run by [`rebuilt_for`] (so a
/// build that still does not match fails instead of building again).
const REBUILT: &str = "FERRONIC_NICGEN_REBUILT";

/// Builds nicgen with `p`'s queue counts and listen entries (`cargo
/// build --release` into the set's directory, see the module
/// documentation) and runs it with this process's arguments; returns its
/// exit code.
///
/// # Errors
/// cargo missing or failing, the lock or the copy failing, or the
/// rebuilt binary not matching.
pub fn rebuilt_for(p: &CoreParams) -> Result<i32> {
    if std::env::var_os(REBUILT).is_some() {
        bail!(
            "nicgen was rebuilt for rx_queues={} tx_queues={} listen={} but has {}, {}, {}",
            p.rx_queues,
            p.tx_queues,
            p.listen,
            ferronic_hdl::RX_QUEUES,
            ferronic_hdl::TX_QUEUES,
            ferronic_hdl::LISTEN
        );
    }
    let ws = std::fs::canonicalize(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .context("the ferronic workspace nicgen was built from")?;
    let (rx, tx) = (p.rx_queues.to_string(), p.tx_queues.to_string());
    // (without the engine the listen entries do not matter: the default)
    let listen = if p.handshake {
        p.listen
    } else {
        ferronic_hdl::LISTEN
    }
    .to_string();
    let sets = ws.join("target/nicgen-params");
    let target = sets.join(format!("rx{rx}-tx{tx}-listen{listen}"));
    eprintln!(
        "nicgen: rx_queues={rx} tx_queues={tx} listen={listen} are bit widths compiled into \
         the generator (this one has {}, {}, {}); building nicgen for them in {}",
        ferronic_hdl::RX_QUEUES,
        ferronic_hdl::TX_QUEUES,
        ferronic_hdl::LISTEN,
        target.display()
    );
    std::fs::create_dir_all(&sets).with_context(|| format!("creating {}", sets.display()))?;
    let lock_path = sets.join(".lock");
    let lock = File::create(&lock_path)
        .and_then(|f| f.lock().map(|()| f))
        .with_context(|| format!("locking {}", lock_path.display()))?;
    if !target.exists() {
        if let Some(from) = newest_set(&sets) {
            seed(&from, &target)?;
        }
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(&cargo)
        .args([
            "build",
            "--release",
            "--quiet",
            "--bin",
            "nicgen",
            "--target-dir",
        ])
        .arg(&target)
        .current_dir(&ws)
        .env("FERRONIC_RX_QUEUES", &rx)
        .env("FERRONIC_TX_QUEUES", &tx)
        .env("FERRONIC_LISTEN", &listen)
        .status()
        .with_context(|| {
            format!(
                "running {} (nicgen builds itself for other queue counts)",
                cargo.to_string_lossy()
            )
        })?;
    drop(lock);
    if !status.success() {
        bail!("building nicgen for rx_queues={rx} tx_queues={tx} failed ({status})");
    }
    let bin = target.join("release/nicgen");
    let status = Command::new(&bin)
        .args(std::env::args_os().skip(1))
        .env(REBUILT, "1")
        .status()
        .with_context(|| format!("running {}", bin.display()))?;
    Ok(status.code().unwrap_or(1))
}

/// The set directory in `sets` with the newest built nicgen, if any.
fn newest_set(sets: &Path) -> Option<PathBuf> {
    std::fs::read_dir(sets)
        .ok()?
        .filter_map(|e| {
            let dir = e.ok()?.path();
            if dir.extension().is_some_and(|x| x == "partial") {
                return None;
            }
            let built = dir
                .join("release/nicgen")
                .metadata()
                .ok()?
                .modified()
                .ok()?;
            Some((built, dir))
        })
        .max()
        .map(|(_, dir)| dir)
}

/// Copies set directory `from` to `to` with `cp -a` (modification times
/// kept), through a temporary name so a copy cut short is never taken for
/// a set.
///
/// # Errors
/// `cp` missing or failing, or the rename failing.
fn seed(from: &Path, to: &Path) -> Result<()> {
    let tmp = to.with_extension("partial");
    let _ = std::fs::remove_dir_all(&tmp);
    let status = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(&tmp)
        .status()
        .context("running cp -a")?;
    if !status.success() {
        bail!(
            "cp -a {} {} failed ({status})",
            from.display(),
            tmp.display()
        );
    }
    std::fs::rename(&tmp, to)
        .with_context(|| format!("renaming {} to {}", tmp.display(), to.display()))
}
