//! The Verilog of [`crate::handshake::engine::HandshakeEngine`]: capture
//! window, parse, checksums, listen-table match, option walk, cookie unit
//! instance, SYN-ACK/RST builder and the two FIFOs, written as text with
//! the widths and depths filled in at generation time.

use crate::handshake::{syn_cookie, syn_cookie_verilog};

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
         \x20   y = {8'd0, x[15:0]} + {16'd0, x[23:16]};\n    y = {8'd0, y[15:0]} + {16'd0, y[23:16]};\n    fold = y[15:0];\n  end\nendfunction\n",
    );
    // 1. capture: the window of each frame; the parse stage reads it in
    // the `pend` cycle, before the next frame's first beat overwrites it
    v.push_str(
        "wire t_fire = t_tvalid & t_tready;\n\
         /* verilator lint_off UNUSEDSIGNAL */\n// bytes 94 and 95 of the window are never part of a frame the engine answers\nreg [767:0] cw;\n/* verilator lint_on UNUSEDSIGNAL */\nreg [3:0] cbeats; reg [7:0] clen; reg cbig; reg claunched;\n\
         reg pend; reg [7:0] pend_len; reg pend_big; reg pend_bad;\n\
         wire [7:0] t_len = clen + {4'd0, kcount(t_tkeep)};\n\
         always @(posedge clock) begin\n\
         \x20 if (rst) begin cbeats <= 4'd0; clen <= 8'd0; cbig <= 1'b0; claunched <= 1'b0; pend <= 1'b0; end\n\
         \x20 else begin\n\
         \x20   pend <= 1'b0;\n\
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
    // 2. parse (only in a `pend` cycle)
    let w = "cw";
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
         wire [15:0] j_hdrlen = {{10'd0, {doff}, 2'd0}};\n\
         wire j_lenok = {doff} >= 4'd5 && j_hdrlen <= j_tcplen;\n\
         reg p2_valid; reg p2_cand; reg p2_ipok; reg p2_lenok; reg p2_hit; reg [15:0] p2_totlen; reg [3:0] p2_doff; reg [7:0] p2_flags; reg [5:0] p2_olen;\n\
         reg [31:0] p2_src, p2_dst, p2_seq, p2_ack; reg [15:0] p2_sport, p2_dport, p2_win;\n\
         reg [47:0] p2_smac, p2_dmac; reg [319:0] p2_opts; reg [23:0] p2_ipsum; reg [23:0] p2_tsum [0:4];\n\
         always @(posedge clock) begin\n\
         \x20 if (rst) p2_valid <= 1'b0; else p2_valid <= pend;\n\
         \x20 if (pend) begin\n\
         \x20 p2_ipok <= !pend_bad && !pend_big && {et} == 16'h0800 && {vi} == 8'h45 && ({fr} & 16'h3fff) == 16'd0\n\
         \x20   && {pr} == 8'd6 && j_totlen >= 16'd40 && j_totlen + 16'd18 <= {{8'd0, pend_len}};\n\
         \x20 p2_lenok <= j_lenok; p2_olen <= j_lenok ? j_hdrlen[5:0] - 6'd20 : 6'd0;\n\
         \x20 // a frame the walker may need (every frame of a class to answer is\n\
         \x20 // one): the walker's facts are computed only for these\n\
         \x20 p2_cand <= !pend_bad && !pend_big && {et} == 16'h0800 && {vi} == 8'h45 && {pr} == 8'd6\n\
         \x20   && (({fl} & 8'h17) == 8'h02 || ({fl} & 8'h17) == 8'h10);\n\
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
    // the listen table is matched in the parse stage too (from the window:
    // dport is bytes 36-37, the destination address bytes 30-33), so its
    // 64 comparators work only in a `pend` clock
    let mut hit = Vec::new();
    for k in 0..l {
        let base = 64 * k;
        hit.push(format!(
            "(listen[{vb}] && listen[{pe}:{pb}] == {dp} && (listen[{ae}:{ab}] == 32'd0 || listen[{ae}:{ab}] == {dst}))",
            vb = base + 48,
            pe = base + 47,
            pb = base + 32,
            ae = base + 31,
            ab = base,
            dp = be(w, 36, 2),
            dst = be(w, 30, 4),
        ));
    }
    v.push_str(&format!(
        "  p2_hit <= {};\n",
        if hit.is_empty() {
            "1'b0".to_string()
        } else {
            hit.join(" ||\n    ")
        }
    ));
    for (g, chunk) in tsum_words.chunks(7).enumerate() {
        v.push_str(&format!("  p2_tsum[{g}] <= {};\n", sum(chunk)));
    }
    v.push_str("  end\nend\n");
    // 3. classify
    v.push_str(
        "wire [23:0] p2_tsum_all = p2_tsum[0] + p2_tsum[1] + p2_tsum[2] + p2_tsum[3] + p2_tsum[4];\n\
         wire [15:0] p2_hdrlen = {10'd0, p2_doff, 2'd0};\n\
         wire [15:0] p2_tcplen = p2_totlen - 16'd20;\n\
         wire p2_ok = en && p2_ipok && p2_lenok && fold(p2_ipsum) == 16'hffff && fold(p2_tsum_all) == 16'hffff;\n\
         wire p2_syn = (p2_flags & 8'h17) == 8'h02;\n\
         wire p2_pack = (p2_flags & 8'h17) == 8'h10 && p2_hdrlen == p2_tcplen;\n\
         // class: 0 pass, 1 SYN to a listened port, 2 SYN to a closed port (RST), 3 ACK to a listened port\n\
         wire [1:0] p2_class = !p2_ok ? 2'd0 : (p2_syn && p2_hit) ? 2'd1 : (p2_syn && rst_closed) ? 2'd2 : (p2_pack && p2_hit) ? 2'd3 : 2'd0;\n",
    );
    // carried fields: class(2) CWR,ECE(2) src dst seq ack (128) sport dport win (48) smac dmac (96) payload(7) = 283
    v.push_str(
        "wire [282:0] p2_cf = {p2_class, p2_flags[7:6], p2_src, p2_dst, p2_seq, p2_ack, p2_sport, p2_dport, p2_win, p2_smac, p2_dmac, p2_tcplen[6:0] - p2_hdrlen[6:0]};\n",
    );
    // 4. option walk and 5. the decision
    v.push_str(&crate::handshake::engine_walk::walk_verilog());
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
    // x_cf: wk_cf without the class; x_s: {mss(87:72), mss_seen(71), ws(70:67),
    // ws_seen(66), sack(65), ts(64), tsval(63:32), tsecr(31:0)}
    v.push_str(
        "assign ck_key0 = key0; assign ck_key1 = key1;\n\
         assign ck_in_valid = x_class != 2'd0;\n\
         assign ck_op_check = x_class == 2'd3;\n\
         assign ck_saddr = x_cf[278:247]; assign ck_daddr = x_cf[246:215];\n\
         assign ck_seq = x_cf[214:183]; assign ck_ack = x_cf[182:151];\n\
         assign ck_sport = x_cf[150:135]; assign ck_dport = x_cf[134:119];\n\
         assign ck_count = count; assign ck_ts_now = ts_now;\n\
         assign ck_mss = x_s[71] ? x_s[87:72] : 16'd536;\n\
         assign ck_wscale_ok = x_s[66]; assign ck_wscale = x_s[70:67]; assign ck_sack = x_s[65];\n\
         assign ck_ecn = x_cf[280] & x_cf[279];\n\
         assign ck_ts_opts = x_s[5:0];\n\
         assign ck_tag_in = {x_class, x_cf[280:279], x_cf[278:0], x_s[66], x_s[65], x_s[64], x_s[63:0]};\n",
    );
    v.push_str(&syn_cookie_verilog::cookie_verilog_prefixed(t, "ck_"));
    // 6. frame builders, FIFOs
    v.push_str(&crate::handshake::engine_build::builder_verilog(gd, hd));
    v
}
