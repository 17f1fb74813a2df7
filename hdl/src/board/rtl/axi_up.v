// ferronic_axi_up: the core's AXI4 master (m_axi: 128-bit data, INCR
// bursts of full-width beats, never across 4 KiB; the nic top's contract)
// to XDMA's AXI slave bridge s_axib (PG195) of WB bytes a beat, in another
// clock. Widening happens in the core's clock; five dual-clock FIFOs
// (ferronic_async_fifo) carry AW, W and AR to axi_aclk and B and R back.
//
// A narrow burst of n beats from byte address a becomes a wide burst from
// a rounded down to WB bytes, of ((a / NB mod R) + n - 1) / R + 1 beats
// (R = WB / NB): narrow beat i lands in lane (a / NB + i) mod R of its wide
// beat, and only that lane's strobes are set, so no byte outside the
// narrow burst is written. Wide read beats are cut back into the narrow
// beats the burst asked for, skipping the lanes before a and after its
// end. Read bursts are tracked per ID (arid's low two bits: the core uses
// IDs 0, 1 and 3), so a slave that returns different IDs out of order or
// interleaved is followed; within an ID, AXI keeps order. IDs and
// responses pass unchanged.
module ferronic_axi_up #(
    parameter NB = 16,    // narrow (core) bytes a beat
    parameter WB = 64,    // wide (XDMA) bytes a beat
    parameter IDW = 4,
    parameter AW = 64,
    parameter A = 4,      // log2 entries of each dual-clock FIFO
    parameter Q = 4       // log2 read bursts in flight per ID
) (
    input  wire             clk,
    input  wire             rst,
    input  wire [IDW-1:0]   s_awid,
    input  wire [AW-1:0]    s_awaddr,
    input  wire [7:0]       s_awlen,
    input  wire             s_awvalid,
    output wire             s_awready,
    input  wire [NB*8-1:0]  s_wdata,
    input  wire [NB-1:0]    s_wstrb,
    input  wire             s_wlast,
    input  wire             s_wvalid,
    output wire             s_wready,
    output wire [IDW-1:0]   s_bid,
    output wire [1:0]       s_bresp,
    output wire             s_bvalid,
    input  wire             s_bready,
    input  wire [IDW-1:0]   s_arid,
    input  wire [AW-1:0]    s_araddr,
    input  wire [7:0]       s_arlen,
    input  wire             s_arvalid,
    output wire             s_arready,
    output reg  [IDW-1:0]   s_rid,
    output reg  [NB*8-1:0]  s_rdata,
    output reg  [1:0]       s_rresp,
    output reg              s_rlast,
    output reg              s_rvalid,
    input  wire             s_rready,
    input  wire             axi_aclk,
    input  wire             axi_rst,
    output wire [IDW-1:0]   m_awid,
    output wire [AW-1:0]    m_awaddr,
    output wire [7:0]       m_awlen,
    output wire [2:0]       m_awsize,
    output wire [1:0]       m_awburst,
    output wire             m_awvalid,
    input  wire             m_awready,
    output wire [WB*8-1:0]  m_wdata,
    output wire [WB-1:0]    m_wstrb,
    output wire             m_wlast,
    output wire             m_wvalid,
    input  wire             m_wready,
    input  wire [IDW-1:0]   m_bid,
    input  wire [1:0]       m_bresp,
    input  wire             m_bvalid,
    output wire             m_bready,
    output wire [IDW-1:0]   m_arid,
    output wire [AW-1:0]    m_araddr,
    output wire [7:0]       m_arlen,
    output wire [2:0]       m_arsize,
    output wire [1:0]       m_arburst,
    output wire             m_arvalid,
    input  wire             m_arready,
    input  wire [IDW-1:0]   m_rid,
    input  wire [WB*8-1:0]  m_rdata,
    input  wire [1:0]       m_rresp,
    input  wire             m_rlast,
    input  wire             m_rvalid,
    output wire             m_rready
);
    localparam R = WB / NB;
    localparam L = $clog2(R);
    localparam NL = $clog2(NB);
    localparam WL = $clog2(WB);
    localparam [2:0] WSIZE = WL[2:0];
    localparam [AW-1:0] WMASK = ~((1 << WL) - 1);
    assign m_awsize = WSIZE;
    assign m_arsize = WSIZE;
    assign m_awburst = 2'b01;
    assign m_arburst = 2'b01;

    // ---- AW: the wide burst, and the first lane for the W packer ----
    wire [L-1:0] aw_lane = s_awaddr[WL-1:NL];
    wire [L-1:0] ar_lane = s_araddr[WL-1:NL];
    /* verilator lint_off UNUSEDSIGNAL */
    // (the low L bits: the last lane, which the W packer finds by wlast)
    wire [8+L-1:0] aw_end = {{L{1'b0}}, s_awlen} + {8'd0, aw_lane};
    wire [8+L-1:0] ar_end = {{L{1'b0}}, s_arlen} + {8'd0, ar_lane};
    /* verilator lint_on UNUSEDSIGNAL */
    wire aw_fifo_ready;
    reg [L-1:0] wq [0:3];          // first lanes of the bursts W is owed
    reg [2:0] wq_n;
    reg [1:0] wq_rd, wq_wr;
    wire aw_take = s_awvalid && s_awready;
    assign s_awready = aw_fifo_ready && wq_n != 4;
    ferronic_async_fifo #(.W(IDW + AW + 8), .A(A)) aw_fifo (
        .s_clk(clk), .s_rst(rst),
        .s_data({s_awid, s_awaddr & WMASK, aw_end[8+L-1:L]}),
        .s_valid(s_awvalid && wq_n != 4), .s_ready(aw_fifo_ready),
        .m_clk(axi_aclk), .m_rst(axi_rst),
        .m_data({m_awid, m_awaddr, m_awlen}), .m_valid(m_awvalid), .m_ready(m_awready));

    // ---- W: narrow beats packed into wide ones ----
    reg [WB*8-1:0] pk_data;
    reg [WB-1:0] pk_strb;
    reg pk_last, pk_valid;
    reg [L-1:0] lane;
    reg in_burst;                  // lane holds the burst's next lane
    wire w_fifo_ready;
    wire [L-1:0] cur_lane = in_burst ? lane : wq[wq_rd];
    wire room = !pk_valid || w_fifo_ready;
    assign s_wready = room && (in_burst || wq_n != 0);
    wire w_take = s_wvalid && s_wready;
    ferronic_async_fifo #(.W(WB * 8 + WB + 1), .A(A)) w_fifo (
        .s_clk(clk), .s_rst(rst),
        .s_data({pk_data, pk_strb, pk_last}), .s_valid(pk_valid), .s_ready(w_fifo_ready),
        .m_clk(axi_aclk), .m_rst(axi_rst),
        .m_data({m_wdata, m_wstrb, m_wlast}), .m_valid(m_wvalid), .m_ready(m_wready));
    genvar g;
    generate
        for (g = 0; g < R; g = g + 1) begin : w_lane
            wire here = cur_lane == g;
            always @(posedge clk) begin
                if (w_take && here) pk_data[g*NB*8 +: NB*8] <= s_wdata;
                if (rst) pk_strb[g*NB +: NB] <= 0;
                else if (w_take)
                    // a packed beat leaving now (pk_valid: room means it
                    // is taken) starts a fresh one
                    pk_strb[g*NB +: NB] <= here ? s_wstrb
                                          : pk_valid ? {NB{1'b0}} : pk_strb[g*NB +: NB];
                else if (pk_valid && w_fifo_ready) pk_strb[g*NB +: NB] <= 0;
            end
        end
    endgenerate
    always @(posedge clk) begin
        if (rst) begin
            wq_n <= 0;
            wq_rd <= 0;
            wq_wr <= 0;
            pk_valid <= 0;
            in_burst <= 0;
        end else begin
            if (aw_take) begin
                wq[wq_wr] <= aw_lane;
                wq_wr <= wq_wr + 1'b1;
            end
            if (w_take && !in_burst) wq_rd <= wq_rd + 1'b1;
            if (aw_take && !(w_take && !in_burst)) wq_n <= wq_n + 1'b1;
            else if (!aw_take && w_take && !in_burst) wq_n <= wq_n - 1'b1;
            if (pk_valid && w_fifo_ready) pk_valid <= 0;
            if (w_take) begin
                pk_last <= s_wlast;
                pk_valid <= s_wlast || &cur_lane;
                lane <= cur_lane + 1'b1;
                in_burst <= !s_wlast;
            end
        end
    end

    // ---- B: back unchanged ----
    ferronic_async_fifo #(.W(IDW + 2), .A(A)) b_fifo (
        .s_clk(axi_aclk), .s_rst(axi_rst),
        .s_data({m_bid, m_bresp}), .s_valid(m_bvalid), .s_ready(m_bready),
        .m_clk(clk), .m_rst(rst),
        .m_data({s_bid, s_bresp}), .m_valid(s_bvalid), .m_ready(s_bready));

    // ---- AR: the wide burst; first lane and narrow length kept per ID ----
    wire ar_fifo_ready;
    wire [1:0] ar_q = s_arid[1:0];
    // per ID (index {id, slot}): {first lane, narrow len} of up to 2^Q
    // bursts in flight
    reg [L+7:0] rq [0:4*(1<<Q)-1];
    // per ID: a burst is being cut, the lane of its next narrow beat, the
    // narrow beats after that one, and its queue of bursts
    reg act [0:3];
    reg [L-1:0] r_lane [0:3];
    reg [7:0] r_left [0:3];
    reg [Q:0] rq_n [0:3];
    reg [Q-1:0] rq_rd [0:3];
    reg [Q-1:0] rq_wr [0:3];
    wire [Q-1:0] ar_wr = rq_wr[ar_q];
    // room in every ID's queue: arready does not depend on arid, so no
    // combinational path runs from the core's AR register back into it
    wire ar_room = rq_n[0] != (1 << Q) && rq_n[1] != (1 << Q) && rq_n[2] != (1 << Q)
                   && rq_n[3] != (1 << Q);
    assign s_arready = ar_fifo_ready && ar_room;
    wire ar_take = s_arvalid && s_arready;
    ferronic_async_fifo #(.W(IDW + AW + 8), .A(A)) ar_fifo (
        .s_clk(clk), .s_rst(rst),
        .s_data({s_arid, s_araddr & WMASK, ar_end[8+L-1:L]}),
        .s_valid(s_arvalid && ar_room), .s_ready(ar_fifo_ready),
        .m_clk(axi_aclk), .m_rst(axi_rst),
        .m_data({m_arid, m_araddr, m_arlen}), .m_valid(m_arvalid), .m_ready(m_arready));

    // ---- R: wide beats cut into the narrow beats asked for ----
    wire [IDW-1:0] r_id;
    wire [WB*8-1:0] r_data;
    wire [1:0] r_resp;
    wire r_valid;
    wire r_pop;
    /* verilator lint_off UNUSEDSIGNAL */
    wire r_wlast;                  // the narrow count decides the end
    /* verilator lint_on UNUSEDSIGNAL */
    ferronic_async_fifo #(.W(IDW + WB * 8 + 2 + 1), .A(A)) r_fifo (
        .s_clk(axi_aclk), .s_rst(axi_rst),
        .s_data({m_rid, m_rdata, m_rresp, m_rlast}), .s_valid(m_rvalid), .s_ready(m_rready),
        .m_clk(clk), .m_rst(rst),
        .m_data({r_id, r_data, r_resp, r_wlast}), .m_valid(r_valid), .m_ready(r_pop));
    wire [1:0] q = r_id[1:0];
    wire [Q-1:0] q_rd = rq_rd[q];
    wire [L+7:0] head = rq[{q, q_rd}];
    wire [L-1:0] c_lane = act[q] ? r_lane[q] : head[L+7:8];
    wire [7:0] c_left = act[q] ? r_left[q] : head[7:0];
    wire r_load = r_valid && (!s_rvalid || s_rready);
    assign r_pop = r_load && (c_left == 0 || &c_lane);
    // the narrow lane: an AND-OR of the lanes (one LUT level a bit for R <= 4)
    reg [NB*8-1:0] lane_data;
    integer k;
    always @(*) begin
        lane_data = 0;
        for (k = 0; k < R; k = k + 1)
            lane_data = lane_data | (r_data[k*NB*8 +: NB*8] & {NB*8{c_lane == k[L-1:0]}});
    end
    always @(posedge clk) begin
        if (ar_take) rq[{ar_q, ar_wr}] <= {ar_lane, s_arlen};
    end
    always @(posedge clk) begin
        if (rst) begin
            s_rvalid <= 0;
        end else begin
            if (s_rvalid && s_rready) s_rvalid <= 0;
            if (r_load) begin
                s_rvalid <= 1;
                s_rid <= r_id;
                s_rdata <= lane_data;
                s_rresp <= r_resp;
                s_rlast <= c_left == 0;
            end
        end
    end
    generate
        for (g = 0; g < 4; g = g + 1) begin : r_id_state
            wire taken = ar_take && ar_q == g;
            wire mine = r_load && q == g;
            always @(posedge clk) begin
                if (rst) begin
                    act[g] <= 0;
                    rq_n[g] <= 0;
                    rq_rd[g] <= 0;
                    rq_wr[g] <= 0;
                end else begin
                    if (taken) rq_wr[g] <= rq_wr[g] + 1'b1;
                    if (taken && !(mine && c_left == 0)) rq_n[g] <= rq_n[g] + 1'b1;
                    else if (!taken && mine && c_left == 0) rq_n[g] <= rq_n[g] - 1'b1;
                    if (mine) begin
                        act[g] <= c_left != 0;
                        r_lane[g] <= c_lane + 1'b1;
                        r_left[g] <= c_left - 1'b1;
                        if (c_left == 0) rq_rd[g] <= rq_rd[g] + 1'b1;
                    end
                end
            end
        end
    endgenerate
endmodule
