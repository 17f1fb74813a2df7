//! The vendor IP of a board project as `create_ip` Tcl: the XDMA in AXI
//! Bridge mode (AMD PG195) and one `xxv_ethernet` core at 10GBASE-R (AMD
//! PG210). Each script creates one IP and sets its `CONFIG.*` from the
//! board file; Vivado generates the IP's files itself (nothing of a
//! vendor's generated output is in the repository).
//!
//! The keys are those of the two IPs' customisation (PG195 "Customizing
//! and Generating the Subsystem", PG210 "Customizing and Generating the
//! Core"), as public `create_ip` scripts for these IPs spell them;
//! `hdl/tests/board_files.rs` runs the scripts under `tclsh` with stub
//! commands and checks each key against its list.

use super::file::Board;
use std::fmt::Write as _;

/// Module name of the PCIe IP in the top.
pub const PCIE_MODULE: &str = "xdma_0";
/// Module name of the Ethernet IP in the top.
pub const MAC_MODULE: &str = "eth_mac_0";

/// `CONFIG.*` of the XDMA: AXI Bridge mode, endpoint, the link of the
/// board, BAR0 (32-bit, non-prefetchable) onto `m_axib` from AXI address
/// 0, one AXI BAR on `s_axib` mapping AXI addresses 0..2^48 one to one onto
/// PCIe addresses (the NIC's `m_axi` addresses are IOVAs; an x86 IOMMU
/// gives 48 bits), MSI-X in the IP (its table in
/// a 64 KiB BAR2) with `usr_irq_req` of `msix_vectors` bits, class
/// 02 00 00 (Ethernet controller).
pub fn xdma_config(b: &Board) -> Vec<(&'static str, String)> {
    let p = &b.pcie;
    let (bar_size, bar_scale) = if p.bar0_bytes >= 1 << 20 {
        (p.bar0_bytes >> 20, "Megabytes")
    } else {
        (p.bar0_bytes >> 10, "Kilobytes")
    };
    vec![
        ("functional_mode", "AXI_Bridge".into()),
        ("mode_selection", "Advanced".into()),
        ("device_port_type", "PCI_Express_Endpoint_device".into()),
        ("pl_link_cap_max_link_width", format!("X{}", p.lanes)),
        ("pl_link_cap_max_link_speed", p.speed.clone()),
        ("ref_clk_freq", format!("{}_MHz", p.refclk_mhz)),
        ("axi_addr_width", "64".into()),
        ("axi_data_width", format!("{}_bit", p.axi_data_width)),
        ("axisten_freq", p.axi_clock_mhz.to_string()),
        ("en_gt_selection", "true".into()),
        ("select_quad", p.quad.clone()),
        ("pf0_device_id", format!("{:04X}", p.device_id)),
        ("pf0_base_class_menu", "Network_controller".into()),
        ("pf0_class_code_base", "02".into()),
        ("pf0_class_code_sub", "00".into()),
        ("pf0_class_code_interface", "00".into()),
        ("pf0_bar0_64bit", "false".into()),
        ("pf0_bar0_prefetchable", "false".into()),
        ("pf0_bar0_size", bar_size.to_string()),
        ("pf0_bar0_scale", bar_scale.into()),
        ("pciebar2axibar_0", "0x0000000000000000".into()),
        ("pf0_bar2_enabled", "true".into()),
        ("pf0_bar2_64bit", "true".into()),
        ("pf0_bar2_size", "64".into()),
        ("pf0_bar2_scale", "Kilobytes".into()),
        ("bar_indicator", "BAR_3:2".into()),
        ("en_axi_slave_if", "true".into()),
        ("axibar_num", "1".into()),
        ("axibar_0", "0x0000000000000000".into()),
        ("axibar_highaddr_0", "0x0000FFFFFFFFFFFF".into()),
        ("axibar2pciebar_0", "0x0000000000000000".into()),
        ("pf0_interrupt_pin", "NONE".into()),
        ("pf0_msi_enabled", "false".into()),
        ("pf0_msix_enabled", "true".into()),
        ("pf0_msix_impl_locn", "Internal".into()),
        (
            "pf0_msix_cap_table_size",
            format!("{:03X}", p.msix_vectors - 1),
        ),
        ("xdma_num_usr_irq", p.msix_vectors.to_string()),
    ]
}

/// `CONFIG.*` of the Ethernet core: MAC and PCS/PMA with a 64-bit
/// AXI-Stream at 156.25 MHz, 10GBASE-R, no AXI4-Lite (its `ctl_*` ports
/// are driven by the top), the user FIFO on (the receive stream then runs
/// on the transmit clock: one clock for the core), its GT at the board's
/// site; `dclk` (GT_DRP_CLK) is the PCIe reference clock's `ODIV2`, free
/// running at `refclk_mhz` (100). A board's inverted pairs are the top's
/// business: such a board's IP brings out its transceiver control ports
/// (`ADD_GT_CNRL_STS_PORTS`) and the top drives `gt_rxpolarity_0` and
/// `gt_txpolarity_0`.
pub fn mac_config(b: &Board) -> Vec<(&'static str, String)> {
    let e = &b.ethernet;
    vec![
        ("CORE", "Ethernet MAC+PCS/PMA 64-bit".into()),
        ("NUM_OF_CORES", "1".into()),
        ("LINE_RATE", "10".into()),
        ("BASE_R_KR", "BASE-R".into()),
        ("INCLUDE_AXI4_INTERFACE", "0".into()),
        ("INCLUDE_USER_FIFO", "1".into()),
        ("INCLUDE_SHARED_LOGIC", "1".into()),
        ("GT_TYPE", e.gt_type.clone()),
        ("GT_REF_CLK_FREQ", format_mhz(e.refclk_mhz)),
        ("GT_DRP_CLK", b.pcie.refclk_mhz.to_string()),
        ("GT_GROUP_SELECT", e.gt_quad.clone()),
        ("LANE1_GT_LOC", e.gt_site.clone()),
        ("ENABLE_PIPELINE_REG", "1".into()),
        (
            "ADD_GT_CNRL_STS_PORTS",
            u8::from(super::ip_ports::mac_gt_ports(b)).to_string(),
        ),
    ]
}

/// A frequency as the IP's menu spells it (`156.25`, `161.1328125`).
pub fn format_mhz(f: f64) -> String {
    let s = format!("{f:.7}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// One IP's script: `create_ip` of `ip` as `module`, then its keys.
pub fn script(ip: &str, module: &str, what: &str, keys: &[(&'static str, String)]) -> String {
    let mut s = format!(
        "# {what}\n# Generated by nicgen from the board file; sourced by build.tcl.\n\
         create_ip -name {ip} -vendor xilinx.com -library ip -module_name {module}\n\
         set_property -dict [list \\\n"
    );
    for (k, v) in keys {
        writeln!(s, "    CONFIG.{k} {{{v}}} \\").unwrap();
    }
    writeln!(s, "] [get_ips {module}]").unwrap();
    s
}
