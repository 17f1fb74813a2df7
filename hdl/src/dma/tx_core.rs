//! `TxCore`: the transmit engine's control and frame buffer (issue 13;
//! DESIGN.md section 7b). It serves the transmit rings
//! ([`crate::dma::desc_fetch`]) frame by frame in round robin, gathers
//! each frame's buffers (descriptors up to the one flagged end of packet)
//! into an on-chip buffer through the read mover
//! ([`crate::dma::dma_read`]), streams the frames out on `m_axis_*` in
//! the order they were gathered, and after a frame's last beat asks for
//! its completion ([`crate::dma::cpl_queue`]).
//!
//! * **Round robin**: after a frame of ring `q` the next frame comes from
//!   the first ring after `q` with a descriptor waiting, so no ring
//!   starves. A frame's descriptors must be posted together (one
//!   doorbell): the engine waits for the rest of a frame it started.
//! * **Gather**: one read per descriptor of its `LEN` bytes (0: none) at
//!   its `ADDR`, packed back to back in the buffer (2^`A` bytes of 16-byte
//!   words; a frame starts on a word), as soon as there is room. `BAD` on
//!   any of the frame's descriptors marks it bad (`tuser` = 1: the
//!   transmit path appends a wrong FCS). A frame of more than 32
//!   descriptors (a ring's cache) or [`crate::MAX_FRAME`] bytes without
//!   `EOP` is ended there and marked bad.
//! * **Stream** `m_axis_*` (64-bit, byte 0 in bits 7:0, `tkeep`
//!   contiguous from lane 0, `tdest` the ring, `tuser` bad): a beat a
//!   clock while `tready`, frames back to back; a word reader runs ahead
//!   through a 4-word queue.
//! * **Completion** (`req_*`) after the frame's last beat is taken:
//!   queue, first ring index, length sent, descriptors used; the
//!   descriptors are retired and the buffer space freed. A frame whose
//!   read was refused (SLVERR/DECERR) is not sent: its completion has
//!   length 0, the fault flag, the response and the refused-read count.
//! * **Completion queue** of ring `q`: `txq.Q<q>_CTRL` bits 23:16.
//!
//! Custom Verilog; simulated in Verilator with its rings and mover
//! (`sim/tests/tx_engine.rs`).

use crate::dma::cpl_queue::CQ_BITS;
use crate::dma::desc_fetch::{CACHE_BITS, RINGS, RING_BITS};
use crate::dma::regs::{DmaRegs, DMA_CFG_BITS};
use ferronic_regmap::dma::{cpl_flags, desc_flags, COMPLETION, DESCRIPTOR};
use ferronic_regmap::RegMap;
use rust_hdl::prelude::*;

/// Transmit frames gathered and not yet completed, at most.
pub const TX_SLOTS: usize = 32;

/// Transmit buffer size, log2 bytes (32 KiB: the longest frame,
/// [`crate::MAX_FRAME`] bytes, with room for the reads in flight behind
/// it).
pub const TX_BUFFER_BITS: usize = 15;

/// The transmit engine's control and buffer (2^`A` bytes); see the module
/// documentation.
#[derive(LogicBlock)]
pub struct TxCore<const A: usize> {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub cfg: Signal<In, Bits<DMA_CFG_BITS>>,
    pub tk_valid: Signal<Out, Bit>,
    pub tk_q: Signal<Out, Bits<RING_BITS>>,
    pub td_valid: Signal<In, Bit>,
    pub td_ok: Signal<In, Bit>,
    pub td_index: Signal<In, Bits<16>>,
    pub td_desc: Signal<In, Bits<128>>,
    pub cm_valid: Signal<Out, Bit>,
    pub cm_q: Signal<Out, Bits<RING_BITS>>,
    pub rt_valid: Signal<Out, Bit>,
    pub rt_q: Signal<Out, Bits<RING_BITS>>,
    pub rt_n: Signal<Out, Bits<8>>,
    pub q_avail: Signal<In, Bits<RINGS>>,
    pub c_valid: Signal<Out, Bit>,
    pub c_ready: Signal<In, Bit>,
    pub c_haddr: Signal<Out, Bits<64>>,
    pub c_raddr: Signal<Out, Bits<A>>,
    pub c_len: Signal<Out, Bits<16>>,
    pub c_tag: Signal<Out, Bits<8>>,
    pub st_valid: Signal<In, Bit>,
    pub st_tag: Signal<In, Bits<8>>,
    pub st_resp: Signal<In, Bits<2>>,
    pub ram_wr_en: Signal<In, Bit>,
    pub ram_wr_addr: Signal<In, Bits<A>>,
    pub ram_wr_data: Signal<In, Bits<128>>,
    pub ram_wr_strb: Signal<In, Bits<16>>,
    pub m_axis_tdata: Signal<Out, Bits<64>>,
    pub m_axis_tkeep: Signal<Out, Bits<8>>,
    pub m_axis_tvalid: Signal<Out, Bit>,
    pub m_axis_tready: Signal<In, Bit>,
    pub m_axis_tlast: Signal<Out, Bit>,
    pub m_axis_tuser: Signal<Out, Bit>,
    pub m_axis_tdest: Signal<Out, Bits<RING_BITS>>,
    pub req_valid: Signal<Out, Bit>,
    pub req_ready: Signal<In, Bit>,
    pub req_cq: Signal<Out, Bits<CQ_BITS>>,
    pub req_rec: Signal<Out, Bits<256>>,
    pub err_valid: Signal<Out, Bit>,
    pub idle: Signal<Out, Bit>,
    _body: String,
}

/// The body. Tokens: `@A@` buffer address bits, `@QB@` ring bits, `@N@`
/// rings, `@CQB@`, `@CACHE@`, `@MAX@` longest frame, `@SEL@` the
/// ring-to-queue wires, `@DLEN@`/`@DADDR@`/`@EOP@`/`@BAD@` the
/// descriptor's fields, `@REC@` the completion record.
const BODY: &str = "\
localparam N = @N@;
localparam W = @A@ - 4;             // word-address bits
wire [7:0] q_cq [0:N-1];
@SEL@
// ---- the buffer: 16-byte words, byte enables
reg [127:0] mem [0:(1 << W) - 1];
integer i;
always @(posedge clock)
  for (i = 0; i < 16; i = i + 1)
    if (ram_wr_en && ram_wr_strb[i]) mem[ram_wr_addr[@A@-1:4]][8*i +: 8] <= ram_wr_data[8*i +: 8];
// ---- slots (in gather order)
reg [W-1:0] s_start [0:31]; reg [15:0] s_len [0:31]; reg [@QB@-1:0] s_q [0:31]; reg s_bad [0:31];
reg [15:0] s_idx [0:31]; reg [5:0] s_nd [0:31]; reg [@A@:0] s_end [0:31];
// the word reader's counts, computed at FIN: words less one, bytes of the
// last word, no bytes
reg [11:0] s_wl [0:31]; reg [4:0] s_wn [0:31]; reg s_z [0:31];
reg [5:0] s_cmds [0:31]; reg [5:0] s_seen [0:31]; reg [1:0] s_worst [0:31]; reg [7:0] s_fcnt [0:31];
reg [31:0] s_fin; reg [31:0] s_dn;
reg st_v; reg [4:0] st_t; reg [1:0] st_r;
reg [4:0] s_wp; reg [5:0] s_cnt;
// ---- buffer pointers (bytes, with a wrap bit): wr (gathered), fr (freed)
reg [@A@:0] wr; reg [@A@:0] fr;
reg [@A@:0] used_r; reg [16:0] free_r; reg [16:0] d_need;
// ---- round robin: the first ring at or after rr with a descriptor waiting
reg [@QB@-1:0] rr; reg p_v; reg [@QB@-1:0] p_q;
integer j;
always @(posedge clock) begin
  p_v <= |q_avail;
  p_q <= rr;
  for (j = N - 1; j >= 0; j = j - 1)
    if (q_avail[rr + j[@QB@-1:0]]) p_q <= rr + j[@QB@-1:0];
end
// ---- gather: IDLE, TAKE, WAIT, ROOM, CMD, FIN
localparam G_IDLE = 3'd0, G_TAKE = 3'd1, G_WAIT = 3'd2, G_ROOM = 3'd3, G_CMD = 3'd4, G_FIN = 3'd5;
reg [2:0] gs;
reg [@QB@-1:0] a_q; reg [15:0] a_idx; reg [5:0] a_nd; reg [15:0] a_len; reg a_bad; reg a_eop;
reg [63:0] d_addr; reg [31:0] d_len; reg d_big; reg room_ok; reg [@A@:0] a_start;
// a_left: bytes the frame may still take (@MAX@ - a_len), so the length
// check is one compare, not an add and a compare
reg [15:0] a_left;
// 31 slots, so the word reader's slot differs from the gather's whenever
// a gathered frame waits
wire slot_free = s_cnt < 6'd31;
always @(*) begin tk_valid = gs == G_TAKE; tk_q = a_q; cm_q = a_q; end
// ---- word reader (rd: slot, w_*: its words) and beat emitter
reg [4:0] s_rd; reg h_ready; reg h_bad;
reg w_run; reg [W-1:0] w_addr; reg [11:0] w_left; reg [4:0] w_lastn; reg [4:0] w_slot;
reg [@QB@-1:0] w_q; reg w_bad;
// word queue: data and {slot, bytes 0..16, last, queue, bad}
reg [127:0] wq_d [0:3]; reg [4:0] wq_s [0:3]; reg [4:0] wq_n [0:3]; reg wq_l [0:3]; reg [@QB@-1:0] wq_q [0:3]; reg wq_b [0:3];
// per entry, set on entry: no bytes (a frame not sent), two beats
reg wq_z [0:3]; reg wq_t [0:3];
reg [1:0] wq_wp; reg [1:0] wq_rp; reg [2:0] wq_cnt;
reg r_pend; reg [4:0] r_n; reg r_last; reg [4:0] r_slot; reg [@QB@-1:0] r_q; reg r_bad;
reg [127:0] rd_word;
wire wq_room = wq_cnt + {2'd0, r_pend} < 3'd3;
wire w_issue = w_run && wq_room;
reg half;
wire e_have = wq_cnt != 3'd0;
wire e_skip = wq_z[wq_rp];
wire e_two = wq_t[wq_rp];
wire e_free = !m_axis_tvalid || m_axis_tready;
// a beat leaves the queue head: its low half, then (if any) its high half
wire e_beat = e_have && !e_skip && e_free;
wire e_pop = e_have && (e_skip || (e_free && (half || !e_two)));
// done frames (slot numbers), in order, for the completion stage
reg [4:0] dq [0:31]; reg [4:0] dq_wp; reg [4:0] dq_rp; reg [5:0] dq_cnt;
wire e_done = e_pop && wq_l[wq_rp];
// ---- completion stage: IDLE, LOAD, REQ
localparam C_IDLE = 2'd0, C_LOAD = 2'd1, C_REQ = 2'd2;
reg [1:0] cs;
reg [4:0] k_slot; reg [15:0] k_len; reg [@QB@-1:0] k_q; reg [15:0] k_idx; reg [5:0] k_nd; reg [1:0] k_worst;
reg [7:0] k_fcnt; reg [@A@:0] k_end;
wire k_fault = k_worst != 2'd0;
reg [255:0] rec;
always @(*) begin
  rec = 256'd0;
@REC@
end
always @(posedge clock) begin
  cm_valid <= 1'b0; err_valid <= 1'b0;
  // room: free bytes and the descriptor's need (its length and a word of
  // alignment slack), each a register; free lags wr by 2 clocks, and a
  // command is at least 5 clocks after the one before (TAKE, WAIT, ROOM)
  used_r <= wr - fr; free_r <= 17'd32768 - {1'b0, used_r};
  room_ok <= d_need <= free_r;
  h_ready <= s_rd != s_wp && s_dn[s_rd] && !w_run;
  // final once the slot is done (its statuses are all in)
  h_bad <= s_worst[s_rd] != 2'd0;
  if (rst) begin
    gs <= G_IDLE; s_wp <= 5'd0; s_cnt <= 6'd0; wr <= {(@A@+1){1'b0}};
    c_valid <= 1'b0; rr <= @QB@'d0;
  end else begin
    case (gs)
      G_IDLE: begin
        a_nd <= 6'd0; a_len <= 16'd0; a_left <= 16'd@MAX@; a_bad <= 1'b0; a_start <= wr;
        if (p_v && slot_free) begin a_q <= p_q; gs <= G_TAKE; end
      end
      G_TAKE: gs <= G_WAIT;
      G_WAIT: if (td_valid) begin
        if (td_ok) begin
          d_addr <= td_desc[@DADDR@]; d_len <= td_desc[@DLEN@];
          d_need <= {1'b0, td_desc[@DLEN16@]} + 17'd16;
          // too long: this buffer alone, or the frame with it
          d_big <= td_desc[@DLENHI@] != 16'd0 || td_desc[@DLEN16@] > a_left;
          a_eop <= td_desc[@EOP@]; a_bad <= a_bad | td_desc[@BAD@];
          if (a_nd == 6'd0) a_idx <= td_index;
          a_nd <= a_nd + 1'b1;
          gs <= G_ROOM;
        end else if (a_nd == 6'd0) gs <= G_IDLE;   // gone meanwhile
        else gs <= G_TAKE;                          // the frame's rest is coming
      end
      G_ROOM: begin
        if (d_big) begin
          // too long: end the frame here, marked bad
          err_valid <= 1'b1; a_bad <= 1'b1; a_eop <= 1'b1; gs <= G_FIN;
        end else if (d_len != 32'd0) gs <= G_CMD;
        else if (a_eop) gs <= G_FIN;
        else if (a_nd == 6'd@CACHE@) begin err_valid <= 1'b1; a_bad <= 1'b1; gs <= G_FIN; end
        else gs <= G_TAKE;
      end
      G_CMD: if (c_valid) begin
        if (c_ready) begin
          c_valid <= 1'b0;
          wr <= wr + d_len[15:0]; a_len <= a_len + d_len[15:0]; a_left <= a_left - d_len[15:0];
          if (a_eop || a_nd == 6'd@CACHE@) begin
            if (!a_eop) begin err_valid <= 1'b1; a_bad <= 1'b1; end
            gs <= G_FIN;
          end else gs <= G_TAKE;
        end
      end else if (room_ok) begin
        c_valid <= 1'b1; c_haddr <= d_addr; c_raddr <= wr[@A@-1:0]; c_len <= d_len[15:0];
        c_tag <= {3'd0, s_wp};
      end
      default: begin
        // G_FIN: the frame is gathered; the next starts on a word
        cm_valid <= 1'b1;
        s_start[s_wp] <= a_start[@A@-1:4]; s_len[s_wp] <= a_len; s_q[s_wp] <= a_q; s_bad[s_wp] <= a_bad;
        s_idx[s_wp] <= a_idx; s_nd[s_wp] <= a_nd;
        s_wl[s_wp] <= a_len[15:4] - {11'd0, a_len[3:0] == 4'd0};
        s_wn[s_wp] <= a_len[3:0] == 4'd0 ? 5'd16 : {1'b0, a_len[3:0]};
        s_z[s_wp] <= a_len == 16'd0;
        s_end[s_wp] <= {wr[@A@:4] + {{(@A@-4){1'b0}}, wr[3:0] != 4'd0}, 4'd0};
        wr <= {wr[@A@:4] + {{(@A@-4){1'b0}}, wr[3:0] != 4'd0}, 4'd0};
        s_wp <= s_wp + 1'b1;
        rr <= a_q + 1'b1;
        gs <= G_IDLE;
      end
    endcase
    if (gs == G_IDLE && p_v && slot_free) begin
    end
    s_cnt <= s_cnt + {5'd0, gs == G_FIN} - {5'd0, cs == C_LOAD};
  end
end
// ---- per-slot counts: reads issued, statuses seen (registered first;
// the tag is the slot), worst response, refused reads; done flags. Each
// slot's logic reads its own flip-flops (no slot multiplexer).
wire ev_new = gs == G_IDLE && p_v && slot_free;
wire ev_cmd = gs == G_CMD && c_valid && c_ready;
integer k;
always @(posedge clock) begin
  st_v <= !rst && st_valid; st_t <= st_tag[4:0]; st_r <= st_resp;
  for (k = 0; k < 32; k = k + 1) begin
    if (ev_new && s_wp == k[4:0]) begin
      s_cmds[k] <= 6'd0; s_seen[k] <= 6'd0; s_worst[k] <= 2'd0; s_fcnt[k] <= 8'd0; s_dn[k] <= 1'b0;
    end else begin
      if (ev_cmd && s_wp == k[4:0]) s_cmds[k] <= s_cmds[k] + 1'b1;
      if (st_v && st_t == k[4:0]) begin
        s_seen[k] <= s_seen[k] + 1'b1;
        s_worst[k] <= s_worst[k] | st_r;
        if (st_r != 2'd0 && s_fcnt[k] != 8'hff) s_fcnt[k] <= s_fcnt[k] + 1'b1;
      end
      s_dn[k] <= s_fin[k] && s_seen[k] == s_cmds[k];
    end
    // gathered: set at FIN, cleared when the slot is opened
    if (rst || (ev_new && s_wp == k[4:0])) s_fin[k] <= 1'b0;
    else if (gs == G_FIN && s_wp == k[4:0]) s_fin[k] <= 1'b1;
  end
end
// ---- word reader: frames in slot order, a word a clock into the queue
always @(posedge clock) begin
  r_pend <= 1'b0;
  if (rst) begin
    s_rd <= 5'd0; w_run <= 1'b0;
  end else if (!w_run) begin
    if (h_ready) begin
      // a refused or empty frame sends nothing: one empty queue entry
      w_run <= 1'b1; w_slot <= s_rd; w_q <= s_q[s_rd]; w_bad <= s_bad[s_rd];
      w_addr <= s_start[s_rd];
      if (h_bad || s_z[s_rd]) begin w_left <= 12'd0; w_lastn <= 5'd0; end
      else begin w_left <= s_wl[s_rd]; w_lastn <= s_wn[s_rd]; end
      s_rd <= s_rd + 1'b1;
    end
  end else if (w_issue) begin
    r_pend <= 1'b1; r_slot <= w_slot; r_q <= w_q; r_bad <= w_bad;
    r_last <= w_left == 12'd0; r_n <= w_left == 12'd0 ? w_lastn : 5'd16;
    rd_word <= mem[w_addr];
    w_addr <= w_addr + 1'b1; w_left <= w_left - 1'b1;
    if (w_left == 12'd0) w_run <= 1'b0;
  end
end
always @(posedge clock) begin
  if (rst) begin
    wq_wp <= 2'd0; wq_rp <= 2'd0; wq_cnt <= 3'd0; half <= 1'b0; m_axis_tvalid <= 1'b0;
    dq_wp <= 5'd0;
  end else begin
    if (r_pend) begin
      wq_d[wq_wp] <= rd_word; wq_s[wq_wp] <= r_slot; wq_n[wq_wp] <= r_n; wq_l[wq_wp] <= r_last;
      wq_q[wq_wp] <= r_q; wq_b[wq_wp] <= r_bad; wq_wp <= wq_wp + 1'b1;
      wq_z[wq_wp] <= r_n == 5'd0; wq_t[wq_wp] <= r_n > 5'd8;
    end
    wq_cnt <= wq_cnt + {2'd0, r_pend} - {2'd0, e_pop};
    if (e_pop) begin wq_rp <= wq_rp + 1'b1; half <= 1'b0; end
    else if (e_beat) half <= 1'b1;
    if (e_free) m_axis_tvalid <= e_beat;
    if (e_beat) begin
      m_axis_tdata <= half ? wq_d[wq_rp][127:64] : wq_d[wq_rp][63:0];
      m_axis_tkeep <= kmask(half ? wq_n[wq_rp] - 5'd8 : wq_n[wq_rp]);
      m_axis_tlast <= wq_l[wq_rp] && (half || !e_two);
      m_axis_tdest <= wq_q[wq_rp]; m_axis_tuser <= wq_b[wq_rp];
    end
    if (e_done) begin dq[dq_wp] <= wq_s[wq_rp]; dq_wp <= dq_wp + 1'b1; end
  end
end
function [7:0] kmask(input [4:0] n);
  kmask = n >= 5'd8 ? 8'hff : (8'd1 << n[2:0]) - 8'd1;
endfunction
// ---- completion stage (frames in order; a frame is done once its last
// beat is in the output register, so the record waits for that beat)
always @(posedge clock) begin
  rt_valid <= 1'b0;
  if (rst) begin
    cs <= C_IDLE; dq_rp <= 5'd0; dq_cnt <= 6'd0; req_valid <= 1'b0; fr <= {(@A@+1){1'b0}};
  end else begin
    dq_cnt <= dq_cnt + {5'd0, e_done} - {5'd0, cs == C_IDLE && dq_cnt != 6'd0 && !(m_axis_tvalid && !m_axis_tready)};
    case (cs)
      C_IDLE: if (dq_cnt != 6'd0 && !(m_axis_tvalid && !m_axis_tready)) begin
        k_slot <= dq[dq_rp]; dq_rp <= dq_rp + 1'b1; cs <= C_LOAD;
      end
      C_LOAD: begin
        k_len <= s_len[k_slot]; k_q <= s_q[k_slot]; k_idx <= s_idx[k_slot]; k_nd <= s_nd[k_slot];
        k_worst <= s_worst[k_slot]; k_fcnt <= s_fcnt[k_slot]; k_end <= s_end[k_slot];
        cs <= C_REQ;
      end
      default: if (!req_valid) begin
        req_valid <= 1'b1; req_cq <= q_cq[k_q][@CQB@-1:0]; req_rec <= rec;
        rt_valid <= 1'b1; rt_q <= k_q; rt_n <= {2'd0, k_nd};
        fr <= k_end;
      end else if (req_ready) begin req_valid <= 1'b0; cs <= C_IDLE; end
    endcase
  end
end
always @(posedge clock) idle <= !rst && s_cnt == 6'd0 && gs == G_IDLE && !w_run && wq_cnt == 3'd0
                               && !m_axis_tvalid && dq_cnt == 6'd0 && cs == C_IDLE;
// (the other engines' cfg words, the tag's high bits, the descriptor's other bits)
wire unused_ok = ^{cfg, st_tag[7:5], td_desc, ram_wr_addr[3:0], d_len[31:16], a_start[@A@], a_start[3:0]};
";

impl<const A: usize> TxCore<A> {
    /// The transmit engine's control for `map`'s transmit rings.
    pub fn new(map: &RegMap) -> Self {
        TxCore {
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
            rt_valid: Default::default(),
            rt_q: Default::default(),
            rt_n: Default::default(),
            q_avail: Default::default(),
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
            m_axis_tdata: Default::default(),
            m_axis_tkeep: Default::default(),
            m_axis_tvalid: Default::default(),
            m_axis_tready: Default::default(),
            m_axis_tlast: Default::default(),
            m_axis_tuser: Default::default(),
            m_axis_tdest: Default::default(),
            req_valid: Default::default(),
            req_ready: Default::default(),
            req_cq: Default::default(),
            req_rec: Default::default(),
            err_valid: Default::default(),
            idle: Default::default(),
            _body: Self::verilog(map),
        }
    }

    /// The body for `map`.
    pub fn verilog(map: &RegMap) -> String {
        assert_eq!(A, TX_BUFFER_BITS, "transmit buffer of 2^{A} bytes");
        let sel: String = (0..RINGS)
            .map(|q| {
                let w = DmaRegs::cfg_word(map, &format!("txq.Q{q}_CTRL"))
                    .unwrap_or_else(|| panic!("txq.Q{q}_CTRL"));
                format!("assign q_cq[{q}] = cfg[{}:{}];\n", 32 * w + 23, 32 * w + 16)
            })
            .collect();
        let range = |l: &ferronic_regmap::dma::Layout, f: &str| {
            let f = l.field(f);
            format!("{}:{}", f.bit + f.bits - 1, f.bit)
        };
        let flag = |bit: u16| {
            let f = DESCRIPTOR.field("FLAGS");
            (f.bit + bit.trailing_zeros()).to_string()
        };
        let fields = [
            ("QUEUE", "{{(16-@QB@){1'b0}}, k_q}"),
            ("INDEX", "k_idx"),
            ("LEN", "k_fault ? 32'd0 : {16'd0, k_len}"),
            ("DESC_COUNT", "{10'd0, k_nd}"),
            ("FLAGS", "{7'd0, k_fault, 8'd0}"),
            ("FAULT_INDEX", "k_fault ? k_idx : 16'd0"),
            ("FAULT_RESP", "k_worst"),
            ("FAULT_COUNT", "k_fcnt"),
        ];
        assert_eq!(cpl_flags::FAULT, 1 << 8);
        let rec: String = fields
            .iter()
            .map(|(f, e)| format!("  rec[{}] = {e};\n", range(&COMPLETION, f)))
            .collect();
        BODY.replace("@SEL@", &sel)
            .replace("@REC@", &rec)
            .replace("@DADDR@", &range(&DESCRIPTOR, "ADDR"))
            .replace("@DLEN@", &range(&DESCRIPTOR, "LEN"))
            .replace("@DLEN16@", &{
                let f = DESCRIPTOR.field("LEN");
                format!("{}:{}", f.bit + 15, f.bit)
            })
            .replace("@DLENHI@", &{
                let f = DESCRIPTOR.field("LEN");
                assert_eq!(f.bits, 32, "descriptor LEN of 32 bits");
                format!("{}:{}", f.bit + 31, f.bit + 16)
            })
            .replace("@EOP@", &flag(desc_flags::EOP))
            .replace("@BAD@", &flag(desc_flags::BAD))
            .replace("@MAX@", &crate::MAX_FRAME.to_string())
            .replace("@N@", &RINGS.to_string())
            .replace("@QB@", &RING_BITS.to_string())
            .replace("@CQB@", &CQ_BITS.to_string())
            .replace("@CACHE@", &(1usize << CACHE_BITS).to_string())
            .replace("@A@", &A.to_string())
    }
}

impl<const A: usize> Logic for TxCore<A> {
    fn update(&mut self) {
        self.tk_valid.next = false;
        self.tk_q.next = 0.into();
        self.cm_valid.next = false;
        self.cm_q.next = 0.into();
        self.rt_valid.next = false;
        self.rt_q.next = 0.into();
        self.rt_n.next = 0.into();
        self.c_valid.next = false;
        self.c_haddr.next = 0.into();
        self.c_raddr.next = 0.into();
        self.c_len.next = 0.into();
        self.c_tag.next = 0.into();
        self.m_axis_tdata.next = 0.into();
        self.m_axis_tkeep.next = 0.into();
        self.m_axis_tvalid.next = false;
        self.m_axis_tlast.next = false;
        self.m_axis_tuser.next = false;
        self.m_axis_tdest.next = 0.into();
        self.req_valid.next = false;
        self.req_cq.next = 0.into();
        self.req_rec.next = 0.into();
        self.err_valid.next = false;
        self.idle.next = false;
    }

    fn connect(&mut self) {
        self.tk_valid.connect();
        self.tk_q.connect();
        self.cm_valid.connect();
        self.cm_q.connect();
        self.rt_valid.connect();
        self.rt_q.connect();
        self.rt_n.connect();
        self.c_valid.connect();
        self.c_haddr.connect();
        self.c_raddr.connect();
        self.c_len.connect();
        self.c_tag.connect();
        self.m_axis_tdata.connect();
        self.m_axis_tkeep.connect();
        self.m_axis_tvalid.connect();
        self.m_axis_tlast.connect();
        self.m_axis_tuser.connect();
        self.m_axis_tdest.connect();
        self.req_valid.connect();
        self.req_cq.connect();
        self.req_rec.connect();
        self.err_valid.connect();
        self.idle.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(self._body.clone())
    }
}
