//! `CplReqArb`: the receive and transmit engines' completion requests onto
//! the one request port of [`crate::dma::cpl_queue::CplQueue`] (issue 13).
//!
//! One register stage (`req_valid` and its payload are registers, so the
//! completion queues see a registered handshake): when it is empty or
//! being taken it takes the requester whose turn it is if that one asks,
//! else the other (round robin: after a grant the other has priority), so
//! a stream of receive completions cannot starve transmit ones.
//! `sN_ready` is high for one clock per grant. A request every clock at
//! best, where the completion queues take one every 5.
//!
//! Custom Verilog; tested inside the `nic` top (`sim/tests/nic/`).

use crate::dma::cpl_queue::CQ_BITS;
use rust_hdl::prelude::*;

/// Two completion requesters onto one; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct CplReqArb {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub s0_valid: Signal<In, Bit>,
    pub s0_ready: Signal<Out, Bit>,
    pub s0_cq: Signal<In, Bits<CQ_BITS>>,
    pub s0_rec: Signal<In, Bits<256>>,
    pub s1_valid: Signal<In, Bit>,
    pub s1_ready: Signal<Out, Bit>,
    pub s1_cq: Signal<In, Bits<CQ_BITS>>,
    pub s1_rec: Signal<In, Bits<256>>,
    pub req_valid: Signal<Out, Bit>,
    pub req_ready: Signal<In, Bit>,
    pub req_cq: Signal<Out, Bits<CQ_BITS>>,
    pub req_rec: Signal<Out, Bits<256>>,
}

const BODY: &str = "\
reg turn;   // the requester with priority
wire take = !req_valid || req_ready;
wire g0 = take && s0_valid && (!turn || !s1_valid);
wire g1 = take && s1_valid && (turn || !s0_valid);
always @(*) begin s0_ready = g0; s1_ready = g1; end
always @(posedge clock) begin
  if (rst) begin req_valid <= 1'b0; turn <= 1'b0; end
  else begin
    if (take) req_valid <= g0 || g1;
    if (g0) begin req_cq <= s0_cq; req_rec <= s0_rec; turn <= 1'b1; end
    else if (g1) begin req_cq <= s1_cq; req_rec <= s1_rec; turn <= 1'b0; end
  end
end
";

impl Logic for CplReqArb {
    fn update(&mut self) {
        self.s0_ready.next = false;
        self.s1_ready.next = false;
        self.req_valid.next = false;
        self.req_cq.next = 0.into();
        self.req_rec.next = 0.into();
    }

    fn connect(&mut self) {
        self.s0_ready.connect();
        self.s1_ready.connect();
        self.req_valid.connect();
        self.req_cq.connect();
        self.req_rec.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(BODY.to_string())
    }
}
