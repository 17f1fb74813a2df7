//! The driver model's transmit side: frames queued, gathered into
//! descriptors at odd addresses (some across 4 KiB boundaries), posted
//! with a doorbell per batch, and their completions checked in ring order.

use super::{tx_data_base, tx_ring_base, Driver, TxDone, TxFrame, TX_SLOT};
use crate::dma::top::NicTop;
use ferronic_regmap::dma::{desc_flags, Completion, Descriptor};
use rand::Rng;

impl Driver {
    /// Queues frame `body` (no FCS) for transmit ring `q`, gathered from
    /// `segs` buffers (1..=32, each at least 1 byte) at odd addresses,
    /// some across 4 KiB boundaries; `bad` marks it (`BAD` on every
    /// descriptor). `id` comes back in its [`TxDone`].
    ///
    /// # Panics
    /// When `segs` is 0, more than 32 or more than the frame's bytes.
    pub fn send(&mut self, q: usize, id: usize, body: &[u8], segs: usize, bad: bool) {
        assert!((1..=32).contains(&segs) && segs <= body.len(), "segments");
        let mut cuts: Vec<usize> = (1..segs)
            .map(|_| self.rng.gen_range(1..body.len()))
            .collect();
        cuts.sort_unstable();
        cuts.dedup();
        while cuts.len() + 1 < segs {
            // collisions: fill in the first free cut points
            let c = (1..body.len()).find(|c| !cuts.contains(c)).unwrap();
            cuts.push(c);
            cuts.sort_unstable();
        }
        let mut at = 0;
        let mut pieces = Vec::new();
        for end in cuts.into_iter().chain([body.len()]) {
            pieces.push(body[at..end].to_vec());
            at = end;
        }
        // addresses are chosen when the frame is posted (its slots known)
        let segs = pieces.into_iter().map(|p| (0, p)).collect();
        self.tx[q].waiting.push_back(TxFrame { id, segs, bad });
    }

    /// Transmit frames queued or posted and not yet completed.
    pub fn tx_pending(&self) -> usize {
        self.tx
            .iter()
            .map(|r| r.waiting.len() + r.posted.len())
            .sum()
    }

    pub(super) fn post_tx(&mut self, top: &mut NicTop, q: usize) {
        let size = self.size();
        let base = tx_ring_base(q);
        let region = tx_data_base(q);
        loop {
            let t = &mut self.tx[q];
            let Some(f) = t.waiting.front() else { return };
            let n = f.segs.len() as u16;
            if t.prod.wrapping_sub(t.done).wrapping_add(n) > size {
                return;
            }
            let f = t.waiting.pop_front().unwrap();
            let first = t.prod;
            let mut bytes = 0u32;
            for (k, (_, piece)) in f.segs.iter().enumerate() {
                let slot = u64::from(t.prod & (size - 1));
                let room = TX_SLOT - piece.len() as u64;
                // an odd offset; half of them put the piece across a 4 KiB
                // boundary of the slot
                let off = if self.rng.gen_bool(0.5) && piece.len() > 1 {
                    let cross = self.rng.gen_range(1..piece.len().min(4096)) as u64;
                    (4096 - cross).min(room)
                } else {
                    self.rng.gen_range(0..=room.min(8191))
                };
                let addr = region + slot * TX_SLOT + off;
                top.mem.write(addr, piece);
                let mut flags = if f.bad { desc_flags::BAD } else { 0 };
                if k + 1 == f.segs.len() {
                    flags |= desc_flags::EOP;
                }
                let d = Descriptor {
                    flags,
                    len: piece.len() as u32,
                    addr,
                };
                top.mem.write(base + 16 * slot, &d.to_bytes());
                bytes += piece.len() as u32;
                t.prod = t.prod.wrapping_add(1);
            }
            t.posted.push_back((f.id, first, n, bytes));
        }
    }

    pub(super) fn tx_completion(&mut self, q: usize, cpl: Completion) {
        let t = &mut self.tx[q];
        let (id, first, n, bytes) = t
            .posted
            .pop_front()
            .unwrap_or_else(|| panic!("ring {q}: a transmit completion with nothing posted"));
        assert_eq!(
            usize::from(cpl.queue),
            q,
            "transmit completion's queue: {cpl:?}"
        );
        assert_eq!(
            (cpl.index, cpl.desc_count, cpl.len),
            (first, n, bytes),
            "ring {q}: transmit completion of frame {id}"
        );
        t.done = t.done.wrapping_add(n);
        self.tx_done.push(TxDone { queue: q, id, cpl });
    }
}
