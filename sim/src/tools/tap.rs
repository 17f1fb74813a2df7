//! TAP devices in network namespaces for `nicsim tap` and the tests: the
//! device itself is [`Tap`] (shared with `nicctl
//! netdev`); here it is created inside a namespace, and the host is probed
//! for what namespaces and TAP devices need.

pub use ferronic_simlink::tap::Tap;

use crate::tools::netns::Netns;
use std::io;

/// Creates TAP device `name` inside namespace `ns` (from a helper
/// thread that enters it), brings it up and gives it `addr` (CIDR).
///
/// # Errors
/// As [`Tap::create`], and the `ip` command's failures.
pub fn create_in(ns: &Netns, name: &str, addr: &str) -> io::Result<Tap> {
    let tap = std::thread::scope(|s| {
        s.spawn(|| {
            ns.enter()?;
            Tap::create(name)
        })
        .join()
        .map_err(|_| io::Error::other("TAP creation thread panicked"))?
    })?;
    ns.ip(&["link", "set", name, "up"])?;
    ns.ip(&["addr", "add", addr, "dev", name])?;
    Ok(tap)
}

/// Whether this process may create network namespaces and TAP devices
/// (root with CAP_SYS_ADMIN and CAP_NET_ADMIN, `/dev/net/tun` present):
/// tries both in a throw-away namespace. Tests skip with the reason when
/// it is `Err`.
///
/// # Errors
/// Why not, as a message.
pub fn permitted() -> Result<(), String> {
    static PROBE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = PROBE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let ns = Netns::new(&format!("fnprobe{}-{n}", std::process::id() % 100_000))
        .map_err(|e| format!("network namespaces are not permitted here ({e})"))?;
    let tap = std::thread::scope(|s| {
        s.spawn(|| {
            ns.enter()?;
            Tap::create("probe0")
        })
        .join()
    });
    match tap {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(format!("TAP devices are not permitted here ({e})")),
        Err(_) => Err("the TAP probe panicked".into()),
    }
}
