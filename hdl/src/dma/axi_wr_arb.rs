//! `AxiWrArb`: three AXI4 write masters (the receive data mover, the
//! receive completion queues' mover, the transmit completion queues'
//! mover) onto one write port (issue 13). The port's `awid` is the
//! master's number (0, 1, 2), so write responses come back to the master
//! that asked, in order per master (AMBA AXI4, ARM IHI 0022E, A5.3); a
//! completion can never pass the frame data it describes because the
//! receive engine asks for it only after that data's responses.
//!
//! * **AW**: one register stage. When it is empty (or being taken) and the
//!   order queue has room, it takes the first master asking after the one
//!   it took last (round robin), and pushes the master's number into a
//!   4-entry order queue.
//! * **W**: the bursts follow the AWs in the order they were granted
//!   (A3.3.1: W data in AW order): the master at the head of the order
//!   queue drives the port until its `wlast` beat is taken. Beats may reach
//!   the port before their AW (A3.3.1 allows it).
//! * **B**: routed by `bid` bits 1:0; the master's `bready` goes back.
//!
//! Custom Verilog; tested inside the `nic` top (`sim/tests/nic/`: frame
//! writes and both kinds of completion writes share it under the
//! protocol checker).

use rust_hdl::prelude::*;

/// Three 128-bit AXI4 write masters onto one port; see the module
/// documentation.
#[derive(LogicBlock, Default)]
pub struct AxiWrArb {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub s0_awaddr: Signal<In, Bits<64>>,
    pub s0_awlen: Signal<In, Bits<8>>,
    pub s0_awsize: Signal<In, Bits<3>>,
    pub s0_awburst: Signal<In, Bits<2>>,
    pub s0_awvalid: Signal<In, Bit>,
    pub s0_awready: Signal<Out, Bit>,
    pub s0_wdata: Signal<In, Bits<128>>,
    pub s0_wstrb: Signal<In, Bits<16>>,
    pub s0_wlast: Signal<In, Bit>,
    pub s0_wvalid: Signal<In, Bit>,
    pub s0_wready: Signal<Out, Bit>,
    pub s0_bresp: Signal<Out, Bits<2>>,
    pub s0_bvalid: Signal<Out, Bit>,
    pub s0_bready: Signal<In, Bit>,
    pub s1_awaddr: Signal<In, Bits<64>>,
    pub s1_awlen: Signal<In, Bits<8>>,
    pub s1_awsize: Signal<In, Bits<3>>,
    pub s1_awburst: Signal<In, Bits<2>>,
    pub s1_awvalid: Signal<In, Bit>,
    pub s1_awready: Signal<Out, Bit>,
    pub s1_wdata: Signal<In, Bits<128>>,
    pub s1_wstrb: Signal<In, Bits<16>>,
    pub s1_wlast: Signal<In, Bit>,
    pub s1_wvalid: Signal<In, Bit>,
    pub s1_wready: Signal<Out, Bit>,
    pub s1_bresp: Signal<Out, Bits<2>>,
    pub s1_bvalid: Signal<Out, Bit>,
    pub s1_bready: Signal<In, Bit>,
    pub s2_awaddr: Signal<In, Bits<64>>,
    pub s2_awlen: Signal<In, Bits<8>>,
    pub s2_awsize: Signal<In, Bits<3>>,
    pub s2_awburst: Signal<In, Bits<2>>,
    pub s2_awvalid: Signal<In, Bit>,
    pub s2_awready: Signal<Out, Bit>,
    pub s2_wdata: Signal<In, Bits<128>>,
    pub s2_wstrb: Signal<In, Bits<16>>,
    pub s2_wlast: Signal<In, Bit>,
    pub s2_wvalid: Signal<In, Bit>,
    pub s2_wready: Signal<Out, Bit>,
    pub s2_bresp: Signal<Out, Bits<2>>,
    pub s2_bvalid: Signal<Out, Bit>,
    pub s2_bready: Signal<In, Bit>,
    pub m_axi_awid: Signal<Out, Bits<4>>,
    pub m_axi_awaddr: Signal<Out, Bits<64>>,
    pub m_axi_awlen: Signal<Out, Bits<8>>,
    pub m_axi_awsize: Signal<Out, Bits<3>>,
    pub m_axi_awburst: Signal<Out, Bits<2>>,
    pub m_axi_awvalid: Signal<Out, Bit>,
    pub m_axi_awready: Signal<In, Bit>,
    pub m_axi_wdata: Signal<Out, Bits<128>>,
    pub m_axi_wstrb: Signal<Out, Bits<16>>,
    pub m_axi_wlast: Signal<Out, Bit>,
    pub m_axi_wvalid: Signal<Out, Bit>,
    pub m_axi_wready: Signal<In, Bit>,
    pub m_axi_bid: Signal<In, Bits<4>>,
    pub m_axi_bresp: Signal<In, Bits<2>>,
    pub m_axi_bvalid: Signal<In, Bit>,
    pub m_axi_bready: Signal<Out, Bit>,
}

const BODY: &str = "\
// ---- AW: a register stage, round robin, grants queued in order
reg [1:0] last;              // the master taken last
reg [1:0] oq [0:3];          // order queue: master numbers
reg [1:0] oq_wr, oq_rd;
reg [2:0] oq_n;
wire take = (!m_axi_awvalid || m_axi_awready) && oq_n != 3'd4;
wire [2:0] req = {s2_awvalid, s1_awvalid, s0_awvalid};
reg [1:0] pick;
always @(*) begin
  case (last)
    2'd0: pick = req[1] ? 2'd1 : req[2] ? 2'd2 : 2'd0;
    2'd1: pick = req[2] ? 2'd2 : req[0] ? 2'd0 : 2'd1;
    default: pick = req[0] ? 2'd0 : req[1] ? 2'd1 : 2'd2;
  endcase
end
wire go = take && |req;
wire g0 = go && pick == 2'd0;
wire g1 = go && pick == 2'd1;
wire g2 = go && pick == 2'd2;
// ---- W: the master at the head of the order queue
wire w_any = oq_n != 3'd0;
wire [1:0] w_sel = oq[oq_rd];
wire w_end = m_axi_wvalid && m_axi_wready && m_axi_wlast;
always @(*) begin
  s0_awready = g0; s1_awready = g1; s2_awready = g2;
  case (w_sel)
    2'd0: begin m_axi_wdata = s0_wdata; m_axi_wstrb = s0_wstrb; m_axi_wlast = s0_wlast; m_axi_wvalid = w_any && s0_wvalid; end
    2'd1: begin m_axi_wdata = s1_wdata; m_axi_wstrb = s1_wstrb; m_axi_wlast = s1_wlast; m_axi_wvalid = w_any && s1_wvalid; end
    default: begin m_axi_wdata = s2_wdata; m_axi_wstrb = s2_wstrb; m_axi_wlast = s2_wlast; m_axi_wvalid = w_any && s2_wvalid; end
  endcase
  s0_wready = w_any && w_sel == 2'd0 && m_axi_wready;
  s1_wready = w_any && w_sel == 2'd1 && m_axi_wready;
  s2_wready = w_any && w_sel == 2'd2 && m_axi_wready;
  // ---- B: routed by bid[1:0]
  s0_bresp = m_axi_bresp; s1_bresp = m_axi_bresp; s2_bresp = m_axi_bresp;
  s0_bvalid = m_axi_bvalid && m_axi_bid[1:0] == 2'd0;
  s1_bvalid = m_axi_bvalid && m_axi_bid[1:0] == 2'd1;
  s2_bvalid = m_axi_bvalid && m_axi_bid[1:0] == 2'd2;
  case (m_axi_bid[1:0])
    2'd0: m_axi_bready = s0_bready;
    2'd1: m_axi_bready = s1_bready;
    default: m_axi_bready = s2_bready;
  endcase
end
always @(posedge clock) begin
  if (rst) begin
    m_axi_awvalid <= 1'b0; last <= 2'd2; oq_wr <= 2'd0; oq_rd <= 2'd0; oq_n <= 3'd0;
  end else begin
    // taken with the order queue full: the stage empties and waits
    if (take) m_axi_awvalid <= go;
    else if (m_axi_awready) m_axi_awvalid <= 1'b0;
    if (go) begin oq[oq_wr] <= pick; oq_wr <= oq_wr + 2'd1; last <= pick; end
    if (w_end) oq_rd <= oq_rd + 2'd1;
    oq_n <= oq_n + {2'd0, go} - {2'd0, w_end};
    if (go) begin
      m_axi_awid <= {2'd0, pick};
      case (pick)
        2'd0: begin m_axi_awaddr <= s0_awaddr; m_axi_awlen <= s0_awlen; m_axi_awsize <= s0_awsize; m_axi_awburst <= s0_awburst; end
        2'd1: begin m_axi_awaddr <= s1_awaddr; m_axi_awlen <= s1_awlen; m_axi_awsize <= s1_awsize; m_axi_awburst <= s1_awburst; end
        default: begin m_axi_awaddr <= s2_awaddr; m_axi_awlen <= s2_awlen; m_axi_awsize <= s2_awsize; m_axi_awburst <= s2_awburst; end
      endcase
    end
  end
end
wire unused_ok = ^{m_axi_bid[3:2]};
";

impl Logic for AxiWrArb {
    fn update(&mut self) {
        self.s0_awready.next = false;
        self.s0_wready.next = false;
        self.s0_bresp.next = 0.into();
        self.s0_bvalid.next = false;
        self.s1_awready.next = false;
        self.s1_wready.next = false;
        self.s1_bresp.next = 0.into();
        self.s1_bvalid.next = false;
        self.s2_awready.next = false;
        self.s2_wready.next = false;
        self.s2_bresp.next = 0.into();
        self.s2_bvalid.next = false;
        self.m_axi_awid.next = 0.into();
        self.m_axi_awaddr.next = 0.into();
        self.m_axi_awlen.next = 0.into();
        self.m_axi_awsize.next = 0.into();
        self.m_axi_awburst.next = 0.into();
        self.m_axi_awvalid.next = false;
        self.m_axi_wdata.next = 0.into();
        self.m_axi_wstrb.next = 0.into();
        self.m_axi_wlast.next = false;
        self.m_axi_wvalid.next = false;
        self.m_axi_bready.next = false;
    }

    fn connect(&mut self) {
        self.s0_awready.connect();
        self.s0_wready.connect();
        self.s0_bresp.connect();
        self.s0_bvalid.connect();
        self.s1_awready.connect();
        self.s1_wready.connect();
        self.s1_bresp.connect();
        self.s1_bvalid.connect();
        self.s2_awready.connect();
        self.s2_wready.connect();
        self.s2_bresp.connect();
        self.s2_bvalid.connect();
        self.m_axi_awid.connect();
        self.m_axi_awaddr.connect();
        self.m_axi_awlen.connect();
        self.m_axi_awsize.connect();
        self.m_axi_awburst.connect();
        self.m_axi_awvalid.connect();
        self.m_axi_wdata.connect();
        self.m_axi_wstrb.connect();
        self.m_axi_wlast.connect();
        self.m_axi_wvalid.connect();
        self.m_axi_bready.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(BODY.to_string())
    }
}
