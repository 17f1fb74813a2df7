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
         \x20 endcase\nendfunction\n",
    );
    // 1. capture: the window of each frame, one 64-bit slot per beat
    // under its own enable; the parse stage reads it in the `pend` cycle,
    // before the next frame's first beat overwrites it
    v.push_str(
        "wire t_fire = t_tvalid & t_tready;\n\
         /* verilator lint_off UNUSEDSIGNAL */\n// bytes 94 and 95 of the window are never part of a frame the engine answers\nreg [767:0] cw;\n/* verilator lint_on UNUSEDSIGNAL */\nreg [3:0] cbeats; reg [7:0] clen; reg cbig; reg claunched;\n\
         reg pend; reg [7:0] pend_len; reg pend_big; reg pend_bad;\n\
         // `pend` for a frame of 58 bytes or more (one the walker may take): a\n\
         // flip-flop, so w1's load enable (240 flip-flops) is no compare of\n\
         // `pend_len` (the ECP5 critical path on seed 3, 76.8 MHz, 5.4 ns of\n\
         // routing to the w1 slices)\n\
         reg pend_w;\n\
         wire [7:0] t_len = clen + {4'd0, kcount(t_tkeep)};\n\
         // t_len >= 58 without the add (clen is a multiple of 8: it counts\n\
         // whole beats up to 200), so the compare adds no level to t_len's\n\
         wire t_ge58 = clen > 8'd56 || (clen == 8'd56 && kcount(t_tkeep) >= 4'd2);\n\
         always @(posedge clock) begin\n",
    );
    for b in 0..12 {
        v.push_str(&format!(
            "  if (t_fire && cbeats == 4'd{b}) cw[{}:{}] <= t_tdata;\n",
            64 * b + 63,
            64 * b
        ));
    }
    v.push_str(
        "  if (rst) begin cbeats <= 4'd0; clen <= 8'd0; cbig <= 1'b0; claunched <= 1'b0; pend <= 1'b0; pend_w <= 1'b0; end\n\
         \x20 else begin\n\
         \x20   pend <= 1'b0; pend_w <= 1'b0;\n\
         \x20   if (t_fire) begin\n\
         \x20     if (t_tlast) begin\n\
         \x20       pend <= !claunched; pend_w <= !claunched && t_ge58; pend_len <= t_len; pend_big <= cbig | (cbeats >= 4'd12) | (clen > 8'd96);\n\
         \x20       pend_bad <= t_bad; cbeats <= 4'd0; clen <= 8'd0; cbig <= 1'b0; claunched <= 1'b0;\n\
         \x20     end else begin\n\
         \x20       if (cbeats >= 4'd12) cbig <= 1'b1; else cbeats <= cbeats + 4'd1;\n\
         \x20       if (clen < 8'd200) clen <= clen + 8'd8;\n\
         \x20       // the 12th beat and more to come: too long to answer; decide now\n\
         \x20       // so the frame is not held until its end\n\
         \x20       if (cbeats == 4'd11 && !claunched) begin pend <= 1'b1; pend_w <= 1'b1; pend_big <= 1'b1; pend_bad <= 1'b0; pend_len <= 8'hff; claunched <= 1'b1; end\n\
         \x20     end\n    end\n  end\nend\n",
    );
    // the checksums, summed as the beats arrive: per beat the IPv4 header
    // words (bytes 14..33) and the TCP words (the addresses at bytes
    // 26..33, then the segment up to the IPv4 total length) go through
    // two pair-sum stages into 24-bit accumulators, which hold a frame's
    // sums 3 clocks after its closing beat (the clock after its parse).
    // The byte masks are registered one beat ahead: `c_left` is the count
    // of TCP bytes from this beat's first, `m_t` (bytes) and `m_i` (words)
    // say what this beat adds
    let mut tw = Vec::new();
    let mut iw = Vec::new();
    let mut masks = String::new();
    for i in 0..4 {
        let (hi, lo) = (
            format!("t_tdata[{}:{}]", 16 * i + 7, 16 * i),
            format!("t_tdata[{}:{}]", 16 * i + 15, 16 * i + 8),
        );
        tw.push(format!(
            "{{m_t[{}] ? {hi} : 8'd0, m_t[{}] ? {lo} : 8'd0}}",
            2 * i,
            2 * i + 1
        ));
        iw.push(format!("(m_i[{i}] ? {{{hi}, {lo}}} : 16'd0)"));
        // IPv4 word i is in beats 2 and 3, and word 3 of beat 1, word 0 of beat 4
        let now = match i {
            0 => "cbeats == 4'd1 || cbeats == 4'd2 || cbeats == 4'd3",
            3 => "cbeats == 4'd0 || cbeats == 4'd1 || cbeats == 4'd2",
            _ => "cbeats == 4'd1 || cbeats == 4'd2",
        };
        masks.push_str(&format!("\x20   m_i[{i}] <= !t_tlast && ({now});\n"));
    }
    for k in 0..8 {
        // beat 3 from the total length (its bytes 0..1 are not TCP's), later
        // beats from `c_left`, 8 fewer each
        let b3 = if k >= 2 {
            format!(
                "(cbeats == 4'd2 && (t_tdata[7:0] != 8'd0 || t_tdata[15:8] > 8'd{}))",
                k + 10
            )
        } else {
            "1'b0".to_string()
        };
        masks.push_str(&format!(
            "\x20   m_t[{k}] <= !t_tlast && ({b3} || (cbeats >= 4'd3 && cbeats < 4'd11 && c_left > 8'd{}));\n",
            k + 8
        ));
    }
    v.push_str(&format!(
        "reg [7:0] c_left; reg [7:0] m_t; reg [3:0] m_i;\n\
         reg s1_v, s1_first, s2_v, s2_first; reg [16:0] s1_t01, s1_t23, s1_i01, s1_i23; reg [17:0] s2_t, s2_i;\n\
         reg [23:0] cs_t, cs_i;\n\
         always @(posedge clock) begin\n\
         \x20 if (rst) begin s1_v <= 1'b0; s2_v <= 1'b0; m_t <= 8'd0; m_i <= 4'd0; end\n\
         \x20 else begin\n\
         \x20   s1_v <= t_fire; s2_v <= s1_v;\n\
         \x20   if (t_fire) begin\n{masks}\
         \x20   end\n\
         \x20 end\n\
         \x20 if (t_fire) begin\n\
         \x20   // the total length is bytes 16..17 (beat 2); 14 + it - 24 bytes remain at beat 3\n\
         \x20   if (cbeats == 4'd2) c_left <= (t_tdata[7:0] != 8'd0) ? 8'd200 : (t_tdata[15:8] < 8'd10) ? 8'd0 : t_tdata[15:8] - 8'd10;\n\
         \x20   else c_left <= (c_left > 8'd8) ? c_left - 8'd8 : 8'd0;\n\
         \x20   s1_first <= cbeats == 4'd0;\n\
         \x20   s1_t01 <= {{1'b0, {t0}}} + {{1'b0, {t1}}};\n\
         \x20   s1_t23 <= {{1'b0, {t2}}} + {{1'b0, {t3}}};\n\
         \x20   s1_i01 <= {{1'b0, {i0}}} + {{1'b0, {i1}}};\n\
         \x20   s1_i23 <= {{1'b0, {i2}}} + {{1'b0, {i3}}};\n\
         \x20 end\n\
         \x20 if (s1_v) begin\n\
         \x20   s2_first <= s1_first; s2_t <= {{1'b0, s1_t01}} + {{1'b0, s1_t23}}; s2_i <= {{1'b0, s1_i01}} + {{1'b0, s1_i23}};\n\
         \x20 end\n\
         \x20 if (s2_v) begin\n\
         \x20   cs_t <= (s2_first ? 24'd0 : cs_t) + {{6'd0, s2_t}}; cs_i <= (s2_first ? 24'd0 : cs_i) + {{6'd0, s2_i}};\n\
         \x20 end\n\
         end\n",
        t0 = tw[0],
        t1 = tw[1],
        t2 = tw[2],
        t3 = tw[3],
        i0 = iw[0],
        i1 = iw[1],
        i2 = iw[2],
        i3 = iw[3],
    ));
    // 2. parse (only in a `pend` cycle)
    let w = "cw";
    let doff_bits = format!("{w}[{}:{}]", 8 * 46 + 7, 8 * 46 + 4);
    v.push_str(&format!(
        "wire [15:0] j_totlen = {tl};\n\
         // the TCP data offset (header length in 32-bit words), also read by the walker's w1\n\
         wire [3:0] j_doff = {doff};\n\
         wire [6:0] j_hl20 = {{1'b0, j_doff, 2'd0}} + 7'd20;\n\
         wire j_ip = !pend_bad && !pend_big && {et} == 16'h0800 && {vi} == 8'h45 && {pr} == 8'd6;\n\
         reg p2_valid; reg p2_cand; reg p2_base; reg [7:0] p2_len; reg [6:0] p2_hl20; reg p2_syn; reg p2_ack1; reg p2_nopay; reg [15:0] p2_totlen; reg [3:0] p2_doff; reg [1:0] p2_cwe; reg [5:0] p2_olen;\n\
         reg [31:0] p2_src, p2_dst, p2_seq, p2_ack; reg [15:0] p2_sport, p2_dport, p2_win;\n\
         reg [47:0] p2_smac, p2_dmac;\n\
         always @(posedge clock) begin\n\
         \x20 if (rst) p2_valid <= 1'b0; else p2_valid <= pend;\n\
         \x20 if (pend) begin\n\
         \x20 // the lengths are checked in the next clock (q1_base)\n\
         \x20 p2_base <= j_ip && j_doff >= 4'd5 && ({fr} & 16'h3fff) == 16'd0; p2_len <= pend_len; p2_hl20 <= j_hl20;\n\
         \x20 p2_olen <= (j_doff >= 4'd5) ? {{j_doff, 2'd0}} - 6'd20 : 6'd0;\n\
         \x20 p2_syn <= ({fl} & 8'h17) == 8'h02; p2_ack1 <= ({fl} & 8'h17) == 8'h10;\n\
         \x20 p2_nopay <= j_totlen == {{9'd0, j_hl20}};\n\
         \x20 // a frame the walker may need (every frame of a class to answer is\n\
         \x20 // one, and each has at least 58 bytes, so 8 beats)\n\
         \x20 p2_cand <= j_ip && pend_w && (({fl} & 8'h17) == 8'h02 || ({fl} & 8'h17) == 8'h10);\n\
         \x20 p2_totlen <= j_totlen; p2_doff <= j_doff; p2_cwe <= {w}[383:382];\n\
         \x20 p2_src <= {src}; p2_dst <= {dst}; p2_sport <= {sp}; p2_dport <= {dp};\n\
         \x20 p2_seq <= {seq}; p2_ack <= {ack}; p2_win <= {win};\n\
         \x20 p2_dmac <= {dmac}; p2_smac <= {smac};\n\
         ",
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
    ));
    // the listen table is matched in the clock after the parse: one match
    // bit per entry, ORed in the next clock (the 64 comparators on the
    // window's bits were the ECP5 critical path). The first half of the
    // entries read the parse's port and address (p2_dport, p2_dst), the
    // second half a copy loaded with them (one register feeding all 64
    // comparators was the next: 9.6 ns of routing at 71.2 MHz). The copy
    // resets, which the parse registers do not, so synthesis cannot merge
    // it back (a copy differing only in its initial value was merged).
    // Not more copies: yosys merges flip-flops bit by bit, so copies that
    // reset to different words still merge wherever the words agree.
    let half = l.div_ceil(2);
    let mut hit_block = format!(
        "wire [47:0] lk0 = {{p2_dport, p2_dst}};\n\
         reg [47:0] lk1;\n\
         always @(posedge clock)\n\
         \x20 if (rst) lk1 <= 48'd0;\n\
         \x20 else if (pend) lk1 <= {{{dp}, {dst}}};\n\
         always @(posedge clock) begin\n\
         \x20 if (p2_valid) begin\n",
        dp = be(w, 36, 2),
        dst = be(w, 30, 4),
    );
    for k in 0..l {
        let (base, key) = (64 * k, if k < half { "lk0" } else { "lk1" });
        hit_block.push_str(&format!(
            "    hv[{k}] <= listen[{vb}] && listen[{pe}:{pb}] == {key}[47:32] && (listen[{ae}:{ab}] == 32'd0 || listen[{ae}:{ab}] == {key}[31:0]);\n",
            vb = base + 48,
            pe = base + 47,
            pb = base + 32,
            ae = base + 31,
            ab = base,
        ));
    }
    hit_block.push_str("  end\nend\n");
    let hit_block = if l == 0 {
        "reg [0:0] hv;\nalways @(posedge clock) hv <= 1'b0;\n".to_string()
    } else {
        format!("reg [{}:0] hv;\n{hit_block}", l - 1)
    };
    v.push_str("  end\nend\n");
    v.push_str(&hit_block);
    // 3. classify, over four clocks after the parse (the checksums are
    // complete in the first): `q*` carry the parse's verdicts beside the
    // folded sums; a sum of 16-bit words folds to 0xffff exactly when
    // its first fold (low 16 bits plus the carries) is 0x0ffff
    v.push_str(
        "// the payload's length (bits 6:0; an ACK the engine answers has at most 38 bytes)\n\
         wire [6:0] p2_pay = p2_totlen[6:0] - 7'd20 - {1'b0, p2_doff, 2'd0};\n\
         reg q1_base, q1_sh, q1_sc, q1_ah, q2_base, q2_sh, q2_sc, q2_ah, q3_base, q3_sh, q3_sc, q3_ah, q4_base, q4_sh, q4_sc, q4_ah;\n\
         reg [15:0] q1_pseudo; reg [23:0] r_t; reg [16:0] r_yi, r_yt; reg r_oki, r_oki4, r_okt;\n\
         // class: 0 pass, 1 SYN to a listened port, 2 SYN to a closed port (RST), 3 ACK to a listened port\n\
         reg [1:0] cl_class;\n\
         always @(posedge clock) begin\n\
         \x20 // the IPv4 total length fits the frame (with the Ethernet header and FCS) and the TCP header fits it\n\
         \x20 q1_base <= en && p2_base && p2_totlen[15:8] == 8'd0 && p2_totlen[7:0] >= 8'd40 && {1'b0, p2_totlen[7:0]} + 9'd18 <= {1'b0, p2_len}\n\
         \x20   && p2_totlen[7:0] >= {1'b0, p2_hl20};\n\
         \x20 // q1_sh/q1_ah: SYN / pure ACK, until the listen match (hv) is known\n\
         \x20 q1_sh <= p2_syn; q1_sc <= p2_syn && rst_closed; q1_ah <= p2_ack1 && p2_nopay;\n\
         \x20 // the pseudo header's protocol (6) and TCP length (total - 20)\n\
         \x20 q1_pseudo <= p2_totlen - 16'd14;\n\
         \x20 {q2_base, q2_sc} <= {q1_base, q1_sc}; q2_sh <= q1_sh && |hv; q2_ah <= q1_ah && |hv;\n\
         \x20 r_t <= cs_t + {8'd0, q1_pseudo}; r_yi <= {1'b0, cs_i[15:0]} + {9'd0, cs_i[23:16]};\n\
         \x20 {q3_base, q3_sh, q3_sc, q3_ah} <= {q2_base, q2_sh, q2_sc, q2_ah};\n\
         \x20 r_yt <= {1'b0, r_t[15:0]} + {9'd0, r_t[23:16]}; r_oki <= r_yi == 17'h0ffff;\n\
         \x20 {q4_base, q4_sh, q4_sc, q4_ah} <= {q3_base, q3_sh, q3_sc, q3_ah};\n\
         \x20 r_oki4 <= r_oki; r_okt <= r_yt == 17'h0ffff;\n\
         \x20 cl_class <= !(q4_base && r_oki4 && r_okt) ? 2'd0 : q4_sh ? 2'd1 : q4_sc ? 2'd2 : q4_ah ? 2'd3 : 2'd0;\n\
         end\n",
    );
    // the option bytes (54..93) of the frame last parsed: the next frame's
    // 7th beat overwrites them, 6 clocks after the parse at the earliest,
    // and the walker reads them in the parse's next clock
    v.push_str(&format!(
        "wire [319:0] c_opts = cw[{}:{}];\n",
        8 * 94 - 1,
        8 * 54
    ));
    // carried fields: CWR,ECE(2) src dst seq ack (128) sport dport win (48)
    // smac dmac (96) payload(7) = 281
    v.push_str(
        "wire [280:0] p2_cf = {p2_cwe, p2_src, p2_dst, p2_seq, p2_ack, p2_sport, p2_dport, p2_win, p2_smac, p2_dmac, p2_pay};\n",
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
        // the handoff record reads only some of the tag's fields (the
        // builder reads the tag FIFO at its own pointer)
        let (off, on) = if p == "tag_out" {
            (
                "/* verilator lint_off UNUSEDSIGNAL */\n",
                "/* verilator lint_on UNUSEDSIGNAL */\n",
            )
        } else {
            ("", "")
        };
        v.push_str(&format!(
            "{off}{} [{}:0] ck_{p};\n{on}",
            if out { "reg" } else { "wire" },
            width - 1
        ));
    }
    // cf_head: the walked frame's carried fields (the walk's FIFO head); x_s: {mss(87:72), mss_seen(71), ws(70:67),
    // ws_seen(66), sack(65), ts(64), tsval(63:32), tsecr(31:0)}
    v.push_str(
        "assign ck_key0 = key0; assign ck_key1 = key1;\n\
         assign ck_in_valid = y_class != 2'd0;\n\
         assign ck_op_check = y_class == 2'd3;\n\
         assign ck_saddr = cf_head[278:247]; assign ck_daddr = cf_head[246:215];\n\
         assign ck_seq = cf_head[214:183]; assign ck_ack = cf_head[182:151];\n\
         assign ck_sport = cf_head[150:135]; assign ck_dport = cf_head[134:119];\n\
         assign ck_count = count; assign ck_ts_now = ts_now;\n\
         assign ck_mss = x_s[71] ? x_s[87:72] : 16'd536;\n\
         assign ck_wscale_ok = x_s[66]; assign ck_wscale = x_s[70:67]; assign ck_sack = x_s[65];\n\
         assign ck_ecn = cf_head[280] & cf_head[279];\n\
         assign ck_ts_opts = x_s[5:0];\n\
         assign ck_tag_in = {y_class, cf_head[280:279], cf_head[278:0], x_s[66], x_s[65], x_s[64], x_s[63:0]};\n",
    );
    v.push_str(&syn_cookie_verilog::cookie_verilog_prefixed(t, "ck_"));
    // 6. frame builders, FIFOs
    v.push_str(&crate::handshake::engine_build::builder_verilog(gd, hd));
    v
}
