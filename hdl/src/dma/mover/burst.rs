//! Verilog shared by the two DMA movers ([`crate::dma::dma_write`],
//! [`crate::dma::dma_read`]): the command register, the per-command
//! arithmetic (beats, lane masks, rotation) and the burst generator that
//! splits a command into AXI4 INCR bursts (AMBA AXI4, ARM IHI 0022E,
//! A3.4.1: at most 256 beats, never across a 4 KiB boundary).
//!
//! The text is a template: `@NAME@` tokens are replaced by [`Geometry`]'s
//! numbers, so Verilog's own braces need no escaping.

/// The numbers of one mover instance.
#[derive(Clone, Copy, Debug)]
pub struct Geometry {
    /// Bus width in bytes (8, 16, 32 or 64).
    pub bytes: usize,
    /// Width of a byte address in the on-chip RAM, in bits.
    pub ram_bits: usize,
}

impl Geometry {
    /// log2 of the bus width in bytes.
    pub fn lb(&self) -> usize {
        self.bytes.trailing_zeros() as usize
    }

    /// log2 of the burst boundary: bursts start and end on multiples of
    /// `min(4096, 256 * bytes)` bytes, which keeps both AXI4 limits.
    pub fn lbnd(&self) -> usize {
        (self.lb() + 8).min(12)
    }

    /// Bits of a beat index inside one boundary window.
    pub fn nb(&self) -> usize {
        self.lbnd() - self.lb()
    }

    /// Replaces the tokens of `t` with this geometry's numbers.
    pub fn fill(&self, t: &str) -> String {
        assert!(
            matches!(self.bytes, 8 | 16 | 32 | 64),
            "bus width {} bytes",
            self.bytes
        );
        assert!(
            self.ram_bits > self.lb() + 1,
            "RAM of {} bits",
            self.ram_bits
        );
        let (b, lb, lbnd, nb) = (self.bytes, self.lb(), self.lbnd(), self.nb());
        t.replace("@B@", &b.to_string())
            .replace("@BM1@", &(b - 1).to_string())
            .replace("@DW@", &(8 * b).to_string())
            .replace("@LB@", &lb.to_string())
            .replace("@LBM1@", &(lb - 1).to_string())
            .replace("@LBND@", &lbnd.to_string())
            .replace("@LBNDM1@", &(lbnd - 1).to_string())
            .replace("@NB@", &nb.to_string())
            .replace("@NBM1@", &(nb - 1).to_string())
            .replace("@BNDB@", &(1usize << nb).to_string())
            .replace("@BNDBM1@", &((1usize << nb) - 1).to_string())
            .replace("@A@", &self.ram_bits.to_string())
            .replace("@AM1@", &(self.ram_bits - 1).to_string())
            .replace("@HLM1@", &((64 - lbnd) / 2 - 1).to_string())
            .replace("@HHM1@", &(64 - lbnd - (64 - lbnd) / 2 - 1).to_string())
            .replace("@PADNB@", &(17 - nb).to_string())
            .replace("@LEN8@", &zext("ax_tobnd_m1", nb, 8))
    }
}

/// `e` (of `from` bits) zero-extended to `to` bits, without a zero-width
/// replication.
fn zext(e: &str, from: usize, to: usize) -> String {
    if from == to {
        e.to_string()
    } else {
        format!("{{{{{}{{1'b0}}}}, {e}}}", to - from)
    }
}

/// Lane masks of the command in the command register: `<p>_fm` (lanes at
/// or above the first byte's lane `<p>_off`) and `<p>_lm` (lanes at or
/// below the last byte's lane `<p>_end`), for `p` = `h` (host) and `r`
/// (RAM).
pub fn masks(g: &Geometry, sides: &[&str]) -> String {
    let mut s = String::new();
    for p in sides {
        s.push_str(&format!(
            "reg [{m}:0] {p}_fm; reg [{m}:0] {p}_lm;\nalways @(*) begin\n",
            m = g.bytes - 1
        ));
        let (lb, top) = (g.lb(), g.bytes - 1);
        for i in 0..g.bytes {
            let fm = match i {
                0 => format!("({p}_off == {lb}'d0)"),
                _ if i == top => "1'b1".into(),
                _ => format!("({p}_off <= {lb}'d{i})"),
            };
            let lm = match i {
                0 => "1'b1".into(),
                _ if i == top => format!("({p}_end == {lb}'d{top})"),
                _ => format!("({p}_end >= {lb}'d{i})"),
            };
            s.push_str(&format!("  {p}_fm[{i}] = {fm}; {p}_lm[{i}] = {lm};\n"));
        }
        s.push_str("end\n");
    }
    s
}

/// The command register (`c_*` in, `c_ready` = empty) and the arithmetic
/// both movers derive from it: `h_off`/`r_off` (lane of the first byte in
/// host memory / RAM), `cmd_hm1`/`cmd_rm1` (beats the command touches in
/// host memory / RAM, less one: registered with the command).
/// Expects `take` (the command leaves the register this clock): a
/// register, set by [`TAKE`].
pub const COMMAND: &str = "\
// ---- command register
reg cmd_full; reg [63:0] cmd_haddr; reg [@AM1@:0] cmd_raddr; reg [@LBM1@:0] cmd_len; reg [7:0] cmd_tag;
reg [16:0] cmd_hm1;
wire [16:0] c_hsum = {1'b0, c_len} + {@PADLB@'d0, c_haddr[@LBM1@:0]} - 17'd1;
@READY@
always @(posedge clock) begin
  if (rst) cmd_full <= 1'b0;
  else if (!cmd_full) cmd_full <= c_valid;
  else if (take) cmd_full <= 1'b0;
@READY_NEXT@end
// data registers have no reset (a reset net reaching every flip-flop is
// a long route on an FPGA); the valid flags above qualify them
always @(posedge clock) if (!cmd_full) begin
  cmd_haddr <= c_haddr; cmd_raddr <= c_raddr; cmd_len <= c_len[@LBM1@:0]; cmd_tag <= c_tag;
  cmd_hm1 <= c_hsum >> @LB@;
end
wire [@LBM1@:0] h_off = cmd_haddr[@LBM1@:0];
wire [@LBM1@:0] r_off = cmd_raddr[@LBM1@:0];
";

/// `c_ready` as `!cmd_full` (the default): (declaration, next state).
pub const READY_SHARED: (&str, &str) = ("always @(*) c_ready = !cmd_full;", "");

/// `c_ready` from a flip-flop of its own, always equal to `!cmd_full`:
/// `cmd_full` also enables the command's ~100 data flip-flops, and that
/// net pulled between them and the client's accept logic (TxCore's) was
/// TxEngine's slowest path on ECP5 (5 ns of routing); the copy can sit by
/// the client. Only where it pays: in DescFetch alone the same copy moved
/// placement so that its own path lost 30 MHz. (declaration, next state)
pub const READY_FF: (&str, &str) = (
    "(* keep *) reg cmd_free;\nalways @(*) c_ready = cmd_free;",
    "  if (rst) cmd_free <= 1'b1;\n  else if (cmd_free) cmd_free <= !c_valid;\n  else if (take) cmd_free <= 1'b1;\n",
);

/// `take` as a register: set for one clock when the command register is
/// full, the burst generator idle and `@QFULL@` (the mover's queue) not
/// full; the wide loads it enables then hang off a flip-flop.
pub const TAKE: &str = "\
reg take;
always @(posedge clock) take <= !rst && cmd_full && !take && !ax_busy && !@QFULL@;
";

/// The write mover's `h_end`.
pub const HOST_SIDE: &str = "wire [@LBM1@:0] h_end = h_off + cmd_len - 1'b1;\n";

/// The read mover's `r_end` and `cmd_rm1`.
pub const RAM_SIDE: &str = "\
reg [16:0] cmd_rm1;
wire [16:0] c_rsum = {1'b0, c_len} + {@PADLB@'d0, c_raddr[@LBM1@:0]} - 17'd1;
always @(posedge clock) if (!cmd_full) cmd_rm1 <= c_rsum >> @LB@;
wire [@LBM1@:0] r_end = r_off + cmd_len - 1'b1;
";

/// The burst generator for channel `@AX@` (`aw` or `ar`): loads on `take`
/// from the command register, then drives `m_axi_<ax>{addr,len,valid}` one
/// burst at a time while `@GUARD@` is 0; `ax_go` marks the clock a burst
/// is loaded and `ax_last` whether it ends the command.
///
/// Timing: `ax_go` loads only the output registers; the state moves on
/// the next clock (`ax_fired`, a register, so the wide state update hangs
/// off a flip-flop, not off logic). Everything `ax_go` reads is a
/// register: the address above the boundary window is two halves
/// (`ax_hl`, `ax_hh`) whose increments and the low half's all-ones flag
/// are registered, like the remaining-beats difference `ax_diff_q`; they
/// are valid a clock after the state changes, so the generator rests
/// (`ax_wait`) one clock after loading a command and two after a burst.
/// A burst every 3 clocks at most: one beat a clock for bursts of 3 beats
/// or more.
pub const BURSTS: &str = "\
// ---- burst generator
reg ax_busy; reg [1:0] ax_wait; reg ax_fired; reg ax_fired_last;
// the step to the next burst and the high half's increment, as flip-flops
// (their enables reach 90 flip-flops: a gate of ax_fired before them cost
// 5 ns of routing on ECP5)
reg ax_step; reg ax_step_hh;
reg [@HLM1@:0] ax_hl; reg [@HLM1@:0] ax_hl1; reg ax_hl_ones;
reg [@HHM1@:0] ax_hh; reg [@HHM1@:0] ax_hh1; reg [@NBM1@:0] ax_bidx;
reg [16:0] ax_left_m1; reg [@NB@:0] ax_tobnd; reg [@NBM1@:0] ax_tobnd_m1; reg [17:0] ax_diff_q;
wire ax_last = ax_diff_q[17];
// a burst is loaded only while the channel's valid is low, so `@AX@ready`
// reaches `@AX@valid` alone and the address and length registers load
// whenever valid is low (their enable is one flip-flop, not `ax_go`: its
// gates behind `@AX@ready` cost 4.6 ns of routing to their 70 enables on
// ECP5); after an accept valid is low a clock, within `ax_wait`'s rest
wire ax_go = ax_busy && (ax_wait == 2'd0) && !m_axi_@AX@valid && !(@GUARD@);
// constants, registered: an always @(*) with no inputs never runs in an
// event-driven simulator (Icarus)
always @(posedge clock) begin m_axi_@AX@size <= 3'd@LB@; m_axi_@AX@burst <= 2'd1; end
always @(posedge clock) begin
  if (rst) begin
    ax_busy <= 1'b0; ax_wait <= 2'd0; ax_fired <= 1'b0; m_axi_@AX@valid <= 1'b0;
    ax_step <= 1'b0; ax_step_hh <= 1'b0;
  end else begin
    if (ax_wait != 2'd0) ax_wait <= ax_wait - 1'b1;
    if (m_axi_@AX@ready) m_axi_@AX@valid <= 1'b0;
    ax_fired <= ax_go;
    ax_step <= ax_go && !ax_last;
    ax_step_hh <= ax_go && !ax_last && ax_hl_ones;
    if (ax_go) begin m_axi_@AX@valid <= 1'b1; ax_wait <= 2'd2; end
    if (ax_go && ax_last) ax_busy <= 1'b0;
    if (take) begin ax_busy <= 1'b1; ax_wait <= 2'd1; end
  end
end
always @(posedge clock) begin
  ax_hl1 <= ax_hl + 1'b1; ax_hh1 <= ax_hh + 1'b1; ax_hl_ones <= &ax_hl;
  ax_diff_q <= {1'b0, ax_left_m1} - {@PADNB@'d0, ax_tobnd};
  ax_fired_last <= ax_last;
  if (!m_axi_@AX@valid) begin
    m_axi_@AX@addr <= {ax_hh, ax_hl, ax_bidx, @LB@'d0};
    m_axi_@AX@len <= ax_last ? ax_left_m1[7:0] : @LEN8@;
  end
  if (ax_step) begin
    ax_left_m1 <= ax_diff_q[16:0]; ax_hl <= ax_hl1; ax_bidx <= @NB@'d0;
    ax_tobnd <= @NB1@'d@BNDB@; ax_tobnd_m1 <= @NB@'d@BNDBM1@;
  end
  if (ax_step_hh) ax_hh <= ax_hh1;
  if (take) begin
    {ax_hh, ax_hl} <= cmd_haddr[63:@LBND@]; ax_bidx <= cmd_haddr[@LBNDM1@:@LB@];
    ax_left_m1 <= cmd_hm1;
    ax_tobnd <= @NB1@'d@BNDB@ - {1'b0, cmd_haddr[@LBNDM1@:@LB@]};
    ax_tobnd_m1 <= @NB@'d@BNDBM1@ - cmd_haddr[@LBNDM1@:@LB@];
  end
end
";

/// [`COMMAND`], [`TAKE`] (queue full: `qfull`) and [`BURSTS`] for channel
/// `ax` with burst guard `guard`,
/// filled for `g`, plus the host lane masks (the write mover's `wstrb`);
/// `read` instead adds [`RAM_SIDE`] and the RAM lane masks (the read
/// mover writes the RAM by lanes).
pub fn front(
    g: &Geometry,
    ax: &str,
    guard: &str,
    qfull: &str,
    read: bool,
    ready_ff: bool,
) -> String {
    let (extra, sides): (&str, &[&str]) = if read {
        (RAM_SIDE, &["r"])
    } else {
        (HOST_SIDE, &["h"])
    };
    let (ready, ready_next) = if ready_ff { READY_FF } else { READY_SHARED };
    let t = format!("{COMMAND}{extra}{TAKE}{BURSTS}")
        .replace("@READY@", ready)
        .replace("@READY_NEXT@", ready_next)
        .replace("@AX@", ax)
        .replace("@GUARD@", guard)
        .replace("@QFULL@", qfull)
        .replace("@PADLB@", &(17 - g.lb()).to_string())
        .replace("@NB1@", &(g.nb() + 1).to_string());
    format!("{}{}", g.fill(&t), masks(g, sides))
}
