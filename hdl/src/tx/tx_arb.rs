//! `TxArb`: the transmit arbiter between the host's frames (`h_*`,
//! `s_axis_tx`) and the handshake engine's SYN-ACKs and RSTs (`e_*`).
//! Whole frames, round robin: when both wait, the source that did not send
//! the last frame goes next, so neither starves (a SYN flood can take at
//! most every other frame slot from the host). The chosen frame's beats
//! pass through combinationally (`m_*`); `m_tuser` comes from the host (0
//! for engine frames). The transmit counters count the host's frames at
//! `h_*`; the engine's are counted by the handshake counters.
//!
//! Custom Verilog with a matching Rust `update()`.

use crate::common::axis::{AxisMaster64, AxisSlave64};
use rust_hdl::prelude::*;

/// Frame-level round-robin arbiter; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct TxArb {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub h_axis: AxisSlave64,
    pub h_tuser: Signal<In, Bit>,
    pub e_axis: AxisSlave64,
    pub m_axis: AxisMaster64,
    pub m_tuser: Signal<Out, Bit>,
    /// (busy, sel, last sel)
    _sim: (bool, bool, bool),
}

impl Logic for TxArb {
    fn update(&mut self) {
        let (busy, sel, last) = self._sim;
        let (hv, ev) = (self.h_axis.tvalid.val(), self.e_axis.tvalid.val());
        let choice = if hv && ev { !last } else { ev };
        let now = if busy { sel } else { choice };
        let any = busy || hv || ev;
        if self.clock.pos_edge() {
            if self.rst.val() {
                self._sim = (false, false, false);
            } else {
                let valid = if now { ev } else { hv };
                let tlast = if now {
                    self.e_axis.tlast.val()
                } else {
                    self.h_axis.tlast.val()
                };
                if any && valid && self.m_axis.tready.val() {
                    if tlast {
                        self._sim = (false, sel, now);
                    } else {
                        self._sim = (true, now, last);
                    }
                }
            }
        }
        let (busy, sel, last) = self._sim;
        let choice = if hv && ev { !last } else { ev };
        let now = if busy { sel } else { choice };
        self.m_axis.tvalid.next = if now { ev } else { hv };
        self.m_axis.tdata.next = if now {
            self.e_axis.tdata.val()
        } else {
            self.h_axis.tdata.val()
        };
        self.m_axis.tkeep.next = if now {
            self.e_axis.tkeep.val()
        } else {
            self.h_axis.tkeep.val()
        };
        self.m_axis.tlast.next = if now {
            self.e_axis.tlast.val()
        } else {
            self.h_axis.tlast.val()
        };
        self.m_tuser.next = !now && self.h_tuser.val();
        self.h_axis.tready.next = !now && self.m_axis.tready.val();
        self.e_axis.tready.next = now && self.m_axis.tready.val();
    }

    fn connect(&mut self) {
        self.h_axis.tready.connect();
        self.e_axis.tready.connect();
        self.m_axis.tdata.connect();
        self.m_axis.tkeep.connect();
        self.m_axis.tvalid.connect();
        self.m_axis.tlast.connect();
        self.m_tuser.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(
            "reg busy; reg sel; reg last;\n\
             wire choice = (h_axis$tvalid && e_axis$tvalid) ? !last : e_axis$tvalid;\n\
             wire now = busy ? sel : choice;\n\
             always @(*) begin\n\
             \x20 m_axis$tvalid = now ? e_axis$tvalid : h_axis$tvalid;\n\
             \x20 m_axis$tdata = now ? e_axis$tdata : h_axis$tdata;\n\
             \x20 m_axis$tkeep = now ? e_axis$tkeep : h_axis$tkeep;\n\
             \x20 m_axis$tlast = now ? e_axis$tlast : h_axis$tlast;\n\
             \x20 m_tuser = !now && h_tuser;\n\
             \x20 h_axis$tready = !now && m_axis$tready;\n\
             \x20 e_axis$tready = now && m_axis$tready;\n\
             end\n\
             always @(posedge clock) begin\n\
             \x20 if (rst) begin busy <= 1'b0; sel <= 1'b0; last <= 1'b0; end\n\
             \x20 else if (m_axis$tvalid && m_axis$tready) begin\n\
             \x20   if (m_axis$tlast) begin busy <= 1'b0; last <= now; end\n\
             \x20   else begin busy <= 1'b1; sel <= now; end\n\
             \x20 end\nend\n"
                .to_string(),
        )
    }
}
