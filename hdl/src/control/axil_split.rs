//! `AxilSplit`: one AXI4-Lite slave port onto two (issue 13's `nic` top):
//! addresses below [`ferronic_regmap::DMA_BASE`] go to port 0 (the core's
//! register file in `nic_core`), the rest to port 1 (the DMA engine's,
//! [`crate::dma::reg_block::DmaRegBlock`]). The full 16-bit address is passed
//! on, so each side decodes the map's own offsets.
//!
//! One write and one read at a time (registers, not a data path):
//! * **Write**: it takes AW and W independently, in either order, into
//!   registers; once it holds both it offers AW and W to the chosen port
//!   until each is taken, then passes that port's B back.
//! * **Read**: it takes `araddr` into a register, offers AR to the chosen
//!   port until taken, then passes that port's R back.
//!
//! Every output towards the two ports is a register or a state decode, so
//! the split adds no path from the host's wires into either register file.
//! Custom Verilog; tested through the `nic` top (`sim/tests/nic/`:
//! register accesses on both sides with random `valid` and `ready`
//! delays).

use rust_hdl::prelude::*;

/// The AXI4-Lite split; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct AxilSplit {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub s_axil_awaddr: Signal<In, Bits<16>>,
    pub s_axil_awprot: Signal<In, Bits<3>>,
    pub s_axil_awvalid: Signal<In, Bit>,
    pub s_axil_awready: Signal<Out, Bit>,
    pub s_axil_wdata: Signal<In, Bits<32>>,
    pub s_axil_wstrb: Signal<In, Bits<4>>,
    pub s_axil_wvalid: Signal<In, Bit>,
    pub s_axil_wready: Signal<Out, Bit>,
    pub s_axil_bresp: Signal<Out, Bits<2>>,
    pub s_axil_bvalid: Signal<Out, Bit>,
    pub s_axil_bready: Signal<In, Bit>,
    pub s_axil_araddr: Signal<In, Bits<16>>,
    pub s_axil_arprot: Signal<In, Bits<3>>,
    pub s_axil_arvalid: Signal<In, Bit>,
    pub s_axil_arready: Signal<Out, Bit>,
    pub s_axil_rdata: Signal<Out, Bits<32>>,
    pub s_axil_rresp: Signal<Out, Bits<2>>,
    pub s_axil_rvalid: Signal<Out, Bit>,
    pub s_axil_rready: Signal<In, Bit>,
    /// Address, protection, data and strobes of the write held (both
    /// ports see them; only the chosen one sees `valid`).
    pub m_awaddr: Signal<Out, Bits<16>>,
    pub m_awprot: Signal<Out, Bits<3>>,
    pub m_wdata: Signal<Out, Bits<32>>,
    pub m_wstrb: Signal<Out, Bits<4>>,
    /// Address and protection of the read held.
    pub m_araddr: Signal<Out, Bits<16>>,
    pub m_arprot: Signal<Out, Bits<3>>,
    pub m0_awvalid: Signal<Out, Bit>,
    pub m0_awready: Signal<In, Bit>,
    pub m0_wvalid: Signal<Out, Bit>,
    pub m0_wready: Signal<In, Bit>,
    pub m0_bresp: Signal<In, Bits<2>>,
    pub m0_bvalid: Signal<In, Bit>,
    pub m0_bready: Signal<Out, Bit>,
    pub m0_arvalid: Signal<Out, Bit>,
    pub m0_arready: Signal<In, Bit>,
    pub m0_rdata: Signal<In, Bits<32>>,
    pub m0_rresp: Signal<In, Bits<2>>,
    pub m0_rvalid: Signal<In, Bit>,
    pub m0_rready: Signal<Out, Bit>,
    pub m1_awvalid: Signal<Out, Bit>,
    pub m1_awready: Signal<In, Bit>,
    pub m1_wvalid: Signal<Out, Bit>,
    pub m1_wready: Signal<In, Bit>,
    pub m1_bresp: Signal<In, Bits<2>>,
    pub m1_bvalid: Signal<In, Bit>,
    pub m1_bready: Signal<Out, Bit>,
    pub m1_arvalid: Signal<Out, Bit>,
    pub m1_arready: Signal<In, Bit>,
    pub m1_rdata: Signal<In, Bits<32>>,
    pub m1_rresp: Signal<In, Bits<2>>,
    pub m1_rvalid: Signal<In, Bit>,
    pub m1_rready: Signal<Out, Bit>,
}

fn body() -> String {
    format!(
        "\
// ---- write: W_IDLE -> W_SEND (AW and W offered) -> W_RESP (B passed back)
localparam W_IDLE = 2'd0, W_SEND = 2'd1, W_RESP = 2'd2;
reg [1:0] ws;
reg w_sel, aw_left, w_left, aw_have, w_have;
wire aw_in = ws == W_IDLE && !aw_have && s_axil_awvalid;
wire w_in = ws == W_IDLE && !w_have && s_axil_wvalid;
wire aw_go = w_sel ? m1_awready : m0_awready;
wire w_go = w_sel ? m1_wready : m0_wready;
wire b_in = w_sel ? m1_bvalid : m0_bvalid;
// ---- read: R_IDLE -> R_SEND (AR offered) -> R_RESP (R passed back)
localparam R_IDLE = 2'd0, R_SEND = 2'd1, R_RESP = 2'd2;
reg [1:0] rs;
reg r_sel;
wire ar_go = r_sel ? m1_arready : m0_arready;
wire r_in = r_sel ? m1_rvalid : m0_rvalid;
always @(*) begin
  s_axil_awready = ws == W_IDLE && !aw_have;
  s_axil_wready = ws == W_IDLE && !w_have;
  m0_awvalid = ws == W_SEND && !w_sel && aw_left;
  m1_awvalid = ws == W_SEND && w_sel && aw_left;
  m0_wvalid = ws == W_SEND && !w_sel && w_left;
  m1_wvalid = ws == W_SEND && w_sel && w_left;
  s_axil_bvalid = ws == W_RESP && b_in;
  s_axil_bresp = w_sel ? m1_bresp : m0_bresp;
  m0_bready = ws == W_RESP && !w_sel && s_axil_bready;
  m1_bready = ws == W_RESP && w_sel && s_axil_bready;
  s_axil_arready = rs == R_IDLE;
  m0_arvalid = rs == R_SEND && !r_sel;
  m1_arvalid = rs == R_SEND && r_sel;
  s_axil_rvalid = rs == R_RESP && r_in;
  s_axil_rdata = r_sel ? m1_rdata : m0_rdata;
  s_axil_rresp = r_sel ? m1_rresp : m0_rresp;
  m0_rready = rs == R_RESP && !r_sel && s_axil_rready;
  m1_rready = rs == R_RESP && r_sel && s_axil_rready;
end
always @(posedge clock) begin
  if (rst) begin
    ws <= W_IDLE; rs <= R_IDLE; aw_left <= 1'b0; w_left <= 1'b0;
    aw_have <= 1'b0; w_have <= 1'b0;
  end else begin
    case (ws)
      W_IDLE: begin
        if (aw_in) begin
          w_sel <= s_axil_awaddr >= 16'h{base:04x};
          m_awaddr <= s_axil_awaddr; m_awprot <= s_axil_awprot;
        end
        if (w_in) begin m_wdata <= s_axil_wdata; m_wstrb <= s_axil_wstrb; end
        if ((aw_have || aw_in) && (w_have || w_in)) begin
          ws <= W_SEND; aw_left <= 1'b1; w_left <= 1'b1; aw_have <= 1'b0; w_have <= 1'b0;
        end else begin
          aw_have <= aw_have || aw_in; w_have <= w_have || w_in;
        end
      end
      W_SEND: begin
        if (aw_go) aw_left <= 1'b0;
        if (w_go) w_left <= 1'b0;
        if ((aw_go || !aw_left) && (w_go || !w_left)) ws <= W_RESP;
      end
      default: if (b_in && s_axil_bready) ws <= W_IDLE;
    endcase
    case (rs)
      R_IDLE: if (s_axil_arvalid) begin
        rs <= R_SEND;
        r_sel <= s_axil_araddr >= 16'h{base:04x};
        m_araddr <= s_axil_araddr; m_arprot <= s_axil_arprot;
      end
      R_SEND: if (ar_go) rs <= R_RESP;
      default: if (r_in && s_axil_rready) rs <= R_IDLE;
    endcase
  end
end
",
        base = ferronic_regmap::DMA_BASE
    )
}

impl Logic for AxilSplit {
    fn update(&mut self) {
        self.s_axil_awready.next = false;
        self.s_axil_wready.next = false;
        self.s_axil_bresp.next = 0.into();
        self.s_axil_bvalid.next = false;
        self.s_axil_arready.next = false;
        self.s_axil_rdata.next = 0.into();
        self.s_axil_rresp.next = 0.into();
        self.s_axil_rvalid.next = false;
        self.m_awaddr.next = 0.into();
        self.m_awprot.next = 0.into();
        self.m_wdata.next = 0.into();
        self.m_wstrb.next = 0.into();
        self.m_araddr.next = 0.into();
        self.m_arprot.next = 0.into();
        self.m0_awvalid.next = false;
        self.m0_wvalid.next = false;
        self.m0_bready.next = false;
        self.m0_arvalid.next = false;
        self.m0_rready.next = false;
        self.m1_awvalid.next = false;
        self.m1_wvalid.next = false;
        self.m1_bready.next = false;
        self.m1_arvalid.next = false;
        self.m1_rready.next = false;
    }

    fn connect(&mut self) {
        self.s_axil_awready.connect();
        self.s_axil_wready.connect();
        self.s_axil_bresp.connect();
        self.s_axil_bvalid.connect();
        self.s_axil_arready.connect();
        self.s_axil_rdata.connect();
        self.s_axil_rresp.connect();
        self.s_axil_rvalid.connect();
        self.m_awaddr.connect();
        self.m_awprot.connect();
        self.m_wdata.connect();
        self.m_wstrb.connect();
        self.m_araddr.connect();
        self.m_arprot.connect();
        self.m0_awvalid.connect();
        self.m0_wvalid.connect();
        self.m0_bready.connect();
        self.m0_arvalid.connect();
        self.m0_rready.connect();
        self.m1_awvalid.connect();
        self.m1_wvalid.connect();
        self.m1_bready.connect();
        self.m1_arvalid.connect();
        self.m1_rready.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(body())
    }
}
