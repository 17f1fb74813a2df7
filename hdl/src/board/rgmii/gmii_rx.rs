//! `GmiiRx`: the receive half of a 1 Gb/s MAC at the GMII byte level
//! (IEEE 802.3 clause 35: `rxd[7:0]`, `rx_dv`, `rx_er` a clock of
//! `rx_clk`, 125 MHz), in the receive clock's domain. It strips the
//! preamble and start frame delimiter (clause 4.2.5: `0x55` bytes, then
//! `0xd5`; a PHY may shorten the preamble, so the SFD is taken after any
//! number of `0x55`, none included) and packs the frame's bytes, FCS
//! included, into 64-bit AXI4-Stream beats (byte 0 in `tdata[7:0]`).
//!
//! * A beat leaves when its 8 bytes are in and the next byte came (or
//!   `rx_dv` fell: `tlast`); a last beat of fewer bytes is shifted down to
//!   lane 0 during the interframe gap (at most 7 clocks, the gap and
//!   preamble are 20), so beats leave at most one every 8 clocks.
//! * No `tready`: a MAC cannot hold the line (the receiving FIFO counts
//!   what it cannot take).
//! * `tuser` (on the `tlast` beat) is set when `rx_er` was high during the
//!   frame. A frame whose first byte is neither `0x55` nor `0xd5` is
//!   dropped whole (`bad_start` high for one clock). FCS, runts and
//!   giants are the datapath's (FcsCheck).

use rust_hdl::prelude::*;

/// GMII receive; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct GmiiRx {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub rxd: Signal<In, Bits<8>>,
    pub rx_dv: Signal<In, Bit>,
    pub rx_er: Signal<In, Bit>,
    pub m_axis_tdata: Signal<Out, Bits<64>>,
    pub m_axis_tkeep: Signal<Out, Bits<8>>,
    pub m_axis_tvalid: Signal<Out, Bit>,
    pub m_axis_tlast: Signal<Out, Bit>,
    pub m_axis_tuser: Signal<Out, Bit>,
    /// One clock per frame dropped for a bad start (no preamble or SFD).
    pub bad_start: Signal<Out, Bit>,
    // state: 0 Idle, 1 Preamble, 2 Data, 3 Flush (the last beat shifts
    // down), 4 Drop (until rx_dv falls)
    state: DFF<Bits<3>>,
    /// Bytes shift in at the top: after 8, byte 0 is in bits 7:0.
    acc: DFF<Bits<64>>,
    keep: DFF<Bits<8>>,
    /// Bytes in `acc`, 0 to 8.
    cnt: DFF<Bits<4>>,
    bad: DFF<Bit>,
    o_data: DFF<Bits<64>>,
    o_keep: DFF<Bits<8>>,
    o_valid: DFF<Bit>,
    o_last: DFF<Bit>,
    o_user: DFF<Bit>,
    bad_start_q: DFF<Bit>,
}

impl Logic for GmiiRx {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            state,
            acc,
            keep,
            cnt,
            bad,
            o_data,
            o_keep,
            o_valid,
            o_last,
            o_user,
            bad_start_q
        );
        self.o_valid.d.next = false;
        self.bad_start_q.d.next = false;
        if self.state.q.val() == 0_u64 {
            // Idle
            if self.rx_dv.val() {
                if self.rxd.val() == 0x55_u64 {
                    self.state.d.next = 1_u64.into();
                } else if self.rxd.val() == 0xd5_u64 {
                    self.state.d.next = 2_u64.into();
                } else {
                    self.bad_start_q.d.next = true;
                    self.state.d.next = 4_u64.into();
                }
            }
            self.cnt.d.next = 0_u64.into();
            self.keep.d.next = 0_u64.into();
            self.bad.d.next = false;
        } else if self.state.q.val() == 1_u64 {
            // Preamble
            if !self.rx_dv.val() {
                self.state.d.next = 0_u64.into();
            } else if self.rxd.val() == 0xd5_u64 {
                self.state.d.next = 2_u64.into();
            } else if self.rxd.val() != 0x55_u64 {
                self.bad_start_q.d.next = true;
                self.state.d.next = 4_u64.into();
            }
        } else if self.state.q.val() == 2_u64 {
            // Data
            if self.rx_dv.val() {
                if self.rx_er.val() {
                    self.bad.d.next = true;
                }
                if self.cnt.q.val() == 8_u64 {
                    // a full beat leaves: more bytes follow
                    self.o_data.d.next = self.acc.q.val();
                    self.o_keep.d.next = 0xff_u64.into();
                    self.o_last.d.next = false;
                    self.o_user.d.next = false;
                    self.o_valid.d.next = true;
                    self.acc.d.next = bit_cast::<64, 8>(self.rxd.val()) << 56_u64;
                    self.keep.d.next = 0x80_u64.into();
                    self.cnt.d.next = 1_u64.into();
                } else {
                    self.acc.d.next =
                        (self.acc.q.val() >> 8_u64) | (bit_cast::<64, 8>(self.rxd.val()) << 56_u64);
                    self.keep.d.next = (self.keep.q.val() >> 1_u64) | 0x80_u64;
                    self.cnt.d.next = self.cnt.q.val() + 1_u64;
                }
            } else if self.cnt.q.val() == 8_u64 {
                self.o_data.d.next = self.acc.q.val();
                self.o_keep.d.next = 0xff_u64.into();
                self.o_last.d.next = true;
                self.o_user.d.next = self.bad.q.val();
                self.o_valid.d.next = true;
                self.state.d.next = 0_u64.into();
            } else if self.cnt.q.val() == 0_u64 {
                self.state.d.next = 0_u64.into();
            } else {
                self.state.d.next = 3_u64.into();
            }
        } else if self.state.q.val() == 3_u64 {
            // Flush: shift the last bytes down to lane 0
            self.acc.d.next = self.acc.q.val() >> 8_u64;
            self.keep.d.next = self.keep.q.val() >> 1_u64;
            self.cnt.d.next = self.cnt.q.val() + 1_u64;
            if self.cnt.q.val() == 7_u64 {
                self.o_data.d.next = self.acc.q.val() >> 8_u64;
                self.o_keep.d.next = self.keep.q.val() >> 1_u64;
                self.o_last.d.next = true;
                self.o_user.d.next = self.bad.q.val();
                self.o_valid.d.next = true;
                self.state.d.next = 0_u64.into();
            }
        } else if !self.rx_dv.val() {
            // Drop
            self.state.d.next = 0_u64.into();
        }
        if self.rst.val() {
            self.state.d.next = 0_u64.into();
            self.o_valid.d.next = false;
            self.bad_start_q.d.next = false;
        }
        self.m_axis_tdata.next = self.o_data.q.val();
        self.m_axis_tkeep.next = self.o_keep.q.val();
        self.m_axis_tvalid.next = self.o_valid.q.val();
        self.m_axis_tlast.next = self.o_last.q.val();
        self.m_axis_tuser.next = self.o_user.q.val();
        self.bad_start.next = self.bad_start_q.q.val();
    }
}
