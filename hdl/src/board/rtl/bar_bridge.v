// ferronic_bar_bridge: BAR0 (XDMA's m_axib, an AXI4 master in axi_aclk;
// PG195 "AXI Bridge Master") to the core's AXI4-Lite slave s_axil (in
// clk), one 32-bit access at a time.
//
// axi_aclk side: one burst at a time, writes before reads. Each beat is
// cut into the 32-bit words its size covers (AMBA AXI4 A3.4.1: an INCR
// burst's first beat may start unaligned, later beats are aligned to the
// size); a write word whose four strobes are all low is skipped (no
// access, so no doorbell is rung by a zero-strobe word). Each word crosses
// as a request toggle with its fields held stable until the answer's
// toggle returns (the fields cross under crossings.xdc's max delay).
// Addresses at or above 2^MAPB (the register map's span) are answered
// here with DECERR, read data 0, without reaching the core.
//
// clk side: each request becomes an AXI4-Lite write (AW and W together) or
// read; its response and read data are held for the axi_aclk side.
//
// The two sides reset apart (axi_rst: PCIe; rst: the core, also while the
// MAC's clock is not yet stable). While the core is in reset its side
// answers each request at once with SLVERR and read data 0xFFFFFFFF. A
// word not answered within 4096 axi_aclk clocks (16.4 us at 250 MHz, below
// PCIe's shortest completion timeout of 50 us) is answered the same way:
// the core's clock is not running (no Ethernet reference clock, GT down).
// Until the late answer arrives, every further word times out too, so BAR
// reads on a card without a running core return all ones instead of
// hanging the host. timeouts counts them (axi_aclk domain; its high half
// steps a clock after the low half wraps).
//
// The register map's `board` block (ferronic_regmap's BOARD_BASE, 64
// bytes) is answered here, in axi_aclk, so it reads while the core is in
// reset or stopped: its header (TYPE, VERSION, NEXT 0, LENGTH 64), then
// b_words (RX_OVERFLOWS, RX_ERRORS, as the shell snapshots them), the
// timeouts above and b_status (CORE_STATUS). Words past those answer
// SLVERR (reads 0), writes to the others are accepted and ignored (the
// registers are read-only), as the core's register file does.
module ferronic_bar_bridge #(
    parameter DW = 512,   // XDMA AXI data width, bits
    parameter AW = 64,    // m_axib address width
    parameter IDW = 4,    // m_axib ID width
    parameter MAPB = 16,  // address bits of the register map
    parameter [MAPB-1:0] BOARD_BASE = 16'hffc0,  // the board block (64 bytes)
    parameter [31:0] BOARD_TYPE = 32'hfe55000a,  // VENDOR << 16 | id
    parameter [31:0] BOARD_VERSION = 32'h00010000
) (
    input  wire            axi_aclk,
    input  wire            axi_rst,
    input  wire [IDW-1:0]  bar_awid,
    input  wire [AW-1:0]   bar_awaddr,
    input  wire [7:0]      bar_awlen,
    input  wire [2:0]      bar_awsize,
    input  wire [2:0]      bar_awprot,
    input  wire            bar_awvalid,
    output reg             bar_awready,
    input  wire [DW-1:0]   bar_wdata,
    input  wire [DW/8-1:0] bar_wstrb,
    input  wire            bar_wlast,
    input  wire            bar_wvalid,
    output reg             bar_wready,
    output reg  [IDW-1:0]  bar_bid,
    output reg  [1:0]      bar_bresp,
    output reg             bar_bvalid,
    input  wire            bar_bready,
    input  wire [IDW-1:0]  bar_arid,
    input  wire [AW-1:0]   bar_araddr,
    input  wire [7:0]      bar_arlen,
    input  wire [2:0]      bar_arsize,
    input  wire [2:0]      bar_arprot,
    input  wire            bar_arvalid,
    output reg             bar_arready,
    output reg  [IDW-1:0]  bar_rid,
    output reg  [DW-1:0]   bar_rdata,
    output reg  [1:0]      bar_rresp,
    output reg             bar_rlast,
    output reg             bar_rvalid,
    input  wire            bar_rready,
    output reg  [31:0]     timeouts,
    input  wire [63:0]     b_words,
    input  wire [31:0]     b_status,
    input  wire            clk,
    input  wire            rst,
    output reg  [MAPB-1:0] s_axil_awaddr,
    output reg  [2:0]      s_axil_awprot,
    output reg             s_axil_awvalid,
    input  wire            s_axil_awready,
    output reg  [31:0]     s_axil_wdata,
    output reg  [3:0]      s_axil_wstrb,
    output reg             s_axil_wvalid,
    input  wire            s_axil_wready,
    input  wire [1:0]      s_axil_bresp,
    input  wire            s_axil_bvalid,
    output reg             s_axil_bready,
    output reg  [MAPB-1:0] s_axil_araddr,
    output reg  [2:0]      s_axil_arprot,
    output reg             s_axil_arvalid,
    input  wire            s_axil_arready,
    input  wire [31:0]     s_axil_rdata,
    input  wire [1:0]      s_axil_rresp,
    input  wire            s_axil_rvalid,
    output reg             s_axil_rready
);
    localparam LB = $clog2(DW / 8);   // byte-in-beat address bits
    localparam WB = LB - 2;           // word-in-beat address bits
    localparam [2:0] IDLE = 0, W_BEAT = 1, WORD = 2, WAIT = 3, TIMEOUT = 4, NEXT = 5, B = 6,
        R_BEAT = 7;

    // ---- axi_aclk side ----
    reg [2:0] st;
    reg wr;                     // the burst is a write
    reg [IDW-1:0] id;
    reg [MAPB-1:0] addr;        // this beat's address in the map
    reg outside;                // the burst is above the map (DECERR)
    reg [7:0] beats_left;
    reg [2:0] size;
    reg [2:0] prot;
    reg [DW-1:0] wdata;
    reg [DW/8-1:0] wstrb;
    reg wlast;
    reg [WB-1:0] word, last_word;
    reg [1:0] resp;             // worst response of the burst (writes)
    reg [11:0] timer;
    reg t_carry;                // timeouts[15:0] wrapped: bump the high half
    // the request held across (fields stable while req_t != ack seen)
    reg req_t;
    reg x_we;
    reg [MAPB-1:0] x_addr;
    reg [31:0] x_wdata;
    reg [3:0] x_wstrb;
    reg [2:0] x_prot;
    // the answer held across by the clk side
    reg ack_t;
    reg [31:0] x_rdata;
    reg [1:0] x_resp;
    wire ack_a;
    ferronic_sync sync_ack (.clk(axi_aclk), .d(ack_t), .q(ack_a));

    wire [LB-1:0] lane_mask = ({LB{1'b1}} << size) & {LB{1'b1}};
    // the next beat's address: aligned to the size, plus the size; a
    // burst stays within 4 KiB (AXI4 A3.4.1), so only bits 11:0 count
    wire [11:0] beat_base = addr[11:0] & ~{{(12-LB){1'b0}}, ~lane_mask};
    wire [11:0] beat_next = beat_base + ({{11{1'b0}}, 1'b1} << size);
    wire [MAPB-1:0] next_addr = {addr[MAPB-1:12], beat_next};
    // this word's strobes and data: AND-OR selects of the beat's words
    reg [3:0] word_strb;
    reg [31:0] word_data;
    integer k;
    always @(*) begin
        word_strb = 0;
        word_data = 0;
        for (k = 0; k < DW / 32; k = k + 1) begin
            word_strb = word_strb | (wstrb[k*4 +: 4] & {4{word == k[WB-1:0]}});
            word_data = word_data | (wdata[k*32 +: 32] & {32{word == k[WB-1:0]}});
        end
    end
    // bar_rdata's words are written by `put` (one word a clock)
    reg put;
    reg [31:0] put_data;
    genvar g;
    generate
        for (g = 0; g < DW / 32; g = g + 1) begin : r_word
            always @(posedge axi_aclk) begin
                if (st == IDLE || (st == R_BEAT && bar_rready)) bar_rdata[g*32 +: 32] <= 0;
                else if (put && word == g) bar_rdata[g*32 +: 32] <= put_data;
            end
        end
    endgenerate
    wire idle_x = req_t == ack_a;
    // this word's address, and whether the board block holds it
    wire [MAPB-1:0] w_addr = {addr[MAPB-1:LB], word, 2'b00};
    wire local_w = w_addr[MAPB-1:6] == BOARD_BASE[MAPB-1:6];
    reg [31:0] local_data;
    always @(*) begin
        case (w_addr[5:2])
        4'd0: local_data = BOARD_TYPE;
        4'd1: local_data = BOARD_VERSION;
        4'd2: local_data = 32'd0;
        4'd3: local_data = 32'd64;
        4'd4: local_data = b_words[31:0];
        4'd5: local_data = b_words[63:32];
        4'd6: local_data = timeouts;
        4'd7: local_data = b_status;
        default: local_data = 32'd0;
        endcase
    end
    wire local_err = w_addr[5];
    function [1:0] worst(input [1:0] a, input [1:0] b);
        worst = a > b ? a : b;
    endfunction
    // first and last 32-bit word of a beat at address a with size s
    function [WB-1:0] last_of(input [LB-1:0] a, input [2:0] s);
        /* verilator lint_off UNUSEDSIGNAL */
        reg [LB-1:0] t;
        /* verilator lint_on UNUSEDSIGNAL */
        begin
            t = a | ~(({LB{1'b1}} << s) & {LB{1'b1}});
            last_of = t[LB-1:2];
        end
    endfunction

    always @(posedge axi_aclk) begin
        if (axi_rst) begin
            st <= IDLE;
            bar_awready <= 0;
            bar_wready <= 0;
            bar_arready <= 0;
            bar_bvalid <= 0;
            bar_rvalid <= 0;
            req_t <= 0;
            timeouts <= 0;
            t_carry <= 0;
        end else begin
            bar_awready <= 0;
            bar_wready <= 0;
            bar_arready <= 0;
            t_carry <= 0;
            put <= 0;
            // each word waits its own 4096 clocks (WORD for the last
            // answer, then WAIT for its own)
            if (st != WORD && st != WAIT) timer <= 0;
            if (t_carry) timeouts[31:16] <= timeouts[31:16] + 1'b1;
            case (st)
            IDLE: if (bar_awvalid && !bar_awready) begin
                bar_awready <= 1;
                wr <= 1;
                id <= bar_awid;
                addr <= bar_awaddr[MAPB-1:0];
                outside <= |bar_awaddr[AW-1:MAPB];
                beats_left <= bar_awlen;
                size <= bar_awsize;
                prot <= bar_awprot;
                resp <= 2'b00;
                st <= W_BEAT;
            end else if (bar_arvalid && !bar_arready) begin
                bar_arready <= 1;
                wr <= 0;
                id <= bar_arid;
                addr <= bar_araddr[MAPB-1:0];
                outside <= |bar_araddr[AW-1:MAPB];
                beats_left <= bar_arlen;
                size <= bar_arsize;
                prot <= bar_arprot;
                bar_rresp <= 2'b00;
                word <= bar_araddr[LB-1:2];
                last_word <= last_of(bar_araddr[LB-1:0], bar_arsize);
                st <= WORD;
            end
            W_BEAT: if (bar_wvalid && !bar_wready) begin
                bar_wready <= 1;
                wdata <= bar_wdata;
                wstrb <= bar_wstrb;
                wlast <= bar_wlast;
                word <= addr[LB-1:2];
                last_word <= last_of(addr[LB-1:0], size);
                st <= WORD;
            end
            WORD: begin
                if ((wr && word_strb == 4'b0000) || outside) begin
                    // skipped, or answered here (DECERR, data 0)
                    st <= NEXT;
                    if (outside) begin
                        if (wr) resp <= worst(resp, 2'b11);
                        else begin
                            put <= 1;
                            put_data <= 0;
                            bar_rresp <= worst(bar_rresp, 2'b11);
                        end
                    end
                end else if (local_w) begin
                    // the board block, answered here
                    st <= NEXT;
                    if (wr) resp <= worst(resp, {local_err, 1'b0});
                    else begin
                        put <= 1;
                        put_data <= local_data;
                        bar_rresp <= worst(bar_rresp, {local_err, 1'b0});
                    end
                end else if (idle_x) begin
                    req_t <= ~req_t;
                    x_we <= wr;
                    x_addr <= w_addr;
                    x_wdata <= word_data;
                    x_wstrb <= word_strb;
                    x_prot <= prot;
                    timer <= 0;
                    st <= WAIT;
                end else if (&timer) begin
                    // the last answer never came: this word times out too
                    st <= TIMEOUT;
                end else begin
                    timer <= timer + 1'b1;
                end
            end
            WAIT: if (idle_x) begin
                if (wr) resp <= worst(resp, x_resp);
                else begin
                    put <= 1;
                    put_data <= x_rdata;
                    bar_rresp <= worst(bar_rresp, x_resp);
                end
                st <= NEXT;
            end else if (&timer) begin
                st <= TIMEOUT;
            end else begin
                timer <= timer + 1'b1;
            end
            TIMEOUT: begin
                timeouts[15:0] <= timeouts[15:0] + 1'b1;
                t_carry <= &timeouts[15:0];
                if (wr) resp <= worst(resp, 2'b10);
                else begin
                    put <= 1;
                    put_data <= 32'hffffffff;
                    bar_rresp <= worst(bar_rresp, 2'b10);
                end
                st <= NEXT;
            end
            NEXT: if (word != last_word) begin
                word <= word + 1'b1;
                st <= WORD;
            end else if (wr) begin
                if (wlast || beats_left == 0) begin
                    bar_bvalid <= 1;
                    bar_bid <= id;
                    bar_bresp <= resp;
                    st <= B;
                end else begin
                    beats_left <= beats_left - 1'b1;
                    addr <= next_addr;
                    st <= W_BEAT;
                end
            end else begin
                bar_rvalid <= 1;
                bar_rid <= id;
                bar_rlast <= beats_left == 0;
                st <= R_BEAT;
            end
            B: if (bar_bready) begin
                bar_bvalid <= 0;
                st <= IDLE;
            end
            R_BEAT: if (bar_rready) begin
                bar_rvalid <= 0;
                bar_rresp <= 2'b00;
                if (beats_left == 0) begin
                    st <= IDLE;
                end else begin
                    beats_left <= beats_left - 1'b1;
                    addr <= next_addr;
                    word <= next_addr[LB-1:2];
                    last_word <= last_of(next_addr[LB-1:0], size);
                    st <= WORD;
                end
            end
            default: st <= IDLE;
            endcase
        end
    end

    // ---- clk side ----
    wire req_c;
    reg req_seen;
    reg busy;
    ferronic_sync sync_req (.clk(clk), .d(req_t), .q(req_c));
    always @(posedge clk) begin
        if (rst) begin
            // in reset the core answers every request at once with SLVERR
            // and all ones (and drops one it had begun): a held reset is
            // reported, not waited for, and no stale answer or repeated
            // write follows the reset
            req_seen <= req_c;
            ack_t <= req_c;
            x_resp <= 2'b10;
            x_rdata <= 32'hffffffff;
            busy <= 0;
            s_axil_awvalid <= 0;
            s_axil_wvalid <= 0;
            s_axil_bready <= 0;
            s_axil_arvalid <= 0;
            s_axil_rready <= 0;
        end else if (!busy) begin
            if (req_c != req_seen) begin
                req_seen <= req_c;
                busy <= 1;
                s_axil_awaddr <= x_addr;
                s_axil_araddr <= x_addr;
                s_axil_awprot <= x_prot;
                s_axil_arprot <= x_prot;
                s_axil_wdata <= x_wdata;
                s_axil_wstrb <= x_wstrb;
                s_axil_awvalid <= x_we;
                s_axil_wvalid <= x_we;
                s_axil_bready <= x_we;
                s_axil_arvalid <= !x_we;
                s_axil_rready <= !x_we;
            end
        end else begin
            if (s_axil_awready) s_axil_awvalid <= 0;
            if (s_axil_wready) s_axil_wvalid <= 0;
            if (s_axil_arready) s_axil_arvalid <= 0;
            if (s_axil_bvalid && s_axil_bready) begin
                s_axil_bready <= 0;
                x_resp <= s_axil_bresp;
                x_rdata <= 0;
                ack_t <= req_seen;
                busy <= 0;
            end
            if (s_axil_rvalid && s_axil_rready) begin
                s_axil_rready <= 0;
                x_resp <= s_axil_rresp;
                x_rdata <= s_axil_rdata;
                ack_t <= req_seen;
                busy <= 0;
            end
        end
    end
endmodule
