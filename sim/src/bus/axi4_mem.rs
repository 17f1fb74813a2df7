//! Host memory behind an AXI4 slave, for the DMA engine's `m_axi_*` master
//! (issue 13): sparse byte memory addressed by IOVA, a fixed latency from
//! an address to its first response (so a 1 us PCIe round trip can be
//! modelled: 156 clocks at 156.25 MHz), random `xREADY` stalls, and pages
//! that refuse access (an IOMMU fault) with SLVERR or DECERR.
//!
//! Writes: a burst is written when its address and all its beats are in;
//! a refused page drops the whole burst's data and answers B with its
//! response. Reads: beats leave in order of the ARs (per ID order holds),
//! `latency` clocks after the AR at the earliest, one per clock while
//! `RREADY`; a refused page returns zero data with its response on every
//! beat. Response codes (AMBA AXI4 A3.4.4): 0 OKAY, 2 SLVERR, 3 DECERR.
//!
//! Storage is sparse pages in this process ([`Axi4Mem::new`]), or a file
//! mapped shared ([`Axi4Mem::shared`]) that a driver in another process
//! maps too, IOVA = offset in the file (what `nicsim serve --dma` gives
//! `nicctl`): an access beyond the file's end answers DECERR, as an IOMMU
//! with nothing mapped there would. Writes into the shared file go byte by
//! byte in address order with volatile stores, so a driver polling a
//! completion's last byte (its phase) sees the bytes before it already
//! written (x86 keeps stores in order).

use crate::bus::axi4_check::Axi4Wires;
use memmap2::MmapRaw;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{HashMap, VecDeque};
use std::fs::File;

/// Bytes per page a fault covers (IOMMU granule).
pub const PAGE: u64 = 4096;

/// What the memory drives in a clock (its half of [`Axi4Wires`], plus
/// `rdata`: bus byte i in `rdata[i]`, little-endian lanes).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemOut {
    pub awready: bool,
    pub wready: bool,
    pub bvalid: bool,
    pub bid: u8,
    pub bresp: u8,
    pub arready: bool,
    pub rvalid: bool,
    pub rid: u8,
    pub rresp: u8,
    pub rlast: bool,
    pub rdata: Vec<u8>,
}

struct Read {
    id: u8,
    addr: u64,
    beats: u32,
    due: u64,
}

/// Where the bytes live.
enum Store {
    /// Pages of this process, created on first write.
    Sparse(HashMap<u64, Vec<u8>>),
    /// A file mapped shared with the driver's process.
    Shared(MmapRaw),
}

/// The memory; see the module documentation.
pub struct Axi4Mem {
    bytes: usize,
    latency: u64,
    stall: f64,
    rng: StdRng,
    mem: Store,
    faults: HashMap<u64, u8>,
    clock: u64,
    aws: VecDeque<(u8, u64, u32)>,
    wdata: VecDeque<(Vec<u8>, u64)>,
    bs: VecDeque<(u8, u8, u64)>,
    reads: VecDeque<Read>,
    out: MemOut,
}

impl Axi4Mem {
    /// Bytes a beat of the bus.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// A memory on a bus `bytes` wide, answering `latency` clocks after an
    /// address, with `stall` the chance (0..1) that a READY is low in a
    /// clock, random from `seed`.
    pub fn new(bytes: usize, latency: u64, stall: f64, seed: u64) -> Self {
        Axi4Mem {
            bytes,
            latency,
            stall,
            rng: StdRng::seed_from_u64(seed),
            mem: Store::Sparse(HashMap::new()),
            faults: HashMap::new(),
            clock: 0,
            aws: VecDeque::new(),
            wdata: VecDeque::new(),
            bs: VecDeque::new(),
            reads: VecDeque::new(),
            out: MemOut {
                rdata: vec![0; bytes],
                ..MemOut::default()
            },
        }
    }

    /// As [`Axi4Mem::new`], the bytes in `file` mapped shared (IOVA =
    /// offset; the file's length is the memory's size).
    ///
    /// # Errors
    /// The file cannot be mapped.
    pub fn shared(
        bytes: usize,
        latency: u64,
        stall: f64,
        seed: u64,
        file: &File,
    ) -> std::io::Result<Self> {
        let mut m = Axi4Mem::new(bytes, latency, stall, seed);
        m.mem = Store::Shared(MmapRaw::map_raw(file)?);
        Ok(m)
    }

    /// Bytes of a shared memory, `None` for sparse pages (unbounded).
    pub fn size(&self) -> Option<u64> {
        match &self.mem {
            Store::Sparse(_) => None,
            Store::Shared(m) => Some(m.len() as u64),
        }
    }

    /// Makes the page holding `addr` refuse access with `resp` (2 SLVERR,
    /// 3 DECERR), or accept it again with 0.
    pub fn fault(&mut self, addr: u64, resp: u8) {
        if resp == 0 {
            self.faults.remove(&(addr / PAGE));
        } else {
            self.faults.insert(addr / PAGE, resp);
        }
    }

    /// Host-side write (the driver's stores): no faults apply. Bytes
    /// beyond a shared file's end are dropped.
    pub fn write(&mut self, addr: u64, data: &[u8]) {
        match &mut self.mem {
            Store::Shared(m) => {
                let end = (addr as usize).saturating_add(data.len()).min(m.len());
                let base = m.as_mut_ptr();
                for (i, &b) in data[..end.saturating_sub(addr as usize)].iter().enumerate() {
                    // SAFETY: addr + i < end <= the mapping's length; the
                    // other process only ever reads or writes whole bytes.
                    unsafe { base.add(addr as usize + i).write_volatile(b) };
                }
            }
            Store::Sparse(mem) => {
                let mut a = addr;
                let mut rest = data;
                // a page at a time
                while !rest.is_empty() {
                    let off = (a % PAGE) as usize;
                    let n = ((PAGE as usize) - off).min(rest.len());
                    let page = mem
                        .entry(a / PAGE)
                        .or_insert_with(|| vec![0; PAGE as usize]);
                    page[off..off + n].copy_from_slice(&rest[..n]);
                    rest = &rest[n..];
                    a += n as u64;
                }
            }
        }
    }

    /// Host-side read: `len` bytes from `addr` (unwritten bytes, and bytes
    /// beyond a shared file's end, read 0).
    pub fn read(&self, addr: u64, len: usize) -> Vec<u8> {
        let Store::Sparse(mem) = &self.mem else {
            return (0..len as u64).map(|i| self.byte(addr + i)).collect();
        };
        let mut out = Vec::with_capacity(len);
        let (mut a, end) = (addr, addr + len as u64);
        // a page at a time
        while a < end {
            let off = (a % PAGE) as usize;
            let n = ((PAGE - a % PAGE) as usize).min((end - a) as usize);
            match mem.get(&(a / PAGE)) {
                Some(p) => out.extend_from_slice(&p[off..off + n]),
                None => out.resize(out.len() + n, 0),
            }
            a += n as u64;
        }
        out
    }

    /// Host-side read of one byte (unwritten bytes read 0).
    pub fn byte(&self, addr: u64) -> u8 {
        match &self.mem {
            Store::Shared(m) if addr < m.len() as u64 => {
                // SAFETY: in bounds, checked above.
                unsafe { m.as_ptr().add(addr as usize).read_volatile() }
            }
            Store::Shared(_) => 0,
            Store::Sparse(mem) => mem
                .get(&(addr / PAGE))
                .map_or(0, |p| p[(addr % PAGE) as usize]),
        }
    }

    fn resp(&self, addr: u64, beats: u32) -> u8 {
        let end = addr + u64::from(beats) * self.bytes as u64 - 1;
        if self.size().is_some_and(|n| end >= n) {
            return 3;
        }
        (addr / PAGE..=end / PAGE)
            .filter_map(|p| self.faults.get(&p).copied())
            .max()
            .unwrap_or(0)
    }

    /// What the memory drives this clock (before the edge).
    pub fn drive(&mut self) -> &MemOut {
        let mut ready = || !self.rng.gen_bool(self.stall);
        let (awready, wready, arready) = (ready(), ready(), ready());
        let o = &mut self.out;
        o.awready = awready;
        o.wready = wready;
        o.arready = arready;
        // a response holds until taken (only set a new one when idle)
        if !o.bvalid {
            if let Some(&(id, resp, due)) = self.bs.front() {
                if due <= self.clock {
                    (o.bvalid, o.bid, o.bresp) = (true, id, resp);
                }
            }
        }
        if !o.rvalid {
            let next = self.reads.front().map(|r| (r.id, r.addr, r.beats, r.due));
            if let Some((id, addr, beats, due)) = next {
                if due <= self.clock {
                    let resp = self.resp(addr, 1);
                    let data = if resp == 0 {
                        self.read(addr, self.bytes)
                    } else {
                        vec![0; self.bytes]
                    };
                    let o = &mut self.out;
                    (o.rvalid, o.rid, o.rresp, o.rlast, o.rdata) =
                        (true, id, resp, beats == 1, data);
                }
            }
        }
        &self.out
    }

    /// Takes the clock edge with the master's wires (`w`, its data beat in
    /// `wdata`: bus byte i in `wdata[i]`).
    pub fn edge(&mut self, w: &Axi4Wires, wdata: &[u8]) {
        let o = self.out.clone();
        if w.awvalid && o.awready {
            self.aws
                .push_back((w.awid, w.awaddr, u32::from(w.awlen) + 1));
        }
        if w.wvalid && o.wready {
            self.wdata
                .push_back((wdata[..self.bytes].to_vec(), w.wstrb));
        }
        // a burst is written once its address and every beat are in
        if let Some(&(id, addr, beats)) = self.aws.front() {
            if self.wdata.len() >= beats as usize {
                let resp = self.resp(addr, beats);
                for k in 0..u64::from(beats) {
                    let (d, strb) = self.wdata.pop_front().expect("counted above");
                    if resp == 0 {
                        for (i, &b) in d.iter().enumerate() {
                            if strb >> i & 1 != 0 {
                                self.write(addr + k * self.bytes as u64 + i as u64, &[b]);
                            }
                        }
                    }
                }
                self.aws.pop_front();
                self.bs.push_back((id, resp, self.clock + self.latency));
            }
        }
        if o.bvalid && w.bready {
            self.bs.pop_front();
            self.out.bvalid = false;
        }
        if w.arvalid && o.arready {
            self.reads.push_back(Read {
                id: w.arid,
                addr: w.araddr,
                beats: u32::from(w.arlen) + 1,
                due: self.clock + self.latency,
            });
        }
        if o.rvalid && w.rready {
            self.out.rvalid = false;
            let r = self.reads.front_mut().expect("a beat was driven");
            r.beats -= 1;
            r.addr += self.bytes as u64;
            if r.beats == 0 {
                self.reads.pop_front();
            }
        }
        self.clock += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bus::axi4_check::Axi4Checker;

    /// A minimal master: one write burst of `data` at `addr`, then one
    /// read burst back; every clock checked. Returns (bresp, read data,
    /// rresp of each beat, clocks).
    fn write_then_read(m: &mut Axi4Mem, addr: u64, data: &[u8]) -> (u8, Vec<u8>, Vec<u8>, u64) {
        let beats = data.len() / 8;
        let mut chk = Axi4Checker::new(8);
        let (mut aw_done, mut w_sent, mut bresp, mut ar_done) = (false, 0, None, false);
        let (mut rdata, mut rresp) = (Vec::new(), Vec::new());
        let mut clock = 0;
        while rresp.len() < beats {
            clock += 1;
            assert!(clock < 10_000, "hung");
            let o = m.drive().clone();
            let mut w = Axi4Wires {
                awvalid: !aw_done,
                awid: 1,
                awaddr: addr,
                awlen: (beats - 1) as u8,
                awsize: 3,
                awburst: 1,
                wvalid: w_sent < beats,
                wstrb: 0xff,
                wlast: w_sent + 1 == beats,
                bready: true,
                arvalid: bresp.is_some() && !ar_done,
                arid: 2,
                araddr: addr,
                arlen: (beats - 1) as u8,
                arsize: 3,
                arburst: 1,
                rready: clock % 3 != 0,
                ..Default::default()
            };
            (w.awready, w.wready, w.arready) = (o.awready, o.wready, o.arready);
            (w.bvalid, w.bid, w.bresp) = (o.bvalid, o.bid, o.bresp);
            (w.rvalid, w.rid, w.rresp, w.rlast) = (o.rvalid, o.rid, o.rresp, o.rlast);
            chk.cycle(&w).unwrap();
            let k = w_sent.min(beats - 1) * 8;
            m.edge(&w, &data[k..k + 8]);
            aw_done |= w.awvalid && w.awready;
            w_sent += usize::from(w.wvalid && w.wready);
            if w.bvalid && w.bready {
                bresp = Some(w.bresp);
            }
            ar_done |= w.arvalid && w.arready;
            if w.rvalid && w.rready {
                rdata.extend_from_slice(&o.rdata);
                rresp.push(o.rresp);
            }
        }
        assert_eq!(chk.outstanding(), (0, 0));
        (bresp.unwrap(), rdata, rresp, clock)
    }

    #[test]
    fn bursts_round_trip_under_stalls_and_latency() {
        let mut m = Axi4Mem::new(8, 156, 0.3, 7);
        let data: Vec<u8> = (0..64u8).collect();
        let (bresp, back, rresp, clocks) = write_then_read(&mut m, 0x1_0000_0fc0, &data);
        assert_eq!((bresp, back, rresp), (0, data.clone(), vec![0; 8]));
        // two round trips of 156 clocks at least
        assert!(clocks > 2 * 156, "{clocks}");
        assert_eq!(m.read(0x1_0000_0fc0, 64), data);
    }

    #[test]
    fn a_faulted_page_refuses_writes_and_reads_with_its_response() {
        let mut m = Axi4Mem::new(8, 2, 0.0, 1);
        m.write(0x2000, &[0xaa; 16]);
        m.fault(0x2fff, 2);
        let (bresp, back, rresp, _) = write_then_read(&mut m, 0x2000, &[0x55; 16]);
        assert_eq!((bresp, back, rresp), (2, vec![0; 16], vec![2, 2]));
        // nothing written through the fault; the host still sees its data
        assert_eq!(m.read(0x2000, 16), vec![0xaa; 16]);
        m.fault(0x2000, 0);
        let (bresp, back, ..) = write_then_read(&mut m, 0x2000, &[0x55; 16]);
        assert_eq!((bresp, back), (0, vec![0x55; 16]));
    }

    #[test]
    fn a_shared_file_is_the_memory_and_its_end_answers_decerr() {
        let f = tempfile::tempfile().unwrap();
        f.set_len(0x1800).unwrap();
        let mut m = Axi4Mem::shared(8, 3, 0.2, 5, &f).unwrap();
        assert_eq!(m.size(), Some(0x1800));
        let data: Vec<u8> = (100..132u8).collect();
        let (bresp, back, rresp, _) = write_then_read(&mut m, 0x17e0, &data);
        assert_eq!((bresp, back, rresp), (0, data.clone(), vec![0; 4]));
        // the other side of the mapping sees the bytes at IOVA = offset
        let mut other = vec![0u8; 32];
        std::os::unix::fs::FileExt::read_exact_at(&f, &mut other, 0x17e0).unwrap();
        assert_eq!(other, data);
        // a write burst that runs past the end is refused whole; a read
        // answers DECERR on the beats past the end
        let (bresp, back, rresp, _) = write_then_read(&mut m, 0x17f0, &data);
        let mut want = data[16..32].to_vec();
        want.resize(32, 0);
        assert_eq!((bresp, back, rresp), (3, want, vec![0, 0, 3, 3]));
        assert_eq!(m.read(0x17f0, 16), data[16..32].to_vec());
    }
}
