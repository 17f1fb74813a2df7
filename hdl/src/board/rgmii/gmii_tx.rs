//! `GmiiTx`: the transmit half of a 1 Gb/s MAC at the GMII byte level
//! (IEEE 802.3 clause 35: `txd[7:0]`, `tx_en`, `tx_er` a clock of
//! `tx_clk`, 125 MHz), in the transmit clock's domain. Each frame of the
//! 64-bit AXI4-Stream input (FCS included, as the datapath's FcsInsert
//! leaves it) goes out as 7 preamble bytes `0x55`, the SFD `0xd5`, its
//! bytes, then at least 12 idle clocks (the interframe gap, clause 4.4.2).
//!
//! * A beat is taken (`tready` high for one clock, a decode of the state
//!   flip-flops) when its bytes are due: the first during the SFD, the
//!   next during the last byte of the one before. So one frame's beats
//!   must come at least one every 8 clocks: feed it from a FIFO that holds
//!   whole frames. A beat that is not there when due ends the frame with
//!   `tx_er` high (the receiver discards it; `underrun` high for one
//!   clock) and the rest of that frame is consumed unsent.
//! * `tx_en`, `tx_er` and `txd` are flip-flops.

use rust_hdl::prelude::*;

/// GMII transmit; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct GmiiTx {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub s_axis_tdata: Signal<In, Bits<64>>,
    pub s_axis_tkeep: Signal<In, Bits<8>>,
    pub s_axis_tvalid: Signal<In, Bit>,
    pub s_axis_tlast: Signal<In, Bit>,
    pub s_axis_tready: Signal<Out, Bit>,
    pub txd: Signal<Out, Bits<8>>,
    pub tx_en: Signal<Out, Bit>,
    pub tx_er: Signal<Out, Bit>,
    /// One clock per frame cut short because its next beat was late.
    pub underrun: Signal<Out, Bit>,
    // state: 0 Idle, 1 Preamble (8 bytes with the SFD), 2 Data, 3 Gap
    // (12 idle clocks), 4 Drain (an underrun's frame, until tlast)
    state: DFF<Bits<3>>,
    cnt: DFF<Bits<4>>,
    /// The beat being sent, byte 0 at the bottom, shifted down a byte a
    /// clock; `keep` likewise (bit 1 clear: this is its last byte).
    data: DFF<Bits<64>>,
    keep: DFF<Bits<8>>,
    last: DFF<Bit>,
    txd_q: DFF<Bits<8>>,
    en_q: DFF<Bit>,
    er_q: DFF<Bit>,
    underrun_q: DFF<Bit>,
    take: Signal<Local, Bit>,
}

impl Logic for GmiiTx {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, state, cnt, data, keep, last, txd_q, en_q, er_q, underrun_q);
        self.underrun_q.d.next = false;
        self.er_q.d.next = false;
        // a beat is due in the SFD's clock and in each beat's last byte's
        self.take.next = ((self.state.q.val() == 1_u64) & (self.cnt.q.val() == 7_u64))
            | ((self.state.q.val() == 2_u64) & !self.keep.q.val().get_bit(1) & !self.last.q.val())
            | (self.state.q.val() == 4_u64);
        if self.state.q.val() == 0_u64 {
            // Idle
            self.en_q.d.next = false;
            self.cnt.d.next = 0_u64.into();
            if self.s_axis_tvalid.val() {
                self.state.d.next = 1_u64.into();
            }
        } else if self.state.q.val() == 1_u64 {
            // Preamble and SFD
            self.en_q.d.next = true;
            self.cnt.d.next = self.cnt.q.val() + 1_u64;
            if self.cnt.q.val() == 7_u64 {
                self.txd_q.d.next = 0xd5_u64.into();
                // the first beat is there: the line is busy with this frame
                self.data.d.next = self.s_axis_tdata.val();
                self.keep.d.next = self.s_axis_tkeep.val();
                self.last.d.next = self.s_axis_tlast.val();
                self.state.d.next = 2_u64.into();
            } else {
                self.txd_q.d.next = 0x55_u64.into();
            }
        } else if self.state.q.val() == 2_u64 {
            // Data: this byte out, the next from the beat or a new beat
            self.en_q.d.next = true;
            self.txd_q.d.next = self.data.q.val().get_bits::<8>(0);
            self.data.d.next = self.data.q.val() >> 8_u64;
            self.keep.d.next = self.keep.q.val() >> 1_u64;
            if !self.keep.q.val().get_bit(1) {
                if self.last.q.val() {
                    self.cnt.d.next = 0_u64.into();
                    self.state.d.next = 3_u64.into();
                } else if self.s_axis_tvalid.val() {
                    self.data.d.next = self.s_axis_tdata.val();
                    self.keep.d.next = self.s_axis_tkeep.val();
                    self.last.d.next = self.s_axis_tlast.val();
                } else {
                    // late: this byte goes out with tx_er, the frame ends
                    self.er_q.d.next = true;
                    self.underrun_q.d.next = true;
                    self.state.d.next = 4_u64.into();
                }
            }
        } else if self.state.q.val() == 3_u64 {
            // Gap
            self.en_q.d.next = false;
            self.cnt.d.next = self.cnt.q.val() + 1_u64;
            if self.cnt.q.val() == 10_u64 {
                self.state.d.next = 0_u64.into();
            }
        } else {
            // Drain: take the rest of the frame unsent
            self.en_q.d.next = false;
            if self.s_axis_tvalid.val() & self.s_axis_tlast.val() {
                self.cnt.d.next = 0_u64.into();
                self.state.d.next = 3_u64.into();
            }
        }
        if self.rst.val() {
            self.state.d.next = 0_u64.into();
            self.en_q.d.next = false;
            self.er_q.d.next = false;
            self.underrun_q.d.next = false;
        }
        self.s_axis_tready.next = self.take.val();
        self.txd.next = self.txd_q.q.val();
        self.tx_en.next = self.en_q.q.val();
        self.tx_er.next = self.er_q.q.val();
        self.underrun.next = self.underrun_q.q.val();
    }
}
