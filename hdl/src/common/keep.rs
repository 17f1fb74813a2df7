//! `KeepCount`: number of valid bytes (1..=8, 0 when `tkeep` is zero) of a
//! 64-bit AXI4-Stream beat whose `tkeep` is contiguous from lane 0.

use rust_hdl::prelude::*;

/// `tkeep` (8 bits, contiguous from bit 0) to a byte count (4 bits, 0..=8).
#[derive(LogicBlock, Default)]
pub struct KeepCount {
    pub tkeep: Signal<In, Bits<8>>,
    pub count: Signal<Out, Bits<4>>,
}

impl Logic for KeepCount {
    #[hdl_gen]
    fn update(&mut self) {
        // one assignment per evaluation (the assign-once rule, crate::comb_once)
        if self.tkeep.val().get_bit(7) {
            self.count.next = 8_u64.into();
        } else if self.tkeep.val().get_bit(6) {
            self.count.next = 7_u64.into();
        } else if self.tkeep.val().get_bit(5) {
            self.count.next = 6_u64.into();
        } else if self.tkeep.val().get_bit(4) {
            self.count.next = 5_u64.into();
        } else if self.tkeep.val().get_bit(3) {
            self.count.next = 4_u64.into();
        } else if self.tkeep.val().get_bit(2) {
            self.count.next = 3_u64.into();
        } else if self.tkeep.val().get_bit(1) {
            self.count.next = 2_u64.into();
        } else if self.tkeep.val().get_bit(0) {
            self.count.next = 1_u64.into();
        } else {
            self.count.next = 0_u64.into();
        }
    }
}
