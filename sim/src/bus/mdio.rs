//! A PHY's management interface (IEEE 802.3 clause 22.2.4.5), written
//! from the frame's definition, not from the gateware: it samples MDIO at
//! each rising edge of MDC, finds a frame by 32 ones and ST `01`, and at
//! its own address answers a read (TA's second bit 0, then D15..D0, each
//! driven after a rising edge) or takes a write. The line is pulled up:
//! with neither side driving it reads 1.

/// One PHY on the bus, its 32 registers.
#[derive(Clone, Debug)]
pub struct MdioPhy {
    /// PHYAD it answers.
    pub addr: u8,
    /// Register file (BMCR at 0, BMSR at 1, ...).
    pub regs: [u16; 32],
    ones: u32,
    /// Bit position in the frame (32 = ST's first bit) and the bits so far.
    pos: Option<u32>,
    bits: u64,
    /// What the PHY drives, if anything, until the next rising edge.
    drive: Option<bool>,
    mdc: bool,
}

impl MdioPhy {
    /// A PHY at `addr` with `regs`.
    pub fn new(addr: u8, regs: [u16; 32]) -> Self {
        MdioPhy {
            addr,
            regs,
            ones: 0,
            pos: None,
            bits: 0,
            drive: None,
            mdc: false,
        }
    }

    /// The line's level with the station driving `sta` (`None`: not).
    pub fn line(&self, sta: Option<bool>) -> bool {
        sta.or(self.drive).unwrap_or(true)
    }

    /// MDC at `mdc` with the station driving `sta`: on a rising edge the
    /// PHY samples the line and decides what it drives next.
    pub fn clock(&mut self, mdc: bool, sta: Option<bool>) {
        let rise = mdc && !self.mdc;
        self.mdc = mdc;
        if !rise {
            return;
        }
        let b = self.line(sta);
        self.drive = None;
        let Some(p) = self.pos else {
            // the preamble: 32 ones, then ST's 0 (position 32)
            if b {
                self.ones += 1;
            } else if self.ones >= 32 {
                self.pos = Some(33);
                self.bits = 0;
            } else {
                self.ones = 0;
            }
            return;
        };
        // `bits` holds positions 32..=p, position q at bit p - q: ST
        // (32-33), OP (34-35), PHYAD (36-40), REGAD (41-45), TA (46-47),
        // data (48-63, D15 first)
        self.bits = self.bits << 1 | u64::from(b);
        let field = |q: u32, n: u32| (self.bits >> (p - q)) as u32 & ((1 << n) - 1);
        if (46..63).contains(&p) && field(35, 2) == 2 && field(40, 5) == u32::from(self.addr) {
            // a read of ours: TA's second bit 0, then D15..D0, each
            // driven after the rising edge before its bit
            let v = self.regs[field(45, 5) as usize];
            self.drive = Some(p > 46 && (v >> (62 - p)) & 1 == 1);
        }
        if p < 63 {
            self.pos = Some(p + 1);
            return;
        }
        // a write of ours with TA `10` is taken (a wrong TA drops it, so
        // the read-back tests see it)
        let (op, phy, reg) = (field(35, 2), field(40, 5) as u8, field(45, 5) as u8);
        if op == 1 && field(47, 2) == 2 && phy == self.addr {
            self.regs[usize::from(reg)] = self.bits as u16;
        }
        self.pos = None;
        self.ones = 0;
    }
}
