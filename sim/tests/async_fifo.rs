//! `ferronic_async_fifo` with `REG_READY` (the open board's descriptor and
//! frame-length crossings) in Verilator, its two clocks at unrelated
//! rates: a writer that pushes whenever `s_ready` lets it and a reader
//! that stalls at random. Every word comes out once, in order (a push
//! into a full FIFO would overwrite an unread word), and the FIFO fills:
//! `s_ready` falls while the reader stalls.

use ferronic_sim::unit::{models, Unit};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[test]
fn every_word_once_in_order_through_a_full_fifo() {
    let mut rng = StdRng::seed_from_u64(16);
    let mut u = Unit::new(&models::ASYNC_FIFO_REG);
    let p = |u: &Unit, n: &str| u.port(n);
    let (sclk, srst, sdata, svalid, sready) = (
        p(&u, "s_clk"),
        p(&u, "s_rst"),
        p(&u, "s_data"),
        p(&u, "s_valid"),
        p(&u, "s_ready"),
    );
    let (mclk, mrst, mdata, mvalid, mready) = (
        p(&u, "m_clk"),
        p(&u, "m_rst"),
        p(&u, "m_data"),
        p(&u, "m_valid"),
        p(&u, "m_ready"),
    );
    // write clock 7,000 ps, read clock 11,000 ps (half periods)
    let (mut ts, mut tm, mut hs, mut hm) = (0u64, 1_300u64, false, false);
    let (mut next, mut got, mut full_seen) = (0u64, Vec::new(), 0u32);
    u.set(srst, 1);
    u.set(mrst, 1);
    let mut t = 0;
    while got.len() < 3_000 && t < 200_000_000 {
        t = ts.min(tm);
        if t > 100_000 {
            u.set(srst, 0);
            u.set(mrst, 0);
        }
        if ts == t {
            hs = !hs;
            if hs {
                // the rising edge takes the word offered
                u.eval();
                if u.get(svalid) != 0 && u.get(sready) != 0 {
                    next += 1;
                }
                if u.get(sready) == 0 && u.get(srst) == 0 {
                    full_seen += 1;
                }
            }
            u.set(sclk, u64::from(hs));
            ts += 3_500;
        }
        if tm == t {
            hm = !hm;
            if hm {
                u.eval();
                if u.get(mvalid) != 0 && u.get(mready) != 0 {
                    got.push(u.get(mdata));
                }
            }
            u.set(mclk, u64::from(hm));
            tm += 5_500;
        }
        u.eval();
        // new inputs after the edge: the writer always offers the next
        // word; the reader stalls in bursts
        u.set(sdata, next & 0xffff);
        u.set(svalid, 1);
        if hm {
            u.set(mready, u64::from(rng.gen_range(0..10) < 4));
        }
        u.eval();
    }
    assert_eq!(got.len(), 3_000, "the reader got too few words");
    for (i, w) in got.iter().enumerate() {
        assert_eq!(
            *w,
            i as u64 & 0xffff,
            "word {i}: lost, repeated or overwritten"
        );
    }
    assert!(full_seen > 100, "the FIFO never filled ({full_seen})");
}
