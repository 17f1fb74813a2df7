//! `nicctl` on BAR images of bitstreams other than this tool's default:
//! identity mismatches, a minimal bitstream, a board top whose core is
//! stopped.

use super::*;

#[test]
fn identity_mismatches() {
    let map = ferronic_host::device::tool_map();
    let off = |p: &str| map.reg(p).unwrap().offset as usize;
    // (what, register patched, value, message); all exit 5
    let cases = [
        (
            "magic",
            "identity.MAGIC",
            0x1234_5678,
            "not a ferronic device",
        ),
        (
            "major",
            "identity.MAP_VERSION",
            0x0101_0000,
            "this tool knows major 0",
        ),
        ("loop", "counters.NEXT", 0x40, "loop"),
        ("outside", "counters.NEXT", 0x1_0000, "outside BAR0"),
        ("length", "rss.LENGTH", 2, "block length"),
    ];
    for (name, reg, value, text) in cases {
        let t = Tree::new();
        let mut img = image(&map, 1 << 16);
        poke(&mut img, off(reg), value);
        t.add(&PciFn {
            bar0: img,
            ..card(BDF)
        });
        let r = t.nicctl(&["--device", BDF, "--backend", "sysfs", "info"]);
        assert_eq!(
            r.code,
            i32::from(exit::INCOMPATIBLE),
            "{name}: {}",
            r.stderr
        );
        assert!(r.stderr.contains(text), "{name}: {}", r.stderr);
    }
    // a newer minor version and another hash only warn, naming both
    let t = Tree::new();
    let mut img = image(&map, 1 << 16);
    poke(&mut img, off("identity.MAP_VERSION"), 0x0003_0000);
    poke(&mut img, off("identity.MAP_HASH"), 0xdead_beef);
    t.add(&PciFn {
        bar0: img,
        ..card(BDF)
    });
    let r = t.nicctl(&["--device", BDF, "--backend", "sysfs", "info"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("0.3.0.0 is newer than this tool's 0.2.0.0"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains(&format!("device 0xdeadbeef, this tool {:#010x}", map.hash)),
        "{}",
        r.stderr
    );
    let j = t
        .nicctl(&["--device", BDF, "--backend", "sysfs", "info", "--json"])
        .json();
    assert_eq!(j["warnings"].as_array().unwrap().len(), 2);
    assert_eq!(j["map_hash_matches"], false);
}

/// A card whose BAR0 holds a bitstream without RSS and the handshake
/// engine, of `queues` receive and transmit queues.
fn minimal_card(queues: usize) -> Tree {
    let map = ferronic_regmap::RegMap::new(ferronic_regmap::MapParams {
        rss: false,
        handshake: false,
        rx_queues: queues,
        tx_queues: queues,
        ..Default::default()
    });
    let t = Tree::new();
    t.add(&PciFn {
        bar0: image(&map, 1 << 16),
        ..card(BDF)
    });
    t
}

/// `nicctl --device BDF --backend sysfs ARGS` on `t`.
fn on_card(t: &Tree, args: &[&str]) -> common::Run {
    let mut a = vec!["--device", BDF, "--backend", "sysfs"];
    a.extend_from_slice(args);
    t.nicctl(&a)
}

/// A bitstream generated without RSS and the handshake engine (`nicgen
/// --set rss=false --set handshake=false`): the tool builds its map from
/// `identity.CAPABILITIES`, so the hash matches and nothing is missing;
/// commands for the absent blocks say how to get them.
#[test]
fn minimal_bitstream_is_described_and_its_absent_blocks_named() {
    let t = minimal_card(8);
    let run = |args: &[&str]| on_card(&t, args);
    let r = run(&["info", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let info = r.json();
    assert_eq!(info["map_hash_matches"], true);
    assert!(info["warnings"].as_array().unwrap().is_empty(), "{info}");
    assert_eq!(info["params"]["rss"], false);
    assert_eq!(info["params"]["handshake"], false);
    assert_eq!(info["params"]["rx_queues"], 8);
    // CAPABILITIES: tag, FCS, counters; 8 + 8 queues
    assert_eq!(info["identity"]["capabilities"], 0x0007_0707);
    let names: Vec<&str> = info["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["identity", "datapath", "counters"]);
    let text = run(&["info"]).stdout;
    assert!(
        text.contains(
            "tag migration, FCS check/replace, counters; 8 receive queues, 8 transmit queues"
        ) && !text.contains("RSS"),
        "{text}"
    );
    for (args, block) in [
        (&["rss"][..], "rss"),
        (&["listen", "list"][..], "handshake"),
    ] {
        let r = run(args);
        assert_eq!(
            r.code,
            i32::from(exit::INCOMPATIBLE),
            "{args:?}: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains(&format!("no `{block}` register block"))
                && r.stderr.contains(&format!("nicgen --set {block}=true")),
            "{args:?}: {}",
            r.stderr
        );
    }
    // the counters are the device's: no handshake ones
    let c = run(&["counters", "--all", "--json"]);
    assert_eq!(c.code, 0, "{}", c.stderr);
    assert!(!c.stdout.contains("HS_SYNS") && c.stdout.contains("FRAMES_IN"));
}

/// A board top whose core does not answer (its identity block reads all
/// ones): the shell's `board` block says why, and nicctl says so.
#[test]
fn board_top_with_a_stopped_core_is_diagnosed() {
    let map = ferronic_regmap::RegMap::new(ferronic_regmap::MapParams {
        dma: true,
        board: true,
        ..Default::default()
    });
    let off = |p: &str| map.reg(p).unwrap().offset as usize;
    for (status, text) in [
        (0b00, "the core's clock is not running"),
        (0b11, "the core is held in reset"),
    ] {
        let mut img = image(&map, 1 << 16);
        // the core answers nothing: all ones below the board block
        img[..off("board.TYPE")].fill(0xFF);
        poke(&mut img, off("board.BAR_TIMEOUTS"), 7);
        poke(&mut img, off("board.CORE_STATUS"), status);
        let t = Tree::new();
        t.add(&PciFn {
            bar0: img,
            ..card(BDF)
        });
        let r = t.nicctl(&["--device", BDF, "--backend", "sysfs", "info"]);
        assert_eq!(r.code, i32::from(exit::ACCESS), "{}", r.stderr);
        assert!(
            r.stderr
                .contains("the board shell answers but its core does not")
                && r.stderr.contains(text)
                && r.stderr.contains("7 BAR reads timed out"),
            "{}",
            r.stderr
        );
    }
}

/// The minimal one-queue `nic` bitstream (`nicgen --set rss=false --set
/// handshake=false --set rx_queues=1 --set tx_queues=1`): `nicctl info`
/// says one queue each way and the map the tool builds from
/// `identity.CAPABILITIES` matches the device's hash.
#[test]
fn one_queue_bitstream_is_described() {
    let t = minimal_card(1);
    let run = |args: &[&str]| on_card(&t, args);
    let r = run(&["info", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let info = r.json();
    assert_eq!(info["map_hash_matches"], true, "{info}");
    assert_eq!(info["params"]["rx_queues"], 1);
    assert_eq!(info["params"]["tx_queues"], 1);
    // CAPABILITIES: tag, FCS, counters; 1 - 1 queues each way
    assert_eq!(info["identity"]["capabilities"], 0x0000_0007);
    let text = run(&["info"]).stdout;
    assert!(
        text.contains(
            "tag migration, FCS check/replace, counters; 1 receive queue, 1 transmit queue"
        ),
        "{text}"
    );
}
