// ferronic_shell: everything of a board top between the vendor IP and the
// core (issue 15): the nic top (rtl/nic.v) in the core clock `clk` (the
// MAC's tx_clk_out, 156.25 MHz: 64 bits a clock is exactly 10 Gb/s, and
// the MAC's user FIFO puts its receive stream on the same clock), and the
// crossings to XDMA's axi_aclk (250 MHz):
//
//   MAC rx_axis (no tready) -> ferronic_rx_fifo -> nic s_axis
//   nic m_axis_tx -> ferronic_tx_fifo -> MAC tx_axis
//   XDMA m_axib (BAR0) -> ferronic_bar_bridge -> nic s_axil
//   (the register map's `board` block answered by the bridge itself:
//   the receive FIFO's counters and the core's reset through
//   ferronic_snap, the BAR timeouts, whether the core's clock runs)
//   nic m_axi (128-bit) -> ferronic_axi_up -> XDMA s_axib (DW bits)
//   nic irq_req/irq_ack <-> ferronic_irq_cdc <-> usr_irq_req/usr_irq_ack
//
// Reset: the core and the DMA and interrupt crossings are reset together
// while XDMA's axi_aresetn is low (PCIe reset: the host's rings are gone)
// or the MAC's user_tx_reset is high (its clock is not yet stable), each
// domain through its own ferronic_reset_sync. The BAR bridge's PCIe side
// resets with PCIe only, so BAR reads are answered (with all ones) while
// the core is held or its clock is missing. The MAC's user_rx_reset only
// drops the receive frame in progress (it pulses while the link is down).
module ferronic_shell #(
    parameter DW = 512,      // XDMA AXI data width, bits
    parameter NIRQ = 16      // interrupt vectors (the nic's irq_req width)
) (
    input  wire              clk,
    input  wire              mac_tx_reset,
    input  wire              mac_rx_reset,
    input  wire              axi_aclk,
    input  wire              axi_aresetn,
    input  wire [63:0]       rx_axis_tdata,
    input  wire [7:0]        rx_axis_tkeep,
    input  wire              rx_axis_tvalid,
    input  wire              rx_axis_tlast,
    input  wire              rx_axis_tuser,
    output wire [63:0]       tx_axis_tdata,
    output wire [7:0]        tx_axis_tkeep,
    output wire              tx_axis_tvalid,
    input  wire              tx_axis_tready,
    output wire              tx_axis_tlast,
    output wire              tx_axis_tuser,
    input  wire [3:0]        bar_awid,
    input  wire [63:0]       bar_awaddr,
    input  wire [7:0]        bar_awlen,
    input  wire [2:0]        bar_awsize,
    input  wire [2:0]        bar_awprot,
    input  wire              bar_awvalid,
    output wire              bar_awready,
    input  wire [DW-1:0]     bar_wdata,
    input  wire [DW/8-1:0]   bar_wstrb,
    input  wire              bar_wlast,
    input  wire              bar_wvalid,
    output wire              bar_wready,
    output wire [3:0]        bar_bid,
    output wire [1:0]        bar_bresp,
    output wire              bar_bvalid,
    input  wire              bar_bready,
    input  wire [3:0]        bar_arid,
    input  wire [63:0]       bar_araddr,
    input  wire [7:0]        bar_arlen,
    input  wire [2:0]        bar_arsize,
    input  wire [2:0]        bar_arprot,
    input  wire              bar_arvalid,
    output wire              bar_arready,
    output wire [3:0]        bar_rid,
    output wire [DW-1:0]     bar_rdata,
    output wire [1:0]        bar_rresp,
    output wire              bar_rlast,
    output wire              bar_rvalid,
    input  wire              bar_rready,
    output wire [3:0]        dma_awid,
    output wire [63:0]       dma_awaddr,
    output wire [7:0]        dma_awlen,
    output wire [2:0]        dma_awsize,
    output wire [1:0]        dma_awburst,
    output wire              dma_awvalid,
    input  wire              dma_awready,
    output wire [DW-1:0]     dma_wdata,
    output wire [DW/8-1:0]   dma_wstrb,
    output wire              dma_wlast,
    output wire              dma_wvalid,
    input  wire              dma_wready,
    input  wire [3:0]        dma_bid,
    input  wire [1:0]        dma_bresp,
    input  wire              dma_bvalid,
    output wire              dma_bready,
    output wire [3:0]        dma_arid,
    output wire [63:0]       dma_araddr,
    output wire [7:0]        dma_arlen,
    output wire [2:0]        dma_arsize,
    output wire [1:0]        dma_arburst,
    output wire              dma_arvalid,
    input  wire              dma_arready,
    input  wire [3:0]        dma_rid,
    input  wire [DW-1:0]     dma_rdata,
    input  wire [1:0]        dma_rresp,
    input  wire              dma_rlast,
    input  wire              dma_rvalid,
    output wire              dma_rready,
    output wire [NIRQ-1:0]   usr_irq_req,
    input  wire [NIRQ-1:0]   usr_irq_ack,
    output wire [31:0]       rx_overflows,
    output wire [31:0]       rx_errors,
    output wire [31:0]       bar_timeouts,
    output wire              core_reset,
    output wire              activity
);
    wire any_reset = !axi_aresetn || mac_tx_reset;
    wire rst, axi_rst, bar_rst;
    ferronic_reset_sync rs_core (.clk(clk), .arst(any_reset), .rst(rst));
    ferronic_reset_sync rs_axi (.clk(axi_aclk), .arst(any_reset), .rst(axi_rst));
    ferronic_reset_sync rs_bar (.clk(axi_aclk), .arst(!axi_aresetn), .rst(bar_rst));
    assign core_reset = rst;

    // the nic's ports
    wire [63:0] s_tdata;
    wire [7:0] s_tkeep;
    wire s_tvalid, s_tready, s_tlast;
    wire [63:0] t_tdata;
    wire [7:0] t_tkeep;
    wire t_tvalid, t_tready, t_tlast, t_tuser;
    wire [15:0] l_awaddr, l_araddr;
    wire [2:0] l_awprot, l_arprot;
    wire [31:0] l_wdata, l_rdata;
    wire [3:0] l_wstrb;
    wire [1:0] l_bresp, l_rresp;
    wire l_awvalid, l_awready, l_wvalid, l_wready, l_bvalid, l_bready;
    wire l_arvalid, l_arready, l_rvalid, l_rready;
    wire [3:0] a_awid, a_arid, a_bid, a_rid;
    wire [63:0] a_awaddr, a_araddr;
    wire [7:0] a_awlen, a_arlen;
    /* verilator lint_off UNUSEDSIGNAL */
    // the nic's fixed attributes: size 16 bytes, INCR, no lock, cache,
    // prot or QoS the bridge could use (XDMA's s_axib has none of them)
    wire [2:0] a_awsize, a_arsize, a_awprot, a_arprot;
    wire [1:0] a_awburst, a_arburst;
    wire a_awlock, a_arlock;
    wire [3:0] a_awcache, a_arcache, a_awqos, a_arqos;
    /* verilator lint_on UNUSEDSIGNAL */
    wire a_awvalid, a_awready, a_wlast, a_wvalid, a_wready, a_bvalid, a_bready;
    wire a_arvalid, a_arready, a_rlast, a_rvalid, a_rready;
    wire [127:0] a_wdata, a_rdata;
    wire [15:0] a_wstrb;
    wire [1:0] a_bresp, a_rresp;
    wire [NIRQ-1:0] irq_req, irq_ack;

    nic core (
        .clk(clk), .rst(rst),
        .s_axis_tdata(s_tdata), .s_axis_tkeep(s_tkeep), .s_axis_tvalid(s_tvalid),
        .s_axis_tready(s_tready), .s_axis_tlast(s_tlast),
        .m_axis_tx_tdata(t_tdata), .m_axis_tx_tkeep(t_tkeep), .m_axis_tx_tvalid(t_tvalid),
        .m_axis_tx_tready(t_tready), .m_axis_tx_tlast(t_tlast), .m_axis_tx_tuser(t_tuser),
        .s_axil_awaddr(l_awaddr), .s_axil_awprot(l_awprot), .s_axil_awvalid(l_awvalid),
        .s_axil_awready(l_awready), .s_axil_wdata(l_wdata), .s_axil_wstrb(l_wstrb),
        .s_axil_wvalid(l_wvalid), .s_axil_wready(l_wready), .s_axil_bresp(l_bresp),
        .s_axil_bvalid(l_bvalid), .s_axil_bready(l_bready), .s_axil_araddr(l_araddr),
        .s_axil_arprot(l_arprot), .s_axil_arvalid(l_arvalid), .s_axil_arready(l_arready),
        .s_axil_rdata(l_rdata), .s_axil_rresp(l_rresp), .s_axil_rvalid(l_rvalid),
        .s_axil_rready(l_rready),
        .m_axi_awid(a_awid), .m_axi_awaddr(a_awaddr), .m_axi_awlen(a_awlen),
        .m_axi_awsize(a_awsize), .m_axi_awburst(a_awburst), .m_axi_awlock(a_awlock),
        .m_axi_awcache(a_awcache), .m_axi_awprot(a_awprot), .m_axi_awqos(a_awqos),
        .m_axi_awvalid(a_awvalid), .m_axi_awready(a_awready),
        .m_axi_wdata(a_wdata), .m_axi_wstrb(a_wstrb), .m_axi_wlast(a_wlast),
        .m_axi_wvalid(a_wvalid), .m_axi_wready(a_wready),
        .m_axi_bid(a_bid), .m_axi_bresp(a_bresp), .m_axi_bvalid(a_bvalid),
        .m_axi_bready(a_bready),
        .m_axi_arid(a_arid), .m_axi_araddr(a_araddr), .m_axi_arlen(a_arlen),
        .m_axi_arsize(a_arsize), .m_axi_arburst(a_arburst), .m_axi_arlock(a_arlock),
        .m_axi_arcache(a_arcache), .m_axi_arprot(a_arprot), .m_axi_arqos(a_arqos),
        .m_axi_arvalid(a_arvalid), .m_axi_arready(a_arready),
        .m_axi_rid(a_rid), .m_axi_rdata(a_rdata), .m_axi_rresp(a_rresp),
        .m_axi_rlast(a_rlast), .m_axi_rvalid(a_rvalid), .m_axi_rready(a_rready),
        .irq_req(irq_req), .irq_ack(irq_ack));

    ferronic_rx_fifo rx_fifo (
        .clk(clk), .rst(rst), .mac_reset(mac_rx_reset),
        .rx_tdata(rx_axis_tdata), .rx_tkeep(rx_axis_tkeep), .rx_tvalid(rx_axis_tvalid),
        .rx_tlast(rx_axis_tlast), .rx_tuser(rx_axis_tuser),
        .m_tdata(s_tdata), .m_tkeep(s_tkeep), .m_tvalid(s_tvalid), .m_tready(s_tready),
        .m_tlast(s_tlast), .overflows(rx_overflows), .errors(rx_errors));

    ferronic_tx_fifo tx_fifo (
        .clk(clk), .rst(rst),
        .s_tdata(t_tdata), .s_tkeep(t_tkeep), .s_tvalid(t_tvalid), .s_tready(t_tready),
        .s_tlast(t_tlast), .s_tuser(t_tuser),
        .tx_tdata(tx_axis_tdata), .tx_tkeep(tx_axis_tkeep), .tx_tvalid(tx_axis_tvalid),
        .tx_tready(tx_axis_tready), .tx_tlast(tx_axis_tlast), .tx_tuser(tx_axis_tuser));

    // the board block's view of the core's side: its receive counters and
    // reset, copied into axi_aclk (and whether copies still arrive)
    wire [64:0] b_snap;
    wire b_fresh;
    ferronic_snap #(.W(65)) snap (
        .s_clk(clk), .d({rst, rx_errors, rx_overflows}),
        .m_clk(axi_aclk), .m_rst(bar_rst), .q(b_snap), .fresh(b_fresh));

    ferronic_bar_bridge #(.DW(DW), .AW(64), .IDW(4), .MAPB(16)) bar (
        .axi_aclk(axi_aclk), .axi_rst(bar_rst),
        .bar_awid(bar_awid), .bar_awaddr(bar_awaddr), .bar_awlen(bar_awlen),
        .bar_awsize(bar_awsize), .bar_awprot(bar_awprot), .bar_awvalid(bar_awvalid),
        .bar_awready(bar_awready), .bar_wdata(bar_wdata), .bar_wstrb(bar_wstrb),
        .bar_wlast(bar_wlast), .bar_wvalid(bar_wvalid), .bar_wready(bar_wready),
        .bar_bid(bar_bid), .bar_bresp(bar_bresp), .bar_bvalid(bar_bvalid),
        .bar_bready(bar_bready), .bar_arid(bar_arid), .bar_araddr(bar_araddr),
        .bar_arlen(bar_arlen), .bar_arsize(bar_arsize), .bar_arprot(bar_arprot),
        .bar_arvalid(bar_arvalid), .bar_arready(bar_arready), .bar_rid(bar_rid),
        .bar_rdata(bar_rdata), .bar_rresp(bar_rresp), .bar_rlast(bar_rlast),
        .bar_rvalid(bar_rvalid), .bar_rready(bar_rready), .timeouts(bar_timeouts),
        .b_words(b_snap[63:0]), .b_status({30'd0, b_snap[64], b_fresh}),
        .clk(clk), .rst(rst),
        .s_axil_awaddr(l_awaddr), .s_axil_awprot(l_awprot), .s_axil_awvalid(l_awvalid),
        .s_axil_awready(l_awready), .s_axil_wdata(l_wdata), .s_axil_wstrb(l_wstrb),
        .s_axil_wvalid(l_wvalid), .s_axil_wready(l_wready), .s_axil_bresp(l_bresp),
        .s_axil_bvalid(l_bvalid), .s_axil_bready(l_bready), .s_axil_araddr(l_araddr),
        .s_axil_arprot(l_arprot), .s_axil_arvalid(l_arvalid), .s_axil_arready(l_arready),
        .s_axil_rdata(l_rdata), .s_axil_rresp(l_rresp), .s_axil_rvalid(l_rvalid),
        .s_axil_rready(l_rready));

    ferronic_axi_up #(.NB(16), .WB(DW / 8), .IDW(4), .AW(64)) dma (
        .clk(clk), .rst(rst),
        .s_awid(a_awid), .s_awaddr(a_awaddr), .s_awlen(a_awlen), .s_awvalid(a_awvalid),
        .s_awready(a_awready), .s_wdata(a_wdata), .s_wstrb(a_wstrb), .s_wlast(a_wlast),
        .s_wvalid(a_wvalid), .s_wready(a_wready), .s_bid(a_bid), .s_bresp(a_bresp),
        .s_bvalid(a_bvalid), .s_bready(a_bready), .s_arid(a_arid), .s_araddr(a_araddr),
        .s_arlen(a_arlen), .s_arvalid(a_arvalid), .s_arready(a_arready), .s_rid(a_rid),
        .s_rdata(a_rdata), .s_rresp(a_rresp), .s_rlast(a_rlast), .s_rvalid(a_rvalid),
        .s_rready(a_rready),
        .axi_aclk(axi_aclk), .axi_rst(axi_rst),
        .m_awid(dma_awid), .m_awaddr(dma_awaddr), .m_awlen(dma_awlen),
        .m_awsize(dma_awsize), .m_awburst(dma_awburst), .m_awvalid(dma_awvalid),
        .m_awready(dma_awready), .m_wdata(dma_wdata), .m_wstrb(dma_wstrb),
        .m_wlast(dma_wlast), .m_wvalid(dma_wvalid), .m_wready(dma_wready),
        .m_bid(dma_bid), .m_bresp(dma_bresp), .m_bvalid(dma_bvalid), .m_bready(dma_bready),
        .m_arid(dma_arid), .m_araddr(dma_araddr), .m_arlen(dma_arlen),
        .m_arsize(dma_arsize), .m_arburst(dma_arburst), .m_arvalid(dma_arvalid),
        .m_arready(dma_arready), .m_rid(dma_rid), .m_rdata(dma_rdata),
        .m_rresp(dma_rresp), .m_rlast(dma_rlast), .m_rvalid(dma_rvalid),
        .m_rready(dma_rready));

    ferronic_irq_cdc #(.N(NIRQ)) irq (
        .clk(clk), .rst(rst), .irq_req(irq_req), .irq_ack(irq_ack),
        .axi_aclk(axi_aclk), .axi_rst(axi_rst),
        .usr_irq_req(usr_irq_req), .usr_irq_ack(usr_irq_ack));

    // activity: on for 2^22 clocks (27 ms) after any frame ends either way
    reg [21:0] act;
    always @(posedge clk) begin
        if (rst) act <= 0;
        else if ((rx_axis_tvalid && rx_axis_tlast) || (tx_axis_tvalid && tx_axis_tready && tx_axis_tlast))
            act <= {22{1'b1}};
        else if (act != 0) act <= act - 1'b1;
    end
    assign activity = act != 0;
endmodule
