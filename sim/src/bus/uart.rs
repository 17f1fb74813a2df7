//! An 8N1 serial line at bit level, written here from the UART framing
//! (one start bit low, 8 data bits least significant first, one stop bit
//! high; idle high), independent of the gateware's `UartRx`/`UartTx`:
//! [`LineTx`] drives a pin one clock at a time from queued bytes,
//! [`LineRx`] samples a pin and returns the bytes it carried.

use std::collections::VecDeque;

/// Drives a serial pin from queued bytes, `clocks_per_bit` clocks a bit.
pub struct LineTx {
    div: u32,
    queue: VecDeque<u8>,
    /// Bit levels still to send of the current character (start, data,
    /// stop), the level on the line and the clocks left of it.
    bits: VecDeque<bool>,
    cur: bool,
    left: u32,
}

impl LineTx {
    /// A line of `clocks_per_bit` clocks a bit.
    pub fn new(clocks_per_bit: u32) -> Self {
        LineTx {
            div: clocks_per_bit,
            queue: VecDeque::new(),
            bits: VecDeque::new(),
            cur: true,
            left: 0,
        }
    }

    /// Queues bytes to send.
    pub fn send(&mut self, bytes: &[u8]) {
        self.queue.extend(bytes);
    }

    /// Nothing queued and no character on the line.
    pub fn idle(&self) -> bool {
        self.queue.is_empty() && self.bits.is_empty() && self.left == 0
    }

    /// The pin's level for the next clock.
    pub fn level(&mut self) -> bool {
        if self.left == 0 {
            if self.bits.is_empty() {
                let Some(b) = self.queue.pop_front() else {
                    return true;
                };
                self.bits.push_back(false);
                self.bits.extend((0..8).map(|i| b >> i & 1 == 1));
                self.bits.push_back(true);
            }
            self.cur = self.bits.pop_front().expect("a bit queued");
            self.left = self.div;
        }
        self.left -= 1;
        self.cur
    }
}

/// Samples a serial pin once a clock and decodes characters: a falling
/// edge starts one, each bit is sampled in its middle.
pub struct LineRx {
    div: u32,
    /// Clocks since the start bit's falling edge, while receiving.
    at: Option<u32>,
    byte: u8,
    /// Characters whose stop bit was low.
    pub framing_errors: u64,
    out: Vec<u8>,
    prev: bool,
}

impl LineRx {
    /// A receiver of `clocks_per_bit` clocks a bit.
    pub fn new(clocks_per_bit: u32) -> Self {
        LineRx {
            div: clocks_per_bit,
            at: None,
            byte: 0,
            framing_errors: 0,
            out: Vec::new(),
            prev: true,
        }
    }

    /// The pin's level in this clock.
    pub fn sample(&mut self, level: bool) {
        match self.at {
            None => {
                if self.prev && !level {
                    self.at = Some(0);
                }
            }
            Some(t) => {
                let t = t + 1;
                self.at = Some(t);
                // bit k (0 = start) is sampled at k * div + div / 2
                if t >= self.div / 2 && (t - self.div / 2).is_multiple_of(self.div) {
                    let k = (t - self.div / 2) / self.div;
                    match k {
                        1..=8 => self.byte = self.byte >> 1 | u8::from(level) << 7,
                        9 => {
                            if level {
                                self.out.push(self.byte);
                            } else {
                                self.framing_errors += 1;
                            }
                            self.at = None;
                        }
                        _ => {}
                    }
                }
            }
        }
        self.prev = level;
    }

    /// Receiving a character now.
    pub fn busy(&self) -> bool {
        self.at.is_some()
    }

    /// The bytes received since the last call.
    pub fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_on_the_line_has_start_data_lsb_first_and_stop() {
        let mut tx = LineTx::new(4);
        tx.send(&[0x35]);
        let levels: Vec<bool> = (0..44).map(|_| tx.level()).collect();
        let bit = |k: usize| levels[k * 4];
        assert!(!bit(0), "start bit");
        let data: Vec<bool> = (1..=8).map(bit).collect();
        assert_eq!(data, [true, false, true, false, true, true, false, false]);
        assert!(bit(9), "stop bit");
        assert!(levels[40..].iter().all(|&l| l), "idle after");
        assert!(tx.idle());
    }

    #[test]
    fn the_receiver_reads_what_the_transmitter_sent() {
        let mut tx = LineTx::new(8);
        let mut rx = LineRx::new(8);
        let bytes: Vec<u8> = (0..=255).collect();
        tx.send(&bytes);
        for _ in 0..256 * 80 + 16 {
            rx.sample(tx.level());
        }
        assert_eq!(rx.take(), bytes);
        assert_eq!(rx.framing_errors, 0);
    }
}
