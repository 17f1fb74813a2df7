//! The open board's datapath and MACs in Verilator (`ferronic_open_board`,
//! and `ferronic_open_board_ecp5` with the bitstream's DP16KD instances:
//! everything of the Colorlight top but the PLL), both directions at once
//! at 1 Gb/s line rate with minimum gaps, in four clock domains running
//! at independent rates (the two PHYs' receive clocks 125 ppm either side
//! of the transmit clock, the core at half of it).
//!
//! The switch port (0) receives the real DSA-tagged captures (tcpdump's
//! test suite, `testdata/README.md`), padded with random payload to random
//! lengths up to 1,518 bytes, with bad FCS, runts, a frame too short for
//! its tag and an `rx_er` frame among them; port 1 must send each as the
//! golden model (`model::frame::process`, mode tail) says. The CPU port
//! (1) receives those golden frames back (a CPU that returns what it
//! got), with its own bad, short and `rx_er` frames; port 0 must send each
//! as `model::restore` says, which for a good frame is the switch's
//! original. The RGMII pins are driven and read per clock edge from the
//! RGMII framing (low nibble and `CTL = DV` at the rising edge, high
//! nibble and `CTL = DV ^ ER` at the falling edge), the GMII frames from
//! IEEE 802.3 clauses 4 and 35 (`bus::gmii`).

use ferronic_hdl::rx::tag::{TagFormat, TagMode};
use ferronic_sim::bus::gmii::{line_clocks, LineSink};
use ferronic_sim::model::frame::{append_fcs, fcs_ok, process};
use ferronic_sim::model::restore::restore;
use ferronic_sim::tools::capture::{self, format_for_linktype};
use ferronic_sim::unit::{models, Port, Unit, UnitDesc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::VecDeque;
use std::path::Path;

/// A frame as sent on a line: its bytes (FCS included) and `rx_er`.
struct Sent {
    frame: Vec<u8>,
    er: bool,
}

/// One PHY's receive side: the line's clocks and the RGMII pins.
struct PhyRx {
    rxc: Port,
    rxd: Port,
    ctl: Port,
    line: VecDeque<(u8, bool, bool)>,
    cur: (u8, bool, bool),
    period: u64,
    next: u64,
    high: bool,
}

impl PhyRx {
    fn new(u: &Unit, p: &str, frames: &[Sent], period: u64, phase: u64) -> PhyRx {
        // 300 idle clocks while the board leaves reset, then line rate:
        // 7 preamble bytes, the SFD, the frame, 12 idle clocks
        let mut line: VecDeque<(u8, bool, bool)> = (0..300).map(|_| (0, false, false)).collect();
        for s in frames {
            let er_at = s.er.then_some(s.frame.len() / 2);
            line.extend(line_clocks(&s.frame, 7, er_at, false, 12));
        }
        PhyRx {
            rxc: u.port(&format!("{p}_rxc")),
            rxd: u.port(&format!("{p}_rxd")),
            ctl: u.port(&format!("{p}_rx_ctl")),
            line,
            cur: (0, false, false),
            period,
            next: phase,
            high: false,
        }
    }

    /// The pins for the edge at `next`, and the clock's new level.
    fn edge(&mut self, u: &mut Unit) {
        self.high = !self.high;
        let (d, ctl) = if self.high {
            self.cur = self.line.pop_front().unwrap_or((0, false, false));
            (self.cur.0 & 0xf, self.cur.1)
        } else {
            (self.cur.0 >> 4, self.cur.1 ^ self.cur.2)
        };
        u.set(self.rxd, u64::from(d));
        u.set(self.ctl, u64::from(ctl));
        u.set(self.rxc, u64::from(self.high));
        self.next += self.period / 2;
    }
}

/// One port's transmit pins, read after each edge of `clk125`.
struct PhyTx {
    txd: Port,
    ctl: Port,
    lo: (u8, bool),
    sink: LineSink,
}

impl PhyTx {
    fn new(u: &Unit, p: &str) -> PhyTx {
        PhyTx {
            txd: u.port(&format!("{p}_txd")),
            ctl: u.port(&format!("{p}_tx_ctl")),
            lo: (0, false),
            sink: LineSink::default(),
        }
    }

    fn read(&mut self, u: &Unit, rising: bool) {
        let (d, c) = (u.get(self.txd) as u8, u.get(self.ctl) != 0);
        if rising {
            self.lo = (d, c);
        } else {
            self.sink
                .clock(self.lo.0 | d << 4, self.lo.1, self.lo.1 ^ c);
        }
    }
}

/// The capture's frames with their FCS, each padded with random payload
/// to a random length (the tag and headers stay), `n` in all.
fn switch_frames(name: &str, n: usize, rng: &mut StdRng) -> (TagFormat, Vec<Vec<u8>>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name);
    let cap = capture::read(&path).unwrap();
    let format = format_for_linktype(cap.linktype).unwrap();
    let frames = (0..n)
        .map(|i| {
            let mut body = cap.frames[i % cap.frames.len()].data.clone();
            if rng.gen_bool(0.5) {
                let len = rng.gen_range(body.len()..=1514);
                body.extend((body.len()..len).map(|_| rng.gen::<u8>()));
            }
            append_fcs(&body)
        })
        .collect();
    (format, frames)
}

fn bad_fcs(mut f: Vec<u8>) -> Vec<u8> {
    let n = f.len();
    f[n - 1] ^= 0x5a;
    f
}

/// What ports 0 and 1 sent, the 23 counters, `last_tag`.
struct Outputs {
    port0: Vec<Vec<u8>>,
    port1: Vec<Vec<u8>>,
    counts: Vec<u64>,
    last_tag: u64,
}

/// Sends `fwd` into port 0 and `rev` into port 1 at once, in `format` and
/// `mode`, until both outputs have every frame.
fn run(
    model: &'static UnitDesc,
    format: TagFormat,
    mode: TagMode,
    fwd: &[Sent],
    rev: &[Sent],
) -> Outputs {
    let mut u = Unit::new(model);
    let (arst, clk125, core) = (u.port("arst"), u.port("clk125"), u.port("core_clk"));
    let counts = u.port("counts");
    u.set(u.port("cfg_tag_format"), u64::from(format.code()));
    u.set(u.port("cfg_tag_mode"), u64::from(mode.code()));
    u.set(u.port("cfg_enable"), 1);
    // transmit clock 8,000 ps, core 16,000 ps, the PHYs' receive clocks
    // 8,001 ps (port 0, slower) and 7,999 ps (port 1, faster)
    let mut rx0 = PhyRx::new(&u, "rgmii0", fwd, 8_001, 1_300);
    let mut rx1 = PhyRx::new(&u, "rgmii1", rev, 7_999, 3_100);
    let (mut tx0, mut tx1) = (PhyTx::new(&u, "rgmii0"), PhyTx::new(&u, "rgmii1"));
    let (mut t125, mut tcore) = (0u64, 2_000u64);
    let (mut h125, mut hcore) = (false, false);
    let want0 = rev.iter().filter(|s| !s.er).count();
    let want1 = fwd.iter().filter(|s| !s.er).count();
    u.set(arst, 1);
    // the clock each input line ends (the frames at line rate)
    let line_end = |v: &[Sent]| 300 + v.iter().map(|s| s.frame.len() as u64 + 20).sum::<u64>();
    let end_in = line_end(fwd).max(line_end(rev));
    let mut edges = 0u64;
    // after the last frame, 2,000 more instants (about 250 clocks) for
    // its events to cross into the counters
    let mut after = 0;
    while after < 2_000 && edges < 8 * (end_in + 20_000) {
        edges += 1;
        if tx0.sink.frames.len() >= want0 && tx1.sink.frames.len() >= want1 {
            after += 1;
        }
        let t = t125.min(tcore).min(rx0.next).min(rx1.next);
        if rx0.next == t {
            rx0.edge(&mut u);
        }
        if rx1.next == t {
            rx1.edge(&mut u);
        }
        if tcore == t {
            hcore = !hcore;
            u.set(core, u64::from(hcore));
            tcore += 8_000;
        }
        let tx_edge = t125 == t;
        if tx_edge {
            h125 = !h125;
            u.set(clk125, u64::from(h125));
            t125 += 4_000;
            if t125 > 80_000 {
                u.set(arst, 0);
            }
        }
        u.eval();
        if tx_edge {
            tx0.read(&u, h125);
            tx1.read(&u, h125);
        }
    }
    let words = u.get_bytes(counts);
    let c: Vec<u64> = words
        .chunks(8)
        .map(|w| u64::from_le_bytes(w.try_into().unwrap()))
        .collect();
    // a cnt_clear pulse (counters.CLEAR) zeroes all 23 at the next edge
    let clear = u.port("cnt_clear");
    u.set(clear, 1);
    for _ in 0..2 {
        hcore = !hcore;
        u.set(core, u64::from(hcore));
        u.eval();
    }
    u.set(clear, 0);
    let after = u.get_bytes(counts);
    assert!(after.iter().all(|&b| b == 0), "cnt_clear left counts");
    let bodies = |s: &LineSink| {
        for f in &s.frames {
            assert!(!f.er, "a frame sent with tx_er");
        }
        s.frames.iter().map(|f| f.body.clone()).collect()
    };
    // line rate: each output's last frame starts within two frame
    // times (store and forward) and the crossings of its input's end
    for (sink, input, port) in [(&tx1.sink, fwd, 1), (&tx0.sink, rev, 0)] {
        let last = sink.frames.last().map_or(0, |f| f.start);
        let end = line_end(input);
        assert!(
            last < end + 2 * (1518 + 20) + 400,
            "port {port}'s last frame starts at clock {last}, its input ended at {end}"
        );
    }
    Outputs {
        port0: bodies(&tx0.sink),
        port1: bodies(&tx1.sink),
        counts: c,
        last_tag: u.get(u.port("last_tag")),
    }
}

fn check(model: &'static UnitDesc, name: &str, mode: TagMode, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let (format, frames) = switch_frames(name, 400, &mut rng);
    let tl = format.len();
    // switch side: the frames, every 13th with a bad FCS, a runt, a
    // frame too short for its tag, one with rx_er
    let mut fwd: Vec<Sent> = frames
        .iter()
        .enumerate()
        .map(|(i, f)| Sent {
            frame: if i % 13 == 5 {
                bad_fcs(f.clone())
            } else {
                f.clone()
            },
            er: false,
        })
        .collect();
    fwd.insert(
        30,
        Sent {
            frame: append_fcs(&frames[0][..14 + tl + 20]),
            er: false,
        },
    );
    fwd.insert(
        60,
        Sent {
            frame: append_fcs(&frames[1][..13 + tl]),
            er: false,
        },
    );
    fwd.insert(
        90,
        Sent {
            frame: frames[2].clone(),
            er: true,
        },
    );
    let fwd_want: Vec<Vec<u8>> = fwd
        .iter()
        .filter(|s| !s.er)
        .map(|s| process(&s.frame, format, mode).frame)
        .collect();
    // CPU side: the good converted frames back, some with a bad FCS, one
    // too short to hold its tag, one with rx_er
    let mut rev: Vec<Sent> = fwd_want
        .iter()
        .filter(|f| fcs_ok(f) && f.len() >= 18 + tl)
        .enumerate()
        .map(|(i, f)| Sent {
            frame: if i % 11 == 3 {
                bad_fcs(f.clone())
            } else {
                f.clone()
            },
            er: false,
        })
        .collect();
    rev.insert(
        20,
        Sent {
            frame: append_fcs(&frames[3][..12 + tl]),
            er: false,
        },
    );
    rev.insert(
        50,
        Sent {
            frame: fwd_want[4].clone(),
            er: true,
        },
    );
    let rev_want: Vec<Vec<u8>> = rev
        .iter()
        .filter(|s| !s.er)
        .map(|s| restore(&s.frame, format, mode))
        .collect();
    let out = run(model, format, mode, &fwd, &rev);
    let (got0, got1, c) = (&out.port0, &out.port1, &out.counts);
    assert_eq!(got1.len(), fwd_want.len(), "{name}: frames out of port 1");
    for (i, (g, w)) in got1.iter().zip(&fwd_want).enumerate() {
        assert_eq!(g, w, "{name}: port 1 frame {i}");
    }
    assert_eq!(got0.len(), rev_want.len(), "{name}: frames out of port 0");
    for (i, (g, w)) in got0.iter().zip(&rev_want).enumerate() {
        assert_eq!(g, w, "{name}: port 0 frame {i}");
    }
    // the last migrated frame's tag (wire order, byte 0 in bits 7:0)
    let last = fwd
        .iter()
        .rev()
        .find(|s| !s.er && s.frame.len() >= 18 + tl)
        .unwrap();
    let mut w = [0u8; 8];
    w[..tl].copy_from_slice(&last.frame[format.offset()..format.offset() + tl]);
    assert_eq!(out.last_tag, u64::from_le_bytes(w), "{name}: last_tag");
    let tail = mode == TagMode::Tail;
    let n_fwd = fwd_want.len() as u32;
    let n_rev = rev_want.len() as u32;
    let fwd_bad = fwd.iter().filter(|s| !s.er && !fcs_ok(&s.frame)).count() as u32;
    let rev_bad = rev.iter().filter(|s| !s.er && !fcs_ok(&s.frame)).count() as u32;
    let runts = fwd.iter().filter(|s| !s.er && s.frame.len() < 64).count() as u32;
    let want = [
        (0, n_fwd, "port 0 frames kept"),
        (1, 0, "fwd_rx full"),
        (2, 1, "port 0 rx_er"),
        (3, 0, "port 0 bad start"),
        (4, n_fwd, "ConvPath frames"),
        (5, fwd_bad, "bad FCS"),
        (6, runts, "runts"),
        (7, 0, "giants"),
        (8, 1, "too short for the tag"),
        (9, n_fwd - 1, "migrated"),
        (10, 0, "disabled drops"),
        (11, 0, "fwd_tx full"),
        (12, n_fwd, "port 1 frames sent"),
        (13, 0, "port 1 underruns"),
        (14, n_rev, "port 1 frames kept"),
        (15, 0, "rev full"),
        (16, 1, "port 1 rx_er"),
        (17, 0, "port 1 bad start"),
        (18, rev_bad, "reverse bad FCS"),
        (19, if tail { n_rev - 1 } else { 0 }, "restored"),
        (20, u32::from(tail), "reverse too short"),
        (21, n_rev, "port 0 frames sent"),
        (22, 0, "port 0 underruns"),
    ];
    for (i, v, what) in want {
        assert_eq!(c[i], u64::from(v), "{name}: counter {i} ({what})");
    }
}

/// Marvell EDSA: an 8-byte tag after the source MAC.
#[test]
fn edsa_both_ways_at_line_rate() {
    check(&models::FERRONIC_OPEN_BOARD, "edsa.pcap", TagMode::Tail, 1);
}

/// Broadcom prepended: a 4-byte tag before the destination MAC.
#[test]
fn brcm_prepend_both_ways_at_line_rate() {
    check(
        &models::FERRONIC_OPEN_BOARD,
        "brcm-tag-prepend.pcap",
        TagMode::Tail,
        2,
    );
}

/// Mode strip: the tag leaves the frame, only the last one is kept
/// (`last_tag`); the CPU's frames have no tail tag and pass unchanged.
#[test]
fn strip_keeps_the_last_tag_and_the_reverse_passes() {
    check(&models::FERRONIC_OPEN_BOARD, "dsa.pcap", TagMode::Strip, 3);
}

/// The bitstream's block RAMs: the frame FIFOs as DP16KD instances with
/// output registers (`FERRONIC_ECP5`, as `build.sh` synthesizes them)
/// over a model of the DP16KD written from Lattice's memory guide.
#[test]
fn the_ecp5_block_rams_convert_both_ways() {
    check(
        &models::FERRONIC_OPEN_BOARD_ECP5,
        "edsa.pcap",
        TagMode::Tail,
        4,
    );
}
