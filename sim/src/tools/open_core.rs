//! The open board's register side in Verilator (`ferronic_open_core`:
//! the bump in the wire's datapath with its register block, issue 16),
//! as an [`AxilTarget`] behind the UART bridge: `nicsim serve-uart
//! --board colorlight-5a-75b-v8` serves it on a pseudo-terminal.
//!
//! One bridge clock is one period of the board's 62.5 MHz core clock
//! (16 ns); the 125 MHz transmit clock and both PHYs' receive clocks run
//! two periods in it (edges together with the core clock's: the
//! crossings do not assume unrelated clocks). The RGMII inputs idle
//! unless frames are queued with [`OpenCore::send_port0`]: each goes
//! into port 0 (the switch side) as a PHY sends it, DDR nibbles, after
//! preamble and SFD, 12 idle bytes apart. Two PHY models
//! ([`MdioPhy`], addresses 0 and 1, BMSR [`BMSR_LINK_UP`]) answer on
//! MDC/MDIO as the board's two RTL8211FDs share one bus.

use crate::bus::axil::{Drive, Sample};
use crate::bus::mdio::MdioPhy;
use crate::tools::serve_uart::AxilTarget;
use crate::unit::{models, Port, Unit};
use std::collections::VecDeque;

/// The models' BMSR (IEEE 802.3 22.2.4.2): 100BASE-TX and 10BASE-T
/// abilities, extended status, auto-negotiation complete, link up (bit
/// 2), extended capability.
pub const BMSR_LINK_UP: u16 = 0x796D;

const AXIL_IN: [&str; 11] = [
    "s_axil_awaddr",
    "s_axil_awvalid",
    "s_axil_wdata",
    "s_axil_wstrb",
    "s_axil_wvalid",
    "s_axil_bready",
    "s_axil_araddr",
    "s_axil_arvalid",
    "s_axil_rready",
    "arst",
    "rgmii0_rx_ctl",
];
const AXIL_OUT: [&str; 8] = [
    "s_axil_awready",
    "s_axil_wready",
    "s_axil_bvalid",
    "s_axil_bresp",
    "s_axil_arready",
    "s_axil_rvalid",
    "s_axil_rdata",
    "s_axil_rresp",
];

/// `ferronic_open_core` on the bridge's clock; see the module
/// documentation.
pub struct OpenCore {
    u: Unit,
    inp: [Port; 11],
    out: [Port; 8],
    clocks: [Port; 4],
    rxd0: Port,
    /// Bytes of port 0's line still to send: (data, RX_CTL), one a
    /// 125 MHz clock.
    line0: VecDeque<(u8, bool)>,
    /// The PHYs on MDC/MDIO.
    pub phys: Vec<MdioPhy>,
    mdio: [Port; 4],
    /// Core clocks the line stays idle: during reset and 64 clocks after
    /// (a frame cut by reset would count as a bad start).
    hold: u32,
}

impl OpenCore {
    /// The model, in reset until [`AxilTarget::set_reset`] releases it.
    pub fn new() -> Self {
        let u = Unit::new(&models::FERRONIC_OPEN_CORE);
        let inp = AXIL_IN.map(|n| u.port(n));
        let out = AXIL_OUT.map(|n| u.port(n));
        let clocks = ["core_clk", "clk125", "rgmii0_rxc", "rgmii1_rxc"].map(|n| u.port(n));
        let rxd0 = u.port("rgmii0_rxd");
        let mdio = ["mdc", "mdio_o", "mdio_oe", "mdio_i"].map(|n| u.port(n));
        let mut regs = [0u16; 32];
        regs[1] = BMSR_LINK_UP;
        // PHY identifier (registers 2 and 3): Realtek's OUI, as the
        // RTL8211F reports it
        regs[2] = 0x001C;
        regs[3] = 0xC916;
        OpenCore {
            u,
            inp,
            out,
            clocks,
            rxd0,
            line0: VecDeque::new(),
            phys: vec![MdioPhy::new(0, regs), MdioPhy::new(1, regs)],
            mdio,
            hold: u32::MAX,
        }
    }

    /// Queues `frame` (FCS included) on port 0's receive line: preamble,
    /// SFD, the frame, then 12 idle bytes.
    pub fn send_port0(&mut self, frame: &[u8]) {
        self.line0.extend([0x55u8; 7].iter().map(|&b| (b, true)));
        self.line0.push_back((0xd5, true));
        self.line0.extend(frame.iter().map(|&b| (b, true)));
        self.line0.extend(std::iter::repeat_n((0u8, false), 12));
    }

    /// Port 0's line has sent everything queued.
    pub fn line_idle(&self) -> bool {
        self.line0.is_empty()
    }

    /// Half a 125 MHz period: the fast clocks at `level`; at a rising
    /// edge, port 0's next byte's low nibble is set up before it and its
    /// high nibble before the falling edge (RGMII, IEEE 802.3 clause 35
    /// timing as the PHY drives it; RX_CTL carries RX_DV on both edges,
    /// RX_ER = 0).
    fn fast_edge(&mut self, level: bool, core: Option<bool>) {
        let head = if self.hold > 0 {
            (0, false)
        } else {
            self.line0.front().copied().unwrap_or((0, false))
        };
        if level {
            self.u.set(self.rxd0, u64::from(head.0 & 0xf));
        } else {
            self.u.set(self.rxd0, u64::from(head.0 >> 4));
            if self.hold == 0 {
                self.line0.pop_front();
            }
        }
        self.u.set(self.inp[10], u64::from(head.1));
        self.u.eval();
        if let Some(c) = core {
            self.u.set(self.clocks[0], u64::from(c));
        }
        for &c in &self.clocks[1..] {
            self.u.set(c, u64::from(level));
        }
        self.u.eval();
    }
}

impl Default for OpenCore {
    fn default() -> Self {
        Self::new()
    }
}

impl AxilTarget for OpenCore {
    fn set_reset(&mut self, on: bool) {
        self.u.set(self.inp[9], u64::from(on));
        self.hold = if on { u32::MAX } else { 64 };
    }

    fn drive_axil(&mut self, d: &Drive) {
        let v = [
            u64::from(d.awaddr),
            u64::from(d.awvalid),
            u64::from(d.wdata),
            u64::from(d.wstrb),
            u64::from(d.wvalid),
            u64::from(d.bready),
            u64::from(d.araddr),
            u64::from(d.arvalid),
            u64::from(d.rready),
        ];
        for (p, v) in self.inp.iter().zip(v) {
            self.u.set(*p, v);
        }
    }

    fn sample_axil(&mut self) -> Sample {
        self.u.eval();
        let g = |i: usize| self.u.get(self.out[i]);
        Sample {
            awready: g(0) != 0,
            wready: g(1) != 0,
            bvalid: g(2) != 0,
            bresp: g(3),
            arready: g(4) != 0,
            rvalid: g(5) != 0,
            rdata: g(6) as u32,
            rresp: g(7),
        }
    }

    fn tick(&mut self) {
        // the MDIO bus: open drain with a pull-up, the station's driver
        // and the PHYs'
        let mdc = self.u.get(self.mdio[0]) != 0;
        let sta = (self.u.get(self.mdio[2]) != 0).then(|| self.u.get(self.mdio[1]) != 0);
        for p in &mut self.phys {
            p.clock(mdc, sta);
        }
        let line = self.phys.iter().all(|p| p.line(sta));
        self.u.set(self.mdio[3], u64::from(line));
        if self.hold != u32::MAX {
            self.hold = self.hold.saturating_sub(1);
        }
        // core: rise with the first fast rising edge, fall with the second
        self.fast_edge(true, Some(true));
        self.fast_edge(false, None);
        self.fast_edge(true, Some(false));
        self.fast_edge(false, None);
    }
}
