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

use rust_hdl::prelude::*;

/// Frame-level round-robin arbiter; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct TxArb {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub h_tdata: Signal<In, Bits<64>>,
    pub h_tkeep: Signal<In, Bits<8>>,
    pub h_tvalid: Signal<In, Bit>,
    pub h_tready: Signal<Out, Bit>,
    pub h_tlast: Signal<In, Bit>,
    pub h_tuser: Signal<In, Bit>,
    pub e_tdata: Signal<In, Bits<64>>,
    pub e_tkeep: Signal<In, Bits<8>>,
    pub e_tvalid: Signal<In, Bit>,
    pub e_tready: Signal<Out, Bit>,
    pub e_tlast: Signal<In, Bit>,
    pub m_tdata: Signal<Out, Bits<64>>,
    pub m_tkeep: Signal<Out, Bits<8>>,
    pub m_tvalid: Signal<Out, Bit>,
    pub m_tready: Signal<In, Bit>,
    pub m_tlast: Signal<Out, Bit>,
    pub m_tuser: Signal<Out, Bit>,
    /// (busy, sel, last sel)
    _sim: (bool, bool, bool),
}

impl Logic for TxArb {
    fn update(&mut self) {
        let (busy, sel, last) = self._sim;
        let (hv, ev) = (self.h_tvalid.val(), self.e_tvalid.val());
        let choice = if hv && ev { !last } else { ev };
        let now = if busy { sel } else { choice };
        let any = busy || hv || ev;
        if self.clock.pos_edge() {
            if self.rst.val() {
                self._sim = (false, false, false);
            } else {
                let valid = if now { ev } else { hv };
                let tlast = if now {
                    self.e_tlast.val()
                } else {
                    self.h_tlast.val()
                };
                if any && valid && self.m_tready.val() {
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
        self.m_tvalid.next = if now { ev } else { hv };
        self.m_tdata.next = if now {
            self.e_tdata.val()
        } else {
            self.h_tdata.val()
        };
        self.m_tkeep.next = if now {
            self.e_tkeep.val()
        } else {
            self.h_tkeep.val()
        };
        self.m_tlast.next = if now {
            self.e_tlast.val()
        } else {
            self.h_tlast.val()
        };
        self.m_tuser.next = !now && self.h_tuser.val();
        self.h_tready.next = !now && self.m_tready.val();
        self.e_tready.next = now && self.m_tready.val();
    }

    fn connect(&mut self) {
        self.h_tready.connect();
        self.e_tready.connect();
        self.m_tdata.connect();
        self.m_tkeep.connect();
        self.m_tvalid.connect();
        self.m_tlast.connect();
        self.m_tuser.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(
            "reg busy; reg sel; reg last;\n\
             wire choice = (h_tvalid && e_tvalid) ? !last : e_tvalid;\n\
             wire now = busy ? sel : choice;\n\
             always @(*) begin\n\
             \x20 m_tvalid = now ? e_tvalid : h_tvalid;\n\
             \x20 m_tdata = now ? e_tdata : h_tdata;\n\
             \x20 m_tkeep = now ? e_tkeep : h_tkeep;\n\
             \x20 m_tlast = now ? e_tlast : h_tlast;\n\
             \x20 m_tuser = !now && h_tuser;\n\
             \x20 h_tready = !now && m_tready;\n\
             \x20 e_tready = now && m_tready;\n\
             end\n\
             always @(posedge clock) begin\n\
             \x20 if (rst) begin busy <= 1'b0; sel <= 1'b0; last <= 1'b0; end\n\
             \x20 else if (m_tvalid && m_tready) begin\n\
             \x20   if (m_tlast) begin busy <= 1'b0; last <= now; end\n\
             \x20   else begin busy <= 1'b1; sel <= now; end\n\
             \x20 end\nend\n"
                .to_string(),
        )
    }
}
