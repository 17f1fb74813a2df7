//! Part of the build scripts of `ferronic-sim` and `ferronic-verilated`: a
//! cache of compiled C++ model libraries shared by every profile.
//!
//! Cargo gives each profile (`dev` for `cargo test`, `release` for
//! `nicsim`) its own `OUT_DIR`, so without this cache the Verilator models
//! are compiled twice from the same Verilog: about 8 minutes on 2 cores
//! each time. A library is stored as `target/verilated-cache/<lib>-<key>.a`,
//! where the key hashes everything that decides its object code: the
//! generated Verilog, the C++ shim, the compiler flags and the Verilator
//! version. Set `FERRONIC_NO_MODEL_CACHE=1` to bypass it.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// How many libraries of one name the cache keeps (the newest), so a
/// working tree that changes the gateware often does not grow without end.
const KEEP: usize = 4;

/// A 64-bit key over `parts` (`DefaultHasher::new()`: the same for every
/// run of one Rust toolchain), with the Verilator version, the C++
/// compiler and its flags from the environment. `parts` must not contain
/// paths that differ between profiles.
pub(crate) fn key(parts: &[&[u8]]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    let version = std::process::Command::new("verilator")
        .arg("--version")
        .output()
        .map(|o| o.stdout)
        .unwrap_or_default();
    version.hash(&mut h);
    for var in ["CXX", "CXXFLAGS", "CRATE_CC_NO_DEFAULTS"] {
        println!("cargo:rerun-if-env-changed={var}");
        std::env::var_os(var).hash(&mut h);
    }
    for p in parts {
        p.hash(&mut h);
    }
    h.finish()
}

/// `target/verilated-cache`, found from `OUT_DIR`
/// (`target/<profile>/build/<pkg>-<hash>/out`; under a `--target` triple
/// the cache is `target/<triple>/verilated-cache`). `None` (no cache) when
/// `OUT_DIR` has another shape.
fn dir(out: &Path) -> Option<PathBuf> {
    println!("cargo:rerun-if-env-changed=FERRONIC_NO_MODEL_CACHE");
    if std::env::var_os("FERRONIC_NO_MODEL_CACHE").is_some_and(|v| v != "0") {
        return None;
    }
    let mut up = out.ancestors();
    let build = up.nth(2)?;
    if build.file_name()? != "build" {
        return None;
    }
    let target = up.nth(1)?;
    let dir = target.join("verilated-cache");
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir)
}

/// Sets the C++ compiler of `build` and returns its `--version` line (for
/// the cache key): `$CXX` when set (the `cc` crate's own rule), else
/// `clang++` when it runs, else the `cc` default (`c++`) with a warning.
/// Verilated models compiled by clang 14 ran 1.20-1.27x as fast as GCC
/// 12's at the same `-O3` (`nicsim bench --baseline`, README's simulation
/// section). With clang, `libatomic` is linked: clang leaves the Verilator
/// runtime's `__atomic_is_lock_free` calls to it, where GCC resolves them
/// at compile time.
pub(crate) fn compiler(build: &mut cc::Build) -> String {
    println!("cargo:rerun-if-env-changed=CXX");
    let env = std::env::var_os("CXX");
    let cmd = env.clone().unwrap_or_else(|| "clang++".into());
    let version = std::process::Command::new(&cmd)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| {
            let text = String::from_utf8_lossy(&o.stdout).into_owned();
            text.lines().next().unwrap_or_default().to_string()
        });
    match version {
        Some(v) => {
            if env.is_none() {
                build.compiler(&cmd);
            }
            if v.contains("clang") {
                println!("cargo:rustc-link-lib=atomic");
            }
            v
        }
        None if env.is_some() => "$CXX".into(),
        None => {
            println!(
                "cargo:warning=clang++ not found: the Verilator models are compiled by the default \
                 C++ compiler and run about 1.2x slower (apt-get install -y clang)"
            );
            "c++".into()
        }
    }
}

/// Builds `lib<name>.a` in `out` with `build`, or copies it from the cache
/// when a library with the same `key` is there, and tells cargo to link it
/// (with the C++ standard library, as `cc` does).
pub(crate) fn compile(build: &cc::Build, name: &str, key: u64, out: &Path) {
    let lib = out.join(format!("lib{name}.a"));
    let cache = dir(out);
    let cached = cache
        .as_ref()
        .map(|d| d.join(format!("{name}-{key:016x}.a")));
    if let Some(c) = cached.as_ref().filter(|c| c.is_file()) {
        if std::fs::copy(c, &lib).is_ok() {
            println!("cargo:rustc-link-search=native={}", out.display());
            println!("cargo:rustc-link-lib=static={name}");
            println!("cargo:rustc-link-lib=stdc++");
            println!("cargo:warning=model library {name}: reused {}", c.display());
            return;
        }
    }
    build.compile(name);
    let (Some(dir), Some(c)) = (cache, cached) else {
        return;
    };
    // copy then rename: a concurrent build never sees half a library
    let tmp = dir.join(format!(".{name}-{key:016x}.{}", std::process::id()));
    if std::fs::copy(&lib, &tmp).is_ok() && std::fs::rename(&tmp, &c).is_ok() {
        prune(&dir, name);
    } else {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// Removes all but the `KEEP` newest `<name>-*.a` in `dir`.
fn prune(dir: &Path, name: &str) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!("{name}-");
    let mut libs: Vec<(std::time::SystemTime, PathBuf)> = rd
        .filter_map(|e| e.ok())
        .filter(|e| {
            let f = e.file_name();
            let f = f.to_string_lossy();
            f.starts_with(&prefix) && f.ends_with(".a")
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    libs.sort_by_key(|l| std::cmp::Reverse(l.0));
    for (_, p) in libs.into_iter().skip(KEEP) {
        let _ = std::fs::remove_file(p);
    }
}
