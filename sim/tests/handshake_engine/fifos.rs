//! The engine's two output FIFOs at their edges: the generated-frame
//! FIFO with `g_tready` held low, the handoff FIFO with the host not
//! popping and popping slower than the ACKs arrive.

use super::*;

/// The generated-frame FIFO full: with `g_tready` held low, the first
/// `GEN_DEPTH` SYN-ACKs wait in it intact and the rest are dropped and
/// counted (GEN_DROPS), one event each; when `g_tready` rises the queued
/// frames leave in order, each equal to the model's. (The FIFO's RAM is
/// written in its free slot for every built frame, also when full: this
/// checks that such a write never lands on a queued frame.)
#[test]
fn full_generated_frame_fifo_drops_and_keeps_the_queued_frames() {
    use ferronic_hdl::handshake::engine::GEN_DEPTH;
    let c = config();
    let mut r = StdRng::seed_from_u64(0x6e6);
    let frames: Vec<(Vec<u8>, bool)> = (0..30)
        .map(|i| {
            let mut f = min_syn(i, r.gen());
            f.resize(60, 0);
            (f, false)
        })
        .collect();
    let want = syn_acks(&c, &frames);
    assert_eq!(want.len(), 30);
    // 30 SYNs take 240 cycles in and about 80 to answer: 1,000 covers them
    let out = simulate(&c, &frames, (0.0, 0.0, 1000), None, &mut r);
    let got = generated(&out);
    assert!(got[0].1 >= 1000, "nothing leaves while held");
    assert_eq!(got.len(), GEN_DEPTH, "the FIFO's frames, no more");
    for (i, ((g, _), w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g, w, "queued frame {i}");
    }
    assert_eq!(
        event_counts(&out)[7],
        30 - GEN_DEPTH,
        "GEN_DROPS, one per frame not queued"
    );
}

/// `n` ACKs completing flood SYNs with the cookies of the model's
/// SYN-ACKs, and the model's handoff record for each.
fn acks(c: &Config, n: u32, r: &mut StdRng) -> (Vec<(Vec<u8>, bool)>, Vec<String>) {
    use etherparse::TcpHeaderSlice;
    use ferronic_sim::model::hs_traffic::flood_ack;
    let frames: Vec<(Vec<u8>, bool)> = (0..n)
        .map(|i| {
            let seq: u32 = r.gen();
            let Action::SynAck(g) = process(c, &min_syn(i, seq)) else {
                panic!("SYN {i} not answered");
            };
            let isn = TcpHeaderSlice::from_slice(&g[34..])
                .unwrap()
                .sequence_number();
            let ack = flood_ack(i, seq.wrapping_add(1), isn.wrapping_add(1));
            (ack, false)
        })
        .collect();
    let want = frames
        .iter()
        .map(|(f, _)| match process(c, f) {
            Action::Handoff(h) => record(&h),
            a => panic!("ACK not a handoff: {a:?}"),
        })
        .collect();
    (frames, want)
}

/// The handoff FIFO full: with the host not popping, the first
/// `HANDOFF_DEPTH` completed handshakes wait in it intact and the rest are
/// counted (HANDOFF_OVERFLOWS) and lost; when the host pops, the queued
/// records leave in order, each equal to the model's.
#[test]
fn full_handoff_fifo_counts_overflows_and_keeps_the_queued_records() {
    use ferronic_hdl::handshake::engine::HANDOFF_DEPTH;
    let c = config();
    let mut r = StdRng::seed_from_u64(0x40ff);
    let (frames, want) = acks(&c, 30, &mut r);
    let out = simulate(&c, &frames, (0.0, 0.0, 1000), None, &mut r);
    let got = handoffs(&out);
    assert!(got[0].1 >= 1000, "nothing popped while held");
    assert_eq!(got.len(), HANDOFF_DEPTH, "the FIFO's records, no more");
    for (i, ((g, _), w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g, w, "queued record {i}");
    }
    let ev = event_counts(&out);
    assert_eq!(ev[3], 30, "COOKIES_VALID");
    assert_eq!(ev[5], HANDOFF_DEPTH, "HANDOFFS");
    assert_eq!(ev[6], 30 - HANDOFF_DEPTH, "HANDOFF_OVERFLOWS");
}

/// The handoff FIFO at its edge: the host pops in one clock of ten at
/// random, slower than the ACKs (one every 8 clocks), so the FIFO runs
/// full and each pop frees a slot a later ACK may take. An ACK is refused
/// (HANDOFF_OVERFLOWS) exactly when `HANDOFF_DEPTH` records wait, counted
/// from the pushes and pops the testbench saw; the records popped are the
/// taken ones, in order, equal to the model's. (`h_full` is a flip-flop
/// loaded from the pointers' next values; one a clock late refuses an ACK
/// right after a pop, which this catches: checked by mutation.)
#[test]
fn handoff_fifo_refuses_exactly_when_full_under_random_pops() {
    use ferronic_hdl::handshake::engine::HANDOFF_DEPTH;
    let c = config();
    let mut r = StdRng::seed_from_u64(0x40f0);
    let (frames, want) = acks(&c, 200, &mut r);
    let out = simulate(&c, &frames, (0.0, 0.9, 200), None, &mut r);
    // per ACK, in order: taken (HANDOFFS) or refused (HANDOFF_OVERFLOWS),
    // and the cycle the event shows (one clock after the decision)
    let decided: Vec<(bool, u64)> = out
        .lines()
        .filter_map(|l| l.strip_prefix("E "))
        .filter_map(|l| {
            let (bits, cyc) = l.split_once(' ').unwrap();
            let bit = |b: usize| bits.as_bytes()[7 - b] == b'1';
            (bit(5) || bit(6)).then(|| (bit(5), cyc.parse().unwrap()))
        })
        .collect();
    assert_eq!(decided.len(), 200, "one decision per ACK");
    let refused = decided.iter().filter(|d| !d.0).count();
    assert!(refused > 20 && refused < 150, "{refused} refused");
    let pops: Vec<u64> = handoffs(&out).iter().map(|h| h.1).collect();
    for (i, &(taken, cyc)) in decided.iter().enumerate() {
        // decided at clock cyc - 1 from the pushes and pops before it
        let pushed = decided[..i].iter().filter(|d| d.0).count();
        let popped = pops.iter().filter(|&&p| p + 1 < cyc).count();
        let waiting = pushed - popped;
        assert_eq!(
            taken,
            waiting < HANDOFF_DEPTH,
            "ACK {i} at cycle {cyc} with {waiting} records waiting"
        );
    }
    let taken: Vec<&String> = want
        .iter()
        .zip(&decided)
        .filter_map(|(w, d)| d.0.then_some(w))
        .collect();
    let got: Vec<&str> = handoffs(&out).into_iter().map(|h| h.0).collect();
    assert_eq!(got.len(), taken.len(), "every taken record popped");
    for (i, (g, w)) in got.iter().zip(&taken).enumerate() {
        assert_eq!(g, w, "record {i}");
    }
}
