//! The board tops of issue 15 without Vivado. For each board, yosys reads
//! the generated `rtl/fpga.v` and `rtl/ferronic_glue.v` with the vendor IP
//! as black boxes of the port lists written from PG195 and PG210
//! (`board::ip_ports`) and the nic core as a black box of its own ports:
//! `hierarchy -check` fails on any port the top connects that a box lacks,
//! and `synth_xilinx` for the board's family must complete. Every input of
//! each IP box must be connected in the top, and the glue (crossings,
//! frame FIFOs, BAR bridge) must be at most 8 cells deep on xcup (the
//! timing issue's target, `timing::depth`'s method). Boards whose tops
//! are the same text (U200 and U250 differ only in GT sites, which live in
//! the IP scripts and the XDC) are synthesized once.

use ferronic_hdl::board::ip_ports::{self, Dir, IpPort};
use ferronic_hdl::board::{project, Board};
use ferronic_hdl::timing::depth::{depth, registers};
use ferronic_hdl::timing::wrapper::ports;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `.port(net)` connections of instance `inst` of `module` in `v`.
fn connections(v: &str, module: &str, inst: &str) -> BTreeMap<String, String> {
    let head = format!("{module} {inst} (");
    let body = code(v.split(&head).nth(1).unwrap_or_else(|| panic!("no {head}")));
    let body = &body[..body.find(");").unwrap()];
    let mut m = BTreeMap::new();
    for part in body.split('.').skip(1) {
        let (name, rest) = part.split_once('(').unwrap();
        // the net runs to the matching parenthesis
        let mut depth = 1;
        let mut end = 0;
        for (i, c) in rest.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                end = i;
                break;
            }
        }
        m.insert(name.trim().to_string(), rest[..end].trim().to_string());
    }
    m
}

/// The top's text without comment lines (U200 and U250 differ in those).
fn code(v: &str) -> String {
    v.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_board_top_synthesizes_with_the_ip_as_black_boxes() {
    let map = ferronic_hdl::verilog::nic_regmap(0, 0);
    let nic = ferronic_hdl::verilog::emit_nic(&map).unwrap();
    let mut nic_box = String::from("(* blackbox *)\nmodule nic (\n");
    let nic_ports = ports(&nic, "nic").unwrap();
    for (i, p) in nic_ports.iter().enumerate() {
        let range = if p.width > 1 {
            format!("[{}:0] ", p.width - 1)
        } else {
            String::new()
        };
        let sep = if i + 1 < nic_ports.len() { "," } else { "" };
        let dir = if p.input { "input" } else { "output" };
        nic_box += &format!("    {dir} wire {range}{}{sep}\n", p.name);
    }
    nic_box += ");\nendmodule\n";

    let mut done: Vec<String> = Vec::new();
    for name in Board::names(&repo().join("boards")) {
        let b = Board::find(&repo().join("boards"), &name).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("proj");
        project::write(&b, "", &repo().join("constraints"), &out).unwrap();
        let top = std::fs::read_to_string(out.join("rtl/fpga.v")).unwrap();

        // every input of each IP is driven; nothing connected is unknown
        for (module, inst, list) in [
            ("xdma_0", "pcie", ip_ports::xdma(&b)),
            ("eth_mac_0", "mac", ip_ports::mac(&b)),
        ] {
            let conns = connections(&top, module, inst);
            for (port, d, _) in &list {
                if *d == Dir::In {
                    let net = conns.get(port).map(String::as_str).unwrap_or("");
                    assert!(!net.is_empty(), "{name}: input {module}.{port} not driven");
                }
            }
            for port in conns.keys() {
                assert!(
                    list.iter().any(|(p, _, _)| p == port),
                    "{name}: {module} has no port {port} (PG195/PG210 lists)"
                );
            }
        }
        assert_eq!(
            ip_ports::mac(&b)
                .iter()
                .any(|(p, _, _)| p == "gt_rxpolarity_0"),
            b.ethernet.rx_polarity_inverted || b.ethernet.tx_polarity_inverted,
            "{name}: polarity ports only where a pair is inverted"
        );
        let key = format!("{}\n{}", b.family, code(&top));
        if done.contains(&key) {
            continue;
        }
        done.push(key);

        let rtl = out.join("rtl");
        let boxes = |m: &str, l: &[IpPort]| ip_ports::stub(m, l);
        std::fs::write(
            rtl.join("boxes.v"),
            boxes("xdma_0", &ip_ports::xdma(&b))
                + &boxes("eth_mac_0", &ip_ports::mac(&b))
                + &nic_box,
        )
        .unwrap();
        let script = format!(
            "read_verilog -lib boxes.v\n\
             read_verilog -lib +/xilinx/cells_xtra.v\n\
             read_verilog fpga.v ferronic_glue.v\n\
             hierarchy -check -top fpga\n\
             synth_xilinx -family {} -top fpga -flatten\n\
             check -assert\n\
             stat\n\
             write_json net.json\n",
            b.family
        );
        std::fs::write(rtl.join("check.ys"), script).unwrap();
        let r = Command::new("yosys")
            .args(["-q", "-l", "yosys.log", "check.ys"])
            .current_dir(&rtl)
            .output()
            .expect("yosys (apt-get install yosys)");
        let log = std::fs::read_to_string(rtl.join("yosys.log")).unwrap_or_default();
        assert!(
            r.status.success(),
            "{name}: yosys failed:\n{}\n{}",
            String::from_utf8_lossy(&r.stderr),
            log.lines().rev().take(30).collect::<Vec<_>>().join("\n")
        );
        let net = std::fs::read_to_string(rtl.join("net.json")).unwrap();
        let d = depth(&net, "fpga").unwrap();
        let st = ferronic_hdl::synth::parse_stat(&log);
        println!(
            "{name} ({}, {}-bit XDMA): glue {} LUT, {} FF; depth {} levels: {:?}",
            b.family, b.pcie.axi_data_width, st.luts, st.ffs, d.levels, d.path
        );
        let regs = registers(&net, "fpga").unwrap();
        assert!(
            d.levels <= 8,
            "{name}: the glue is {} levels deep: {:?}; deepest registers {:?}",
            d.levels,
            d.path,
            &regs[..regs.len().min(12)]
        );
    }
    assert!(done.len() >= 2, "at least two distinct tops synthesized");
}

/// The BAR bridge answers the register map's `board` block itself: its
/// parameters (base, type, version) and word order are the map's.
#[test]
fn the_bridge_answers_the_maps_board_block() {
    let map = ferronic_hdl::verilog::board_regmap(0, 0);
    let b = map.blocks.last().expect("blocks");
    assert_eq!(b.name, "board");
    assert_eq!((b.base, b.length), (ferronic_regmap::BOARD_BASE, 64));
    let glue = ferronic_hdl::board::top::glue();
    for want in [
        format!("BOARD_BASE = 16'h{:04x}", b.base),
        format!(
            "BOARD_TYPE = 32'h{:08x}",
            (u32::from(ferronic_regmap::VENDOR) << 16) | u32::from(b.id)
        ),
        format!("BOARD_VERSION = 32'h{:08x}", b.version),
    ] {
        assert!(glue.contains(&want), "bar_bridge.v lacks {want}");
    }
    // words 4.. in the bridge's case order: b_words low, high, timeouts, status
    let names: Vec<&str> = b.regs[4..].iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        ["RX_OVERFLOWS", "RX_ERRORS", "BAR_TIMEOUTS", "CORE_STATUS"]
    );
    assert!(glue.contains("4'd4: local_data = b_words[31:0];"));
    assert!(glue.contains("4'd6: local_data = timeouts;"));
    assert!(glue.contains(".d({rst, rx_errors, rx_overflows})"));
    // the chain reaches it: the last DMA block points there
    let cq = &map.blocks[map.blocks.len() - 2];
    assert_eq!(
        cq.regs[2].source,
        ferronic_regmap::Source::Const(ferronic_regmap::BOARD_BASE)
    );
}
