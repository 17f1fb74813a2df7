// ferronic board glue: clock-domain crossing primitives (issue 15).
// Every signal that crosses between the core clock (the MAC's tx_clk_out,
// 156.25 MHz) and the PCIe AXI clock (XDMA axi_aclk, 250 MHz) goes through
// one of these modules. The first flip-flop of each synchroniser carries
// ASYNC_REG; the board's crossings.xdc bounds every path between the two
// clocks to one period of the faster clock (set_max_delay -datapath_only).

// ferronic_sync: N independent bits through two flip-flops into clk.
module ferronic_sync #(parameter N = 1) (
    input  wire         clk,
    input  wire [N-1:0] d,
    output wire [N-1:0] q
);
    (* ASYNC_REG = "TRUE" *) reg [N-1:0] s0 = {N{1'b0}};
    (* ASYNC_REG = "TRUE" *) reg [N-1:0] s1 = {N{1'b0}};
    always @(posedge clk) begin
        s0 <= d;
        s1 <= s0;
    end
    assign q = s1;
endmodule

// ferronic_reset_sync: an active-high reset into clk, asserted at once
// (asynchronously), released on the third rising edge after `arst` falls.
module ferronic_reset_sync (
    input  wire clk,
    input  wire arst,
    output wire rst
);
    (* ASYNC_REG = "TRUE" *) reg [2:0] r = 3'b111;
    always @(posedge clk or posedge arst) begin
        if (arst) r <= 3'b111;
        else r <= {r[1:0], 1'b0};
    end
    assign rst = r[2];
endmodule

// ferronic_async_fifo: 2^A entries of W bits between two clocks. Binary
// pointers count, their Gray codes cross through two flip-flops; the
// storage is written in s_clk and read asynchronously in m_clk (LUT RAM),
// the word at the read pointer falling through to m_data. Full when the
// write pointer is 2^A ahead of the synchronised read pointer, empty when
// the read pointer equals the synchronised write pointer, so a pointer
// seen late only makes the FIFO look fuller or emptier than it is. Both
// resets come from one source (the board top's reset synchronisers), so
// neither side runs with stale pointers of the other. A >= 2.
// Throughput one word a clock on each side; a word written is visible to
// the reader 3 to 4 m_clk clocks later. REG_READY = 1 makes s_ready a
// flip-flop, low when a clock earlier the FIFO had fewer than 2 free words
// (so a push in that clock cannot fill it past full): one word less
// capacity, and no pointer compare in front of the writer's own logic
// (the open board's writers decide their push from s_ready).
module ferronic_async_fifo #(parameter W = 8, parameter A = 4, parameter REG_READY = 0) (
    input  wire         s_clk,
    input  wire         s_rst,
    input  wire [W-1:0] s_data,
    input  wire         s_valid,
    output wire         s_ready,
    input  wire         m_clk,
    input  wire         m_rst,
    output wire [W-1:0] m_data,
    output wire         m_valid,
    input  wire         m_ready
);
    reg [W-1:0] mem [0:(1<<A)-1];
    reg [A:0] wbin = 0, wgray = 0, rbin = 0, rgray = 0;
    (* ASYNC_REG = "TRUE" *) reg [A:0] rgray_s0 = 0;
    (* ASYNC_REG = "TRUE" *) reg [A:0] rgray_s1 = 0;
    (* ASYNC_REG = "TRUE" *) reg [A:0] wgray_s0 = 0;
    (* ASYNC_REG = "TRUE" *) reg [A:0] wgray_s1 = 0;
    wire [A:0] wnext = wbin + 1'b1;
    wire [A:0] rnext = rbin + 1'b1;
    wire push = s_valid && s_ready;
    wire pop = m_valid && m_ready;
    wire [A:0] full_at = {~rgray_s1[A:A-1], rgray_s1[A-2:0]};
    wire [A:0] wgray_n = wnext ^ (wnext >> 1);
    reg ready_q = 1'b0;
    always @(posedge s_clk) ready_q <= !s_rst && wgray != full_at && wgray_n != full_at;
    assign s_ready = REG_READY != 0 ? ready_q : !s_rst && wgray != full_at;
    assign m_valid = !m_rst && rgray != wgray_s1;
    assign m_data = mem[rbin[A-1:0]];
    always @(posedge s_clk) begin
        if (push) mem[wbin[A-1:0]] <= s_data;
    end
    always @(posedge s_clk) begin
        if (s_rst) begin
            wbin <= 0;
            wgray <= 0;
            rgray_s0 <= 0;
            rgray_s1 <= 0;
        end else begin
            if (push) begin
                wbin <= wnext;
                wgray <= wnext ^ (wnext >> 1);
            end
            rgray_s0 <= rgray;
            rgray_s1 <= rgray_s0;
        end
    end
    always @(posedge m_clk) begin
        if (m_rst) begin
            rbin <= 0;
            rgray <= 0;
            wgray_s0 <= 0;
            wgray_s1 <= 0;
        end else begin
            if (pop) begin
                rbin <= rnext;
                rgray <= rnext ^ (rnext >> 1);
            end
            wgray_s0 <= wgray;
            wgray_s1 <= wgray_s0;
        end
    end
endmodule

// ferronic_irq_cdc: N interrupt vectors from the core (irq_req[v] held
// until irq_ack[v], the nic top's contract) to XDMA's usr_irq_req /
// usr_irq_ack (PG195: usr_irq_req[v] held until usr_irq_ack[v] pulses).
// A rising irq_req[v] flips a toggle that crosses to axi_aclk and raises
// usr_irq_req[v]; usr_irq_ack[v] lowers it and flips a toggle back, which
// becomes a one-clock irq_ack[v]. One request per vector is in flight at a
// time (the core holds it until acknowledged), so none is lost or doubled.
module ferronic_irq_cdc #(parameter N = 16) (
    input  wire         clk,
    input  wire         rst,
    input  wire [N-1:0] irq_req,
    output reg  [N-1:0] irq_ack,
    input  wire         axi_aclk,
    input  wire         axi_rst,
    output reg  [N-1:0] usr_irq_req,
    input  wire [N-1:0] usr_irq_ack
);
    reg [N-1:0] req_prev, req_t, req_seen, ack_t, ack_seen;
    wire [N-1:0] req_t_a, ack_t_c;
    ferronic_sync #(.N(N)) sync_req (.clk(axi_aclk), .d(req_t), .q(req_t_a));
    ferronic_sync #(.N(N)) sync_ack (.clk(clk), .d(ack_t), .q(ack_t_c));
    always @(posedge clk) begin
        if (rst) begin
            req_prev <= 0;
            req_t <= 0;
            ack_seen <= 0;
            irq_ack <= 0;
        end else begin
            req_prev <= irq_req;
            req_t <= req_t ^ (irq_req & ~req_prev);
            ack_seen <= ack_t_c;
            irq_ack <= ack_t_c ^ ack_seen;
        end
    end
    always @(posedge axi_aclk) begin
        if (axi_rst) begin
            req_seen <= 0;
            ack_t <= 0;
            usr_irq_req <= 0;
        end else begin
            req_seen <= req_t_a;
            usr_irq_req <= (usr_irq_req & ~usr_irq_ack) | (req_t_a ^ req_seen);
            ack_t <= ack_t ^ (usr_irq_ack & usr_irq_req);
        end
    end
endmodule

// ferronic_snap: a W-bit value of s_clk, copied into m_clk through a
// request/acknowledge toggle pair (the value is held stable in s_clk while
// it crosses, under crossings.xdc's max delay). m_clk asks (toggles req),
// s_clk copies `d` into its hold register and answers (toggles ack), m_clk
// takes the held value when the answer arrives and asks again: a copy
// every 6 to 8 clocks of the slower side. `fresh` is 1 while a copy
// arrived within the last 4,096 m_clk clocks, so 0 means s_clk has
// stopped (`q` keeps the last copy). The s_clk side has no reset: it only
// mirrors the request, and runs while its domain is held in reset.
module ferronic_snap #(parameter W = 32) (
    input  wire         s_clk,
    input  wire [W-1:0] d,
    input  wire         m_clk,
    input  wire         m_rst,
    output reg  [W-1:0] q,
    output reg          fresh
);
    reg req = 1'b0, ack = 1'b0;
    reg [W-1:0] hold = {W{1'b0}};
    wire req_s, ack_m;
    ferronic_sync sync_req (.clk(s_clk), .d(req), .q(req_s));
    ferronic_sync sync_ack (.clk(m_clk), .d(ack), .q(ack_m));
    always @(posedge s_clk) begin
        if (req_s != ack) begin
            hold <= d;
            ack <= req_s;
        end
    end
    reg [11:0] age;
    always @(posedge m_clk) begin
        if (m_rst) begin
            req <= ack_m;
            q <= {W{1'b0}};
            fresh <= 1'b0;
            age <= 12'd0;
        end else if (ack_m == req) begin
            q <= hold;
            req <= ~req;
            fresh <= 1'b1;
            age <= 12'd0;
        end else begin
            if (&age) fresh <= 1'b0;
            else age <= age + 1'b1;
        end
    end
endmodule
