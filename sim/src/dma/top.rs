//! [`NicTop`]: the Verilated `nic` top (the core with its DMA engine, the
//! very `nic.v` nicgen writes) with everything around it on a card: the
//! MAC's receive stream in, the MAC's transmit stream out, host memory on
//! `m_axi` (an [`Axi4Mem`] under the [`Axi4Checker`] every clock), the
//! host's AXI4-Lite master on `s_axil`, and the interrupt lines.
//!
//! * **MAC receive** (`s_axis`): frames queued with [`NicTop::receive`]
//!   leave 8 bytes a clock, each followed by its idle time: the 12-byte
//!   interframe gap and 8-byte preamble (2.5 clocks at 64 bits) at line
//!   rate, more when [`TopOpts::rx_util`] is below 1 (IEEE 802.3 clause 4:
//!   a MAC cannot be paused mid-frame; `tready` low is counted in
//!   [`TopStats::rx_stalls`], not obeyed).
//! * **MAC transmit** (`m_axis_tx`): `tready` high, or low at random
//!   ([`TopOpts::tx_stall`]), and low for each interframe gap with
//!   [`TopOpts::tx_ifg`]; frames collect in [`NicTop::sent`] with their
//!   `tuser` (marked bad).
//! * **Interrupts**: a rising `irq_req[v]` is counted in
//!   [`NicTop::irqs`] and acknowledged the next clock (`irq_ack[v]` for
//!   one clock, as XDMA's `usr_irq_ack` does).

use crate::bus::axi4_check::{Axi4Checker, Axi4Wires};
use crate::bus::axi4_mem::Axi4Mem;
use crate::bus::axi4_unit::Axi4Unit;
use crate::bus::axil::{AxilMaster, Done, Op, Sample};
use crate::unit::{models, Port, Unit};
use ferronic_regmap::RegMap;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::VecDeque;

mod board;
mod opts;

pub use opts::{SentFrame, TopOpts, TopStats};

struct P {
    rst: Port,
    tdata: Port,
    tkeep: Port,
    tvalid: Port,
    /// (the board shell's receive stream has none: the MAC never waits)
    tready: Option<Port>,
    tlast: Port,
    tx_tdata: Port,
    tx_tkeep: Port,
    tx_tvalid: Port,
    tx_tready: Port,
    tx_tlast: Port,
    tx_tuser: Port,
    irq_req: Port,
    irq_ack: Port,
    axil: Vec<(&'static str, Port)>,
}

const AXIL: &[&str] = &[
    "awaddr", "awprot", "awvalid", "awready", "wdata", "wstrb", "wvalid", "wready", "bresp",
    "bvalid", "bready", "araddr", "arprot", "arvalid", "arready", "rdata", "rresp", "rvalid",
    "rready",
];

/// The `nic` top and its surroundings; see the module documentation.
pub struct NicTop {
    u: Unit,
    p: P,
    axi: Axi4Unit,
    /// Host memory (the driver reads and writes it directly, as a CPU).
    pub mem: Axi4Mem,
    chk: Axi4Checker,
    /// The host's AXI4-Lite master (its `done` list grows as accesses
    /// finish).
    pub axil: AxilMaster,
    /// The register map of the top (`nic_regmap(0, 0)`, or the map of its
    /// generation parameters).
    pub map: RegMap,
    opts: TopOpts,
    rng: StdRng,
    rx: VecDeque<Vec<u8>>,
    rx_beat: usize,
    rx_idle_until: u64,
    tx_cur: Vec<u8>,
    tx_gap_until: u64,
    /// Frames that left on `m_axis_tx`, in order.
    pub sent: Vec<SentFrame>,
    /// Interrupts raised per vector.
    pub irqs: Vec<u64>,
    irq_prev: u64,
    /// Counts.
    pub stats: TopStats,
    /// The AXI4 wires of the last clock.
    pub wires: Axi4Wires,
    /// The board shell's own state, in [`NicTop::board`]'s mode.
    shell: Option<board::Shell>,
}

/// Host memory of the `nic` top's bus width, sparse pages, with `opts`'
/// latency and stalls.
fn sparse_mem(opts: &TopOpts) -> Axi4Mem {
    Axi4Mem::new(
        ferronic_hdl::dma::DMA_BYTES,
        opts.latency,
        opts.mem_stall,
        opts.seed ^ 0x3e3,
    )
}

impl NicTop {
    /// A reset top (two clocks of `rst`), host memory sparse pages.
    pub fn new(opts: &TopOpts) -> NicTop {
        NicTop::with_mem(opts, sparse_mem(opts))
    }

    /// A reset top on host memory `mem` (e.g. [`Axi4Mem::shared`]; its bus
    /// width must be `ferronic_hdl::dma::DMA_BYTES`).
    pub fn with_mem(opts: &TopOpts, mem: Axi4Mem) -> NicTop {
        NicTop::variant(
            opts,
            mem,
            &models::NIC,
            ferronic_hdl::verilog::nic_regmap(0, 0),
        )
    }

    /// A reset `nic` top of the minimal generation parameters
    /// ([`ferronic_hdl::params::CoreParams::minimal`]: no RSS, no
    /// handshake engine; the `nic_min` model), host memory sparse pages.
    pub fn minimal(opts: &TopOpts) -> NicTop {
        let mem = sparse_mem(opts);
        let p = ferronic_hdl::params::CoreParams::minimal();
        let map = ferronic_hdl::verilog::core_map(&p, true, 0, 0);
        NicTop::variant(opts, mem, &models::NIC_MIN, map)
    }

    /// A reset top of model `desc` (a `nic` top) whose register map is `map`.
    fn variant(
        opts: &TopOpts,
        mem: Axi4Mem,
        desc: &'static crate::unit::UnitDesc,
        map: RegMap,
    ) -> NicTop {
        let u = Unit::new(desc);
        let p = P {
            rst: u.port("rst"),
            tdata: u.port("s_axis_tdata"),
            tkeep: u.port("s_axis_tkeep"),
            tvalid: u.port("s_axis_tvalid"),
            tready: Some(u.port("s_axis_tready")),
            tlast: u.port("s_axis_tlast"),
            tx_tdata: u.port("m_axis_tx_tdata"),
            tx_tkeep: u.port("m_axis_tx_tkeep"),
            tx_tvalid: u.port("m_axis_tx_tvalid"),
            tx_tready: u.port("m_axis_tx_tready"),
            tx_tlast: u.port("m_axis_tx_tlast"),
            tx_tuser: u.port("m_axis_tx_tuser"),
            irq_req: u.port("irq_req"),
            irq_ack: u.port("irq_ack"),
            axil: AXIL
                .iter()
                .map(|&n| (n, u.port(&format!("s_axil_{n}"))))
                .collect(),
        };
        let axi = Axi4Unit::new(&u);
        let mut top = NicTop::build(u, p, axi, mem, opts, None);
        top.map = map;
        top.u.set(top.p.rst, 1);
        top.u.tick();
        top.u.tick();
        top.u.set(top.p.rst, 0);
        top
    }

    /// The harness around unit `u` with ports `p`, memory `mem` on `axi`.
    fn build(
        u: Unit,
        p: P,
        axi: Axi4Unit,
        mem: Axi4Mem,
        opts: &TopOpts,
        shell: Option<board::Shell>,
    ) -> NicTop {
        NicTop {
            chk: Axi4Checker::new(mem.bytes() as u64),
            u,
            p,
            axi,
            mem,
            axil: AxilMaster::new(opts.axil_delay, opts.seed),
            map: ferronic_hdl::verilog::nic_regmap(0, 0),
            opts: opts.clone(),
            rng: StdRng::seed_from_u64(opts.seed ^ 0x70b),
            rx: VecDeque::new(),
            rx_beat: 0,
            rx_idle_until: 0,
            tx_cur: Vec::new(),
            tx_gap_until: 0,
            sent: Vec::new(),
            irqs: vec![0; ferronic_hdl::dma::cpl_queue::IRQS],
            irq_prev: 0,
            stats: TopStats::default(),
            wires: Axi4Wires::default(),
            shell,
        }
    }

    /// Queues a frame (FCS included) for the MAC's receive stream.
    pub fn receive(&mut self, frame: Vec<u8>) {
        assert!(!frame.is_empty(), "an empty frame has no beat");
        if let Some(sh) = &mut self.shell {
            sh.rx_bad.push_back(false);
        }
        self.rx.push_back(frame);
    }

    /// Frames queued on the receive stream, not yet fully sent.
    pub fn rx_pending(&self) -> usize {
        self.rx.len()
    }

    /// The byte address of register `path` (`"rxq.Q0_PROD"`).
    ///
    /// # Panics
    /// When the map has no such register.
    pub fn addr(&self, path: &str) -> u16 {
        let r = self.map.reg(path);
        r.unwrap_or_else(|| panic!("no register {path}")).offset as u16
    }

    /// Queues a write of `v` to register `path`.
    pub fn write_reg(&mut self, path: &str, v: u32) {
        let addr = self.addr(path);
        self.axil.push(Op::Write {
            addr,
            data: v,
            strb: 0xf,
        });
    }

    /// Runs clocks until every queued register access is answered; returns
    /// them.
    ///
    /// # Panics
    /// When the registers do not answer within 10,000 clocks and 100 more
    /// per queued access (a 64-queue driver queues 768 at open).
    pub fn settle_regs(&mut self) -> Vec<Done> {
        let from = self.axil.done.len();
        let start = self.stats.clocks;
        let limit = 10_000 + 100 * self.axil.pending() as u64;
        while self.axil.pending() > 0 {
            assert!(self.stats.clocks - start < limit, "registers hung");
            self.clock();
        }
        self.axil.done[from..].to_vec()
    }

    /// One register access at byte address `op`'s, running clocks until it
    /// is answered; `None` when it is not answered within 10,000 clocks.
    pub fn access(&mut self, op: Op) -> Option<Done> {
        let from = self.axil.done.len();
        let start = self.stats.clocks;
        self.axil.push(op);
        while self.axil.pending() > 0 {
            if self.stats.clocks - start >= 10_000 {
                return None;
            }
            self.clock();
        }
        self.axil.done.get(from).copied()
    }

    /// Reads register `path`, running clocks until it answers.
    pub fn read_reg(&mut self, path: &str) -> u32 {
        let addr = self.addr(path);
        self.axil.push(Op::Read { addr });
        let d = self.settle_regs();
        d.last().expect("the read").data
    }

    fn drive_rx(&mut self) -> bool {
        let now = self.stats.clocks;
        let Some(f) = self.rx.front().filter(|_| now >= self.rx_idle_until) else {
            self.u.set(self.p.tvalid, 0);
            return false;
        };
        let at = 8 * self.rx_beat;
        let chunk = &f[at..f.len().min(at + 8)];
        let mut d = [0u8; 8];
        d[..chunk.len()].copy_from_slice(chunk);
        let last = at + 8 >= f.len();
        self.u.set(self.p.tvalid, 1);
        self.u.set(self.p.tdata, u64::from_le_bytes(d));
        self.u.set(self.p.tkeep, (1u64 << chunk.len()) - 1);
        self.u.set(self.p.tlast, last.into());
        true
    }

    fn after_rx(&mut self) {
        let f = &self.rx[0];
        let beats = f.len().div_ceil(8);
        self.stats.rx_beats += 1;
        if 8 * self.rx_beat + 8 >= f.len() {
            // this frame's idle time: its share of the line, plus the
            // interframe gap and preamble (20 bytes: 2.5 clocks)
            let pause = beats as f64 * (1.0 / self.opts.rx_util - 1.0) + 2.5;
            let extra = u64::from(self.rng.gen_bool(pause.fract()));
            self.rx_idle_until = self.stats.clocks + 1 + pause as u64 + extra;
            self.rx.pop_front();
            self.rx_beat = 0;
            self.stats.rx_frames += 1;
        } else {
            self.rx_beat += 1;
        }
    }

    /// One clock: every bus driven, the model evaluated, the AXI4 wires
    /// checked, handshakes taken, the rising edge.
    ///
    /// # Panics
    /// On an AXI4 protocol violation on `m_axi`, with the checker's report.
    pub fn clock(&mut self) {
        if self.shell.is_some() {
            self.board_clock();
            return;
        }
        self.stats.clocks += 1;
        let rx_valid = self.drive_rx();
        let tx_ready = self.stats.clocks >= self.tx_gap_until
            && (self.opts.tx_stall <= 0.0 || !self.rng.gen_bool(self.opts.tx_stall));
        self.u.set(self.p.tx_tready, tx_ready.into());
        let d = self.axil.drive();
        let a = |n: &str| {
            self.p
                .axil
                .iter()
                .find(|(k, _)| *k == n)
                .expect("axil port")
                .1
        };
        for (n, v) in [
            ("awvalid", u64::from(d.awvalid)),
            ("awaddr", d.awaddr.into()),
            ("awprot", 0),
            ("wvalid", d.wvalid.into()),
            ("wdata", d.wdata.into()),
            ("wstrb", d.wstrb.into()),
            ("bready", d.bready.into()),
            ("arvalid", d.arvalid.into()),
            ("araddr", d.araddr.into()),
            ("arprot", d.arprot.into()),
            ("rready", d.rready.into()),
        ] {
            let port = a(n);
            self.u.set(port, v);
        }
        self.axi.drive(&mut self.u, &mut self.mem);
        self.u.eval();
        let g = |n: &str| self.u.get(a(n));
        let s = Sample {
            awready: g("awready") != 0,
            wready: g("wready") != 0,
            bvalid: g("bvalid") != 0,
            bresp: g("bresp"),
            arready: g("arready") != 0,
            rvalid: g("rvalid") != 0,
            rdata: g("rdata") as u32,
            rresp: g("rresp"),
        };
        self.axil.sample(s, self.stats.clocks);
        let w = self.axi.edge(&self.u, &mut self.mem, &mut self.chk);
        self.stats.w_beats += u64::from(w.wvalid && w.wready);
        self.stats.r_beats += u64::from(w.rvalid && w.rready);
        self.stats.aw += u64::from(w.awvalid && w.awready);
        self.stats.ar += u64::from(w.arvalid && w.arready);
        self.wires = w;
        if rx_valid {
            if self.p.tready.is_some_and(|p| self.u.get(p) == 0) {
                self.stats.rx_stalls += 1;
            } else {
                self.after_rx();
            }
        }
        self.take_tx(tx_ready);
        self.irqs_edge();
        self.u.tick();
    }

    /// Takes this clock's transmit beat, if the MAC was ready and one was
    /// offered (after `eval`).
    fn take_tx(&mut self, tx_ready: bool) {
        if tx_ready && self.u.get(self.p.tx_tvalid) != 0 {
            let keep = self.u.get(self.p.tx_tkeep);
            let data = self.u.get(self.p.tx_tdata).to_le_bytes();
            let n = keep.count_ones() as usize;
            assert_eq!(keep, (1u64 << n) - 1, "m_axis_tx tkeep not contiguous");
            self.tx_cur.extend_from_slice(&data[..n]);
            self.stats.tx_beats += 1;
            if self.u.get(self.p.tx_tlast) != 0 {
                self.sent.push(SentFrame {
                    data: std::mem::take(&mut self.tx_cur),
                    bad: self.u.get(self.p.tx_tuser) != 0,
                });
                self.stats.tx_frames += 1;
                if self.opts.tx_ifg {
                    // 2.5 clocks of gap and preamble: 2 and 3 in turn
                    self.tx_gap_until = self.stats.clocks + 3 + (self.stats.tx_frames & 1);
                }
            }
        }
    }

    /// Counts rising interrupt requests and acknowledges them the next
    /// clock, as XDMA does (after `eval`).
    fn irqs_edge(&mut self) {
        let irq = self.u.get(self.p.irq_req);
        for (v, n) in self.irqs.iter_mut().enumerate() {
            *n += u64::from(irq >> v & 1 == 1 && self.irq_prev >> v & 1 == 0);
        }
        // acknowledge what was raised last clock (one clock of irq_ack)
        self.u.set(self.p.irq_ack, irq & !self.irq_prev);
        self.irq_prev = irq;
    }
}
