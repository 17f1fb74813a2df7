//! `AxiRdArb`: two AXI4 read masters onto one read port (issue 13). Each
//! master keeps its own ID space; the port's ID is the master's ID
//! shifted up one bit with the master's number below it (`arid` =
//! {`sN_arid`[2:0], N}), so nesting arbiters keeps every mover's ID apart
//! and responses return in order per mover (AMBA AXI4, ARM IHI 0022E,
//! A5.3: in order per ID, any order across IDs).
//!
//! * **AR**: one register stage. When it is empty (or being taken) it
//!   takes the master whose turn it is if that master asks, else the
//!   other (round robin: after a grant the other master has priority), so
//!   neither starves. `sN_arready` is high for one clock per grant.
//! * **R**: routed by `rid` bit 0 to its master; the master's `rready`
//!   goes back to the port (no storage). The masters here keep one ID
//!   each, so the rest of `rid` is not passed down.
//!
//! Custom Verilog; tested inside the transmit engine
//! (`sim/tests/tx_engine.rs`: descriptor reads and frame reads share it).

use rust_hdl::prelude::*;

/// Two 128-bit AXI4 read masters onto one port; see the module
/// documentation.
#[derive(LogicBlock, Default)]
pub struct AxiRdArb {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub s0_arid: Signal<In, Bits<4>>,
    pub s0_araddr: Signal<In, Bits<64>>,
    pub s0_arlen: Signal<In, Bits<8>>,
    pub s0_arsize: Signal<In, Bits<3>>,
    pub s0_arburst: Signal<In, Bits<2>>,
    pub s0_arvalid: Signal<In, Bit>,
    pub s0_arready: Signal<Out, Bit>,
    pub s0_rdata: Signal<Out, Bits<128>>,
    pub s0_rresp: Signal<Out, Bits<2>>,
    pub s0_rlast: Signal<Out, Bit>,
    pub s0_rvalid: Signal<Out, Bit>,
    pub s0_rready: Signal<In, Bit>,
    pub s1_arid: Signal<In, Bits<4>>,
    pub s1_araddr: Signal<In, Bits<64>>,
    pub s1_arlen: Signal<In, Bits<8>>,
    pub s1_arsize: Signal<In, Bits<3>>,
    pub s1_arburst: Signal<In, Bits<2>>,
    pub s1_arvalid: Signal<In, Bit>,
    pub s1_arready: Signal<Out, Bit>,
    pub s1_rdata: Signal<Out, Bits<128>>,
    pub s1_rresp: Signal<Out, Bits<2>>,
    pub s1_rlast: Signal<Out, Bit>,
    pub s1_rvalid: Signal<Out, Bit>,
    pub s1_rready: Signal<In, Bit>,
    pub m_axi_arid: Signal<Out, Bits<4>>,
    pub m_axi_araddr: Signal<Out, Bits<64>>,
    pub m_axi_arlen: Signal<Out, Bits<8>>,
    pub m_axi_arsize: Signal<Out, Bits<3>>,
    pub m_axi_arburst: Signal<Out, Bits<2>>,
    pub m_axi_arvalid: Signal<Out, Bit>,
    pub m_axi_arready: Signal<In, Bit>,
    pub m_axi_rid: Signal<In, Bits<4>>,
    pub m_axi_rdata: Signal<In, Bits<128>>,
    pub m_axi_rresp: Signal<In, Bits<2>>,
    pub m_axi_rlast: Signal<In, Bit>,
    pub m_axi_rvalid: Signal<In, Bit>,
    pub m_axi_rready: Signal<Out, Bit>,
}

const BODY: &str = "\
// ---- AR: a register stage, round robin
reg turn;   // the master with priority
wire take = !m_axi_arvalid || m_axi_arready;
wire g0 = take && s0_arvalid && (!turn || !s1_arvalid);
wire g1 = take && s1_arvalid && (turn || !s0_arvalid);
always @(*) begin s0_arready = g0; s1_arready = g1; end
wire pick1 = s1_arvalid && (turn || !s0_arvalid);
always @(posedge clock) begin
  if (rst) begin m_axi_arvalid <= 1'b0; turn <= 1'b0; end
  else begin
    if (take) m_axi_arvalid <= g0 || g1;
    if (g0) turn <= 1'b1;
    else if (g1) turn <= 1'b0;
  end
end
// the address loads whenever the stage is free, granted or not
// (`arvalid` says when it holds one): its 80 enables are `take`, a gate
// of two flip-flops, and the master's pick only steers the data (the
// grant into those enables was the transmit engine's slowest path)
always @(posedge clock) if (take) begin
  if (pick1) begin
    m_axi_arid <= {s1_arid[2:0], 1'b1}; m_axi_araddr <= s1_araddr; m_axi_arlen <= s1_arlen;
    m_axi_arsize <= s1_arsize; m_axi_arburst <= s1_arburst;
  end else begin
    m_axi_arid <= {s0_arid[2:0], 1'b0}; m_axi_araddr <= s0_araddr; m_axi_arlen <= s0_arlen;
    m_axi_arsize <= s0_arsize; m_axi_arburst <= s0_arburst;
  end
end
// ---- R: routed by rid[0]
always @(*) begin
  s0_rdata = m_axi_rdata; s1_rdata = m_axi_rdata;
  s0_rresp = m_axi_rresp; s1_rresp = m_axi_rresp;
  s0_rlast = m_axi_rlast; s1_rlast = m_axi_rlast;
  s0_rvalid = m_axi_rvalid && !m_axi_rid[0];
  s1_rvalid = m_axi_rvalid && m_axi_rid[0];
  m_axi_rready = m_axi_rid[0] ? s1_rready : s0_rready;
end
wire unused_ok = ^{s0_arid[3], s1_arid[3], m_axi_rid[3:1]};
";

impl Logic for AxiRdArb {
    fn update(&mut self) {
        self.s0_arready.next = false;
        self.s1_arready.next = false;
        self.s0_rdata.next = 0.into();
        self.s0_rresp.next = 0.into();
        self.s0_rlast.next = false;
        self.s0_rvalid.next = false;
        self.s1_rdata.next = 0.into();
        self.s1_rresp.next = 0.into();
        self.s1_rlast.next = false;
        self.s1_rvalid.next = false;
        self.m_axi_arid.next = 0.into();
        self.m_axi_araddr.next = 0.into();
        self.m_axi_arlen.next = 0.into();
        self.m_axi_arsize.next = 0.into();
        self.m_axi_arburst.next = 0.into();
        self.m_axi_arvalid.next = false;
        self.m_axi_rready.next = false;
    }

    fn connect(&mut self) {
        self.s0_arready.connect();
        self.s1_arready.connect();
        self.s0_rdata.connect();
        self.s0_rresp.connect();
        self.s0_rlast.connect();
        self.s0_rvalid.connect();
        self.s1_rdata.connect();
        self.s1_rresp.connect();
        self.s1_rlast.connect();
        self.s1_rvalid.connect();
        self.m_axi_arid.connect();
        self.m_axi_araddr.connect();
        self.m_axi_arlen.connect();
        self.m_axi_arsize.connect();
        self.m_axi_arburst.connect();
        self.m_axi_arvalid.connect();
        self.m_axi_rready.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(BODY.to_string())
    }
}
