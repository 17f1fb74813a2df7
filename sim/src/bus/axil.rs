//! AXI4-Lite master model: queued reads and writes with random `valid`
//! delays on AW, W and AR (AW and W issued independently, so either may come
//! first) and random `bready`/`rready` stalls.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::VecDeque;

/// AXI4-Lite response code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resp {
    /// 0b00.
    Okay,
    /// 0b10: unmapped address or refused access.
    SlvErr,
    /// Any other code (the slave never sends one).
    Other(u8),
}

impl Resp {
    /// Decodes a 2-bit `bresp`/`rresp`.
    pub fn from_bits(b: u64) -> Resp {
        match b & 3 {
            0 => Resp::Okay,
            2 => Resp::SlvErr,
            x => Resp::Other(x as u8),
        }
    }
}

/// One register access.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Write `data` with byte strobes `strb` to byte address `addr`.
    Write { addr: u16, data: u32, strb: u8 },
    /// Read byte address `addr`.
    Read { addr: u16 },
    /// A read or write with `prot[2]` (instruction) set.
    InstrRead { addr: u16 },
}

/// A finished access.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Done {
    /// The access.
    pub op: Op,
    /// Read data (0 for writes).
    pub data: u32,
    /// Response.
    pub resp: Resp,
    /// Cycle (as counted by the harness) of the first cycle the response was
    /// valid; for a write, the register holds the new value from this cycle.
    pub cycle: u64,
}

/// Signals the master drives in a cycle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Drive {
    pub awvalid: bool,
    pub awaddr: u16,
    pub wvalid: bool,
    /// The address of the write whose data is on W (an AXI4 master with a
    /// wide bus puts the data in that address's lane).
    pub waddr: u16,
    pub wdata: u32,
    pub wstrb: u8,
    pub bready: bool,
    pub arvalid: bool,
    pub araddr: u16,
    pub arprot: u8,
    pub rready: bool,
}

/// Signals the slave drives, sampled before the clock edge.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sample {
    pub awready: bool,
    pub wready: bool,
    pub bvalid: bool,
    pub bresp: u64,
    pub arready: bool,
    pub rvalid: bool,
    pub rdata: u32,
    pub rresp: u64,
}

/// The master; see the module documentation.
pub struct AxilMaster {
    rng: StdRng,
    delay: f64,
    writes: VecDeque<Op>,
    reads: VecDeque<Op>,
    aw_sent: usize,
    w_sent: usize,
    b_wait: VecDeque<Op>,
    r_wait: VecDeque<Op>,
    b_seen: bool,
    r_seen: bool,
    b_first: u64,
    r_first: u64,
    drive: Drive,
    /// Finished accesses, in completion order.
    pub done: Vec<Done>,
}

impl AxilMaster {
    /// A master delaying each channel with probability `delay` per cycle.
    pub fn new(delay: f64, seed: u64) -> Self {
        AxilMaster {
            rng: StdRng::seed_from_u64(seed ^ 0x0A71_1A00),
            delay,
            writes: VecDeque::new(),
            reads: VecDeque::new(),
            aw_sent: 0,
            w_sent: 0,
            b_wait: VecDeque::new(),
            r_wait: VecDeque::new(),
            b_seen: false,
            r_seen: false,
            b_first: 0,
            r_first: 0,
            drive: Drive::default(),
            done: Vec::new(),
        }
    }

    /// Queues an access.
    pub fn push(&mut self, op: Op) {
        match op {
            Op::Write { .. } => self.writes.push_back(op),
            _ => self.reads.push_back(op),
        }
    }

    /// Accesses not yet finished.
    pub fn pending(&self) -> usize {
        self.writes.len() + self.reads.len() + self.b_wait.len() + self.r_wait.len()
    }

    fn go(&mut self) -> bool {
        self.delay <= 0.0 || !self.rng.gen_bool(self.delay.min(0.95))
    }

    /// Signals for this cycle. A `valid` once raised stays until accepted.
    pub fn drive(&mut self) -> Drive {
        let mut d = Drive::default();
        let (aw_next, w_next) = (
            self.writes.get(self.aw_sent).copied(),
            self.writes.get(self.w_sent).copied(),
        );
        if let Some(Op::Write { addr, .. }) = aw_next {
            d.awvalid = self.drive.awvalid || self.go();
            d.awaddr = addr;
        }
        if let Some(Op::Write { addr, data, strb }) = w_next {
            d.wvalid = self.drive.wvalid || self.go();
            d.waddr = addr;
            d.wdata = data;
            d.wstrb = strb;
        }
        if let Some(op) = self.reads.front().copied() {
            d.arvalid = self.drive.arvalid || self.go();
            match op {
                Op::Read { addr } => d.araddr = addr,
                Op::InstrRead { addr } => {
                    d.araddr = addr;
                    d.arprot = 4;
                }
                Op::Write { .. } => unreachable!(),
            }
        }
        d.bready = self.go();
        d.rready = self.go();
        self.drive = d;
        d
    }

    /// Takes the slave's signals of this cycle (before the edge) at `cycle`.
    pub fn sample(&mut self, s: Sample, cycle: u64) {
        let d = self.drive;
        if d.awvalid && s.awready {
            self.aw_sent += 1;
            self.drive.awvalid = false;
        }
        if d.wvalid && s.wready {
            self.w_sent += 1;
            self.drive.wvalid = false;
        }
        while self.aw_sent > 0 && self.w_sent > 0 {
            let op = self.writes.pop_front().expect("queued write");
            self.aw_sent -= 1;
            self.w_sent -= 1;
            self.b_wait.push_back(op);
        }
        if d.arvalid && s.arready {
            let op = self.reads.pop_front().expect("queued read");
            self.r_wait.push_back(op);
            self.drive.arvalid = false;
        }
        // responses: remember the first cycle a response was valid
        if s.bvalid && !self.b_seen {
            self.b_seen = true;
            self.b_first = cycle;
        }
        if s.bvalid && d.bready {
            let op = self.b_wait.pop_front().expect("B response without a write");
            self.done.push(Done {
                op,
                data: 0,
                resp: Resp::from_bits(s.bresp),
                cycle: self.b_first,
            });
            self.b_seen = false;
        }
        if s.rvalid && !self.r_seen {
            self.r_seen = true;
            self.r_first = cycle;
        }
        if s.rvalid && d.rready {
            let op = self.r_wait.pop_front().expect("R response without a read");
            self.done.push(Done {
                op,
                data: s.rdata,
                resp: Resp::from_bits(s.rresp),
                cycle: self.r_first,
            });
            self.r_seen = false;
        }
    }
}
