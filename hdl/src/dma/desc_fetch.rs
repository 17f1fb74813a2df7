//! `DescFetch`: the descriptor rings of one direction (issue 13;
//! DESIGN.md section 7b, after Corundum's queue manager and descriptor
//! fetch). It keeps each ring's indices, reads posted descriptors from
//! host memory in batches into an on-chip cache, hands them to the
//! engine that uses them (receive or transmit) and reports the consumer
//! indices the driver reads.
//!
//! * **Rings** ([`RINGS`], `rxq.Q<n>_*` or `txq.Q<n>_*`): ring `q` of
//!   2^n entries (`CTRL` bits 7:4, 8..=15) at `BASE` (16-byte aligned)
//!   keeps descriptor `i` ([`ferronic_regmap::dma::DESCRIPTOR`], 16
//!   bytes) at `BASE + 16 (i mod 2^n)`. Indices are 16-bit, free-running.
//!   Per ring the block keeps `fetched` (read requested), `arrived`,
//!   `taken`, `committed` and `retired` (the driver's `CONS`). Enabling a
//!   ring (`CTRL` bit 0 rising) zeroes them; a ring whose earlier
//!   fetches are still in flight waits for them first, so a stale read
//!   cannot land in its fresh cache.
//! * **Fetch**: a round robin visits each enabled ring every 5 clocks;
//!   when descriptors are posted (`PROD` - fetched > 0) and the ring's
//!   cache has room, one read of min(posted, room, up to the cache's
//!   wrap) descriptors (at most 2^[`CACHE_BITS`] = 512 bytes) goes to the
//!   read mover. Many reads are outstanding at once (up to 32), so 1 us of
//!   memory latency still keeps the cache ahead of a 10G ring.
//! * **Take** (`tk_valid`, `tk_q`): 3 clocks later `td_valid` with
//!   `td_ok` (a descriptor had arrived), `td_index` (its ring index) and
//!   `td_desc` (the 16 bytes, byte 0 in bits 7:0). One take in flight: the
//!   next may be asked in the clock `td_valid` is high. `q_avail[q]`
//!   (arrived, not taken) and `q_posted[q]` (posted, not taken: fetched
//!   or not) are registered views for the user's decisions.
//! * **Commit / rollback** (`cm_*`, `rb_*`): a take is tentative until
//!   committed; a rollback gives the ring's uncommitted takes back (a
//!   receive frame that finds too few buffers is dropped whole and its
//!   descriptors are used by the next one). Cache entries free at commit.
//!   Neither while a take is in flight for that ring.
//! * **Retire** (`rt_valid`, `rt_q`, `rt_n`): `rt_n` descriptors of ring
//!   `rt_q` are done (their completion is out): `CONS` advances.
//! * **Errors**: a refused descriptor read (SLVERR/DECERR: the ring's
//!   memory is not mapped), a log size below 8, or a `PROD` more than the
//!   ring's size ahead of `CONS` stops the ring: `ring_err[q]` until the
//!   ring is enabled again; `fetch_fault` pulses for a refused read.
//!
//! Custom Verilog generated from the register map; simulated in
//! Verilator (`sim/tests/desc_fetch.rs`).

use crate::dma::dma_read::DmaRead;
use crate::dma::regs::{DmaRegs, DMA_CFG_BITS};
use ferronic_regmap::RegMap;
use rust_hdl::prelude::*;

/// Rings per direction in the default build.
pub const RINGS: usize = crate::RX_QUEUES;
/// Bits of a ring number.
pub const RING_BITS: usize = crate::RX_QUEUE_BITS;
/// Descriptor cache entries per ring, log2 (32: 15 minimum frames of 10G
/// arrive in the 1 us a fetch may take, and twice that keeps a ring
/// ahead).
pub const CACHE_BITS: usize = 5;
/// Cache RAM byte-address bits (8 rings x 32 x 16 bytes = 4 KiB).
pub const DESC_RAM_BITS: usize = RING_BITS + CACHE_BITS + 4;

const _: () = assert!(RINGS == 1 << RING_BITS && crate::TX_QUEUES == RINGS);

/// The ring state, fetch scheduler, cache and take port; [`DescFetch`]
/// joins it to its read mover. `D`-bit bus, `K` = `D` / 8 >= 16 bytes.
#[derive(LogicBlock)]
pub struct DescCore<const D: usize, const K: usize> {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub cfg: Signal<In, Bits<DMA_CFG_BITS>>,
    pub tk_valid: Signal<In, Bit>,
    pub tk_q: Signal<In, Bits<RING_BITS>>,
    pub td_valid: Signal<Out, Bit>,
    pub td_ok: Signal<Out, Bit>,
    pub td_index: Signal<Out, Bits<16>>,
    pub td_desc: Signal<Out, Bits<128>>,
    pub cm_valid: Signal<In, Bit>,
    pub cm_q: Signal<In, Bits<RING_BITS>>,
    pub rb_valid: Signal<In, Bit>,
    pub rb_q: Signal<In, Bits<RING_BITS>>,
    pub rt_valid: Signal<In, Bit>,
    pub rt_q: Signal<In, Bits<RING_BITS>>,
    pub rt_n: Signal<In, Bits<8>>,
    pub q_avail: Signal<Out, Bits<RINGS>>,
    pub q_posted: Signal<Out, Bits<RINGS>>,
    pub cons: Signal<Out, Bits<{ 16 * RINGS }>>,
    pub ring_err: Signal<Out, Bits<RINGS>>,
    pub fetch_fault: Signal<Out, Bit>,
    pub idle: Signal<Out, Bit>,
    pub c_valid: Signal<Out, Bit>,
    pub c_ready: Signal<In, Bit>,
    pub c_haddr: Signal<Out, Bits<64>>,
    pub c_raddr: Signal<Out, Bits<DESC_RAM_BITS>>,
    pub c_len: Signal<Out, Bits<16>>,
    pub c_tag: Signal<Out, Bits<8>>,
    pub st_valid: Signal<In, Bit>,
    pub st_tag: Signal<In, Bits<8>>,
    pub st_resp: Signal<In, Bits<2>>,
    pub ram_wr_en: Signal<In, Bit>,
    pub ram_wr_addr: Signal<In, Bits<DESC_RAM_BITS>>,
    pub ram_wr_data: Signal<In, Bits<D>>,
    pub ram_wr_strb: Signal<In, Bits<K>>,
    _body: String,
}

/// The body. Tokens: `@N@` rings, `@QB@` ring bits, `@CB@` cache bits,
/// `@A@` RAM address bits, `@DW@`/`@K@`/`@LB@` bus bits, bytes, log2
/// bytes, `@LPW@` log2 descriptors a word, `@SEL@` the per-ring
/// configuration wires, `@ENG@` the engine enable bit.
const BODY: &str = "\
localparam N = @N@;
// ---- per-ring configuration, pulled out of the cfg bus
wire [63:0] q_base [0:N-1]; wire [31:0] q_ctrl [0:N-1]; wire [15:0] q_prod [0:N-1];
@SEL@
wire eng_en = @ENG@;
// ---- per-ring state
reg [15:0] f [0:N-1]; reg [15:0] a [0:N-1]; reg [15:0] t [0:N-1];
reg [15:0] k [0:N-1]; reg [15:0] c [0:N-1];
reg [5:0] pend [0:N-1];          // reads in flight
reg [N-1:0] en_q; reg [N-1:0] err; reg [N-1:0] stale; reg [N-1:0] avail;
// live: usable, a register (one clock behind its causes)
reg [N-1:0] live;
genvar g;
generate for (g = 0; g < N; g = g + 1) begin : lv
  always @(posedge clock) live[g] <= !rst && q_ctrl[g][0] && en_q[g] && !err[g] && !stale[g] && eng_en;
end endgenerate
// ---- fetch scheduler: SEL (this ring's values), SUB, MIN, CNT, ISSUE
localparam F_SEL = 3'd0, F_SUB = 3'd1, F_MIN = 3'd2, F_CNT = 3'd3, F_ISSUE = 3'd4;
reg [2:0] fs; reg [@QB@-1:0] fq;
// fq's copies, one per group of 8-way muxes it selects in F_SEL (a single
// net to 130 muxes cost 5 ns of routing), each loaded with fq's next value
(* keep *) reg [@QB@-1:0] fq_0; (* keep *) reg [@QB@-1:0] fq_1; (* keep *) reg [@QB@-1:0] fq_2; (* keep *) reg [@QB@-1:0] fq_3;
reg [15:0] b_prod; reg [15:0] b_f; reg [15:0] b_k; reg [15:0] b_c; reg [63:0] b_base; reg [3:0] b_lsz; reg b_ok;
reg [15:0] b_post; reg [15:0] b_used; reg [15:0] b_live; reg [16:0] b_size; reg [@CB@:0] b_toend; reg b_bad;
reg [19:0] b_off; reg [21:0] b_hi1_lo; reg b_hi1_c; reg [21:0] b_hi1_hi; reg [@CB@:0] b_p; reg [@CB@:0] b_room; reg b_over;
reg [@CB@:0] b_n; reg b_nz; reg [19:0] b_lo; reg b_cy;
// order of the reads (their statuses return in order)
reg [@QB@-1:0] o_q [0:31]; reg [@CB@:0] o_n [0:31];
reg [4:0] o_wp; reg [4:0] o_rp; reg [5:0] o_cnt;
wire issue = fs == F_ISSUE && b_nz && live[fq] && !c_valid && !o_cnt[5];
// the scheduler moves to the next ring after CNT (nothing to do) or ISSUE
wire fq_step = (fs == F_CNT && (!b_ok || b_bad || b_over)) || (fs == F_ISSUE && (!b_nz || !live[fq] || issue));
wire [@QB@-1:0] fq_nx = rst ? @QB@'d0 : fq_step ? fq + 1'b1 : fq;
always @(posedge clock) fq <= fq_nx;
(* keep *) always @(posedge clock) fq_0 <= fq_nx;
(* keep *) always @(posedge clock) fq_1 <= fq_nx;
(* keep *) always @(posedge clock) fq_2 <= fq_nx;
(* keep *) always @(posedge clock) fq_3 <= fq_nx;
// a read's status, registered with its ring and count (read from the
// order queue), so the per-ring updates start from flip-flops
reg s_v; reg [@QB@-1:0] s_q; reg [@CB@:0] s_n; reg s_ok;
always @(posedge clock) begin
  s_v <= !rst && st_valid; s_q <= o_q[o_rp]; s_n <= o_n[o_rp]; s_ok <= st_resp == 2'd0;
end
localparam [@CB@:0] CACHE = 1 << @CB@;
integer i;
always @(posedge clock) begin
  if (rst) begin
    fs <= F_SEL; c_valid <= 1'b0; o_wp <= 5'd0; o_rp <= 5'd0; o_cnt <= 6'd0;
  end else begin
    case (fs)
      F_SEL: begin
        b_prod <= q_prod[fq_0]; b_f <= f[fq_0]; b_k <= k[fq_1]; b_c <= c[fq_1];
        b_base[31:0] <= q_base[fq_2][31:0]; b_base[63:32] <= q_base[fq_3][63:32];
        b_lsz <= q_ctrl[fq_0][7:4]; b_ok <= live[fq_1];
        fs <= F_SUB;
      end
      F_SUB: begin
        b_post <= b_prod - b_f; b_used <= b_f - b_k; b_live <= b_prod - b_c;
        b_size <= 17'd1 << b_lsz; b_toend <= CACHE - {1'b0, b_f[@CB@-1:0]};
        b_off <= {b_f & ~(16'hffff << b_lsz), 4'd0};
        {b_hi1_c, b_hi1_lo} <= {1'b0, b_base[41:20]} + 23'd1; b_bad <= b_lsz < 4'd8;
        fs <= F_MIN;
      end
      F_MIN: begin
        // posted, up to the cache's wrap
        b_p <= {{(15-@CB@){1'b0}}, b_toend} < b_post ? b_toend : b_post[@CB@:0];
        b_room <= CACHE - b_used[@CB@:0];
        b_hi1_hi <= b_base[63:42] + {21'd0, b_hi1_c};
        b_over <= {1'b0, b_live} > b_size;
        {b_cy, b_lo} <= {1'b0, b_base[19:0]} + {1'b0, b_off};
        fs <= F_CNT;
      end
      F_CNT: begin
        b_n <= b_p < b_room ? b_p : b_room;
        b_nz <= b_p != 0 && b_room != 0;
        if (!b_ok || b_bad || b_over) fs <= F_SEL;
        else fs <= F_ISSUE;
      end
      default: begin
        // F_ISSUE: the read, if any (n = min(posted, room, to the wrap))
        if (!b_nz || !live[fq]) fs <= F_SEL;
        else if (issue) begin
          c_valid <= 1'b1;
          c_haddr <= {b_cy ? {b_hi1_hi, b_hi1_lo} : b_base[63:20], b_lo};
          c_raddr <= {fq, b_f[@CB@-1:0], 4'd0};
          c_len <= {{(11-@CB@){1'b0}}, b_n, 4'd0};
          o_q[o_wp] <= fq; o_n[o_wp] <= b_n; o_wp <= o_wp + 1'b1;
          fs <= F_SEL;
        end
      end
    endcase
    if (c_valid && c_ready) c_valid <= 1'b0;
    if (st_valid) o_rp <= o_rp + 1'b1;
    o_cnt <= o_cnt + {5'd0, issue} - {5'd0, st_valid};
  end
end
always @(*) c_tag = 8'd0;
// ---- take: p1 (the ring), p2 (its index, the cache word), td (output)
reg p1_v; reg [@QB@-1:0] p1_q; reg p2_v; reg [@QB@-1:0] p2_q; reg p2_ok; reg [15:0] p2_t;
// ---- cache RAM, @K@-byte words with byte enables
localparam WORDS = (1 << @A@) / @K@;
reg [@DW@-1:0] mem [0:WORDS-1];
reg [@DW@-1:0] rd;
wire [@A@-1:0] rd_byte = {p1_q, t[p1_q][@CB@-1:0], 4'd0};
always @(posedge clock) begin
  for (i = 0; i < @K@; i = i + 1)
    if (ram_wr_en && ram_wr_strb[i]) mem[ram_wr_addr[@A@-1:@LB@]][8*i +: 8] <= ram_wr_data[8*i +: 8];
  rd <= mem[rd_byte[@A@-1:@LB@]];
end
always @(posedge clock) begin
  p1_v <= !rst && tk_valid; p1_q <= tk_q;
  p2_v <= !rst && p1_v; p2_q <= p1_q; p2_ok <= avail[p1_q]; p2_t <= t[p1_q];
  td_valid <= !rst && p2_v; td_ok <= p2_ok; td_index <= p2_t;
  td_desc <= @LANE@;
end
// ---- per-ring updates
always @(posedge clock) begin
  fetch_fault <= !rst && s_v && !s_ok;
  for (i = 0; i < N; i = i + 1) begin
    en_q[i] <= !rst && q_ctrl[i][0];
    if (rst) pend[i] <= 6'd0;
    else pend[i] <= pend[i] + {5'd0, issue && fq == i[@QB@-1:0]}
                            - {5'd0, s_v && s_q == i[@QB@-1:0]};
    if (rst || (q_ctrl[i][0] && !en_q[i])) begin
      f[i] <= 16'd0; a[i] <= 16'd0; t[i] <= 16'd0; k[i] <= 16'd0; c[i] <= 16'd0;
      err[i] <= 1'b0; stale[i] <= !rst && pend[i] != 6'd0;
    end else begin
      if (stale[i] && pend[i] == 6'd0) stale[i] <= 1'b0;
      if (issue && fq == i[@QB@-1:0]) f[i] <= b_f + {{(15-@CB@){1'b0}}, b_n};
      if (s_v && s_q == i[@QB@-1:0] && !stale[i]) begin
        if (s_ok) a[i] <= a[i] + {{(15-@CB@){1'b0}}, s_n};
        else err[i] <= 1'b1;
      end
      if (fs == F_CNT && fq == i[@QB@-1:0] && b_ok && (b_bad || b_over)) err[i] <= 1'b1;
      if (rb_valid && rb_q == i[@QB@-1:0]) t[i] <= k[i];
      else if (p2_v && p2_ok && p2_q == i[@QB@-1:0]) t[i] <= p2_t + 16'd1;
      if (cm_valid && cm_q == i[@QB@-1:0]) k[i] <= t[i];
      if (rt_valid && rt_q == i[@QB@-1:0]) c[i] <= c[i] + {8'd0, rt_n};
    end
    avail[i] <= live[i] && a[i] != t[i];
    q_posted[i] <= live[i] && q_prod[i] != t[i];
    cons[16*i +: 16] <= c[i];
  end
  q_avail <= avail;
  ring_err <= err;
  idle <= o_cnt == 6'd0 && !c_valid;
end
// (the other engines' cfg words, the tag, the status's tag)
wire unused_ok = ^{cfg, st_tag, b_size[16], rd_byte[3:0], ram_wr_addr[@LB@-1:0], b_used[15:@CB@+1]};
";

impl<const D: usize, const K: usize> DescCore<D, K> {
    /// The receive (`rx`) or transmit rings of `map`.
    pub fn new(map: &RegMap, rx: bool) -> Self {
        DescCore {
            clock: Default::default(),
            rst: Default::default(),
            cfg: Default::default(),
            tk_valid: Default::default(),
            tk_q: Default::default(),
            td_valid: Default::default(),
            td_ok: Default::default(),
            td_index: Default::default(),
            td_desc: Default::default(),
            cm_valid: Default::default(),
            cm_q: Default::default(),
            rb_valid: Default::default(),
            rb_q: Default::default(),
            rt_valid: Default::default(),
            rt_q: Default::default(),
            rt_n: Default::default(),
            q_avail: Default::default(),
            q_posted: Default::default(),
            cons: Default::default(),
            ring_err: Default::default(),
            fetch_fault: Default::default(),
            idle: Default::default(),
            c_valid: Default::default(),
            c_ready: Default::default(),
            c_haddr: Default::default(),
            c_raddr: Default::default(),
            c_len: Default::default(),
            c_tag: Default::default(),
            st_valid: Default::default(),
            st_tag: Default::default(),
            st_resp: Default::default(),
            ram_wr_en: Default::default(),
            ram_wr_addr: Default::default(),
            ram_wr_data: Default::default(),
            ram_wr_strb: Default::default(),
            _body: Self::verilog(map, rx),
        }
    }

    /// The body for `map`'s receive (`rx`) or transmit rings.
    pub fn verilog(map: &RegMap, rx: bool) -> String {
        assert_eq!(D, 8 * K);
        assert!(matches!(K, 16 | 32 | 64), "bus of {K} bytes");
        let lb = K.trailing_zeros() as usize;
        let block = if rx { "rxq" } else { "txq" };
        let word = |path: &str| DmaRegs::cfg_word(map, path).unwrap_or_else(|| panic!("{path}"));
        let bits = |k: usize, hi: usize, lo: usize| format!("cfg[{}:{}]", 32 * k + hi, 32 * k + lo);
        let sel: String = (0..RINGS)
            .map(|q| {
                let w = |r: &str| word(&format!("{block}.Q{q}_{r}"));
                format!(
                    "assign q_base[{q}] = {{{}, {}, 4'd0}}; assign q_ctrl[{q}] = {}; assign q_prod[{q}] = {};\n",
                    bits(w("BASE_HI"), 31, 0),
                    bits(w("BASE_LO"), 31, 4),
                    bits(w("CTRL"), 31, 0),
                    bits(w("PROD"), 15, 0),
                )
            })
            .collect();
        let eng = format!("cfg[{}]", 32 * word("dma.CTRL"));
        // the descriptor's 128-bit lane of the cache word
        let lane = if K == 16 {
            "rd".to_string()
        } else {
            let lpw = (K / 16).trailing_zeros();
            format!("rd[128*p2_t[{}:0] +: 128]", lpw - 1)
        };
        BODY.replace("@SEL@", &sel)
            .replace("@ENG@", &eng)
            .replace("@LANE@", &lane)
            .replace("@N@", &RINGS.to_string())
            .replace("@QB@", &RING_BITS.to_string())
            .replace("@CB@", &CACHE_BITS.to_string())
            .replace("@A@", &DESC_RAM_BITS.to_string())
            .replace("@DW@", &D.to_string())
            .replace("@K@", &K.to_string())
            .replace("@LB@", &lb.to_string())
    }
}

impl<const D: usize, const K: usize> Logic for DescCore<D, K> {
    fn update(&mut self) {
        self.td_valid.next = false;
        self.td_ok.next = false;
        self.td_index.next = 0.into();
        self.td_desc.next = 0.into();
        self.q_avail.next = 0.into();
        self.q_posted.next = 0.into();
        self.cons.next = 0.into();
        self.ring_err.next = 0.into();
        self.fetch_fault.next = false;
        self.idle.next = false;
        self.c_valid.next = false;
        self.c_haddr.next = 0.into();
        self.c_raddr.next = 0.into();
        self.c_len.next = 0.into();
        self.c_tag.next = 0.into();
    }

    fn connect(&mut self) {
        self.td_valid.connect();
        self.td_ok.connect();
        self.td_index.connect();
        self.td_desc.connect();
        self.q_avail.connect();
        self.q_posted.connect();
        self.cons.connect();
        self.ring_err.connect();
        self.fetch_fault.connect();
        self.idle.connect();
        self.c_valid.connect();
        self.c_haddr.connect();
        self.c_raddr.connect();
        self.c_len.connect();
        self.c_tag.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(self._body.clone())
    }
}

/// [`DescCore`] with its read mover on a 128-bit AXI4 bus: one
/// direction's rings as the engine instantiates them.
#[derive(LogicBlock)]
pub struct DescFetch {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub cfg: Signal<In, Bits<DMA_CFG_BITS>>,
    pub tk_valid: Signal<In, Bit>,
    pub tk_q: Signal<In, Bits<RING_BITS>>,
    pub td_valid: Signal<Out, Bit>,
    pub td_ok: Signal<Out, Bit>,
    pub td_index: Signal<Out, Bits<16>>,
    pub td_desc: Signal<Out, Bits<128>>,
    pub cm_valid: Signal<In, Bit>,
    pub cm_q: Signal<In, Bits<RING_BITS>>,
    pub rb_valid: Signal<In, Bit>,
    pub rb_q: Signal<In, Bits<RING_BITS>>,
    pub rt_valid: Signal<In, Bit>,
    pub rt_q: Signal<In, Bits<RING_BITS>>,
    pub rt_n: Signal<In, Bits<8>>,
    pub q_avail: Signal<Out, Bits<RINGS>>,
    pub q_posted: Signal<Out, Bits<RINGS>>,
    pub cons: Signal<Out, Bits<{ 16 * RINGS }>>,
    pub ring_err: Signal<Out, Bits<RINGS>>,
    pub fetch_fault: Signal<Out, Bit>,
    pub idle: Signal<Out, Bit>,
    pub m_axi_araddr: Signal<Out, Bits<64>>,
    pub m_axi_arlen: Signal<Out, Bits<8>>,
    pub m_axi_arsize: Signal<Out, Bits<3>>,
    pub m_axi_arburst: Signal<Out, Bits<2>>,
    pub m_axi_arvalid: Signal<Out, Bit>,
    pub m_axi_arready: Signal<In, Bit>,
    pub m_axi_rdata: Signal<In, Bits<128>>,
    pub m_axi_rresp: Signal<In, Bits<2>>,
    pub m_axi_rlast: Signal<In, Bit>,
    pub m_axi_rvalid: Signal<In, Bit>,
    pub m_axi_rready: Signal<Out, Bit>,
    core: DescCore<128, 16>,
    mover: DmaRead<128, 16, DESC_RAM_BITS>,
}

impl DescFetch {
    /// The receive (`rx`) or transmit rings of `map`.
    pub fn new(map: &RegMap, rx: bool) -> Self {
        DescFetch {
            clock: Default::default(),
            rst: Default::default(),
            cfg: Default::default(),
            tk_valid: Default::default(),
            tk_q: Default::default(),
            td_valid: Default::default(),
            td_ok: Default::default(),
            td_index: Default::default(),
            td_desc: Default::default(),
            cm_valid: Default::default(),
            cm_q: Default::default(),
            rb_valid: Default::default(),
            rb_q: Default::default(),
            rt_valid: Default::default(),
            rt_q: Default::default(),
            rt_n: Default::default(),
            q_avail: Default::default(),
            q_posted: Default::default(),
            cons: Default::default(),
            ring_err: Default::default(),
            fetch_fault: Default::default(),
            idle: Default::default(),
            m_axi_araddr: Default::default(),
            m_axi_arlen: Default::default(),
            m_axi_arsize: Default::default(),
            m_axi_arburst: Default::default(),
            m_axi_arvalid: Default::default(),
            m_axi_arready: Default::default(),
            m_axi_rdata: Default::default(),
            m_axi_rresp: Default::default(),
            m_axi_rlast: Default::default(),
            m_axi_rvalid: Default::default(),
            m_axi_rready: Default::default(),
            core: DescCore::new(map, rx),
            mover: DmaRead::default(),
        }
    }
}

impl Logic for DescFetch {
    #[hdl_gen]
    fn update(&mut self) {
        self.core.clock.next = self.clock.val();
        self.mover.clock.next = self.clock.val();
        self.core.rst.next = self.rst.val();
        self.mover.rst.next = self.rst.val();
        self.core.cfg.next = self.cfg.val();
        self.core.tk_valid.next = self.tk_valid.val();
        self.core.tk_q.next = self.tk_q.val();
        self.td_valid.next = self.core.td_valid.val();
        self.td_ok.next = self.core.td_ok.val();
        self.td_index.next = self.core.td_index.val();
        self.td_desc.next = self.core.td_desc.val();
        self.core.cm_valid.next = self.cm_valid.val();
        self.core.cm_q.next = self.cm_q.val();
        self.core.rb_valid.next = self.rb_valid.val();
        self.core.rb_q.next = self.rb_q.val();
        self.core.rt_valid.next = self.rt_valid.val();
        self.core.rt_q.next = self.rt_q.val();
        self.core.rt_n.next = self.rt_n.val();
        self.q_avail.next = self.core.q_avail.val();
        self.q_posted.next = self.core.q_posted.val();
        self.cons.next = self.core.cons.val();
        self.ring_err.next = self.core.ring_err.val();
        self.fetch_fault.next = self.core.fetch_fault.val();
        self.idle.next = self.core.idle.val();
        self.mover.c_valid.next = self.core.c_valid.val();
        self.core.c_ready.next = self.mover.c_ready.val();
        self.mover.c_haddr.next = self.core.c_haddr.val();
        self.mover.c_raddr.next = self.core.c_raddr.val();
        self.mover.c_len.next = self.core.c_len.val();
        self.mover.c_tag.next = self.core.c_tag.val();
        self.core.st_valid.next = self.mover.st_valid.val();
        self.core.st_tag.next = self.mover.st_tag.val();
        self.core.st_resp.next = self.mover.st_resp.val();
        self.core.ram_wr_en.next = self.mover.ram_wr_en.val();
        self.core.ram_wr_addr.next = self.mover.ram_wr_addr.val();
        self.core.ram_wr_data.next = self.mover.ram_wr_data.val();
        self.core.ram_wr_strb.next = self.mover.ram_wr_strb.val();
        self.m_axi_araddr.next = self.mover.m_axi_araddr.val();
        self.m_axi_arlen.next = self.mover.m_axi_arlen.val();
        self.m_axi_arsize.next = self.mover.m_axi_arsize.val();
        self.m_axi_arburst.next = self.mover.m_axi_arburst.val();
        self.m_axi_arvalid.next = self.mover.m_axi_arvalid.val();
        self.mover.m_axi_arready.next = self.m_axi_arready.val();
        self.mover.m_axi_rdata.next = self.m_axi_rdata.val();
        self.mover.m_axi_rresp.next = self.m_axi_rresp.val();
        self.mover.m_axi_rlast.next = self.m_axi_rlast.val();
        self.mover.m_axi_rvalid.next = self.m_axi_rvalid.val();
        self.m_axi_rready.next = self.mover.m_axi_rready.val();
    }
}
