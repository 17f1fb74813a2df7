//! `AxilSlave`: AXI4-Lite slave front end of the register file.
//!
//! * 32-bit data, 16-bit byte addresses; full signal set (`s_axil_aw*`,
//!   `w*`, `b*`, `ar*`, `r*`, including `awprot`/`arprot`).
//! * Every beat of AW, W and AR lands in a holding register first, and
//!   requests issue to the register file from those registers: `wr_addr`,
//!   `wr_data`, `wr_strb` and `rd_addr` are flip-flops and `wr_en`/`rd_en`
//!   gates of flip-flops, so no combinational path runs from the bus into
//!   the register file (issue 12). A request issues one clock after its
//!   last handshake at the earliest; a register takes the next beat in
//!   the clock its own issues (`*ready` = empty or issuing), so one write
//!   and one read per clock still pass.
//! * Writes: address and data may arrive in either order or in the same
//!   cycle. A write issues when both are held and fewer than 16 writes
//!   are outstanding (issued, B response not yet taken). [`REG_WR_LATENCY`] (2) clocks after issue
//!   the register file's `wr_err` is valid and joins a shift register; the
//!   response enters a 16-entry B FIFO [`REG_WR_RESPONSE`] - 1 clocks
//!   after issue, so `bvalid` (that FIFO's not-empty) rises 10 clocks
//!   after issue, when the write's every effect (CLEAR's zeroing of every
//!   counter included) is complete.
//! * Reads: a held read issues when fewer than 8 reads are outstanding
//!   (a gate of flip-flops: the count's top bit and the response FIFO's
//!   `full` a clock late, which the count already rules out). [`REG_RD_LATENCY`] (6)
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
    ar_full: DFF<Bit>,
    ar_addr: DFF<Bits<16>>,
    ar_prot: DFF<Bits<3>>,
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
    cur_prot: Signal<Local, Bits<3>>,
    issue_w: Signal<Local, Bit>,
    issue_r: Signal<Local, Bit>,
}

impl Logic for AxilSlave {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, aw_full, aw_addr, aw_prot, w_full, w_data, w_strb, ar_full, ar_addr,
            ar_prot, w_pipe, w_pprot, w_err, w_cred, r_pipe, r_pprot, r_cred, rq_full_q
        );
        clock!(self, clock, bq, rq);
        self.bq.rst.next = self.rst.val();
        self.rq.rst.next = self.rst.val();
        // --- write: every beat lands in its holding register, and a
        // write issues from the two registers alone: `wr_*` are flip-flops
        // and `wr_en` a gate of flip-flops, so no path from the bus
        // crosses into the register file (issue 12)
        self.issue_w.next = self.aw_full.q.val()
            & self.w_full.q.val()
            & !self.w_cred.q.val().get_bit(4)
            & !self.bq.full.val();
        self.cur_prot.next = self.aw_prot.q.val();
        self.wr_addr.next = self.aw_addr.q.val();
        self.wr_data.next = self.w_data.q.val();
        self.wr_strb.next = self.w_strb.q.val();
        self.wr_en.next = self.issue_w.val() & ((self.cur_prot.val() & 4_u64) == 0_u64);
        // a register takes a beat when it is empty or its beat issues
        // now: one write per clock
        self.awready.next = !self.aw_full.q.val() | self.issue_w.val();
        self.wready.next = !self.w_full.q.val() | self.issue_w.val();
        if self.awready.val() {
            self.aw_addr.d.next = self.awaddr.val();
            self.aw_prot.d.next = self.awprot.val();
            self.aw_full.d.next = self.awvalid.val();
        }
        if self.wready.val() {
            self.w_data.d.next = self.wdata.val();
            self.w_strb.d.next = self.wstrb.val();
            self.w_full.d.next = self.wvalid.val();
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
        // a read, like a write, issues from its holding register. The
        // credit alone keeps the R FIFO from overflowing (8 reads
        // outstanding at most, 8 entries): the issue is a gate of
        // flip-flops, not a compare of the FIFO's pointers (that compare
        // into the register file's read stage was DmaRegs' slowest path on
        // ECP5) (`rq_full_q`, the FIFO's `full` a clock late, never holds
        // by the credit: a guard from a flip-flop)
        self.rq_full_q.d.next = self.rq.full.val();
        self.issue_r.next =
            self.ar_full.q.val() & !self.r_cred.q.val().get_bit(3) & !self.rq_full_q.q.val();
        self.arready.next = !self.ar_full.q.val() | self.issue_r.val();
        if self.arready.val() {
            self.ar_addr.d.next = self.araddr.val();
            self.ar_prot.d.next = self.arprot.val();
            self.ar_full.d.next = self.arvalid.val();
        }
        self.rd_addr.next = self.ar_addr.q.val();
        self.rd_en.next = self.issue_r.val() & ((self.ar_prot.q.val() & 4_u64) == 0_u64);
        self.r_pipe.d.next =
            (self.r_pipe.q.val() << 1_u64) | bit_cast::<6, 1>(self.issue_r.val().into());
        self.r_pprot.d.next = (self.r_pprot.q.val() << 1_u64)
            | bit_cast::<6, 1>(self.ar_prot.q.val().get_bit(2).into());
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
            self.ar_full.d.next = false;
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
        assert!(
            u.awready.val() && !u.wr_en.val(),
            "the address is not held yet"
        );
        clock(&mut u);
        u.awvalid.next = false;
        assert!(simulate(&mut u, 100));
        assert!(u.wr_en.val(), "write issues once both halves are held");
        assert_eq!(u.wr_data.val().to_u64(), 0xCAFE);
        assert_eq!(u.wr_addr.val().to_u64(), 0x24);
        clock(&mut u);
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
        assert!(!u.wr_en.val() && u.awready.val() && u.wready.val());
        // back to back: the held pair issues while the next pair is taken
        clock(&mut u);
        u.awaddr.next = 0x2C_u64.into();
        assert!(simulate(&mut u, 100));
        assert!(u.wr_en.val() && u.awready.val() && u.wready.val());
        assert_eq!(u.wr_addr.val().to_u64(), 0x28);
        clock(&mut u);
        assert!(simulate(&mut u, 100));
        assert!(u.wr_en.val());
        assert_eq!(u.wr_addr.val().to_u64(), 0x2C);
    }

    /// Reads offered every clock while `rready` is high; the register
    /// file's `rd_data` is the clock number, so a read issued (`rd_en`) at
    /// clock k must return k + REG_RD_LATENCY. A read taken at clock k
    /// issues at k + 1 while nothing stalls. Then `rready` low: `arready`
    /// drops after 8 outstanding reads (and one held) and none is lost.
    #[test]
    fn reads_every_clock_and_stalls_lose_nothing() {
        let mut u = AxilSlave::default();
        u.connect_all();
        u.rst.next = true;
        clock(&mut u);
        u.rst.next = false;
        let mut got = vec![];
        let mut taken = vec![];
        let mut issues = vec![];
        for t in 0..80_u64 {
            u.arvalid.next = t < 60;
            u.rready.next = !(20..40).contains(&t);
            u.rd_data.next = t.into();
            assert!(simulate(&mut u, 100));
            if u.arready.val() && u.arvalid.val() {
                taken.push(t);
            }
            if u.rd_en.val() {
                issues.push(t);
            }
            if u.rvalid.val() && u.rready.val() {
                got.push(u.rdata.val().to_u64());
            }
            if t == 30 {
                assert!(!u.arready.val(), "8 reads outstanding");
            }
            clock(&mut u);
        }
        assert!(taken.len() > 30);
        assert_eq!(issues.len(), taken.len(), "each read issued once");
        assert_eq!(
            taken[..20],
            (0..20).collect::<Vec<u64>>()[..],
            "one read per clock"
        );
        assert_eq!(issues[..20], (1..21).collect::<Vec<u64>>()[..]);
        let want: Vec<u64> = issues.iter().map(|t| t + REG_RD_LATENCY as u64).collect();
        assert_eq!(got, want, "every read answered in order with its data");
    }
}
