// RGMII (Reduced Gigabit Media Independent Interface, HP/Broadcom RGMII
// v2.0) at 1 Gb/s on ECP5: the DDR side of the open board's MAC.
// Receive: RXD[3:0] carries bits 3:0 of a byte on the rising edge of RXC and
// bits 7:4 on the falling edge; RX_CTL carries RX_DV on the rising edge and
// RX_DV xor RX_ER on the falling edge. Transmit likewise on TXC, which this
// side drives. Each pin goes through a DELAYG (25 ps a tap, ECP5 sysI/O
// usage guide) and an IDDRX1F or ODDRX1F; their Q0/D0 is the rising-edge
// half, Q1/D1 the falling-edge half (the primitive mapping LiteEth's
// ecp5rgmii.py uses on ECP5 boards). The delays default to 2 ns on the
// received data and on TXC, LiteEth's defaults for these boards; set them to
// 0 where the PHY's straps add the RGMII-ID delays itself.

// Receive: GMII bytes in the RXC domain, one clock after the pins.
module ferronic_rgmii_rx #(
    parameter RX_DELAY_TAPS = 80
) (
    input  wire       rst,
    input  wire       rgmii_rxc,
    input  wire [3:0] rgmii_rxd,
    input  wire       rgmii_rx_ctl,
    output reg  [7:0] rxd,
    output reg        rx_dv,
    output reg        rx_er
);
    wire [4:0] pin = {rgmii_rx_ctl, rgmii_rxd};
    wire [4:0] dly;
    wire [4:0] q0;
    wire [4:0] q1;
    genvar i;
    generate
        for (i = 0; i < 5; i = i + 1) begin : lane
            DELAYG #(.DEL_MODE("SCLK_ALIGNED"), .DEL_VALUE(RX_DELAY_TAPS))
                delay (.A(pin[i]), .Z(dly[i]));
            IDDRX1F ddr (.D(dly[i]), .SCLK(rgmii_rxc), .RST(rst), .Q0(q0[i]), .Q1(q1[i]));
        end
    endgenerate
    always @(posedge rgmii_rxc) begin
        rxd   <= {q1[3:0], q0[3:0]};
        rx_dv <= q0[4];
        rx_er <= q0[4] ^ q1[4];
    end
endmodule

// Transmit: GMII bytes in the transmit clock's domain (125 MHz) onto the
// pins, and TXC forwarded from that clock.
module ferronic_rgmii_tx #(
    parameter TX_DELAY_TAPS = 80
) (
    input  wire       rst,
    input  wire       clk,
    input  wire [7:0] txd,
    input  wire       tx_en,
    input  wire       tx_er,
    output wire       rgmii_txc,
    output wire [3:0] rgmii_txd,
    output wire       rgmii_tx_ctl
);
    wire [5:0] d0 = {1'b1, tx_en, txd[3:0]};
    wire [5:0] d1 = {1'b0, tx_en ^ tx_er, txd[7:4]};
    wire [5:0] q;
    wire [5:0] pin;
    genvar i;
    generate
        for (i = 0; i < 6; i = i + 1) begin : lane
            ODDRX1F ddr (.D0(d0[i]), .D1(d1[i]), .SCLK(clk), .RST(rst), .Q(q[i]));
            // the forwarded clock (lane 5) is delayed against the data
            DELAYG #(.DEL_MODE("SCLK_ALIGNED"), .DEL_VALUE(i == 5 ? TX_DELAY_TAPS : 0))
                delay (.A(q[i]), .Z(pin[i]));
        end
    endgenerate
    assign rgmii_txd = pin[3:0];
    assign rgmii_tx_ctl = pin[4];
    assign rgmii_txc = pin[5];
endmodule
