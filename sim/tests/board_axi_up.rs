//! The board shell's AXI upsizer (`ferronic_axi_up`, the 256-bit build the
//! ExaNIC X10 uses) alone in Verilator, with its two clocks (156.25 MHz on
//! the core's 128-bit side, 250 MHz on XDMA's side), against a wide slave
//! that answers reads of different IDs out of order and interleaved (AXI4
//! allows it; within one ID, order holds) and stalls every READY at
//! random, under the AXI4 checker every clock. Write bursts of 1 to 64
//! beats at any 16-byte address with random strobes, then read bursts
//! over the same bytes: every byte read is the byte written, every read
//! burst returns its beats in order with `rlast` on its last, per ID.

use ferronic_sim::bus::axi4_check::{Axi4Checker, Axi4Wires};
use ferronic_sim::unit::{models, Port, Unit};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{HashMap, VecDeque};

const NB: u64 = 16;
const WB: u64 = 32;
const SPACE: u64 = 1 << 16;

struct Wr {
    id: u8,
    addr: u64,
    beats: Vec<(Vec<u8>, u64)>,
}

struct Rd {
    id: u8,
    addr: u64,
    len: u64,
}

/// A random burst that stays within 4 KiB and the test's space.
fn burst(rng: &mut StdRng) -> (u64, u64) {
    let len = if rng.gen_bool(0.2) {
        rng.gen_range(17..=64)
    } else {
        rng.gen_range(1..=16)
    };
    loop {
        let addr = rng.gen_range(0..SPACE / NB) * NB;
        if addr % 4096 + len * NB <= 4096 {
            return (addr, len);
        }
    }
}

struct Dut {
    u: Unit,
    p: HashMap<String, Port>,
    axi_clk: Port,
}

impl Dut {
    fn port(&self, n: &str) -> Port {
        self.p[n]
    }
    fn set(&mut self, n: &str, v: u64) {
        let p = self.port(n);
        self.u.set(p, v);
    }
    fn get(&self, n: &str) -> u64 {
        self.u.get(self.port(n))
    }
}

#[test]
fn upsizer_keeps_every_byte_and_follows_reads_out_of_order() {
    let mut rng = StdRng::seed_from_u64(71);
    let u = Unit::new(&models::AXI_UP_32);
    let p = models::AXI_UP_32
        .ports
        .iter()
        .map(|(n, _, _)| (n.to_string(), u.port(n)))
        .collect();
    let axi_clk = u.port("axi_aclk");
    let mut d = Dut { u, p, axi_clk };
    d.set("rst", 1);
    d.set("axi_rst", 1);
    for _ in 0..4 {
        d.u.tick();
        let c = d.axi_clk;
        d.u.tick_port(c);
    }
    d.set("rst", 0);
    d.set("axi_rst", 0);

    // ---- writes ----
    let mut shadow = vec![0u8; SPACE as usize];
    let mut writes: Vec<Wr> = Vec::new();
    for _ in 0..300 {
        let (addr, len) = burst(&mut rng);
        let beats: Vec<(Vec<u8>, u64)> = (0..len)
            .map(|k| {
                let data: Vec<u8> = (0..NB).map(|_| rng.gen()).collect();
                let strb: u64 = if rng.gen_bool(0.3) {
                    rng.gen::<u64>() & 0xffff
                } else {
                    0xffff
                };
                for (i, b) in data.iter().enumerate() {
                    if strb >> i & 1 == 1 {
                        shadow[(addr + k * NB) as usize + i] = *b;
                    }
                }
                (data, strb)
            })
            .collect();
        writes.push(Wr {
            id: rng.gen_range(0..4),
            addr,
            beats,
        });
    }
    let mut mem = vec![0u8; SPACE as usize];
    let reads: Vec<Rd> = (0..400)
        .map(|_| {
            let (addr, len) = burst(&mut rng);
            Rd {
                id: rng.gen_range(0..4),
                addr,
                len,
            }
        })
        .collect();

    let mut chk = Axi4Checker::new(WB);
    // master (core side) state
    let (mut aw_i, mut w_i, mut w_beat, mut b_n) = (0usize, 0usize, 0usize, 0usize);
    let (mut ar_i, mut r_n) = (0usize, 0usize);
    let mut want: HashMap<u8, VecDeque<(u64, u64, u64)>> = HashMap::new(); // id -> (addr, len, next)
                                                                           // slave (XDMA side) state
    let mut s_aw: VecDeque<(u8, u64, u64)> = VecDeque::new();
    let mut s_w: VecDeque<(Vec<u8>, u64, bool)> = VecDeque::new();
    let mut s_b: VecDeque<u8> = VecDeque::new();
    let mut s_rd: Vec<(u8, u64, u64, u64)> = Vec::new(); // id, addr, beats, next
    let mut cur_r: Option<usize> = None;
    // a VALID once raised stays, with its beat, until taken (AXI4 A3.2.1)
    let (mut r_held, mut b_held) = (false, false);
    // bursts left mid-way for another ID, bursts finished before an older one
    let (mut interleaved, mut overtook) = (0u32, 0u32);
    let (mut t_core, mut t_axi) = (6_400u64, 5_000u64);
    let mut clocks = 0u64;
    while r_n < reads.len() {
        clocks += 1;
        assert!(clocks < 3_000_000, "hung: {b_n} writes, {r_n} reads done");
        if t_axi < t_core {
            t_axi += 4_000;
            // ---- wide slave, axi_aclk ----
            let rdy = |rng: &mut StdRng| !rng.gen_bool(0.3);
            let (awr, wr, arr) = (rdy(&mut rng), rdy(&mut rng), rdy(&mut rng));
            d.set("m_awready", awr.into());
            d.set("m_wready", wr.into());
            d.set("m_arready", arr.into());
            let bv = b_held || (!s_b.is_empty() && rng.gen_bool(0.7));
            b_held = bv;
            d.set("m_bvalid", bv.into());
            d.set("m_bid", u64::from(s_b.front().copied().unwrap_or(0)));
            d.set("m_bresp", 0);
            // reads: a random burst among the oldest of each ID, sometimes
            // switching mid-burst (interleaving)
            if !r_held && (cur_r.is_none() || rng.gen_bool(0.3)) {
                let mut heads: Vec<usize> = Vec::new();
                for id in 0..4u8 {
                    if let Some(i) = s_rd.iter().position(|r| r.0 == id) {
                        heads.push(i);
                    }
                }
                let next = (!heads.is_empty()).then(|| heads[rng.gen_range(0..heads.len())]);
                if let (Some(a), Some(b)) = (cur_r, next) {
                    interleaved += u32::from(a != b && s_rd[a].3 > 0);
                }
                cur_r = next;
            }
            let rv = r_held || (cur_r.is_some() && rng.gen_bool(0.8));
            r_held = rv;
            if let Some(i) = cur_r {
                let (id, addr, beats, next) = s_rd[i];
                let a = (addr + next * WB) as usize;
                let p = d.port("m_rdata");
                d.u.set_bytes(p, &mem[a..a + WB as usize]);
                d.set("m_rid", id.into());
                d.set("m_rlast", u64::from(next + 1 == beats));
            }
            d.set("m_rvalid", rv.into());
            d.set("m_rresp", 0);
            d.u.eval();
            let w = Axi4Wires {
                awvalid: d.get("m_awvalid") == 1,
                awready: awr,
                awid: d.get("m_awid") as u8,
                awaddr: d.get("m_awaddr"),
                awlen: d.get("m_awlen") as u8,
                awsize: d.get("m_awsize") as u8,
                awburst: d.get("m_awburst") as u8,
                wvalid: d.get("m_wvalid") == 1,
                wready: wr,
                wstrb: d.get("m_wstrb"),
                wlast: d.get("m_wlast") == 1,
                bvalid: bv,
                bready: d.get("m_bready") == 1,
                bid: s_b.front().copied().unwrap_or(0),
                bresp: 0,
                arvalid: d.get("m_arvalid") == 1,
                arready: arr,
                arid: d.get("m_arid") as u8,
                araddr: d.get("m_araddr"),
                arlen: d.get("m_arlen") as u8,
                arsize: d.get("m_arsize") as u8,
                arburst: d.get("m_arburst") as u8,
                rvalid: rv,
                rready: d.get("m_rready") == 1,
                rid: cur_r.map_or(0, |i| s_rd[i].0),
                rresp: 0,
                rlast: cur_r.is_some_and(|i| s_rd[i].3 + 1 == s_rd[i].2),
            };
            chk.cycle(&w).unwrap_or_else(|e| panic!("{e}"));
            if w.awvalid && w.awready {
                assert_eq!(w.awaddr % WB, 0, "wide address aligned");
                s_aw.push_back((w.awid, w.awaddr, u64::from(w.awlen) + 1));
            }
            if w.wvalid && w.wready {
                let p = d.port("m_wdata");
                s_w.push_back((d.u.get_bytes(p), w.wstrb, w.wlast));
            }
            // a burst is written when its address and all its beats are in
            while let Some(&(id, addr, beats)) = s_aw.front() {
                if (s_w.len() as u64) < beats {
                    break;
                }
                for k in 0..beats {
                    let (data, strb, last) = s_w.pop_front().unwrap();
                    assert_eq!(last, k + 1 == beats, "wlast on the burst's last beat");
                    for (i, b) in data.iter().enumerate() {
                        if strb >> i & 1 == 1 {
                            mem[(addr + k * WB) as usize + i] = *b;
                        }
                    }
                }
                s_aw.pop_front();
                s_b.push_back(id);
            }
            if bv && w.bready {
                s_b.pop_front();
                b_held = false;
            }
            if w.arvalid && w.arready {
                assert_eq!(w.araddr % WB, 0, "wide address aligned");
                s_rd.push((w.arid, w.araddr, u64::from(w.arlen) + 1, 0));
            }
            if rv && w.rready {
                r_held = false;
                let i = cur_r.unwrap();
                s_rd[i].3 += 1;
                if s_rd[i].3 == s_rd[i].2 {
                    overtook += u32::from(i > 0);
                    s_rd.remove(i);
                    cur_r = None;
                }
            }
            let c = d.axi_clk;
            d.u.tick_port(c);
            continue;
        }
        t_core += 6_400;
        // ---- narrow master, core clock: writes first, then reads ----
        let go = |rng: &mut StdRng| !rng.gen_bool(0.25);
        let aw_v = aw_i < writes.len() && go(&mut rng);
        if let Some(wr) = writes.get(aw_i) {
            d.set("s_awid", wr.id.into());
            d.set("s_awaddr", wr.addr);
            d.set("s_awlen", wr.beats.len() as u64 - 1);
        }
        d.set("s_awvalid", aw_v.into());
        let w_v = w_i < writes.len() && go(&mut rng);
        if let Some(wr) = writes.get(w_i) {
            let (data, strb) = &wr.beats[w_beat];
            let p = d.port("s_wdata");
            d.u.set_bytes(p, data);
            d.set("s_wstrb", *strb);
            d.set("s_wlast", u64::from(w_beat + 1 == wr.beats.len()));
        }
        d.set("s_wvalid", w_v.into());
        d.set("s_bready", go(&mut rng).into());
        let reading = b_n == writes.len();
        let ar_v = reading && ar_i < reads.len() && go(&mut rng);
        if let Some(r) = reads.get(ar_i) {
            d.set("s_arid", r.id.into());
            d.set("s_araddr", r.addr);
            d.set("s_arlen", r.len - 1);
        }
        d.set("s_arvalid", ar_v.into());
        let rr = go(&mut rng);
        d.set("s_rready", rr.into());
        d.u.eval();
        if aw_v && d.get("s_awready") == 1 {
            aw_i += 1;
        }
        if w_v && d.get("s_wready") == 1 {
            w_beat += 1;
            if w_beat == writes[w_i].beats.len() {
                w_i += 1;
                w_beat = 0;
            }
        }
        if d.get("s_bvalid") == 1 && d.get("s_bready") == 1 {
            assert_eq!(d.get("s_bresp"), 0);
            b_n += 1;
        }
        if ar_v && d.get("s_arready") == 1 {
            let r = &reads[ar_i];
            want.entry(r.id).or_default().push_back((r.addr, r.len, 0));
            ar_i += 1;
        }
        if rr && d.get("s_rvalid") == 1 {
            let id = d.get("s_rid") as u8;
            let q = want.get_mut(&id).expect("an R beat of an ID with no read");
            let (addr, len, next) = q.front_mut().expect("an R beat of an ID with no read");
            let p = d.port("s_rdata");
            let got = d.u.get_bytes(p);
            let a = (*addr + *next * NB) as usize;
            assert_eq!(
                got,
                shadow[a..a + NB as usize],
                "read {addr:#x} beat {next} (ID {id})"
            );
            *next += 1;
            assert_eq!(d.get("s_rlast") == 1, *next == *len, "rlast (ID {id})");
            if *next == *len {
                q.pop_front();
                r_n += 1;
            }
        }
        d.u.tick();
    }
    assert_eq!(b_n, writes.len());
    eprintln!(
        "axi_up_32: {} write and {} read bursts in {clocks} clock edges; \
         {interleaved} reads interleaved, {overtook} finished before an older one",
        writes.len(),
        reads.len()
    );
    assert!(interleaved > 20 && overtook > 20, "the slave reordered");
}
