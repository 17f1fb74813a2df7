// ferronic open-board glue (issue 16): the frame FIFOs between clock
// domains and the event crossing. 64-bit AXI-Stream, byte 0 in
// tdata[7:0], contiguous tkeep. Uses ferronic_sync (cdc.v).

// ferronic_frame_cdc: whole frames from s_clk to m_clk, stored in 2^A
// beats of {tlast, tkeep, tdata} (block RAM: A = 10 is 8 KiB, four
// DP16KD). The write side never stalls (a MAC's receive side cannot, and
// the board's sources are MACs or stages fed by them): a frame that meets
// a full FIFO is dropped whole (its beats taken back, `s_overflow` high
// for one clock at its last beat), a frame whose last beat has tuser set
// is dropped likewise (`s_error`); a frame kept pulses `s_commit`. A frame
// longer than 2^A beats can never fit and is always an overflow.
//
// Only whole frames are released: the read side starts a frame when the
// count of committed frames (a Gray code, one step per commit, through
// two flip-flops) says there is one it has not finished, so a reader
// that needs a beat on time (GmiiTx) never waits inside a frame. The read
// pointer crosses back the same way for the full test; a pointer seen
// late only makes the FIFO look fuller or emptier than it is. Both resets
// come from one source through reset synchronisers. Throughput: one beat
// a clock on each side; a committed frame is visible 3 to 5 m_clk clocks
// after its last beat is written.
module ferronic_frame_cdc #(parameter A = 10) (
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
    output reg         m_tvalid,
    input  wire        m_tready,
    output wire        m_tlast
);
    reg [72:0] mem [0:(1<<A)-1];
    // write side: beat pointer (frame in progress), its frame's start,
    // committed frames (binary and Gray), the read pointer seen here
    reg [A:0] wcur, wframe, wcnt, wcnt_g;
    reg dropping;
    wire [A:0] rptr_gs;
    reg  [A:0] rptr_ws;
    wire full = wcur[A-1:0] == rptr_ws[A-1:0] && wcur[A] != rptr_ws[A];
    wire take = s_tvalid && !dropping && !full;
    wire [A:0] wcnt_n = wcnt + 1'b1;
    always @(posedge s_clk) if (take) mem[wcur[A-1:0]] <= {s_tlast, s_tkeep, s_tdata};
    integer i;
    always @(posedge s_clk) begin
        // Gray to binary, registered (a read pointer a clock older)
        for (i = A; i >= 0; i = i - 1)
            rptr_ws[i] <= ^(rptr_gs >> i);
        s_commit <= 1'b0;
        s_overflow <= 1'b0;
        s_error <= 1'b0;
        if (s_rst) begin
            wcur <= 0;
            wframe <= 0;
            wcnt <= 0;
            wcnt_g <= 0;
            dropping <= 1'b0;
        end else if (s_tvalid) begin
            if (dropping) begin
                if (s_tlast) dropping <= 1'b0;
            end else if (full) begin
                wcur <= wframe;
                dropping <= !s_tlast;
                s_overflow <= 1'b1;
            end else if (s_tlast && s_tuser) begin
                wcur <= wframe;
                s_error <= 1'b1;
            end else if (s_tlast) begin
                wcur <= wcur + 1'b1;
                wframe <= wcur + 1'b1;
                wcnt <= wcnt_n;
                wcnt_g <= wcnt_n ^ (wcnt_n >> 1);
                s_commit <= 1'b1;
            end else begin
                wcur <= wcur + 1'b1;
            end
        end
    end
    // read side: beat pointer (binary and Gray), frames finished, the
    // committed count seen here
    reg [A:0] rptr, rptr_g, rcnt, rcnt_p1;
    wire [A:0] wcnt_gs;
    reg  [A:0] wcnt_ms;
    reg [72:0] q;
    reg fresh;                      // q was loaded last clock
    wire q_last_fresh = fresh && q[72];
    // a frame not finished is committed (the one just ended counted)
    wire more = (q_last_fresh ? rcnt_p1 : rcnt) != wcnt_ms;
    wire load = more && (!m_tvalid || m_tready);
    wire [A:0] rptr_n = rptr + 1'b1;
    always @(posedge m_clk) if (load) q <= mem[rptr[A-1:0]];
    assign {m_tlast, m_tkeep, m_tdata} = q;
    always @(posedge m_clk) begin
        for (i = A; i >= 0; i = i - 1)
            wcnt_ms[i] <= ^(wcnt_gs >> i);
        if (m_rst) begin
            rptr <= 0;
            rptr_g <= 0;
            rcnt <= 0;
            rcnt_p1 <= 1;
            fresh <= 1'b0;
            m_tvalid <= 1'b0;
        end else begin
            fresh <= load;
            if (q_last_fresh) begin
                rcnt <= rcnt_p1;
                rcnt_p1 <= rcnt_p1 + 1'b1;
            end
            if (load) begin
                rptr <= rptr_n;
                rptr_g <= rptr_n ^ (rptr_n >> 1);
                m_tvalid <= 1'b1;
            end else if (m_tready) begin
                m_tvalid <= 1'b0;
            end
        end
    end
    ferronic_sync #(.N(A + 1)) sync_w (.clk(m_clk), .d(wcnt_g), .q(wcnt_gs));
    ferronic_sync #(.N(A + 1)) sync_r (.clk(s_clk), .d(rptr_g), .q(rptr_gs));
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
