//! The driver model's receive side: rings kept stocked with buffers
//! (some on pages made to fault), completions checked against the slots
//! they name, frames reassembled, refused pages made resident again.

use super::{rx_ring_base, Driver, RxDelivery};
use crate::bus::axi4_mem::PAGE;
use crate::dma::top::NicTop;
use ferronic_regmap::dma::{Completion, Descriptor};
use rand::Rng;

impl Driver {
    pub(super) fn stock(&mut self, top: &mut NicTop, q: usize) {
        let size = self.size();
        let base = rx_ring_base(q);
        let r = &mut self.rx[q];
        // a slot is posted again once a completion has named it (slots
        // are reused in ring order)
        while !r.in_hw[usize::from(r.prod & (size - 1))] {
            r.in_hw[usize::from(r.prod & (size - 1))] = true;
            let (addr, len) = r.bufs[usize::from(r.prod & (size - 1))];
            let d = Descriptor {
                flags: 0,
                len,
                addr,
            };
            top.mem
                .write(base + 16 * u64::from(r.prod & (size - 1)), &d.to_bytes());
            let pages = f64::from(len) / PAGE as f64;
            if self.opts.rx_faults > 0.0
                && self.rng.gen_bool((self.opts.rx_faults * pages).min(1.0))
            {
                let last = (addr + u64::from(len) - 1) / PAGE;
                let page = self.rng.gen_range(addr / PAGE..=last);
                top.mem.fault(page * PAGE, self.rng.gen_range(2..=3));
                self.faulted.insert(page);
                self.ever_faulted.insert(page);
            }
            r.prod = r.prod.wrapping_add(1);
        }
    }

    pub(super) fn rx_completion(&mut self, top: &mut NicTop, q: usize, cpl: Completion) {
        let size = self.size();
        let r = &mut self.rx[q];
        assert_eq!(
            usize::from(cpl.queue),
            q,
            "receive completion's queue: {cpl:?}"
        );
        let n = cpl.desc_count;
        assert!(n >= 1, "ring {q}: a completion of no buffer: {cpl:?}");
        // the buffers it names: posted, not yet completed (after a
        // page-fault retry a later slot may complete before an earlier
        // one, so this is not a check of ring order)
        let mut bufs = Vec::with_capacity(n.into());
        for k in 0..n {
            let i = cpl.index.wrapping_add(k);
            assert!(
                r.prod.wrapping_sub(i).wrapping_sub(1) < size,
                "ring {q}: completion names slot {i}, not posted (producer {}): {cpl:?}",
                r.prod
            );
            let s = usize::from(i & (size - 1));
            assert!(r.in_hw[s], "ring {q}: slot {i} completed twice: {cpl:?}");
            r.in_hw[s] = false;
            bufs.push(r.bufs[s]);
        }
        if let Some(f) = cpl.fault {
            assert_eq!(cpl.len, 0, "fault record with a length: {cpl:?}");
            assert_eq!(f.index, cpl.index, "fault index: {cpl:?}");
            assert!(matches!(f.resp, 2 | 3), "fault response: {cpl:?}");
            // the driver makes the refused pages resident again
            let mut hit = false;
            for &(addr, len) in &bufs {
                for page in addr / PAGE..=(addr + u64::from(len) - 1) / PAGE {
                    if self.faulted.remove(&page) {
                        top.mem.fault(page * PAGE, 0);
                    }
                    hit |= self.ever_faulted.contains(&page);
                }
            }
            assert!(
                hit,
                "ring {q}: fault record for buffers with no faulting page: {cpl:?}"
            );
            self.faults.push(cpl);
            return;
        }
        let len = cpl.len as usize;
        let before: usize = bufs[..bufs.len() - 1].iter().map(|b| b.1 as usize).sum();
        assert!(
            before < len && len <= before + bufs[bufs.len() - 1].1 as usize,
            "ring {q}: {len} bytes in {n} buffers of {bufs:?}"
        );
        let mut data = Vec::with_capacity(len);
        for (addr, blen) in bufs {
            let take = (len - data.len()).min(blen as usize);
            data.extend_from_slice(&top.mem.read(addr, take));
        }
        self.received.push(RxDelivery {
            queue: q,
            data,
            cpl,
        });
    }
}
