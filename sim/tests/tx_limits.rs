//! The transmit engine's limits (`ferronic_hdl::dma::tx_core`), Verilated
//! with its rings and mover against the host memory model (1 us latency,
//! READY stalls) and the AXI4 checker: frames longer than
//! `ferronic_hdl::MAX_FRAME` bytes and descriptor chains longer than a
//! ring's cache without `EOP`. Each is ended where the limit is reached,
//! sent marked bad (`tuser` = 1, so the transmit path appends a wrong FCS)
//! and counted (`err_valid`); its completion says how much was sent and
//! how many descriptors it used; the descriptors after it make the next
//! frame, and the frames around it are untouched.

use ferronic_hdl::dma::desc_fetch::CACHE_BITS;
use ferronic_hdl::dma::regs::{nic_map, DmaRegs, DMA_CFG_BITS};
use ferronic_hdl::MAX_FRAME;
use ferronic_regmap::dma::{desc_flags, Completion, Descriptor};
use ferronic_sim::bus::axi4_check::Axi4Checker;
use ferronic_sim::bus::axi4_mem::Axi4Mem;
use ferronic_sim::bus::axi4_unit::Axi4Unit;
use ferronic_sim::unit::{models, Unit};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const BASE: u64 = 0x1_0000_0000;

/// What leaves: (bytes, `tuser`) per frame, the completions, the
/// `err_valid` pulses.
struct Out {
    frames: Vec<(Vec<u8>, bool)>,
    cpls: Vec<Completion>,
    errs: usize,
}

/// Posts `chain` (length, `EOP`) on ring 0 at one doorbell, buffer `k`
/// filled with byte `k`; runs until `cpls` completions are in and the
/// engine is idle.
fn run(chain: &[(u32, bool)], cpls: usize, seed: u64) -> Out {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut u = Unit::new(&models::TX_ENGINE);
    let p = |n: &str| u.port(n);
    let (rst, cfg_p, tdata, tkeep, tvalid, tready, tlast, tuser) = (
        p("rst"),
        p("cfg"),
        p("m_axis_tx_tdata"),
        p("m_axis_tx_tkeep"),
        p("m_axis_tx_tvalid"),
        p("m_axis_tx_tready"),
        p("m_axis_tx_tlast"),
        p("m_axis_tx_tuser"),
    );
    let (req_valid, req_ready, req_rec, err_valid, idle) = (
        p("req_valid"),
        p("req_ready"),
        p("req_rec"),
        p("err_valid"),
        p("idle"),
    );
    let mut axi = Axi4Unit::new(&u);
    let mut mem = Axi4Mem::new(16, 156, 0.3, seed ^ 5);
    let mut chk = Axi4Checker::new(16);
    let map = nic_map();
    let word = |r: &str| DmaRegs::cfg_word(&map, r).unwrap();
    let mut addr = 0x20_0000_0003u64;
    for (k, &(len, eop)) in chain.iter().enumerate() {
        mem.write(addr, &vec![k as u8; len as usize]);
        let flags = if eop { desc_flags::EOP } else { 0 };
        let d = Descriptor { flags, len, addr };
        mem.write(BASE + 16 * k as u64, &d.to_bytes());
        addr = (addr + u64::from(len) + 0x1000).next_multiple_of(64) + 5;
    }
    let mut cfg = vec![0u32; DMA_CFG_BITS / 32];
    cfg[word("dma.CTRL")] = 1;
    cfg[word("txq.Q0_BASE_LO")] = BASE as u32;
    cfg[word("txq.Q0_BASE_HI")] = (BASE >> 32) as u32;
    cfg[word("txq.Q0_CTRL")] = 1 | 8 << 4;
    let bytes = |c: &[u32]| -> Vec<u8> { c.iter().flat_map(|x| x.to_le_bytes()).collect() };
    u.set(rst, 1);
    u.set_bytes(cfg_p, &bytes(&cfg));
    u.tick();
    u.tick();
    u.set(rst, 0);
    u.tick();
    cfg[word("txq.Q0_PROD")] = chain.len() as u32;
    u.set_bytes(cfg_p, &bytes(&cfg));
    let mut out = Out {
        frames: Vec::new(),
        cpls: Vec::new(),
        errs: 0,
    };
    let mut cur = Vec::new();
    for clock in 0.. {
        assert!(clock < 200_000, "hung: {} completions", out.cpls.len());
        let ready = rng.gen_bool(0.7);
        let take = rng.gen_bool(0.7);
        u.set(tready, ready.into());
        u.set(req_ready, take.into());
        axi.drive(&mut u, &mut mem);
        u.eval();
        axi.edge(&u, &mut mem, &mut chk);
        if u.get(tvalid) != 0 && ready {
            let keep = u.get(tkeep) as u8;
            let d = u.get(tdata).to_le_bytes();
            cur.extend_from_slice(&d[..keep.count_ones() as usize]);
            if u.get(tlast) != 0 {
                out.frames
                    .push((std::mem::take(&mut cur), u.get(tuser) != 0));
            }
        }
        if u.get(req_valid) != 0 && take {
            let rec: [u8; 32] = u.get_bytes(req_rec).try_into().unwrap();
            out.cpls.push(Completion::from_bytes(&rec));
        }
        out.errs += u.get(err_valid) as usize;
        u.tick();
        if out.cpls.len() == cpls && u.get(idle) != 0 {
            break;
        }
    }
    assert_eq!(chk.outstanding(), (0, 0));
    out
}

/// `n` bytes of buffer `k` then `m` of buffer `k + 1` ...: the frame the
/// engine sends from `lens`, buffers numbered from `first`.
fn expect(first: usize, lens: &[u32]) -> Vec<u8> {
    lens.iter()
        .enumerate()
        .flat_map(|(k, &l)| vec![(first + k) as u8; l as usize])
        .collect()
}

#[test]
fn a_frame_over_the_longest_is_cut_marked_bad_and_the_next_intact() {
    let max = MAX_FRAME as u32;
    // 0: a good frame; 1..3: 8000 + 8000 + 1000 bytes (over the longest:
    // the third buffer is not read); 4: one buffer alone over the longest
    // (nothing sent); 5: a good frame
    let chain = [
        (100, true),
        (8000, false),
        (8000, false),
        (1000, true),
        (max + 1, true),
        (77, true),
    ];
    let o = run(&chain, 4, 0x1f1);
    assert_eq!(o.errs, 2, "two frames over the limit");
    assert_eq!(o.frames.len(), 3, "frames sent");
    assert_eq!(o.frames[0], (expect(0, &[100]), false));
    assert_eq!(o.frames[1], (expect(1, &[8000, 8000]), true));
    assert_eq!(o.frames[2], (expect(5, &[77]), false));
    let got: Vec<(u16, u32, u16)> = o
        .cpls
        .iter()
        .map(|c| (c.index, c.len, c.desc_count))
        .collect();
    assert_eq!(got, [(0, 100, 1), (1, 16000, 3), (4, 0, 1), (5, 77, 1)]);
    assert!(o.cpls.iter().all(|c| c.fault.is_none()));
}

#[test]
fn a_chain_longer_than_the_cache_without_eop_is_cut_and_the_rest_sent() {
    let cache = 1usize << CACHE_BITS;
    // cache + 3 buffers of 10 bytes, EOP only on the last: the first
    // `cache` make a bad frame, the last 3 the next (good) frame
    let mut chain = vec![(10, false); cache + 3];
    chain[cache + 2].1 = true;
    let o = run(&chain, 2, 0x1f2);
    assert_eq!(o.errs, 1);
    let lens = vec![10; cache];
    assert_eq!(o.frames.len(), 2);
    assert_eq!(o.frames[0], (expect(0, &lens), true));
    assert_eq!(o.frames[1], (expect(cache, &[10, 10, 10]), false));
    let got: Vec<(u16, u32, u16)> = o
        .cpls
        .iter()
        .map(|c| (c.index, c.len, c.desc_count))
        .collect();
    assert_eq!(
        got,
        [(0, 10 * cache as u32, cache as u16), (cache as u16, 30, 3)]
    );
}
