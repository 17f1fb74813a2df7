//! The Verilog of [`crate::handshake::engine::HandshakeEngine`]: capture
//! window, parse, checksums, listen-table match, option walk, cookie unit
//! instance, SYN-ACK/RST builder and the two FIFOs, written as text with
//! the widths and depths filled in at generation time.

use crate::handshake::engine::{RECORD_BITS, WALK};
use crate::handshake::syn_cookie;

/// Byte `i` of a little-endian byte vector `v`.
fn b(v: &str, i: usize) -> String {
    format!("{v}[{}:{}]", 8 * i + 7, 8 * i)
}

/// `n` bytes from `i` as a big-endian number.
fn be(v: &str, i: usize, n: usize) -> String {
    let parts: Vec<String> = (i..i + n).map(|k| b(v, k)).collect();
    format!("{{{}}}", parts.join(", "))
}

/// The Verilog body; `gd`/`hd`: log2 of the generated-frame and handoff
/// FIFO depths.
pub fn engine_verilog(l: usize, gd: usize, hd: usize) -> String {
    let mut v = crate::common::siphash::functions_verilog();
    // only VALID, port and address of each listen entry are used; the
    // other bits feed a wire Verilator's unused-signal lint ignores by name
    let spare: Vec<String> = (0..l)
        .map(|k| format!("listen[{}:{}]", 64 * k + 63, 64 * k + 49))
        .collect();
    v.push_str(&format!(
        "wire listen_unused = &{{1'b0, {}}};\n",
        spare.join(", ")
    ));
    v.push_str(
        "function [3:0] kcount;\n  input [7:0] k;\n  case (k)\n\
         \x20   8'h01: kcount = 4'd1; 8'h03: kcount = 4'd2; 8'h07: kcount = 4'd3; 8'h0f: kcount = 4'd4;\n\
         \x20   8'h1f: kcount = 4'd5; 8'h3f: kcount = 4'd6; 8'h7f: kcount = 4'd7; default: kcount = 4'd8;\n\
         \x20 endcase\nendfunction\n\
         function [15:0] fold;\n  input [23:0] x;\n  reg [23:0] y;\n  begin\n\
         \x20   y = {8'd0, x[15:0]} + {16'd0, x[23:16]};\n    y = {8'd0, y[15:0]} + {16'd0, y[23:16]};\n    fold = y[15:0];\n  end\nendfunction\n\
         function [5:0] skip_nop;\n  input [319:0] o;\n  input [5:0] pos;\n  input [5:0] len;\n  integer j;\n  reg f;\n  begin\n\
         \x20   skip_nop = 6'd40; f = 1'b0;\n\
         \x20   for (j = 0; j < 40; j = j + 1)\n\
         \x20     if (!f && j >= pos && (j >= len || o[8*j +: 8] != 8'd1)) begin skip_nop = j[5:0]; f = 1'b1; end\n\
         \x20 end\nendfunction\n",
    );
    // 1. capture
    v.push_str(
        "wire t_fire = t_tvalid & t_tready;\n\
         reg [767:0] cw; reg [3:0] cbeats; reg [7:0] clen; reg cbig; reg claunched;\n\
         reg pend; reg [7:0] pend_len; reg pend_big; reg pend_bad;\n\
         reg j_valid;\n/* verilator lint_off UNUSEDSIGNAL */\n// bytes 94 and 95 of the window are never part of a frame the engine answers\nreg [767:0] j_win;\n/* verilator lint_on UNUSEDSIGNAL */\nreg [7:0] j_len; reg j_big; reg j_bad;\n\
         wire [7:0] t_len = clen + {4'd0, kcount(t_tkeep)};\n\
         always @(posedge clock) begin\n\
         \x20 if (rst) begin cbeats <= 4'd0; clen <= 8'd0; cbig <= 1'b0; claunched <= 1'b0; pend <= 1'b0; j_valid <= 1'b0; end\n\
         \x20 else begin\n\
         \x20   pend <= 1'b0;\n    j_valid <= pend;\n\
         \x20   if (pend) begin j_win <= cw; j_len <= pend_len; j_big <= pend_big; j_bad <= pend_bad; end\n\
         \x20   if (t_fire) begin\n\
         \x20     if (cbeats < 4'd12) cw[64*cbeats +: 64] <= t_tdata;\n\
         \x20     if (t_tlast) begin\n\
         \x20       pend <= !claunched; pend_len <= t_len; pend_big <= cbig | (cbeats >= 4'd12) | (clen > 8'd96);\n\
         \x20       pend_bad <= t_bad; cbeats <= 4'd0; clen <= 8'd0; cbig <= 1'b0; claunched <= 1'b0;\n\
         \x20     end else begin\n\
         \x20       if (cbeats >= 4'd12) cbig <= 1'b1; else cbeats <= cbeats + 4'd1;\n\
         \x20       if (clen < 8'd200) clen <= clen + 8'd8;\n\
         \x20       // the 12th beat and more to come: too long to answer; decide now\n\
         \x20       // so the frame is not held until its end\n\
         \x20       if (cbeats == 4'd11 && !claunched) begin pend <= 1'b1; pend_big <= 1'b1; pend_bad <= 1'b0; pend_len <= 8'hff; claunched <= 1'b1; end\n\
         \x20     end\n    end\n  end\nend\n",
    );
    // 2. parse
    let w = "j_win";
    let mut tsum_words: Vec<String> = vec![
        be(w, 26, 2),
        be(w, 28, 2),
        be(w, 30, 2),
        be(w, 32, 2),
        "16'd6".into(),
        "j_tcplen".into(),
    ];
    for k in 0..29 {
        let (lo, hi) = (34 + 2 * k, 35 + 2 * k);
        tsum_words.push(format!(
            "{{(j_tcplen > 16'd{}) ? {} : 8'd0, (j_tcplen > 16'd{}) ? {} : 8'd0}}",
            2 * k,
            b(w, lo),
            2 * k + 1,
            b(w, hi)
        ));
    }
    let ip_words: Vec<String> = (0..10).map(|k| be(w, 14 + 2 * k, 2)).collect();
    let sum = |ws: &[String]| {
        ws.iter()
            .map(|x| format!("{{8'd0, {x}}}"))
            .collect::<Vec<_>>()
            .join(" + ")
    };
    let doff_bits = format!("{w}[{}:{}]", 8 * 46 + 7, 8 * 46 + 4);
    v.push_str(&format!(
        "wire [15:0] j_totlen = {tl};\nwire [15:0] j_tcplen = j_totlen - 16'd20;\n\
         reg p2_valid; reg p2_ipok; reg [15:0] p2_totlen; reg [3:0] p2_doff; reg [7:0] p2_flags;\n\
         reg [31:0] p2_src, p2_dst, p2_seq, p2_ack; reg [15:0] p2_sport, p2_dport, p2_win;\n\
         reg [47:0] p2_smac, p2_dmac; reg [319:0] p2_opts; reg [23:0] p2_ipsum; reg [23:0] p2_tsum [0:4];\n\
         always @(posedge clock) begin\n\
         \x20 if (rst) p2_valid <= 1'b0; else p2_valid <= j_valid;\n\
         \x20 p2_ipok <= !j_bad && !j_big && {et} == 16'h0800 && {vi} == 8'h45 && ({fr} & 16'h3fff) == 16'd0\n\
         \x20   && {pr} == 8'd6 && j_totlen >= 16'd40 && j_totlen + 16'd18 <= {{8'd0, j_len}};\n\
         \x20 p2_totlen <= j_totlen; p2_doff <= {doff}; p2_flags <= {fl};\n\
         \x20 p2_src <= {src}; p2_dst <= {dst}; p2_sport <= {sp}; p2_dport <= {dp};\n\
         \x20 p2_seq <= {seq}; p2_ack <= {ack}; p2_win <= {win};\n\
         \x20 p2_dmac <= {dmac}; p2_smac <= {smac};\n\
         \x20 p2_opts <= {w}[{ohi}:{olo}];\n\
         \x20 p2_ipsum <= {ipsum};\n",
        tl = be(w, 16, 2),
        et = be(w, 12, 2),
        vi = b(w, 14),
        fr = be(w, 20, 2),
        pr = b(w, 23),
        doff = doff_bits,
        fl = b(w, 47),
        src = be(w, 26, 4),
        dst = be(w, 30, 4),
        sp = be(w, 34, 2),
        dp = be(w, 36, 2),
        seq = be(w, 38, 4),
        ack = be(w, 42, 4),
        win = be(w, 48, 2),
        dmac = be(w, 0, 6),
        smac = be(w, 6, 6),
        ohi = 8 * 94 - 1,
        olo = 8 * 54,
        ipsum = sum(&ip_words),
    ));
    for (g, chunk) in tsum_words.chunks(7).enumerate() {
        v.push_str(&format!("  p2_tsum[{g}] <= {};\n", sum(chunk)));
    }
    v.push_str("end\n");
    // 3. classify
    let mut hit = Vec::new();
    for k in 0..l {
        let base = 64 * k;
        hit.push(format!(
            "(listen[{vb}] && listen[{pe}:{pb}] == p2_dport && (listen[{ae}:{ab}] == 32'd0 || listen[{ae}:{ab}] == p2_dst))",
            vb = base + 48,
            pe = base + 47,
            pb = base + 32,
            ae = base + 31,
            ab = base
        ));
    }
    v.push_str(&format!(
        "wire [23:0] p2_tsum_all = p2_tsum[0] + p2_tsum[1] + p2_tsum[2] + p2_tsum[3] + p2_tsum[4];\n\
         wire [15:0] p2_hdrlen = {{10'd0, p2_doff, 2'd0}};\n\
         wire [15:0] p2_tcplen = p2_totlen - 16'd20;\n\
         wire p2_lenok = p2_doff >= 4'd5 && p2_hdrlen <= p2_tcplen;\n\
         wire p2_ok = en && p2_ipok && p2_lenok && fold(p2_ipsum) == 16'hffff && fold(p2_tsum_all) == 16'hffff;\n\
         wire p2_hit = {hit};\n\
         wire p2_syn = (p2_flags & 8'h17) == 8'h02;\n\
         wire p2_pack = (p2_flags & 8'h17) == 8'h10 && p2_hdrlen == p2_tcplen;\n\
         // class: 0 pass, 1 SYN to a listened port, 2 SYN to a closed port (RST), 3 ACK to a listened port\n\
         wire [1:0] p2_class = !p2_ok ? 2'd0 : (p2_syn && p2_hit) ? 2'd1 : (p2_syn && rst_closed) ? 2'd2 : (p2_pack && p2_hit) ? 2'd3 : 2'd0;\n",
        hit = if hit.is_empty() {
            "1'b0".to_string()
        } else {
            hit.join(" ||\n    ")
        },
    ));
    // carried fields: class(2) CWR,ECE(2) src dst seq ack (128) sport dport win (48) smac dmac (96) payload(7) = 283
    v.push_str(
        "wire [282:0] p2_cf = {p2_class, p2_flags[7:6], p2_src, p2_dst, p2_seq, p2_ack, p2_sport, p2_dport, p2_win, p2_smac, p2_dmac, p2_tcplen[6:0] - p2_hdrlen[6:0]};\n",
    );
    // 4. option walk: stage 0 is the classify register
    v.push_str(
        "reg w0_valid; reg [282:0] w0_cf; reg [319:0] w0_o; reg [5:0] w0_len; reg [5:0] w0_pos; reg w0_done;\n\
         reg [15:0] w0_mss; reg w0_mss_seen; reg [3:0] w0_ws; reg w0_ws_seen; reg w0_sack; reg w0_ts; reg [31:0] w0_tsval; reg [31:0] w0_tsecr;\n\
         always @(posedge clock) begin\n\
         \x20 if (rst) w0_valid <= 1'b0; else w0_valid <= p2_valid;\n\
         \x20 w0_cf <= p2_cf; w0_o <= p2_opts; w0_len <= p2_lenok ? p2_hdrlen[5:0] - 6'd20 : 6'd0;\n\
         \x20 w0_pos <= 6'd0; w0_done <= 1'b0; w0_mss_seen <= 1'b0; w0_ws_seen <= 1'b0; w0_sack <= 1'b0; w0_ts <= 1'b0;\n\
         \x20 w0_mss <= 16'd0; w0_ws <= 4'd0; w0_tsval <= 32'd0; w0_tsecr <= 32'd0;\nend\n",
    );
    for s in 1..=WALK {
        let q = s - 1;
        v.push_str(&format!(
            "wire [511:0] w{q}_pad = {{192'd0, w{q}_o}};\n\
             wire [5:0] w{q}_p = skip_nop(w{q}_o, w{q}_pos, w{q}_len);\n\
             wire [7:0] w{q}_kind = w{q}_pad[8*w{q}_p +: 8];\n\
             wire [7:0] w{q}_size = w{q}_pad[8*(w{q}_p + 6'd1) +: 8];\n\
             wire [8:0] w{q}_end = {{3'd0, w{q}_p}} + {{1'd0, w{q}_size}};\n\
             wire [63:0] w{q}_val = w{q}_pad[8*(w{q}_p + 6'd2) +: 64];\n\
             wire w{q}_stop = w{q}_done || w{q}_p >= w{q}_len || w{q}_kind == 8'd0 || w{q}_p + 6'd1 >= w{q}_len\n\
             \x20 || w{q}_size < 8'd2 || w{q}_end > {{3'd0, w{q}_len}};\n\
             reg w{s}_valid; reg [282:0] w{s}_cf; reg [319:0] w{s}_o; reg [5:0] w{s}_len; reg [5:0] w{s}_pos; reg w{s}_done;\n\
             reg [15:0] w{s}_mss; reg w{s}_mss_seen; reg [3:0] w{s}_ws; reg w{s}_ws_seen; reg w{s}_sack; reg w{s}_ts; reg [31:0] w{s}_tsval; reg [31:0] w{s}_tsecr;\n\
             always @(posedge clock) begin\n\
             \x20 if (rst) w{s}_valid <= 1'b0; else w{s}_valid <= w{q}_valid;\n\
             \x20 w{s}_cf <= w{q}_cf; w{s}_o <= w{q}_o; w{s}_len <= w{q}_len;\n\
             \x20 w{s}_mss <= w{q}_mss; w{s}_mss_seen <= w{q}_mss_seen; w{s}_ws <= w{q}_ws; w{s}_ws_seen <= w{q}_ws_seen;\n\
             \x20 w{s}_sack <= w{q}_sack; w{s}_ts <= w{q}_ts; w{s}_tsval <= w{q}_tsval; w{s}_tsecr <= w{q}_tsecr;\n\
             \x20 w{s}_done <= w{q}_stop; w{s}_pos <= w{q}_stop ? w{q}_pos : w{q}_end[5:0];\n\
             \x20 if (!w{q}_stop) begin\n\
             \x20   if (w{q}_kind == 8'd2 && w{q}_size == 8'd4 && {{w{q}_val[7:0], w{q}_val[15:8]}} != 16'd0) begin w{s}_mss <= {{w{q}_val[7:0], w{q}_val[15:8]}}; w{s}_mss_seen <= 1'b1; end\n\
             \x20   if (w{q}_kind == 8'd3 && w{q}_size == 8'd3) begin w{s}_ws <= (w{q}_val[7:0] > 8'd14) ? 4'd14 : w{q}_val[3:0]; w{s}_ws_seen <= 1'b1; end\n\
             \x20   if (w{q}_kind == 8'd4 && w{q}_size == 8'd2) w{s}_sack <= 1'b1;\n\
             \x20   if (w{q}_kind == 8'd8 && w{q}_size == 8'd10) begin w{s}_ts <= 1'b1;\n\
             \x20     w{s}_tsval <= {{w{q}_val[7:0], w{q}_val[15:8], w{q}_val[23:16], w{q}_val[31:24]}};\n\
             \x20     w{s}_tsecr <= {{w{q}_val[39:32], w{q}_val[47:40], w{q}_val[55:48], w{q}_val[63:56]}}; end\n\
             \x20 end\nend\n"
        ));
    }
    // 5. decision and cookie launch
    let n = WALK;
    v.push_str(&format!(
        "wire [511:0] wl_pad = {{192'd0, w{n}_o}};\n\
         wire [5:0] wl_p = skip_nop(w{n}_o, w{n}_pos, w{n}_len);\n\
         wire wl_over = !w{n}_done && wl_p < w{n}_len && wl_pad[8*wl_p +: 8] != 8'd0 && wl_p + 6'd1 < w{n}_len;\n\
         wire [1:0] wl_class = wl_over ? 2'd0 : w{n}_cf[282:281];\n\
         always @(posedge clock) begin\n\
         \x20 if (rst) begin d_valid <= 1'b0; d_consume <= 1'b0; end\n\
         \x20 else begin d_valid <= w{n}_valid; d_consume <= w{n}_valid && (wl_class == 2'd1 || wl_class == 2'd2); end\nend\n"
    ));
    // the cookie unit, inlined; its tag carries what the frame builders need
    // tag: class(2) CWR,ECE(2) src dst seq ack sport dport win smac dmac payload(7)
    //      ws_seen(1) sack(1) ts(1) tsval(32) tsecr(32) = 350
    let t = 350;
    for p in syn_cookie::PORTS {
        let (width, out) = match p {
            "key0" | "key1" => (128, false),
            "in_valid" | "op_check" | "wscale_ok" | "sack" | "ecn" => (1, false),
            "saddr" | "daddr" | "seq" | "ack" | "count" | "ts_now" => (32, false),
            "sport" | "dport" | "mss" => (16, false),
            "wscale" => (4, false),
            "ts_opts" => (6, false),
            "tag_in" => (t, false),
            "out_valid" | "out_check" | "ok" | "ts_sack" | "ts_ecn" => (1, true),
            "isn" | "tsval" => (32, true),
            "mss_out" => (16, true),
            "ts_wscale" => (4, true),
            "tag_out" => (t, true),
            _ => unreachable!("{p}"),
        };
        v.push_str(&format!(
            "{} [{}:0] ck_{p};\n",
            if out { "reg" } else { "wire" },
            width - 1
        ));
    }
    v.push_str(&format!(
        "assign ck_key0 = key0; assign ck_key1 = key1;\n\
         assign ck_in_valid = w{n}_valid && wl_class != 2'd0;\n\
         assign ck_op_check = wl_class == 2'd3;\n\
         assign ck_saddr = w{n}_cf[278:247]; assign ck_daddr = w{n}_cf[246:215];\n\
         assign ck_seq = w{n}_cf[214:183]; assign ck_ack = w{n}_cf[182:151];\n\
         assign ck_sport = w{n}_cf[150:135]; assign ck_dport = w{n}_cf[134:119];\n\
         assign ck_count = count; assign ck_ts_now = ts_now;\n\
         assign ck_mss = w{n}_mss_seen ? w{n}_mss : 16'd536;\n\
         assign ck_wscale_ok = w{n}_ws_seen; assign ck_wscale = w{n}_ws; assign ck_sack = w{n}_sack;\n\
         assign ck_ecn = w{n}_cf[280] & w{n}_cf[279];\n\
         assign ck_ts_opts = w{n}_tsecr[5:0];\n\
         assign ck_tag_in = {{wl_class, w{n}_cf[280:279], w{n}_cf[278:0], w{n}_ws_seen, w{n}_sack, w{n}_ts, w{n}_tsval, w{n}_tsecr}};\n"
    ));
    v.push_str(&syn_cookie::cookie_verilog_prefixed(t, "ck_"));
    // 6. frame builders, FIFOs
    v.push_str(
        "wire [1:0] o_class = ck_tag_out[349:348];\n\
         wire [1:0] o_cwr_ece = ck_tag_out[347:346];\n\
         wire [31:0] o_src = ck_tag_out[345:314];\n\
         wire [31:0] o_dst = ck_tag_out[313:282];\n\
         wire [31:0] o_seq = ck_tag_out[281:250];\n\
         wire [31:0] o_ack = ck_tag_out[249:218];\n\
         wire [15:0] o_sport = ck_tag_out[217:202];\n\
         wire [15:0] o_dport = ck_tag_out[201:186];\n\
         wire [15:0] o_win = ck_tag_out[185:170];\n\
         wire [47:0] o_smac = ck_tag_out[169:122];\n\
         wire [47:0] o_dmac = ck_tag_out[121:74];\n\
         wire [6:0] o_payload = ck_tag_out[73:67];\n\
         wire o_ws_seen = ck_tag_out[66];\n\
         wire o_sack = ck_tag_out[65];\n\
         wire o_ts = ck_tag_out[64];\n\
         wire [31:0] o_tsval = ck_tag_out[63:32];\n\
         wire [31:0] o_tsecr = ck_tag_out[31:0];\n\
         wire o_syn = o_class == 2'd1;\n\
         wire o_ece = o_syn && o_ts && o_cwr_ece == 2'b11;\n\
         wire [7:0] o_optlen = !o_syn ? 8'd0 : !o_ts ? 8'd4 : o_ws_seen ? 8'd20 : 8'd16;\n\
         wire [15:0] o_totlen = 16'd40 + {8'd0, o_optlen};\n\
         wire [7:0] o_doffb = {(4'd5 + o_optlen[5:2]), 4'd0};\n\
         wire [7:0] o_tflags = o_syn ? (o_ece ? 8'h52 : 8'h12) : 8'h14;\n\
         wire [31:0] o_tseq = o_syn ? ck_isn : 32'd0;\n\
         wire [31:0] o_tack = o_seq + 32'd1 + (o_syn ? 32'd0 : {25'd0, o_payload});\n\
         wire [15:0] o_twin = o_syn ? our_window : 16'd0;\n\
         wire [159:0] o_opts = !o_syn ? 160'd0 : {\n\
         \x20   (o_ts && o_ws_seen) ? {8'd1, 8'd3, 8'd3, 4'd0, our_wscale} : 32'd0,\n\
         \x20   o_ts ? o_tsval : 32'd0,\n\
         \x20   o_ts ? ck_tsval : 32'd0,\n\
         \x20   o_ts ? (o_sack ? 32'h0402080a : 32'h0101080a) : 32'd0,\n\
         \x20   8'd2, 8'd4, our_mss};\n",
    );
    // o_opts holds option bytes big-endian per 32-bit group, group 0 in the
    // low bits: group g is option bytes 4g..4g+3
    let mut ip_w: Vec<String> = vec![
        "16'h4500".into(),
        "o_totlen".into(),
        "16'h0000".into(),
        "16'h4000".into(),
        "{ttl, 8'd6}".into(),
        "o_dst[31:16]".into(),
        "o_dst[15:0]".into(),
        "o_src[31:16]".into(),
        "o_src[15:0]".into(),
    ];
    let ip_sum = ip_w
        .drain(..)
        .map(|x| format!("{{8'd0, {x}}}"))
        .collect::<Vec<_>>()
        .join(" + ");
    let mut tcp_w: Vec<String> = vec![
        "o_dst[31:16]".into(),
        "o_dst[15:0]".into(),
        "o_src[31:16]".into(),
        "o_src[15:0]".into(),
        "16'd6".into(),
        "o_totlen - 16'd20".into(),
        "o_dport".into(),
        "o_sport".into(),
        "o_tseq[31:16]".into(),
        "o_tseq[15:0]".into(),
        "o_tack[31:16]".into(),
        "o_tack[15:0]".into(),
        "{o_doffb, o_tflags}".into(),
        "o_twin".into(),
    ];
    for g in 0..5 {
        tcp_w.push(format!("o_opts[{}:{}]", 32 * g + 31, 32 * g + 16));
        tcp_w.push(format!("o_opts[{}:{}]", 32 * g + 15, 32 * g));
    }
    let tcp_sum = tcp_w
        .iter()
        .map(|x| format!("{{8'd0, {x}}}"))
        .collect::<Vec<_>>()
        .join(" + ");
    v.push_str(&format!(
        "wire [15:0] o_ipck = ~fold({ip_sum});\nwire [15:0] o_tcpck = ~fold({tcp_sum});\n"
    ));
    // the frame, byte 0 first, as big-endian fields
    let fields: Vec<String> = vec![
        "o_smac".into(),
        "o_dmac".into(),
        "16'h0800".into(),
        "16'h4500".into(),
        "o_totlen".into(),
        "16'h0000".into(),
        "16'h4000".into(),
        "ttl".into(),
        "8'd6".into(),
        "o_ipck".into(),
        "o_dst".into(),
        "o_src".into(),
        "o_dport".into(),
        "o_sport".into(),
        "o_tseq".into(),
        "o_tack".into(),
        "o_doffb".into(),
        "o_tflags".into(),
        "o_twin".into(),
        "o_tcpck".into(),
        "16'h0000".into(),
        "o_opts[31:0]".into(),
        "o_opts[63:32]".into(),
        "o_opts[95:64]".into(),
        "o_opts[127:96]".into(),
        "o_opts[159:128]".into(),
        "48'd0".into(),
    ];
    // big-endian concatenation of the fields is the frame with byte 0 in
    // the top bits: 80 bytes; reverse the bytes for the stream
    v.push_str(&format!(
        "wire [639:0] o_be = {{{}}};\nwire [639:0] o_frame;\ngenvar gi;\n\
         generate for (gi = 0; gi < 80; gi = gi + 1) begin : rev\n\
         \x20 assign o_frame[8*gi +: 8] = o_be[639 - 8*gi -: 8];\nend endgenerate\n\
         wire [6:0] o_len = (o_totlen[6:0] + 7'd14 < 7'd60) ? 7'd60 : o_totlen[6:0] + 7'd14;\n",
        fields.join(", ")
    ));
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
         wire [{hw}:0] o_rec = {{20'd0, (o_sndws != 4'hf) ? our_wscale : 4'd0, o_sndws, 1'b0, o_ts & ck_ts_ecn, o_ts & ck_ts_sack, o_ts,\n\
         \x20 o_ts ? o_tsecr : 32'd0, o_ts ? o_tsval : 32'd0, ck_mss_out, o_win, o_seq - 32'd1, o_ack - 32'd1,\n\
         \x20 o_sport, o_dport, o_dst, o_src}};\n\
         always @(posedge clock) begin\n\
         \x20 ev <= 8'd0;\n\
         \x20 if (rst) begin gwp <= 0; grp <= 0; gbeat <= 4'd0; hwp <= 0; hrp <= 0; end\n\
         \x20 else begin\n\
         \x20   if (o_genv) begin\n\
         \x20     if (!g_full) begin gm[gwp[{gd1}:0]] <= {{o_len, o_frame}}; gwp <= gwp + 1'b1; end\n\
         \x20     else ev[7] <= 1'b1;\n\
         \x20     if (o_class == 2'd1) ev[1] <= !g_full; else ev[2] <= !g_full;\n\
         \x20   end\n\
         \x20   if (o_ackv) begin\n\
         \x20     if (ck_ok) begin ev[3] <= 1'b1;\n\
         \x20       if (!h_full) begin hm[hwp[{hd1}:0]] <= o_rec; hwp <= hwp + 1'b1; ev[5] <= 1'b1; end else ev[6] <= 1'b1;\n\
         \x20     end else ev[4] <= 1'b1;\n\
         \x20   end\n\
         \x20   if (w{n}_valid && wl_class == 2'd1) ev[0] <= 1'b1;\n\
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
