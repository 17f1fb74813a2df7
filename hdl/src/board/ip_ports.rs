//! The port lists of the two vendor IPs as a board top instantiates them,
//! written from the product guides: XDMA in AXI Bridge mode (AMD PG195,
//! "Port Descriptions": clocks and resets, PCIe serial lanes, `usr_irq_*`,
//! the AXI bridge master `m_axib_*` and slave `s_axib_*`) and the 10G/25G
//! Ethernet Subsystem with one core, user FIFO, no AXI4-Lite (AMD PG210,
//! "Port Descriptions": transceiver, clocks and resets, AXI4-Stream,
//! `ctl_*` control inputs, the `stat_*` outputs the top reads, and with
//! `ADD_GT_CNRL_STS_PORTS` the transceiver control inputs `gt_*_0`).
//!
//! [`stub`] writes a list as a Verilog black box; `hdl/tests/board_top.rs`
//! has yosys check the generated top against these boxes (every port it
//! connects exists, every input is driven).

use super::file::Board;
use std::fmt::Write as _;

/// Direction of an IP port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    /// Driven by the top.
    In,
    /// Driven by the IP.
    Out,
}

/// One port: name, direction, width in bits.
pub type IpPort = (String, Dir, usize);

fn p(v: &mut Vec<IpPort>, name: &str, d: Dir, w: usize) {
    v.push((name.to_string(), d, w));
}

/// The ports of `xdma_0` for `b` (PG195, AXI Bridge mode, MSI-X in the
/// IP): `lanes` serial pairs, AXI data of `axi_data_width` bits, 64-bit
/// AXI addresses, 4-bit IDs, `msix_vectors` user interrupts.
pub fn xdma(b: &Board) -> Vec<IpPort> {
    use Dir::{In, Out};
    let (n, dw, irq) = (
        b.pcie.lanes,
        b.pcie.axi_data_width,
        b.pcie.msix_vectors as usize,
    );
    let mut v = Vec::new();
    for (name, d, w) in [
        ("sys_clk", In, 1),
        ("sys_clk_gt", In, 1),
        ("sys_rst_n", In, 1),
        ("pci_exp_txp", Out, n),
        ("pci_exp_txn", Out, n),
        ("pci_exp_rxp", In, n),
        ("pci_exp_rxn", In, n),
        ("user_lnk_up", Out, 1),
        ("axi_aclk", Out, 1),
        ("axi_aresetn", Out, 1),
        ("usr_irq_req", In, irq),
        ("usr_irq_ack", Out, irq),
        ("msix_enable", Out, 1),
    ] {
        p(&mut v, name, d, w);
    }
    // the bridge master (BAR0 accesses) and slave (the card's DMA)
    for (m, dir) in [("m_axib", Out), ("s_axib", In)] {
        let back = if dir == Out { In } else { Out };
        for (name, d, w) in [
            ("awid", dir, 4),
            ("awaddr", dir, 64),
            ("awlen", dir, 8),
            ("awsize", dir, 3),
            ("awburst", dir, 2),
            ("awvalid", dir, 1),
            ("awready", back, 1),
            ("wdata", dir, dw),
            ("wstrb", dir, dw / 8),
            ("wlast", dir, 1),
            ("wvalid", dir, 1),
            ("wready", back, 1),
            ("bid", back, 4),
            ("bresp", back, 2),
            ("bvalid", back, 1),
            ("bready", dir, 1),
            ("arid", dir, 4),
            ("araddr", dir, 64),
            ("arlen", dir, 8),
            ("arsize", dir, 3),
            ("arburst", dir, 2),
            ("arvalid", dir, 1),
            ("arready", back, 1),
            ("rid", back, 4),
            ("rdata", back, dw),
            ("rresp", back, 2),
            ("rlast", back, 1),
            ("rvalid", back, 1),
            ("rready", dir, 1),
        ] {
            p(&mut v, &format!("{m}_{name}"), d, w);
        }
    }
    for name in ["awprot", "arprot"] {
        p(&mut v, &format!("m_axib_{name}"), Out, 3);
    }
    for name in ["awlock", "arlock"] {
        p(&mut v, &format!("m_axib_{name}"), Out, 1);
    }
    for name in ["awcache", "arcache"] {
        p(&mut v, &format!("m_axib_{name}"), Out, 4);
    }
    for name in ["awregion", "arregion"] {
        p(&mut v, &format!("s_axib_{name}"), In, 4);
    }
    v
}

/// Whether the Ethernet IP of `b` is built with its transceiver control
/// ports (`ADD_GT_CNRL_STS_PORTS`): only for a board that inverts a pair,
/// which the top does through `gt_rxpolarity_0`/`gt_txpolarity_0`.
pub fn mac_gt_ports(b: &Board) -> bool {
    b.ethernet.rx_polarity_inverted || b.ethernet.tx_polarity_inverted
}

/// The ports of `eth_mac_0` for `b` (PG210, one core, user FIFO on, no
/// AXI4-Lite, shared logic in the core).
pub fn mac(b: &Board) -> Vec<IpPort> {
    use Dir::{In, Out};
    let mut v = Vec::new();
    for (name, d, w) in [
        ("gt_rxp_in_0", In, 1),
        ("gt_rxn_in_0", In, 1),
        ("gt_txp_out_0", Out, 1),
        ("gt_txn_out_0", Out, 1),
        ("gt_refclk_p", In, 1),
        ("gt_refclk_n", In, 1),
        ("gt_refclk_out", Out, 1),
        ("sys_reset", In, 1),
        ("dclk", In, 1),
        ("tx_clk_out_0", Out, 1),
        ("rx_clk_out_0", Out, 1),
        ("rx_core_clk_0", In, 1),
        ("rxrecclkout_0", Out, 1),
        ("gtpowergood_out_0", Out, 1),
        ("gt_loopback_in_0", In, 3),
        ("txoutclksel_in_0", In, 3),
        ("rxoutclksel_in_0", In, 3),
        ("gtwiz_reset_tx_datapath_0", In, 1),
        ("gtwiz_reset_rx_datapath_0", In, 1),
        ("qpllreset_in_0", In, 1),
        ("rx_reset_0", In, 1),
        ("user_rx_reset_0", Out, 1),
        ("tx_reset_0", In, 1),
        ("user_tx_reset_0", Out, 1),
        ("rx_axis_tvalid_0", Out, 1),
        ("rx_axis_tdata_0", Out, 64),
        ("rx_axis_tlast_0", Out, 1),
        ("rx_axis_tkeep_0", Out, 8),
        ("rx_axis_tuser_0", Out, 1),
        ("rx_preambleout_0", Out, 56),
        ("tx_axis_tready_0", Out, 1),
        ("tx_axis_tvalid_0", In, 1),
        ("tx_axis_tdata_0", In, 64),
        ("tx_axis_tlast_0", In, 1),
        ("tx_axis_tkeep_0", In, 8),
        ("tx_axis_tuser_0", In, 1),
        ("tx_unfout_0", Out, 1),
        ("tx_preamblein_0", In, 56),
        ("ctl_rx_enable_0", In, 1),
        ("ctl_rx_check_preamble_0", In, 1),
        ("ctl_rx_check_sfd_0", In, 1),
        ("ctl_rx_force_resync_0", In, 1),
        ("ctl_rx_delete_fcs_0", In, 1),
        ("ctl_rx_ignore_fcs_0", In, 1),
        ("ctl_rx_max_packet_len_0", In, 15),
        ("ctl_rx_min_packet_len_0", In, 8),
        ("ctl_rx_process_lfi_0", In, 1),
        ("ctl_rx_test_pattern_0", In, 1),
        ("ctl_rx_data_pattern_select_0", In, 1),
        ("ctl_rx_test_pattern_enable_0", In, 1),
        ("ctl_rx_custom_preamble_enable_0", In, 1),
        ("ctl_rx_wdt_disable_0", In, 1),
        ("ctl_tx_enable_0", In, 1),
        ("ctl_tx_send_rfi_0", In, 1),
        ("ctl_tx_send_lfi_0", In, 1),
        ("ctl_tx_send_idle_0", In, 1),
        ("ctl_tx_fcs_ins_enable_0", In, 1),
        ("ctl_tx_ignore_fcs_0", In, 1),
        ("ctl_tx_ipg_value_0", In, 4),
        ("ctl_tx_custom_preamble_enable_0", In, 1),
        ("ctl_tx_test_pattern_0", In, 1),
        ("ctl_tx_test_pattern_enable_0", In, 1),
        ("ctl_tx_test_pattern_select_0", In, 1),
        ("ctl_tx_data_pattern_select_0", In, 1),
        ("ctl_tx_test_pattern_seed_a_0", In, 58),
        ("ctl_tx_test_pattern_seed_b_0", In, 58),
        ("stat_rx_status_0", Out, 1),
        ("stat_rx_block_lock_0", Out, 1),
        ("stat_rx_bad_fcs_0", Out, 2),
        ("stat_tx_frame_error_0", Out, 1),
    ] {
        p(&mut v, name, d, w);
    }
    if mac_gt_ports(b) {
        for (name, d, w) in GT_CTL {
            p(&mut v, name, *d, *w);
        }
    }
    v
}

/// The transceiver control ports `ADD_GT_CNRL_STS_PORTS` adds (inputs the
/// top must drive, and the outputs it leaves open).
const GT_CTL: &[(&str, Dir, usize)] = &[
    ("gt_drpclk_0", Dir::In, 1),
    ("gt_drprst_0", Dir::In, 1),
    ("gt_drpen_0", Dir::In, 1),
    ("gt_drpwe_0", Dir::In, 1),
    ("gt_drpaddr_0", Dir::In, 10),
    ("gt_drpdi_0", Dir::In, 16),
    ("gt_drpdo_0", Dir::Out, 16),
    ("gt_drprdy_0", Dir::Out, 1),
    ("gt_eyescanreset_0", Dir::In, 1),
    ("gt_eyescantrigger_0", Dir::In, 1),
    ("gt_pcsrsvdin_0", Dir::In, 16),
    ("gt_rxbufreset_0", Dir::In, 1),
    ("gt_rxcdrhold_0", Dir::In, 1),
    ("gt_rxcommadeten_0", Dir::In, 1),
    ("gt_rxdfeagchold_0", Dir::In, 1),
    ("gt_rxdfelpmreset_0", Dir::In, 1),
    ("gt_rxlatclk_0", Dir::In, 1),
    ("gt_rxlpmen_0", Dir::In, 1),
    ("gt_rxpcsreset_0", Dir::In, 1),
    ("gt_rxpmareset_0", Dir::In, 1),
    ("gt_rxpolarity_0", Dir::In, 1),
    ("gt_rxprbscntreset_0", Dir::In, 1),
    ("gt_rxprbssel_0", Dir::In, 4),
    ("gt_rxrate_0", Dir::In, 3),
    ("gt_rxslide_in_0", Dir::In, 1),
    ("gt_txinhibit_0", Dir::In, 1),
    ("gt_txlatclk_0", Dir::In, 1),
    ("gt_txmaincursor_0", Dir::In, 7),
    ("gt_txpcsreset_0", Dir::In, 1),
    ("gt_txpmareset_0", Dir::In, 1),
    ("gt_txpolarity_0", Dir::In, 1),
    ("gt_txpostcursor_0", Dir::In, 5),
    ("gt_txprbsforceerr_0", Dir::In, 1),
    ("gt_txelecidle_0", Dir::In, 1),
    ("gt_txprbssel_0", Dir::In, 4),
    ("gt_txprecursor_0", Dir::In, 5),
    ("gt_txdiffctrl_0", Dir::In, 5),
];

/// `ports` as a Verilog black box called `module`.
pub fn stub(module: &str, ports: &[IpPort]) -> String {
    let mut s = format!("(* blackbox *)\nmodule {module} (\n");
    for (i, (name, d, w)) in ports.iter().enumerate() {
        let dir = if *d == Dir::In { "input " } else { "output" };
        let range = if *w > 1 {
            format!("[{}:0] ", w - 1)
        } else {
            String::new()
        };
        let sep = if i + 1 < ports.len() { "," } else { "" };
        writeln!(s, "    {dir} wire {range}{name}{sep}").unwrap();
    }
    s.push_str(");\nendmodule\n");
    s
}
