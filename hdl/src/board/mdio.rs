//! `MdioMaster`: the station management side of IEEE 802.3 clause 22
//! (22.2.4.5, the management frame), enough to read a PHY's link state
//! (its BMSR, register 1) and to write its registers.
//!
//! * A frame is 64 bits, most significant first: 32 preamble ones, ST
//!   `01`, OP (`10` read, `01` write), PHYAD (5 bits), REGAD (5), TA, 16
//!   data bits. `start` with `busy` low takes `read`, `phy`, `reg` and
//!   `wdata`; `busy` stays high until the frame's last bit.
//! * MDC is `2 x half` clocks a period (`half` = 13 at 62.5 MHz: 2.40
//!   MHz, under clause 22.2.2.11's 2.5 MHz), low then high each bit;
//!   `mdio_o` changes with MDC's falling edge and is driven (`mdio_oe`)
//!   for the whole of a write and the first 46 bits of a read (the PHY
//!   drives TA's second bit and the data). Read data is sampled at MDC's
//!   rising edges (through two flip-flops: the value 2 clocks before the
//!   edge, at least 150 ns after the PHY's 300 ns output delay at this
//!   rate) into `rdata`, D15 first, valid when `busy` falls.

use rust_hdl::prelude::*;

/// Clause 22 management frame master; see the module documentation.
#[derive(LogicBlock)]
pub struct MdioMaster {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub start: Signal<In, Bit>,
    /// 1: read (OP `10`), 0: write (OP `01`).
    pub read: Signal<In, Bit>,
    pub phyad: Signal<In, Bits<5>>,
    pub regad: Signal<In, Bits<5>>,
    pub wdata: Signal<In, Bits<16>>,
    pub busy: Signal<Out, Bit>,
    /// The last read's data (D15 at bit 15).
    pub rdata: Signal<Out, Bits<16>>,
    pub mdc: Signal<Out, Bit>,
    pub mdio_o: Signal<Out, Bit>,
    pub mdio_oe: Signal<Out, Bit>,
    /// The MDIO pin (asynchronous).
    pub mdio_i: Signal<In, Bit>,
    half: Constant<Bits<8>>,
    cnt: DFF<Bits<8>>,
    /// MDC's level, the bit being sent (0..63), the frame left to send.
    hi: DFF<Bit>,
    nbit: DFF<Bits<7>>,
    sh: DFF<Bits<64>>,
    rd: DFF<Bit>,
    run: DFF<Bit>,
    rx: DFF<Bits<16>>,
    o: DFF<Bit>,
    oe: DFF<Bit>,
    s0: DFF<Bit>,
    s1: DFF<Bit>,
}

impl MdioMaster {
    /// A master whose MDC is `half` clocks low and `half` high (2 to 255).
    ///
    /// # Panics
    /// When `half` is out of that range.
    pub fn new(half: u32) -> Self {
        assert!((2..=255).contains(&half));
        MdioMaster {
            clock: Default::default(),
            rst: Default::default(),
            start: Default::default(),
            read: Default::default(),
            phyad: Default::default(),
            regad: Default::default(),
            wdata: Default::default(),
            busy: Default::default(),
            rdata: Default::default(),
            mdc: Default::default(),
            mdio_o: Default::default(),
            mdio_oe: Default::default(),
            mdio_i: Default::default(),
            half: Constant::new(u64::from(half - 1).to_bits()),
            cnt: Default::default(),
            hi: Default::default(),
            nbit: Default::default(),
            sh: Default::default(),
            rd: Default::default(),
            run: Default::default(),
            rx: Default::default(),
            o: Default::default(),
            oe: Default::default(),
            s0: Default::default(),
            s1: Default::default(),
        }
    }
}

impl Logic for MdioMaster {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, cnt, hi, nbit, sh, rd, run, rx, o, oe, s0, s1);
        self.s0.d.next = self.mdio_i.val();
        self.s1.d.next = self.s0.q.val();
        self.busy.next = self.run.q.val();
        self.rdata.next = self.rx.q.val();
        self.mdc.next = self.hi.q.val();
        self.mdio_o.next = self.o.q.val();
        self.mdio_oe.next = self.oe.q.val();
        if self.run.q.val() {
            self.cnt.d.next = self.cnt.q.val() + 1_u64;
            if self.cnt.q.val() == self.half.val() {
                self.cnt.d.next = 0_u64.into();
                self.hi.d.next = !self.hi.q.val();
                if !self.hi.q.val() {
                    // MDC rises: the data bits of a read are sampled
                    if self.rd.q.val() & (self.nbit.q.val() >= 48_u64) {
                        self.rx.d.next =
                            (self.rx.q.val() << 1_u64) | bit_cast::<16, 1>(self.s1.q.val().into());
                    }
                } else {
                    // MDC falls: the next bit
                    self.nbit.d.next = self.nbit.q.val() + 1_u64;
                    self.sh.d.next = self.sh.q.val() << 1_u64;
                    self.o.d.next = self.sh.q.val().get_bit(62);
                    self.oe.d.next = !self.rd.q.val() | (self.nbit.q.val() < 45_u64);
                    if self.nbit.q.val() == 63_u64 {
                        self.run.d.next = false;
                        self.oe.d.next = false;
                        self.o.d.next = true;
                    }
                }
            }
        } else if self.start.val() {
            // {preamble, ST 01, OP, PHYAD, REGAD, TA, data}; a read's TA
            // and data bits are the PHY's (sent as ones, not driven)
            // (0x6 = ST 01 OP 10, 0x5 = ST 01 OP 01, TA 10 at bits 17:16)
            self.sh.d.next = 0xFFFF_FFFF_5002_0000_u64.to_bits::<64>()
                | (bit_cast::<64, 5>(self.phyad.val()) << 23_u64)
                | (bit_cast::<64, 5>(self.regad.val()) << 18_u64)
                | bit_cast::<64, 16>(self.wdata.val());
            if self.read.val() {
                self.sh.d.next = 0xFFFF_FFFF_6003_FFFF_u64.to_bits::<64>()
                    | (bit_cast::<64, 5>(self.phyad.val()) << 23_u64)
                    | (bit_cast::<64, 5>(self.regad.val()) << 18_u64);
            }
            self.rd.d.next = self.read.val();
            self.run.d.next = true;
            self.nbit.d.next = 0_u64.into();
            self.cnt.d.next = 0_u64.into();
            self.hi.d.next = false;
            self.o.d.next = true;
            self.oe.d.next = true;
        }
        if self.rst.val() {
            self.run.d.next = false;
            self.hi.d.next = false;
            self.oe.d.next = false;
            self.o.d.next = true;
        }
    }
}
