//! `RxCore`: the receive engine's control (issue 13; DESIGN.md section
//! 7b). It takes frames from the receive buffer ([`crate::dma::rx_buffer`])
//! in arrival order, writes each into the next posted buffers of its RSS
//! queue's ring ([`crate::dma::desc_fetch`]) through the write mover
//! ([`crate::dma::dma_write`]), and once the writes are answered asks for
//! the completion ([`crate::dma::cpl_queue`]) and releases the frame.
//!
//! * **Attempts**: one at a time. A frame takes descriptors until their
//!   lengths cover it (a jumbo frame spans several; a descriptor of
//!   length 0 is used and skipped), one write per descriptor, then
//!   commits them. When its ring has nothing posted (or the engine or the
//!   ring is off, or the frame would need more than the 32 descriptors a
//!   ring's cache holds) the attempt gives its descriptors back (rollback)
//!   and the frame is dropped **whole**: `drop_valid`/`drop_queue`. A
//!   frame of length 0 is dropped the same way.
//! * **In flight**: 32 frame slots, retired in arrival order (the receive
//!   buffer frees words in that order). A slot is done when its attempt is
//!   fully issued and every write's status is back (the write tag is the
//!   slot).
//! * **Retire**: a done slot with every write answered OKAY asks for its
//!   completion (`req_*`: queue, first ring index, length, descriptors
//!   used, `tuser`, hash, migrated tag; [`ferronic_regmap::dma::COMPLETION`]),
//!   retires its descriptors (`rt_*`: the ring's `CONS`) and releases the
//!   frame (`rel_*`). A refused write (SLVERR/DECERR: a page fault) makes
//!   a fault record instead (flag bit 8, length 0, the refused attempt's
//!   descriptors, its worst response and refused-write count), and the
//!   frame is written again from the buffer into the next posted
//!   descriptors before any later frame retires, so nothing is lost and
//!   order is kept.
//! * **Completion queue** of ring `q`: `rxq.Q<q>_CTRL` bits 23:16 (low 4
//!   used).
//!
//! One frame of one descriptor takes 7 clocks to issue and 5 to retire
//! (a minimum frame lasts 10.5 clocks at 10G).
//!
//! Custom Verilog; simulated in Verilator with its neighbours
//! (`sim/tests/rx_engine/`).

use crate::dma::cpl_queue::CQ_BITS;
use crate::dma::desc_fetch::{CACHE_BITS, RINGS, RING_BITS};
use crate::dma::regs::{DmaRegs, DMA_CFG_BITS};
use ferronic_regmap::dma::{cpl_flags, COMPLETION, DESCRIPTOR};
use ferronic_regmap::RegMap;
use rust_hdl::prelude::*;

/// Receive frames in flight (written, not yet completed), at most.
pub const RX_SLOTS: usize = 32;

/// The receive engine's control for a receive buffer of 2^`A` bytes; see
/// the module documentation.
#[derive(LogicBlock)]
pub struct RxCore<const A: usize> {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub cfg: Signal<In, Bits<DMA_CFG_BITS>>,
    pub m_frame_valid: Signal<In, Bit>,
    pub m_frame_ready: Signal<Out, Bit>,
    pub m_frame_addr: Signal<In, Bits<A>>,
    pub m_frame_len: Signal<In, Bits<16>>,
    pub m_frame_queue: Signal<In, Bits<RING_BITS>>,
    pub m_frame_tuser: Signal<In, Bits<6>>,
    pub m_frame_tag: Signal<In, Bits<64>>,
    pub m_frame_hash: Signal<In, Bits<32>>,
    pub m_frame_end: Signal<In, Bits<17>>,
    pub rel_valid: Signal<Out, Bit>,
    pub rel_end: Signal<Out, Bits<17>>,
    pub tk_valid: Signal<Out, Bit>,
    pub tk_q: Signal<Out, Bits<RING_BITS>>,
    pub td_valid: Signal<In, Bit>,
    pub td_ok: Signal<In, Bit>,
    pub td_index: Signal<In, Bits<16>>,
    pub td_desc: Signal<In, Bits<128>>,
    pub cm_valid: Signal<Out, Bit>,
    pub cm_q: Signal<Out, Bits<RING_BITS>>,
    pub rb_valid: Signal<Out, Bit>,
    pub rb_q: Signal<Out, Bits<RING_BITS>>,
    pub rt_valid: Signal<Out, Bit>,
    pub rt_q: Signal<Out, Bits<RING_BITS>>,
    pub rt_n: Signal<Out, Bits<8>>,
    pub q_posted: Signal<In, Bits<RINGS>>,
    pub c_valid: Signal<Out, Bit>,
    pub c_ready: Signal<In, Bit>,
    pub c_haddr: Signal<Out, Bits<64>>,
    pub c_raddr: Signal<Out, Bits<A>>,
    pub c_len: Signal<Out, Bits<16>>,
    pub c_tag: Signal<Out, Bits<8>>,
    pub st_valid: Signal<In, Bit>,
    pub st_tag: Signal<In, Bits<8>>,
    pub st_resp: Signal<In, Bits<2>>,
    pub req_valid: Signal<Out, Bit>,
    pub req_ready: Signal<In, Bit>,
    pub req_cq: Signal<Out, Bits<CQ_BITS>>,
    pub req_rec: Signal<Out, Bits<256>>,
    pub drop_valid: Signal<Out, Bit>,
    pub drop_queue: Signal<Out, Bits<RING_BITS>>,
    pub fault_valid: Signal<Out, Bit>,
    pub idle: Signal<Out, Bit>,
    _body: String,
}

/// The body. Tokens: `@A@` buffer address bits, `@QB@` ring bits, `@N@`
/// rings, `@CQB@` completion-queue bits, `@CACHE@` descriptors a ring's
/// cache holds, `@SEL@` the ring-to-queue wires, `@DLEN@`/`@DADDR@` the
/// descriptor's fields, `@REC@` the completion record's fields.
const BODY: &str = "\
localparam N = @N@;
wire [7:0] q_cq [0:N-1];
@SEL@
// ---- slots: frame facts (written on arrival), attempt results
reg [@A@-1:0] s_addr [0:31]; reg [15:0] s_len [0:31]; reg [@QB@-1:0] s_q [0:31];
reg [5:0] s_user [0:31]; reg [63:0] s_tag [0:31]; reg [31:0] s_hash [0:31]; reg [16:0] s_end [0:31];
reg [15:0] s_idx [0:31]; reg [5:0] s_nd [0:31]; reg s_drop [0:31];
reg [5:0] s_cmds [0:31]; reg [5:0] s_seen [0:31]; reg [1:0] s_worst [0:31]; reg [7:0] s_fcnt [0:31];
reg [31:0] s_fin; reg [31:0] s_dn;
reg st_v; reg [4:0] st_t; reg [1:0] st_r;
reg [4:0] s_wp; reg [4:0] s_rp; reg [5:0] s_cnt;
// ---- issue: IDLE, TAKE, WAIT (the descriptor), CMD, ISSUE, FIN
localparam I_IDLE = 3'd0, I_TAKE = 3'd1, I_WAIT = 3'd2, I_CMD = 3'd3, I_ISSUE = 3'd4, I_FIN = 3'd5;
reg [2:0] is;
reg [4:0] a_slot; reg [@QB@-1:0] a_q; reg [@A@-1:0] a_raddr; reg [15:0] a_rem; reg [15:0] a_idx;
reg [5:0] a_nd; reg a_drop; reg [15:0] a_chunk;
reg [63:0] d_addr; reg [31:0] d_len;
reg retry_req;
wire slot_free = !s_cnt[5];
wire [15:0] chunk = (d_len[31:16] != 16'd0 || d_len[15:0] > a_rem) ? a_rem : d_len[15:0];
always @(*) begin
  m_frame_ready = !rst && is == I_IDLE && !retry_req && slot_free;
  tk_valid = is == I_TAKE; tk_q = a_q;
  cm_q = a_q; rb_q = a_q;
end
// ---- retire: IDLE (done?), LOAD (the head's facts), DEC, REQ (handed over)
localparam R_IDLE = 2'd0, R_LOAD = 2'd1, R_DEC = 2'd2, R_REQ = 2'd3;
reg [1:0] rs; reg h_done;
reg [@A@-1:0] r_addr; reg [15:0] r_len; reg [@QB@-1:0] r_q; reg [5:0] r_user; reg [63:0] r_tag;
reg [31:0] r_hash; reg [16:0] r_end; reg [15:0] r_idx; reg [5:0] r_nd; reg r_drop; reg [1:0] r_worst; reg [7:0] r_fcnt;
wire r_fault = r_worst != 2'd0;
reg [255:0] rec;
always @(*) begin
  rec = 256'd0;
@REC@
end
always @(posedge clock) begin
  cm_valid <= 1'b0; rb_valid <= 1'b0; rt_valid <= 1'b0; rel_valid <= 1'b0; drop_valid <= 1'b0;
  fault_valid <= 1'b0;
  h_done <= rs == R_IDLE && s_cnt != 6'd0 && s_dn[s_rp];
  if (rst) begin
    is <= I_IDLE; rs <= R_IDLE; s_wp <= 5'd0; s_rp <= 5'd0; s_cnt <= 6'd0;
    retry_req <= 1'b0; c_valid <= 1'b0; req_valid <= 1'b0;
  end else begin
    // ---- issue
    case (is)
      I_IDLE: begin
        a_nd <= 6'd0; a_drop <= 1'b0;
        if (retry_req) begin
          retry_req <= 1'b0;
          a_slot <= s_rp; a_q <= r_q; a_raddr <= r_addr; a_rem <= r_len;
          is <= I_TAKE;
        end else if (m_frame_valid && slot_free) begin
          a_slot <= s_wp; a_q <= m_frame_queue; a_raddr <= m_frame_addr; a_rem <= m_frame_len;
          s_wp <= s_wp + 1'b1;
          if (m_frame_len == 16'd0) begin a_drop <= 1'b1; is <= I_FIN; end
          else is <= I_TAKE;
        end
      end
      I_TAKE: is <= I_WAIT;
      I_WAIT: if (td_valid) begin
        if (td_ok) begin
          d_addr <= td_desc[@DADDR@]; d_len <= td_desc[@DLEN@];
          if (a_nd == 6'd0) a_idx <= td_index;
          a_nd <= a_nd + 1'b1;
          is <= I_CMD;
        end else if (q_posted[a_q] && a_nd != 6'd@CACHE@) is <= I_TAKE;
        else begin rb_valid <= 1'b1; a_drop <= 1'b1; is <= I_FIN; end
      end
      I_CMD: begin
        if (d_len == 32'd0) is <= I_TAKE;
        else begin
          c_valid <= 1'b1; c_haddr <= d_addr; c_raddr <= a_raddr; c_len <= chunk;
          c_tag <= {3'd0, a_slot}; a_chunk <= chunk;
          is <= I_ISSUE;
        end
      end
      I_ISSUE: if (c_ready) begin
        c_valid <= 1'b0;
        a_raddr <= a_raddr + a_chunk[@A@-1:0]; a_rem <= a_rem - a_chunk;
        if (a_rem == a_chunk) begin cm_valid <= 1'b1; is <= I_FIN; end
        else is <= I_TAKE;
      end
      default: begin
        // I_FIN: the attempt is issued
        s_idx[a_slot] <= a_idx; s_nd[a_slot] <= a_nd; s_drop[a_slot] <= a_drop;
        is <= I_IDLE;
      end
    endcase
    // ---- retire, in order
    case (rs)
      R_IDLE: if (h_done) rs <= R_LOAD;
      R_LOAD: begin
        r_addr <= s_addr[s_rp]; r_len <= s_len[s_rp]; r_q <= s_q[s_rp]; r_user <= s_user[s_rp];
        r_tag <= s_tag[s_rp]; r_hash <= s_hash[s_rp]; r_end <= s_end[s_rp]; r_idx <= s_idx[s_rp];
        r_nd <= s_nd[s_rp]; r_drop <= s_drop[s_rp]; r_worst <= s_worst[s_rp]; r_fcnt <= s_fcnt[s_rp];
        rs <= R_DEC;
      end
      R_DEC: begin
        if (r_drop) begin
          drop_valid <= 1'b1; drop_queue <= r_q;
          rel_valid <= 1'b1; rel_end <= r_end;
          s_rp <= s_rp + 1'b1;
          rs <= R_IDLE;
        end else begin
          req_valid <= 1'b1; req_cq <= q_cq[r_q][@CQB@-1:0]; req_rec <= rec;
          rt_valid <= 1'b1; rt_q <= r_q; rt_n <= {2'd0, r_nd};
          if (r_fault) begin
            // written again: the slot's attempt starts over
            fault_valid <= 1'b1;
            retry_req <= 1'b1;
          end else begin
            rel_valid <= 1'b1; rel_end <= r_end;
            s_rp <= s_rp + 1'b1;
          end
          rs <= R_REQ;
        end
      end
      default: if (req_ready) begin req_valid <= 1'b0; rs <= R_IDLE; end
    endcase
    s_cnt <= s_cnt + {5'd0, is == I_IDLE && !retry_req && m_frame_valid && slot_free}
                   - {5'd0, rs == R_DEC && (r_drop || !r_fault)};
  end
end
// ---- the frame's facts into the write slot: every clock while it is free
// (it holds nothing until s_wp passes it), so the slot RAMs' write enable
// is one flip-flop, not the arrival decision; the clock a frame is taken
// writes its facts last
always @(posedge clock)
  if (slot_free) begin
    s_addr[s_wp] <= m_frame_addr; s_len[s_wp] <= m_frame_len; s_q[s_wp] <= m_frame_queue;
    s_user[s_wp] <= m_frame_tuser; s_tag[s_wp] <= m_frame_tag; s_hash[s_wp] <= m_frame_hash;
    s_end[s_wp] <= m_frame_end;
  end
// ---- per-slot counts: writes issued, statuses seen (registered first;
// the tag is the slot), worst response, refused writes; done flags. Each
// slot's logic reads its own flip-flops (no slot multiplexer).
wire ev_new = is == I_IDLE && !retry_req && m_frame_valid && slot_free;
wire ev_cmd = is == I_ISSUE && c_ready;
wire ev_retry = rs == R_DEC && !r_drop && r_fault;
integer k;
always @(posedge clock) begin
  st_v <= !rst && st_valid; st_t <= st_tag[4:0]; st_r <= st_resp;
  for (k = 0; k < 32; k = k + 1) begin
    if ((ev_new && s_wp == k[4:0]) || (ev_retry && s_rp == k[4:0])) begin
      s_cmds[k] <= 6'd0; s_seen[k] <= 6'd0; s_worst[k] <= 2'd0; s_fcnt[k] <= 8'd0; s_dn[k] <= 1'b0;
    end else begin
      if (ev_cmd && a_slot == k[4:0]) s_cmds[k] <= s_cmds[k] + 1'b1;
      if (st_v && st_t == k[4:0]) begin
        s_seen[k] <= s_seen[k] + 1'b1;
        s_worst[k] <= s_worst[k] | st_r;
        if (st_r != 2'd0 && s_fcnt[k] != 8'hff) s_fcnt[k] <= s_fcnt[k] + 1'b1;
      end
      s_dn[k] <= s_fin[k] && s_seen[k] == s_cmds[k];
    end
    // issued: set at FIN, cleared on arrival and for a retry
    if (rst || (ev_new && s_wp == k[4:0]) || (ev_retry && s_rp == k[4:0])) s_fin[k] <= 1'b0;
    else if (is == I_FIN && a_slot == k[4:0]) s_fin[k] <= 1'b1;
  end
end
always @(posedge clock) idle <= !rst && s_cnt == 6'd0 && is == I_IDLE && rs == R_IDLE && !retry_req;
// (the other engines' cfg words, the tag's high bits, the descriptor's flags)
wire unused_ok = ^{cfg, st_tag[7:5], td_desc, r_len, r_addr};
";

impl<const A: usize> RxCore<A> {
    /// The receive engine's control for `map`'s receive rings.
    pub fn new(map: &RegMap) -> Self {
        RxCore {
            clock: Default::default(),
            rst: Default::default(),
            cfg: Default::default(),
            m_frame_valid: Default::default(),
            m_frame_ready: Default::default(),
            m_frame_addr: Default::default(),
            m_frame_len: Default::default(),
            m_frame_queue: Default::default(),
            m_frame_tuser: Default::default(),
            m_frame_tag: Default::default(),
            m_frame_hash: Default::default(),
            m_frame_end: Default::default(),
            rel_valid: Default::default(),
            rel_end: Default::default(),
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
            q_posted: Default::default(),
            c_valid: Default::default(),
            c_ready: Default::default(),
            c_haddr: Default::default(),
            c_raddr: Default::default(),
            c_len: Default::default(),
            c_tag: Default::default(),
            st_valid: Default::default(),
            st_tag: Default::default(),
            st_resp: Default::default(),
            req_valid: Default::default(),
            req_ready: Default::default(),
            req_cq: Default::default(),
            req_rec: Default::default(),
            drop_valid: Default::default(),
            drop_queue: Default::default(),
            fault_valid: Default::default(),
            idle: Default::default(),
            _body: Self::verilog(map),
        }
    }

    /// The body for `map`.
    pub fn verilog(map: &RegMap) -> String {
        assert!(A <= 16, "receive buffer of 2^{A} bytes");
        let sel: String = (0..RINGS)
            .map(|q| {
                let w = DmaRegs::cfg_word(map, &format!("rxq.Q{q}_CTRL"))
                    .unwrap_or_else(|| panic!("rxq.Q{q}_CTRL"));
                format!("assign q_cq[{q}] = cfg[{}:{}];\n", 32 * w + 23, 32 * w + 16)
            })
            .collect();
        let range = |l: &ferronic_regmap::dma::Layout, f: &str| {
            let f = l.field(f);
            format!("{}:{}", f.bit + f.bits - 1, f.bit)
        };
        // the record, field by field from the layout (PHASE is the
        // completion queue's)
        let fields = [
            ("QUEUE", "{{(16-@QB@){1'b0}}, r_q}".to_string()),
            ("INDEX", "r_idx".into()),
            ("LEN", "r_fault ? 32'd0 : {16'd0, r_len}".into()),
            ("DESC_COUNT", "{10'd0, r_nd}".into()),
            (
                "FLAGS",
                format!(
                    "{{7'd0, r_fault, 2'd0, r_user}} /* fault = {:#x} */",
                    cpl_flags::FAULT
                ),
            ),
            ("HASH", "r_hash".into()),
            ("TAG", "r_tag".into()),
            ("FAULT_INDEX", "r_fault ? r_idx : 16'd0".into()),
            ("FAULT_RESP", "r_worst".into()),
            ("FAULT_COUNT", "r_fcnt".into()),
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
            .replace("@N@", &RINGS.to_string())
            .replace("@QB@", &RING_BITS.to_string())
            .replace("@CQB@", &CQ_BITS.to_string())
            .replace("@CACHE@", &(1usize << CACHE_BITS).to_string())
            .replace("@A@", &A.to_string())
    }
}

impl<const A: usize> Logic for RxCore<A> {
    fn update(&mut self) {
        self.m_frame_ready.next = false;
        self.rel_valid.next = false;
        self.rel_end.next = 0.into();
        self.tk_valid.next = false;
        self.tk_q.next = 0.into();
        self.cm_valid.next = false;
        self.cm_q.next = 0.into();
        self.rb_valid.next = false;
        self.rb_q.next = 0.into();
        self.rt_valid.next = false;
        self.rt_q.next = 0.into();
        self.rt_n.next = 0.into();
        self.c_valid.next = false;
        self.c_haddr.next = 0.into();
        self.c_raddr.next = 0.into();
        self.c_len.next = 0.into();
        self.c_tag.next = 0.into();
        self.req_valid.next = false;
        self.req_cq.next = 0.into();
        self.req_rec.next = 0.into();
        self.drop_valid.next = false;
        self.drop_queue.next = 0.into();
        self.fault_valid.next = false;
        self.idle.next = false;
    }

    fn connect(&mut self) {
        self.m_frame_ready.connect();
        self.rel_valid.connect();
        self.rel_end.connect();
        self.tk_valid.connect();
        self.tk_q.connect();
        self.cm_valid.connect();
        self.cm_q.connect();
        self.rb_valid.connect();
        self.rb_q.connect();
        self.rt_valid.connect();
        self.rt_q.connect();
        self.rt_n.connect();
        self.c_valid.connect();
        self.c_haddr.connect();
        self.c_raddr.connect();
        self.c_len.connect();
        self.c_tag.connect();
        self.req_valid.connect();
        self.req_cq.connect();
        self.req_rec.connect();
        self.drop_valid.connect();
        self.drop_queue.connect();
        self.fault_valid.connect();
        self.idle.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(self._body.clone())
    }
}
