//! `AxilSlave`: AXI4-Lite slave front end of the register file.
//!
//! * 32-bit data, 16-bit byte addresses; full signal set (`s_axil_aw*`,
//!   `w*`, `b*`, `ar*`, `r*`, including `awprot`/`arprot`).
//! * Writes: address and data may arrive in either order or in the same
//!   cycle; one of each may wait in a holding register. A write issues when
//!   both are present and the B channel is free (or being emptied), so one
//!   write per clock is sustained while `bready` is high.
//! * Reads: a read issues when the R channel is free (or being emptied); one
//!   read per clock is sustained while `rready` is high. Read data comes one
//!   cycle later from the register file's registered `rd_data`.
//! * Responses: OKAY, or SLVERR for an unmapped or unaligned address (the
//!   register file's registered `wr_err`/`rd_err`) and for an instruction
//!   access (`prot[2]` set: registers are data; such an access does nothing
//!   and reads 0). Unmapped addresses read 0 too.

use rust_hdl::prelude::*;

/// AXI4-Lite slave; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct AxilSlave {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub awaddr: Signal<In, Bits<16>>,
    pub awprot: Signal<In, Bits<3>>,
    pub awvalid: Signal<In, Bit>,
    pub awready: Signal<Out, Bit>,
    pub wdata: Signal<In, Bits<32>>,
    pub wstrb: Signal<In, Bits<4>>,
    pub wvalid: Signal<In, Bit>,
    pub wready: Signal<Out, Bit>,
    pub bresp: Signal<Out, Bits<2>>,
    pub bvalid: Signal<Out, Bit>,
    pub bready: Signal<In, Bit>,
    pub araddr: Signal<In, Bits<16>>,
    pub arprot: Signal<In, Bits<3>>,
    pub arvalid: Signal<In, Bit>,
    pub arready: Signal<Out, Bit>,
    pub rdata: Signal<Out, Bits<32>>,
    pub rresp: Signal<Out, Bits<2>>,
    pub rvalid: Signal<Out, Bit>,
    pub rready: Signal<In, Bit>,
    /// Register-file side: one write per cycle when `wr_en`.
    pub wr_en: Signal<Out, Bit>,
    pub wr_addr: Signal<Out, Bits<16>>,
    pub wr_data: Signal<Out, Bits<32>>,
    pub wr_strb: Signal<Out, Bits<4>>,
    pub wr_err: Signal<In, Bit>,
    /// Register-file side: one read per cycle when `rd_en`.
    pub rd_en: Signal<Out, Bit>,
    pub rd_addr: Signal<Out, Bits<16>>,
    pub rd_err: Signal<In, Bit>,
    pub rd_data: Signal<In, Bits<32>>,
    aw_full: DFF<Bit>,
    aw_addr: DFF<Bits<16>>,
    aw_prot: DFF<Bits<3>>,
    w_full: DFF<Bit>,
    w_data: DFF<Bits<32>>,
    w_strb: DFF<Bits<4>>,
    b_valid: DFF<Bit>,
    b_prot: DFF<Bit>,
    r_valid: DFF<Bit>,
    r_prot: DFF<Bit>,
    have_aw: Signal<Local, Bit>,
    have_w: Signal<Local, Bit>,
    cur_prot: Signal<Local, Bits<3>>,
    issue_w: Signal<Local, Bit>,
    issue_r: Signal<Local, Bit>,
}

impl Logic for AxilSlave {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, aw_full, aw_addr, aw_prot, w_full, w_data, w_strb, b_valid, b_prot,
            r_valid, r_prot
        );
        // --- write: the held beat if any, else the one on the bus
        self.have_aw.next = self.aw_full.q.val() | self.awvalid.val();
        self.have_w.next = self.w_full.q.val() | self.wvalid.val();
        if self.aw_full.q.val() {
            self.wr_addr.next = self.aw_addr.q.val();
            self.cur_prot.next = self.aw_prot.q.val();
        } else {
            self.wr_addr.next = self.awaddr.val();
            self.cur_prot.next = self.awprot.val();
        }
        if self.w_full.q.val() {
            self.wr_data.next = self.w_data.q.val();
            self.wr_strb.next = self.w_strb.q.val();
        } else {
            self.wr_data.next = self.wdata.val();
            self.wr_strb.next = self.wstrb.val();
        }
        self.issue_w.next =
            self.have_aw.val() & self.have_w.val() & (!self.b_valid.q.val() | self.bready.val());
        self.wr_en.next = self.issue_w.val() & ((self.cur_prot.val() & 4_u64) == 0_u64);
        self.awready.next = !self.aw_full.q.val();
        self.wready.next = !self.w_full.q.val();
        if self.b_valid.q.val() & self.bready.val() {
            self.b_valid.d.next = false;
        }
        if self.issue_w.val() {
            self.aw_full.d.next = false;
            self.w_full.d.next = false;
            self.b_valid.d.next = true;
            self.b_prot.d.next = (self.cur_prot.val() & 4_u64) != 0_u64;
        } else {
            if self.awvalid.val() & !self.aw_full.q.val() {
                self.aw_full.d.next = true;
                self.aw_addr.d.next = self.awaddr.val();
                self.aw_prot.d.next = self.awprot.val();
            }
            if self.wvalid.val() & !self.w_full.q.val() {
                self.w_full.d.next = true;
                self.w_data.d.next = self.wdata.val();
                self.w_strb.d.next = self.wstrb.val();
            }
        }
        // --- read
        self.issue_r.next = self.arvalid.val() & (!self.r_valid.q.val() | self.rready.val());
        self.arready.next = !self.r_valid.q.val() | self.rready.val();
        self.rd_addr.next = self.araddr.val();
        self.rd_en.next = self.issue_r.val() & ((self.arprot.val() & 4_u64) == 0_u64);
        if self.r_valid.q.val() & self.rready.val() {
            self.r_valid.d.next = false;
        }
        if self.issue_r.val() {
            self.r_valid.d.next = true;
            self.r_prot.d.next = (self.arprot.val() & 4_u64) != 0_u64;
        }
        if self.rst.val() {
            self.aw_full.d.next = false;
            self.w_full.d.next = false;
            self.b_valid.d.next = false;
            self.r_valid.d.next = false;
        }
        self.bvalid.next = self.b_valid.q.val();
        if self.b_prot.q.val() | self.wr_err.val() {
            self.bresp.next = 2_u64.into();
        } else {
            self.bresp.next = 0_u64.into();
        }
        self.rvalid.next = self.r_valid.q.val();
        if self.r_prot.q.val() | self.rd_err.val() {
            self.rresp.next = 2_u64.into();
        } else {
            self.rresp.next = 0_u64.into();
        }
        if self.r_prot.q.val() {
            self.rdata.next = 0_u64.into();
        } else {
            self.rdata.next = self.rd_data.val();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock(u: &mut AxilSlave) {
        u.clock.next = false.into();
        assert!(simulate(u, 100));
        u.clock.next = true.into();
        assert!(simulate(u, 100));
    }

    #[test]
    fn write_address_and_data_in_either_order() {
        let mut u = AxilSlave::default();
        u.connect_all();
        u.rst.next = true;
        clock(&mut u);
        u.rst.next = false;
        u.bready.next = true;
        // data first, address two cycles later
        u.wvalid.next = true;
        u.wdata.next = 0xCAFE_u64.into();
        u.wstrb.next = 0xF_u64.into();
        assert!(simulate(&mut u, 100));
        assert!(u.wready.val() && !u.wr_en.val());
        clock(&mut u);
        u.wvalid.next = false;
        clock(&mut u);
        u.awvalid.next = true;
        u.awaddr.next = 0x24_u64.into();
        assert!(simulate(&mut u, 100));
        assert!(u.wr_en.val(), "write issues once both halves are in");
        assert_eq!(u.wr_data.val().to_u64(), 0xCAFE);
        assert_eq!(u.wr_addr.val().to_u64(), 0x24);
        clock(&mut u);
        u.awvalid.next = false;
        assert!(simulate(&mut u, 100));
        assert!(u.bvalid.val() && u.bresp.val().to_u64() == 0);
        // address and data in the same cycle
        u.awvalid.next = true;
        u.wvalid.next = true;
        u.awaddr.next = 0x28_u64.into();
        assert!(simulate(&mut u, 100));
        assert!(u.wr_en.val() && u.awready.val() && u.wready.val());
    }
}
