//! The handshake engine inside the Verilated `nic_core`, configured through
//! AXI4-Lite as a driver would: random TCP traffic (SYNs, the ACKs that
//! complete them, forged ACKs, closed ports, noise) with random gaps and
//! stalls. Frames reaching the host equal the datapath model minus the
//! SYNs the engine consumed; SYN-ACKs and RSTs on `m_axis_tx` equal the
//! engine model's with a valid FCS; handoff records read through the
//! registers and every handshake counter equal the model; a SYN flood at
//! line rate is answered one for one while host-bound frames still pass.

use ferronic_sim::harness::{Job, Nic, RunOpts};
use ferronic_sim::model::handshake::Config;
use ferronic_sim::model::hs_core::{config, expect, jobs_of};
use ferronic_sim::model::hs_traffic::{flood_ack, min_syn, segment, traffic, SERVER};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn check(nic: &mut Nic, c: &Config, jobs: &[Job], opts: &str) {
    let want = expect(c, jobs);
    let r = nic.run_consumed(jobs, want.consumed, |_| {}).unwrap();
    let got: Vec<&Vec<u8>> = r.frames.iter().map(|f| &f.data).collect();
    assert_eq!(got.len(), want.host.len(), "{opts}: frames to the host");
    for (i, (g, w)) in got.iter().zip(&want.host).enumerate() {
        assert_eq!(*g, w, "{opts}: host frame {i}");
    }
    assert_eq!(r.tx_frames.len(), want.tx.len(), "{opts}: generated frames");
    for (i, (g, w)) in r.tx_frames.iter().zip(&want.tx).enumerate() {
        assert_eq!(g, w, "{opts}: generated frame {i}");
    }
    // nobody popped during the run: the FIFO kept the first records and
    // counted the others as overflows
    let depth = ferronic_hdl::handshake::engine::HANDOFF_DEPTH;
    let recs = nic.handoffs().unwrap();
    let kept = want.records.len().min(depth);
    assert_eq!(recs, want.records[..kept], "{opts}: handoff records");
    let mut counters = want.counters;
    counters[5] = kept as u64;
    counters[6] = (want.records.len() - kept) as u64;
    assert!(
        counters[6] > 0,
        "{opts}: the test must overflow the handoff queue"
    );
    for (k, (name, _)) in ferronic_regmap::HANDSHAKE.iter().enumerate() {
        assert_eq!(nic.counter(name).unwrap(), counters[k], "{opts}: {name}");
    }
    assert_eq!(nic.counter("FRAMES_IN").unwrap(), jobs.len() as u64);
    assert_eq!(nic.counter("FRAMES_OUT").unwrap(), want.host.len() as u64);
}

#[test]
fn core_answers_like_the_model_under_random_traffic() {
    let seed: u64 = std::env::var("FERRONIC_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0xc0de);
    eprintln!("seed {seed} (FERRONIC_SEED to replay)");
    let c = config();
    for (k, (gap, stall)) in [(0.0, 0.0), (0.2, 0.3)].into_iter().enumerate() {
        let mut r = StdRng::seed_from_u64(seed + k as u64);
        let jobs = jobs_of(traffic(&c, &mut r, 1500));
        let mut nic = Nic::new(&RunOpts {
            gap,
            stall,
            seed: seed + k as u64,
            max_idle: 50_000,
            ..RunOpts::default()
        })
        .unwrap();
        nic.configure_handshake(&c).unwrap();
        nic.write_reg("counters.CLEAR", 1).unwrap();
        check(&mut nic, &c, &jobs, &format!("gap {gap} stall {stall}"));
    }
}

#[test]
fn syn_flood_at_line_rate_while_host_frames_pass() {
    let c = config();
    let mut r = StdRng::seed_from_u64(9);
    let mut frames = Vec::new();
    for i in 0..3000u32 {
        let client = [198, 18, 2 + (i >> 8) as u8, i as u8];
        let mut f = if i % 4 == 3 {
            // host-bound: data on an established connection
            segment(
                client,
                SERVER,
                40000,
                80,
                r.gen(),
                Some(r.gen()),
                false,
                false,
                &[],
                &[0x11; 6],
            )
            .unwrap()
        } else {
            min_syn(i, r.gen())
        };
        f.resize(60, 0);
        frames.push((f, false));
    }
    let jobs = jobs_of(frames);
    let mut nic = Nic::new(&RunOpts {
        max_idle: 50_000,
        ..RunOpts::default()
    })
    .unwrap();
    nic.configure_handshake(&c).unwrap();
    nic.write_reg("counters.CLEAR", 1).unwrap();
    let want = expect(&c, &jobs);
    assert_eq!(want.consumed, 2250);
    let res = nic.run_consumed(&jobs, want.consumed, |_| {}).unwrap();
    // one beat per clock in: the flood never backpressures the wire
    assert_eq!(res.stats.in_span, res.stats.in_beats, "bubbles on s_axis");
    assert_eq!(res.frames.len(), 750, "host frames pass");
    assert_eq!(res.tx_frames.len(), 2250, "every SYN answered");
    assert_eq!(res.tx_frames, want.tx);
    assert_eq!(nic.counter("HS_GEN_DROPS").unwrap(), 0);
    eprintln!(
        "flood: {} SYNs + {} host frames in {} cycles ({:.3} frames/clock in, 8 beats each); {} SYN-ACKs sent",
        2250,
        750,
        res.stats.in_span,
        3000.0 / res.stats.in_span as f64 * 1.0,
        res.tx_frames.len()
    );
}

/// The ACK completing flood SYN `i` (client ISN `seq`) for the SYN-ACK
/// sequence number `isn`, FCS appended.
fn ack_for(i: u32, seq: u32, isn: u32) -> Job {
    let f = flood_ack(i, seq.wrapping_add(1), isn.wrapping_add(1));
    jobs_of(vec![(f, false)]).remove(0)
}

#[test]
fn stale_and_forged_cookies_are_refused_by_the_core() {
    let c = config();
    let mut nic = Nic::new(&RunOpts::default()).unwrap();
    nic.configure_handshake(&c).unwrap();
    nic.write_reg("counters.CLEAR", 1).unwrap();
    // 40 SYNs at counter value `count`: the core's SYN-ACKs carry the cookies
    let seqs: Vec<u32> = (0..40u32).map(|i| i.wrapping_mul(0x9E37_79B9)).collect();
    let syns = jobs_of(
        (0..40u32)
            .map(|i| (min_syn(i, seqs[i as usize]), false))
            .collect(),
    );
    let res = nic.run_consumed(&syns, 40, |_| {}).unwrap();
    assert_eq!(res.tx_frames.len(), 40);
    let isns: Vec<u32> = res
        .tx_frames
        .iter()
        .map(|f| u32::from_be_bytes(f[38..42].try_into().unwrap()))
        .collect();
    let acks = |range: std::ops::Range<u32>| -> Vec<Job> {
        range
            .map(|i| ack_for(i, seqs[i as usize], isns[i as usize]))
            .collect()
    };
    // one counter period later: still valid (age 1 < 2)
    nic.write_reg("handshake.COUNT_BASE", c.count.wrapping_add(1))
        .unwrap();
    nic.run_consumed(&acks(0..10), 0, |_| {}).unwrap();
    assert_eq!(nic.counter("HS_COOKIES_VALID").unwrap(), 10);
    assert_eq!(nic.counter("HS_HANDOFFS").unwrap(), 10);
    // two periods later: stale (`__cookie_v4_check`: age must be < 2)
    nic.write_reg("handshake.COUNT_BASE", c.count.wrapping_add(2))
        .unwrap();
    nic.run_consumed(&acks(10..40), 0, |_| {}).unwrap();
    assert_eq!(nic.counter("HS_COOKIES_VALID").unwrap(), 10);
    assert_eq!(nic.counter("HS_COOKIES_INVALID").unwrap(), 30);
    // 100,000 ACKs with random acknowledgement numbers at the current
    // counter: at 2^-22 per guess (24-bit hash field, 4 MSS indexes, 2
    // ages) about 0.02 would pass; none may
    nic.write_reg("handshake.COUNT_BASE", c.count).unwrap();
    let mut r = StdRng::seed_from_u64(0xF0E6);
    let forged: Vec<Job> = (0..100_000u32)
        .map(|k| ack_for(k % 40_000, r.gen(), r.gen()))
        .collect();
    let res = nic.run_consumed(&forged, 0, |_| {}).unwrap();
    assert_eq!(res.frames.len(), 100_000, "forged ACKs pass to the host");
    assert_eq!(
        nic.counter("HS_COOKIES_VALID").unwrap(),
        10,
        "a forged cookie was accepted"
    );
    assert_eq!(nic.counter("HS_HANDOFFS").unwrap(), 10);
    assert_eq!(nic.counter("HS_COOKIES_INVALID").unwrap(), 100_030);
    assert_eq!(nic.handoffs().unwrap().len(), 10);
}
