//! The completion queues (`ferronic_hdl::dma::cpl_queue`: control, staging
//! RAM and their write mover), Verilated alone, against the host memory
//! model (random latency, 30 % READY stalls) with the AXI4 checker on
//! every clock. A driver model polls each queue's memory by phase, as a
//! driver would, writes its consumer index, and arms queues at random.
//! Checks:
//! * every record lands once, in order per queue, in its slot, with the
//!   phase of its pass (queues of 256 and 512 entries wrap many times);
//!   a slow driver's queue fills and the writer waits (an overwritten
//!   unread slot would stall the driver or show it a wrong record);
//! * `cq_prod` never runs ahead of memory: the record before it is there;
//! * a request for a disabled queue is dropped and counted; a queue whose
//!   page refuses writes reports each refused record;
//! * interrupts: only while armed, once per arm (then disarmed), at once
//!   when armed with unread completions, after `count` completions with
//!   count moderation, and after the time limit (not before) with time
//!   moderation.

use ferronic_hdl::dma::cpl_queue::{CQS, IRQS};
use ferronic_hdl::dma::regs::{nic_map, DmaRegs, DMA_CFG_BITS};
use ferronic_regmap::dma::{Completion, COMPLETION};
use ferronic_sim::bus::axi4_check::{Axi4Checker, Axi4Wires};
use ferronic_sim::bus::axi4_mem::Axi4Mem;
use ferronic_sim::unit::{models, Unit};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::VecDeque;

/// One queue's setup in the test.
struct Q {
    cq: usize,
    base: u64,
    log: u32,
    vector: u32,
    /// `C<c>_MOD`.
    modr: u32,
    /// Chance per clock that the driver looks at the queue.
    poll: f64,
    /// Records sent, in order, and the next one the driver expects.
    sent: Vec<[u8; 32]>,
    cons: u16,
    armed: bool,
    /// Clock of the arm, whether completions were unread then, and the
    /// producer index then.
    arm_at: (u64, bool, u16),
    /// Clock of the first completion after the arm.
    first_after_arm: Option<u64>,
    irqs: usize,
}

fn record(rng: &mut StdRng, cq: usize, n: usize) -> [u8; 32] {
    let c = Completion {
        queue: cq as u16,
        index: n as u16,
        len: rng.gen_range(1..9600),
        desc_count: rng.gen_range(1..4),
        tuser: rng.gen_range(0..64),
        hash: rng.gen(),
        tag: rng.gen(),
        fault: None,
        phase: false,
    };
    c.to_bytes()
}

fn phase_of(rec: &[u8]) -> bool {
    ferronic_regmap::dma::get(rec, COMPLETION.field("PHASE")) != 0
}

#[test]
fn completions_land_in_order_with_phase_and_interrupts_follow_the_rules() {
    let map = nic_map();
    let mut rng = StdRng::seed_from_u64(31);
    let mut u = Unit::new(&models::CPL_QUEUE);
    let p = |n: &str| u.port(n);
    let (rst, cfg_p, arm_p, rq_v, rq_r, rq_cq, rq_rec) = (
        p("rst"),
        p("cfg"),
        p("arm"),
        p("req_valid"),
        p("req_ready"),
        p("req_cq"),
        p("req_rec"),
    );
    let full_p = p("cq_full");
    let (prod_p, armed_p, irq_p, ack_p, drop_p, fault_p) = (
        p("cq_prod"),
        p("cq_armed"),
        p("irq_req"),
        p("irq_ack"),
        p("cpl_drop"),
        p("cpl_fault"),
    );
    let m = |n: &str| p(&format!("m_axi_{n}"));
    let (awvalid, awaddr, awlen, awsize, awburst) = (
        m("awvalid"),
        m("awaddr"),
        m("awlen"),
        m("awsize"),
        m("awburst"),
    );
    let (awready, wvalid, wready, wdata, wstrb, wlast) = (
        m("awready"),
        m("wvalid"),
        m("wready"),
        m("wdata"),
        m("wstrb"),
        m("wlast"),
    );
    let (bvalid, bready, bresp) = (m("bvalid"), m("bready"), m("bresp"));

    // queues: every completion / count 8 / time 4 x 64 clocks / slow
    // driver (fills) / a refused page; distinct vectors
    let mk = |cq, base, log, vector, modr, poll| Q {
        cq,
        base,
        log,
        vector,
        modr,
        poll,
        sent: Vec::new(),
        cons: 0,
        armed: false,
        arm_at: (0, false, 0),
        first_after_arm: None,
        irqs: 0,
    };
    let mut qs = vec![
        mk(0, 0x1_0000_0000, 8, 3, 1, 0.3),
        mk(3, 0x2_0001_2fe0 & !31, 9, 7, 8, 0.2),
        mk(9, 0x3_0000_0000, 8, 11, 0xffff | 4 << 16, 0.2),
        mk(12, 0x4_0000_0000, 8, 1, 0, 0.0001),
    ];
    let faulty = (15usize, 0x5_0000_0000u64);
    let disabled = 6usize;
    let mut cfg = vec![0u32; DMA_CFG_BITS / 32];
    let w = |name: &str| DmaRegs::cfg_word(&map, name).unwrap();
    let mut setup = |cq: usize, base: u64, log: u32, vector: u32, modr: u32| {
        cfg[w(&format!("cq.C{cq}_BASE_LO"))] = base as u32;
        cfg[w(&format!("cq.C{cq}_BASE_HI"))] = (base >> 32) as u32;
        cfg[w(&format!("cq.C{cq}_CTRL"))] = 1 | log << 4 | vector << 8;
        cfg[w(&format!("cq.C{cq}_MOD"))] = modr;
    };
    for q in &qs {
        setup(q.cq, q.base, q.log, q.vector, q.modr);
    }
    setup(faulty.0, faulty.1, 8, 15, 0);
    let cons_word: Vec<usize> = (0..CQS).map(|c| w(&format!("cq.C{c}_CONS"))).collect();
    let set_cfg = |u: &mut Unit, cfg: &[u32]| {
        let b: Vec<u8> = cfg.iter().flat_map(|x| x.to_le_bytes()).collect();
        u.set_bytes(cfg_p, &b);
    };
    let mut mem = Axi4Mem::new(16, [0, 40, 156][rng.gen_range(0..3)], 0.3, 32);
    mem.fault(faulty.1, 3);
    let mut chk = Axi4Checker::new(16);

    // requests: 6,000 over the queues, a few for the disabled and the
    // faulty queue
    let mut reqs: VecDeque<(usize, [u8; 32])> = VecDeque::new();
    let (mut n_drop, mut n_fault) = (0u64, 0u64);
    for k in 0..6000 {
        let (cq, qi) = match rng.gen_range(0..100) {
            0 => (disabled, None),
            1 if n_fault < 50 => (faulty.0, None),
            r => (qs[r % qs.len()].cq, Some(r % qs.len())),
        };
        let rec = record(&mut rng, cq, k);
        if let Some(i) = qi {
            qs[i].sent.push(rec);
        } else if cq == disabled {
            n_drop += 1;
        } else {
            n_fault += 1;
        }
        reqs.push_back((cq, rec));
    }
    let total: usize = qs.iter().map(|q| q.sent.len()).sum();

    u.set(rst, 1);
    set_cfg(&mut u, &cfg);
    u.tick();
    u.tick();
    u.set(rst, 0);
    assert!(qs.iter().all(|q| q.sent.len() < 65536));
    let (mut got, mut drops, mut faults, mut clock) = (0usize, 0u64, 0u64, 0u64);
    let mut irq_prev = 0u64;
    let mut saw_full = 0u64;
    const { assert!(IRQS <= 64) };
    let vectors: u64 = qs.iter().map(|q| 1u64 << q.vector).sum::<u64>() | 1 << 15;

    let mut prod_prev = [0u16; CQS];
    while got < total || !reqs.is_empty() || chk.outstanding() != (0, 0) || clock < 20_000 {
        clock += 1;
        assert!(clock < 3_000_000, "hung: {got} of {total} records seen");
        // the driver: poll, consume, write CONS, arm
        let mut arm = 0u64;
        // the producer indices, one read of the bus a clock
        let prods: Vec<u16> = u
            .get_bytes(prod_p)
            .chunks(2)
            .map(|c| u16::from(c[0]) | u16::from(c[1]) << 8)
            .collect();
        for q in qs.iter_mut() {
            let prod = prods[q.cq];
            // (cq_prod shows a write response two clocks late: one seen
            // in the clock after the arm came before it)
            if prod != prod_prev[q.cq]
                && q.armed
                && q.first_after_arm.is_none()
                && clock >= q.arm_at.0 + 2
            {
                q.first_after_arm = Some(clock);
            }
            // cq_prod never runs ahead of memory
            if prod != q.cons {
                let i = prod.wrapping_sub(1);
                let slot = q.base + 32 * u64::from(i & ((1 << q.log) - 1) as u16);
                let rec = mem.read(slot, 32);
                let want_phase = (i >> q.log) & 1 == 0;
                assert_eq!(
                    phase_of(&rec),
                    want_phase,
                    "CQ {} PROD {prod}: record not in memory",
                    q.cq
                );
            }
            if rng.gen_bool(q.poll) {
                let mask = (1u16 << q.log) - 1;
                loop {
                    let slot = q.base + 32 * u64::from(q.cons & mask);
                    let rec = mem.read(slot, 32);
                    let phase = (q.cons >> q.log) & 1 == 0;
                    if phase_of(&rec) != phase {
                        break;
                    }
                    let n = q.cons as usize;
                    let mut want = q.sent[n];
                    want[31] = want[31] & 0x7f | u8::from(phase) << 7;
                    assert_eq!(rec, want, "CQ {} record {n}", q.cq);
                    q.cons = q.cons.wrapping_add(1);
                    got += 1;
                }
                cfg[cons_word[q.cq]] = u32::from(q.cons);
            }
            if !q.armed && rng.gen_bool(0.01) {
                q.armed = true;
                // unread: written (PROD) ahead of what the driver consumed
                let ahead = prods[q.cq].wrapping_sub(q.cons) as i16;
                q.arm_at = (clock, ahead > 0, prods[q.cq]);
                q.first_after_arm = None;
                arm |= 1 << q.cq;
            }
            prod_prev[q.cq] = prod;
        }
        set_cfg(&mut u, &cfg);
        u.set(arm_p, arm);
        // requests
        let offer = reqs.front().copied();
        u.set(rq_v, offer.is_some().into());
        if let Some((cq, rec)) = offer {
            u.set(rq_cq, cq as u64);
            u.set_bytes(rq_rec, &rec);
        }
        // memory
        let o = mem.drive().clone();
        u.set(awready, o.awready.into());
        u.set(wready, o.wready.into());
        u.set(bvalid, o.bvalid.into());
        u.set(bresp, o.bresp.into());
        u.eval();
        if offer.is_some() && u.get(rq_r) != 0 {
            reqs.pop_front();
        }
        let wires = Axi4Wires {
            awvalid: u.get(awvalid) != 0,
            awready: o.awready,
            awaddr: u.get(awaddr),
            awlen: u.get(awlen) as u8,
            awsize: u.get(awsize) as u8,
            awburst: u.get(awburst) as u8,
            wvalid: u.get(wvalid) != 0,
            wready: o.wready,
            wstrb: u.get(wstrb),
            wlast: u.get(wlast) != 0,
            bvalid: o.bvalid,
            bready: u.get(bready) != 0,
            bresp: o.bresp,
            ..Default::default()
        };
        chk.cycle(&wires).unwrap_or_else(|e| panic!("{e}"));

        mem.edge(&wires, &u.get_bytes(wdata));
        drops += u.get(drop_p);
        faults += u.get(fault_p);
        // interrupts: ack at once; check each new one
        let irq = u.get(irq_p);
        assert_eq!(irq & !vectors, 0, "an interrupt on a vector no queue uses");
        u.set(ack_p, irq);
        saw_full |= u.get(full_p);
        let armed_bits = u.get(armed_p);
        for q in qs.iter_mut() {
            if irq >> q.vector & 1 != 0 && irq_prev >> q.vector & 1 == 0 {
                assert!(q.armed, "CQ {} interrupt while disarmed", q.cq);
                assert_eq!(
                    armed_bits >> q.cq & 1,
                    0,
                    "CQ {} still armed after its interrupt",
                    q.cq
                );
                let (t, unread, p0) = q.arm_at;
                let now = prods[q.cq];
                let n = now.wrapping_sub(p0);
                if unread {
                    assert!(
                        clock - t <= 5,
                        "CQ {}: armed with unread completions, fired after {} clocks",
                        q.cq,
                        clock - t
                    );
                } else if clock - t <= 5 {
                    // a completion landed as the driver armed: unread
                    // at once, so it may fire at once
                } else if q.modr >> 16 != 0 {
                    let first = q
                        .first_after_arm
                        .expect("a completion before a timed interrupt");
                    let wait = clock - first;
                    assert!((190..=270).contains(&wait), "CQ {}: timed interrupt after {wait} clocks (armed at {t}, first completion seen at {first}, now {clock}, prod at arm {p0}, now {now})", q.cq);
                } else {
                    let count = u16::try_from((q.modr & 0xffff).max(1)).unwrap();
                    assert!(
                        n + 1 >= count,
                        "CQ {}: interrupt after {n} completions, moderation {count}",
                        q.cq
                    );
                }
                q.armed = false;
                q.irqs += 1;
            }
        }
        irq_prev = irq;
        u.tick();
    }
    // nothing outstanding: the memory goes quiet, the outputs settle
    u.set(bvalid, 0);
    for _ in 0..4 {
        u.tick();
    }
    u.eval();
    let prods: Vec<u16> = u
        .get_bytes(prod_p)
        .chunks(2)
        .map(|c| u16::from(c[0]) | u16::from(c[1]) << 8)
        .collect();
    for q in &qs {
        let prod = prods[q.cq];
        assert_eq!(prod as usize, q.sent.len() % 65536, "CQ {} PROD", q.cq);
    }
    assert_eq!(drops, n_drop, "dropped requests (disabled queue)");
    assert_eq!(faults + u.get(fault_p), n_fault, "refused records");
    assert_eq!(chk.outstanding(), (0, 0));
    // the slow driver's queue filled: the writer waited for it
    assert_ne!(saw_full >> 12 & 1, 0, "CQ 12 never full");
    for q in &qs {
        eprintln!(
            "CQ {}: {} records, {} interrupts",
            q.cq,
            q.sent.len(),
            q.irqs
        );
        assert!(q.irqs > 3, "CQ {} raised {} interrupts", q.cq, q.irqs);
    }
    eprintln!("{total} records in {clock} clocks");
}
