//! `DmaWrite`: the DMA engine's write mover. It copies `c_len` bytes from
//! the on-chip RAM at byte address `c_raddr` to host memory at `c_haddr`
//! through an AXI4 write master (`m_axi_aw*`, `m_axi_w*`, `m_axi_b*`), and
//! reports each command's worst response on `st_*`.
//!
//! * **Commands** (`c_valid`/`c_ready`, one register deep): any host
//!   address and RAM address (byte granular, the RAM address wraps at
//!   2^`A`), `c_len` 1..=65,535 bytes (0 is not allowed), `c_tag` returned
//!   with the status. Commands are carried out and reported in order.
//! * **Bursts**: INCR, `awsize` = the bus width, at most 256 beats and
//!   never across a 4 KiB boundary (AMBA AXI4, ARM IHI 0022E, A3.4.1):
//!   split at multiples of `min(4096, 256 * K)` bytes. Addresses are
//!   aligned to the bus; the first and last beat carry partial `wstrb`.
//!   Bursts stay outstanding until their B (up to [`WRITES_OUTSTANDING`]);
//!   `awid` is left to the parent (one ID: responses in order).
//! * **RAM read port**: `ram_rd_en` with `ram_rd_addr` (the byte address
//!   of a beat, low log2(`K`) bits 0) reads one `D`-bit beat, on
//!   `ram_rd_data` the next clock (a block RAM with registered address), or
//!   2 clocks later with [`DmaWrite::with_read_latency_2`].
//!   RAM beat `j` holds RAM bytes `K*j .. K*j+K-1`, byte `i` in bits
//!   `8i+7 .. 8i`, as on the AXI data bus.
//! * **Realignment**: with `h` = `c_haddr % K` and `r` = `c_raddr % K`,
//!   host beat `j` is the RAM beat pair (`j+d`, `j+d-1`) shifted by
//!   `K - (h - r) mod K` bytes, `d` = 1 when `r > h` (one RAM beat read
//!   ahead), in two register stages (whole 4-byte groups, then bytes).
//!   One beat a clock: a RAM read is issued only while at most 4 beats
//!   wait in the 8-entry W FIFO (3 more can be in the pipeline).
//! * **Status** (`st_valid` one clock, no back-pressure): `st_tag` and
//!   `st_resp`, the worst B response of the command's bursts (0 OKAY,
//!   2 SLVERR, 3 DECERR: a page fault). A refused burst's bytes are not
//!   written by a correct slave; the mover never retries.
//!
//! Throughput (one command at a time through the RAM pipeline): one W
//! beat a clock, across commands too (the next command loads as the last
//! beat of the current one issues); the AW side runs ahead of W by whole
//! commands (a 4-entry queue) and takes a command every 4 clocks at best.
//!
//! Custom Verilog; the Rust `update()` only keeps the outputs idle (this
//! block is simulated in Verilator, `sim/tests/dma_movers/`).

use crate::dma::burst::{front, Geometry};
use crate::dma::rotate::rotate_copies;
use rust_hdl::prelude::*;

/// Write bursts sent and not yet answered, at most (the 64-entry
/// tracker's count is a register, so it stops one short).
pub const WRITES_OUTSTANDING: usize = 63;

/// Write mover on a `D`-bit AXI4 bus (`K` = `D / 8` strobes) reading an
/// on-chip RAM of 2^`A` bytes; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct DmaWrite<const D: usize, const K: usize, const A: usize> {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub c_valid: Signal<In, Bit>,
    pub c_ready: Signal<Out, Bit>,
    pub c_haddr: Signal<In, Bits<64>>,
    pub c_raddr: Signal<In, Bits<A>>,
    pub c_len: Signal<In, Bits<16>>,
    pub c_tag: Signal<In, Bits<8>>,
    pub ram_rd_en: Signal<Out, Bit>,
    pub ram_rd_addr: Signal<Out, Bits<A>>,
    pub ram_rd_data: Signal<In, Bits<D>>,
    pub m_axi_awaddr: Signal<Out, Bits<64>>,
    pub m_axi_awlen: Signal<Out, Bits<8>>,
    pub m_axi_awsize: Signal<Out, Bits<3>>,
    pub m_axi_awburst: Signal<Out, Bits<2>>,
    pub m_axi_awvalid: Signal<Out, Bit>,
    pub m_axi_awready: Signal<In, Bit>,
    pub m_axi_wdata: Signal<Out, Bits<D>>,
    pub m_axi_wstrb: Signal<Out, Bits<K>>,
    pub m_axi_wlast: Signal<Out, Bit>,
    pub m_axi_wvalid: Signal<Out, Bit>,
    pub m_axi_wready: Signal<In, Bit>,
    pub m_axi_bresp: Signal<In, Bits<2>>,
    pub m_axi_bvalid: Signal<In, Bit>,
    pub m_axi_bready: Signal<Out, Bit>,
    pub st_valid: Signal<Out, Bit>,
    pub st_tag: Signal<Out, Bits<8>>,
    pub st_resp: Signal<Out, Bits<2>>,
    /// Built by [`DmaWrite::aligned`]: no realignment shifter.
    _aligned: bool,
    /// Built by [`DmaWrite::with_read_latency_2`].
    _lat2: bool,
}

/// The W side: the command queue from the AW side, the RAM read
/// pipeline (issue, RAM, rotate) and the W FIFO; then the B tracker.
const BODY: &str = "\
// ---- W command queue (4 entries), pushed on take
reg [16:0] wq_n [0:3]; reg wq_n1 [0:3]; reg [@BM1@:0] wq_fm [0:3]; reg [@BM1@:0] wq_lm [0:3];
reg [@LB@:0] wq_sh [0:3]; reg wq_d [0:3]; reg [@AM1@:0] wq_rp [0:3]; reg [@NBM1@:0] wq_bidx [0:3];
reg [2:0] wq_wp; reg [2:0] wq_rdp; reg [2:0] wq_cnt;
wire wq_empty = wq_cnt == 3'd0;
wire wq_full = wq_cnt[2];
// ---- B tracker: one entry {last, tag} per burst sent
reg bq_last [0:63]; reg [7:0] bq_tag [0:63]; reg [5:0] bq_wp; reg [5:0] bq_rdp; reg [6:0] bq_cnt;
// counts are registers: the guard sees last clock's count, so stop at 63;
// an entry is pushed the clock after its burst (ax_fired: ax_go fans out to
// the AW registers only), still before the next burst (3 clocks apart)
// and before its B (after the AW and W handshakes)
wire bq_full = bq_cnt[6] || (&bq_cnt[5:0]);
wire wq_pop;
reg [7:0] ax_tag;
wire [@LBM1@:0] rot = h_off - r_off;
always @(posedge clock) begin
  if (rst) begin wq_wp <= 3'd0; bq_wp <= 6'd0; wq_cnt <= 3'd0; bq_cnt <= 7'd0; end
  else begin
    wq_cnt <= wq_cnt + {2'd0, take} - {2'd0, wq_pop};
    bq_cnt <= bq_cnt + {6'd0, ax_fired} - {6'd0, m_axi_bvalid};
    if (take) wq_wp <= wq_wp + 1'b1;
    if (ax_fired) bq_wp <= bq_wp + 1'b1;
  end
end
always @(posedge clock) begin
  if (take) begin
    ax_tag <= cmd_tag;
    wq_n[wq_wp[1:0]] <= cmd_hm1; wq_n1[wq_wp[1:0]] <= cmd_hm1 == 17'd0;
    wq_fm[wq_wp[1:0]] <= h_fm; wq_lm[wq_wp[1:0]] <= h_lm;
    wq_sh[wq_wp[1:0]] <= {1'b1, @LB@'d0} - {1'b0, rot}; wq_d[wq_wp[1:0]] <= r_off > h_off;
    wq_rp[wq_wp[1:0]] <= {cmd_raddr[@AM1@:@LB@], @LB@'d0};
    wq_bidx[wq_wp[1:0]] <= cmd_haddr[@LBNDM1@:@LB@];
  end
  if (ax_fired) begin bq_last[bq_wp] <= ax_fired_last; bq_tag[bq_wp] <= ax_tag; end
end
// ---- W side: one command at a time
// w_left: beats left less one
reg w_busy; reg w_prime; reg w_first; reg w_end; reg [16:0] w_left; reg [@NBM1@:0] w_bidx;
reg [@AM1@:0] w_rp; reg [@BM1@:0] w_fm; reg [@BM1@:0] w_lm; reg [@LB@:0] w_sh;
// pipeline: s1 = RAM read in flight, s2 = RAM beat registered, s3 = coarse
// shift registered (s2_co), then the fine shift into the FIFO
reg s1_v; reg s1_prime; reg s1_last; reg [@BM1@:0] s1_strb; reg [@LB@:0] s1_sh;
@S1B@reg s2_v; reg s2_prime; reg s2_last; reg [@BM1@:0] s2_strb;
reg [@DW@-1:0] s2_data; reg [@DW@-1:0] s2_prev;
reg s3_v; reg s3_last; reg [@BM1@:0] s3_strb;
wire [2*@DW@-1:0] s2_cat = {s2_data, s2_prev};
@ROTATE@
reg [@DW@-1:0] f_data [0:7]; reg [@BM1@:0] f_strb [0:7]; reg f_last [0:7];
reg [3:0] f_wp; reg [3:0] f_rdp; reg [3:0] f_cnt; reg f_room;
// at most @ROOM@ beats queued: with s1..s3 (and s1b) and this read the
// FIFO's 8 suffice (f_room: the count after this clock is at most @ROOM@,
// registered)
wire issue = w_busy && f_room;
wire [3:0] f_next = f_cnt + {3'd0, f_push} - {3'd0, f_pop};
// the next command loads in the clock the last beat of this one issues,
// so commands follow each other with no idle clock
wire w_last_issue = issue && !w_prime && w_end;
assign wq_pop = (!w_busy || w_last_issue) && !wq_empty;
wire [@BM1@:0] w_strb = (w_first ? w_fm : {@B@{1'b1}}) & (w_end ? w_lm : {@B@{1'b1}});
wire f_push = s3_v; wire f_pop = m_axi_wvalid && m_axi_wready;
always @(*) begin
  ram_rd_en = issue; ram_rd_addr = w_rp;
  m_axi_wvalid = f_cnt != 4'd0;
  m_axi_wdata = f_data[f_rdp[2:0]]; m_axi_wstrb = f_strb[f_rdp[2:0]]; m_axi_wlast = f_last[f_rdp[2:0]];
end
always @(posedge clock) m_axi_bready <= 1'b1;
always @(posedge clock) begin
  if (rst) begin
    w_busy <= 1'b0; wq_rdp <= 3'd0; s1_v <= 1'b0; s2_v <= 1'b0; s3_v <= 1'b0;
    f_wp <= 4'd0; f_rdp <= 4'd0; f_cnt <= 4'd0; f_room <= 1'b1;
  end else begin
    s1_v <= issue;
    if (wq_pop) begin w_busy <= 1'b1; wq_rdp <= wq_rdp + 1'b1; end
    else if (w_last_issue) w_busy <= 1'b0;
    s2_v <= @SR@_v;
    s3_v <= s2_v && !s2_prime;
    if (f_push) f_wp <= f_wp + 1'b1;
    if (f_pop) f_rdp <= f_rdp + 1'b1;
    f_cnt <= f_next; f_room <= f_next <= 4'd@ROOM@;
  end
end
always @(posedge clock) begin
  if (issue) begin
    w_rp <= w_rp + @A@'d@B@;
    s1_prime <= w_prime; s1_sh <= w_sh; s1_strb <= w_strb;
    s1_last <= w_end || (w_bidx == {@NB@{1'b1}});
    if (w_prime) w_prime <= 1'b0;
    else begin
      w_first <= 1'b0; w_left <= w_left - 1'b1; w_bidx <= w_bidx + 1'b1;
      w_end <= w_left == 17'd1;
    end
  end
  if (wq_pop) begin
    w_first <= 1'b1;
    w_left <= wq_n[wq_rdp[1:0]]; w_end <= wq_n1[wq_rdp[1:0]];
    w_fm <= wq_fm[wq_rdp[1:0]]; w_lm <= wq_lm[wq_rdp[1:0]];
    w_sh <= wq_sh[wq_rdp[1:0]]; w_prime <= wq_d[wq_rdp[1:0]]; w_rp <= wq_rp[wq_rdp[1:0]];
    w_bidx <= wq_bidx[wq_rdp[1:0]];
  end
  if (@SR@_v) begin
    s2_data <= ram_rd_data; s2_prev <= s2_data;
    s2_prime <= @SR@_prime; s2_last <= @SR@_last; s2_strb <= @SR@_strb;
  end
  // unqualified (s3_v says when it holds a beat): no enable net
  s3_last <= s2_last; s3_strb <= s2_strb;
  if (f_push) begin
    f_data[f_wp[2:0]] <= s2_out; f_strb[f_wp[2:0]] <= s3_strb; f_last[f_wp[2:0]] <= s3_last;
  end
end
// ---- B: the worst response of each command's bursts
reg [1:0] b_acc;
wire [1:0] b_worst = (m_axi_bresp > b_acc) ? m_axi_bresp : b_acc;
always @(posedge clock) begin
  if (rst) begin
    bq_rdp <= 6'd0; b_acc <= 2'd0; st_valid <= 1'b0;
  end else begin
    st_valid <= m_axi_bvalid && bq_last[bq_rdp];
    if (m_axi_bvalid) begin
      bq_rdp <= bq_rdp + 1'b1;
      b_acc <= bq_last[bq_rdp] ? 2'd0 : b_worst;
    end
  end
end
always @(posedge clock) begin
  st_tag <= bq_tag[bq_rdp]; st_resp <= b_worst;
end
";

/// The RAM's second clock for [`DmaWrite::with_read_latency_2`]: the
/// read's facts wait a clock more.
const S1B: &str = "\
reg s1b_v; reg s1b_prime; reg s1b_last; reg [@BM1@:0] s1b_strb; reg [@LB@:0] s1b_sh;
always @(posedge clock) begin
  s1b_v <= !rst && s1_v; s1b_prime <= s1_prime; s1b_last <= s1_last; s1b_strb <= s1_strb; s1b_sh <= s1_sh;
end
";

/// The shifter's stand-in for [`DmaWrite::aligned`]: the RAM beat
/// registered once (the coarse stage's clock), so the W pipeline keeps
/// its length; `s2_prev` and the shift are left unread.
const PASS: &str = "\
reg [@DW@-1:0] s2_co; wire [@DW@-1:0] s2_out = s2_co;
always @(posedge clock) s2_co <= s2_data;
/* verilator lint_off UNUSEDSIGNAL */
wire unused_aligned = ^{s2_cat, @SR@_sh};
/* verilator lint_on UNUSEDSIGNAL */
";

impl<const D: usize, const K: usize, const A: usize> DmaWrite<D, K, A> {
    /// A mover without the realignment shifter, for a parent whose every
    /// command has `c_haddr % K == c_raddr % K` (the shift is then always
    /// a whole beat: each host beat is one RAM beat). The completion
    /// queues write 32-byte records from 32-byte RAM slots to 32-byte
    /// aligned host slots (`K` <= 32). Another command writes wrong
    /// bytes; nothing checks it.
    pub fn aligned() -> Self {
        DmaWrite {
            _aligned: true,
            ..Default::default()
        }
    }

    /// This mover for a RAM that answers a read 2 clocks after
    /// `ram_rd_en` (a register after the block RAMs' bank multiplexer):
    /// one more stage before the shifter, and a read is issued only while
    /// at most 3 beats wait in the W FIFO. Throughput is unchanged.
    pub fn with_read_latency_2(self) -> Self {
        DmaWrite {
            _lat2: true,
            ..self
        }
    }

    /// The block's Verilog body (also emitted standalone for the tests).
    pub fn verilog() -> String {
        Self::body(false, false)
    }

    /// The body with the shifter, or with [`PASS`] when `aligned`; for a
    /// RAM of read latency 2 when `lat2`.
    fn body(aligned: bool, lat2: bool) -> String {
        assert_eq!(D, 8 * K, "D = 8 K");
        let g = Geometry {
            bytes: K,
            ram_bits: A,
        };
        // the stage whose beat the RAM answers: s1 (latency 1) or s1b
        let sr = if lat2 { "s1b" } else { "s1" };
        let shifter = if aligned {
            PASS.to_string()
        } else {
            // a select copy per byte lane: in RxEngine the 8-copy
            // selects' nets (about 60 loads each) took 6.6 ns to reach
            // their multiplexers
            rotate_copies(&g, "s2", &format!("{sr}_v"), &format!("{sr}_sh"), K)
        };
        let body = BODY
            .replace("@ROTATE@", &shifter)
            .replace("@S1B@", if lat2 { S1B } else { "" })
            .replace("@SR@", sr)
            // beats in flight after a read: s1, (s1b,) s2, s3 and the read
            .replace("@ROOM@", if lat2 { "3" } else { "4" });
        format!(
            "{}{}",
            front(&g, "aw", "bq_full", "wq_full", false, false),
            g.fill(&body)
        )
    }
}

impl<const D: usize, const K: usize, const A: usize> Logic for DmaWrite<D, K, A> {
    fn update(&mut self) {
        self.c_ready.next = false;
        self.ram_rd_en.next = false;
        self.ram_rd_addr.next = 0.into();
        self.m_axi_awaddr.next = 0.into();
        self.m_axi_awlen.next = 0.into();
        self.m_axi_awsize.next = 0.into();
        self.m_axi_awburst.next = 0.into();
        self.m_axi_awvalid.next = false;
        self.m_axi_wdata.next = 0.into();
        self.m_axi_wstrb.next = 0.into();
        self.m_axi_wlast.next = false;
        self.m_axi_wvalid.next = false;
        self.m_axi_bready.next = false;
        self.st_valid.next = false;
        self.st_tag.next = 0.into();
        self.st_resp.next = 0.into();
    }

    fn connect(&mut self) {
        self.c_ready.connect();
        self.ram_rd_en.connect();
        self.ram_rd_addr.connect();
        self.m_axi_awaddr.connect();
        self.m_axi_awlen.connect();
        self.m_axi_awsize.connect();
        self.m_axi_awburst.connect();
        self.m_axi_awvalid.connect();
        self.m_axi_wdata.connect();
        self.m_axi_wstrb.connect();
        self.m_axi_wlast.connect();
        self.m_axi_wvalid.connect();
        self.m_axi_bready.connect();
        self.st_valid.connect();
        self.st_tag.connect();
        self.st_resp.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(Self::body(self._aligned, self._lat2))
    }
}
