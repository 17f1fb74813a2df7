//! [`NicTop::board`]: the same harness around a board top's shell
//! (`ferronic_shell` of `rtl/ferronic_glue.v`, the `nic` inside it, as
//! `nicgen --board` writes it for a 512-bit XDMA) instead of the bare
//! `nic`, with the two vendor IPs stood in for by the harness at their
//! ports:
//!
//! * two clocks: the core's (the MAC's `tx_clk_out`, 156.25 MHz, 6,400 ps)
//!   and XDMA's `axi_aclk` (250 MHz, 4,000 ps; its edges fall 1,000 ps
//!   after a core edge's grid, so the two never coincide). One
//!   [`NicTop::clock`] is one core clock with the `axi_aclk` clocks that
//!   fall before it; [`NicTop::axi_clocks`] counts those;
//! * the host's register accesses arrive on `bar_*` as XDMA's bridge master
//!   sends a 32-bit MMIO access: one beat of size 4, its data and strobes
//!   in the address's lane of the 512-bit bus;
//! * host memory answers `dma_*` (64 bytes a beat, [`TopOpts::latency`]
//!   converted to `axi_aclk` clocks, the AXI4 checker every clock);
//!   interrupts are `usr_irq_req`/`usr_irq_ack`;
//! * the MAC's receive stream has no `tready`: beats come at line rate
//!   whatever the core does; [`NicTop::receive_mac_error`] queues a frame
//!   the MAC ends with `tuser` (its error flag).

use super::{NicTop, TopOpts, P};
use crate::bus::axi4_mem::Axi4Mem;
use crate::bus::axi4_unit::Axi4Unit;
use crate::bus::axil::Sample;
use crate::unit::{models, Port, Unit};
use std::collections::{HashMap, VecDeque};

/// The core's clock period, ps.
const CORE_PS: u64 = 6_400;
/// `axi_aclk`'s period, ps.
const AXI_PS: u64 = 4_000;
/// XDMA's AXI data width in the shell unit, bytes.
const BAR_BYTES: usize = 64;

/// The shell's ports and time beyond what [`NicTop`] has.
pub(super) struct Shell {
    axi_clk: Port,
    aresetn: Port,
    mac_tx_reset: Port,
    rx_tuser: Port,
    bar: HashMap<&'static str, Port>,
    /// Addresses of the BAR reads accepted, oldest first (their lanes).
    reads: VecDeque<u16>,
    /// MAC error flags of the queued receive frames, beside `NicTop::rx`.
    pub(super) rx_bad: VecDeque<bool>,
    t_core: u64,
    t_axi: u64,
    axi_clocks: u64,
    stopped: bool,
    timeouts: Port,
    overflows: Port,
    errors: Port,
}

const BAR: &[&str] = &[
    "awid", "awaddr", "awlen", "awsize", "awprot", "awvalid", "awready", "wdata", "wstrb", "wlast",
    "wvalid", "wready", "bid", "bresp", "bvalid", "bready", "arid", "araddr", "arlen", "arsize",
    "arprot", "arvalid", "arready", "rid", "rdata", "rresp", "rlast", "rvalid", "rready",
];

impl NicTop {
    /// The board shell (`ferronic_shell`, 512-bit XDMA side) in reset for
    /// 8 `axi_aclk` clocks, then running.
    pub fn board(opts: &TopOpts) -> NicTop {
        let u = Unit::new(&models::FERRONIC_SHELL);
        let p = P {
            rst: u.port("mac_tx_reset"),
            tdata: u.port("rx_axis_tdata"),
            tkeep: u.port("rx_axis_tkeep"),
            tvalid: u.port("rx_axis_tvalid"),
            tready: None,
            tlast: u.port("rx_axis_tlast"),
            tx_tdata: u.port("tx_axis_tdata"),
            tx_tkeep: u.port("tx_axis_tkeep"),
            tx_tvalid: u.port("tx_axis_tvalid"),
            tx_tready: u.port("tx_axis_tready"),
            tx_tlast: u.port("tx_axis_tlast"),
            tx_tuser: u.port("tx_axis_tuser"),
            irq_req: u.port("usr_irq_req"),
            irq_ack: u.port("usr_irq_ack"),
            axil: Vec::new(),
        };
        let shell = Shell {
            axi_clk: u.port("axi_aclk"),
            aresetn: u.port("axi_aresetn"),
            mac_tx_reset: u.port("mac_tx_reset"),
            rx_tuser: u.port("rx_axis_tuser"),
            bar: BAR
                .iter()
                .map(|&n| (n, u.port(&format!("bar_{n}"))))
                .collect(),
            reads: VecDeque::new(),
            rx_bad: VecDeque::new(),
            t_core: CORE_PS,
            t_axi: AXI_PS + 1_000,
            axi_clocks: 0,
            stopped: false,
            timeouts: u.port("bar_timeouts"),
            overflows: u.port("rx_overflows"),
            errors: u.port("rx_errors"),
        };
        let latency = opts.latency * CORE_PS / AXI_PS;
        let mem = Axi4Mem::new(BAR_BYTES, latency, opts.mem_stall, opts.seed ^ 0x3e3);
        let axi = Axi4Unit::with_prefix(&u, "dma_");
        let mut top = NicTop::build(u, p, axi, mem, opts, Some(shell));
        top.map = ferronic_hdl::verilog::board_regmap(0, 0);
        let sh = top.shell.as_ref().unwrap();
        let (ar, mr, ac) = (sh.aresetn, sh.mac_tx_reset, sh.axi_clk);
        top.u.set(ar, 0);
        top.u.set(mr, 1);
        for _ in 0..8 {
            top.u.tick_port(ac);
            top.u.tick();
        }
        top.u.set(ar, 1);
        top.u.set(mr, 0);
        top
    }

    /// Queues a frame the MAC ends with `rx_axis_tuser` high (its error
    /// flag: the shell drops it whole and counts it).
    ///
    /// # Panics
    /// On a top that is not a board shell.
    pub fn receive_mac_error(&mut self, frame: Vec<u8>) {
        self.receive(frame);
        *self
            .shell
            .as_mut()
            .expect("a board shell")
            .rx_bad
            .back_mut()
            .unwrap() = true;
    }

    /// `axi_aclk` clocks run so far (0 for the bare `nic`).
    pub fn axi_clocks(&self) -> u64 {
        self.shell.as_ref().map_or(0, |s| s.axi_clocks)
    }

    /// Stops (`true`) or restarts the core's clock, as a missing Ethernet
    /// reference clock would; `axi_aclk` runs on.
    pub fn stop_core_clock(&mut self, stop: bool) {
        self.shell.as_mut().expect("a board shell").stopped = stop;
    }

    /// Holds the core in reset (the MAC's `user_tx_reset` high) or lets
    /// it go.
    pub fn hold_core_reset(&mut self, hold: bool) {
        let p = self.shell.as_ref().expect("a board shell").mac_tx_reset;
        self.u.set(p, hold.into());
    }

    /// The shell's counters: (receive frames dropped on a full FIFO,
    /// receive frames the MAC flagged, BAR words timed out).
    pub fn shell_counts(&self) -> (u64, u64, u64) {
        let sh = self.shell.as_ref().expect("a board shell");
        (
            self.u.get(sh.overflows),
            self.u.get(sh.errors),
            self.u.get(sh.timeouts),
        )
    }

    /// One core clock of the board shell and the `axi_aclk` clocks before
    /// it (see the module documentation).
    pub(super) fn board_clock(&mut self) {
        loop {
            let sh = self.shell.as_mut().unwrap();
            if sh.t_axi >= sh.t_core {
                break;
            }
            sh.t_axi += AXI_PS;
            sh.axi_clocks += 1;
            self.axi_edge();
        }
        self.stats.clocks += 1;
        let sh = self.shell.as_mut().unwrap();
        sh.t_core += CORE_PS;
        if !sh.stopped {
            self.core_edge();
        }
    }

    fn core_edge(&mut self) {
        let rx_valid = self.drive_rx();
        let sh = self.shell.as_ref().unwrap();
        let (tuser_p, bad) = (sh.rx_tuser, sh.rx_bad.front().copied().unwrap_or(false));
        self.u.set(tuser_p, u64::from(rx_valid && bad));
        let tx_ready = self.stats.clocks >= self.tx_gap_until
            && (self.opts.tx_stall <= 0.0
                || !rand::Rng::gen_bool(&mut self.rng, self.opts.tx_stall));
        self.u.set(self.p.tx_tready, tx_ready.into());
        self.u.eval();
        if rx_valid {
            let before = self.rx.len();
            self.after_rx();
            if self.rx.len() < before {
                self.shell.as_mut().unwrap().rx_bad.pop_front();
            }
        }
        self.take_tx(tx_ready);
        self.u.tick();
    }

    fn axi_edge(&mut self) {
        let d = self.axil.drive();
        let bar = self.shell.as_ref().unwrap().bar.clone();
        let set = |u: &mut Unit, n: &str, v: u64| u.set(bar[n], v);
        let lane = |a: u16| usize::from(a >> 2) % (BAR_BYTES / 4);
        let u = &mut self.u;
        set(u, "awvalid", d.awvalid.into());
        set(u, "awaddr", d.awaddr.into());
        set(u, "awsize", 2);
        set(u, "wvalid", d.wvalid.into());
        let mut w = vec![0u8; BAR_BYTES];
        let l = lane(d.waddr);
        w[4 * l..4 * l + 4].copy_from_slice(&d.wdata.to_le_bytes());
        u.set_bytes(bar["wdata"], &w);
        set(u, "wstrb", u64::from(d.wstrb) << (4 * l));
        set(u, "wlast", 1);
        set(u, "bready", d.bready.into());
        set(u, "arvalid", d.arvalid.into());
        set(u, "araddr", d.araddr.into());
        set(u, "arsize", 2);
        set(u, "arprot", d.arprot.into());
        set(u, "rready", d.rready.into());
        self.axi.drive(&mut self.u, &mut self.mem);
        self.u.eval();
        let g = |n: &str| self.u.get(bar[n]);
        let sh = self.shell.as_mut().unwrap();
        if d.arvalid && g("arready") != 0 {
            sh.reads.push_back(d.araddr);
        }
        let rvalid = g("rvalid") != 0;
        let rdata = if rvalid {
            let a = *sh.reads.front().expect("R beat without a read");
            let b = self.u.get_bytes(bar["rdata"]);
            let l = lane(a);
            u32::from_le_bytes(b[4 * l..4 * l + 4].try_into().unwrap())
        } else {
            0
        };
        if rvalid && d.rready {
            assert_eq!(g("rlast"), 1, "a one-beat read ends with rlast");
            sh.reads.pop_front();
        }
        let s = Sample {
            awready: g("awready") != 0,
            wready: g("wready") != 0,
            bvalid: g("bvalid") != 0,
            bresp: g("bresp"),
            arready: g("arready") != 0,
            rvalid,
            rdata,
            rresp: g("rresp"),
        };
        self.axil.sample(s, self.stats.clocks);
        let w = self.axi.edge(&self.u, &mut self.mem, &mut self.chk);
        self.stats.w_beats += u64::from(w.wvalid && w.wready);
        self.stats.r_beats += u64::from(w.rvalid && w.rready);
        self.stats.aw += u64::from(w.awvalid && w.awready);
        self.stats.ar += u64::from(w.arvalid && w.arready);
        self.wires = w;
        self.irqs_edge();
        let c = self.shell.as_ref().unwrap().axi_clk;
        self.u.tick_port(c);
    }
}
