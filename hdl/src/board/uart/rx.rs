//! `UartRx`: 8N1 receiver (one start bit, 8 data bits least significant
//! first, one stop bit). `rxd` is asynchronous: two flip-flops bring it
//! into `clock`. A falling edge starts a character; the start bit is
//! checked at its middle (a shorter low pulse is a glitch and ignored) and
//! each following bit is sampled `div` clocks later, in its middle. A low
//! stop bit raises `frame_err` for one clock instead of `valid`, and the
//! receiver waits for the line to go high before the next start bit (a
//! break yields one error, not one a character). `silence` is high for
//! one clock once the line has stayed high for `idle_bits` bit times
//! after a character (a request's bytes have stopped coming).

use rust_hdl::prelude::*;

// RxState values (hdl_gen writes Rust constants as names, and rust-hdl's
// LogicState enums leave unused localparams that fail the lint):
// 0 Idle, 1 Start, 2 Data, 3 Stop, 4 Break

/// 8N1 receiver; see the module documentation.
#[derive(LogicBlock)]
pub struct UartRx {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// The serial input (idle high), asynchronous to `clock`.
    pub rxd: Signal<In, Bit>,
    /// The character received; valid in the clock `valid` is high.
    pub data: Signal<Out, Bits<8>>,
    /// One clock per character received with a good stop bit.
    pub valid: Signal<Out, Bit>,
    /// One clock per character whose stop bit was low.
    pub frame_err: Signal<Out, Bit>,
    /// One clock when the line has been idle `idle_bits` bit times since
    /// the last character.
    pub silence: Signal<Out, Bit>,
    /// Clocks per bit - 1, and half of that (the start bit's middle).
    div: Constant<Bits<16>>,
    half: Constant<Bits<16>>,
    /// Clocks of `idle_bits` bit times - 1.
    idle_max: Constant<Bits<26>>,
    idle: DFF<Bits<26>>,
    /// A character ended and `silence` has not yet been raised.
    armed: DFF<Bit>,
    silence_q: DFF<Bit>,
    sync: DFF<Bits<2>>,
    state: DFF<Bits<3>>,
    cnt: DFF<Bits<16>>,
    nbit: DFF<Bits<3>>,
    shift: DFF<Bits<8>>,
    valid_q: DFF<Bit>,
    err_q: DFF<Bit>,
    line: Signal<Local, Bit>,
}

impl UartRx {
    /// A receiver of `clocks_per_bit` clocks a bit (the clock frequency
    /// divided by the baud rate), whose `silence` comes after `idle_bits`
    /// bit times.
    ///
    /// # Panics
    /// When `clocks_per_bit` is not in 4..=65,536 or the silence does not
    /// fit 26 bits of clocks.
    pub fn new(clocks_per_bit: u32, idle_bits: u32) -> Self {
        assert!((4..=65_536).contains(&clocks_per_bit));
        let idle = u64::from(idle_bits) * u64::from(clocks_per_bit) - 1;
        assert!(idle < 1 << 26, "silence of {idle} clocks");
        UartRx {
            clock: Default::default(),
            rst: Default::default(),
            rxd: Default::default(),
            data: Default::default(),
            valid: Default::default(),
            frame_err: Default::default(),
            silence: Default::default(),
            div: Constant::new(u64::from(clocks_per_bit - 1).to_bits()),
            half: Constant::new(u64::from(clocks_per_bit / 2 - 1).to_bits()),
            idle_max: Constant::new(idle.to_bits()),
            idle: Default::default(),
            armed: Default::default(),
            silence_q: Default::default(),
            sync: Default::default(),
            state: Default::default(),
            cnt: Default::default(),
            nbit: Default::default(),
            shift: Default::default(),
            valid_q: Default::default(),
            err_q: Default::default(),
            line: Default::default(),
        }
    }
}

/// 16 clocks a bit, silence after 1,024 bit times (a parent block's
/// `Default`; [`UartRx::new`] sets the real rate).
impl Default for UartRx {
    fn default() -> Self {
        UartRx::new(16, 1024)
    }
}

impl Logic for UartRx {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, sync, state, cnt, nbit, shift, valid_q, err_q, idle, armed, silence_q
        );
        self.sync.d.next = (self.sync.q.val() << 1_u64) | bit_cast::<2, 1>(self.rxd.val().into());
        self.line.next = self.sync.q.val().get_bit(1);
        self.valid_q.d.next = false;
        self.err_q.d.next = false;
        if self.cnt.q.val() != 0_u64 {
            self.cnt.d.next = self.cnt.q.val() - 1_u64;
        }
        if self.state.q.val() == 0_u64 {
            // Idle
            if !self.line.val() {
                self.state.d.next = 1_u64.into(); // Start
                self.cnt.d.next = self.half.val();
            }
        } else if self.state.q.val() == 1_u64 {
            // Start
            if self.cnt.q.val() == 0_u64 {
                if self.line.val() {
                    self.state.d.next = 0_u64.into(); // Idle
                } else {
                    self.state.d.next = 2_u64.into(); // Data
                    self.cnt.d.next = self.div.val();
                    self.nbit.d.next = 0_u64.into();
                }
            }
        } else if self.state.q.val() == 2_u64 {
            // Data
            if self.cnt.q.val() == 0_u64 {
                self.shift.d.next = (self.shift.q.val() >> 1_u64)
                    | (bit_cast::<8, 1>(self.line.val().into()) << 7_u64);
                self.cnt.d.next = self.div.val();
                self.nbit.d.next = self.nbit.q.val() + 1_u64;
                if self.nbit.q.val() == 7_u64 {
                    self.state.d.next = 3_u64.into(); // Stop
                }
            }
        } else if self.state.q.val() == 3_u64 {
            // Stop
            if self.cnt.q.val() == 0_u64 {
                if self.line.val() {
                    self.valid_q.d.next = true;
                    self.state.d.next = 0_u64.into(); // Idle
                } else {
                    self.err_q.d.next = true;
                    self.state.d.next = 4_u64.into(); // Break
                }
            }
        } else {
            if self.line.val() {
                self.state.d.next = 0_u64.into(); // Idle
            }
        }
        // silence: bit times of idle line after a character
        self.silence_q.d.next = false;
        if self.valid_q.q.val() | self.err_q.q.val() {
            self.armed.d.next = true;
            self.idle.d.next = 0_u64.into();
        } else if self.state.q.val() != 0_u64 {
            // Idle
            self.idle.d.next = 0_u64.into();
        } else if self.armed.q.val() {
            self.idle.d.next = self.idle.q.val() + 1_u64;
            if self.idle.q.val() == self.idle_max.val() {
                self.silence_q.d.next = true;
                self.armed.d.next = false;
            }
        }
        if self.rst.val() {
            self.armed.d.next = false;
            self.silence_q.d.next = false;
            self.sync.d.next = 3_u64.into();
            self.state.d.next = 0_u64.into(); // Idle
            self.cnt.d.next = 0_u64.into();
            self.valid_q.d.next = false;
            self.err_q.d.next = false;
        }
        self.data.next = self.shift.q.val();
        self.valid.next = self.valid_q.q.val();
        self.frame_err.next = self.err_q.q.val();
        self.silence.next = self.silence_q.q.val();
    }
}
