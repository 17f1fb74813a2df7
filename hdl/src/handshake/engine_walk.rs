//! The TCP option walk and the decision of
//! [`crate::handshake::engine::HandshakeEngine`], as Verilog text.
//!
//! Linux's `tcp_parse_options` follows a chain: skip NOPs, read a kind
//! and a size, jump by the size. Done a byte at a time that chain is deep
//! (the previous walker found the next non-NOP byte, then selected a
//! kind, a size and 8 value bytes at a variable position, then added and
//! compared: 28 levels on xcup). Here every position's facts are computed
//! in parallel, registered, and the walk only follows pointers:
//!
//! * `w1` (loaded in the parse clock of every frame of 58 bytes or more,
//!   from the window's option bytes, which the next frame overwrites 6
//!   clocks later at the earliest; two such frames are 8 clocks apart at
//!   least, so w1 holds still for the two clocks after): for
//!   each option byte position j (0..39), the end of an option starting
//!   there (`j + 1` for a NOP, `j + size` otherwise) and how many NOPs
//!   (0..3, [`FREE_NOPS`]) start at j.
//! * the pick (the clock after): for each j, the NOP run at its end, a
//!   41:1 pick of 2 bits, registered alone.
//! * `w2` (the walker's first clock): for each j, `next` = the end plus
//!   that NOP run, `stop` (j at or beyond the options' end, EOL,
//!   a kind in the last byte, a size below 2 or beyond the end), and
//!   whether j starts an MSS (nonzero), window scale, SACK-permitted or
//!   timestamps option of its exact size.
//! * hops: [`MAX_HOPS`] clocks, one hop each: a 64:1 pick of `stop` and
//!   of each bit of `next` at the position (positions 40..63 are padding
//!   that stops), recording the position of the last option of each
//!   kind; the pointer moves on every hop, recording stops at the first
//!   stop. Options left after the last hop: the frame is passed
//!   to the host (the golden model, `ferronic_sim::model::handshake::
//!   parse_options`, uses these constants).
//! * at the walk's last clock the values are read at the recorded
//!   positions (one indexed part-select each) and the decision is made.
//!
//! Occupancy: 8 clocks a frame (go, `w2`, 6 hops); a frame of a class to
//! answer has at least 8 beats, so one walker serves back-to-back frames.

/// NOPs skipped for free after each option (and before the first); a
/// longer NOP run costs a hop per further NOP.
pub const FREE_NOPS: usize = 3;
/// Hops a walk makes: options (or NOPs beyond the free ones) walked; a
/// segment needing more is passed to the host unanswered.
pub const MAX_HOPS: usize = 6;
/// Option bytes a TCP header can carry.
const OPT_BYTES: usize = 40;

// the walker's step counter (3 bits) counts go, w2 and the hops
const _: () = assert!(MAX_HOPS + 2 == 8);
// w1_nops holds a NOP run in 2 bits (0..3)
const _: () = assert!(FREE_NOPS == 3);

/// Byte `j` of `v` (a 320-bit option vector), 0 beyond the options.
fn byte(v: &str, j: usize) -> String {
    if j < OPT_BYTES {
        format!("{v}[{}:{}]", 8 * j + 7, 8 * j)
    } else {
        "8'd0".to_string()
    }
}

/// The walker and decision; reads `p2_valid`, `p2_cand`, `p2_cf` (281
/// bits), `c_opts` (320, the window's option bytes), `j_doff` (4, the
/// TCP data offset in the parse clock), `p2_olen` (6) and `cl_class` (2);
/// drives `x_class`, `cf_head` (281: the carried fields of the frame whose
/// `y_class` is valid, from a 16-entry FIFO written
/// when a walk starts and popped two clocks after it ends, at most two
/// entries in use; the head is a register loaded from the FIFO's RAM every
/// clock, one clock behind the read pointer, so the pointer's fan-out into
/// the RAM's 281 bits and the cookie unit's compares that read the head
/// are in different clocks: the ECP5 critical path at 66.4 MHz on seed 1.
/// The entry is written at least 8 clocks, and the pointer moved at least
/// 8 clocks, before its read), `x_s` (88: {mss, mss_seen, ws(4), ws_seen, sack, ts,
/// tsval, tsecr}), `d_valid` and `d_consume`.
pub fn walk_verilog() -> String {
    let n = OPT_BYTES;
    let mut planes = String::new();
    // the next positions as six bit-plane registers (bit k of every
    // position's next, padded with 40's), so a hop is six 64:1 picks by
    // `wk_p` with no index arithmetic (`6 * wk_p` became a multiplier on
    // ECP5); registers, not a rewiring of one 240-bit vector, so a
    // simulator does not rebuild the planes every clock
    for k in 0..6 {
        planes.push_str(&format!(
            "reg [{n1}:0] w2_p{k};\nwire [63:0] w2_nx{k} = {{{{24{{1'b{}}}}}, w2_p{k}}};\n",
            (n >> k) & 1,
            n1 = n - 1,
        ));
    }
    let mut v = format!(
        "// option walk: w1 with every parsed frame, w2 and {MAX_HOPS} hops in the walker\n\
         reg [{e1}:0] w1_end; reg [{s}:0] w1_nops; reg [{nn}:0] w15_nn;\n\
         // the TCP header length in bytes (data offset x 4) of the frame in the window\n\
         wire [6:0] w1_hl = {{1'b0, j_doff, 2'b00}};\n\
         reg [{n1}:0] w2_stop; reg [{n1}:0] w2_mss, w2_ws, w2_sack, w2_ts;\n\
         reg wk_busy, wk_free; reg [2:0] wk_n; reg [1:0] wk_class; reg [319:0] wk_o;\n\
         reg [280:0] cfq [0:15]; reg [3:0] cf_wp, cf_rp; reg x_pop1, x_pop;\n\
         reg [280:0] cf_head; reg [5:0] wk_len;\n\
         reg [5:0] wk_p, wk_pmss, wk_pws, wk_pts; reg wk_done, wk_smss, wk_sws, wk_sack, wk_sts;\n\
         // positions 40..63 (the options' end, or where a pointer past a stop\n\
         // may land): stop, next 40\n\
         wire [63:0] w2_st = {{{{24{{1'b1}}}}, w2_stop}};\n\
         {planes}\
         wire wk_fin = wk_busy && wk_n == 3'd7;\n\
         wire wk_go = p2_valid && p2_cand && (!wk_busy || wk_fin);\n\
         // w2_t: a blocking temporary, one position's next in the plane loads\n\
         reg [5:0] w2_t;\n\
         /* verilator lint_off BLKSEQ */\n\
         always @(posedge clock) begin\n\
         \x20 // w1 loads in the parse clock of a frame of 58 bytes or more (every\n\
         \x20 // frame the walker takes is one; two are 8 clocks apart at least, so\n\
         \x20 // w1 holds still through the pick and w2, two and three clocks on)\n\
         \x20 if (pend_w) begin\n",
        nn = 2 * n - 1,
        e1 = 6 * n - 1,
        s = 2 * (n + 1) - 1,
        n1 = n - 1,
    );
    // w1: the end of an option at j, and the NOP run (capped at 3) at j
    for j in 0..n {
        let k = byte("c_opts", j);
        // the low 6 bits of the size byte (a larger size stops anyway)
        let sz = if j + 1 < n {
            format!("c_opts[{}:{}]", 8 * (j + 1) + 5, 8 * (j + 1))
        } else {
            "6'd0".to_string()
        };
        v.push_str(&format!(
            "    w1_end[{hi}:{lo}] <= ({k} == 8'd1) ? 6'd{j1} : 6'd{j} + {sz};\n",
            hi = 6 * j + 5,
            lo = 6 * j,
            j1 = j + 1,
        ));
    }
    let nop = |j: usize| {
        if j < n {
            format!("(w1_hl > 7'd{} && {} == 8'd1)", j + 20, byte("c_opts", j))
        } else {
            "1'b0".to_string()
        }
    };
    for j in 0..=n {
        v.push_str(&format!(
            "    w1_nops[{hi}:{lo}] <= !{a} ? 2'd0 : !{b} ? 2'd1 : !{c} ? 2'd2 : 2'd3;\n",
            hi = 2 * j + 1,
            lo = 2 * j,
            a = nop(j),
            b = nop(j + 1),
            c = nop(j + 2),
        ));
    }
    v.push_str(
        "  end\n\
         \x20 if (rst) begin wk_busy <= 1'b0; wk_n <= 3'd0; end\n\
         \x20 else if (wk_go) begin wk_busy <= 1'b1; wk_n <= 3'd0; end\n\
         \x20 else if (wk_busy) begin wk_n <= wk_n + 3'd1; if (wk_fin) wk_busy <= 1'b0; end\n\
         \x20 // the FIFO's free slot at cf_wp is written every clock and sealed by\n\
         \x20 // moving cf_wp (at most two of 16 slots are in use): its RAM has no\n\
         \x20 // write enable, which was `wk_go`'s fan-out (8.25 ns of routing)\n\
         \x20 cfq[cf_wp] <= p2_cf;\n\
         \x20 // the window loads in every clock the walker is free (`wk_free`, a\n\
         \x20 // flip-flop equal to `!wk_busy || wk_fin`), the clock of `wk_go` among\n\
         \x20 // them: its 326 enables come from one flip-flop, not from `wk_go`\n\
         \x20 if (wk_free) begin wk_o <= c_opts; wk_len <= p2_olen; end\n\
         \x20 wk_free <= rst ? 1'b1 : wk_go ? 1'b0 : (wk_busy && !wk_fin) ? wk_n == 3'd6 : 1'b1;\n\
         \x20 cf_head <= cfq[cf_rp];\n\
         \x20 if (rst) begin cf_wp <= 4'd0; cf_rp <= 4'd0; x_pop1 <= 1'b0; x_pop <= 1'b0; end\n\
         \x20 else begin\n\
         \x20   // the head is read by the cookie unit two clocks after the walk's end\n\
         \x20   // (`y_class`), the clock it is popped in\n\
         \x20   x_pop1 <= wk_fin; x_pop <= x_pop1; if (wk_go) cf_wp <= cf_wp + 4'd1; if (x_pop) cf_rp <= cf_rp + 4'd1;\n\
         \x20 end\n\
         \x20 // the frame's class, ready 5 clocks after the parse (clock 4 of the walk)\n\
         \x20 if (wk_busy && wk_n == 3'd4) wk_class <= cl_class;\n\
         \x20 // w2, and the walk's start after up to 3 NOPs\n\
         \x20 if (wk_busy && wk_n == 3'd0) begin\n\
         \x20   wk_p <= {4'd0, w1_nops[1:0]}; wk_done <= 1'b0;\n\
         \x20   wk_smss <= 1'b0; wk_sws <= 1'b0; wk_sack <= 1'b0; wk_sts <= 1'b0;\n\
         \x20   wk_pmss <= 6'd0; wk_pws <= 6'd0; wk_pts <= 6'd0;\n",
    );
    for j in 0..n {
        let (k, sz) = (byte("wk_o", j), byte("wk_o", j + 1));
        let (hi, lo) = (6 * j + 5, 6 * j);
        // the NOP run at the option's end: a 41:1 pick of 2 bits
        v.push_str(&format!(
            "    w2_t = w1_end[{hi}:{lo}] + {{4'd0, w15_nn[{nh}:{nl}]}};\n\
             \x20   {{w2_p5[{j}], w2_p4[{j}], w2_p3[{j}], w2_p2[{j}], w2_p1[{j}], w2_p0[{j}]}} <= w2_t;\n",
            nh = 2 * j + 1,
            nl = 2 * j,
        ));
        // stop: beyond the end, EOL, or an option that does not fit
        v.push_str(&format!(
            "    w2_stop[{j}] <= wk_len <= 6'd{j} || {k} == 8'd0 || ({k} != 8'd1 && (wk_len <= 6'd{j1} || {sz} < 8'd2 || {sz} > {{2'd0, wk_len - 6'd{j}}}));\n",
            j1 = j + 1
        ));
        let (b2, b3) = (byte("wk_o", j + 2), byte("wk_o", j + 3));
        v.push_str(&format!(
            "    w2_mss[{j}] <= {k} == 8'd2 && {sz} == 8'd4 && {{{b2}, {b3}}} != 16'd0;\n\
             \x20   w2_ws[{j}] <= {k} == 8'd3 && {sz} == 8'd3;\n\
             \x20   w2_sack[{j}] <= {k} == 8'd4 && {sz} == 8'd2;\n\
             \x20   w2_ts[{j}] <= {k} == 8'd8 && {sz} == 8'd10;\n"
        ));
    }
    v.push_str("  end\n");
    // the hops (clocks 1..6 of the walker)
    v.push_str(
        "  if (wk_busy && wk_n != 3'd0 && !wk_fin) begin\n\
         \x20   // the pointer moves on every hop (after a stop it runs into the\n\
         \x20   // padding, which stops), so its only enable is the step count\n\
         \x20   wk_p <= {w2_nx5[wk_p], w2_nx4[wk_p], w2_nx3[wk_p], w2_nx2[wk_p], w2_nx1[wk_p], w2_nx0[wk_p]};\n\
         \x20   if (!wk_done) begin\n\
         \x20     if (w2_st[wk_p]) wk_done <= 1'b1;\n\
         \x20     else begin\n\
         \x20       if (w2_mss[wk_p]) begin wk_pmss <= wk_p; wk_smss <= 1'b1; end\n\
         \x20       if (w2_ws[wk_p]) begin wk_pws <= wk_p; wk_sws <= 1'b1; end\n\
         \x20       if (w2_sack[wk_p]) wk_sack <= 1'b1;\n\
         \x20       if (w2_ts[wk_p]) begin wk_pts <= wk_p; wk_sts <= 1'b1; end\n\
         \x20     end\n\
         \x20   end\n\
         \x20 end\n\
         end\n\
         /* verilator lint_on BLKSEQ */\n",
    );
    // the pick, alone in its clock: the NOP run (2 bits of `w1_nops`, 41
    // positions) at each position's option end, loaded every clock (w1
    // holds still while the walker needs it). With the add in the same
    // clock it was the ECP5 critical path at 73.5 MHz: 7.1 ns of routing
    // on one `w1_nops` bit, which 40 positions' multiplexers read.
    v.push_str("always @(posedge clock) begin\n");
    for j in 0..n {
        v.push_str(&format!(
            "  w15_nn[{}:{}] <= w1_nops[2 * w1_end[{}:{}] +: 2];\n",
            2 * j + 1,
            2 * j,
            6 * j + 5,
            6 * j
        ));
    }
    v.push_str("end\n");
    // option vectors from byte k of an option on (k = 2..9: its value
    // bytes), zero-padded past the options
    let offsets: String = (2..10)
        .map(|k| {
            format!(
                "wire [{}:0] wk_o{k} = wk_ox[367:{}];\n",
                383 - 8 * k,
                8 * k - 16
            )
        })
        .collect();
    // value bytes `ks` of the option at position `p`, first byte most significant
    let pick = |ks: &[usize], p: &str| {
        ks.iter()
            .map(|k| format!("wk_o{k}[{{{p}, 3'b000}} +: 8]"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    // the decision: options left to walk pass the frame (`x_class`, the
    // walk's last clock). The values are picked there too, at the recorded
    // positions from option vectors that start at the value's offset (a
    // position times 8 is then wiring, `{p, 3'b000}`: `8 * p + 16` was an
    // adder in front of the 40:1 byte multiplexer, the ECP5 critical path
    // at 76.2 MHz), and registered raw; `x_s` is made from them one clock
    // later, with `y_class`, the cookie unit's launch. Inside the `wk_fin`
    // branch so a simulator picks once a walk.
    v.push_str(&format!(
        "wire wk_more = !wk_done && !w2_st[wk_p];\n\
         wire [367:0] wk_ox = {{64'd0, wk_o[319:16]}};\n{offsets}\
         reg [8:0] dq; reg [1:0] x_class, y_class; reg [87:0] x_s;\n\
         reg [15:0] xp_mss; reg [7:0] xp_ws; reg [63:0] xp_ts; reg xp_smss, xp_sws, xp_sack, xp_sts;\n\
         always @(posedge clock) begin\n\
         \x20 if (wk_fin) begin\n\
         \x20   x_class <= wk_more ? 2'd0 : wk_class;\n\
         \x20   xp_mss <= {{{mss}}}; xp_ws <= {ws};\n\
         \x20   xp_ts <= {{{ts}}};\n\
         \x20   {{xp_smss, xp_sws, xp_sack, xp_sts}} <= {{wk_smss, wk_sws, wk_sack, wk_sts}};\n\
         \x20 end else x_class <= 2'd0;\n\
         \x20 // the window scale clamped to 14 (RFC 7323 2.3) without a compare's carry chain\n\
         \x20 x_s <= {{xp_smss ? xp_mss : 16'd0, xp_smss,\n\
         \x20   !xp_sws ? 4'd0 : (xp_ws[7:4] != 4'd0 || xp_ws[3:0] == 4'hf) ? 4'd14 : xp_ws[3:0], xp_sws, xp_sack, xp_sts,\n\
         \x20   xp_sts ? xp_ts : 64'd0}};\n\
         \x20 if (rst) begin dq <= 9'd0; x_class <= 2'd0; y_class <= 2'd0; d_valid <= 1'b0; d_consume <= 1'b0; end\n\
         \x20 else begin\n\
         \x20   dq <= {{dq[7:0], p2_valid}}; y_class <= x_class;\n\
         \x20   d_valid <= dq[8]; d_consume <= x_class == 2'd1 || x_class == 2'd2;\n\
         \x20 end\n\
         end\n",
        offsets = offsets,
        mss = pick(&[2, 3], "wk_pmss"),
        ws = pick(&[2], "wk_pws"),
        ts = pick(&[2, 3, 4, 5, 6, 7, 8, 9], "wk_pts"),
    ));
    v
}
