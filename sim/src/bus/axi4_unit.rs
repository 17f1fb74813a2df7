//! A unit model's AXI4 master (`m_axi_*`, whichever of its channels the
//! module has) joined to the host memory model ([`Axi4Mem`]) and the
//! protocol checker ([`Axi4Checker`]): [`Axi4Unit::drive`] before
//! [`Unit::eval`], [`Axi4Unit::edge`] after it, every clock.

use crate::bus::axi4_check::{Axi4Checker, Axi4Wires};
use crate::bus::axi4_mem::{Axi4Mem, MemOut};
use crate::unit::{Port, Unit};

/// The AXI4 master ports of one unit (`m_axi_*`, or another prefix;
/// absent channels are left out).
pub struct Axi4Unit {
    p: std::collections::HashMap<&'static str, Port>,
    out: MemOut,
}

const NAMES: &[&str] = &[
    "awvalid", "awready", "awid", "awaddr", "awlen", "awsize", "awburst", "wvalid", "wready",
    "wdata", "wstrb", "wlast", "bvalid", "bready", "bid", "bresp", "arvalid", "arready", "arid",
    "araddr", "arlen", "arsize", "arburst", "rvalid", "rready", "rid", "rresp", "rlast", "rdata",
];

impl Axi4Unit {
    /// The `m_axi_*` ports `u` has.
    pub fn new(u: &Unit) -> Self {
        Axi4Unit::with_prefix(u, "m_axi_")
    }

    /// The `<prefix><channel signal>` ports `u` has (`"dma_"`: a board
    /// shell's master to XDMA's `s_axib`).
    pub fn with_prefix(u: &Unit, prefix: &str) -> Self {
        let p = NAMES
            .iter()
            .filter_map(|&n| u.try_port(&format!("{prefix}{n}")).map(|p| (n, p)))
            .collect();
        Axi4Unit {
            p,
            out: MemOut::default(),
        }
    }

    fn set(&self, u: &mut Unit, n: &str, v: u64) {
        if let Some(&p) = self.p.get(n) {
            u.set(p, v);
        }
    }

    fn get(&self, u: &Unit, n: &str) -> u64 {
        self.p.get(n).map_or(0, |&p| u.get(p))
    }

    /// Drives the memory's half of this clock into `u` (call before
    /// `eval`).
    pub fn drive(&mut self, u: &mut Unit, mem: &mut Axi4Mem) {
        self.out = mem.drive().clone();
        let o = self.out.clone();
        for (n, v) in [
            ("awready", o.awready.into()),
            ("wready", o.wready.into()),
            ("bvalid", o.bvalid.into()),
            ("bid", o.bid.into()),
            ("bresp", o.bresp.into()),
            ("arready", o.arready.into()),
            ("rvalid", o.rvalid.into()),
            ("rid", o.rid.into()),
            ("rresp", o.rresp.into()),
            ("rlast", o.rlast.into()),
        ] {
            self.set(u, n, v);
        }
        if let Some(&p) = self.p.get("rdata") {
            u.set_bytes(p, &o.rdata);
        }
    }

    /// The wires of this clock (after `eval`).
    pub fn wires(&self, u: &Unit) -> Axi4Wires {
        let o = &self.out;
        let g = |n| self.get(u, n);
        Axi4Wires {
            awvalid: g("awvalid") != 0,
            awready: o.awready,
            awid: g("awid") as u8,
            awaddr: g("awaddr"),
            awlen: g("awlen") as u8,
            awsize: g("awsize") as u8,
            awburst: g("awburst") as u8,
            wvalid: g("wvalid") != 0,
            wready: o.wready,
            wstrb: g("wstrb"),
            wlast: g("wlast") != 0,
            bvalid: o.bvalid,
            bready: g("bready") != 0,
            bid: o.bid,
            bresp: o.bresp,
            arvalid: g("arvalid") != 0,
            arready: o.arready,
            arid: g("arid") as u8,
            araddr: g("araddr"),
            arlen: g("arlen") as u8,
            arsize: g("arsize") as u8,
            arburst: g("arburst") as u8,
            rvalid: o.rvalid,
            rready: g("rready") != 0,
            rid: o.rid,
            rresp: o.rresp,
            rlast: o.rlast,
        }
    }

    /// Checks this clock's wires and hands the edge to the memory (call
    /// after `eval`, before `tick`); returns the wires.
    ///
    /// # Panics
    /// On a protocol violation, with the checker's report.
    pub fn edge(&self, u: &Unit, mem: &mut Axi4Mem, chk: &mut Axi4Checker) -> Axi4Wires {
        let w = self.wires(u);
        chk.cycle(&w).unwrap_or_else(|e| panic!("{e}"));
        let wdata = self
            .p
            .get("wdata")
            .map(|&p| u.get_bytes(p))
            .unwrap_or_default();
        mem.edge(&w, &wdata);
        w
    }
}
