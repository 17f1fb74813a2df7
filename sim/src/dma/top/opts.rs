//! What the card around [`super::NicTop`] does ([`TopOpts`]), what it
//! counted ([`TopStats`]) and what left on its transmit stream
//! ([`SentFrame`]).

/// How the card around the top behaves.
#[derive(Clone, Debug)]
pub struct TopOpts {
    /// Host memory latency, clocks from an address to its first response
    /// (156 = 1 us at 156.25 MHz, a PCIe round trip).
    pub latency: u64,
    /// Chance per clock that host memory holds a `xREADY` low.
    pub mem_stall: f64,
    /// Share of the line the received frames take (1.0: 10G line rate).
    pub rx_util: f64,
    /// Chance per clock that the MAC holds `m_axis_tx_tready` low.
    pub tx_stall: f64,
    /// The MAC holds `m_axis_tx_tready` low for the interframe gap and
    /// preamble after each frame (20 bytes: 2 or 3 clocks, 2.5 on
    /// average), so transmit runs at most at Ethernet line rate.
    pub tx_ifg: bool,
    /// Chance per clock that the AXI4-Lite master delays a `valid`.
    pub axil_delay: f64,
    /// Seed of every random choice.
    pub seed: u64,
}

impl Default for TopOpts {
    fn default() -> Self {
        TopOpts {
            latency: 156,
            mem_stall: 0.0,
            rx_util: 1.0,
            tx_stall: 0.0,
            tx_ifg: false,
            axil_delay: 0.0,
            seed: 1,
        }
    }
}

/// Counts kept by [`NicTop`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TopStats {
    /// Clocks simulated.
    pub clocks: u64,
    /// Frames and beats that entered on `s_axis`.
    pub rx_frames: u64,
    pub rx_beats: u64,
    /// Clocks a receive beat was offered while `s_axis_tready` was low.
    pub rx_stalls: u64,
    /// Beats and frames that left on `m_axis_tx`.
    pub tx_beats: u64,
    pub tx_frames: u64,
    /// AXI4 beats taken on W and R, and address handshakes on AW and AR.
    pub w_beats: u64,
    pub r_beats: u64,
    pub aw: u64,
    pub ar: u64,
}

/// A frame that left on `m_axis_tx`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentFrame {
    /// The bytes, FCS included.
    pub data: Vec<u8>,
    /// `m_axis_tx_tuser` on the last beat: sent marked bad.
    pub bad: bool,
}
