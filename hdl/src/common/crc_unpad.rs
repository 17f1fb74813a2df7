//! `Crc32UnpadBy`: takes `K * sel` trailing zero bytes back out of a raw
//! CRC-32 register ([`crate::common::crc_beat::unpad`]), `sel` = 0..=3,
//! into a register with a clock enable.
//! Two of them in a row (`K` = 1, then `K` = 4) undo 0..=8 bytes with two
//! small case networks instead of one nine-way network on a single path.

use crate::common::crc_beat::{unpad, unpad_matrix};
use rust_hdl::prelude::*;

/// Removes `K * sel` zero bytes from a raw CRC-32 register, into a
/// register.
///
/// * `crc_in` (32 bits): the register after the zero bytes.
/// * `sel` (2 bits): how many groups of `K` zero bytes.
/// * `en`: load `q` at this clock edge (else it holds).
/// * `q` (32 bits, registered): the register before them; each bit the
///   parity of `crc_in` under a row of [`unpad_matrix`]`(K * sel)`.
///
/// The network sits inside the clocked block, so a simulator computes it
/// only in the clocks that load (a frame's last data beat), not every
/// clock; synthesis builds the same network and a clock enable.
#[derive(LogicBlock, Default)]
pub struct Crc32UnpadBy<const K: usize> {
    pub clock: Signal<In, Clock>,
    pub en: Signal<In, Bit>,
    pub crc_in: Signal<In, Bits<32>>,
    pub sel: Signal<In, Bits<2>>,
    pub q: Signal<Out, Bits<32>>,
}

impl<const K: usize> Logic for Crc32UnpadBy<K> {
    fn update(&mut self) {
        if self.clock.pos_edge() && self.en.val() {
            let z = K * self.sel.val().index();
            let out = unpad(self.crc_in.val().to_u64() as u32, z);
            self.q.next = Bits::<32>::from(u64::from(out));
        }
    }

    fn connect(&mut self) {
        self.q.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(unpad_by_verilog(K))
    }
}

/// The Verilog body of [`Crc32UnpadBy`]`<k>`.
pub fn unpad_by_verilog(k: usize) -> String {
    let mut v = String::from(
        "always @(posedge clock) begin\n  if (en) begin\n    case (sel)\n      2'd0: q <= crc_in;\n",
    );
    for s in 1..=3 {
        let label = if s == 3 {
            "default".to_string()
        } else {
            format!("2'd{s}")
        };
        let m = unpad_matrix(k * s);
        v.push_str(&format!("      {label}: begin\n"));
        for (i, row) in m.iter().enumerate() {
            v.push_str(&format!("        q[{i}] <= ^(crc_in & 32'h{row:08x});\n"));
        }
        v.push_str("      end\n");
    }
    v.push_str("    endcase\n  end\nend\n");
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::crc32;

    /// One then four: every count 0..=8 equals the one-step unpad.
    #[test]
    fn two_stages_undo_every_count() {
        let mut a = Crc32UnpadBy::<1>::default();
        let mut b = Crc32UnpadBy::<4>::default();
        a.connect_all();
        b.connect_all();
        let tick = |u: &mut dyn FnMut(bool)| {
            u(false);
            u(true);
        };
        for z in 0..=8usize {
            let r = crc32::step_bytes(0xDEAD_BEEF, 0, z);
            a.crc_in.next = u64::from(r).into();
            a.sel.next = ((z % 4) as u64).into();
            a.en.next = true;
            tick(&mut |c| {
                a.clock.next = c.into();
                assert!(simulate(&mut a, 10));
            });
            b.crc_in.next = a.q.val();
            b.sel.next = ((z / 4) as u64).into();
            b.en.next = true;
            tick(&mut |c| {
                b.clock.next = c.into();
                assert!(simulate(&mut b, 10));
            });
            assert_eq!(b.q.val().to_u64() as u32, 0xDEAD_BEEF, "z {z}");
        }
        // without `en` the register holds
        a.crc_in.next = 0_u64.into();
        a.en.next = false;
        let held = a.q.val();
        tick(&mut |c| {
            a.clock.next = c.into();
            assert!(simulate(&mut a, 10));
        });
        assert_eq!(a.q.val(), held);
        assert_eq!(unpad_by_verilog(4).matches("q[").count(), 96);
    }
}
