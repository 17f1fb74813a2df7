//! AXI4 protocol checker for the DMA engine's `m_axi_*` master (issue 13):
//! fed the wires every clock, it reports the first rule broken. Rules from
//! AMBA AXI4 (ARM IHI 0022E) and the project's own limits (DESIGN.md 7b):
//!
//! * Handshake (A3.2.1): once `xVALID` is high it stays high, with its
//!   payload unchanged, until `xREADY` takes it.
//! * Addresses (A3.4): INCR bursts only (`xBURST` = 1), `xSIZE` = the bus
//!   width, the address aligned to it, at most 256 beats, and no burst
//!   crosses a 4 KiB boundary (A3.4.1).
//! * Write data (A3.3.1): W beats may lead their AW; bursts of W are matched
//!   to AWs in order, and `WLAST` is set on beat `AWLEN` + 1 and no other.
//! * Responses: a B only for a write whose address and data are both in
//!   (A3.3.1), one per write, in order per ID; R beats only for a read
//!   outstanding on that ID, in order per ID (A5.3), `RLAST` on the last.
//!
//! Multi-bit payloads are compared whole; data beats are compared by
//! their strobes and `last` only (the checker does not keep 512-bit data).

use std::collections::{HashMap, VecDeque};

/// One clock of an AXI4 interface as sampled before the edge. Widths: IDs
/// up to 8 bits, addresses 64 bits, `wstrb` up to 64 bytes (512-bit bus).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Axi4Wires {
    pub awvalid: bool,
    pub awready: bool,
    pub awid: u8,
    pub awaddr: u64,
    pub awlen: u8,
    pub awsize: u8,
    pub awburst: u8,
    pub wvalid: bool,
    pub wready: bool,
    pub wstrb: u64,
    pub wlast: bool,
    pub bvalid: bool,
    pub bready: bool,
    pub bid: u8,
    pub bresp: u8,
    pub arvalid: bool,
    pub arready: bool,
    pub arid: u8,
    pub araddr: u64,
    pub arlen: u8,
    pub arsize: u8,
    pub arburst: u8,
    pub rvalid: bool,
    pub rready: bool,
    pub rid: u8,
    pub rresp: u8,
    pub rlast: bool,
}

/// A broken rule: the clock (as counted by [`Axi4Checker::cycle`] calls,
/// from 0) and what went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("AXI4 protocol violation at clock {clock}: {what}")]
pub struct Violation {
    /// Clock of the violation.
    pub clock: u64,
    /// The rule and the values that broke it.
    pub what: String,
}

/// Per-clock checker; see the module documentation.
pub struct Axi4Checker {
    bytes: u64,
    clock: u64,
    prev: Axi4Wires,
    /// Beats of AWs whose data has not all arrived, oldest first.
    aw_beats: VecDeque<(u8, u32)>,
    /// Beat counts of W bursts that arrived before their AW.
    w_done: VecDeque<u32>,
    /// W beats of the burst in progress.
    w_beats: u32,
    /// Writes (address and data in) awaiting B, per ID.
    b_owed: HashMap<u8, u32>,
    /// Beats still owed for each read outstanding, per ID, oldest first.
    r_owed: HashMap<u8, VecDeque<u32>>,
}

impl Axi4Checker {
    /// A checker for a bus `bytes` wide (8, 16, 32 or 64; 4 for an
    /// AXI4-Lite master, whose wires are given as single-beat INCR bursts
    /// of ID 0: `xLEN` 0, `xSIZE` 2, `WLAST`/`RLAST` high).
    ///
    /// # Panics
    /// When `bytes` is not one of those.
    pub fn new(bytes: u64) -> Self {
        assert!(
            matches!(bytes, 4 | 8 | 16 | 32 | 64),
            "bus width {bytes} bytes"
        );
        Axi4Checker {
            bytes,
            clock: 0,
            prev: Axi4Wires::default(),
            aw_beats: VecDeque::new(),
            w_done: VecDeque::new(),
            w_beats: 0,
            b_owed: HashMap::new(),
            r_owed: HashMap::new(),
        }
    }

    /// Transactions not finished: (writes without B, reads with R owed).
    pub fn outstanding(&self) -> (usize, usize) {
        let w = self.aw_beats.len() + self.b_owed.values().sum::<u32>() as usize;
        let r = self.r_owed.values().map(VecDeque::len).sum();
        (w, r)
    }

    fn bad(&self, what: String) -> Result<(), Violation> {
        Err(Violation {
            clock: self.clock,
            what,
        })
    }

    fn address(&self, ch: &str, addr: u64, len: u8, size: u8, burst: u8) -> Result<(), Violation> {
        let beats = u64::from(len) + 1;
        if burst != 1 {
            return self.bad(format!("{ch}BURST {burst}: only INCR (1) is allowed"));
        }
        if 1u64 << size != self.bytes {
            return self.bad(format!("{ch}SIZE {size} on a {}-byte bus", self.bytes));
        }
        if !addr.is_multiple_of(self.bytes) {
            return self.bad(format!(
                "{ch}ADDR {addr:#x} not aligned to {} bytes",
                self.bytes
            ));
        }
        if (addr & 0xfff) + beats * self.bytes > 4096 {
            return self.bad(format!(
                "{ch}ADDR {addr:#x} with {beats} beats crosses a 4 KiB boundary"
            ));
        }
        Ok(())
    }

    fn held(&self, w: &Axi4Wires) -> Result<(), Violation> {
        let p = &self.prev;
        let checks = [
            (
                "AW",
                p.awvalid && !p.awready,
                w.awvalid,
                (p.awid, p.awaddr, p.awlen, p.awsize, p.awburst)
                    == (w.awid, w.awaddr, w.awlen, w.awsize, w.awburst),
            ),
            (
                "W",
                p.wvalid && !p.wready,
                w.wvalid,
                (p.wstrb, p.wlast) == (w.wstrb, w.wlast),
            ),
            (
                "B",
                p.bvalid && !p.bready,
                w.bvalid,
                (p.bid, p.bresp) == (w.bid, w.bresp),
            ),
            (
                "AR",
                p.arvalid && !p.arready,
                w.arvalid,
                (p.arid, p.araddr, p.arlen, p.arsize, p.arburst)
                    == (w.arid, w.araddr, w.arlen, w.arsize, w.arburst),
            ),
            (
                "R",
                p.rvalid && !p.rready,
                w.rvalid,
                (p.rid, p.rresp, p.rlast) == (w.rid, w.rresp, w.rlast),
            ),
        ];
        for (ch, waiting, valid, same) in checks {
            if waiting && !valid {
                return self.bad(format!("{ch}VALID dropped before {ch}READY"));
            }
            if waiting && !same {
                return self.bad(format!("{ch} payload changed while waiting for {ch}READY"));
            }
        }
        Ok(())
    }

    /// Pairs finished W bursts with AWs in order; a pair owes a B.
    fn pair(&mut self) -> Result<(), Violation> {
        while let (Some(&(id, beats)), Some(&got)) = (self.aw_beats.front(), self.w_done.front()) {
            if got != beats {
                return self.bad(format!(
                    "write ID {id}: AWLEN says {beats} beats, WLAST came on beat {got}"
                ));
            }
            self.aw_beats.pop_front();
            self.w_done.pop_front();
            *self.b_owed.entry(id).or_default() += 1;
        }
        Ok(())
    }

    /// Checks one clock; call once per clock with the sampled wires. A
    /// response is checked against what was in before this clock: a B in
    /// the clock of its WLAST, or an R in the clock of its AR, is a
    /// violation.
    pub fn cycle(&mut self, w: &Axi4Wires) -> Result<(), Violation> {
        self.held(w)?;
        if w.bvalid && w.bready {
            match self.b_owed.get_mut(&w.bid) {
                Some(n) if *n > 0 => *n -= 1,
                _ => return self.bad(format!("B for ID {} with no write complete", w.bid)),
            }
        }
        if w.rvalid && w.rready {
            let Some(left) = self.r_owed.get_mut(&w.rid).and_then(|q| q.front_mut()) else {
                return self.bad(format!("R for ID {} with no read outstanding", w.rid));
            };
            *left -= 1;
            let left = *left;
            if w.rlast != (left == 0) {
                return self.bad(format!(
                    "read ID {}: RLAST {} with {left} beats left",
                    w.rid, w.rlast
                ));
            }
            if left == 0 {
                self.r_owed.get_mut(&w.rid).map(VecDeque::pop_front);
            }
        }
        if w.awvalid && w.awready {
            self.address("AW", w.awaddr, w.awlen, w.awsize, w.awburst)?;
            self.aw_beats.push_back((w.awid, u32::from(w.awlen) + 1));
        }
        if w.wvalid && w.wready {
            self.w_beats += 1;
            if self.w_beats > 256 {
                return self.bad("more than 256 W beats without WLAST".into());
            }
            if w.wlast {
                self.w_done.push_back(self.w_beats);
                self.w_beats = 0;
            }
        }
        self.pair()?;
        if w.arvalid && w.arready {
            self.address("AR", w.araddr, w.arlen, w.arsize, w.arburst)?;
            let q = self.r_owed.entry(w.arid).or_default();
            q.push_back(u32::from(w.arlen) + 1);
        }
        self.prev = *w;
        self.clock += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aw(id: u8, addr: u64, len: u8) -> Axi4Wires {
        Axi4Wires {
            awvalid: true,
            awready: true,
            awid: id,
            awaddr: addr,
            awlen: len,
            awsize: 3,
            awburst: 1,
            ..Default::default()
        }
    }

    fn wbeat(last: bool) -> Axi4Wires {
        Axi4Wires {
            wvalid: true,
            wready: true,
            wstrb: 0xff,
            wlast: last,
            ..Default::default()
        }
    }

    fn run(c: &mut Axi4Checker, cycles: &[Axi4Wires]) -> Result<(), Violation> {
        cycles.iter().try_for_each(|w| c.cycle(w))
    }

    #[test]
    fn legal_writes_and_reads_pass_and_leave_nothing_outstanding() {
        let mut c = Axi4Checker::new(8);
        let b = |id| Axi4Wires {
            bvalid: true,
            bready: true,
            bid: id,
            ..Default::default()
        };
        let ar = Axi4Wires {
            arvalid: true,
            arready: true,
            arid: 2,
            araddr: 0xff0,
            arlen: 1,
            arsize: 3,
            arburst: 1,
            ..Default::default()
        };
        let r = |last| Axi4Wires {
            rvalid: true,
            rready: true,
            rid: 2,
            rlast: last,
            ..Default::default()
        };
        // W leads its AW, a stall on AW with the payload held, B then AR/R
        let mut stalled = aw(1, 0x1000, 1);
        stalled.awready = false;
        let seq = [
            wbeat(false),
            wbeat(true),
            stalled,
            aw(1, 0x1000, 1),
            b(1),
            ar,
            r(false),
            r(true),
        ];
        run(&mut c, &seq).unwrap();
        assert_eq!(c.outstanding(), (0, 0));
    }

    #[test]
    fn each_broken_rule_is_reported() {
        let bad = |seq: &[Axi4Wires], want: &str| {
            let mut c = Axi4Checker::new(8);
            let e = run(&mut c, seq).unwrap_err();
            assert!(e.what.contains(want), "{e} (wanted {want})");
        };
        bad(&[aw(0, 0xff8, 1)], "crosses a 4 KiB boundary");
        bad(&[aw(0, 0x1004, 0)], "not aligned");
        let mut fixed = aw(0, 0, 0);
        fixed.awburst = 0;
        bad(&[fixed], "only INCR");
        let mut wide = aw(0, 0, 0);
        wide.awsize = 4;
        bad(&[wide], "SIZE 4");
        bad(&[aw(0, 0, 1), wbeat(true)], "WLAST came on beat 1");
        let mut wait = aw(0, 0, 0);
        wait.awready = false;
        bad(&[wait, Axi4Wires::default()], "AWVALID dropped");
        let mut moved = wait;
        moved.awaddr = 8;
        bad(&[wait, moved], "payload changed");
        let b = Axi4Wires {
            bvalid: true,
            bready: true,
            ..Default::default()
        };
        bad(&[aw(0, 0, 0), b], "B for ID 0 with no write complete");
        // B in the clock of WLAST: too early
        let mut early = wbeat(true);
        early.bvalid = true;
        early.bready = true;
        bad(&[aw(0, 0, 0), early], "B for ID 0");
        let r = Axi4Wires {
            rvalid: true,
            rready: true,
            rid: 3,
            rlast: true,
            ..Default::default()
        };
        bad(&[r], "R for ID 3 with no read outstanding");
        let ar = Axi4Wires {
            arvalid: true,
            arready: true,
            arid: 3,
            arlen: 1,
            arsize: 3,
            arburst: 1,
            ..Default::default()
        };
        bad(&[ar, r], "RLAST true with 1 beats left");
        bad(&[wbeat(false); 257], "more than 256 W beats");
    }
}
