//! `DmaRead`: the DMA engine's read mover. It copies `c_len` bytes from
//! host memory at `c_haddr` into the on-chip RAM at byte address
//! `c_raddr` through an AXI4 read master (`m_axi_ar*`, `m_axi_r*`), and
//! reports each command's worst response on `st_*`.
//!
//! * **Commands** (`c_valid`/`c_ready`, one register deep): as
//!   [`crate::dma::dma_write`]: byte-granular addresses, the RAM address
//!   wrapping at 2^`A`, `c_len` 1..=65,535 (0 is not allowed), `c_tag`
//!   returned with the status, in order. Up to [`READS_QUEUED`] commands
//!   wait for their data, so a memory 1 us away keeps the bus busy.
//! * **Bursts**: INCR, `arsize` = the bus width, at most 256 beats, never
//!   across a 4 KiB boundary (AMBA AXI4 A3.4.1), addresses aligned to the
//!   bus. One ID (the parent's): R beats return in order (A5.3).
//! * **R** passes a 2-entry buffer (`rready` is a register: low only
//!   while the buffer is full), then is realigned to the RAM: RAM beat `j`
//!   is the host beat pair (`j+d`, `j+d-1`) shifted by
//!   `K - (r - h) mod K` bytes (`h`, `r` the two addresses mod `K`,
//!   `d` = 1 when `h > r`); when a command ends with one RAM beat still
//!   owed, it is written the next clock (one stall of R). The shift is
//!   two register stages (whole 4-byte groups, then bytes).
//! * **RAM write port**: `ram_wr_en`, `ram_wr_addr` (byte address of the
//!   beat, low log2(`K`) bits 0), `ram_wr_data`, `ram_wr_strb` (byte
//!   enables: partial on a command's first and last RAM beat), registered.
//! * **Status** (`st_valid` one clock, in the clock the command's last
//!   RAM write is on the port): `st_tag` and `st_resp`, the worst R response (0
//!   OKAY, 2 SLVERR, 3 DECERR: a page fault; the refused beats' data, 0
//!   from a correct slave, is written to the RAM all the same).
//!
//! Custom Verilog; the Rust `update()` only keeps the outputs idle (this
//! block is simulated in Verilator, `sim/tests/dma_movers/`).

use crate::dma::burst::{front, Geometry};
use crate::dma::rotate::rotate;
use rust_hdl::prelude::*;

/// Commands queued for their data behind the one being written and the
/// one prefetched, at most (the 32-entry queue's count is a register, so
/// it stops one short).
pub const READS_QUEUED: usize = 31;

/// Read mover on a `D`-bit AXI4 bus (`K` = `D / 8`) writing an on-chip
/// RAM of 2^`A` bytes; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct DmaRead<const D: usize, const K: usize, const A: usize> {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub c_valid: Signal<In, Bit>,
    pub c_ready: Signal<Out, Bit>,
    pub c_haddr: Signal<In, Bits<64>>,
    pub c_raddr: Signal<In, Bits<A>>,
    pub c_len: Signal<In, Bits<16>>,
    pub c_tag: Signal<In, Bits<8>>,
    pub m_axi_araddr: Signal<Out, Bits<64>>,
    pub m_axi_arlen: Signal<Out, Bits<8>>,
    pub m_axi_arsize: Signal<Out, Bits<3>>,
    pub m_axi_arburst: Signal<Out, Bits<2>>,
    pub m_axi_arvalid: Signal<Out, Bit>,
    pub m_axi_arready: Signal<In, Bit>,
    pub m_axi_rdata: Signal<In, Bits<D>>,
    pub m_axi_rresp: Signal<In, Bits<2>>,
    pub m_axi_rlast: Signal<In, Bit>,
    pub m_axi_rvalid: Signal<In, Bit>,
    pub m_axi_rready: Signal<Out, Bit>,
    pub ram_wr_en: Signal<Out, Bit>,
    pub ram_wr_addr: Signal<Out, Bits<A>>,
    pub ram_wr_data: Signal<Out, Bits<D>>,
    pub ram_wr_strb: Signal<Out, Bits<K>>,
    pub st_valid: Signal<Out, Bit>,
    pub st_tag: Signal<Out, Bits<8>>,
    pub st_resp: Signal<Out, Bits<2>>,
    /// Built by [`DmaRead::with_ready_flip_flop`].
    _ready_ff: bool,
}

/// The command queue to the R side, the R buffer and the realignment.
const BODY: &str = "\
// ---- R command queue (32 entries), pushed on take
reg [16:0] rq_nin [0:31]; reg [16:0] rq_nout [0:31]; reg rq_nin1 [0:31]; reg rq_nout1 [0:31];
reg [@BM1@:0] rq_fm [0:31]; reg [@BM1@:0] rq_lm [0:31];
reg [@LB@:0] rq_sh [0:31]; reg rq_d [0:31]; reg [@AM1@:0] rq_rp [0:31]; reg [7:0] rq_tag [0:31];
reg [4:0] rq_wp; reg [4:0] rq_rdp; reg [5:0] rq_cnt; reg fetched;
// empty from the pointers (two levels from flip-flops; the count never
// reaches 32, so equal pointers mean empty)
wire rq_empty = rq_wp == rq_rdp;
// the count takes a fetch a clock late (`fetched`), so it may read one
// high (safe), and no carry chain hangs off `fetch`; it is a register,
// so the guard misses the take of this clock: stop at 31
wire rq_full = rq_cnt[5] || (&rq_cnt[4:0]);
wire fetch;
wire [@LBM1@:0] rot = r_off - h_off;
always @(posedge clock) begin
  if (rst) begin rq_wp <= 5'd0; rq_cnt <= 6'd0; fetched <= 1'b0; end
  else begin
    rq_cnt <= rq_cnt + {5'd0, take} - {5'd0, fetched}; fetched <= fetch;
    if (take) rq_wp <= rq_wp + 1'b1;
  end
end
always @(posedge clock) begin
  if (take) begin
    rq_nin[rq_wp] <= cmd_hm1; rq_nout[rq_wp] <= cmd_rm1;
    rq_nin1[rq_wp] <= cmd_hm1 == 17'd0; rq_nout1[rq_wp] <= cmd_rm1 == 17'd0;
    rq_fm[rq_wp] <= r_fm; rq_lm[rq_wp] <= r_lm;
    rq_sh[rq_wp] <= {1'b1, @LB@'d0} - {1'b0, rot}; rq_d[rq_wp] <= h_off > r_off;
    rq_rp[rq_wp] <= {cmd_raddr[@AM1@:@LB@], @LB@'d0}; rq_tag[rq_wp] <= cmd_tag;
  end
end
// ---- R buffer (2 entries)
// a skid buffer: the head is a register (k_head, valid k_has), a second
// beat waits in k_spare (valid k_sv) while the head is not taken
reg [@DW@-1:0] k_head; reg [1:0] k_hresp; reg k_has; reg [@DW@-1:0] k_spare; reg [1:0] k_sresp; reg k_sv;
wire k_push = m_axi_rvalid && m_axi_rready;
// ---- R side: one command at a time, the next one waiting in n_* (read
// from the queue ahead, so loading it is a register copy); each beat is
// shifted in two stages (coarse into q_co, fine into the RAM write)
reg n_v; reg n_in_end; reg n_out_end; reg [16:0] n_in; reg [16:0] n_out;
reg [@BM1@:0] n_fm; reg [@BM1@:0] n_lm; reg [@LB@:0] n_sh; reg n_prime; reg [@AM1@:0] n_ptr; reg [7:0] n_tag;
reg r_loaded; reg r_prime; reg r_first; reg r_flush; reg r_in_end; reg r_out_end;
reg [16:0] r_in; reg [16:0] r_out; // beats left less one
reg [@BM1@:0] q_fm; reg [@BM1@:0] q_lm; reg [@AM1@:0] r_ptr; reg [7:0] r_tag;
reg [1:0] r_acc; reg [@DW@-1:0] r_prev;
reg p_wr; reg [@AM1@:0] p_ptr; reg [@BM1@:0] p_strb; reg p_done; reg [7:0] p_tag; reg [1:0] p_resp;
// pop = r_loaded && !r_flush && k_has, kept as registers computed from
// those flags' next values: the head's multiplexers (a slice per copy,
// @HEADCOPIES@ copies in kept blocks) hang off flip-flops
reg pop;
// pop_n: a copy of pop for the next-command register's enable (n_ld)
(* keep *) reg pop_n;
wire loaded_nx = load || (!done && r_loaded);
wire flush_nx = pop && r_in_end && !done;
wire has_nx = pop ? (k_sv || k_push) : (k_has || k_push);
wire pop_nx = !rst && loaded_nx && !flush_nx && has_nx;
(* keep *) always @(posedge clock) pop_n <= pop_nx;
wire wr = (pop && !r_prime) || r_flush;
wire [1:0] worst = (pop && (k_hresp > r_acc)) ? k_hresp : r_acc;
// r_fin: this command's next beat is its last (both counts at their last
// beat and no beat to prime), a register computed from the flags' next
// values, so done and load are one gate from flip-flops
reg r_fin;
wire done = r_flush || (pop && r_fin);
wire load = (!r_loaded || done) && n_v;
// n_* load whenever the next-command register is free or being taken
// (n_ld, one gate from flip-flops); the queue's head holds a command when
// the queue is not empty, and only then does `fetch` count it (the queue
// compare is not in the 100 enables: 2.8 ns of routing on ECP5)
wire n_ld = !n_v || !r_loaded || r_flush || (pop_n && r_fin);
assign fetch = n_ld && !rq_empty;
wire [2*@DW@-1:0] q_cat = {k_head, r_prev};
@ROTATE@
wire [@BM1@:0] r_strb = (r_first ? q_fm : {@B@{1'b1}}) & (r_out_end ? q_lm : {@B@{1'b1}});
always @(*) m_axi_rready = !k_sv;
// commands count beats, so RLAST (the burst's end) carries nothing new
/* verilator lint_off UNUSEDSIGNAL */
wire unused_rlast = m_axi_rlast;
// the burst generator's fired flags tell the write mover's B tracker
wire unused_fired = ^{ax_fired, ax_fired_last};
/* verilator lint_on UNUSEDSIGNAL */
@HEAD@always @(posedge clock) begin
  if (rst) begin
    k_has <= 1'b0; k_sv <= 1'b0; r_loaded <= 1'b0; r_flush <= 1'b0;
    rq_rdp <= 5'd0; n_v <= 1'b0; p_wr <= 1'b0; p_done <= 1'b0; ram_wr_en <= 1'b0; st_valid <= 1'b0;
  end else begin
    // a push while k_sv is impossible (rready is low)
    if (pop) begin
      if (k_sv) k_sv <= 1'b0;
      else k_has <= k_push;
    end else if (k_push) begin
      if (k_has) k_sv <= 1'b1;
      else k_has <= 1'b1;
    end
    p_wr <= wr; ram_wr_en <= p_wr;
    p_done <= done; st_valid <= p_done;
    r_flush <= flush_nx;
    if (load) r_loaded <= 1'b1;
    else if (done) r_loaded <= 1'b0;
    if (fetch) begin n_v <= 1'b1; rq_rdp <= rq_rdp + 1'b1; end
    else if (load) n_v <= 1'b0;
  end
end
// data: no reset (qualified by the flags above)
always @(posedge clock) begin
  if (pop ? k_sv : !k_has) k_hresp <= pop ? k_sresp : m_axi_rresp;
  else if (pop) k_hresp <= m_axi_rresp;
  // the spare holds a beat only while k_sv: it follows the R channel
  // until then, so its enable is one flip-flop (not the push decision)
  if (!k_sv) begin k_spare <= m_axi_rdata; k_sresp <= m_axi_rresp; end
  // unqualified (p_wr says when they hold a beat): no enable net
  p_ptr <= r_ptr; p_strb <= r_strb;
  ram_wr_addr <= p_ptr; ram_wr_data <= q_out; ram_wr_strb <= p_strb;
  if (wr) begin
    r_ptr <= r_ptr + @A@'d@B@; r_out <= r_out - 1'b1; r_first <= 1'b0;
    r_out_end <= r_out == 17'd1;
  end
  if (pop) begin
    r_prev <= k_head; r_in <= r_in - 1'b1; r_acc <= worst; r_in_end <= r_in == 17'd1;
    if (r_prime) r_prime <= 1'b0;
  end
  if (done) begin p_tag <= r_tag; p_resp <= worst; end
  if (p_done) begin st_tag <= p_tag; st_resp <= p_resp; end
  if (load) begin
    r_first <= 1'b1; r_acc <= 2'd0;
    r_in <= n_in; r_out <= n_out; r_in_end <= n_in_end; r_out_end <= n_out_end;
    q_fm <= n_fm; q_lm <= n_lm;
    r_prime <= n_prime; r_ptr <= n_ptr; r_tag <= n_tag;
  end
  r_fin <= (load ? n_in_end : pop ? r_in == 17'd1 : r_in_end)
    && !(load ? n_prime : !pop && r_prime)
    && (load ? n_out_end : wr ? r_out == 17'd1 : r_out_end);
  if (n_ld) begin
    n_in <= rq_nin[rq_ra]; n_out <= rq_nout[rq_ra];
    n_in_end <= rq_nin1[rq_ra]; n_out_end <= rq_nout1[rq_ra];
    n_fm <= rq_fm[rq_rb]; n_lm <= rq_lm[rq_rb]; n_sh <= rq_sh[rq_rb];
    n_prime <= rq_d[rq_rb]; n_ptr <= rq_rp[rq_rc]; n_tag <= rq_tag[rq_rc];
  end
end
// the queue's read address in three copies (rq_ra, rq_rb, rq_rc), each
// counting as rq_rdp does in its own kept block, each addressing a third
// of the queue's distributed RAM: one pointer addressing all of it was
// 6.4 ns of routing on ECP5 inside the transmit engine
(* keep *) reg [4:0] rq_ra; (* keep *) reg [4:0] rq_rb; (* keep *) reg [4:0] rq_rc;
(* keep *) always @(posedge clock) if (rst) rq_ra <= 5'd0; else if (fetch) rq_ra <= rq_ra + 1'b1;
(* keep *) always @(posedge clock) if (rst) rq_rb <= 5'd0; else if (fetch) rq_rb <= rq_rb + 1'b1;
(* keep *) always @(posedge clock) if (rst) rq_rc <= 5'd0; else if (fetch) rq_rc <= rq_rc + 1'b1;
";

/// Copies of `pop` for the skid buffer's head, one per data slice.
const HEAD_COPIES: usize = 4;

/// The skid buffer's head data: `HEAD_COPIES` slices of the `dw`-bit
/// `k_head`, each loaded in its own kept block from its own copy of `pop`.
fn head(dw: usize) -> String {
    let w = dw / HEAD_COPIES;
    (0..HEAD_COPIES)
        .map(|k| {
            let (hi, lo) = (k * w + w - 1, k * w);
            format!(
                "(* keep *) reg pop{k};\n\
                 (* keep *) always @(posedge clock) pop{k} <= pop_nx;\n\
                 always @(posedge clock)\n\
                 \x20 if (pop{k} ? k_sv : !k_has) k_head[{hi}:{lo}] <= pop{k} ? k_spare[{hi}:{lo}] : m_axi_rdata[{hi}:{lo}];\n\
                 \x20 else if (pop{k}) k_head[{hi}:{lo}] <= m_axi_rdata[{hi}:{lo}];\n"
            )
        })
        .collect::<String>()
        + "always @(posedge clock) pop <= pop_nx;\n"
}

impl<const D: usize, const K: usize, const A: usize> DmaRead<D, K, A> {
    /// This mover with `c_ready` from a flip-flop of its own (always
    /// `!cmd_full`; [`super::burst::READY_FF`]), for a client whose accept
    /// logic is far from the command register (TxCore). Same behaviour.
    pub fn with_ready_flip_flop(self) -> Self {
        DmaRead {
            _ready_ff: true,
            ..self
        }
    }

    /// The block's Verilog body (also emitted standalone for the tests).
    pub fn verilog() -> String {
        Self::body(false)
    }

    /// The body, `c_ready` from its own flip-flop when `ready_ff`.
    fn body(ready_ff: bool) -> String {
        assert_eq!(D, 8 * K, "D = 8 K");
        let g = Geometry {
            bytes: K,
            ram_bits: A,
        };
        let body = BODY
            .replace("@ROTATE@", &rotate(&g, "q", "load", "n_sh"))
            .replace("@HEAD@", &head(8 * K))
            .replace("@HEADCOPIES@", &HEAD_COPIES.to_string());
        format!(
            "{}{}",
            front(&g, "ar", "1'b0", "rq_full", true, ready_ff),
            g.fill(&body)
        )
    }
}

impl<const D: usize, const K: usize, const A: usize> Logic for DmaRead<D, K, A> {
    fn update(&mut self) {
        self.c_ready.next = false;
        self.m_axi_araddr.next = 0.into();
        self.m_axi_arlen.next = 0.into();
        self.m_axi_arsize.next = 0.into();
        self.m_axi_arburst.next = 0.into();
        self.m_axi_arvalid.next = false;
        self.m_axi_rready.next = false;
        self.ram_wr_en.next = false;
        self.ram_wr_addr.next = 0.into();
        self.ram_wr_data.next = 0.into();
        self.ram_wr_strb.next = 0.into();
        self.st_valid.next = false;
        self.st_tag.next = 0.into();
        self.st_resp.next = 0.into();
    }

    fn connect(&mut self) {
        self.c_ready.connect();
        self.m_axi_araddr.connect();
        self.m_axi_arlen.connect();
        self.m_axi_arsize.connect();
        self.m_axi_arburst.connect();
        self.m_axi_arvalid.connect();
        self.m_axi_rready.connect();
        self.ram_wr_en.connect();
        self.ram_wr_addr.connect();
        self.ram_wr_data.connect();
        self.ram_wr_strb.connect();
        self.st_valid.connect();
        self.st_tag.connect();
        self.st_resp.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(Self::body(self._ready_ff))
    }
}
