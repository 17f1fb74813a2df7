//! The PCI backends' preflight and error paths against fake host trees:
//! every failure a user meets on a real machine gives its documented exit
//! status, names the path, and prints a concrete fix. The sysfs backend maps
//! the fake `resource0` file for real, so discovery, `info`, `dump` and
//! register writes run end to end on a file-backed BAR0.

mod bitstreams;
#[path = "../common/mod.rs"]
mod common;

use common::{card, image, poke, PciFn, Tree};
use ferronic_host::backend::vfio::preflight;
use ferronic_host::error::{exit, HostError};
use ferronic_host::name::Bdf;
use ferronic_host::sysfs::Sys;
use std::collections::HashMap;

const BDF: &str = "0000:3b:00.0";

fn bdf() -> Bdf {
    BDF.parse().unwrap()
}

#[test]
fn list_shows_driver_group_bar_and_link() {
    let t = Tree::new();
    t.add(&card(BDF));
    // a foreign device is not listed
    t.add(&PciFn {
        vendor: 0x8086,
        device: 0x1572,
        driver: Some("i40e"),
        ..card("0000:00:1f.6")
    });
    let r = t.nicctl(&["list", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    let cards = v.as_array().unwrap();
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0]["bdf"], BDF);
    assert_eq!(cards[0]["driver"], "vfio-pci");
    assert_eq!(cards[0]["iommu_group"], 7);
    assert_eq!(cards[0]["bar0"], 65536);
    assert_eq!(cards[0]["link"]["speed"], "8.0 GT/s");
    assert_eq!(cards[0]["link"]["width"], 8);
    // other IDs on request
    let r = t.nicctl(&["list", "--id", "8086:1572", "--json"]);
    assert_eq!(r.json().as_array().unwrap().len(), 2);
    // the table names the same things
    let r = t.nicctl(&["list"]);
    assert!(
        r.stdout.contains(BDF) && r.stdout.contains("8.0 GT/s x8"),
        "{}",
        r.stdout
    );
}

#[test]
fn missing_device_exit_3() {
    let t = Tree::new();
    let r = t.nicctl(&["--device", "3b:00.0", "info"]);
    assert_eq!(r.code, i32::from(exit::NO_DEVICE), "{}", r.stderr);
    assert!(
        r.stderr.contains("no PCI device 0000:3b:00.0"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("fix: "), "{}", r.stderr);
    let j = t.nicctl(&["--device", "3b:00.0", "info", "--json"]).json();
    assert_eq!(j["exit_code"], 3);
    assert_eq!(j["errno"], libc::ENOENT);
}

#[test]
fn unbound_device_is_refused_with_the_bind_hint() {
    let t = Tree::new();
    t.add(&PciFn {
        driver: None,
        ..card(BDF)
    });
    for backend in ["auto", "vfio"] {
        let r = t.nicctl(&["--device", BDF, "--backend", backend, "info"]);
        assert_eq!(r.code, i32::from(exit::SETUP), "{backend}: {}", r.stderr);
        assert!(
            r.stderr.contains("bound to no driver, not vfio-pci"),
            "{}",
            r.stderr
        );
        assert!(
            r.stderr.contains(&format!("nicctl bind {BDF}")),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn foreign_group_member_makes_the_group_not_viable() {
    let t = Tree::new();
    t.add(&card(BDF));
    t.add(&PciFn {
        vendor: 0x8086,
        device: 0x1572,
        driver: Some("i40e"),
        ..card("0000:3b:00.1")
    });
    // a bridge bound to pcieport in the same group is fine
    t.add(&PciFn {
        vendor: 0x8086,
        device: 0x2030,
        driver: Some("pcieport"),
        ..card("0000:3a:00.0")
    });
    let sys = Sys::at(t.root());
    match preflight(&sys, &bdf()) {
        Err(HostError::GroupNotViable { group, foreign }) => {
            assert_eq!(group, 7);
            assert_eq!(foreign.len(), 1);
            assert_eq!(foreign[0].bdf, "0000:3b:00.1");
            assert_eq!(foreign[0].driver.as_deref(), Some("i40e"));
        }
        other => panic!("{other:?}"),
    }
    let r = t.nicctl(&["--device", BDF, "info"]);
    assert_eq!(r.code, i32::from(exit::SETUP));
    assert!(r.stderr.contains("0000:3b:00.1 (i40e)"), "{}", r.stderr);
    assert!(
        r.stderr.contains("nicctl bind BDF` for 0000:3b:00.1"),
        "{}",
        r.stderr
    );
}

#[test]
fn missing_iommu_group_says_how_to_enable_the_iommu() {
    let t = Tree::new();
    t.add(&PciFn {
        group: None,
        ..card(BDF)
    });
    t.add(&PciFn {
        group: Some(3),
        ..card("0000:00:02.0")
    }); // the IOMMU is on elsewhere
    let r = t.nicctl(&["--device", BDF, "--backend", "vfio", "info"]);
    assert_eq!(r.code, i32::from(exit::SETUP), "{}", r.stderr);
    assert!(r.stderr.contains("has no IOMMU group"), "{}", r.stderr);
    assert!(r.stderr.contains("iommu_group is missing"), "{}", r.stderr);
    assert!(r.stderr.contains("intel_iommu=on"), "{}", r.stderr);
}

#[test]
fn missing_vfio_node_names_modprobe() {
    let t = Tree::new();
    t.add(&card(BDF));
    std::fs::remove_file(t.p("dev/vfio/7")).unwrap();
    let r = t.nicctl(&["--device", BDF, "info"]);
    assert_eq!(r.code, i32::from(exit::SETUP));
    assert!(
        r.stderr.contains("dev/vfio/7 does not exist"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("modprobe vfio-pci"), "{}", r.stderr);
}

#[test]
fn preflight_passes_on_a_good_tree_and_stops_at_the_ioctls() {
    let t = Tree::new();
    t.add(&card(BDF));
    let p = preflight(&Sys::at(t.root()), &bdf()).unwrap();
    assert_eq!(p.group, 7);
    assert_eq!(p.members.len(), 1);
    assert!(p.dev_dir.ends_with(BDF));
    // past the preflight, the real /dev/vfio/vfio is opened: on this
    // machine (no IOMMU, or no such device) that fails as a VFIO error,
    // never a panic
    let r = t.nicctl(&["--device", BDF, "info", "--json"]);
    assert_eq!(r.code, i32::from(exit::SETUP), "{}", r.stdout);
    let j = r.json();
    assert!(j["error"].as_str().unwrap().contains("VFIO"), "{j}");
}

#[test]
fn wrong_bar_size_exit_5() {
    let t = Tree::new();
    t.add(&PciFn {
        bar0: vec![0; 1024],
        ..card(BDF)
    });
    let need = ferronic_host::device::map_span(&ferronic_host::device::tool_map());
    let r = t.nicctl(&["--device", BDF, "--backend", "sysfs", "info"]);
    assert_eq!(r.code, i32::from(exit::INCOMPATIBLE), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "BAR0 is 1024 bytes, the register map needs {need}"
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("64 KiB"), "{}", r.stderr);
}

#[test]
fn all_ones_reads_mean_device_gone() {
    let t = Tree::new();
    t.add(&PciFn {
        bar0: vec![0xFF; 1 << 16],
        ..card(BDF)
    });
    let r = t.nicctl(&["--device", BDF, "--backend", "sysfs", "info"]);
    assert_eq!(r.code, i32::from(exit::ACCESS), "{}", r.stderr);
    assert!(r.stderr.contains("read all ones"), "{}", r.stderr);
    assert!(r.stderr.contains("reset"), "{}", r.stderr);
}

#[test]
fn file_backed_bar_runs_info_dump_and_register_writes() {
    let t = Tree::new();
    t.add(&card(BDF));
    let run = |args: &[&str]| {
        let mut a = vec!["--device", BDF, "--backend", "sysfs"];
        a.extend_from_slice(args);
        let r = t.nicctl(&a);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        r
    };
    let info = run(&["info", "--json"]).json();
    assert_eq!(info["backend"], "sysfs");
    assert_eq!(info["identity"]["magic"], ferronic_regmap::MAGIC);
    assert_eq!(info["map_hash_matches"], true);
    assert_eq!(info["blocks"].as_array().unwrap().len(), 5);
    // memory decoding was enabled through sysfs
    assert_eq!(t.read(&format!("sys/devices/pci0000:00/{BDF}/enable")), "1");
    // a write lands in BAR0 (the file) at the register's offset
    run(&["reg", "write", "identity.SCRATCH", "0xc0ffee11"]);
    let scratch = ferronic_host::device::tool_map()
        .reg("identity.SCRATCH")
        .unwrap()
        .offset as usize;
    let bar = std::fs::read(t.p(&format!("sys/devices/pci0000:00/{BDF}/resource0"))).unwrap();
    assert_eq!(bar[scratch..scratch + 4], 0xc0ffee11u32.to_le_bytes());
    let v = run(&["reg", "read", &format!("{scratch:#x}"), "--json"]).json();
    assert_eq!(v["value"], 0xc0ffee11u32);
    assert_eq!(v["name"], "identity.SCRATCH");
    let dump = run(&["dump", "--json"]).json();
    assert_eq!(
        dump.as_array().unwrap().len(),
        ferronic_host::device::tool_map().regs().count()
    );
    // the board backend cannot inject frames: those tests are SKIPPED
    let st = run(&["selftest", "--json"]).json();
    let outcome = |n: &str| {
        st["tests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["name"] == n)
            .unwrap()["outcome"]
            .clone()
    };
    assert_eq!(outcome("identity"), "PASSED");
    assert_eq!(outcome("scratch"), "PASSED");
    assert_eq!(outcome("traffic"), "SKIPPED");
    // the function reset goes through sysfs
    run(&["reset"]);
    assert_eq!(t.read(&format!("sys/devices/pci0000:00/{BDF}/reset")), "1");
}

#[test]
fn bind_refuses_a_live_interface_and_writes_driver_override() {
    let t = Tree::new();
    t.add(&PciFn {
        driver: Some("ixgbe"),
        net: Some("enp59s0f0"),
        ..card(BDF)
    });
    let mut sys = Sys::at(t.root());
    sys.addrs = Some(HashMap::from([(
        "enp59s0f0".to_string(),
        vec!["198.18.0.1".to_string()],
    )]));
    match ferronic_host::bind::bind(&sys, &bdf(), false) {
        Err(e @ HostError::InterfaceInUse { .. }) => {
            assert!(e.to_string().contains("enp59s0f0") && e.to_string().contains("198.18.0.1"));
            assert!(e.fix().contains("--force"));
        }
        other => panic!("{other:?}"),
    }
    // nothing was touched
    assert_eq!(
        t.read(&format!("sys/devices/pci0000:00/{BDF}/driver_override")),
        "(null)\n"
    );
    // --force: override, unbind from ixgbe, probe; the fake kernel does not
    // rebind, so the result is checked and reported
    let e = ferronic_host::bind::bind(&sys, &bdf(), true).unwrap_err();
    assert!(matches!(e, HostError::NotVfio { .. }), "{e:?}");
    assert_eq!(
        t.read(&format!("sys/devices/pci0000:00/{BDF}/driver_override")),
        "vfio-pci"
    );
    assert_eq!(t.read("sys/bus/pci/drivers/ixgbe/unbind"), BDF);
    assert_eq!(t.read("sys/bus/pci/drivers_probe"), BDF);
    // without the module, bind says so before writing anything
    std::fs::remove_dir(t.p("sys/module/vfio_pci")).unwrap();
    let r = t.nicctl(&["bind", BDF, "--force"]);
    assert_eq!(r.code, i32::from(exit::SETUP));
    assert!(r.stderr.contains("modprobe vfio-pci"), "{}", r.stderr);
    // already bound: nothing to do
    let t = Tree::new();
    t.add(&card(BDF));
    let r = t.nicctl(&["bind", BDF, "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["driver"], "vfio-pci");
}

#[test]
fn doctor_reports_each_problem_with_its_fix() {
    let t = Tree::new();
    t.add(&card(BDF));
    let r = t.nicctl(&["doctor", "--json"]);
    let j = r.json();
    let status = |n: &str| {
        j["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == n)
            .unwrap_or_else(|| panic!("{n}: {j}"))["status"]
            .clone()
    };
    assert_eq!(status("vfio modules"), "OK");
    assert_eq!(status("IOMMU"), "OK");
    assert_eq!(status("huge pages"), "OK");
    assert_eq!(status(&format!("card {BDF}")), "OK");
    assert_eq!(r.code, 0, "{j}");

    let t = Tree::new();
    std::fs::remove_dir(t.p("sys/module/vfio_pci")).unwrap();
    t.write(
        "proc/meminfo",
        b"HugePages_Total:       0\nHugepagesize:       2048 kB\n",
    );
    t.add(&PciFn {
        vendor: 0x8086,
        device: 0x1572,
        driver: Some("i40e"),
        ..card("0000:3b:00.1")
    });
    t.add(&card(BDF));
    let r = t.nicctl(&["doctor"]);
    assert_eq!(r.code, i32::from(exit::CHECK_FAILED), "{}", r.stdout);
    assert!(r.stdout.contains("not loaded: vfio_pci"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("fix (vfio modules): sudo modprobe vfio-pci"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("fix (huge pages)"), "{}", r.stdout);
    assert!(
        r.stdout.contains("IOMMU group 7 is not viable"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("doctor: FAILED"), "{}", r.stdout);
}
