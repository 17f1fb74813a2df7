//! The back end of [`crate::handshake::engine::HandshakeEngine`]'s
//! Verilog: the SYN-ACK / RST-ACK frame builder, the generated-frame FIFO
//! feeding `g_*`, the handoff-record FIFO feeding `h_*` and the event
//! strobes. It reads the inlined cookie unit's outputs (`ck_*`).
//!
//! The builder is a Verilog function (`build_frame`) called only in the
//! clock a frame is queued: synthesis makes the same logic as continuous
//! assignments would, and Verilator evaluates it once per generated frame
//! rather than every clock.

use crate::handshake::engine::RECORD_BITS;

/// Tag layout (350 bits, from the engine's decision stage): class(2)
/// CWR,ECE(2) src dst seq ack(128) sport dport win(48) smac dmac(96)
/// payload(7) ws_seen sack ts(3) tsval tsecr(64). `(name, width, msb)`.
const TAG: [(&str, usize, usize); 17] = [
    ("class", 2, 349),
    ("cwr_ece", 2, 347),
    ("src", 32, 345),
    ("dst", 32, 313),
    ("seq", 32, 281),
    ("ack", 32, 249),
    ("sport", 16, 217),
    ("dport", 16, 201),
    ("win", 16, 185),
    ("smac", 48, 169),
    ("dmac", 48, 121),
    ("payload", 7, 73),
    ("ws_seen", 1, 66),
    ("sack", 1, 65),
    ("ts", 1, 64),
    ("tsval", 32, 63),
    ("tsecr", 32, 31),
];

/// The tag fields a generated frame uses.
const IN_FRAME: [&str; 14] = [
    "class", "cwr_ece", "src", "dst", "seq", "sport", "dport", "smac", "dmac", "payload",
    "ws_seen", "sack", "ts", "tsval",
];
/// The tag fields the handoff record and the event logic use.
const IN_RECORD: [&str; 11] = [
    "class", "src", "dst", "seq", "ack", "sport", "dport", "win", "ts", "tsval", "tsecr",
];

/// `{8'd0, w0} + {8'd0, w1} + ...`: a 24-bit sum of 16-bit words.
fn sum(words: &[String]) -> String {
    words
        .iter()
        .map(|x| format!("{{8'd0, {x}}}"))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// Declarations of the tag fields in `used` as slices of `src`, named
/// `{p}name` (wires at module level, or function locals when `local`).
fn fields(src: &str, p: &str, local: bool, used: &[&str]) -> String {
    let mut v = String::new();
    for (n, w, msb) in TAG.into_iter().filter(|f| used.contains(&f.0)) {
        let range = if w == 1 {
            String::new()
        } else {
            format!("[{}:0] ", w - 1)
        };
        let sel = if w == 1 {
            format!("{src}[{msb}]")
        } else {
            format!("{src}[{msb}:{}]", msb + 1 - w)
        };
        if local {
            v.push_str(&format!("  reg {range}{p}{n};\n"));
        } else {
            v.push_str(&format!("wire {range}{p}{n} = {sel};\n"));
        }
    }
    v
}

/// The function `build_frame(tag, isn, tsval, mss, wscale, window, ttl)`:
/// `{length (7 bits), frame (640 bits, byte 0 in bits 7:0)}` of the
/// SYN-ACK (class 1) or RST-ACK (class 2) answering the tagged segment,
/// both checksums filled in, padded to 60 bytes (no FCS).
fn build_function() -> String {
    let mut v = String::from(
        "function [646:0] build_frame;\n\
         \x20 // the ACK number, window and TSecr go to the handoff record only\n\
         \x20 /* verilator lint_off UNUSEDSIGNAL */\n  input [349:0] tg;\n  /* verilator lint_on UNUSEDSIGNAL */\n  input [31:0] isn_i;\n  input [31:0] tsv_i;\n\
         \x20 input [15:0] mss_i;\n  input [3:0] wsc_i;\n  input [15:0] win_i;\n  input [7:0] ttl_i;\n",
    );
    v.push_str(&fields("tg", "f_", true, &IN_FRAME));
    v.push_str(
        "  reg f_syn, f_ece; reg [7:0] f_optlen, f_doffb, f_tflags; reg [15:0] f_totlen, f_twin, f_ipck, f_tcpck;\n\
         \x20 reg [31:0] f_tseq, f_tack; reg [159:0] f_opts; reg [639:0] f_be, f_frame; reg [6:0] f_len; integer gi;\n\
         \x20 begin\n",
    );
    for (n, w, msb) in TAG.into_iter().filter(|f| IN_FRAME.contains(&f.0)) {
        let sel = if w == 1 {
            format!("tg[{msb}]")
        } else {
            format!("tg[{msb}:{}]", msb + 1 - w)
        };
        v.push_str(&format!("    f_{n} = {sel};\n"));
    }
    // f_opts holds option bytes big-endian per 32-bit group, group 0 in
    // the low bits: group g is option bytes 4g..4g+3
    v.push_str(
        "    f_syn = f_class == 2'd1;\n\
         \x20   f_ece = f_syn && f_ts && f_cwr_ece == 2'b11;\n\
         \x20   f_optlen = !f_syn ? 8'd0 : !f_ts ? 8'd4 : f_ws_seen ? 8'd20 : 8'd16;\n\
         \x20   f_totlen = 16'd40 + {8'd0, f_optlen};\n\
         \x20   f_doffb = {(4'd5 + f_optlen[5:2]), 4'd0};\n\
         \x20   f_tflags = f_syn ? (f_ece ? 8'h52 : 8'h12) : 8'h14;\n\
         \x20   f_tseq = f_syn ? isn_i : 32'd0;\n\
         \x20   f_tack = f_seq + 32'd1 + (f_syn ? 32'd0 : {25'd0, f_payload});\n\
         \x20   f_twin = f_syn ? win_i : 16'd0;\n\
         \x20   f_opts = !f_syn ? 160'd0 : {\n\
         \x20     (f_ts && f_ws_seen) ? {8'd1, 8'd3, 8'd3, 4'd0, wsc_i} : 32'd0,\n\
         \x20     f_ts ? f_tsval : 32'd0,\n\
         \x20     f_ts ? tsv_i : 32'd0,\n\
         \x20     f_ts ? (f_sack ? 32'h0402080a : 32'h0101080a) : 32'd0,\n\
         \x20     8'd2, 8'd4, mss_i};\n",
    );
    let ip_w: Vec<String> = [
        "16'h4500",
        "f_totlen",
        "16'h0000",
        "16'h4000",
        "{ttl_i, 8'd6}",
        "f_dst[31:16]",
        "f_dst[15:0]",
        "f_src[31:16]",
        "f_src[15:0]",
    ]
    .map(String::from)
    .to_vec();
    let mut tcp_w: Vec<String> = [
        "f_dst[31:16]",
        "f_dst[15:0]",
        "f_src[31:16]",
        "f_src[15:0]",
        "16'd6",
        "f_totlen - 16'd20",
        "f_dport",
        "f_sport",
        "f_tseq[31:16]",
        "f_tseq[15:0]",
        "f_tack[31:16]",
        "f_tack[15:0]",
        "{f_doffb, f_tflags}",
        "f_twin",
    ]
    .map(String::from)
    .to_vec();
    for g in 0..5 {
        tcp_w.push(format!("f_opts[{}:{}]", 32 * g + 31, 32 * g + 16));
        tcp_w.push(format!("f_opts[{}:{}]", 32 * g + 15, 32 * g));
    }
    v.push_str(&format!(
        "    f_ipck = ~fold({});\n    f_tcpck = ~fold({});\n",
        sum(&ip_w),
        sum(&tcp_w)
    ));
    // the frame, byte 0 first, as big-endian fields: the big-endian
    // concatenation is the frame with byte 0 in the top bits (80 bytes);
    // the bytes are reversed for the stream
    let frame = [
        "f_smac",
        "f_dmac",
        "16'h0800",
        "16'h4500",
        "f_totlen",
        "16'h0000",
        "16'h4000",
        "ttl_i",
        "8'd6",
        "f_ipck",
        "f_dst",
        "f_src",
        "f_dport",
        "f_sport",
        "f_tseq",
        "f_tack",
        "f_doffb",
        "f_tflags",
        "f_twin",
        "f_tcpck",
        "16'h0000",
        "f_opts[31:0]",
        "f_opts[63:32]",
        "f_opts[95:64]",
        "f_opts[127:96]",
        "f_opts[159:128]",
        "48'd0",
    ];
    v.push_str(&format!(
        "    f_be = {{{}}};\n\
         \x20   for (gi = 0; gi < 80; gi = gi + 1) f_frame[8*gi +: 8] = f_be[639 - 8*gi -: 8];\n\
         \x20   f_len = (f_totlen[6:0] + 7'd14 < 7'd60) ? 7'd60 : f_totlen[6:0] + 7'd14;\n\
         \x20   build_frame = {{f_len, f_frame}};\n  end\nendfunction\n",
        frame.join(", ")
    ));
    v
}

/// The back end's Verilog; `gd`/`hd`: log2 of the generated-frame and
/// handoff FIFO depths.
pub fn builder_verilog(gd: usize, hd: usize) -> String {
    let mut v = build_function();
    v.push_str(&fields("ck_tag_out", "o_", false, &IN_RECORD));
    let gdep = 1 << gd;
    let hdep = 1 << hd;
    v.push_str(&format!(
        "reg [646:0] gm [0:{gm}]; reg [{gd}:0] gwp, grp; reg [3:0] gbeat;\n\
         wire g_empty = gwp == grp;\n\
         wire g_full = gwp[{gd1}:0] == grp[{gd1}:0] && gwp[{gd}] != grp[{gd}];\n\
         wire [646:0] g_head = gm[grp[{gd1}:0]];\n\
         wire [6:0] g_len = g_head[646:640];\n\
         wire [3:0] g_beats = g_len[6:3] + {{3'd0, g_len[2:0] != 3'd0}};\n\
         wire [3:0] g_last = g_beats - 4'd1;\n\
         wire [2:0] g_rem = g_len[2:0];\n\
         always @(*) begin\n\
         \x20 g_axis$tvalid = !g_empty;\n\
         \x20 g_axis$tdata = g_head[64*gbeat +: 64];\n\
         \x20 g_axis$tlast = gbeat == g_last;\n\
         \x20 g_axis$tkeep = (gbeat != g_last || g_rem == 3'd0) ? 8'hff : (8'hff >> (4'd8 - {{1'b0, g_rem}}));\n\
         end\n\
         reg [{hw}:0] hm [0:{hm}]; reg [{hd}:0] hwp, hrp;\n\
         wire h_empty = hwp == hrp;\n\
         wire h_full = hwp[{hd1}:0] == hrp[{hd1}:0] && hwp[{hd}] != hrp[{hd}];\n\
         always @(*) begin h_valid = !h_empty; h_data = hm[hrp[{hd1}:0]]; end\n\
         wire o_ackv = ck_out_valid && ck_out_check;\n\
         wire o_genv = ck_out_valid && (o_class == 2'd1 || o_class == 2'd2);\n\
         wire [3:0] o_sndws = (o_ts && ck_ts_wscale != 4'hf) ? ck_ts_wscale : 4'hf;\n\
         always @(posedge clock) begin\n\
         \x20 ev <= 8'd0;\n\
         \x20 if (rst) begin gwp <= 0; grp <= 0; gbeat <= 4'd0; hwp <= 0; hrp <= 0; end\n\
         \x20 else begin\n\
         \x20   if (o_genv) begin\n\
         \x20     if (!g_full) begin\n\
         \x20       gm[gwp[{gd1}:0]] <= build_frame(ck_tag_out, ck_isn, ck_tsval, our_mss, our_wscale, our_window, ttl);\n\
         \x20       gwp <= gwp + 1'b1;\n\
         \x20     end else ev[7] <= 1'b1;\n\
         \x20     if (o_class == 2'd1) ev[1] <= !g_full; else ev[2] <= !g_full;\n\
         \x20   end\n\
         \x20   if (o_ackv) begin\n\
         \x20     if (ck_ok) begin ev[3] <= 1'b1;\n\
         \x20       if (!h_full) begin\n\
         \x20         hm[hwp[{hd1}:0]] <= {{20'd0, (o_sndws != 4'hf) ? our_wscale : 4'd0, o_sndws, 1'b0, o_ts & ck_ts_ecn, o_ts & ck_ts_sack, o_ts,\n\
         \x20           o_ts ? o_tsecr : 32'd0, o_ts ? o_tsval : 32'd0, ck_mss_out, o_win, o_seq - 32'd1, o_ack - 32'd1,\n\
         \x20           o_sport, o_dport, o_dst, o_src}};\n\
         \x20         hwp <= hwp + 1'b1; ev[5] <= 1'b1;\n\
         \x20       end else ev[6] <= 1'b1;\n\
         \x20     end else ev[4] <= 1'b1;\n\
         \x20   end\n\
         \x20   if (x_class == 2'd1) ev[0] <= 1'b1;\n\
         \x20   if (g_axis$tvalid && g_axis$tready) begin\n\
         \x20     if (g_axis$tlast) begin gbeat <= 4'd0; grp <= grp + 1'b1; end else gbeat <= gbeat + 4'd1;\n\
         \x20   end\n\
         \x20   if (h_pop && !h_empty) hrp <= hrp + 1'b1;\n\
         \x20 end\nend\n",
        gm = gdep - 1,
        gd1 = gd - 1,
        hm = hdep - 1,
        hd1 = hd - 1,
        hw = RECORD_BITS - 1,
    ));
    v
}
