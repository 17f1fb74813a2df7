// ferronic board glue: the frame FIFOs between the Ethernet MAC
// (xxv_ethernet, PG210; its user FIFO puts both streams on tx_clk_out)
// and the core, both in the core's clock. 64-bit AXI-Stream, byte 0 in
// tdata[7:0]; storage is 2^A beats of {tlast, tkeep, tdata} in block RAM
// (A = 11: 16 KiB, the largest frame the core passes, 16383 bytes, fits).

// ferronic_count32: a 32-bit event counter as two 16-bit halves, the high
// half stepping the clock after the low half wraps (short carry chains:
// the board glue's depth target); `count` is off by 2^16 for that clock.
module ferronic_count32 (
    input  wire        clk,
    input  wire        rst,
    input  wire        inc,
    output reg  [31:0] count
);
    reg carry;
    always @(posedge clk) begin
        if (rst) begin
            count <= 0;
            carry <= 0;
        end else begin
            carry <= inc && &count[15:0];
            if (inc) count[15:0] <= count[15:0] + 1'b1;
            if (carry) count[31:16] <= count[31:16] + 1'b1;
        end
    end
endmodule

// ferronic_rx_fifo: the MAC's receive stream has no tready (PG210: the
// user must take every beat), the core's s_axis may stall; frames are
// stored whole and only then released (store and forward). A frame that
// meets a full FIFO is dropped whole (the beats written are taken back)
// and counted in `overflows`; a frame the MAC ends with tuser high (its
// error flag: bad code, truncation, too long; FCS errors are the core's to
// count, the MAC is set to pass them) is dropped and counted in `errors`.
// `mac_reset` (the MAC's user_rx_reset) drops the frame in progress.
module ferronic_rx_fifo #(parameter A = 11) (
    input  wire        clk,
    input  wire        rst,
    input  wire        mac_reset,
    input  wire [63:0] rx_tdata,
    input  wire [7:0]  rx_tkeep,
    input  wire        rx_tvalid,
    input  wire        rx_tlast,
    input  wire        rx_tuser,
    output reg  [63:0] m_tdata,
    output reg  [7:0]  m_tkeep,
    output reg         m_tvalid,
    input  wire        m_tready,
    output reg         m_tlast,
    output wire [31:0] overflows,
    output wire [31:0] errors
);
    reg [72:0] mem [0:(1<<A)-1];
    reg [A:0] wcur, wframe, rptr;   // write (frame in progress), committed, read
    reg dropping;                   // the rest of this frame is discarded
    reg count_overflow, count_error;
    ferronic_count32 c_over (.clk(clk), .rst(rst), .inc(count_overflow), .count(overflows));
    ferronic_count32 c_err (.clk(clk), .rst(rst), .inc(count_error), .count(errors));
    // full: the same slot, one lap apart (no subtraction: a short path)
    wire full = wcur[A-1:0] == rptr[A-1:0] && wcur[A] != rptr[A];
    wire take = rx_tvalid && !dropping && !full && !mac_reset;
    wire load = rptr != wframe && (!m_tvalid || m_tready);
    always @(posedge clk) begin
        if (take) mem[wcur[A-1:0]] <= {rx_tlast, rx_tkeep, rx_tdata};
        if (load) {m_tlast, m_tkeep, m_tdata} <= mem[rptr[A-1:0]];
    end
    always @(posedge clk) begin
        if (rst) begin
            wcur <= 0;
            wframe <= 0;
            rptr <= 0;
            dropping <= 0;
            m_tvalid <= 0;
            count_overflow <= 0;
            count_error <= 0;
        end else begin
            count_overflow <= 0;
            count_error <= 0;
            if (mac_reset) begin
                wcur <= wframe;
                dropping <= 0;
            end else if (rx_tvalid) begin
                if (dropping) begin
                    if (rx_tlast) dropping <= 0;
                end else if (full) begin
                    wcur <= wframe;
                    dropping <= !rx_tlast;
                    count_overflow <= 1;
                end else if (rx_tlast && rx_tuser) begin
                    wcur <= wframe;
                    count_error <= 1;
                end else if (rx_tlast) begin
                    wcur <= wcur + 1'b1;
                    wframe <= wcur + 1'b1;
                end else begin
                    wcur <= wcur + 1'b1;
                end
            end
            if (load) begin
                rptr <= rptr + 1'b1;
                m_tvalid <= 1;
            end else if (m_tready) begin
                m_tvalid <= 0;
            end
        end
    end
endmodule

// ferronic_tx_fifo: the MAC's transmit stream must not run dry inside a
// frame (PG210: tx_axis_tvalid held from a frame's first beat to its
// last, or the MAC aborts it as an underflow), while the core's transmit
// path may pause within one (its DMA reads). A frame is released once it
// is stored whole; the core is held off (s_tready low) while the FIFO is
// full. tuser (the core's "send with a bad FCS") rides with the last beat.
module ferronic_tx_fifo #(parameter A = 11) (
    input  wire        clk,
    input  wire        rst,
    input  wire [63:0] s_tdata,
    input  wire [7:0]  s_tkeep,
    input  wire        s_tvalid,
    output wire        s_tready,
    input  wire        s_tlast,
    input  wire        s_tuser,
    output reg  [63:0] tx_tdata,
    output reg  [7:0]  tx_tkeep,
    output reg         tx_tvalid,
    input  wire        tx_tready,
    output reg         tx_tlast,
    output reg         tx_tuser
);
    reg [73:0] mem [0:(1<<A)-1];
    reg [A:0] wptr, rptr;
    reg [A:0] frames;               // whole frames stored, last beat not loaded
    reg [73:0] q;                   // the output beat
    reg fresh;                      // q was loaded last clock
    wire q_last_fresh = fresh && q[72];
    // a whole frame waits at rptr: one counted whose last beat is not the
    // one just loaded
    wire whole = frames != 0 && !(q_last_fresh && frames == 1);
    wire take = s_tvalid && s_tready;
    assign s_tready = !rst && !(wptr[A-1:0] == rptr[A-1:0] && wptr[A] != rptr[A]);
    wire load = whole && (!tx_tvalid || tx_tready);
    wire stored = take && s_tlast;
    always @(posedge clk) begin
        if (take) mem[wptr[A-1:0]] <= {s_tuser, s_tlast, s_tkeep, s_tdata};
        if (load) q <= mem[rptr[A-1:0]];
    end
    always @(*) {tx_tuser, tx_tlast, tx_tkeep, tx_tdata} = q;
    always @(posedge clk) begin
        if (rst) begin
            wptr <= 0;
            rptr <= 0;
            frames <= 0;
            fresh <= 0;
            tx_tvalid <= 0;
        end else begin
            if (take) wptr <= wptr + 1'b1;
            fresh <= load;
            if (load) begin
                rptr <= rptr + 1'b1;
                tx_tvalid <= 1;
            end else if (tx_tready) begin
                tx_tvalid <= 0;
            end
            if (stored && !q_last_fresh) frames <= frames + 1'b1;
            else if (!stored && q_last_fresh) frames <= frames - 1'b1;
        end
    end
endmodule
