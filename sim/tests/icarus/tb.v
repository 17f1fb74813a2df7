// Icarus testbench for nic_core, driven by three files the Rust test writes:
//   ops.hex  one 128-bit operation per line: [127:120] op, [95:64] a, [63:0] b
//            1 write a<-b | 2 read a | 3 send a more s_axis beats | 4 send a
//            more s_axis_tx beats | 5 join (both streams sent) | 6 quiet a
//            cycles (no output beat) | 7 stall % m_axis = a, m_axis_tx = b |
//            8 end | 9 preload counter a with b (its chunks, written into
//            the counter bank's register: test-only, while it is idle)
//   rx.hex   one s_axis beat per line: [95:88] idle cycles before it,
//            [72] tlast, [71:64] tkeep, [63:0] tdata
//   tx.hex   one s_axis_tx beat per line: as rx, [73] tuser, [74 +: QB] tdest
// It writes out.txt: O (m_axis beat), X (m_axis_tx beat), R (read data),
// B (write response not OKAY), P (protocol violation), T (cycle limit), E.
`timescale 1ns/1ps
module tb;
parameter NOPS = 1, NRX = 1, NTX = 1, MAXCYC = 1000000, SEED = 1;
// tdest bits: log2 of the core's queues (3 for 8, 6 for 64)
parameter QB = 3;
reg clk = 0;
always #5 clk = !clk;
reg rst = 1;
reg [127:0] ops [0:NOPS-1];
reg [95:0] rxm [0:NRX];
reg [95:0] txm [0:NTX];
integer fd, cyc = 0, pc = 0, state = 0, quiet = 0, seed = SEED;
integer rx_i = 0, rx_end = 0, rx_wait = 0, tx_i = 0, tx_end = 0, tx_wait = 0;
integer stall_rx = 0, stall_tx = 0, arg = 0;
reg rx_v = 0, tx_v = 0;
reg m_rdy = 1, tx_rdy = 1;
reg [15:0] awaddr = 0, araddr = 0; reg [31:0] wdata = 0;
reg awvalid = 0, wvalid = 0, arvalid = 0;
wire [127:0] op = ops[pc];
wire [95:0] rx_w = rxm[rx_i];
wire [95:0] tx_w = txm[tx_i];
wire s_tready, stx_tready, awready, wready, bvalid, arready, rvalid;
wire [1:0] bresp, rresp; wire [31:0] rdata;
wire [63:0] m_tdata, m_tag, x_tdata; wire [7:0] m_tkeep, x_tkeep;
wire m_tvalid, m_tlast, x_tvalid, x_tlast, x_tuser;
wire [5:0] m_tuser; wire [QB-1:0] m_tdest; wire [31:0] m_hash;
nic_core dut(.clk(clk), .rst(rst),
  .s_axis_tdata(rx_w[63:0]), .s_axis_tkeep(rx_w[71:64]), .s_axis_tvalid(rx_v), .s_axis_tready(s_tready), .s_axis_tlast(rx_w[72]),
  .m_axis_tdata(m_tdata), .m_axis_tkeep(m_tkeep), .m_axis_tvalid(m_tvalid), .m_axis_tready(m_rdy), .m_axis_tlast(m_tlast),
  .m_axis_tuser(m_tuser), .m_axis_tag(m_tag), .m_axis_tdest(m_tdest), .m_axis_hash(m_hash),
  .s_axis_tx_tdata(tx_w[63:0]), .s_axis_tx_tkeep(tx_w[71:64]), .s_axis_tx_tvalid(tx_v), .s_axis_tx_tready(stx_tready),
  .s_axis_tx_tlast(tx_w[72]), .s_axis_tx_tuser(tx_w[73]), .s_axis_tx_tdest(tx_w[74 +: QB]),
  .m_axis_tx_tdata(x_tdata), .m_axis_tx_tkeep(x_tkeep), .m_axis_tx_tvalid(x_tvalid), .m_axis_tx_tready(tx_rdy),
  .m_axis_tx_tlast(x_tlast), .m_axis_tx_tuser(x_tuser),
  .s_axil_awaddr(awaddr), .s_axil_awprot(3'd0), .s_axil_awvalid(awvalid), .s_axil_awready(awready),
  .s_axil_wdata(wdata), .s_axil_wstrb(4'hf), .s_axil_wvalid(wvalid), .s_axil_wready(wready),
  .s_axil_bresp(bresp), .s_axil_bvalid(bvalid), .s_axil_bready(1'b1),
  .s_axil_araddr(araddr), .s_axil_arprot(3'd0), .s_axil_arvalid(arvalid), .s_axil_arready(arready),
  .s_axil_rdata(rdata), .s_axil_rresp(rresp), .s_axil_rvalid(rvalid), .s_axil_rready(1'b1));

// AXI4-Stream protocol checker on both masters: a beat offered and not
// taken stays offered, unchanged; tkeep is contiguous from lane 0, full
// except on tlast.
reg pm_hold = 0, px_hold = 0;
reg [206:0] pm = 0; reg [73:0] px = 0;
wire [206:0] m_all = {m_tdata, m_tkeep, m_tlast, m_tuser, m_tag, m_tdest, m_hash};
wire [73:0] x_all = {x_tdata, x_tkeep, x_tlast, x_tuser};
function keep_ok(input [7:0] k, input last);
  keep_ok = last ? (k != 0 && ((k + 8'd1) & k) == 0) : (k == 8'hff);
endfunction

initial begin
  $readmemh("ops.hex", ops);
  $readmemh("rx.hex", rxm);
  $readmemh("tx.hex", txm);
  fd = $fopen("out.txt", "w");
end

always @(posedge clk) begin
  cyc <= cyc + 1;
  if (cyc == 8) rst <= 0;
  if (cyc > MAXCYC) begin $fwrite(fd, "T %0d\n", cyc); $fclose(fd); $finish; end
  // random backpressure
  m_rdy <= ({$random(seed)} % 100) >= stall_rx;
  tx_rdy <= ({$random(seed)} % 100) >= stall_tx;
  // monitors
  if (m_tvalid && m_rdy)
    $fwrite(fd, "O %0d %h %h %0d %h %h %0d %h\n", cyc, m_tdata, m_tkeep, m_tlast, m_tuser, m_tag, m_tdest, m_hash);
  if (x_tvalid && tx_rdy)
    $fwrite(fd, "X %h %h %0d %0d\n", x_tdata, x_tkeep, x_tlast, x_tuser);
  if (pm_hold && (!m_tvalid || m_all != pm)) $fwrite(fd, "P %0d m_axis beat changed or withdrawn before tready\n", cyc);
  if (px_hold && (!x_tvalid || x_all != px)) $fwrite(fd, "P %0d m_axis_tx beat changed or withdrawn before tready\n", cyc);
  if (m_tvalid && !keep_ok(m_tkeep, m_tlast)) $fwrite(fd, "P %0d m_axis tkeep %h with tlast %0d\n", cyc, m_tkeep, m_tlast);
  if (x_tvalid && !keep_ok(x_tkeep, x_tlast)) $fwrite(fd, "P %0d m_axis_tx tkeep %h with tlast %0d\n", cyc, x_tkeep, x_tlast);
  pm_hold <= m_tvalid && !m_rdy; pm <= m_all;
  px_hold <= x_tvalid && !tx_rdy; px <= x_all;
  // s_axis stream: idle cycles before each beat, tvalid held until taken
  if (rx_v && s_tready) begin
    rx_i <= rx_i + 1;
    if (rx_i + 1 < rx_end && rxm[rx_i + 1][95:88] == 0) rx_v <= 1;
    else begin rx_v <= 0; rx_wait <= rxm[rx_i + 1][95:88] - 1; end
  end else if (!rx_v && rx_i < rx_end) begin
    if (rx_wait <= 0) rx_v <= 1; else rx_wait <= rx_wait - 1;
  end
  if (tx_v && stx_tready) begin
    tx_i <= tx_i + 1;
    if (tx_i + 1 < tx_end && txm[tx_i + 1][95:88] == 0) tx_v <= 1;
    else begin tx_v <= 0; tx_wait <= txm[tx_i + 1][95:88] - 1; end
  end else if (!tx_v && tx_i < tx_end) begin
    if (tx_wait <= 0) tx_v <= 1; else tx_wait <= tx_wait - 1;
  end
  // AXI4-Lite handshakes
  if (awvalid && awready) awvalid <= 0;
  if (wvalid && wready) wvalid <= 0;
  if (arvalid && arready) arvalid <= 0;
  // the operation sequencer
  if (!rst) case (state)
    0: begin
      pc <= pc + 1;
      arg <= op[95:64];
      case (op[127:120])
        1: begin awaddr <= op[79:64]; wdata <= op[31:0]; awvalid <= 1; wvalid <= 1; state <= 1; end
        2: begin araddr <= op[79:64]; arvalid <= 1; state <= 2; end
        3: begin
          if (rx_i == rx_end && !rx_v) rx_wait <= rxm[rx_i][95:88];
          rx_end <= rx_end + op[95:64];
        end
        4: begin
          if (tx_i == tx_end && !tx_v) tx_wait <= txm[tx_i][95:88];
          tx_end <= tx_end + op[95:64];
        end
        5: state <= 3;
        6: begin quiet <= 0; state <= 4; end
        7: begin stall_rx <= op[95:64]; stall_tx <= op[63:0]; end
        9: dut.bank.counters[op[95:64] * 64 +: 64] = op[63:0];
        default: begin $fwrite(fd, "E %0d\n", cyc); $fclose(fd); $finish; end
      endcase
    end
    1: if (bvalid) begin
      if (bresp != 0) $fwrite(fd, "B %h %0d\n", awaddr, bresp);
      state <= 0;
    end
    2: if (rvalid) begin $fwrite(fd, "R %h %0d\n", rdata, rresp); state <= 0; end
    3: if (rx_i == rx_end && tx_i == tx_end && !rx_v && !tx_v) state <= 0;
    4: begin
      quiet <= (m_tvalid || x_tvalid || rx_v || tx_v) ? 0 : quiet + 1;
      if (quiet >= arg) state <= 0;
    end
  endcase
end
endmodule
