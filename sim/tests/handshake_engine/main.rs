//! The hardware handshake engine (`ferronic_hdl::handshake::engine`), its Verilog
//! in Icarus Verilog, against the golden model (`ferronic_sim::
//! handshake_model`): random SYNs with random option sets, the ACKs that
//! complete them (on time, late, stale, forged), SYNs to closed ports,
//! data, and malformed frames (checksums, IPv4 options, fragments, VLAN,
//! long frames, bad FCS, runts), streamed with random gaps while the
//! generated-frame output stalls at random. Decisions, generated frames
//! (bit-exact), handoff records and event counts must equal the model.

use etherparse::{PacketBuilder, SlicedPacket, TransportSlice};
use ferronic_hdl::handshake::engine::{HandshakeEngine, EVENTS};
use ferronic_sim::harness::handshake::record_words;
use ferronic_sim::model::frame::append_fcs;
use ferronic_sim::model::handshake::{parse_options, process, Action, Config, Handoff};
use ferronic_sim::model::hs_traffic::{min_syn, traffic, SERVER};
use ferronic_sim::model::syncookie::Secrets;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_hdl::prelude::*;
use std::fmt::Write as _;

#[path = "../icarus/run.rs"]
mod run;

const L: usize = 4;

fn config() -> Config {
    Config {
        listen: vec![(SERVER, 80), ([0; 4], 443), (SERVER, 8080)],
        secrets: Secrets([
            [0x1111_2222_3333_4444, 0x5555_6666_7777_8888],
            [0x9999_aaaa_bbbb_cccc, 0xdddd_eeee_ffff_0001],
        ]),
        count: 0x1234_5678,
        ts_now: 0x0abc_def0,
        mss: 1460,
        wscale: 7,
        window: 64240,
        ttl: 64,
        rst_closed: true,
    }
}

/// The listen bus as the register file drives it: per entry, the
/// LISTENk_ADDR word then the LISTENk_PORT word (bit 16 VALID).
fn listen_bus(c: &Config) -> String {
    let mut words: Vec<u64> = vec![0; L];
    for (k, (a, p)) in c.listen.iter().enumerate() {
        words[k] = (1u64 << 48) | u64::from(*p) << 32 | u64::from(u32::from_be_bytes(*a));
    }
    let hex: String = words.iter().rev().map(|w| format!("{w:016x}")).collect();
    format!("{}'h{hex}", 64 * L)
}

fn record(h: &Handoff) -> String {
    record_words(h)
        .iter()
        .rev()
        .map(|w| format!("{w:08x}"))
        .collect()
}

/// The frames on `g_*` in a run's output (its `G last keep data cycle`
/// lines), each with the cycle of its first beat.
fn generated(out: &str) -> Vec<(Vec<u8>, u64)> {
    let mut frames = Vec::new();
    let (mut cur, mut first) = (Vec::new(), None);
    for l in out.lines().filter_map(|l| l.strip_prefix("G ")) {
        let f: Vec<&str> = l.split_whitespace().collect();
        first.get_or_insert(f[3].parse::<u64>().unwrap());
        let keep = u8::from_str_radix(f[1], 16).unwrap();
        let data = u64::from_str_radix(f[2], 16).unwrap().to_le_bytes();
        cur.extend_from_slice(&data[..keep.count_ones() as usize]);
        if f[0] == "1" {
            frames.push((std::mem::take(&mut cur), first.take().unwrap()));
        }
    }
    frames
}

/// The engine's event counts in a run's output (its `E` lines, `ev` bit
/// order as in [`EVENTS`]).
fn event_counts(out: &str) -> [usize; 8] {
    let mut ev = [0usize; 8];
    for l in out.lines().filter_map(|l| l.strip_prefix("E ")) {
        let bits = l.split_whitespace().next().unwrap();
        for (b, ch) in bits.chars().rev().enumerate() {
            ev[b] += usize::from(ch == '1');
        }
    }
    ev
}

/// The handoff records the host popped in a run's output (its `H record
/// cycle` lines), each with the cycle of its pop.
fn handoffs(out: &str) -> Vec<(&str, u64)> {
    out.lines()
        .filter_map(|l| l.strip_prefix("H "))
        .map(|l| {
            let (h, c) = l.split_once(' ').unwrap();
            (h, c.parse().unwrap())
        })
        .collect()
}

/// The model's SYN-ACKs for `frames`, in order.
fn syn_acks(c: &Config, frames: &[(Vec<u8>, bool)]) -> Vec<Vec<u8>> {
    frames
        .iter()
        .filter_map(|(f, _)| match process(c, f) {
            Action::SynAck(g) => Some(g),
            _ => None,
        })
        .collect()
}

/// Streams `frames` (FCS appended) through the engine in Icarus with
/// `gap`/`stall` probabilities (the host's handoff pops stall with
/// `g_tready`), both held low for the first `hold` cycles, with the
/// Verilog macro `define` defined (`FERRONIC_ECP5`: the adds as the ECP5
/// build has them); returns what the testbench printed.
fn simulate(
    c: &Config,
    frames: &[(Vec<u8>, bool)],
    (gap, stall, hold): (f64, f64, usize),
    define: Option<&str>,
    r: &mut StdRng,
) -> String {
    let mut beats = String::new();
    for (f, bad) in frames {
        let wire = append_fcs(f);
        let chunks: Vec<&[u8]> = wire.chunks(8).collect();
        for (i, ch) in chunks.iter().enumerate() {
            while gap > 0.0 && r.gen_bool(gap) {
                writeln!(beats, "0000000000000000000000").unwrap();
            }
            let mut d = [0u8; 8];
            d[..ch.len()].copy_from_slice(ch);
            let keep: u8 = if ch.len() == 8 {
                0xff
            } else {
                (1u8 << ch.len()) - 1
            };
            let last = i + 1 == chunks.len();
            let flags = 8 | u8::from(last) << 2 | u8::from(last && *bad) << 1;
            writeln!(
                beats,
                "{flags:x}{keep:02x}{:016x}000",
                u64::from_le_bytes(d)
            )
            .unwrap();
        }
    }
    let nbeats = beats.lines().count();
    // `g_tready` low for the first `hold` cycles, then random stalls; the
    // host pops a handoff record when `g_tready` is high
    let stalls: String = (0..nbeats + 4000)
        .map(|i| {
            if i < hold || (stall > 0.0 && r.gen_bool(stall)) {
                "0\n"
            } else {
                "1\n"
            }
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("beats.hex"), &beats).unwrap();
    std::fs::write(dir.path().join("ready.hex"), &stalls).unwrap();
    let mut uut = HandshakeEngine::<L, { 64 * L }>::default();
    uut.connect_all();
    let k = |i: usize| format!("128'h{:016x}{:016x}", c.secrets.0[i][1], c.secrets.0[i][0]);
    let tb = format!(
        "module tb;\ninteger fo; initial fo = $fopen(\"out.txt\");\nreg clock = 0; reg rst = 1;\nreg [63:0] t_tdata = 0; reg [7:0] t_tkeep = 0; reg t_tvalid = 0; reg t_tlast = 0; reg t_bad = 0; reg g_tready = 0;\n\
         wire d_valid, d_consume, g_tvalid, g_tlast, h_valid; wire [63:0] g_tdata; wire [7:0] g_tkeep; wire [287:0] h_data; wire [7:0] ev;\n\
         reg [87:0] beats [0:{nb1}]; reg rdy [0:{nr1}]; integer i; integer cyc = 0;\n\
         wire h_pop = h_valid && g_tready;\n\
         top dut(.clock(clock), .rst(rst), .t_tdata(t_tdata), .t_tkeep(t_tkeep), .t_tvalid(t_tvalid), .t_tready(1'b1), .t_tlast(t_tlast), .t_bad(t_bad),\n\
         \x20 .d_valid(d_valid), .d_consume(d_consume), .g_axis_tdata(g_tdata), .g_axis_tkeep(g_tkeep), .g_axis_tvalid(g_tvalid), .g_axis_tready(g_tready), .g_axis_tlast(g_tlast),\n\
         \x20 .h_valid(h_valid), .h_data(h_data), .h_pop(h_pop), .en(1'b1), .key0({k0}), .key1({k1}), .listen({listen}),\n\
         \x20 .count(32'h{count:08x}), .ts_now(32'h{ts:08x}), .our_mss(16'd{mss}), .our_wscale(4'd{ws}), .our_window(16'd{win}), .ttl(8'd{ttl}), .rst_closed(1'b1), .ev(ev));\n\
         always #1 clock = ~clock;\n\
         always @(posedge clock) begin\n\
         \x20 cyc <= cyc + 1;\n\
         \x20 if (d_valid) $fdisplay(fo, \"D %0d\", d_consume);\n\
         \x20 if (g_tvalid && g_tready) $fdisplay(fo, \"G %0d %h %h %0d\", g_tlast, g_tkeep, g_tdata, cyc);\n\
         \x20 if (t_tvalid && t_tlast) $fdisplay(fo, \"L %0d\", cyc);\n\
         \x20 if (h_pop) $fdisplay(fo, \"H %h %0d\", h_data, cyc);\n\
         \x20 if (ev != 0) $fdisplay(fo, \"E %b %0d\", ev, cyc);\n\
         end\n\
         always @(negedge clock) g_tready = rdy[cyc % {nr}];\n\
         initial begin\n  $readmemh(\"{dir}/beats.hex\", beats); $readmemh(\"{dir}/ready.hex\", rdy);\n  @(negedge clock); @(negedge clock); rst = 0;\n\
         \x20 for (i = 0; i < {nb}; i = i + 1) begin\n\
         \x20   t_tvalid = beats[i][87]; t_tlast = beats[i][86]; t_bad = beats[i][85]; t_tkeep = beats[i][83:76]; t_tdata = beats[i][75:12];\n\
         \x20   @(negedge clock);\n  end\n  t_tvalid = 0;\n  repeat (3000) @(negedge clock);\n  $fclose(fo);\n  $finish;\nend\nendmodule\n",
        nb1 = nbeats - 1,
        nr1 = nbeats + 3999,
        nr = nbeats + 4000,
        nb = nbeats,
        k0 = k(0),
        k1 = k(1),
        listen = listen_bus(c),
        count = c.count,
        ts = c.ts_now,
        mss = c.mss,
        ws = c.wscale,
        win = c.window,
        ttl = c.ttl,
        dir = dir.path().display(),
    );
    let src = dir.path().join("engine.v");
    // `$` in hierarchical names (the g_axis bundle) becomes `_`, as in nic_core.v
    let v = ferronic_hdl::verilog::rename(&generate_verilog(&uut), "top").unwrap();
    std::fs::write(&src, format!("{v}\n{tb}")).unwrap();
    if std::env::var_os("HS_DUMP").is_some() {
        let _ = std::fs::remove_dir_all("/tmp/hs_dump");
        std::fs::create_dir_all("/tmp/hs_dump").unwrap();
        for f in ["engine.v", "beats.hex", "ready.hex"] {
            std::fs::copy(dir.path().join(f), format!("/tmp/hs_dump/{f}")).unwrap();
        }
    }
    // bounded in wall-clock time: a run stuck in one time step fails
    run::icarus(
        dir.path(),
        "tb",
        &define
            .map(|d| format!("-D{d}"))
            .into_iter()
            .collect::<Vec<_>>(),
        &["engine.v"],
        std::time::Duration::from_secs(300),
    );
    std::fs::read_to_string(dir.path().join("out.txt")).unwrap()
}

#[test]
fn engine_equals_the_model_under_random_traffic() {
    let seed: u64 = std::env::var("FERRONIC_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed);
    eprintln!("seed {seed} (FERRONIC_SEED to replay)");
    let mut r = StdRng::seed_from_u64(seed);
    let c = config();
    // and a 1-beat runt (flagged bad, as FcsCheck flags it) behind every
    // fourth frame, most of them back to back: each is passed, and the
    // frame before it is answered as if the runt were not there
    let frames: Vec<(Vec<u8>, bool)> = traffic(&c, &mut r, 700)
        .into_iter()
        .enumerate()
        .flat_map(|(i, f)| {
            let runt = (i % 4 == 0).then(|| (vec![0x55; 4], true));
            std::iter::once(f).chain(runt)
        })
        .collect();
    // expected
    let mut decisions = String::new();
    let mut gens: Vec<Vec<u8>> = Vec::new();
    let mut records = Vec::new();
    let mut events = [0usize; 8];
    for (f, bad) in &frames {
        let a = if *bad || f.len() + 4 < 64 {
            Action::Pass
        } else {
            process(&c, f)
        };
        // runts pass through the model too; the engine sees them flagged bad
        let a = if f.len() + 4 < 64 && !*bad {
            process(&c, f)
        } else {
            a
        };
        match &a {
            Action::SynAck(g) => {
                events[0] += 1;
                events[1] += 1;
                gens.push(g.clone());
            }
            Action::Rst(g) => {
                events[2] += 1;
                gens.push(g.clone());
            }
            Action::Handoff(h) => {
                events[3] += 1;
                events[5] += 1;
                records.push(record(h));
            }
            Action::BadCookie => events[4] += 1,
            Action::Pass => {}
        }
        decisions.push(if matches!(a, Action::SynAck(_) | Action::Rst(_)) {
            '1'
        } else {
            '0'
        });
    }
    assert!(
        events[1] > 200 && events[5] > 100 && events[4] > 20 && events[2] > 20,
        "{events:?}"
    );
    // the random option sets reach past the walker's hop budget too
    let over_budget = frames
        .iter()
        .filter(|(f, bad)| {
            let Ok(p) = SlicedPacket::from_ethernet(f) else {
                return false;
            };
            matches!(p.transport, Some(TransportSlice::Tcp(t))
                if !*bad && t.syn() && !t.ack() && parse_options(t.options()).is_none())
        })
        .count();
    assert!(over_budget >= 5, "{over_budget} SYNs past the hop budget");
    // as every other tool reads the text, and as an ECP5 build does (its
    // adds one carry chain each: SipHash, the cookie arithmetic, the
    // records' ISNs)
    for define in [None, Some("FERRONIC_ECP5")] {
        let out = simulate(&c, &frames, (0.2, 0.3, 0), define, &mut r);
        let got_d: String = out.lines().filter_map(|l| l.strip_prefix("D ")).collect();
        assert_eq!(
            got_d.len(),
            frames.len(),
            "{define:?}: one decision per frame; vvp said: {}",
            out.lines().take(20).collect::<Vec<_>>().join("\n"),
        );
        for (i, (g, w)) in got_d.chars().zip(decisions.chars()).enumerate() {
            assert_eq!(
                g, w,
                "{define:?}: decision for frame {i}: {:02x?}",
                frames[i].0
            );
        }
        // generated frames
        let got_g: Vec<Vec<u8>> = generated(&out).into_iter().map(|g| g.0).collect();
        assert_eq!(got_g.len(), gens.len(), "{define:?}: generated frames");
        for (i, (g, w)) in got_g.iter().zip(&gens).enumerate() {
            assert_eq!(g, w, "{define:?}: generated frame {i}");
        }
        let got_h: Vec<&str> = handoffs(&out).into_iter().map(|h| h.0).collect();
        assert_eq!(got_h.len(), records.len(), "{define:?}: handoff records");
        for (i, (g, w)) in got_h.iter().zip(&records).enumerate() {
            assert_eq!(*g, w, "{define:?}: record {i}");
        }
        let got_e = event_counts(&out);
        for (b, name) in EVENTS.iter().enumerate() {
            assert_eq!(got_e[b], events[b], "{define:?}: event {name}");
        }
    }
}

#[test]
fn syn_flood_at_line_rate_is_answered_one_for_one() {
    let c = config();
    let mut r = StdRng::seed_from_u64(7);
    // minimum-size SYNs (64 bytes with FCS, 8 beats) back to back, every
    // tenth frame host traffic (UDP) that must pass
    let mut frames = Vec::new();
    for i in 0..1500u32 {
        let client = [198, 18, 2 + (i >> 8) as u8, i as u8];
        let mut f = if i % 10 == 9 {
            let mut d = Vec::new();
            PacketBuilder::ethernet2([2, 0, 0, 0, 0, 9], [2, 0, 0, 0, 0, 1])
                .ipv4(client, SERVER, 64)
                .udp(5000, 80)
                .write(&mut d, &[7; 18])
                .unwrap();
            d
        } else {
            min_syn(i, r.gen())
        };
        f.resize(60, 0);
        frames.push((f, false));
    }
    let want = syn_acks(&c, &frames);
    assert_eq!(want.len(), 1350);
    let out = simulate(&c, &frames, (0.0, 0.0, 0), None, &mut r);
    let d: String = out.lines().filter_map(|l| l.strip_prefix("D ")).collect();
    let expect_d: String = (0..frames.len())
        .map(|i| if i % 10 == 9 { '0' } else { '1' })
        .collect();
    assert_eq!(d, expect_d, "every SYN consumed, every host frame passed");
    let g: Vec<(bool, u64)> = out
        .lines()
        .filter_map(|l| l.strip_prefix("G "))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f[0] == "1", f[3].parse().unwrap())
        })
        .collect();
    let lasts: Vec<u64> = out
        .lines()
        .filter_map(|l| l.strip_prefix("L ")?.parse().ok())
        .collect();
    let answered = g.iter().filter(|x| x.0).count();
    if std::env::var_os("HS_DUMP").is_some() {
        std::fs::write("/tmp/hs_flood.txt", &out).unwrap();
    }
    assert_eq!(answered, want.len(), "no SYN lost");
    // ev bit 7 (GEN_DROPS) is the first digit of the printed event vector
    assert!(
        !out.lines()
            .filter_map(|l| l.strip_prefix("E "))
            .any(|e| e.starts_with('1')),
        "no GEN_DROPS"
    );
    let first_out = g[0].1;
    let last_out = g.last().unwrap().1;
    let (first_in, last_in) = (lasts[0], *lasts.last().unwrap());
    let latency = first_out - first_in;
    let in_cycles = last_in - first_in + 8;
    let out_cycles = last_out - first_out + 1;
    eprintln!(
        "flood: {} frames in {} cycles ({:.3} frames/clock, 8 beats each = line rate); {} SYN-ACKs in {} cycles ({:.3} SYN-ACKs/clock); SYN last beat -> SYN-ACK first beat {} cycles",
        frames.len(),
        in_cycles,
        frames.len() as f64 / in_cycles as f64,
        answered,
        out_cycles,
        answered as f64 / out_cycles as f64,
        latency
    );
    // the answers keep pace with the flood: the last one leaves a fixed
    // latency after the last SYN
    assert!(
        last_out - last_in <= latency + 16,
        "fell behind: {} vs {latency}",
        last_out - last_in
    );
}

mod fifos;
