//! `CplQueue`: the completion queues (issue 13; DESIGN.md section 7b,
//! after Corundum's completion queue manager). It takes 32-byte
//! completion records for any completion queue, writes each into the next
//! slot of its queue in host memory with the queue's phase in bit 255, keeps
//! the producer indices the driver reads (`cq.C<n>_PROD`), waits while a
//! queue is full, and raises the queues' interrupt vectors.
//!
//! * **Requests** (`req_valid`/`req_ready`, a holding register):
//!   `req_cq` (the queue), `req_rec` (the record; bit 255 is replaced by
//!   the phase). A request for a disabled queue is dropped and pulses
//!   `cpl_drop`. One request every 5 clocks at best (the holding register
//!   takes the next request while the last word of a record is staged;
//!   a minimum frame lasts 10.5 clocks at 10G line rate and receive and
//!   transmit completions share the port: one every 5.25).
//! * **Slots**: queue `c` of 2^n entries (`C<c>_CTRL` bits 7:4, 8..15) at
//!   `C<c>_BASE` (32-byte aligned) keeps completion `i` at
//!   `BASE + 32 (i mod 2^n)`; phase = 1 on the first pass, flipped at each
//!   wrap (bit n of the index, inverted). The queue is full when its
//!   producer index (issued) less `C<c>_CONS` is 2^n: the request waits.
//!   Enabling a queue (`CTRL` bit 0 rising) zeroes its indices.
//! * **Writes**: the record goes to one of 64 staging slots in a small RAM
//!   and the write mover ([`crate::dma::dma_write`], its own AXI ID, so
//!   the record can never pass the frame data it describes: the receive
//!   engine asks for it only after that data's write responses) copies it
//!   out. `cq_prod` (the driver's `C<c>_PROD`) advances when the write's
//!   response returns; a refused write (SLVERR/DECERR) pulses `cpl_fault`
//!   (the record is lost: completion queue memory must stay mapped).
//! * **Interrupts**: `arm[c]` arms queue `c`. An armed queue fires when
//!   completions have arrived since its last interrupt and either their
//!   count reaches `C<c>_MOD` bits 15:0 (0 counts as 1) or the first of
//!   them is older than `C<c>_MOD` bits 31:16 units of 64 clocks (0: no
//!   time limit); arming a queue with unread completions (producer ahead
//!   of `C<c>_CONS`) fires it at once. Firing disarms the queue and sets
//!   `irq_req[v]`, `v` = `C<c>_CTRL` bits 11:8 (the vector field's low
//!   4 bits), held until
//!   `irq_ack[v]` (XDMA's `usr_irq_req`/`usr_irq_ack`, PG195).
//!
//! * **Sets**: an instance may own only some queues
//!   ([`CplQueue::with_queues`]); the `nic` top has two, as Corundum
//!   has: receive completions into queues 0..7, transmit into 8..15, each
//!   set with its own write mover (a record every 5 clocks each).
//!
//! Custom Verilog generated from the register map (the `cfg` bus word of
//! each `C<c>_*` register), simulated in Verilator (`sim/tests/cpl_queue.rs`).

use crate::dma::dma_write::DmaWrite;
use crate::dma::regs::{DmaRegs, DMA_CFG_BITS, DMA_STROBES};
use ferronic_regmap::RegMap;
use rust_hdl::prelude::*;

/// Completion queues of the default build (one per ring).
pub const CQS: usize = DMA_STROBES;
/// Bits of a completion queue number.
pub const CQ_BITS: usize = 4;
/// Interrupt vectors (`irq_req` bits; XDMA has up to 16 user interrupts).
pub const IRQS: usize = 16;
/// Staging slots, log2 (64): a slot is held from the record's issue to
/// its write response, about 170 clocks with 1 us memory, and both
/// directions at 10G line rate with 64-byte frames complete 29.8 M
/// records a second (one every 5.25 clocks): 32 or more must be in flight.
pub const SLOT_BITS: usize = 6;
/// Staging RAM address bits (2^[`SLOT_BITS`] slots of 32 bytes).
pub const STAGE_BITS: usize = SLOT_BITS + 5;

const _: () = assert!(CQS <= 1 << CQ_BITS);

/// The control part: request intake, indices, staging RAM, interrupts;
/// [`CplQueue`] joins it to its write mover.
#[derive(LogicBlock)]
pub struct CplCore<const D: usize> {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub cfg: Signal<In, Bits<DMA_CFG_BITS>>,
    pub arm: Signal<In, Bits<CQS>>,
    pub req_valid: Signal<In, Bit>,
    pub req_ready: Signal<Out, Bit>,
    pub req_cq: Signal<In, Bits<CQ_BITS>>,
    pub req_rec: Signal<In, Bits<256>>,
    pub cq_prod: Signal<Out, Bits<{ 16 * CQS }>>,
    pub cq_armed: Signal<Out, Bits<CQS>>,
    pub cq_full: Signal<Out, Bits<CQS>>,
    pub irq_req: Signal<Out, Bits<IRQS>>,
    pub irq_ack: Signal<In, Bits<IRQS>>,
    pub cpl_drop: Signal<Out, Bit>,
    pub cpl_fault: Signal<Out, Bit>,
    pub c_valid: Signal<Out, Bit>,
    pub c_ready: Signal<In, Bit>,
    pub c_haddr: Signal<Out, Bits<64>>,
    pub c_raddr: Signal<Out, Bits<STAGE_BITS>>,
    pub c_len: Signal<Out, Bits<16>>,
    pub c_tag: Signal<Out, Bits<8>>,
    pub st_valid: Signal<In, Bit>,
    pub st_tag: Signal<In, Bits<8>>,
    pub st_resp: Signal<In, Bits<2>>,
    pub ram_rd_en: Signal<In, Bit>,
    pub ram_rd_addr: Signal<In, Bits<STAGE_BITS>>,
    pub ram_rd_data: Signal<Out, Bits<D>>,
    _body: String,
}

/// The body. Tokens: `@DW@` bus bits, `@W@` staging words a slot
/// (32 / bytes), `@LW@` log2 of it, `@LB@` log2 bus bytes, `@SEL@` the
/// per-queue configuration muxes.
const BODY: &str = "\
localparam N = @N@;
// the queues this instance writes (bit c: queue c); requests for others
// are dropped, their arms ignored
localparam [N-1:0] OWN = @OWN@;
// ---- per-queue configuration, pulled out of the cfg bus
wire [63:0] q_base [0:N-1]; wire [31:0] q_ctrl [0:N-1]; wire [15:0] q_cons [0:N-1]; wire [31:0] q_mod [0:N-1];
@SEL@
// ---- per-queue state
reg [15:0] prod_i [0:N-1];   // issued
reg [15:0] prod_d [0:N-1];   // written (the driver's PROD)
reg [N-1:0] en_q; reg [N-1:0] armed; reg [N-1:0] fire;
reg [15:0] cnt [0:N-1]; reg [15:0] age [0:N-1];
reg [15:0] f_used [0:N-1]; reg [16:0] f_size [0:N-1];
reg [5:0] pre; reg tick;
// arm_late: the clock after an arm, when unread completions fire at once
reg [N-1:0] arm_late; reg [N-1:0] unread;
// ---- intake: a holding register, then a 5-state machine
reg h_v; reg [@CQM1@:0] h_cq; reg [255:0] h_rec;
localparam S_IDLE = 3'd0, S_SEL = 3'd1, S_SUB = 3'd2, S_CHK = 3'd3, S_ISSUE = 3'd4;
reg [2:0] st;
// copies of the queue number, one per group of muxes it selects (each
// bit of a 16-way mux loads its select with 8 LUTs: a copy per 16 bits)
(* keep *) reg [@CQM1@:0] h_cq_b; (* keep *) reg [@CQM1@:0] h_cq_c; (* keep *) reg [@CQM1@:0] h_cq_p;
(* keep *) reg [@CQM1@:0] h_cq_b1; (* keep *) reg [@CQM1@:0] h_cq_b2; (* keep *) reg [@CQM1@:0] h_cq_b3;
(* keep *) always @(posedge clock) if (h_load) h_cq_b <= req_cq;
(* keep *) always @(posedge clock) if (h_load) h_cq_b1 <= req_cq;
(* keep *) always @(posedge clock) if (h_load) h_cq_b2 <= req_cq;
(* keep *) always @(posedge clock) if (h_load) h_cq_b3 <= req_cq;
(* keep *) always @(posedge clock) if (h_load) h_cq_c <= req_cq;
(* keep *) always @(posedge clock) if (h_load) h_cq_p <= req_cq;
(* keep *) reg [@CQM1@:0] h_cq_d; (* keep *) reg [@CQM1@:0] h_cq_e; (* keep *) reg [@CQM1@:0] h_cq_q;
(* keep *) always @(posedge clock) if (h_load) h_cq_d <= req_cq;
(* keep *) always @(posedge clock) if (h_load) h_cq_e <= req_cq;
(* keep *) always @(posedge clock) if (h_load) h_cq_q <= req_cq;
reg [15:0] b_cons;
reg [63:0] b_base; reg [3:0] b_lsz; reg b_en; reg [15:0] b_used; reg [15:0] b_prod;
reg [19:0] b_lo; reg b_cy; reg b_phase;
// the queue's size as a register (a shift, no carry chain), the slot's
// offset (masked by a shift), and base[63:20] + 1 in two 22-bit halves,
// so no stage holds a carry chain longer than 22 bits
reg [15:0] b_sz; reg [14:0] b_off;
reg [21:0] b_hl; reg b_hc; reg [21:0] b_hh;
reg [@SB@:0] s_used; reg [@SBM1@:0] s_wp; reg [@SBM1@:0] s_rp;
reg [@CQM1@:0] s_cq [0:@SLOTSM1@];
// the holding register takes the next request in the clock the last word
// of a record is staged, so records follow each other every 5 clocks
wire h_free = st == S_ISSUE && wcnt == @LWM1@'d@WM1@;
wire h_load = req_valid && (!h_v || h_free);
always @(*) req_ready = !h_v || h_free;
wire s_room = !s_used[@SB@];
wire b_full = b_used >= b_sz;
// staging RAM: word w of slot s at s*@W@ + w
reg [@DW@-1:0] sr [0:@SLOTS@*@W@-1];
reg sr_we; reg [@SRM1@:0] sr_wa; reg [@DW@-1:0] sr_wd;
integer i;
always @(posedge clock) begin
  if (sr_we) sr[sr_wa] <= sr_wd;
  if (ram_rd_en) ram_rd_data <= sr[ram_rd_addr[@STM1@:@LB@]];
end
reg [@LWM1@:0] wcnt;
wire [255:0] rec_ph = {b_phase, h_rec[254:0]};
always @(posedge clock) begin
  cpl_drop <= 1'b0; sr_we <= 1'b0;
  if (rst) begin
    h_v <= 1'b0; st <= S_IDLE; c_valid <= 1'b0; s_used <= @SB1@'d0; s_wp <= @SB@'d0;
  end else begin
    if (h_load) begin h_cq <= req_cq; h_rec <= req_rec; end
    if (h_load && !h_v) h_v <= 1'b1;
    case (st)
      S_IDLE: if (h_v) st <= S_SEL;
      S_SEL: begin
        b_base[15:0] <= q_base[h_cq_b][15:0]; b_base[31:16] <= q_base[h_cq_b1][31:16];
        b_base[47:32] <= q_base[h_cq_b2][47:32]; b_base[63:48] <= q_base[h_cq_b3][63:48]; b_lsz <= q_ctrl[h_cq_c][7:4]; b_en <= q_ctrl[h_cq_c][0] && en_q[h_cq_c] && OWN[h_cq_c];
        b_cons[7:0] <= q_cons[h_cq_d][7:0]; b_cons[15:8] <= q_cons[h_cq_e][15:8];
        b_prod[7:0] <= prod_i[h_cq_p][7:0]; b_prod[15:8] <= prod_i[h_cq_q][15:8];
        wcnt <= @LWM1@'d0;
        st <= S_SUB;
      end
      S_SUB: begin
        b_used <= b_prod - b_cons;
        b_sz <= 16'd1 << b_lsz;
        b_off <= b_prod[14:0] & ~(15'h7fff << b_lsz);
        {b_hc, b_hl} <= {1'b0, b_base[41:20]} + 23'd1;
        st <= S_CHK;
      end
      S_CHK: begin
        // the slot's offset in the queue and the phase
        {b_cy, b_lo} <= {1'b0, b_base[19:0]} + {1'b0, b_off, 5'd0};
        b_hh <= b_base[63:42] + {21'd0, b_hc};
        b_phase <= !(|(b_prod & b_sz));
        if (!b_en) begin cpl_drop <= 1'b1; h_v <= 1'b0; st <= S_IDLE; end
        else if (b_full || !s_room || c_valid) st <= S_SEL;
        else st <= S_ISSUE;
      end
      S_ISSUE: begin
        // the record into the staging slot, a word a clock
        sr_we <= 1'b1; sr_wa <= {s_wp, wcnt}; sr_wd <= rec_ph[@DW@*wcnt +: @DW@];
        wcnt <= wcnt + 1'b1;
        if (wcnt == @LWM1@'d@WM1@) begin
          c_valid <= 1'b1;
          c_haddr <= {b_cy ? {b_hh, b_hl} : b_base[63:20], b_lo[19:5], 5'd0};
          c_raddr <= {s_wp, @LOWZ@};
          c_tag <= {@TAGZ@, s_wp};
          s_cq[s_wp] <= h_cq; s_wp <= s_wp + 1'b1;
          // straight on with the next request when it is already in
          h_v <= req_valid; st <= req_valid ? S_SEL : S_IDLE;
        end
      end
      default: st <= S_IDLE;
    endcase
    if (c_valid && c_ready) c_valid <= 1'b0;
    s_used <= s_used + {@SB@'d0, h_free} - {@SB@'d0, st_valid};
  end
end
always @(*) c_len = 16'd32;
// ---- statuses (in order): the driver's index, the interrupt count
wire [@CQM1@:0] d_cq = s_cq[s_rp];
// the status and its queue registered before they reach the 16 queues'
// index and interrupt counters (the staging RAM read and the decode
// fanning out to every counter's enable in one clock was the slowest path)
reg d_v; reg [@CQM1@:0] d_q;
always @(posedge clock) begin d_v <= !rst && st_valid; d_q <= d_cq; end
always @(posedge clock) begin
  cpl_fault <= st_valid && st_resp != 2'd0;
  if (rst) s_rp <= @SB@'d0;
  else if (st_valid) s_rp <= s_rp + 1'b1;
end
// (the other engines' cfg words, the record's phase bit, the 32-byte
// slot offset)
wire unused_ok = ^{st_tag, ram_rd_addr[@LBM1@:0], cfg, h_rec[255], b_lo[4:0]};
always @(posedge clock) begin
  tick <= pre == 6'd63;
  pre <= rst ? 6'd0 : pre + 1'b1;
  for (i = 0; i < N; i = i + 1) begin
    en_q[i] <= !rst && q_ctrl[i][0];
    if (rst || (q_ctrl[i][0] && !en_q[i])) begin
      prod_i[i] <= 16'd0; prod_d[i] <= 16'd0; cnt[i] <= 16'd0; age[i] <= 16'd0;
    end else begin
      if (st == S_ISSUE && wcnt == @LWM1@'d@WM1@ && h_cq == i[@CQM1@:0]) prod_i[i] <= prod_i[i] + 1'b1;
      if (d_v && d_q == i[@CQM1@:0]) prod_d[i] <= prod_d[i] + 1'b1;
      // completions since the last interrupt or arm (one in that very
      // clock counts as after it)
      if (fire[i] || arm[i]) cnt[i] <= {15'd0, d_v && d_q == i[@CQM1@:0]};
      else if (d_v && d_q == i[@CQM1@:0]) cnt[i] <= cnt[i] + 1'b1;
      if (fire[i] || arm[i] || cnt[i] == 16'd0) age[i] <= 16'd0;
      else if (tick && age[i] != 16'hffff) age[i] <= age[i] + 1'b1;
    end
    if (rst) armed[i] <= 1'b0;
    else if (arm[i] && OWN[i]) armed[i] <= 1'b1;
    else if (fire[i]) armed[i] <= 1'b0;
    // fire: registered from last clock's state (one clock late at most)
    fire[i] <= !rst && armed[i] && !arm[i] && !fire[i] && (
      (unread[i] && arm_late[i]) ||
      (cnt[i] != 16'd0 && (cnt[i] >= q_mod[i][15:0] ||
        (q_mod[i][31:16] != 16'd0 && age[i] >= q_mod[i][31:16]))));
    cq_prod[16*i +: 16] <= prod_d[i];
    // full: the difference and the size registered first, then compared
    // (a status flag, two clocks behind its causes)
    f_used[i] <= prod_i[i] - q_cons[i]; f_size[i] <= 17'd1 << q_ctrl[i][7:4];
    cq_full[i] <= OWN[i] && {1'b0, f_used[i]} >= f_size[i];
  end
end
always @(posedge clock) arm_late <= rst ? {N{1'b0}} : arm;
// unread: written completions the driver has not consumed (its CONS may
// run ahead of the write responses: it sees a record once it is written)
genvar g;
generate for (g = 0; g < N; g = g + 1) begin : ur
  wire [15:0] d = prod_d[g] - q_cons[g];
  always @(posedge clock) unread[g] <= d != 16'd0 && !d[15];
end endgenerate
always @(*) cq_armed = armed;
// ---- interrupt requests: set by a firing queue's vector, held until acked
reg [15:0] fire_v;
always @(*) begin
  fire_v = 16'd0;
  for (i = 0; i < N; i = i + 1) if (fire[i]) fire_v = fire_v | (16'd1 << q_ctrl[i][11:8]);
end
always @(posedge clock) begin
  if (rst) irq_req <= 16'd0;
  else irq_req <= (irq_req & ~irq_ack) | fire_v;
end
";

impl<const D: usize> CplCore<D> {
    /// The block for `map` (the default build's engine blocks), writing
    /// every completion queue.
    pub fn new(map: &RegMap) -> Self {
        Self::with_queues(map, (1 << CQS) - 1)
    }

    /// The block for `map` writing only the queues of `own` (bit c: queue
    /// c): requests for other queues are dropped (`cpl_drop`), their arms
    /// ignored, their `cq_prod`, `cq_armed` and `cq_full` bits stay 0, so
    /// two instances with disjoint `own` can be ORed.
    pub fn with_queues(map: &RegMap, own: u32) -> Self {
        CplCore {
            clock: Default::default(),
            rst: Default::default(),
            cfg: Default::default(),
            arm: Default::default(),
            req_valid: Default::default(),
            req_ready: Default::default(),
            req_cq: Default::default(),
            req_rec: Default::default(),
            cq_prod: Default::default(),
            cq_armed: Default::default(),
            cq_full: Default::default(),
            irq_req: Default::default(),
            irq_ack: Default::default(),
            cpl_drop: Default::default(),
            cpl_fault: Default::default(),
            c_valid: Default::default(),
            c_ready: Default::default(),
            c_haddr: Default::default(),
            c_raddr: Default::default(),
            c_len: Default::default(),
            c_tag: Default::default(),
            st_valid: Default::default(),
            st_tag: Default::default(),
            st_resp: Default::default(),
            ram_rd_en: Default::default(),
            ram_rd_addr: Default::default(),
            ram_rd_data: Default::default(),
            _body: Self::verilog(map, own),
        }
    }

    /// The body for `map`, writing the queues of `own`.
    pub fn verilog(map: &RegMap, own: u32) -> String {
        let k = D / 8;
        assert!(matches!(k, 8 | 16), "bus of {k} bytes");
        let w = 32 / k;
        let lw = (w.trailing_zeros() as usize).max(1);
        let lb = k.trailing_zeros() as usize;
        let word = |c: usize, r: &str| {
            DmaRegs::cfg_word(map, &format!("cq.C{c}_{r}")).unwrap_or_else(|| panic!("cq.C{c}_{r}"))
        };
        // bits hi..lo of cfg word k
        let bits = |k: usize, hi: usize, lo: usize| format!("cfg[{}:{}]", 32 * k + hi, 32 * k + lo);
        let sel: String = (0..CQS)
            .map(|c| {
                format!(
                    "assign q_base[{c}] = {{{}, {}, 5'd0}}; assign q_ctrl[{c}] = {}; assign q_cons[{c}] = {}; assign q_mod[{c}] = {};\n",
                    bits(word(c, "BASE_HI"), 31, 0),
                    bits(word(c, "BASE_LO"), 31, 5),
                    bits(word(c, "CTRL"), 31, 0),
                    bits(word(c, "CONS"), 15, 0),
                    bits(word(c, "MOD"), 31, 0),
                )
            })
            .collect();
        let low = STAGE_BITS - SLOT_BITS;
        BODY.replace("@SEL@", &sel)
            .replace("@OWN@", &format!("{CQS}'h{own:x}"))
            .replace("@SLOTSM1@", &((1usize << SLOT_BITS) - 1).to_string())
            .replace("@SLOTS@", &(1usize << SLOT_BITS).to_string())
            .replace("@SBM1@", &(SLOT_BITS - 1).to_string())
            .replace("@SB1@", &(SLOT_BITS + 1).to_string())
            .replace("@SB@", &SLOT_BITS.to_string())
            .replace("@TAGZ@", &format!("{}'d0", 8 - SLOT_BITS))
            .replace("@N@", &CQS.to_string())
            .replace("@CQM1@", &(CQ_BITS - 1).to_string())
            .replace("@DW@", &D.to_string())
            .replace("@W@", &w.to_string())
            .replace("@WM1@", &(w - 1).to_string())
            .replace("@LWM1@'d", &format!("{lw}'d"))
            .replace("@LWM1@", &(lw - 1).to_string())
            .replace("@SRM1@", &(SLOT_BITS - 1 + lw).to_string())
            .replace("@STM1@", &(STAGE_BITS - 1).to_string())
            .replace("@LBM1@", &(lb - 1).to_string())
            .replace("@LB@", &lb.to_string())
            .replace("@LOWZ@", &format!("{low}'d0"))
    }
}

impl<const D: usize> Logic for CplCore<D> {
    fn update(&mut self) {
        self.req_ready.next = false;
        self.cq_prod.next = 0.into();
        self.cq_armed.next = 0.into();
        self.cq_full.next = 0.into();
        self.irq_req.next = 0.into();
        self.cpl_drop.next = false;
        self.cpl_fault.next = false;
        self.c_valid.next = false;
        self.c_haddr.next = 0.into();
        self.c_raddr.next = 0.into();
        self.c_len.next = 0.into();
        self.c_tag.next = 0.into();
        self.ram_rd_data.next = 0.into();
    }

    fn connect(&mut self) {
        self.req_ready.connect();
        self.cq_prod.connect();
        self.cq_armed.connect();
        self.cq_full.connect();
        self.irq_req.connect();
        self.cpl_drop.connect();
        self.cpl_fault.connect();
        self.c_valid.connect();
        self.c_haddr.connect();
        self.c_raddr.connect();
        self.c_len.connect();
        self.c_tag.connect();
        self.ram_rd_data.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(self._body.clone())
    }
}

/// [`CplCore`] with its write mover on a 128-bit AXI4 bus: the
/// completion queues as the engine instantiates them.
#[derive(LogicBlock)]
pub struct CplQueue {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub cfg: Signal<In, Bits<DMA_CFG_BITS>>,
    pub arm: Signal<In, Bits<CQS>>,
    pub req_valid: Signal<In, Bit>,
    pub req_ready: Signal<Out, Bit>,
    pub req_cq: Signal<In, Bits<CQ_BITS>>,
    pub req_rec: Signal<In, Bits<256>>,
    pub cq_prod: Signal<Out, Bits<{ 16 * CQS }>>,
    pub cq_armed: Signal<Out, Bits<CQS>>,
    pub cq_full: Signal<Out, Bits<CQS>>,
    pub irq_req: Signal<Out, Bits<IRQS>>,
    pub irq_ack: Signal<In, Bits<IRQS>>,
    pub cpl_drop: Signal<Out, Bit>,
    pub cpl_fault: Signal<Out, Bit>,
    pub m_axi_awaddr: Signal<Out, Bits<64>>,
    pub m_axi_awlen: Signal<Out, Bits<8>>,
    pub m_axi_awsize: Signal<Out, Bits<3>>,
    pub m_axi_awburst: Signal<Out, Bits<2>>,
    pub m_axi_awvalid: Signal<Out, Bit>,
    pub m_axi_awready: Signal<In, Bit>,
    pub m_axi_wdata: Signal<Out, Bits<128>>,
    pub m_axi_wstrb: Signal<Out, Bits<16>>,
    pub m_axi_wlast: Signal<Out, Bit>,
    pub m_axi_wvalid: Signal<Out, Bit>,
    pub m_axi_wready: Signal<In, Bit>,
    pub m_axi_bresp: Signal<In, Bits<2>>,
    pub m_axi_bvalid: Signal<In, Bit>,
    pub m_axi_bready: Signal<Out, Bit>,
    core: CplCore<128>,
    mover: DmaWrite<128, 16, STAGE_BITS>,
}

impl CplQueue {
    /// The completion queues for `map`, all of them.
    pub fn new(map: &RegMap) -> Self {
        Self::with_queues(map, (1 << CQS) - 1)
    }

    /// The completion queues of `own` (bit c: queue c) for `map`; see
    /// [`CplCore::with_queues`].
    pub fn with_queues(map: &RegMap, own: u32) -> Self {
        CplQueue {
            clock: Default::default(),
            rst: Default::default(),
            cfg: Default::default(),
            arm: Default::default(),
            req_valid: Default::default(),
            req_ready: Default::default(),
            req_cq: Default::default(),
            req_rec: Default::default(),
            cq_prod: Default::default(),
            cq_armed: Default::default(),
            cq_full: Default::default(),
            irq_req: Default::default(),
            irq_ack: Default::default(),
            cpl_drop: Default::default(),
            cpl_fault: Default::default(),
            m_axi_awaddr: Default::default(),
            m_axi_awlen: Default::default(),
            m_axi_awsize: Default::default(),
            m_axi_awburst: Default::default(),
            m_axi_awvalid: Default::default(),
            m_axi_awready: Default::default(),
            m_axi_wdata: Default::default(),
            m_axi_wstrb: Default::default(),
            m_axi_wlast: Default::default(),
            m_axi_wvalid: Default::default(),
            m_axi_wready: Default::default(),
            m_axi_bresp: Default::default(),
            m_axi_bvalid: Default::default(),
            m_axi_bready: Default::default(),
            core: CplCore::with_queues(map, own),
            mover: DmaWrite::default(),
        }
    }
}

impl Logic for CplQueue {
    #[hdl_gen]
    fn update(&mut self) {
        self.core.clock.next = self.clock.val();
        self.mover.clock.next = self.clock.val();
        self.core.rst.next = self.rst.val();
        self.mover.rst.next = self.rst.val();
        self.core.cfg.next = self.cfg.val();
        self.core.arm.next = self.arm.val();
        self.core.req_valid.next = self.req_valid.val();
        self.req_ready.next = self.core.req_ready.val();
        self.core.req_cq.next = self.req_cq.val();
        self.core.req_rec.next = self.req_rec.val();
        self.cq_prod.next = self.core.cq_prod.val();
        self.cq_armed.next = self.core.cq_armed.val();
        self.cq_full.next = self.core.cq_full.val();
        self.irq_req.next = self.core.irq_req.val();
        self.core.irq_ack.next = self.irq_ack.val();
        self.cpl_drop.next = self.core.cpl_drop.val();
        self.cpl_fault.next = self.core.cpl_fault.val();
        self.mover.c_valid.next = self.core.c_valid.val();
        self.core.c_ready.next = self.mover.c_ready.val();
        self.mover.c_haddr.next = self.core.c_haddr.val();
        self.mover.c_raddr.next = self.core.c_raddr.val();
        self.mover.c_len.next = self.core.c_len.val();
        self.mover.c_tag.next = self.core.c_tag.val();
        self.core.st_valid.next = self.mover.st_valid.val();
        self.core.st_tag.next = self.mover.st_tag.val();
        self.core.st_resp.next = self.mover.st_resp.val();
        self.core.ram_rd_en.next = self.mover.ram_rd_en.val();
        self.core.ram_rd_addr.next = self.mover.ram_rd_addr.val();
        self.mover.ram_rd_data.next = self.core.ram_rd_data.val();
        self.m_axi_awaddr.next = self.mover.m_axi_awaddr.val();
        self.m_axi_awlen.next = self.mover.m_axi_awlen.val();
        self.m_axi_awsize.next = self.mover.m_axi_awsize.val();
        self.m_axi_awburst.next = self.mover.m_axi_awburst.val();
        self.m_axi_awvalid.next = self.mover.m_axi_awvalid.val();
        self.mover.m_axi_awready.next = self.m_axi_awready.val();
        self.m_axi_wdata.next = self.mover.m_axi_wdata.val();
        self.m_axi_wstrb.next = self.mover.m_axi_wstrb.val();
        self.m_axi_wlast.next = self.mover.m_axi_wlast.val();
        self.m_axi_wvalid.next = self.mover.m_axi_wvalid.val();
        self.mover.m_axi_wready.next = self.m_axi_wready.val();
        self.mover.m_axi_bresp.next = self.m_axi_bresp.val();
        self.mover.m_axi_bvalid.next = self.m_axi_bvalid.val();
        self.m_axi_bready.next = self.mover.m_axi_bready.val();
    }
}
