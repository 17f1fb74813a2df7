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
//! preamble and SFD, 12 idle bytes apart.

use crate::bus::axil::{Drive, Sample};
use crate::tools::serve_uart::AxilTarget;
use crate::unit::{models, Port, Unit};
use std::collections::VecDeque;

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
        OpenCore {
            u,
            inp,
            out,
            clocks,
            rxd0,
            line0: VecDeque::new(),
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
