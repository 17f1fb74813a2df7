//! `Crc16Serial`: CRC-16/IBM-3740 (polynomial 0x1021, not reflected; the
//! UART protocol's CRC, `ferronic_regmap::uart::CRC`) one bit a clock.
//! `init` sets the register to 0xffff; `feed` takes the byte on `din`, which then
//! enters most significant bit first over the next 8 clocks (`busy`).
//! Feed a byte only while `busy` is low: on a serial line bytes come at
//! most one every 10 bit times, far apart.

use rust_hdl::prelude::*;

/// Bit-serial CRC-16; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct Crc16Serial {
    pub clock: Signal<In, Clock>,
    pub init: Signal<In, Bit>,
    pub feed: Signal<In, Bit>,
    pub din: Signal<In, Bits<8>>,
    /// The CRC of the bytes fed since `init` (once `busy` is low).
    pub crc: Signal<Out, Bits<16>>,
    pub busy: Signal<Out, Bit>,
    acc: DFF<Bits<16>>,
    sh: DFF<Bits<8>>,
    left: DFF<Bits<4>>,
}

impl Logic for Crc16Serial {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, acc, sh, left);
        if self.init.val() {
            self.acc.d.next = 0xffff_u64.into();
            self.left.d.next = 0_u64.into();
        } else if self.feed.val() {
            self.sh.d.next = self.din.val();
            self.left.d.next = 8_u64.into();
        } else if self.left.q.val() != 0_u64 {
            if self.acc.q.val().get_bit(15) ^ self.sh.q.val().get_bit(7) {
                self.acc.d.next = (self.acc.q.val() << 1_u64) ^ 0x1021_u64;
            } else {
                self.acc.d.next = self.acc.q.val() << 1_u64;
            }
            self.sh.d.next = self.sh.q.val() << 1_u64;
            self.left.d.next = self.left.q.val() - 1_u64;
        }
        self.crc.next = self.acc.q.val();
        self.busy.next = self.left.q.val() != 0_u64;
    }
}
