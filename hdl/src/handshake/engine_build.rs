//! The back end of [`crate::handshake::engine::HandshakeEngine`]'s
//! Verilog: the SYN-ACK / RST-ACK frame builder, the generated-frame FIFO
//! feeding `g_*`, the handoff-record FIFO feeding `h_*` and the event
//! strobes. It reads the inlined cookie unit's outputs (`ck_*`).
//!
//! The builder runs a 7-clock schedule per cookie result (`O` = the
//! clock `ck_out_valid` is high): the checksums are summed from 16-bit
//! words in registered pair sums (no stage deeper than one 22-bit adder),
//! with every constant word of a frame (by kind: SYN-ACK with or without
//! timestamps, window scale, SACK, ECN; RST-ACK) folded into one table
//! value at generation time; the frame is assembled and queued in clock
//! `O + 6`. The schedule keeps one register per partial sum, not one per
//! stage and operation: cookie results come out at least 8 clocks apart
//! (one per option walk), so the tag (the cookie unit's registered
//! `tag_out`, held until the next result), the ISN and the TSval stay put
//! for the whole schedule. The assembly is a Verilog function
//! (`build_frame`) called only in the clock a frame is queued, so
//! Verilator evaluates it once per generated frame.

use crate::common::add_select::{carry_select, statements};
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

/// The tag fields the frame assembly reads.
const IN_ASM: [&str; 7] = ["src", "dst", "sport", "dport", "smac", "dmac", "tsval"];
/// The tag fields the checksum schedule reads.
const IN_SUMS: [&str; 12] = [
    "class", "cwr_ece", "src", "dst", "seq", "sport", "dport", "payload", "ws_seen", "sack", "ts",
    "tsval",
];
/// The tag fields the handoff record reads.
const IN_RECORD: [&str; 10] = [
    "src", "dst", "seq", "ack", "sport", "dport", "win", "ts", "tsval", "tsecr",
];

/// The kind of a generated frame, as the builder's 5-bit table index
/// `{syn, ts, ws, sack, ece}` gives it: a SYN-ACK (`syn`) answering with
/// timestamps (`ts`), window scale and SACK-permitted (both only with
/// timestamps) and ECE, or an RST-ACK (all false).
#[derive(Clone, Copy)]
struct Kind {
    syn: bool,
    ts: bool,
    ws: bool,
    sack: bool,
    ece: bool,
}

impl Kind {
    fn from_index(i: usize) -> Self {
        let syn = i & 16 != 0;
        let ts = syn && i & 8 != 0;
        Kind {
            syn,
            ts,
            ws: ts && i & 4 != 0,
            sack: ts && i & 2 != 0,
            ece: ts && i & 1 != 0,
        }
    }

    /// TCP option bytes: MSS (4), then timestamps with SACK-permitted or
    /// two NOPs (12), then NOP + window scale (4).
    fn optlen(self) -> u32 {
        match (self.syn, self.ts, self.ws) {
            (false, _, _) => 0,
            (true, false, _) => 4,
            (true, true, false) => 16,
            (true, true, true) => 20,
        }
    }

    /// IPv4 total length, bytes.
    fn totlen(self) -> u32 {
        40 + self.optlen()
    }

    /// TCP data offset byte (header words in bits 7:4).
    fn doff_byte(self) -> u32 {
        (5 + self.optlen() / 4) << 4
    }

    /// TCP flags: SYN+ACK (with ECE when answering ECN), or RST+ACK.
    fn flags(self) -> u32 {
        match (self.syn, self.ece) {
            (false, _) => 0x14,
            (true, false) => 0x12,
            (true, true) => 0x52,
        }
    }

    /// Frame length without FCS, bytes: Ethernet header plus the IPv4
    /// total length, padded to 60.
    fn frame_len(self) -> u32 {
        (14 + self.totlen()).max(60)
    }

    /// Sum of the TCP checksum's words that depend only on the kind
    /// (integer sum, not folded): the pseudo header's protocol and TCP
    /// length, data offset and flags, the options' kind and size bytes.
    fn tcp_const(self) -> u32 {
        let mut k = 6 + (self.totlen() - 20) + (self.doff_byte() << 8 | self.flags());
        if self.syn {
            k += 0x0204;
        }
        if self.ts {
            k += if self.sack { 0x0402 } else { 0x0101 } + 0x080a;
        }
        if self.ws {
            k += 0x0103 + 0x0300;
        }
        k
    }

    /// Sum of the IPv4 header checksum's constant words (version/IHL,
    /// total length, flags with DF; the TTL word is added apart).
    fn ip_const(self) -> u32 {
        0x4500 + self.totlen() + 0x4000
    }
}

/// A table's Verilog function name, width (bits) and value by kind.
type KindTable = (&'static str, usize, fn(Kind) -> u32);

/// Verilog functions of the 5-bit kind index, one table each, so the
/// checksum schedule and the frame assembly use the same definitions:
/// `kt_tcp`/`kt_ip` ([`Kind::tcp_const`], [`Kind::ip_const`], 16 bits),
/// `kt_totlen` (16), `kt_doff` (8), `kt_flags` (8), `kt_len` (7).
fn kind_tables() -> String {
    let tables: [KindTable; 6] = [
        ("kt_tcp", 16, Kind::tcp_const),
        ("kt_ip", 16, Kind::ip_const),
        ("kt_totlen", 16, Kind::totlen),
        ("kt_doff", 8, Kind::doff_byte),
        ("kt_flags", 8, Kind::flags),
        ("kt_len", 7, Kind::frame_len),
    ];
    let mut v = String::new();
    for (name, w, f) in tables {
        v.push_str(&format!(
            "function [{}:0] {name};\n  input [4:0] i;\n  case (i)\n",
            w - 1
        ));
        for i in 0..32 {
            let k = f(Kind::from_index(i));
            assert!(k < 1 << w, "{name}({i}) fits {w} bits");
            v.push_str(&format!("    5'd{i}: {name} = {w}'d{k};\n"));
        }
        v.push_str(&format!(
            "    default: {name} = {w}'d0;\n  endcase\nendfunction\n"
        ));
    }
    v
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

/// The function `build_frame(tag, isn, tsval, mss, wscale, window, ttl,
/// tack, ipck, tcpck)`: `{length (7 bits), frame (640 bits, byte 0 in
/// bits 7:0)}` of the SYN-ACK (class 1) or RST-ACK (class 2) answering the
/// tagged segment, with the acknowledgment number and both checksums
/// from the schedule, padded to 60 bytes (no FCS).
fn build_function() -> String {
    let mut v = String::from(
        "function [646:0] build_frame;\n\
         \x20 // the sequence and ACK numbers, window, payload length and TSecr are read elsewhere\n\
         \x20 /* verilator lint_off UNUSEDSIGNAL */\n  input [349:0] tg;\n  /* verilator lint_on UNUSEDSIGNAL */\n  input [31:0] isn_i;\n  input [31:0] tsv_i;\n\
         \x20 input [15:0] mss_i;\n  input [3:0] wsc_i;\n  input [15:0] win_i;\n  input [7:0] ttl_i;\n\
         \x20 input [31:0] tack_i;\n  input [15:0] ipck_i;\n  input [15:0] tcpck_i;\n  input [4:0] kind_i;\n",
    );
    v.push_str(&fields("tg", "f_", true, &IN_ASM));
    v.push_str(
        "  reg f_syn, f_ts, f_ws, f_sack; reg [7:0] f_doffb, f_tflags; reg [15:0] f_totlen, f_twin;\n\
         \x20 reg [31:0] f_tseq; reg [159:0] f_opts; reg [639:0] f_be, f_frame; reg [6:0] f_len; integer gi;\n\
         \x20 begin\n",
    );
    for (n, w, msb) in TAG.into_iter().filter(|f| IN_ASM.contains(&f.0)) {
        let sel = if w == 1 {
            format!("tg[{msb}]")
        } else {
            format!("tg[{msb}:{}]", msb + 1 - w)
        };
        v.push_str(&format!("    f_{n} = {sel};\n"));
    }
    // f_opts holds option bytes big-endian per 32-bit group, group 0 in
    // the low bits: group g is option bytes 4g..4g+3 (`Kind` sums the
    // constant ones)
    v.push_str(
        "    // the kind's bits and tables (`Kind`: constants, no adders)\n\
         \x20   f_syn = kind_i[4]; f_ts = kind_i[3]; f_ws = kind_i[2]; f_sack = kind_i[1];\n\
         \x20   f_totlen = kt_totlen(kind_i); f_doffb = kt_doff(kind_i); f_tflags = kt_flags(kind_i); f_len = kt_len(kind_i);\n\
         \x20   f_tseq = f_syn ? isn_i : 32'd0;\n\
         \x20   f_twin = f_syn ? win_i : 16'd0;\n\
         \x20   f_opts = !f_syn ? 160'd0 : {\n\
         \x20     f_ws ? {8'd1, 8'd3, 8'd3, 4'd0, wsc_i} : 32'd0,\n\
         \x20     f_ts ? f_tsval : 32'd0,\n\
         \x20     f_ts ? tsv_i : 32'd0,\n\
         \x20     f_ts ? (f_sack ? 32'h0402080a : 32'h0101080a) : 32'd0,\n\
         \x20     8'd2, 8'd4, mss_i};\n",
    );
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
        "ipck_i",
        "f_dst",
        "f_src",
        "f_dport",
        "f_sport",
        "f_tseq",
        "tack_i",
        "f_doffb",
        "f_tflags",
        "f_twin",
        "tcpck_i",
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
         \x20   build_frame = {{f_len, f_frame}};\n  end\nendfunction\n",
        frame.join(", ")
    ));
    v
}

/// The back end's Verilog; `gd`/`hd`: log2 of the generated-frame and
/// handoff FIFO depths.
pub fn builder_verilog(gd: usize, hd: usize) -> String {
    let mut v = kind_tables();
    v.push_str(&build_function());
    v.push_str(&fields("ck_tag_out", "o_", false, &IN_RECORD));
    // the schedule: `bt[k]` is high k clocks after `ck_out_valid`
    v.push_str("reg [5:1] bt;\nwire [349:0] b_tag = ck_tag_out;\n");
    v.push_str(&fields("b_tag", "b_", false, &IN_SUMS));
    v.push_str(
        "wire bk_syn = b_class == 2'd1;\n\
         wire bk_ts = bk_syn && b_ts;\n\
         wire [4:0] bk_i = {bk_syn, bk_ts, bk_ts && b_ws_seen, bk_ts && b_sack, bk_ts && b_cwr_ece == 2'b11};\n\
         // the payload length the ACK number covers (none for a SYN); + 1 as the carry in (bit 0)\n\
         /* verilator lint_off UNUSEDSIGNAL */\n\
         wire [17:0] bk_tl = {1'b0, b_seq[15:0], 1'b1} + {10'd0, bk_syn ? 7'd0 : b_payload, 1'b1};\n\
         /* verilator lint_on UNUSEDSIGNAL */\n\
         reg [15:0] r_mss, r_win; reg [3:0] r_wsc; reg [7:0] r_ttl; reg [4:0] r_kind; reg [15:0] b_seqh;\n\
         reg [16:0] a1, a2, a3, a4, a5, a6, a7, a8, a9, b_tl;\n\
         reg [17:0] b1, b2, b3, b4; reg [15:0] b_th, b_tlo;\n\
         reg [18:0] c1, c2, ipc; reg [16:0] c3; reg [31:0] b_tack;\n\
         reg [19:0] d1; reg [17:0] d2; reg [16:0] ipy; reg [3:0] a_w;\n\
         reg [20:0] e; reg [15:0] b_ipck;\n\
         // the TCP sum folded in one clock: both end-around sums, picked by the carry\n\
         // (y1's bit 0 is the carry in; its bit 17 is never set)\n\
         reg [15:0] b_tcpck; reg [16:0] y0;\n\
         /* verilator lint_off UNUSEDSIGNAL */\n\
         reg [17:0] y1;\n\
         /* verilator lint_on UNUSEDSIGNAL */\n\
         /* verilator lint_off BLKSEQ */\n\
         always @(posedge clock) begin\n\
         \x20 if (rst) bt <= 5'd0; else bt <= {bt[4:1], ck_out_valid};\n\
         \x20 if (ck_out_valid) begin\n\
         \x20   r_mss <= our_mss; r_win <= our_window; r_wsc <= our_wscale; r_ttl <= ttl; r_kind <= bk_i;\n\
         \x20   a1 <= {1'b0, b_src[31:16]} + {1'b0, b_src[15:0]};\n\
         \x20   a2 <= {1'b0, b_dst[31:16]} + {1'b0, b_dst[15:0]};\n\
         \x20   a3 <= {1'b0, b_dport} + {1'b0, b_sport};\n\
         \x20   a4 <= bk_syn ? {1'b0, ck_isn[31:16]} + {1'b0, ck_isn[15:0]} : 17'd0;\n\
         \x20   a5 <= bk_ts ? {1'b0, ck_tsval[31:16]} + {1'b0, ck_tsval[15:0]} : 17'd0;\n\
         \x20   a6 <= bk_ts ? {1'b0, b_tsval[31:16]} + {1'b0, b_tsval[15:0]} : 17'd0;\n\
         \x20   a7 <= bk_syn ? {1'b0, our_window} + {1'b0, our_mss} : 17'd0;\n\
         \x20   a8 <= {1'b0, kt_tcp(bk_i)}; a_w <= (bk_ts && b_ws_seen) ? our_wscale : 4'd0;\n\
         \x20   a9 <= {1'b0, kt_ip(bk_i)} + {1'b0, ttl, 8'd6};\n\
         \x20   b_tl <= bk_tl[17:1]; b_seqh <= b_seq[31:16];\n\
         \x20 end\n\
         \x20 if (bt[1]) begin\n\
         \x20   b1 <= {1'b0, a1} + {1'b0, a2}; b2 <= {1'b0, a3} + {1'b0, a4};\n\
         \x20   b3 <= {1'b0, a5} + {1'b0, a6}; b4 <= {1'b0, a7} + {1'b0, a8};\n\
         \x20   b_th <= b_seqh + {15'd0, b_tl[16]}; b_tlo <= b_tl[15:0];\n\
         \x20 end\n\
         \x20 if (bt[2]) begin\n\
         \x20   c1 <= {1'b0, b1} + {1'b0, b2}; c2 <= {1'b0, b3} + {1'b0, b4};\n\
         \x20   c3 <= {1'b0, b_th} + {1'b0, b_tlo}; ipc <= {1'b0, b1} + {2'd0, a9};\n\
         \x20   b_tack <= {b_th, b_tlo};\n\
         \x20 end\n\
         \x20 if (bt[3]) begin d1 <= {1'b0, c1} + {1'b0, c2}; d2 <= {1'b0, c3} + {14'd0, a_w}; ipy <= {1'b0, ipc[15:0]} + {14'd0, ipc[18:16]}; end\n\
         \x20 if (bt[4]) begin e <= {1'b0, d1} + {3'd0, d2}; b_ipck <= ~(ipy[15:0] + {15'd0, ipy[16]}); end\n\
         \x20 if (bt[5]) begin\n\
         \x20   y0 = {1'b0, e[15:0]} + {12'd0, e[20:16]};\n\
         \x20   y1 = {1'b0, e[15:0], 1'b1} + {12'd0, e[20:16], 1'b1};\n\
         \x20   b_tcpck <= ~(y0[16] ? y1[16:1] : y0[15:0]);\n\
         \x20 end\n\
         end\n\
         /* verilator lint_on BLKSEQ */\n",
    );
    let gdep = 1 << gd;
    let hdep = 1 << hd;
    // the handoff record's client ISN (seq - 1) and our ISN (ack - 1), in
    // carry-select pieces (temporaries assigned inside the push's enable)
    let seq1 = carry_select("o_seq1", "o_seq", "ck_ones32", 32, 16);
    let ack1 = carry_select("o_ack1", "o_ack", "ck_ones32", 32, 16);
    v.push_str(&seq1.decl);
    v.push_str(&ack1.decl);
    let minus1 = statements(&[&seq1, &ack1], "         ");
    v.push_str(&format!(
        "// the generated-frame FIFO: GEN_DEPTH frames, in a RAM of twice that\n\
         // indexed by the pointers with their wrap bit, so the slot at `gwp` is\n\
         // never a queued frame, even when the FIFO is full: a frame is written\n\
         // there whenever one is built and kept by moving `gwp` when there was\n\
         // room. `g_full` is then not in the RAM's write enable (a pointer\n\
         // compare fanned out to every RAM slice: the ECP5 critical path at 69.3\n\
         // MHz, 12.6 ns of routing); the RAM stays one ECP5 DPR16X4 or xcup\n\
         // RAM32M deep\n\
         reg [646:0] gm [0:{gm2}]; reg [{gd}:0] gwp, grp; reg [3:0] gbeat;\n\
         wire g_empty = gwp == grp;\n\
         wire g_full = gwp[{gd1}:0] == grp[{gd1}:0] && gwp[{gd}] != grp[{gd}];\n\
         wire [646:0] g_head = gm[grp];\n\
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
         // the handoff FIFO: `h_full` a flip-flop, loaded from the pointers'\n\
         // next values, so the RAM's write enable is one LUT of flip-flops\n\
         // (the pointer compare fanned out to every RAM slice was the ECP5\n\
         // critical path on seeds 2 and 3, 73.4 and 71.0 MHz)\n\
         reg [{hw}:0] hm [0:{hm}]; reg [{hd}:0] hwp, hrp; reg h_full;\n\
         wire h_empty = hwp == hrp;\n\
         always @(*) begin h_valid = !h_empty; h_data = hm[hrp[{hd1}:0]]; end\n\
         wire o_ackv = ck_out_valid && ck_out_check;\n\
         wire h_push = o_ackv && ck_ok && !h_full;\n\
         wire [{hd}:0] hwp_n = hwp + {{{hd}'d0, h_push}};\n\
         wire [{hd}:0] hrp_n = hrp + {{{hd}'d0, h_pop && !h_empty}};\n\
         // a frame is built 6 clocks after `ck_out_valid`, in `b_genv`, a\n\
         // flip-flop registered from bt[5], which is the RAM's write enable\n\
         // (the cookie unit's `tag_out` holds until the next result, and\n\
         // results come 8 clocks apart at least)\n\
         reg b_genv;\n\
         wire [3:0] o_sndws = (o_ts && ck_ts_wscale != 4'hf) ? ck_ts_wscale : 4'hf;\n\
         /* verilator lint_off BLKSEQ */\n\
         always @(posedge clock) begin\n\
         \x20 ev <= 8'd0;\n\
         \x20 if (rst) begin gwp <= 0; grp <= 0; gbeat <= 4'd0; hwp <= 0; hrp <= 0; h_full <= 1'b0; b_genv <= 1'b0; end\n\
         \x20 else begin\n\
         \x20   b_genv <= bt[5] && (b_class == 2'd1 || b_class == 2'd2);\n\
         \x20   if (b_genv) begin\n\
         \x20     if (!g_full) gwp <= gwp + 1'b1; else ev[7] <= 1'b1;\n\
         \x20     if (b_class == 2'd1) ev[1] <= !g_full; else ev[2] <= !g_full;\n\
         \x20   end\n\
         \x20   if (o_ackv) begin\n\
         \x20     if (ck_ok) begin ev[3] <= 1'b1;\n\
         \x20       if (!h_full) ev[5] <= 1'b1; else ev[6] <= 1'b1;\n\
         \x20     end else ev[4] <= 1'b1;\n\
         \x20   end\n\
         \x20   if (x_class == 2'd1) ev[0] <= 1'b1;\n\
         \x20   if (g_axis$tvalid && g_axis$tready) begin\n\
         \x20     if (g_axis$tlast) begin gbeat <= 4'd0; grp <= grp + 1'b1; end else gbeat <= gbeat + 4'd1;\n\
         \x20   end\n\
         \x20   hwp <= hwp_n; hrp <= hrp_n;\n\
         \x20   h_full <= hwp_n[{hd1}:0] == hrp_n[{hd1}:0] && hwp_n[{hd}] != hrp_n[{hd}];\n\
         \x20 end\nend\n\
         // the two RAMs' writes, outside the reset's branch: `rst` in a write\n\
         // enable fanned out to every RAM slice (the ECP5 critical path at\n\
         // 71.3 MHz, 12.4 ns of routing); a write during reset is harmless,\n\
         // the pointers reset\n\
         always @(posedge clock) begin\n\
         \x20 if (b_genv)\n\
         \x20   gm[gwp] <= build_frame(b_tag, ck_isn, ck_tsval, r_mss, r_wsc, r_win, r_ttl, b_tack, b_ipck, b_tcpck, r_kind);\n\
         \x20 if (h_push) begin\n{minus1}\
         \x20   hm[hwp[{hd1}:0]] <= {{20'd0, (o_sndws != 4'hf) ? our_wscale : 4'd0, o_sndws, 1'b0, o_ts & ck_ts_ecn, o_ts & ck_ts_sack, o_ts,\n\
         \x20     o_ts ? o_tsecr : 32'd0, o_ts ? o_tsval : 32'd0, ck_mss_out, o_win, o_seq1, o_ack1,\n\
         \x20     o_sport, o_dport, o_dst, o_src}};\n\
         \x20 end\n\
         end\n\
         /* verilator lint_on BLKSEQ */\n",
        gm2 = 2 * gdep - 1,
        gd1 = gd - 1,
        hm = hdep - 1,
        hd1 = hd - 1,
        hw = RECORD_BITS - 1,
    ));
    v
}
