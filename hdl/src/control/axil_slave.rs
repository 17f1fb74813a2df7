//! `AxilSlave`: AXI4-Lite slave front end of the register file.
//!
//! * 32-bit data, 16-bit byte addresses; full signal set (`s_axil_aw*`,
//!   `w*`, `b*`, `ar*`, `r*`, including `awprot`/`arprot`).
//! * Writes: address and data may arrive in either order or in the same
//!   cycle; one of each may wait in a holding register. A write issues when
//!   both are present and fewer than 16 writes are outstanding (issued, B
//!   response not yet taken). [`REG_WR_LATENCY`] (2) clocks after issue
//!   the register file's `wr_err` is valid and joins a shift register; the
//!   response enters a 16-entry B FIFO [`REG_WR_RESPONSE`] - 1 clocks
//!   after issue, so `bvalid` (that FIFO's not-empty) rises 10 clocks
//!   after issue, when the write's every effect (CLEAR's zeroing of every
//!   counter included) is complete.
//! * Reads: a read issues when fewer than 8 reads are outstanding
//!   (`arready` is a gate of two flip-flops: the count's top bit and the
//!   response FIFO's `full` a clock late, which the count already rules out). [`REG_RD_LATENCY`] (6)
//!   clocks after issue, when the register file's pipelined `rd_data` is
//!   valid, data and response enter an 8-entry R FIFO; `rvalid` is its
//!   not-empty.
//! * So one write and one read per clock are sustained while `bready` and
//!   `rready` are high, and a stalled channel stops issue without losing a
//!   response (the FIFOs hold every outstanding one).
//! * Responses: OKAY, or SLVERR for an unmapped or unaligned address (the
//!   register file's registered `wr_err`/`rd_err`) and for an instruction
//!   access (`prot[2]` set: registers are data; such an access does nothing
//!   and reads 0). Unmapped addresses read 0 too.

use crate::common::sync_fifo::SyncFifo;
use crate::control::{REG_RD_LATENCY, REG_WR_LATENCY, REG_WR_RESPONSE};
use rust_hdl::prelude::*;

// update() writes the latencies as the pipes' widths and top bits
// (hdl_gen emits Rust constants as names, so they are literals there)
const _: () = assert!(REG_WR_LATENCY == 2 && REG_RD_LATENCY == 6 && REG_WR_RESPONSE == 10);

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
    /// Writes issued 1 to 9 clocks ago (bit k: k + 1).
    w_pipe: DFF<Bits<9>>,
    /// prot[2] of the writes issued 1 and 2 clocks ago.
    w_pprot: DFF<Bits<2>>,
    /// SLVERR of the writes issued 3 to 9 clocks ago (bit j: j + 3).
    w_err: DFF<Bits<7>>,
    /// Writes outstanding, 0..=16.
    w_cred: DFF<Bits<5>>,
    /// B responses (`bresp`).
    bq: SyncFifo<2, 4>,
    /// Reads issued 1 to 6 clocks ago (bit k: k + 1), and their prot[2].
    r_pipe: DFF<Bits<6>>,
    r_pprot: DFF<Bits<6>>,
    /// Reads outstanding, 0..=8.
    r_cred: DFF<Bits<4>>,
    /// R responses: `{rresp, rdata}`.
    rq: SyncFifo<34, 3>,
    rq_full_q: DFF<Bit>,
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
            self, clock, aw_full, aw_addr, aw_prot, w_full, w_data, w_strb, w_pipe, w_pprot, w_err,
            w_cred, r_pipe, r_pprot, r_cred, rq_full_q
        );
        clock!(self, clock, bq, rq);
        self.bq.rst.next = self.rst.val();
        self.rq.rst.next = self.rst.val();
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
        // (the credit alone keeps the B FIFO from overflowing; `full` is
        // redundant and costs one LUT input)
        self.issue_w.next = self.have_aw.val()
            & self.have_w.val()
            & !self.w_cred.q.val().get_bit(4)
            & !self.bq.full.val();
        self.wr_en.next = self.issue_w.val() & ((self.cur_prot.val() & 4_u64) == 0_u64);
        self.awready.next = !self.aw_full.q.val();
        self.wready.next = !self.w_full.q.val();
        // an empty holding register follows the bus (its contents count
        // only once `*_full` is set), so its enables are a flip-flop each,
        // not the issue decision (a gate of that before 40 enables was the
        // slowest path of DmaRegs on ECP5)
        if !self.aw_full.q.val() {
            self.aw_addr.d.next = self.awaddr.val();
            self.aw_prot.d.next = self.awprot.val();
        }
        if !self.w_full.q.val() {
            self.w_data.d.next = self.wdata.val();
            self.w_strb.d.next = self.wstrb.val();
        }
        if self.issue_w.val() {
            self.aw_full.d.next = false;
            self.w_full.d.next = false;
        } else {
            if self.awvalid.val() & !self.aw_full.q.val() {
                self.aw_full.d.next = true;
            }
            if self.wvalid.val() & !self.w_full.q.val() {
                self.w_full.d.next = true;
            }
        }
        self.w_pipe.d.next =
            (self.w_pipe.q.val() << 1_u64) | bit_cast::<9, 1>(self.issue_w.val().into());
        self.w_pprot.d.next = (self.w_pprot.q.val() << 1_u64)
            | bit_cast::<2, 1>(self.cur_prot.val().get_bit(2).into());
        self.w_err.d.next = (self.w_err.q.val() << 1_u64)
            | bit_cast::<7, 1>(
                (self.w_pipe.q.val().get_bit(1)
                    & (self.w_pprot.q.val().get_bit(1) | self.wr_err.val()))
                .into(),
            );
        self.bq.push.next = self.w_pipe.q.val().get_bit(8);
        if self.w_err.q.val().get_bit(6) {
            self.bq.din.next = 2_u64.into();
        } else {
            self.bq.din.next = 0_u64.into();
        }
        self.bvalid.next = !self.bq.empty.val();
        self.bresp.next = self.bq.dout.val();
        self.bq.pop.next = !self.bq.empty.val() & self.bready.val();
        if self.issue_w.val() & !(!self.bq.empty.val() & self.bready.val()) {
            self.w_cred.d.next = self.w_cred.q.val() + 1_u64;
        }
        if !self.issue_w.val() & !self.bq.empty.val() & self.bready.val() {
            self.w_cred.d.next = self.w_cred.q.val() - 1_u64;
        }
        // --- read
        // the credit alone keeps the R FIFO from overflowing (8 reads
        // outstanding at most, 8 entries): `arready` is one flip-flop, not
        // a compare of the FIFO's pointers (that compare into the register
        // file's read stage was DmaRegs' slowest path on ECP5)
        // (`rq_full_q`, the FIFO's `full` a clock late, never holds by the
        // credit: a guard from a flip-flop)
        self.rq_full_q.d.next = self.rq.full.val();
        self.arready.next = !self.r_cred.q.val().get_bit(3) & !self.rq_full_q.q.val();
        self.issue_r.next = self.arvalid.val() & self.arready.val();
        self.rd_addr.next = self.araddr.val();
        self.rd_en.next = self.issue_r.val() & ((self.arprot.val() & 4_u64) == 0_u64);
        self.r_pipe.d.next =
            (self.r_pipe.q.val() << 1_u64) | bit_cast::<6, 1>(self.issue_r.val().into());
        self.r_pprot.d.next =
            (self.r_pprot.q.val() << 1_u64) | bit_cast::<6, 1>(self.arprot.val().get_bit(2).into());
        self.rq.push.next = self.r_pipe.q.val().get_bit(5);
        if self.r_pprot.q.val().get_bit(5) {
            self.rq.din.next = bit_cast::<34, 2>(2_u64.into()) << 32_u64;
        } else if self.rd_err.val() {
            self.rq.din.next = (bit_cast::<34, 2>(2_u64.into()) << 32_u64)
                | bit_cast::<34, 32>(self.rd_data.val());
        } else {
            self.rq.din.next = bit_cast::<34, 32>(self.rd_data.val());
        }
        self.rvalid.next = !self.rq.empty.val();
        self.rdata.next = self.rq.dout.val().get_bits::<32>(0);
        self.rresp.next = self.rq.dout.val().get_bits::<2>(32);
        self.rq.pop.next = !self.rq.empty.val() & self.rready.val();
        if self.issue_r.val() & !(!self.rq.empty.val() & self.rready.val()) {
            self.r_cred.d.next = self.r_cred.q.val() + 1_u64;
        }
        if !self.issue_r.val() & !self.rq.empty.val() & self.rready.val() {
            self.r_cred.d.next = self.r_cred.q.val() - 1_u64;
        }
        if self.rst.val() {
            self.aw_full.d.next = false;
            self.w_full.d.next = false;
            self.w_pipe.d.next = 0_u64.into();
            self.w_cred.d.next = 0_u64.into();
            self.r_pipe.d.next = 0_u64.into();
            self.r_cred.d.next = 0_u64.into();
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
        for _ in 1..REG_WR_RESPONSE {
            assert!(simulate(&mut u, 100));
            assert!(!u.bvalid.val(), "the write's effects are not complete yet");
            clock(&mut u);
        }
        assert!(u.bvalid.val() && u.bresp.val().to_u64() == 0);
        // address and data in the same cycle, a response outstanding
        u.awvalid.next = true;
        u.wvalid.next = true;
        u.awaddr.next = 0x28_u64.into();
        assert!(simulate(&mut u, 100));
        assert!(u.wr_en.val() && u.awready.val() && u.wready.val());
    }

    /// Reads issued every clock while `rready` is high; the register
    /// file's `rd_data` is the clock number, so read k (issued at clock k)
    /// must return k + REG_RD_LATENCY. Then `rready` low: `arready` drops
    /// after 8 outstanding reads and none is lost.
    #[test]
    fn reads_every_clock_and_stalls_lose_nothing() {
        let mut u = AxilSlave::default();
        u.connect_all();
        u.rst.next = true;
        clock(&mut u);
        u.rst.next = false;
        let mut got = vec![];
        let mut issued = vec![];
        for t in 0..80_u64 {
            u.arvalid.next = t < 60;
            u.rready.next = !(20..40).contains(&t);
            u.rd_data.next = t.into();
            assert!(simulate(&mut u, 100));
            if u.arready.val() && u.arvalid.val() {
                issued.push(t + REG_RD_LATENCY as u64);
                assert!(u.rd_en.val());
            }
            if u.rvalid.val() && u.rready.val() {
                got.push(u.rdata.val().to_u64());
            }
            if t == 30 {
                assert!(!u.arready.val(), "8 reads outstanding");
            }
            clock(&mut u);
        }
        assert_eq!(
            issued[..20],
            (6..26).collect::<Vec<u64>>()[..],
            "one read per clock"
        );
        assert_eq!(got, issued, "every read answered in order with its data");
    }
}
