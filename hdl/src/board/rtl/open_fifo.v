// ferronic open-board glue (issue 16): the frame FIFOs between clock
// domains and the event crossing. 64-bit AXI-Stream, byte 0 in
// tdata[7:0], contiguous tkeep. Uses ferronic_sync (cdc.v).

// ferronic_dpram72: 512 words of 72 bits, written in wclk, read in rclk
// with read latency 2 (`ra` with `re` at a clock, its word on `rd` two
// clocks later, held until the next read). With FERRONIC_ECP5 (the open
// board's build defines it) two DP16KD in 512 x 36 pseudo-dual-port mode
// with the read port's output register on (REGMODE_B = "OUTREG": 0.97 ns
// clock-to-out instead of 5.8 ns at speed 6; yosys's inferred block RAM
// has no output register). Pins as hdl/src/dma/bank_ram.rs (Lattice
// FPGA-TN-02204, ECP5 Memory Usage Guide): data bits 0..17 on DIA/DOA,
// 18..35 on DIB/DOB, byte enables on ADA3..0, the word on ADA/ADB 13..5.
module ferronic_dpram72 (
    input  wire        wclk,
    input  wire        we,
    input  wire [8:0]  wa,
    input  wire [71:0] wd,
    input  wire        rclk,
    input  wire        re,
    input  wire [8:0]  ra,
    output wire [71:0] rd
);
`ifdef FERRONIC_ECP5
    genvar e;
    generate
        for (e = 0; e < 2; e = e + 1) begin : ebr
            wire [35:0] di = wd[36*e +: 36];
            wire [35:0] dout;
            wire [13:0] a_w = {wa, 1'b0, 4'b1111};
            wire [13:0] a_r = {ra, 5'd0};
            DP16KD #(.DATA_WIDTH_A(36), .DATA_WIDTH_B(36), .REGMODE_A("OUTREG"),
                     .REGMODE_B("OUTREG"), .RESETMODE("SYNC"), .ASYNC_RESET_RELEASE("SYNC"),
                     .CSDECODE_A("0b000"), .CSDECODE_B("0b000"), .WRITEMODE_A("NORMAL"),
                     .WRITEMODE_B("NORMAL"), .GSR("DISABLED")) ram (
                .CLKA(wclk), .CEA(we), .OCEA(1'b1), .WEA(1'b1), .RSTA(1'b0),
                .CSA0(1'b0), .CSA1(1'b0), .CSA2(1'b0),
                .CLKB(rclk), .CEB(re), .OCEB(1'b1), .WEB(1'b0), .RSTB(1'b0),
                .CSB0(1'b0), .CSB1(1'b0), .CSB2(1'b0),
                .ADA0(a_w[0]), .ADA1(a_w[1]), .ADA2(a_w[2]), .ADA3(a_w[3]), .ADA4(a_w[4]),
                .ADA5(a_w[5]), .ADA6(a_w[6]), .ADA7(a_w[7]), .ADA8(a_w[8]), .ADA9(a_w[9]),
                .ADA10(a_w[10]), .ADA11(a_w[11]), .ADA12(a_w[12]), .ADA13(a_w[13]),
                .ADB0(a_r[0]), .ADB1(a_r[1]), .ADB2(a_r[2]), .ADB3(a_r[3]), .ADB4(a_r[4]),
                .ADB5(a_r[5]), .ADB6(a_r[6]), .ADB7(a_r[7]), .ADB8(a_r[8]), .ADB9(a_r[9]),
                .ADB10(a_r[10]), .ADB11(a_r[11]), .ADB12(a_r[12]), .ADB13(a_r[13]),
                .DIA0(di[0]), .DIA1(di[1]), .DIA2(di[2]), .DIA3(di[3]), .DIA4(di[4]),
                .DIA5(di[5]), .DIA6(di[6]), .DIA7(di[7]), .DIA8(di[8]), .DIA9(di[9]),
                .DIA10(di[10]), .DIA11(di[11]), .DIA12(di[12]), .DIA13(di[13]),
                .DIA14(di[14]), .DIA15(di[15]), .DIA16(di[16]), .DIA17(di[17]),
                .DIB0(di[18]), .DIB1(di[19]), .DIB2(di[20]), .DIB3(di[21]), .DIB4(di[22]),
                .DIB5(di[23]), .DIB6(di[24]), .DIB7(di[25]), .DIB8(di[26]), .DIB9(di[27]),
                .DIB10(di[28]), .DIB11(di[29]), .DIB12(di[30]), .DIB13(di[31]),
                .DIB14(di[32]), .DIB15(di[33]), .DIB16(di[34]), .DIB17(di[35]),
                .DOA0(dout[0]), .DOA1(dout[1]), .DOA2(dout[2]), .DOA3(dout[3]),
                .DOA4(dout[4]), .DOA5(dout[5]), .DOA6(dout[6]), .DOA7(dout[7]),
                .DOA8(dout[8]), .DOA9(dout[9]), .DOA10(dout[10]), .DOA11(dout[11]),
                .DOA12(dout[12]), .DOA13(dout[13]), .DOA14(dout[14]), .DOA15(dout[15]),
                .DOA16(dout[16]), .DOA17(dout[17]),
                .DOB0(dout[18]), .DOB1(dout[19]), .DOB2(dout[20]), .DOB3(dout[21]),
                .DOB4(dout[22]), .DOB5(dout[23]), .DOB6(dout[24]), .DOB7(dout[25]),
                .DOB8(dout[26]), .DOB9(dout[27]), .DOB10(dout[28]), .DOB11(dout[29]),
                .DOB12(dout[30]), .DOB13(dout[31]), .DOB14(dout[32]), .DOB15(dout[33]),
                .DOB16(dout[34]), .DOB17(dout[35])
            );
            assign rd[36*e +: 36] = dout;
        end
    endgenerate
`else
    reg [71:0] mem [0:511];
    reg [71:0] q1, q2;
    always @(posedge wclk) if (we) mem[wa] <= wd;
    always @(posedge rclk) begin
        if (re) q1 <= mem[ra];
        q2 <= q1;
    end
    assign rd = q2;
`endif
endmodule

// ferronic_frame_cdc: whole frames from s_clk to m_clk, stored in 512
// beats (4 KiB, ferronic_dpram72) of {tlast, byte count - 1, tdata}. The
// write side never stalls (a MAC's receive side cannot, and the board's
// sources are MACs or stages fed by them): a frame that meets a full FIFO
// is dropped whole (its beats taken back, `s_overflow` high for one clock
// at its last beat), a frame whose last beat has tuser set is dropped
// likewise (`s_error`); a frame kept pulses `s_commit`. A frame longer
// than 512 beats can never fit and is always an overflow.
//
// Only whole frames are released: each kept frame's beat count goes
// through a 32-entry ferronic_async_fifo (Gray pointers), so the read
// side starts a frame only when it is whole and then knows its length,
// never looking at the data it read: a reader that needs a beat on time
// (GmiiTx) never waits inside a frame, and no decision waits on the
// block RAM. The read pointer crosses back as a Gray code for the full
// test; a pointer seen late only makes the FIFO look fuller. The read
// side keeps up to 4 beats read ahead (2 in the block RAM's pipeline) in
// an output buffer of flip-flops. Both resets come from one source
// through reset synchronisers. Throughput: one beat a clock on each
// side; a kept frame is visible 4 to 6 m_clk clocks after its last beat.
module ferronic_frame_cdc (
    input  wire        s_clk,
    input  wire        s_rst,
    input  wire [63:0] s_tdata,
    input  wire [7:0]  s_tkeep,
    input  wire        s_tvalid,
    input  wire        s_tlast,
    input  wire        s_tuser,
    output reg         s_commit,
    output reg         s_overflow,
    output reg         s_error,
    input  wire        m_clk,
    input  wire        m_rst,
    output wire [63:0] m_tdata,
    output wire [7:0]  m_tkeep,
    output wire        m_tvalid,
    input  wire        m_tready,
    output wire        m_tlast
);
    localparam A = 9;
    // Gray to binary: bit i is the XOR of the Gray bits i and above
    function automatic [A:0] bin(input [A:0] g);
        integer k;
        for (k = 0; k <= A; k = k + 1) bin[k] = ^(g >> k);
    endfunction
    // ---- write side: beat pointer (frame in progress), its frame's
    // start, its beats so far, the read pointer seen here
    reg [A:0] wcur, wframe, wlen;
    reg dropping;
    wire [A:0] rptr_gs;
    reg  [A:0] rptr_ws;
    wire len_room;
    wire full = wcur[A-1:0] == rptr_ws[A-1:0] && wcur[A] != rptr_ws[A];
    wire take = s_tvalid && !dropping && !full;
    // the byte count - 1 of a contiguous tkeep (lanes 0..7)
    wire [2:0] kc = s_tkeep[7] ? 3'd7 : s_tkeep[6] ? 3'd6 : s_tkeep[5] ? 3'd5 :
                    s_tkeep[4] ? 3'd4 : s_tkeep[3] ? 3'd3 : s_tkeep[2] ? 3'd2 :
                    s_tkeep[1] ? 3'd1 : 3'd0;
    wire keep_frame = s_tvalid && !dropping && !full && s_tlast && !s_tuser && len_room;
    always @(posedge s_clk) begin
        rptr_ws <= bin(rptr_gs);
        s_commit <= 1'b0;
        s_overflow <= 1'b0;
        s_error <= 1'b0;
        if (s_rst) begin
            wcur <= 0;
            wframe <= 0;
            wlen <= 0;
            dropping <= 1'b0;
        end else if (s_tvalid) begin
            if (dropping) begin
                if (s_tlast) dropping <= 1'b0;
            end else if (full || (s_tlast && !s_tuser && !len_room)) begin
                wcur <= wframe;
                wlen <= 0;
                dropping <= !s_tlast;
                s_overflow <= 1'b1;
            end else if (s_tlast && s_tuser) begin
                wcur <= wframe;
                wlen <= 0;
                s_error <= 1'b1;
            end else if (s_tlast) begin
                wcur <= wcur + 1'b1;
                wframe <= wcur + 1'b1;
                wlen <= 0;
                s_commit <= 1'b1;
            end else begin
                wcur <= wcur + 1'b1;
                wlen <= wlen + 1'b1;
            end
        end
    end
    // kept frames' beat counts - 1, to the read side
    wire [A:0] len_q;
    wire len_valid, len_pop;
    ferronic_async_fifo #(.W(A + 1), .A(5), .REG_READY(1)) lens (
        .s_clk(s_clk), .s_rst(s_rst), .s_data(wlen), .s_valid(keep_frame),
        .s_ready(len_room),
        .m_clk(m_clk), .m_rst(m_rst), .m_data(len_q), .m_valid(len_valid), .m_ready(len_pop)
    );
    // ---- read side: beat pointer (binary and Gray), beats left of the
    // frame being read (after the next), beats read and not taken
    reg [A:0] rptr, rptr_g, left;
    reg left_nz;
    reg [2:0] occ;
    reg v1, v2;                     // a read 1 and 2 clocks ago
    wire [71:0] rd;
    reg [67:0] buf0, buf1, buf2, buf3;
    reg [1:0] bw, br;               // buffer write and read slots
    wire pop = m_tvalid && m_tready;
    // the next frame's beat count - 1, taken from the FIFO ahead (so its
    // Gray compare reaches no read decision)
    reg [A:0] lq;
    reg lq_valid;
    wire more = left_nz || lq_valid;
    // (read ahead while fewer than 4 beats are out: m_tready reaches no
    // read decision, only the counts)
    wire issue = more && !occ[2];
    wire lq_take = issue && !left_nz;
    assign len_pop = len_valid && (!lq_valid || lq_take);
    wire [A:0] rptr_n = rptr + 1'b1;
    // beats in the buffer (read ahead and arrived)
    reg [2:0] have;
    assign m_tvalid = have != 3'd0;
    ferronic_dpram72 ram (
        .wclk(s_clk), .we(take), .wa(wcur[A-1:0]), .wd({4'd0, s_tlast, kc, s_tdata}),
        .rclk(m_clk), .re(issue), .ra(rptr[A-1:0]), .rd(rd)
    );
    wire [67:0] head = br == 2'd0 ? buf0 : br == 2'd1 ? buf1 : br == 2'd2 ? buf2 : buf3;
    assign m_tdata = head[63:0];
    assign m_tlast = head[67];
    assign m_tkeep = {head[66:64] >= 3'd7, head[66:64] >= 3'd6, head[66:64] >= 3'd5,
                      head[66:64] >= 3'd4, head[66:64] >= 3'd3, head[66:64] >= 3'd2,
                      head[66:64] >= 3'd1, 1'b1};
    always @(posedge m_clk) begin
        if (v2) begin
            if (bw == 2'd0) buf0 <= rd[67:0];
            if (bw == 2'd1) buf1 <= rd[67:0];
            if (bw == 2'd2) buf2 <= rd[67:0];
            if (bw == 2'd3) buf3 <= rd[67:0];
        end
        if (m_rst) begin
            rptr <= 0;
            rptr_g <= 0;
            left <= 0;
            left_nz <= 1'b0;
            lq_valid <= 1'b0;
            occ <= 3'd0;
            have <= 3'd0;
            v1 <= 1'b0;
            v2 <= 1'b0;
            bw <= 2'd0;
            br <= 2'd0;
        end else begin
            v1 <= issue;
            v2 <= v1;
            if (issue) begin
                rptr <= rptr_n;
                rptr_g <= rptr_n ^ (rptr_n >> 1);
                if (left_nz) begin
                    left <= left - 1'b1;
                    left_nz <= left != 1;
                end else begin
                    left <= lq;
                    left_nz <= lq != 0;
                end
            end
            if (len_pop) begin
                lq <= len_q;
                lq_valid <= 1'b1;
            end else if (lq_take) begin
                lq_valid <= 1'b0;
            end
            occ <= occ + {2'd0, issue} - {2'd0, pop};
            have <= have + {2'd0, v2} - {2'd0, pop};
            if (v2) bw <= bw + 1'b1;
            if (pop) br <= br + 1'b1;
        end
    end
    ferronic_sync #(.N(A + 1)) sync_r (.clk(s_clk), .d(rptr_g), .q(rptr_gs));
    // tkeep[0] is 1 on every beat (a beat has at least one byte)
    wire _unused_ok = &{1'b0, rd[71:68], s_tkeep[0]};
endmodule

// ferronic_event_cdc: N event pulses from s_clk to counts of m_clk. Each
// pulse flips a toggle; the toggle crosses through two flip-flops and a
// change is one pulse on `q` in m_clk. Pulses of one bit must be at least
// 3 m_clk clocks apart (the board's events are one per frame: a frame and
// its gap are at least 84 bytes, 672 ns at 1 Gb/s).
module ferronic_event_cdc #(parameter N = 1) (
    input  wire         s_clk,
    input  wire [N-1:0] d,
    input  wire         m_clk,
    output reg  [N-1:0] q
);
    reg [N-1:0] t = {N{1'b0}};
    reg [N-1:0] seen = {N{1'b0}};
    wire [N-1:0] t_s;
    always @(posedge s_clk) t <= t ^ d;
    ferronic_sync #(.N(N)) sync_t (.clk(m_clk), .d(t), .q(t_s));
    always @(posedge m_clk) begin
        q <= t_s ^ seen;
        seen <= t_s;
    end
endmodule
