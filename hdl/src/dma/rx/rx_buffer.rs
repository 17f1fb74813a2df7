//! `RxBuffer`: the receive frame buffer between the datapath and the DMA
//! engine. A MAC cannot be back-pressured (PG210's `rx_axis` has no
//! `tready`), so frames from `nic_core`'s `m_axis` wait here in on-chip RAM
//! until the engine has a host buffer for them; when the RAM or the frame
//! queue is full the frame is dropped **whole** (never truncated into the
//! next one) and reported on `drop_*` for the per-queue counters.
//!
//! * **Input** `s_axis_*` (64-bit AXI4-Stream, byte 0 in bits 7:0, `tkeep`
//!   contiguous from lane 0): `tready` is 1 out of reset, always. `tdest`
//!   (`Q` bits, the RSS queue) and `hash` (32-bit Toeplitz hash) are
//!   sampled on a frame's first beat; `tuser` (6 bits) and `tag` (64-bit
//!   migrated DSA tag) on its `tlast` beat (as `nic_core` drives them).
//!   The beat is registered twice, then written to the RAM.
//! * **RAM**: 2^`A` bytes (`A` <= 16) as words of `K` bytes (the DMA bus
//!   width); each frame starts on a word, 8-byte beats fill a word lane by
//!   lane (`K / 8` beats a word). Words are used as a ring; a word is
//!   written only when the ring had at least 2 free words one clock
//!   earlier, so the largest frame kept is `2^A - 2 K` bytes.
//! * **Drops**: a frame is dropped when a word it needs has no room, or
//!   when at its `tlast` the 64-entry frame queue may be full; the words
//!   it wrote are given back at once (the write pointer returns to the
//!   frame's start). `drop_valid` pulses for one clock, 2 clocks after the
//!   dropped frame's `tlast` beat, with `drop_queue` = its `tdest`.
//! * **Output** `m_frame_*` (valid/ready, registered): per kept frame, in
//!   arrival order: `addr` (RAM byte address of its first byte, a word
//!   boundary), `len` (bytes, 1..65,535; 0 for a frame of empty beats),
//!   `queue`, `tuser`, `tag`, `hash`, and `end`, the release token (the
//!   ring position after its last word, `A + 1` bits with a wrap bit).
//! * **Release**: `rel_valid` with `rel_end` = a delivered frame's `end`
//!   frees every word up to it (frames are released in delivery order;
//!   the engine releases a frame once its last host write is answered, so
//!   the page-fault fallback can write it again). Freed words are reused
//!   2 clocks later.
//! * **RAM read port** for the write mover ([`crate::dma::dma_write`]):
//!   `ram_rd_addr` (byte address, low log2(`K`) bits ignored),
//!   `ram_rd_data` (the word, byte `i` in bits `8i+7..8i`) **2 clocks
//!   later** (read latency 2: the RAM is read every clock in banks of 512
//!   words, [`crate::dma::bank_ram`]; `ram_rd_en` is not needed and
//!   ignored). RAM addresses wrap at 2^`A`, as the mover's do, so a
//!   frame that wraps the ring is one command.
//!
//! Timing: every decision reads flip-flops (the room and queue-room flags
//! are registered one clock early, hence the 2-word and 2-entry margins);
//! the frame queue's block RAM output is copied into a register with no
//! logic between, then into the output register; a read starts only
//! when that stage is empty, so a frame leaves the queue every 3 clocks
//! at most (a minimum frame lasts 10.5 at line rate).
//!
//! Custom Verilog; the Rust `update()` only keeps the outputs idle (this
//! block is simulated in Verilator, `sim/tests/rx_buffer/`).

use crate::dma::bank_ram::{banked, Addr, Lane};
use rust_hdl::prelude::*;

/// Frames the buffer's queue holds (kept, not yet delivered), at most.
pub const RX_FRAMES: usize = 64;

/// Receive frame buffer of 2^`A` bytes in `D`-bit words (`K` = `D / 8`
/// bytes) for a `Q`-bit queue number; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct RxBuffer<const D: usize, const K: usize, const A: usize, const Q: usize> {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub s_axis_tdata: Signal<In, Bits<64>>,
    pub s_axis_tkeep: Signal<In, Bits<8>>,
    pub s_axis_tvalid: Signal<In, Bit>,
    pub s_axis_tready: Signal<Out, Bit>,
    pub s_axis_tlast: Signal<In, Bit>,
    pub s_axis_tuser: Signal<In, Bits<6>>,
    pub s_axis_tag: Signal<In, Bits<64>>,
    pub s_axis_tdest: Signal<In, Bits<Q>>,
    pub s_axis_hash: Signal<In, Bits<32>>,
    pub m_frame_valid: Signal<Out, Bit>,
    pub m_frame_ready: Signal<In, Bit>,
    pub m_frame_addr: Signal<Out, Bits<A>>,
    pub m_frame_len: Signal<Out, Bits<16>>,
    pub m_frame_queue: Signal<Out, Bits<Q>>,
    pub m_frame_tuser: Signal<Out, Bits<6>>,
    pub m_frame_tag: Signal<Out, Bits<64>>,
    pub m_frame_hash: Signal<Out, Bits<32>>,
    pub m_frame_end: Signal<Out, Bits<17>>,
    pub rel_valid: Signal<In, Bit>,
    pub rel_end: Signal<In, Bits<17>>,
    pub ram_rd_en: Signal<In, Bit>,
    pub ram_rd_addr: Signal<In, Bits<A>>,
    pub ram_rd_data: Signal<Out, Bits<D>>,
    pub drop_valid: Signal<Out, Bit>,
    pub drop_queue: Signal<Out, Bits<Q>>,
}

/// The body. Tokens: `@DW@` word bits, `@LB@` log2 bytes a word, `@P@`
/// beats a word, `@LPM1@` lane-counter msb, `@WWM1@` ring-pointer msb (a
/// word index plus the wrap bit), `@WIM1@` word-index msb, `@DEPTH@` words,
/// `@QM1@`, `@MWM1@` queue-entry msb, `@RAM@` the banked RAM.
const BODY: &str = "\
// ---- input register
reg i_v; reg i_last; reg [63:0] i_data; reg [7:0] i_keep; reg [5:0] i_user;
reg [63:0] i_tag; reg [@QM1@:0] i_dest; reg [31:0] i_hash;
always @(posedge clock) begin
  i_v <= !rst && s_axis_tvalid;
  s_axis_tready <= !rst;
  i_last <= s_axis_tlast; i_data <= s_axis_tdata; i_keep <= s_axis_tkeep;
  i_user <= s_axis_tuser; i_tag <= s_axis_tag; i_dest <= s_axis_tdest; i_hash <= s_axis_hash;
end
function [3:0] kcount(input [7:0] k);
  kcount = k[7] ? 4'd8 : k[6] ? 4'd7 : k[5] ? 4'd6 : k[4] ? 4'd5 :
           k[3] ? 4'd4 : k[2] ? 4'd3 : k[1] ? 4'd2 : {3'd0, k[0]};
endfunction
// ---- write side: wr, free: ring pointers (word index + wrap bit)
reg in_frame; reg dropping; reg [@LPM1@:0] lane;
reg [@WWM1@:0] wr; reg [@WWM1@:0] f_start; reg [@WWM1@:0] free;
reg [15:0] f_len; reg [@QM1@:0] f_dest; reg [31:0] f_hash;
// room: at least 2 free words one clock ago (wr rises by at most 1 a
// clock); after a drop wr falls back to the frame's start, so in the clock
// after it room_s (the same test for that start) stands in
reg room; reg room_s; reg rolled; reg mq_room;
wire first = !in_frame;
wire lane_end = lane == @LPM1@'d@PM1@;
wire [@QM1@:0] dest = first ? i_dest : f_dest;
wire [@WWM1@:0] start = first ? wr : f_start;
wire [15:0] len_now = (first ? 16'd0 : f_len) + {12'd0, kcount(i_keep)};
wire room_now = rolled ? room_s : room;
wire kill = i_v && ((!first && dropping) || (lane == @LPM1@'d0 && !room_now) || (i_last && !mq_room));
wire we = i_v && !(!first && dropping) && !(lane == @LPM1@'d0 && !room_now);
wire push = i_v && i_last && !kill;
wire [@WWM1@:0] used = wr - free;
wire [@WWM1@:0] used_s = start - free;
always @(posedge clock) begin
  room <= used <= @WWM1@'d@DEPTHM2@;
  room_s <= used_s <= @WWM1@'d@DEPTHM2@;
  rolled <= !rst && kill;
  if (rst) begin
    in_frame <= 1'b0; dropping <= 1'b0; lane <= @LPM1@'d0;
    wr <= @WWM1@'d0; free <= @WWM1@'d0; drop_valid <= 1'b0;
  end else begin
    drop_valid <= i_v && i_last && kill;
    if (rel_valid) free <= rel_end[@A@:@LB@];
    if (i_v) begin
      in_frame <= !i_last;
      dropping <= kill;
      lane <= (i_last || lane_end) ? @LPM1@'d0 : lane + 1'b1;
      if (kill) wr <= start;
      else if (i_last || lane_end) wr <= wr + 1'b1;
    end
  end
  if (i_v) begin
    f_len <= len_now;
    if (first) begin f_dest <= i_dest; f_hash <= i_hash; f_start <= wr; end
  end
  drop_queue <= dest;
end
// ---- the RAM: one write port (a lane at a time), one read port, in
// banks read every clock (latency 2; see bank_ram.rs). The write is
// registered once more (w_*): the drop and room decisions behind `we`
// then end at a flip-flop, not at the block RAMs' byte enables across the
// die; a frame is read only after its `tlast` has passed the frame queue
reg w_we; reg [@LPM1@:0] w_lane; reg [@WIM1@:0] w_wr; reg [63:0] w_data;
always @(posedge clock) begin
  w_we <= !rst && we; w_lane <= lane; w_wr <= wr[@WIM1@:0]; w_data <= i_data;
end
@RAM@always @(*) ram_rd_data = mem_out;
wire unused_ok = ^{ram_rd_en, ram_rd_addr[@LBM1@:0], rel_end[@LBM1@:0]@RELHI@};
// ---- frame queue: {start word, end, len, dest, tuser, tag, hash} in a
// block RAM read with its output register (bank_ram.rs: mq_bq, then
// mq_bo, with no logic between), and the output register loads from it. A read starts only when the fetch stage is empty, so
// its enable is a function of flip-flops alone (a frame every 3 clocks)
reg [5:0] mq_wp; reg [5:0] mq_rdp; reg [6:0] mq_cnt; reg pend; reg f_v;
// a frame's entry is written a clock after its push decision (mq_push,
// mq_entry: flip-flops, so the drop and room logic behind `push` ends
// here, not at the block RAM's write enable across the die), as its last
// data word is (w_we)
reg mq_push; reg [@MQW@-1:0] mq_entry;
always @(posedge clock) begin mq_push <= !rst && push; mq_entry <= @MQDATA@; end
wire o_take = !m_frame_valid || m_frame_ready;
wire f_move = f_v && o_take;
wire mq_rd = mq_cnt != 7'd0 && !pend && !f_v;
wire [6:0] mq_inc = mq_cnt + 7'd1; wire [6:0] mq_dec = mq_cnt - 7'd1;
// the queue's RAM: mq_out (= mq_r) holds the entry 2 clocks after mq_rd
@MQ@wire [@MWM1@:0] mq_r = mq_out[@MWM1@:0];@MQPAD@
always @(posedge clock) begin
  // mq_cnt rises by at most 1 a clock, and counts a push 2 clocks after
  // its decision (mq_push, then the count): 61 one clock ago leaves room
  // now for this push and the two not yet counted
  mq_room <= mq_cnt <= 7'd61;
  if (rst) begin
    mq_wp <= 6'd0; mq_rdp <= 6'd0; mq_cnt <= 7'd0; pend <= 1'b0; f_v <= 1'b0;
    m_frame_valid <= 1'b0;
  end else begin
    if (mq_push) mq_wp <= mq_wp + 1'b1;
    if (mq_rd) mq_rdp <= mq_rdp + 1'b1;
    // count +1 and -1 are ready before mq_push and mq_rd settle
    case ({mq_push, mq_rd})
      2'b10: mq_cnt <= mq_inc;
      2'b01: mq_cnt <= mq_dec;
      default: ;
    endcase
    pend <= mq_rd;
    f_v <= pend || (f_v && !f_move);
    if (o_take) m_frame_valid <= f_v;
  end
  if (f_move) begin
    {m_frame_addr, m_frame_end, m_frame_len, m_frame_queue, m_frame_tuser, m_frame_tag, m_frame_hash}
      <= {mq_r[@MWM1@:@SLO@], @LB@'d0, @ENDPAD@mq_r[@EHI@:@ELO@], @LB@'d0, mq_r[@LHI@:0]};
  end
end
";

impl<const D: usize, const K: usize, const A: usize, const Q: usize> RxBuffer<D, K, A, Q> {
    /// The block's Verilog body (also emitted standalone for the tests).
    pub fn verilog() -> String {
        assert_eq!(D, 8 * K, "D = 8 K");
        assert!(matches!(K, 8 | 16 | 32 | 64), "word of {K} bytes");
        let lb = K.trailing_zeros() as usize;
        assert!(A > lb + 2 && A <= 16, "RAM of 2^{A} bytes");
        let p = K / 8;
        let lpw = (p.trailing_zeros() as usize).max(1);
        let wi = A - lb; // word-index bits
        let depth = 1usize << wi;
        // queue entry: start (wi) | end (wi+1) | len 16 | dest Q | 6 | 64 | 32
        let lhi = 16 + Q + 6 + 64 + 32 - 1;
        let elo = lhi + 1;
        let ehi = elo + wi;
        let slo = ehi + 1;
        let mw = slo + wi;
        let lanes: Vec<Lane> = (0..p)
            .map(|l| Lane {
                en: format!("w_we && w_lane == {lpw}'d{l}"),
                hi: 64 * l + 63,
                lo: 64 * l,
                data: "w_data".into(),
            })
            .collect();
        let wr = Addr { sig: "w_wr", lo: 0 };
        let rd = Addr {
            sig: "ram_rd_addr",
            lo: lb,
        };
        let ram = banked("mem", D, depth, wr, &lanes, rd, "1'b1");
        // the frame queue, padded to whole bytes
        let mwp = mw.next_multiple_of(8);
        let pad = if mwp > mw {
            format!("{}'d0, ", mwp - mw)
        } else {
            String::new()
        };
        // the entry is registered (mq_entry) with its push (mq_push)
        let mq_data = format!(
            "{{{pad}start[{}:0], wr + 1'b1, len_now, dest, i_user, i_tag, first ? i_hash : f_hash}}",
            wi - 1
        );
        let entry = Lane {
            en: "mq_push".into(),
            hi: mwp - 1,
            lo: 0,
            data: "mq_entry".into(),
        };
        let (qw, qr) = (
            Addr {
                sig: "mq_wp",
                lo: 0,
            },
            Addr {
                sig: "mq_rdp",
                lo: 0,
            },
        );
        let mq = banked("mq", mwp, RX_FRAMES, qw, &[entry], qr, "mq_rd");
        let mq_pad = if mwp > mw {
            format!("\nwire unused_pad = ^mq_out[{}:{mw}];", mwp - 1)
        } else {
            String::new()
        };
        let (endpad, relhi) = if A < 16 {
            (
                format!("{}'d0, ", 16 - A),
                format!(", rel_end[16:{}]", A + 1),
            )
        } else {
            (String::new(), String::new())
        };
        BODY.replace("@RAM@", &ram)
            .replace("@MQW@", &mwp.to_string())
            .replace("@MQDATA@", &mq_data)
            .replace("@MQ@", &mq)
            .replace("@MQPAD@", &mq_pad)
            .replace("@ENDPAD@", &endpad)
            .replace("@RELHI@", &relhi)
            .replace("@DW@", &D.to_string())
            .replace("@LBM1@", &(lb - 1).to_string())
            .replace("@LB@", &lb.to_string())
            .replace("@LPM1@'d", &format!("{lpw}'d"))
            .replace("@LPM1@", &(lpw - 1).to_string())
            .replace("@PM1@", &(p - 1).to_string())
            .replace("@WWM1@'d", &format!("{}'d", wi + 1))
            .replace("@WWM1@", &wi.to_string())
            .replace("@WIM1@", &(wi - 1).to_string())
            .replace("@DEPTHM2@", &(depth - 2).to_string())
            .replace("@QM1@", &(Q - 1).to_string())
            .replace("@A@", &A.to_string())
            .replace("@MWM1@", &(mw - 1).to_string())
            .replace("@SLO@", &slo.to_string())
            .replace("@EHI@", &ehi.to_string())
            .replace("@ELO@", &elo.to_string())
            .replace("@LHI@", &lhi.to_string())
    }
}

impl<const D: usize, const K: usize, const A: usize, const Q: usize> Logic
    for RxBuffer<D, K, A, Q>
{
    fn update(&mut self) {
        self.s_axis_tready.next = false;
        self.m_frame_valid.next = false;
        self.m_frame_addr.next = 0.into();
        self.m_frame_len.next = 0.into();
        self.m_frame_queue.next = 0.into();
        self.m_frame_tuser.next = 0.into();
        self.m_frame_tag.next = 0.into();
        self.m_frame_hash.next = 0.into();
        self.m_frame_end.next = 0.into();
        self.ram_rd_data.next = 0.into();
        self.drop_valid.next = false;
        self.drop_queue.next = 0.into();
    }

    fn connect(&mut self) {
        self.s_axis_tready.connect();
        self.m_frame_valid.connect();
        self.m_frame_addr.connect();
        self.m_frame_len.connect();
        self.m_frame_queue.connect();
        self.m_frame_tuser.connect();
        self.m_frame_tag.connect();
        self.m_frame_hash.connect();
        self.m_frame_end.connect();
        self.ram_rd_data.connect();
        self.drop_valid.connect();
        self.drop_queue.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(Self::verilog())
    }
}
