// The open board's MAC, one port: the RGMII pins through the DDR side
// (rgmii.v) and the GMII-level MAC halves (rgmii_mac_rx, rgmii_mac_tx:
// GmiiRx and GmiiTx from the rust-hdl sources). Receive runs on the PHY's
// RXC, transmit on `clk` (125 MHz), which is also forwarded as TXC.
module rgmii_mac (
    input  wire        clk,
    input  wire        tx_rst,
    input  wire        rx_rst,
    input  wire        rgmii_rxc,
    input  wire [3:0]  rgmii_rxd,
    input  wire        rgmii_rx_ctl,
    output wire        rgmii_txc,
    output wire [3:0]  rgmii_txd,
    output wire        rgmii_tx_ctl,
    output wire [63:0] m_axis_tdata,
    output wire [7:0]  m_axis_tkeep,
    output wire        m_axis_tvalid,
    output wire        m_axis_tlast,
    output wire        m_axis_tuser,
    output wire        bad_start,
    input  wire [63:0] s_axis_tdata,
    input  wire [7:0]  s_axis_tkeep,
    input  wire        s_axis_tvalid,
    input  wire        s_axis_tlast,
    output wire        s_axis_tready,
    output wire        underrun
);
    wire [7:0] rxd;
    wire       rx_dv;
    wire       rx_er;
    wire [7:0] txd;
    wire       tx_en;
    wire       tx_er;
    ferronic_rgmii_rx phy_rx (
        .rst(rx_rst), .rgmii_rxc(rgmii_rxc), .rgmii_rxd(rgmii_rxd),
        .rgmii_rx_ctl(rgmii_rx_ctl), .rxd(rxd), .rx_dv(rx_dv), .rx_er(rx_er)
    );
    rgmii_mac_rx mac_rx (
        .clock(rgmii_rxc), .rst(rx_rst), .rxd(rxd), .rx_dv(rx_dv), .rx_er(rx_er),
        .m_axis_tdata(m_axis_tdata), .m_axis_tkeep(m_axis_tkeep),
        .m_axis_tvalid(m_axis_tvalid), .m_axis_tlast(m_axis_tlast),
        .m_axis_tuser(m_axis_tuser), .bad_start(bad_start)
    );
    rgmii_mac_tx mac_tx (
        .clock(clk), .rst(tx_rst), .s_axis_tdata(s_axis_tdata),
        .s_axis_tkeep(s_axis_tkeep), .s_axis_tvalid(s_axis_tvalid),
        .s_axis_tlast(s_axis_tlast), .s_axis_tready(s_axis_tready),
        .txd(txd), .tx_en(tx_en), .tx_er(tx_er), .underrun(underrun)
    );
    ferronic_rgmii_tx phy_tx (
        .rst(tx_rst), .clk(clk), .txd(txd), .tx_en(tx_en), .tx_er(tx_er),
        .rgmii_txc(rgmii_txc), .rgmii_txd(rgmii_txd), .rgmii_tx_ctl(rgmii_tx_ctl)
    );
endmodule
