//! The board top `rtl/fpga.v` of a board project: the board's pins, the
//! reference clock buffers, XDMA (`xdma_0`, PG195 AXI Bridge mode) and the
//! Ethernet core (`eth_mac_0`, PG210) by their port names, and
//! `ferronic_shell` (the nic core and every clock-domain crossing, Verilog
//! in `rtl/` beside this file, written out as `rtl/ferronic_glue.v`).
//!
//! Clocks: the core runs on the MAC's `tx_clk_out_0` (156.25 MHz, its user
//! FIFO puts the receive stream there too); XDMA's `axi_aclk` (250 MHz)
//! carries BAR0 and the DMA; `dclk`, the MAC's free-running transceiver
//! clock, is the PCIe reference clock's `ODIV2` through a `BUFG_GT`
//! (100 MHz, the `GT_DRP_CLK` of the IP script).
//!
//! Board pins other than the PCIe and Ethernet lanes and clocks are known
//! by name (after the cage's prefix): `modsell` 0 (the module answers),
//! `resetl` 1, `lpmode` 0, `refclk_reset` 0, `fs[1:0]` the board's
//! `refclk_fs`, `tx_disable` 0, `rs` 1 (full rate), `los` and `npres`
//! read (unused); `led[0]` link (`stat_rx_status_0`), `led[1]` activity
//! (27 ms after each frame), `led[2]` PCIe link up. Any other pin name is
//! refused, so a board file cannot leave a port the top does not drive.

use super::file::Board;
use super::ip_ports::mac_gt_ports;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The crossing and FIFO modules, one file (`rtl/ferronic_glue.v`).
pub fn glue() -> String {
    [
        include_str!("rtl/cdc.v"),
        include_str!("rtl/frame_fifo.v"),
        include_str!("rtl/bar_bridge.v"),
        include_str!("rtl/axi_up.v"),
        include_str!("rtl/shell.v"),
    ]
    .join("\n")
}

/// The frame FIFOs alone (`ferronic_rx_fifo`, `ferronic_tx_fifo` and
/// their counter), for unit tests.
pub fn frame_fifos() -> &'static str {
    include_str!("rtl/frame_fifo.v")
}

/// `ferronic_axi_up` for a `wide_bytes` XDMA bus as a module of its own,
/// `module` (with the dual-clock FIFO it uses), for unit tests.
pub fn axi_up(module: &str, wide_bytes: usize) -> String {
    let up = include_str!("rtl/axi_up.v")
        .replace("module ferronic_axi_up #(", &format!("module {module} #("))
        .replace(
            "parameter WB = 64,    // wide (XDMA) bytes a beat",
            &format!("parameter WB = {wide_bytes},    // wide (XDMA) bytes a beat"),
        );
    format!("{}\n{up}", include_str!("rtl/cdc.v"))
}

/// A top-level port: name, is output, width (0: a scalar).
struct TopPort {
    name: String,
    output: bool,
    width: usize,
}

/// The top's ports from the board's pins (buses from `name[i]` entries).
fn ports(b: &Board) -> Result<Vec<TopPort>, String> {
    let cage = b.ethernet.cage.to_lowercase();
    let mut buses: BTreeMap<String, usize> = BTreeMap::new();
    for (pin, _) in b.all_pins() {
        let (base, idx) = match pin.split_once('[') {
            Some((base, rest)) => {
                let i: usize = rest
                    .trim_end_matches(']')
                    .parse()
                    .map_err(|_| format!("pin {pin}: an index in [] must be a number"))?;
                (base.to_string(), i + 1)
            }
            None => (pin.clone(), 0),
        };
        let w = buses.entry(base).or_insert(0);
        *w = (*w).max(idx);
    }
    let mut v = Vec::new();
    for (name, width) in buses {
        let role = name
            .strip_prefix(&format!("{cage}_"))
            .map(|r| format!("cage_{r}"))
            .unwrap_or_else(|| name.clone());
        let output = match role.as_str() {
            "pcie_refclk_p" | "pcie_refclk_n" | "pcie_reset_n" | "pcie_rx_p" | "pcie_rx_n"
            | "cage_refclk_p" | "cage_refclk_n" | "cage_rx_p" | "cage_rx_n" | "cage_los"
            | "cage_npres" => false,
            "pcie_tx_p" | "pcie_tx_n" | "cage_tx_p" | "cage_tx_n" | "cage_modsell"
            | "cage_resetl" | "cage_lpmode" | "cage_refclk_reset" | "cage_fs"
            | "cage_tx_disable" | "cage_rs" | "led" => true,
            _ => {
                return Err(format!(
                    "pin {name}: the board top knows no such pin (pcie_*, {cage}_* of the \
                     Ethernet cage, led[i]; see hdl/src/board/top.rs)"
                ))
            }
        };
        if role == "led" && width > 3 {
            return Err(format!(
                "led[{}]: the top drives three LEDs at most",
                width - 1
            ));
        }
        if role == "cage_fs" && b.ethernet.refclk_fs.is_none() {
            return Err(format!("pin {name}: [ethernet] refclk_fs is not given"));
        }
        v.push(TopPort {
            name,
            output,
            width,
        });
    }
    for need in ["pcie_refclk_p", "pcie_refclk_n", "pcie_reset_n"]
        .into_iter()
        .map(String::from)
        .chain(
            ["refclk_p", "refclk_n", "rx_p", "rx_n", "tx_p", "tx_n"].map(|r| format!("{cage}_{r}")),
        )
    {
        if !v.iter().any(|p| p.name == need) {
            return Err(format!("the board file has no pin {need}"));
        }
    }
    Ok(v)
}

/// `rtl/fpga.v` of `b`.
///
/// # Errors
/// A pin the top does not know, a missing lane or clock pin, or a vector
/// count other than the core's 16 (as a message naming it).
pub fn fpga_v(b: &Board) -> Result<String, String> {
    let irqs = crate::dma::cpl_queue::IRQS;
    if b.pcie.msix_vectors as usize != irqs {
        return Err(format!(
            "[pcie] msix_vectors = {}: the core raises {irqs} interrupt vectors",
            b.pcie.msix_vectors
        ));
    }
    let ports = ports(b)?;
    let cage = b.ethernet.cage.to_lowercase();
    let e = &b.ethernet;
    let ibufds = if b.family == "xcup" {
        "IBUFDS_GTE4"
    } else {
        "IBUFDS_GTE3"
    };
    let dw = b.pcie.axi_data_width;
    let mut s = format!(
        "// {title}: board top of ferronic, generated by nicgen from boards/{name}.toml.\n\
         // Vendor IP by its port names: xdma_0 (AMD PG195, AXI Bridge mode) and\n\
         // eth_mac_0 (AMD PG210); everything else is ferronic_shell (ferronic_glue.v).\n\
         `default_nettype none\n\nmodule fpga (\n",
        title = b.title,
        name = b.name
    );
    for (i, p) in ports.iter().enumerate() {
        let dir = if p.output { "output" } else { "input " };
        let range = if p.width > 0 {
            format!("[{}:0] ", p.width - 1)
        } else {
            String::new()
        };
        let sep = if i + 1 < ports.len() { "," } else { "" };
        writeln!(s, "    {dir} wire {range}{}{sep}", p.name).unwrap();
    }
    s.push_str(");\n");
    let has = |n: &str| ports.iter().find(|p| p.name == format!("{cage}_{n}"));
    for (n, v) in [
        ("modsell", "1'b0".to_string()),
        ("resetl", "1'b1".into()),
        ("lpmode", "1'b0".into()),
        ("refclk_reset", "1'b0".into()),
        ("tx_disable", "1'b0".into()),
        ("rs", "1'b1".into()),
        ("fs", format!("2'd{}", e.refclk_fs.unwrap_or(0))),
    ] {
        if has(n).is_some() {
            writeln!(s, "    assign {cage}_{n} = {v};").unwrap();
        }
    }
    write!(
        s,
        r#"
    // ---- clocks and resets ----
    // PCIe reference clock: O to the GT, ODIV2 (undivided, 100 MHz) to the
    // IP's sys_clk and, through a BUFG_GT, to the MAC's dclk
    wire pcie_sys_clk_gt, pcie_sys_clk, dclk;
    {ibufds} #(.REFCLK_HROW_CK_SEL(2'b00)) pcie_refclk_buf (
        .I(pcie_refclk_p), .IB(pcie_refclk_n), .CEB(1'b0),
        .O(pcie_sys_clk_gt), .ODIV2(pcie_sys_clk));
    BUFG_GT dclk_buf (.I(pcie_sys_clk), .CE(1'b1), .CEMASK(1'b0), .CLR(1'b0),
        .CLRMASK(1'b0), .DIV(3'b000), .O(dclk));
    wire mac_sys_reset;
    ferronic_reset_sync mac_rs (.clk(dclk), .arst(!pcie_reset_n), .rst(mac_sys_reset));

    wire axi_aclk, axi_aresetn, pcie_link_up;
    wire core_clk, mac_tx_reset, mac_rx_reset, mac_link;

    // XDMA m_axib (BAR0) -> shell, shell -> XDMA s_axib
    wire [3:0] bar_awid, bar_arid, bar_bid, bar_rid;
    wire [63:0] bar_awaddr, bar_araddr;
    wire [7:0] bar_awlen, bar_arlen;
    wire [2:0] bar_awsize, bar_arsize, bar_awprot, bar_arprot;
    wire [1:0] bar_awburst, bar_arburst, bar_bresp, bar_rresp;
    wire [{dwm}:0] bar_wdata, bar_rdata;
    wire [{sm}:0] bar_wstrb;
    wire bar_awvalid, bar_awready, bar_wlast, bar_wvalid, bar_wready, bar_bvalid, bar_bready;
    wire bar_arvalid, bar_arready, bar_rlast, bar_rvalid, bar_rready;
    wire [3:0] dma_awid, dma_arid, dma_bid, dma_rid;
    wire [63:0] dma_awaddr, dma_araddr;
    wire [7:0] dma_awlen, dma_arlen;
    wire [2:0] dma_awsize, dma_arsize;
    wire [1:0] dma_awburst, dma_arburst, dma_bresp, dma_rresp;
    wire [{dwm}:0] dma_wdata, dma_rdata;
    wire [{sm}:0] dma_wstrb;
    wire dma_awvalid, dma_awready, dma_wlast, dma_wvalid, dma_wready, dma_bvalid, dma_bready;
    wire dma_arvalid, dma_arready, dma_rlast, dma_rvalid, dma_rready;
    wire [{im}:0] usr_irq_req, usr_irq_ack;

    xdma_0 pcie (
        .sys_clk(pcie_sys_clk), .sys_clk_gt(pcie_sys_clk_gt), .sys_rst_n(pcie_reset_n),
        .pci_exp_txp(pcie_tx_p), .pci_exp_txn(pcie_tx_n),
        .pci_exp_rxp(pcie_rx_p), .pci_exp_rxn(pcie_rx_n),
        .user_lnk_up(pcie_link_up), .axi_aclk(axi_aclk), .axi_aresetn(axi_aresetn),
        .usr_irq_req(usr_irq_req), .usr_irq_ack(usr_irq_ack), .msix_enable(),
        .m_axib_awid(bar_awid), .m_axib_awaddr(bar_awaddr), .m_axib_awlen(bar_awlen),
        .m_axib_awsize(bar_awsize), .m_axib_awburst(bar_awburst), .m_axib_awprot(bar_awprot),
        .m_axib_awlock(), .m_axib_awcache(), .m_axib_awvalid(bar_awvalid),
        .m_axib_awready(bar_awready), .m_axib_wdata(bar_wdata), .m_axib_wstrb(bar_wstrb),
        .m_axib_wlast(bar_wlast), .m_axib_wvalid(bar_wvalid), .m_axib_wready(bar_wready),
        .m_axib_bid(bar_bid), .m_axib_bresp(bar_bresp), .m_axib_bvalid(bar_bvalid),
        .m_axib_bready(bar_bready), .m_axib_arid(bar_arid), .m_axib_araddr(bar_araddr),
        .m_axib_arlen(bar_arlen), .m_axib_arsize(bar_arsize), .m_axib_arburst(bar_arburst),
        .m_axib_arprot(bar_arprot), .m_axib_arlock(), .m_axib_arcache(),
        .m_axib_arvalid(bar_arvalid), .m_axib_arready(bar_arready), .m_axib_rid(bar_rid),
        .m_axib_rdata(bar_rdata), .m_axib_rresp(bar_rresp), .m_axib_rlast(bar_rlast),
        .m_axib_rvalid(bar_rvalid), .m_axib_rready(bar_rready),
        .s_axib_awid(dma_awid), .s_axib_awaddr(dma_awaddr), .s_axib_awregion(4'd0),
        .s_axib_awlen(dma_awlen), .s_axib_awsize(dma_awsize), .s_axib_awburst(dma_awburst),
        .s_axib_awvalid(dma_awvalid), .s_axib_awready(dma_awready),
        .s_axib_wdata(dma_wdata), .s_axib_wstrb(dma_wstrb), .s_axib_wlast(dma_wlast),
        .s_axib_wvalid(dma_wvalid), .s_axib_wready(dma_wready),
        .s_axib_bid(dma_bid), .s_axib_bresp(dma_bresp), .s_axib_bvalid(dma_bvalid),
        .s_axib_bready(dma_bready), .s_axib_arid(dma_arid), .s_axib_araddr(dma_araddr),
        .s_axib_arregion(4'd0), .s_axib_arlen(dma_arlen), .s_axib_arsize(dma_arsize),
        .s_axib_arburst(dma_arburst), .s_axib_arvalid(dma_arvalid),
        .s_axib_arready(dma_arready), .s_axib_rid(dma_rid), .s_axib_rdata(dma_rdata),
        .s_axib_rresp(dma_rresp), .s_axib_rlast(dma_rlast), .s_axib_rvalid(dma_rvalid),
        .s_axib_rready(dma_rready));

    wire [63:0] rx_tdata, tx_tdata;
    wire [7:0] rx_tkeep, tx_tkeep;
    wire rx_tvalid, rx_tlast, rx_tuser, tx_tvalid, tx_tready, tx_tlast, tx_tuser;

    eth_mac_0 mac (
        .gt_rxp_in_0({cage}_rx_p), .gt_rxn_in_0({cage}_rx_n),
        .gt_txp_out_0({cage}_tx_p), .gt_txn_out_0({cage}_tx_n),
        .gt_refclk_p({cage}_refclk_p), .gt_refclk_n({cage}_refclk_n), .gt_refclk_out(),
        .sys_reset(mac_sys_reset), .dclk(dclk),
        .tx_clk_out_0(core_clk), .rx_clk_out_0(), .rx_core_clk_0(core_clk),
        .rxrecclkout_0(), .gtpowergood_out_0(), .gt_loopback_in_0(3'b000),
        .txoutclksel_in_0(3'b101), .rxoutclksel_in_0(3'b101),
        .gtwiz_reset_tx_datapath_0(1'b0), .gtwiz_reset_rx_datapath_0(1'b0),
        .qpllreset_in_0(1'b0),
        .rx_reset_0(1'b0), .user_rx_reset_0(mac_rx_reset),
        .tx_reset_0(1'b0), .user_tx_reset_0(mac_tx_reset),
        .rx_axis_tvalid_0(rx_tvalid), .rx_axis_tdata_0(rx_tdata), .rx_axis_tlast_0(rx_tlast),
        .rx_axis_tkeep_0(rx_tkeep), .rx_axis_tuser_0(rx_tuser), .rx_preambleout_0(),
        .tx_axis_tready_0(tx_tready), .tx_axis_tvalid_0(tx_tvalid), .tx_axis_tdata_0(tx_tdata),
        .tx_axis_tlast_0(tx_tlast), .tx_axis_tkeep_0(tx_tkeep), .tx_axis_tuser_0(tx_tuser),
        .tx_unfout_0(), .tx_preamblein_0(56'd0),
        // receive: frames keep their FCS and the MAC passes bad ones (the
        // core checks and counts them); up to the core's 16383 bytes
        .ctl_rx_enable_0(1'b1), .ctl_rx_check_preamble_0(1'b1), .ctl_rx_check_sfd_0(1'b1),
        .ctl_rx_force_resync_0(1'b0), .ctl_rx_delete_fcs_0(1'b0), .ctl_rx_ignore_fcs_0(1'b1),
        .ctl_rx_max_packet_len_0(15'd16383), .ctl_rx_min_packet_len_0(8'd64),
        .ctl_rx_process_lfi_0(1'b0), .ctl_rx_test_pattern_0(1'b0),
        .ctl_rx_data_pattern_select_0(1'b0), .ctl_rx_test_pattern_enable_0(1'b0),
        .ctl_rx_custom_preamble_enable_0(1'b0), .ctl_rx_wdt_disable_0(1'b0),
        // transmit: the core appends the FCS; the MAC checks it and sends a
        // frame marked bad (tuser) with a stomped FCS
        .ctl_tx_enable_0(1'b1), .ctl_tx_send_rfi_0(1'b0), .ctl_tx_send_lfi_0(1'b0),
        .ctl_tx_send_idle_0(1'b0), .ctl_tx_fcs_ins_enable_0(1'b0), .ctl_tx_ignore_fcs_0(1'b0),
        .ctl_tx_ipg_value_0(4'd12), .ctl_tx_custom_preamble_enable_0(1'b0),
        .ctl_tx_test_pattern_0(1'b0), .ctl_tx_test_pattern_enable_0(1'b0),
        .ctl_tx_test_pattern_select_0(1'b0), .ctl_tx_data_pattern_select_0(1'b0),
        .ctl_tx_test_pattern_seed_a_0(58'd0), .ctl_tx_test_pattern_seed_b_0(58'd0),
        .stat_rx_status_0(mac_link), .stat_rx_block_lock_0(), .stat_rx_bad_fcs_0(),
        .stat_tx_frame_error_0(){gt}
    );

    wire activity, core_reset;
    wire [31:0] rx_overflows, rx_errors, bar_timeouts;
    ferronic_shell #(.DW({dw}), .NIRQ({irqs})) shell (
        .clk(core_clk), .mac_tx_reset(mac_tx_reset), .mac_rx_reset(mac_rx_reset),
        .axi_aclk(axi_aclk), .axi_aresetn(axi_aresetn),
        .rx_axis_tdata(rx_tdata), .rx_axis_tkeep(rx_tkeep), .rx_axis_tvalid(rx_tvalid),
        .rx_axis_tlast(rx_tlast), .rx_axis_tuser(rx_tuser),
        .tx_axis_tdata(tx_tdata), .tx_axis_tkeep(tx_tkeep), .tx_axis_tvalid(tx_tvalid),
        .tx_axis_tready(tx_tready), .tx_axis_tlast(tx_tlast), .tx_axis_tuser(tx_tuser),
        .bar_awid(bar_awid), .bar_awaddr(bar_awaddr), .bar_awlen(bar_awlen),
        .bar_awsize(bar_awsize), .bar_awprot(bar_awprot), .bar_awvalid(bar_awvalid),
        .bar_awready(bar_awready), .bar_wdata(bar_wdata), .bar_wstrb(bar_wstrb),
        .bar_wlast(bar_wlast), .bar_wvalid(bar_wvalid), .bar_wready(bar_wready),
        .bar_bid(bar_bid), .bar_bresp(bar_bresp), .bar_bvalid(bar_bvalid),
        .bar_bready(bar_bready), .bar_arid(bar_arid), .bar_araddr(bar_araddr),
        .bar_arlen(bar_arlen), .bar_arsize(bar_arsize), .bar_arprot(bar_arprot),
        .bar_arvalid(bar_arvalid), .bar_arready(bar_arready), .bar_rid(bar_rid),
        .bar_rdata(bar_rdata), .bar_rresp(bar_rresp), .bar_rlast(bar_rlast),
        .bar_rvalid(bar_rvalid), .bar_rready(bar_rready),
        .dma_awid(dma_awid), .dma_awaddr(dma_awaddr), .dma_awlen(dma_awlen),
        .dma_awsize(dma_awsize), .dma_awburst(dma_awburst), .dma_awvalid(dma_awvalid),
        .dma_awready(dma_awready), .dma_wdata(dma_wdata), .dma_wstrb(dma_wstrb),
        .dma_wlast(dma_wlast), .dma_wvalid(dma_wvalid), .dma_wready(dma_wready),
        .dma_bid(dma_bid), .dma_bresp(dma_bresp), .dma_bvalid(dma_bvalid),
        .dma_bready(dma_bready), .dma_arid(dma_arid), .dma_araddr(dma_araddr),
        .dma_arlen(dma_arlen), .dma_arsize(dma_arsize), .dma_arburst(dma_arburst),
        .dma_arvalid(dma_arvalid), .dma_arready(dma_arready), .dma_rid(dma_rid),
        .dma_rdata(dma_rdata), .dma_rresp(dma_rresp), .dma_rlast(dma_rlast),
        .dma_rvalid(dma_rvalid), .dma_rready(dma_rready),
        .usr_irq_req(usr_irq_req), .usr_irq_ack(usr_irq_ack),
        .rx_overflows(rx_overflows), .rx_errors(rx_errors), .bar_timeouts(bar_timeouts),
        .core_reset(core_reset), .activity(activity));
"#,
        dwm = dw - 1,
        sm = dw / 8 - 1,
        im = irqs - 1,
        gt = if mac_gt_ports(b) {
            gt_ctl(b)
        } else {
            String::new()
        },
    )
    .unwrap();
    if let Some(led) = ports.iter().find(|p| p.name == "led") {
        let mut bits = vec!["mac_link_led", "activity", "pcie_link_up"];
        bits.truncate(led.width);
        bits.reverse();
        write!(
            s,
            "\n    // LEDs: link (the MAC's stat_rx_status_0, core clock), activity, PCIe link\n    \
             reg mac_link_led;\n    always @(posedge core_clk) mac_link_led <= mac_link;\n    \
             assign led = {{{}}};\n",
            bits.join(", ")
        )
        .unwrap();
    } else {
        s.push_str("    // no LEDs on this board\n");
    }
    s.push_str("endmodule\n\n`default_nettype wire\n");
    Ok(s)
}

/// The transceiver control inputs of a board that inverts a pair: the
/// polarity its file gives, the rest at the GT's defaults (DRP idle, no
/// PRBS, no resets, DFE equalisation: `gt_rxlpmen_0` 0, drive swing
/// `gt_txdiffctrl_0` 5'b11000 and no pre- or post-cursor emphasis, as the
/// IP drives them when the ports are not brought out).
fn gt_ctl(b: &Board) -> String {
    let e = &b.ethernet;
    format!(
        ",
        .gt_drpclk_0(dclk), .gt_drprst_0(1'b0), .gt_drpen_0(1'b0), .gt_drpwe_0(1'b0),
        .gt_drpaddr_0(10'd0), .gt_drpdi_0(16'd0), .gt_drpdo_0(), .gt_drprdy_0(),
        .gt_eyescanreset_0(1'b0), .gt_eyescantrigger_0(1'b0), .gt_pcsrsvdin_0(16'd0),
        .gt_rxbufreset_0(1'b0), .gt_rxcdrhold_0(1'b0), .gt_rxcommadeten_0(1'b0),
        .gt_rxdfeagchold_0(1'b0), .gt_rxdfelpmreset_0(1'b0), .gt_rxlatclk_0(dclk),
        .gt_rxlpmen_0(1'b0), .gt_rxpcsreset_0(1'b0), .gt_rxpmareset_0(1'b0),
        .gt_rxpolarity_0(1'b{rx}), .gt_rxprbscntreset_0(1'b0), .gt_rxprbssel_0(4'd0),
        .gt_rxrate_0(3'd0), .gt_rxslide_in_0(1'b0), .gt_txinhibit_0(1'b0),
        .gt_txlatclk_0(dclk), .gt_txmaincursor_0(7'd0), .gt_txpcsreset_0(1'b0),
        .gt_txpmareset_0(1'b0), .gt_txpolarity_0(1'b{tx}), .gt_txpostcursor_0(5'd0),
        .gt_txprbsforceerr_0(1'b0), .gt_txelecidle_0(1'b0), .gt_txprbssel_0(4'd0),
        .gt_txprecursor_0(5'd0), .gt_txdiffctrl_0(5'b11000)",
        rx = u8::from(e.rx_polarity_inverted),
        tx = u8::from(e.tx_polarity_inverted),
    )
}
