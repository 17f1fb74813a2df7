//! The datapath's setup errors, each with its fix and exit status: too
//! little simulated host memory, a device without the DMA engine, a
//! locked-memory limit too low for DMA memory, and the huge-page fallback.

mod common;

use common::nicctl_env;
use ferronic_host::dma::{Arena, Backing};
use ferronic_host::error::{exit, HostError};
use ferronic_sim::dma::top::TopOpts;
use ferronic_sim::tools::serve_dma::{DmaNic, HostMem};
use ferronic_simlink::{serve, ServeOpts};
use std::os::unix::process::CommandExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[test]
fn too_little_host_memory_is_a_setup_error_that_names_the_option() {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("nic.sock");
    let mem = dir.path().join("nic.mem");
    let listener = ferronic_simlink::server::bind(&sock).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let opts = ServeOpts {
        stop: Some(stop.clone()),
        verbose: false,
    };
    let t = std::thread::spawn(move || {
        let m = HostMem::create(&mem, 1 << 20).unwrap();
        let mut nic = DmaNic::new(&TopOpts::default(), m, false).unwrap();
        serve(listener, &mut nic, &opts).unwrap();
    });
    let dev = format!("sim:{}", sock.display());
    let r = nicctl_env(&["--device", &dev, "rx", "--count", "1"], None);
    stop.store(true, Ordering::Relaxed);
    t.join().unwrap();
    assert_eq!(r.code, i32::from(exit::SETUP), "{}", r.stderr);
    assert!(r.stderr.contains("host memory"), "{}", r.stderr);
    assert!(r.stderr.contains("--mem-mib"), "{}", r.stderr);
}

#[test]
fn the_datapath_commands_refuse_a_device_without_the_dma_engine() {
    // `sim:` in process is nic_core: registers, no rings
    for args in [
        &["rx", "--count", "1"][..],
        &["queues"],
        &["bench", "--count", "1"],
    ] {
        let mut a = vec!["--device", "sim:"];
        a.extend_from_slice(args);
        let r = nicctl_env(&a, None);
        assert_eq!(
            r.code,
            i32::from(exit::INCOMPATIBLE),
            "{args:?}: {}",
            r.stderr
        );
        assert!(r.stderr.contains("nicsim serve --dma"), "{}", r.stderr);
    }
}

/// Runs in a child without CAP_IPC_LOCK and with a 64 KiB
/// `RLIMIT_MEMLOCK` (re-executing this test), where locking 2 MiB of DMA
/// memory must fail with the Memlock error.
#[test]
fn a_low_locked_memory_limit_is_reported_with_its_fix() {
    const CHILD: &str = "FERRONIC_MEMLOCK_CHILD";
    if std::env::var_os(CHILD).is_some() {
        let e = Arena::anonymous(2 << 20, 0).unwrap_err();
        assert!(matches!(e, HostError::Memlock { .. }), "{e}");
        assert_eq!(e.exit_code(), exit::SETUP);
        assert!(e.fix().contains("ulimit -l 2048"), "{}", e.fix());
        return;
    }
    let mut c = std::process::Command::new(std::env::current_exe().unwrap());
    c.args([
        "--exact",
        "a_low_locked_memory_limit_is_reported_with_its_fix",
    ])
    .env(CHILD, "1");
    // SAFETY: only async-signal-safe calls (prctl, setrlimit) between fork
    // and exec.
    unsafe {
        c.pre_exec(|| {
            // CAP_IPC_LOCK (14) lifts the limit for root: drop it from the
            // bounding set, so the exec'd child does not have it
            libc::prctl(libc::PR_CAPBSET_DROP, 14, 0, 0, 0);
            let lim = libc::rlimit {
                rlim_cur: 64 << 10,
                rlim_max: 64 << 10,
            };
            if libc::setrlimit(libc::RLIMIT_MEMLOCK, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let o = c.output().unwrap();
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("1 passed"));
}

#[test]
fn dma_memory_is_on_huge_pages_when_free_else_on_4k_pages() {
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap();
    let free: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("HugePages_Free:"))
        .map_or(0, |v| v.trim().parse().unwrap());
    let a = Arena::anonymous(2 << 20, 0x1000_0000).unwrap();
    let want = if free > 0 {
        Backing::HugePages
    } else {
        Backing::SmallPages
    };
    assert_eq!(a.backing(), want, "HugePages_Free {free}");
    assert_eq!((a.len(), a.iova()), (2 << 20, 0x1000_0000));
    // the memory is usable and locked
    let r = a.alloc(4096, 4096).unwrap();
    r.write(0, &[0xa5; 64]);
    let mut back = [0u8; 64];
    r.read(0, &mut back);
    assert_eq!(back, [0xa5; 64]);
}
