//! The emitted `nic_core` ports equal the README's port table, name for
//! name and width for width, so cocotbext-axi's `from_prefix` (`s_axis`,
//! `m_axis`, `s_axis_tx`, `m_axis_tx`, `s_axil`) keeps finding them.

use std::collections::BTreeMap;

/// `name -> (direction, width)` of the top module's ports in `v`.
fn emitted_ports(v: &str) -> BTreeMap<String, (String, usize)> {
    let mut ports = BTreeMap::new();
    let body = v
        .split("module nic_core(")
        .nth(1)
        .expect("module nic_core in the Verilog");
    for line in body.lines().skip(1) {
        let t = line.trim();
        let Some(dir) = ["input", "output"].into_iter().find(|d| t.starts_with(d)) else {
            if t.starts_with("// Stub") {
                break;
            }
            continue;
        };
        let decl = t.trim_end_matches(';');
        let name = decl.split_whitespace().last().unwrap().to_string();
        let width = match (decl.find('['), decl.find(':')) {
            (Some(a), Some(b)) => decl[a + 1..b].parse::<usize>().unwrap() + 1,
            _ => 1,
        };
        ports.insert(name, (dir.to_string(), width));
    }
    ports
}

/// The README's port table, expanded: `p_a/b/c` with widths `x/y/z`, and
/// `s_axil_aw*/w*/b*/ar*/r*` as the AXI4-Lite signal set.
fn readme_ports(readme: &str) -> BTreeMap<String, usize> {
    let table = readme
        .split("| `clk`, `rst` |")
        .nth(1)
        .expect("the port table starting with clk, rst in README.md");
    let mut ports = BTreeMap::from([("clk".to_string(), 1), ("rst".to_string(), 1)]);
    for row in table.lines().skip(1) {
        if !row.starts_with("| `") {
            break;
        }
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let names: Vec<&str> = cells[1].split(", ").map(|n| n.trim_matches('`')).collect();
        if names[0].starts_with("s_axil_") {
            let (a, d) = (16, 32);
            for (n, w) in [
                ("awaddr", a),
                ("awprot", 3),
                ("awvalid", 1),
                ("awready", 1),
                ("wdata", d),
                ("wstrb", d / 8),
                ("wvalid", 1),
                ("wready", 1),
                ("bresp", 2),
                ("bvalid", 1),
                ("bready", 1),
                ("araddr", a),
                ("arprot", 3),
                ("arvalid", 1),
                ("arready", 1),
                ("rdata", d),
                ("rresp", 2),
                ("rvalid", 1),
                ("rready", 1),
            ] {
                ports.insert(format!("s_axil_{n}"), w);
            }
            assert!(cells[2].contains("16-bit address, 32-bit data"));
            continue;
        }
        let widths: Vec<usize> = cells[2]
            .split([',', '/'])
            .map(|w| w.trim().parse().expect("a width"))
            .collect();
        let mut expanded = vec![];
        for n in names {
            let mut parts = n.split('/');
            let first = parts.next().unwrap();
            expanded.push(first.to_string());
            let prefix = &first[..first.rfind('_').unwrap() + 1];
            expanded.extend(parts.map(|p| format!("{prefix}{p}")));
        }
        assert_eq!(expanded.len(), widths.len(), "row {row}");
        ports.extend(expanded.into_iter().zip(widths));
    }
    ports
}

#[test]
fn nic_core_ports_equal_the_readme_table() {
    let map = ferronic_hdl::verilog::regmap(0, 0);
    let v = ferronic_hdl::verilog::emit(&map).unwrap();
    let emitted = emitted_ports(&v);
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    let table = readme_ports(&readme);
    let widths: BTreeMap<String, usize> =
        emitted.iter().map(|(n, (_, w))| (n.clone(), *w)).collect();
    assert_eq!(
        widths, table,
        "emitted ports (left) vs README table (right)"
    );
    assert_eq!(emitted.len(), 48);
    // AXI-Stream directions: a slave takes tdata and drives tready
    for (prefix, slave) in [
        ("s_axis", true),
        ("m_axis", false),
        ("s_axis_tx", true),
        ("m_axis_tx", false),
    ] {
        let (data, ready) = if slave {
            ("input", "output")
        } else {
            ("output", "input")
        };
        for f in ["tdata", "tkeep", "tvalid", "tlast"] {
            assert_eq!(emitted[&format!("{prefix}_{f}")].0, data, "{prefix}_{f}");
        }
        assert_eq!(
            emitted[&format!("{prefix}_tready")].0,
            ready,
            "{prefix}_tready"
        );
    }
}
