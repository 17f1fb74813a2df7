//! `UartTx`: 8N1 transmitter. `start` in a clock when `busy` is low loads
//! `data`; the line then carries the start bit, the 8 data bits least
//! significant first and the stop bit, `div` clocks each, from a shift
//! register (`txd` is a flip-flop). `busy` stays high until the stop bit
//! has been sent.

use rust_hdl::prelude::*;

/// 8N1 transmitter; see the module documentation.
#[derive(LogicBlock)]
pub struct UartTx {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// The character to send, taken when `start` is high and `busy` low.
    pub data: Signal<In, Bits<8>>,
    pub start: Signal<In, Bit>,
    /// High from the clock after `start` until the stop bit has been sent.
    pub busy: Signal<Out, Bit>,
    /// The serial output (idle high).
    pub txd: Signal<Out, Bit>,
    div: Constant<Bits<16>>,
    /// Bits still to send, bit 0 on the line: {stop, data, start}.
    shift: DFF<Bits<10>>,
    left: DFF<Bits<4>>,
    cnt: DFF<Bits<16>>,
}

impl UartTx {
    /// A transmitter of `clocks_per_bit` clocks a bit.
    ///
    /// # Panics
    /// When `clocks_per_bit` is below 4 or above 65,536.
    pub fn new(clocks_per_bit: u32) -> Self {
        assert!((4..=65_536).contains(&clocks_per_bit));
        UartTx {
            clock: Default::default(),
            rst: Default::default(),
            data: Default::default(),
            start: Default::default(),
            busy: Default::default(),
            txd: Default::default(),
            div: Constant::new(u64::from(clocks_per_bit - 1).to_bits()),
            shift: Default::default(),
            left: Default::default(),
            cnt: Default::default(),
        }
    }
}

/// 16 clocks a bit (a parent block's `Default`; [`UartTx::new`] sets the
/// real rate).
impl Default for UartTx {
    fn default() -> Self {
        UartTx::new(16)
    }
}

impl Logic for UartTx {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, shift, left, cnt);
        if self.left.q.val() == 0_u64 {
            if self.start.val() {
                self.shift.d.next = (bit_cast::<10, 8>(self.data.val()) << 1_u64) | 0x200_u64;
                self.left.d.next = 10_u64.into();
                self.cnt.d.next = self.div.val();
            }
        } else if self.cnt.q.val() == 0_u64 {
            self.shift.d.next = (self.shift.q.val() >> 1_u64) | 0x200_u64;
            self.left.d.next = self.left.q.val() - 1_u64;
            self.cnt.d.next = self.div.val();
        } else {
            self.cnt.d.next = self.cnt.q.val() - 1_u64;
        }
        if self.rst.val() {
            self.shift.d.next = 0x3ff_u64.into();
            self.left.d.next = 0_u64.into();
        }
        self.busy.next = self.left.q.val() != 0_u64;
        self.txd.next = self.shift.q.val().get_bit(0);
    }
}
