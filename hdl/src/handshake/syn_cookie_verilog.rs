//! The Verilog of [`crate::handshake::syn_cookie::SynCookie`]: one shared
//! SipHash pipeline, side-data FIFOs and the cookie arithmetic
//! ([`cookie_verilog`]), and the same text with every name prefixed for
//! inlining in the handshake engine ([`cookie_verilog_prefixed`]).

use crate::common::add_select::{carry_select, statements, CarrySelect};
use crate::common::siphash;

/// [`cookie_verilog`] with every port name and internal name prefixed by
/// `p`, to inline the unit in a bigger custom module (which declares
/// `{p}key0`, ... itself: inputs as wires, outputs as `reg`s).
pub fn cookie_verilog_prefixed(t: usize, p: &str) -> String {
    // the shared functions and localparam are emitted once by the host module
    let body = cookie_verilog(t).replace(&siphash::functions_verilog(), "");
    let mut out = String::with_capacity(body.len() + 4096);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            let keep = word == "clock"
                || word == "rst"
                || word == "LEN_WORD"
                || word.chars().next().is_some_and(|c| c.is_ascii_digit());
            if !keep
                && word
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && !VERILOG_WORDS.contains(&word.as_str())
            {
                out.push_str(p);
            }
            out.push_str(word);
            word.clear();
        }
    };
    let mut in_comment = false;
    let mut prev = ' ';
    for c in body.chars() {
        if in_comment {
            out.push(c);
            if prev == '*' && c == '/' {
                in_comment = false;
            }
            prev = c;
            continue;
        }
        if prev == '/' && c == '*' {
            in_comment = true;
            out.push(c);
            prev = c;
            continue;
        }
        // sized literals (32'd1, 64'h...) are not names
        if c.is_ascii_alphanumeric() || c == '_' {
            if word.is_empty() && prev == '\'' {
                out.push(c);
                prev = c;
                continue;
            }
            if !word.is_empty() || !(prev.is_ascii_alphanumeric() || prev == '\'') {
                word.push(c);
            } else {
                out.push(c);
            }
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
        prev = c;
    }
    flush(&mut word, &mut out);
    out
}

/// Verilog keywords, directives and macro names that appear in the
/// generated body.
const VERILOG_WORDS: [&str; 18] = [
    "ifdef",
    "ifndef",
    "endif",
    "FERRONIC_ECP5",
    "wire",
    "reg",
    "always",
    "posedge",
    "begin",
    "end",
    "if",
    "else",
    "function",
    "input",
    "localparam",
    "endfunction",
    "assign",
    "integer",
];

/// Depth of the side-data FIFOs (operations in flight between `in_valid`
/// and the output: at most `LATENCY / INTERVAL` + 1 = 9).
const SIDE_DEPTH: usize = 16;

/// The Verilog body of [`SynCookie`] with a `t`-bit tag.
///
/// One SipHash pipeline ([`siphash::pipeline_body`]) hashes the three
/// messages of an operation on three consecutive clocks: `hash0` (key0,
/// counter 0) in the `in_valid` cycle straight from the inputs, then
/// `hash1` (key1, `count`) and `hash1'` (key1, `count - 1`) from registers
/// captured then. The operation's other fields and its tag wait in two
/// 16-entry FIFOs (distributed RAM, not flop chains; the tag's in banks
/// with a registered read, `tag_fifo`). After the pipeline,
/// four collector stages (one 32-bit adder or compare deep each) finish
/// the cookie arithmetic: `c0` hash0 + seq, `c1` cookie - that and the
/// ISN's high part, `c2` both candidate low parts, `c3` the verdict.
pub fn cookie_verilog(t: usize) -> String {
    let s = siphash::STAGES;
    let tw = t.max(1);
    // the 32-bit adds in 16-bit carry-select pieces (x - 1 as x + all
    // ones, x - y as ~(~x + y)): temporaries assigned inside the enables
    let cnt_m1 = carry_select("cnt_m1", "count", "ones32", 32, 16);
    let seq_m1 = carry_select("seq_m1", "seq", "ones32", 32, 16);
    let ack_m1 = carry_select("ack_m1", "ack", "ones32", 32, 16);
    let ts_m1 = carry_select("ts_m1", "ts_hi", "ones26", 26, 13);
    let h0_add = carry_select("h0_add", "hh32", "c_seq", 32, 16);
    let cc_n = carry_select("cc_n", "x_cookie_n", "h0s", 32, 16);
    let isn_add = carry_select("isn_add", "isn1", "h1i32", 32, 16);
    let body = |cs: &[&CarrySelect]| statements(cs, "    ");
    let mut v = siphash::functions_verilog();
    v.push_str(
        "wire [31:0] ports = {sport[7:0], sport[15:8], dport[7:0], dport[15:8]};\n\
         wire [63:0] mw0 = {daddr[7:0], daddr[15:8], daddr[23:16], daddr[31:24], saddr[7:0], saddr[15:8], saddr[23:16], saddr[31:24]};\n\
         wire [1:0] idx_in = (mss >= 16'd1460) ? 2'd3 : (mss >= 16'd1440) ? 2'd2 : (mss >= 16'd1300) ? 2'd1 : 2'd0;\n\
         wire [3:0] ws_in = !wscale_ok ? 4'hf : (wscale > 4'd14) ? 4'd14 : wscale;\n\
         // cookie_init_timestamp: the low 6 bits replaced, minus 64 when that is\n\
         // above ts_now (the high 26 bits are ts_now's, so only the low 6 compare)\n\
         wire [5:0] ts_low = {ecn, sack, ws_in};\n\
         wire ts_back = ts_low > ts_now[5:0];\n\
         wire [25:0] ts_hi = ts_now[31:6];\n\
         wire [31:0] ones32 = 32'hffffffff;\n\
         wire [25:0] ones26 = 26'h3ffffff;\n",
    );
    for c in [&cnt_m1, &seq_m1, &ack_m1, &ts_m1, &h0_add, &cc_n, &isn_add] {
        v.push_str(&c.decl);
    }
    v.push_str(&format!(
        "// the messages: hash0 from the inputs, then hash1 and hash1' from a_*\n\
         reg [1:0] a_ph; reg [95:0] a_pm; reg [31:0] a_c1, a_c2;\n\
         /* verilator lint_off BLKSEQ */\n\
         always @(posedge clock) begin\n\
         \x20 if (rst) a_ph <= 2'd0; else a_ph <= in_valid ? 2'd1 : (a_ph == 2'd1) ? 2'd2 : 2'd0;\n\
         \x20 if (in_valid) begin\n{cnt}\
         \x20   a_pm <= {{ports, mw0}}; a_c1 <= count; a_c2 <= cnt_m1;\n\
         \x20 end\n\
         end\n\
         /* verilator lint_on BLKSEQ */\n\
         wire s_valid = in_valid | (a_ph != 2'd0);\n\
         wire [127:0] s_key = (a_ph == 2'd0) ? key0 : key1;\n\
         wire [127:0] s_msg = (a_ph == 2'd0) ? {{32'd0, ports, mw0}} : {{(a_ph == 2'd1) ? a_c1 : a_c2, a_pm}};\n",
        cnt = body(&[&cnt_m1]),
    ));
    v.push_str(&siphash::pipeline_body(
        "h_", "s_key", "s_msg", "s_valid", true,
    ));
    // which of the three hashes each stage holds
    v.push_str(&siphash::delay_verilog("hid", 2, "a_ph", false));
    // side data: op(1) seq(32) ack-1(32) count[7:0](8) idx(2) tsval(32) tsecr[5:0](6) = 113
    v.push_str(&format!(
        "reg [112:0] cq [0:{d1}]; reg [3:0] cw, cr;\n\
         /* verilator lint_off BLKSEQ */\n\
         always @(posedge clock) begin\n\
         \x20 if (rst) cw <= 4'd0;\n\
         \x20 else if (in_valid) begin\n{side}\
         \x20   cq[cw] <= {{op_check, op_check ? seq_m1 : seq, ack_m1, count[7:0], idx_in,\n\
         \x20     ts_back ? ts_m1 : ts_hi, ts_low, ts_opts}};\n\
         \x20   cw <= cw + 4'd1;\n\
         \x20 end\n\
         end\n\
         /* verilator lint_on BLKSEQ */\n\
         wire [31:0] hh32 = h_st_{s}[31:0] ^ h_st_{s}[95:64] ^ h_st_{s}[159:128] ^ h_st_{s}[223:192];\n\
         wire c0 = h_v_{s} && hid_{s} == 2'd0;\n\
         wire c1 = h_v_{s} && hid_{s} == 2'd1;\n\
         wire c2 = h_v_{s} && hid_{s} == 2'd2;\n\
         wire [112:0] c_head = cq[cr];\n\
         wire [31:0] c_seq = c_head[111:80];\n\
         reg [80:0] xr; reg c3;\n\
         wire x_check = xr[80];\n\
         wire [31:0] x_cookie = xr[79:48];\n\
         wire [31:0] x_cookie_n = ~x_cookie;\n\
         wire [7:0] x_count = xr[47:40];\n\
         wire [1:0] x_idx = xr[39:38];\n\
         wire [31:0] x_tsval = xr[37:6];\n\
         wire [5:0] x_tsecr = xr[5:0];\n\
         reg [31:0] h0s, c_c, isn1, isn2; reg [23:0] h1r, h1i, d1, d2; reg [7:0] diff;\n\
         wire [31:0] h1i32 = {{8'd0, h1i}};\n\
         wire [23:0] x_d = (diff == 8'd0) ? d1 : d2;\n\
         // (zero tests rather than compares, which map to carry chains)\n\
         wire x_ok = diff[7:1] == 7'd0 && x_d[23:2] == 22'd0;\n\
         wire [1:0] x_mi = x_check ? x_d[1:0] : x_idx;\n\
         wire [15:0] x_mss = (x_mi == 2'd0) ? 16'd536 : (x_mi == 2'd1) ? 16'd1300 : (x_mi == 2'd2) ? 16'd1440 : 16'd1460;\n\
         /* verilator lint_off BLKSEQ */\n\
         always @(posedge clock) begin\n\
         \x20 if (rst) begin cr <= 4'd0; c3 <= 1'b0; out_valid <= 1'b0; end\n\
         \x20 else begin\n\
         \x20   c3 <= c2; out_valid <= c3;\n\
         \x20   if (c0) cr <= cr + 4'd1;\n\
         \x20 end\n\
         \x20 // c0: hash0 + seq (seq - 1 for a check)\n\
         \x20 if (c0) begin\n{c0b}\
         \x20   xr <= {{c_head[112], c_head[79:0]}}; h0s <= h0_add;\n\
         \x20 end\n\
         \x20 // c1: cookie - (hash0 + seq - 1); the ISN's hash0 + seq + (count << 24)\n\
         \x20 if (c1) begin\n{c1b}\
         \x20   h1r <= hh32[23:0]; h1i <= hh32[23:0] + {{22'd0, x_idx}};\n\
         \x20   c_c <= ~cc_n; isn1 <= h0s + {{x_count, 24'd0}};\n\
         \x20 end\n\
         \x20 // c2: the low 24 bits against hash1 and hash1'; the ISN\n\
         \x20 if (c2) begin\n{c2b}\
         \x20   d1 <= c_c[23:0] - h1r; d2 <= c_c[23:0] - hh32[23:0];\n\
         \x20   diff <= x_count - c_c[31:24]; isn2 <= isn_add;\n\
         \x20 end\n\
         \x20 if (c3) begin\n\
         \x20   out_check <= x_check;\n\
         \x20   isn <= x_check ? 32'd0 : isn2;\n\
         \x20   ok <= x_check & x_ok;\n\
         \x20   mss_out <= (!x_check || x_ok) ? x_mss : 16'd0;\n\
         \x20   tsval <= x_check ? 32'd0 : x_tsval;\n\
         \x20   ts_wscale <= x_check ? x_tsecr[3:0] : 4'd0;\n\
         \x20   ts_sack <= x_check & x_tsecr[4];\n\
         \x20   ts_ecn <= x_check & x_tsecr[5];\n\
         \x20 end\n\
         end\n\
         /* verilator lint_on BLKSEQ */\n",
        d1 = SIDE_DEPTH - 1,
        side = body(&[&seq_m1, &ack_m1, &ts_m1]),
        c0b = body(&[&h0_add]),
        c1b = body(&[&cc_n]),
        c2b = body(&[&isn_add]),
    ));
    v.push_str(&tag_fifo(tw));
    v
}

/// Bits of the tag FIFO per bank, each bank with its own pointers: 12
/// ECP5 DPR16X4, 48 LUT loads on a read pointer bit (one pointer for the
/// engine's 350-bit tag, 352 loads, was 12.3 ns of routing).
const TAG_BANK: usize = 48;

/// The tag FIFO (`tw` bits, [`SIDE_DEPTH`] entries) in banks of
/// [`TAG_BANK`] bits, each with its own copy of the pointers (counters:
/// yosys does not merge them, each one's next value reads its own
/// flip-flops; no `keep`, so an engine whose outputs nothing reads still
/// leaves no cell). Each bank writes
/// `tag_in` into its free slot (at its write pointer) in every clock and
/// seals it by moving the pointer on `in_valid` (at most 9 of 16 slots
/// hold a tag), so no write enable fans out. The read is registered and
/// loaded every clock; the read pointer moves in `c2`, so in `c3` it names
/// the operation's tag, and `tag_out` holds that tag from the operation's
/// `out_valid` until the next operation's.
fn tag_fifo(tw: usize) -> String {
    let mut v = String::new();
    for (b, lo) in (0..tw).step_by(TAG_BANK).enumerate() {
        let hi = (lo + TAG_BANK).min(tw) - 1;
        v.push_str(&format!(
            "reg [{w}:0] tq{b} [0:{d1}];\n\
             reg [3:0] tw{b}, to{b};\n\
             always @(posedge clock)\n\
             \x20 if (rst) begin tw{b} <= 4'd0; to{b} <= 4'hf; end\n\
             \x20 else begin if (in_valid) tw{b} <= tw{b} + 4'd1; if (c2) to{b} <= to{b} + 4'd1; end\n\
             always @(posedge clock) begin tq{b}[tw{b}] <= tag_in[{hi}:{lo}]; tag_out[{hi}:{lo}] <= tq{b}[to{b}]; end\n",
            w = hi - lo,
            d1 = SIDE_DEPTH - 1,
        ));
    }
    v
}
