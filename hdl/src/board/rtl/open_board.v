// ferronic open board (issue 16): the bump in the wire between a switch's
// CPU port (port 0) and a CPU's MAC (port 1), everything but the PLL and
// the pins' top (colorlight top, written by nicgen).
//
// Clocks, each with its own reset synchroniser from `arst`:
//   rgmii0_rxc, rgmii1_rxc  the PHYs' receive clocks (125 MHz at 1 Gb/s)
//   clk125                  both ports' transmit side (TXC forwarded)
//   core_clk                the conversion path (ConvPath), 62.5 MHz on
//                           the board: 64 bits a clock is 4 Gb/s there
// Switch to CPU: port 0 MAC -> fwd_rx (rx0 -> core) -> ConvPath ->
// fwd_tx (core -> clk125, whole frames) -> port 1 MAC.
// CPU to switch: port 1 MAC -> rev (rx1 -> clk125, whole frames) and
// TailCapture (rx1) -> descriptors (rx1 -> clk125) -> TagRewrite ->
// port 0 MAC.
// Configuration (`cfg_*`, core_clk) reaches the rx1 side through
// ferronic_snap (a coherent copy; TailCapture samples it at a frame's
// first beat). Every event below is a pulse in its own domain, crossed by
// ferronic_event_cdc and counted in core_clk (`counts`, 64 bits each,
// zeroed by a `cnt_clear` pulse; the names are the register map's,
// regmap/src/blocks/open.rs):
//    0 frames received on port 0 and kept by fwd_rx
//    1 port 0 frames dropped: fwd_rx full
//    2 port 0 frames dropped: rx_er during the frame
//    3 port 0 frames dropped: no preamble/SFD (bad start)
//    4 frames out of ConvPath (sent to fwd_tx)
//    5   of those, bad FCS (sent with the FCS complemented)
//    6   runts (< 64 bytes)
//    7   giants (> 16383 bytes)
//    8   too short for their tag (passed unchanged)
//    9   tag migrated
//   10 ConvPath frames dropped: cfg_enable was 0
//   11 port 1 frames dropped: fwd_tx full
//   12 frames sent on port 1
//   13 port 1 transmit underruns (never expected: whole frames)
//   14 frames received on port 1 and kept by rev
//   15 port 1 frames dropped: rev full
//   16 port 1 frames dropped: rx_er, or no descriptor room
//   17 port 1 frames dropped: bad start
//   18 reverse frames with a bad FCS (sent with the FCS complemented)
//   19 reverse frames whose tail tag was moved back to the header
//   20 reverse frames too short for their tag in mode tail (unchanged)
//   21 frames sent on port 0
//   22 port 0 transmit underruns (never expected)
module ferronic_open_board (
    input  wire         arst,
    input  wire         clk125,
    input  wire         core_clk,
    input  wire         rgmii0_rxc,
    input  wire [3:0]   rgmii0_rxd,
    input  wire         rgmii0_rx_ctl,
    output wire         rgmii0_txc,
    output wire [3:0]   rgmii0_txd,
    output wire         rgmii0_tx_ctl,
    input  wire         rgmii1_rxc,
    input  wire [3:0]   rgmii1_rxd,
    input  wire         rgmii1_rx_ctl,
    output wire         rgmii1_txc,
    output wire [3:0]   rgmii1_txd,
    output wire         rgmii1_tx_ctl,
    input  wire [3:0]   cfg_tag_format,
    input  wire [1:0]   cfg_tag_mode,
    input  wire         cfg_enable,
    input  wire          cnt_clear,
    output wire [1471:0] counts,
    output reg  [63:0]  last_tag
);
    localparam N_EV = 23;
    wire rst_rx0, rst_rx1, rst_core, rst_tx;
    ferronic_reset_sync rs_rx0 (.clk(rgmii0_rxc), .arst(arst), .rst(rst_rx0));
    ferronic_reset_sync rs_rx1 (.clk(rgmii1_rxc), .arst(arst), .rst(rst_rx1));
    ferronic_reset_sync rs_core (.clk(core_clk), .arst(arst), .rst(rst_core));
    ferronic_reset_sync rs_tx (.clk(clk125), .arst(arst), .rst(rst_tx));

    // ---- port 0 (switch side)
    wire [63:0] rx0_tdata;  wire [7:0] rx0_tkeep;
    wire rx0_tvalid, rx0_tlast, rx0_tuser, rx0_bad_start;
    wire [63:0] tx0_tdata;  wire [7:0] tx0_tkeep;
    wire tx0_tvalid, tx0_tlast, tx0_tready, tx0_underrun;
    rgmii_mac port0 (
        .clk(clk125), .tx_rst(rst_tx), .rx_rst(rst_rx0),
        .rgmii_rxc(rgmii0_rxc), .rgmii_rxd(rgmii0_rxd), .rgmii_rx_ctl(rgmii0_rx_ctl),
        .rgmii_txc(rgmii0_txc), .rgmii_txd(rgmii0_txd), .rgmii_tx_ctl(rgmii0_tx_ctl),
        .m_axis_tdata(rx0_tdata), .m_axis_tkeep(rx0_tkeep), .m_axis_tvalid(rx0_tvalid),
        .m_axis_tlast(rx0_tlast), .m_axis_tuser(rx0_tuser), .bad_start(rx0_bad_start),
        .s_axis_tdata(tx0_tdata), .s_axis_tkeep(tx0_tkeep), .s_axis_tvalid(tx0_tvalid),
        .s_axis_tlast(tx0_tlast), .s_axis_tready(tx0_tready), .underrun(tx0_underrun)
    );
    // ---- port 1 (CPU side)
    wire [63:0] rx1_tdata;  wire [7:0] rx1_tkeep;
    wire rx1_tvalid, rx1_tlast, rx1_tuser, rx1_bad_start;
    wire [63:0] tx1_tdata;  wire [7:0] tx1_tkeep;
    wire tx1_tvalid, tx1_tlast, tx1_tready, tx1_underrun;
    rgmii_mac port1 (
        .clk(clk125), .tx_rst(rst_tx), .rx_rst(rst_rx1),
        .rgmii_rxc(rgmii1_rxc), .rgmii_rxd(rgmii1_rxd), .rgmii_rx_ctl(rgmii1_rx_ctl),
        .rgmii_txc(rgmii1_txc), .rgmii_txd(rgmii1_txd), .rgmii_tx_ctl(rgmii1_tx_ctl),
        .m_axis_tdata(rx1_tdata), .m_axis_tkeep(rx1_tkeep), .m_axis_tvalid(rx1_tvalid),
        .m_axis_tlast(rx1_tlast), .m_axis_tuser(rx1_tuser), .bad_start(rx1_bad_start),
        .s_axis_tdata(tx1_tdata), .s_axis_tkeep(tx1_tkeep), .s_axis_tvalid(tx1_tvalid),
        .s_axis_tlast(tx1_tlast), .s_axis_tready(tx1_tready), .underrun(tx1_underrun)
    );

    // ---- switch to CPU
    wire fwd_rx_commit, fwd_rx_overflow, fwd_rx_error;
    wire [63:0] c_tdata;  wire [7:0] c_tkeep;
    wire c_tvalid, c_tlast, c_tready;
    ferronic_frame_cdc fwd_rx (
        .s_clk(rgmii0_rxc), .s_rst(rst_rx0),
        .s_tdata(rx0_tdata), .s_tkeep(rx0_tkeep), .s_tvalid(rx0_tvalid),
        .s_tlast(rx0_tlast), .s_tuser(rx0_tuser),
        .s_commit(fwd_rx_commit), .s_overflow(fwd_rx_overflow), .s_error(fwd_rx_error),
        .m_clk(core_clk), .m_rst(rst_core),
        .m_tdata(c_tdata), .m_tkeep(c_tkeep), .m_tvalid(c_tvalid),
        .m_tready(c_tready), .m_tlast(c_tlast)
    );
    wire [63:0] v_tdata, v_tag;  wire [7:0] v_tkeep;  wire [6:0] v_tuser;
    wire v_tvalid, v_tlast;
    open_conv conv (
        .clock(core_clk), .rst(rst_core),
        .cfg_tag_format(cfg_tag_format), .cfg_tag_mode(cfg_tag_mode), .cfg_enable(cfg_enable),
        .s_axis_tdata(c_tdata), .s_axis_tkeep(c_tkeep), .s_axis_tvalid(c_tvalid),
        .s_axis_tlast(c_tlast), .s_axis_tready(c_tready),
        .m_axis_tdata(v_tdata), .m_axis_tkeep(v_tkeep), .m_axis_tvalid(v_tvalid),
        .m_axis_tlast(v_tlast), .m_axis_tready(1'b1),
        .m_axis_tuser(v_tuser), .m_axis_tag(v_tag)
    );
    wire fwd_tx_commit, fwd_tx_overflow, fwd_tx_error;
    ferronic_frame_cdc fwd_tx (
        .s_clk(core_clk), .s_rst(rst_core),
        .s_tdata(v_tdata), .s_tkeep(v_tkeep), .s_tvalid(v_tvalid),
        .s_tlast(v_tlast), .s_tuser(v_tuser[6]),
        .s_commit(fwd_tx_commit), .s_overflow(fwd_tx_overflow), .s_error(fwd_tx_error),
        .m_clk(clk125), .m_rst(rst_tx),
        .m_tdata(tx1_tdata), .m_tkeep(tx1_tkeep), .m_tvalid(tx1_tvalid),
        .m_tready(tx1_tready), .m_tlast(tx1_tlast)
    );

    // ---- CPU to switch
    wire [6:0] cfg_rx1;
    wire cfg_rx1_fresh;
    ferronic_snap #(.W(7)) cfg_snap (
        .s_clk(core_clk), .d({cfg_enable, cfg_tag_mode, cfg_tag_format}),
        .m_clk(rgmii1_rxc), .m_rst(rst_rx1), .q(cfg_rx1), .fresh(cfg_rx1_fresh)
    );
    wire rev_commit, rev_overflow, rev_error, force_drop, desc_room, d_valid, ev_short;
    wire [84:0] d_data;
    open_tail_capture capture (
        .clock(rgmii1_rxc), .rst(rst_rx1),
        .s_tdata(rx1_tdata), .s_tkeep(rx1_tkeep), .s_tvalid(rx1_tvalid), .s_tlast(rx1_tlast),
        .cfg_tag_format(cfg_rx1[3:0]), .cfg_tag_mode(cfg_rx1[5:4]),
        .kept(rev_commit), .desc_room(desc_room), .force_drop(force_drop),
        .d_valid(d_valid), .d_data(d_data), .ev_short(ev_short)
    );
    wire [63:0] r_tdata;  wire [7:0] r_tkeep;
    wire r_tvalid, r_tlast, r_tready;
    ferronic_frame_cdc rev (
        .s_clk(rgmii1_rxc), .s_rst(rst_rx1),
        .s_tdata(rx1_tdata), .s_tkeep(rx1_tkeep), .s_tvalid(rx1_tvalid),
        .s_tlast(rx1_tlast), .s_tuser(rx1_tuser || force_drop),
        .s_commit(rev_commit), .s_overflow(rev_overflow), .s_error(rev_error),
        .m_clk(clk125), .m_rst(rst_tx),
        .m_tdata(r_tdata), .m_tkeep(r_tkeep), .m_tvalid(r_tvalid),
        .m_tready(r_tready), .m_tlast(r_tlast)
    );
    wire [84:0] q_desc;
    wire q_valid, q_pop;
    ferronic_async_fifo #(.W(85), .A(5), .REG_READY(1)) desc_fifo (
        .s_clk(rgmii1_rxc), .s_rst(rst_rx1), .s_data(d_data), .s_valid(d_valid),
        .s_ready(desc_room),
        .m_clk(clk125), .m_rst(rst_tx), .m_data(q_desc), .m_valid(q_valid), .m_ready(q_pop)
    );
    open_tag_rewrite rewrite (
        .clock(clk125), .rst(rst_tx),
        .desc(q_desc), .desc_valid(q_valid), .desc_pop(q_pop),
        .s_tdata(r_tdata), .s_tkeep(r_tkeep), .s_tvalid(r_tvalid), .s_tlast(r_tlast),
        .s_tready(r_tready),
        .m_axis_tdata(tx0_tdata), .m_axis_tkeep(tx0_tkeep), .m_axis_tvalid(tx0_tvalid),
        .m_axis_tlast(tx0_tlast), .m_axis_tready(tx0_tready)
    );

    // ---- events, counted in core_clk
    wire [3:0] ev_rx0;
    ferronic_event_cdc #(.N(4)) x_rx0 (
        .s_clk(rgmii0_rxc), .d({rx0_bad_start, fwd_rx_error, fwd_rx_overflow, fwd_rx_commit}),
        .m_clk(core_clk), .q(ev_rx0)
    );
    wire v_end = v_tvalid && v_tlast;
    wire [6:0] ev_core = {fwd_tx_overflow, v_end && v_tuser[6], v_end && v_tuser[5],
                          v_end && v_tuser[4], v_end && v_tuser[3], v_end && v_tuser[2],
                          v_end && v_tuser[1]};
    wire [6:0] ev_rx1;
    wire [3:0] ev_tx;
    ferronic_event_cdc #(.N(7)) x_rx1 (
        .s_clk(rgmii1_rxc),
        .d({ev_short, d_valid && d_data[78], d_valid && d_data[79], rx1_bad_start,
            rev_error, rev_overflow, rev_commit}),
        .m_clk(core_clk), .q(ev_rx1)
    );
    wire sent0 = tx0_tvalid && tx0_tready && tx0_tlast;
    wire sent1 = tx1_tvalid && tx1_tready && tx1_tlast;
    ferronic_event_cdc #(.N(4)) x_tx (
        .s_clk(clk125), .d({tx0_underrun, sent0, tx1_underrun, sent1}),
        .m_clk(core_clk), .q(ev_tx)
    );
    // the tag of the last frame ConvPath migrated (mode strip: the only
    // place the tag is kept)
    always @(posedge core_clk) begin
        if (rst_core) last_tag <= 64'd0;
        else if (v_end && v_tuser[5]) last_tag <= v_tag;
    end
    // not needed here: ConvPath's BAD (its causes are counted), fwd_tx's
    // commit and drop (counted as ConvPath's frames and drop marks), the
    // enable bit and freshness of the rx1 copy of the configuration
    wire _unused_ok = &{1'b0, v_tuser[0], fwd_tx_commit, fwd_tx_error, cfg_rx1[6],
                        cfg_rx1_fresh};
    wire [N_EV-1:0] ev = {
        ev_tx[3], ev_tx[2],                         // 22 underrun0, 21 sent0
        ev_rx1[6], ev_rx1[5], ev_rx1[4],            // 20 short, 19 restored, 18 bad FCS
        ev_rx1[3], ev_rx1[2], ev_rx1[1], ev_rx1[0], // 17 bad start .. 14 kept
        ev_tx[1], ev_tx[0],                         // 13 underrun1, 12 sent1
        ev_core[6],                                 // 11 fwd_tx full
        ev_core[5:0],                               // 10 drop .. 5 bad FCS
        v_end,                                      // 4 ConvPath frames
        ev_rx0[3], ev_rx0[2], ev_rx0[1], ev_rx0[0]  // 3 bad start .. 0 kept
    };
    genvar g;
    generate
        for (g = 0; g < N_EV; g = g + 1) begin : count
            // 64 bits at 62.5 MHz: one carry chain fits the 16 ns
            reg [63:0] n;
            always @(posedge core_clk) begin
                if (rst_core || cnt_clear) n <= 64'd0;
                else if (ev[g]) n <= n + 64'd1;
            end
            assign counts[64*g +: 64] = n;
        end
    endgenerate
endmodule
