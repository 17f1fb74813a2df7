//! The open board's MAC in Verilator: its halves at the GMII byte level
//! (`gmii_rx`, `gmii_tx` units) and one whole port behind the RGMII pins
//! (`rgmii_mac`). The line side is built and read here from IEEE 802.3
//! clauses 4 and 35 (preamble `0x55` bytes, SFD `0xd5`, `rx_dv`/`tx_en`
//! framing, 12-byte interframe gap) and the RGMII v2.0 nibble order, not
//! by the MAC's code; frames are random, with random preamble lengths,
//! gaps, `rx_er` and a transmit underrun.

use ferronic_sim::bus::gmii::{line_clocks, LineFrame as LineOut, LineSink};
use ferronic_sim::unit::{models, Port, Unit};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// A frame as the test sends it: body (what follows the SFD), the
/// preamble bytes before the SFD, `rx_er` in one clock of the body, a
/// bad start (no preamble or SFD: the MAC drops it).
struct LineFrame {
    body: Vec<u8>,
    preamble: usize,
    er_at: Option<usize>,
    bad_start: bool,
}

fn random_body(rng: &mut StdRng) -> Vec<u8> {
    // short bodies exercise every last-beat width; long ones many beats
    let len = if rng.gen_bool(0.3) {
        rng.gen_range(1..=24)
    } else {
        rng.gen_range(60..=1518)
    };
    (0..len).map(|_| rng.gen()).collect()
}

/// (rxd, rx_dv, rx_er) per clock of `f` on the line, then `gap` idle clocks.
fn gmii_clocks(f: &LineFrame, gap: usize) -> Vec<(u8, bool, bool)> {
    line_clocks(&f.body, f.preamble, f.er_at, f.bad_start, gap)
}

struct Rx {
    u: Unit,
    p: [Port; 10],
}

impl Rx {
    fn new() -> Rx {
        let u = Unit::new(&models::GMII_RX);
        let p = [
            "rst",
            "rxd",
            "rx_dv",
            "rx_er",
            "m_axis_tdata",
            "m_axis_tkeep",
            "m_axis_tvalid",
            "m_axis_tlast",
            "m_axis_tuser",
            "bad_start",
        ]
        .map(|n| u.port(n));
        let mut rx = Rx { u, p };
        rx.u.set(rx.p[0], 1);
        rx.u.tick();
        rx.u.tick();
        rx.u.set(rx.p[0], 0);
        rx
    }
}

#[test]
fn receive_strips_the_preamble_and_packs_beats() {
    let mut rng = StdRng::seed_from_u64(35);
    let mut rx = Rx::new();
    let frames: Vec<LineFrame> = (0..300)
        .map(|i| {
            let body = random_body(&mut rng);
            LineFrame {
                er_at: rng.gen_bool(0.1).then(|| rng.gen_range(0..body.len())),
                body,
                // a PHY may shorten the preamble, to none at all
                preamble: if i % 7 == 0 { 0 } else { rng.gen_range(1..=7) },
                bad_start: rng.gen_bool(0.05),
            }
        })
        .collect();
    let mut got: Vec<(Vec<u8>, bool)> = Vec::new();
    let mut cur = Vec::new();
    let (mut bad_starts, mut last_beat) = (0u64, None::<u64>);
    let mut clock = 0u64;
    for f in &frames {
        // the 802.3 gap is 12 bytes; the receiver may see it shortened
        let gap = rng.gen_range(8..=20);
        for (d, dv, er) in gmii_clocks(f, gap) {
            let p = rx.p;
            rx.u.set(p[1], u64::from(d));
            rx.u.set(p[2], u64::from(dv));
            rx.u.set(p[3], u64::from(er));
            rx.u.tick();
            clock += 1;
            bad_starts += rx.u.get(p[9]);
            if rx.u.get(p[6]) == 0 {
                continue;
            }
            // beats at most one every 8 clocks: no tready is needed
            if let Some(t) = last_beat {
                assert!(clock - t >= 8, "beats {t} and {clock}");
            }
            last_beat = Some(clock);
            let keep = rx.u.get(p[5]) as u8;
            assert!(
                keep != 0 && (keep as u16 + 1).is_power_of_two(),
                "tkeep {keep:#04x}"
            );
            let data = rx.u.get(p[4]).to_le_bytes();
            cur.extend_from_slice(&data[..keep.count_ones() as usize]);
            if rx.u.get(p[7]) != 0 {
                got.push((std::mem::take(&mut cur), rx.u.get(p[8]) != 0));
            } else {
                assert_eq!(keep, 0xff, "only the last beat is partial");
            }
        }
    }
    let want: Vec<(Vec<u8>, bool)> = frames
        .iter()
        .filter(|f| !f.bad_start)
        .map(|f| (f.body.clone(), f.er_at.is_some()))
        .collect();
    assert!(want.len() > 250, "{} frames", want.len());
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g, w, "frame {i}");
    }
    assert_eq!(
        bad_starts,
        frames.iter().filter(|f| f.bad_start).count() as u64
    );
}

struct Tx {
    u: Unit,
    p: [Port; 10],
}

impl Tx {
    fn new() -> Tx {
        let u = Unit::new(&models::GMII_TX);
        let p = [
            "rst",
            "s_axis_tdata",
            "s_axis_tkeep",
            "s_axis_tvalid",
            "s_axis_tlast",
            "s_axis_tready",
            "txd",
            "tx_en",
            "tx_er",
            "underrun",
        ]
        .map(|n| u.port(n));
        let mut tx = Tx { u, p };
        tx.u.set(tx.p[0], 1);
        tx.u.tick();
        tx.u.tick();
        tx.u.set(tx.p[0], 0);
        tx
    }
}

#[test]
fn transmit_sends_preamble_sfd_bytes_and_the_gap() {
    let mut rng = StdRng::seed_from_u64(4);
    let mut tx = Tx::new();
    let mut frames: Vec<Vec<u8>> = (0..200).map(|_| random_body(&mut rng)).collect();
    // frame 50's second beat comes late: an underrun
    let late = 50;
    frames[late] = (0..100).collect();
    let mut line = LineSink::default();
    let mut underruns = 0;
    for (i, f) in frames.iter().enumerate() {
        let beats: Vec<&[u8]> = f.chunks(8).collect();
        // idle before the frame (a valid gap between frames)
        for _ in 0..rng.gen_range(0..30) {
            tx.u.set(tx.p[3], 0);
            tx.u.tick();
            line.clock(
                tx.u.get(tx.p[6]) as u8,
                tx.u.get(tx.p[7]) != 0,
                tx.u.get(tx.p[8]) != 0,
            );
        }
        let mut k = 0;
        let mut held = 0;
        while k < beats.len() {
            let b = beats[k];
            let withhold = i == late && k == 1 && held < 40;
            let p = tx.p;
            let mut w = [0u8; 8];
            w[..b.len()].copy_from_slice(b);
            tx.u.set(p[1], u64::from_le_bytes(w));
            tx.u.set(p[2], (1u64 << b.len()) - 1);
            tx.u.set(p[3], u64::from(!withhold));
            tx.u.set(p[4], u64::from(k + 1 == beats.len()));
            tx.u.eval();
            let take = tx.u.get(p[5]) != 0 && !withhold;
            held += usize::from(withhold);
            tx.u.tick();
            underruns += tx.u.get(p[9]);
            line.clock(
                tx.u.get(p[6]) as u8,
                tx.u.get(p[7]) != 0,
                tx.u.get(p[8]) != 0,
            );
            if take {
                k += 1;
            }
        }
    }
    tx.u.set(tx.p[3], 0);
    for _ in 0..64 {
        tx.u.tick();
        line.clock(
            tx.u.get(tx.p[6]) as u8,
            tx.u.get(tx.p[7]) != 0,
            tx.u.get(tx.p[8]) != 0,
        );
    }
    assert_eq!(underruns, 1);
    assert_eq!(line.frames.len(), frames.len());
    for (i, (LineOut { body, er, .. }, f)) in line.frames.iter().zip(&frames).enumerate() {
        if i == late {
            // the first beat went out, its last byte with tx_er
            assert!(*er, "the late frame is marked");
            assert_eq!(body[..], f[..body.len()]);
            assert_eq!(body.len(), 8.min(f.len()));
        } else {
            assert!(!er, "frame {i}");
            assert_eq!(body, f, "frame {i}");
        }
    }
}

/// The `rgmii_mac` unit: the same MAC behind the RGMII pins (DDR nibbles
/// through the ECP5 stand-ins), both directions at once. The pins are
/// driven and read here per clock edge from the RGMII framing: low nibble
/// and `RX_DV` before the rising edge, high nibble and `RX_DV ^ RX_ER`
/// before the falling edge; the transmit pins are read after each edge.
#[test]
fn rgmii_both_directions_at_once() {
    let mut rng = StdRng::seed_from_u64(211);
    let u = Unit::new(&models::RGMII_MAC);
    let n = |s: &str| u.port(s);
    let (clk, rxc, rxd, rx_ctl) = (n("clk"), n("rgmii_rxc"), n("rgmii_rxd"), n("rgmii_rx_ctl"));
    let (txd, tx_ctl, txc) = (n("rgmii_txd"), n("rgmii_tx_ctl"), n("rgmii_txc"));
    let (m_data, m_keep, m_valid, m_last, m_user) = (
        n("m_axis_tdata"),
        n("m_axis_tkeep"),
        n("m_axis_tvalid"),
        n("m_axis_tlast"),
        n("m_axis_tuser"),
    );
    let (s_data, s_keep, s_valid, s_last, s_ready) = (
        n("s_axis_tdata"),
        n("s_axis_tkeep"),
        n("s_axis_tvalid"),
        n("s_axis_tlast"),
        n("s_axis_tready"),
    );
    let (rx_rst, tx_rst) = (n("rx_rst"), n("tx_rst"));
    let mut u = u;
    // receive line: 150 random frames, some with rx_er
    let rx_frames: Vec<LineFrame> = (0..150)
        .map(|i| {
            let body = random_body(&mut rng);
            LineFrame {
                er_at: (i % 9 == 4).then(|| rng.gen_range(0..body.len())),
                body,
                preamble: rng.gen_range(0..=7),
                bad_start: false,
            }
        })
        .collect();
    let mut line_in: std::collections::VecDeque<(u8, bool, bool)> =
        rx_frames.iter().flat_map(|f| gmii_clocks(f, 12)).collect();
    // transmit: 150 random frames as beats, each frame's beats ready at once
    let tx_frames: Vec<Vec<u8>> = (0..150).map(|_| random_body(&mut rng)).collect();
    let mut beats: std::collections::VecDeque<(Vec<u8>, bool)> = tx_frames
        .iter()
        .flat_map(|f| {
            let k = f.len().div_ceil(8);
            f.chunks(8)
                .enumerate()
                .map(move |(i, c)| (c.to_vec(), i + 1 == k))
        })
        .collect();
    for p in [rx_rst, tx_rst] {
        u.set(p, 1);
    }
    for _ in 0..4 {
        for (v, nib) in [(1, 0), (0, 0)] {
            u.set(clk, v);
            u.set(rxc, v);
            u.set(rxd, nib);
            u.eval();
        }
    }
    u.set(rx_rst, 0);
    u.set(tx_rst, 0);
    let mut got: Vec<(Vec<u8>, bool)> = Vec::new();
    let mut cur = Vec::new();
    let mut line_out = LineSink::default();
    let mut clocks = 0;
    while (got.len() < rx_frames.len() || line_out.frames.len() < tx_frames.len())
        && clocks < 2_000_000
    {
        clocks += 1;
        let (d, dv, er) = line_in.pop_front().unwrap_or((0, false, false));
        // the source: the next beat, valid while there is one
        if let Some((b, last)) = beats.front() {
            let mut w = [0u8; 8];
            w[..b.len()].copy_from_slice(b);
            u.set(s_data, u64::from_le_bytes(w));
            u.set(s_keep, (1u64 << b.len()) - 1);
            u.set(s_valid, 1);
            u.set(s_last, u64::from(*last));
        } else {
            u.set(s_valid, 0);
        }
        u.set(rxd, u64::from(d & 0xf));
        u.set(rx_ctl, u64::from(dv));
        u.eval();
        let take = u.get(s_ready) != 0 && !beats.is_empty();
        // rising edge
        u.set(clk, 1);
        u.set(rxc, 1);
        u.eval();
        assert_eq!(u.get(txc), 1, "TXC follows the transmit clock");
        let (lo, en) = (u.get(txd) as u8, u.get(tx_ctl) != 0);
        if take {
            beats.pop_front();
        }
        if u.get(m_valid) != 0 {
            let keep = u.get(m_keep) as u8;
            let data = u.get(m_data).to_le_bytes();
            cur.extend_from_slice(&data[..keep.count_ones() as usize]);
            if u.get(m_last) != 0 {
                got.push((std::mem::take(&mut cur), u.get(m_user) != 0));
            }
        }
        // falling edge
        u.set(rxd, u64::from(d >> 4));
        u.set(rx_ctl, u64::from(dv ^ er));
        u.set(clk, 0);
        u.set(rxc, 0);
        u.eval();
        assert_eq!(u.get(txc), 0);
        let (hi, ctl_fall) = (u.get(txd) as u8, u.get(tx_ctl) != 0);
        line_out.clock(lo | hi << 4, en, en ^ ctl_fall);
    }
    let want: Vec<(Vec<u8>, bool)> = rx_frames
        .iter()
        .map(|f| (f.body.clone(), f.er_at.is_some()))
        .collect();
    assert_eq!(got.len(), want.len(), "received frames");
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g, w, "received frame {i}");
    }
    assert_eq!(line_out.frames.len(), tx_frames.len(), "sent frames");
    for (i, (LineOut { body, er, .. }, f)) in line_out.frames.iter().zip(&tx_frames).enumerate() {
        assert!(!er, "sent frame {i}");
        assert_eq!(body, f, "sent frame {i}");
    }
}
