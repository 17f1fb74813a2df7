//! `CounterEvents`: turns handshakes and flags into the increments of
//! [`crate::control::counter_bank::CounterBank`], registered one cycle.
//!
//! Counter numbers follow `ferronic_regmap` (checked by a test): 0
//! FRAMES_IN (`s_axis` tlast accepted), 1 FRAMES_OUT, 2 DROPS (`drop`
//! pulse), 3 BAD_FCS, 4 RUNTS, 5 GIANTS, 6 TAG_SHORT, 7 MIGRATED (from
//! `m_tuser` of each delivered frame), 8 PARSER_ERRORS (`m_parse_err`),
//! then per receive queue q = `m_tdest`: 9+4q FRAMES, 10+4q BYTES (adds the
//! frame's length in bytes, FCS included), 11+4q DROPS (`drop`: a frame
//! marked for dropping consumed at its last beat, queue q = `drop_tdest`;
//! also counts in the global DROPS), 12+4q ERRORS (tuser BAD). A drop and
//! a delivered frame's end may land in the same clock (the delivered frame
//! leaves through the core's output skid buffer while RssSteer consumes a
//! dropped one): both count; then per transmit queue t =
//! `tx_tdest` (counted as the host's frame is accepted): 41+4t FRAMES,
//! 42+4t BYTES (FCS included), 43+4t DROPS (`tx_drop`), 44+4t ERRORS (the
//! host marked it bad, `tx_bad`).

use crate::common::keep::KeepCount;
use crate::{COUNTERS, RX_QUEUE_BITS};
use rust_hdl::prelude::*;

/// Counter increment generator; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct CounterEvents {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub s_last_fire: Signal<In, Bit>,
    pub drop: Signal<In, Bit>,
    /// Queue of the dropped frame (RssSteer's `m_tdest` as it drops).
    pub drop_tdest: Signal<In, Bits<RX_QUEUE_BITS>>,
    pub m_tkeep: Signal<In, Bits<8>>,
    pub m_tvalid: Signal<In, Bit>,
    pub m_tready: Signal<In, Bit>,
    pub m_tlast: Signal<In, Bit>,
    pub m_tuser: Signal<In, Bits<6>>,
    pub m_tdest: Signal<In, Bits<RX_QUEUE_BITS>>,
    pub m_parse_err: Signal<In, Bit>,
    pub tx_tkeep: Signal<In, Bits<8>>,
    pub tx_fire: Signal<In, Bit>,
    pub tx_tlast: Signal<In, Bit>,
    pub tx_tdest: Signal<In, Bits<RX_QUEUE_BITS>>,
    pub tx_bad: Signal<In, Bit>,
    pub tx_drop: Signal<In, Bit>,
    pub add_tx: Signal<Out, Bits<COUNTERS>>,
    pub tx_bytes: Signal<Out, Bits<16>>,
    pub inc: Signal<Out, Bits<COUNTERS>>,
    pub add: Signal<Out, Bits<COUNTERS>>,
    pub bytes: Signal<Out, Bits<16>>,
    keep: KeepCount,
    tx_keep: KeepCount,
    len: DFF<Bits<16>>,
    tx_len: DFF<Bits<16>>,
    r_add_tx: DFF<Bits<COUNTERS>>,
    r_tx_bytes: DFF<Bits<16>>,
    tx_total: Signal<Local, Bits<16>>,
    rx_inc: Signal<Local, Bits<COUNTERS>>,
    drop_inc: Signal<Local, Bits<COUNTERS>>,
    end_inc: Signal<Local, Bits<COUNTERS>>,
    dpos: Signal<Local, Bits<8>>,
    tx_inc: Signal<Local, Bits<COUNTERS>>,
    tpos: Signal<Local, Bits<8>>,
    r_inc: DFF<Bits<COUNTERS>>,
    r_add: DFF<Bits<COUNTERS>>,
    r_bytes: DFF<Bits<16>>,
    m_fire: Signal<Local, Bit>,
    total: Signal<Local, Bits<16>>,
    qpos: Signal<Local, Bits<8>>,
}

impl Logic for CounterEvents {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, len, r_inc, r_add, r_bytes, tx_len, r_add_tx, r_tx_bytes);
        self.keep.tkeep.next = self.m_tkeep.val();
        self.m_fire.next = self.m_tvalid.val() & self.m_tready.val();
        self.total.next = self.len.q.val() + bit_cast::<16, 4>(self.keep.count.val());
        if self.total.val() < self.len.q.val() {
            self.total.next = 0xFFFF_u64.into();
        }
        self.qpos.next = (bit_cast::<8, RX_QUEUE_BITS>(self.m_tdest.val()) << 2_u64) + 9_u64;
        self.dpos.next = (bit_cast::<8, RX_QUEUE_BITS>(self.drop_tdest.val()) << 2_u64) + 9_u64;
        self.drop_inc.next = 0_u64.into();
        if self.drop.val() {
            self.drop_inc.next = (1_u64 << 2_u64)
                | (bit_cast::<COUNTERS, 1>(true.into()) << (self.dpos.val() + 2_u64));
        }
        self.end_inc.next = 0_u64.into();
        self.r_add.d.next = 0_u64.into();
        if self.m_fire.val() {
            self.len.d.next = self.total.val();
        }
        if self.m_fire.val() & self.m_tlast.val() {
            self.len.d.next = 0_u64.into();
            self.end_inc.next = (1_u64 << 1_u64)
                | (bit_cast::<COUNTERS, 5>(self.m_tuser.val().get_bits::<5>(1)) << 3_u64)
                | (bit_cast::<COUNTERS, 1>(self.m_parse_err.val().into()) << 8_u64)
                | (bit_cast::<COUNTERS, 1>(true.into()) << self.qpos.val())
                | (bit_cast::<COUNTERS, 1>(self.m_tuser.val().get_bit(0).into())
                    << (self.qpos.val() + 3_u64));
            self.r_add.d.next = bit_cast::<COUNTERS, 1>(true.into()) << (self.qpos.val() + 1_u64);
            self.r_bytes.d.next = self.total.val();
        }
        self.rx_inc.next = bit_cast::<COUNTERS, 1>(self.s_last_fire.val().into())
            | self.drop_inc.val()
            | self.end_inc.val();
        // transmit side
        self.tx_keep.tkeep.next = self.tx_tkeep.val();
        self.tx_total.next = self.tx_len.q.val() + bit_cast::<16, 4>(self.tx_keep.count.val());
        if self.tx_total.val() < self.tx_len.q.val() {
            self.tx_total.next = 0xFFFF_u64.into();
        }
        self.tpos.next = (bit_cast::<8, RX_QUEUE_BITS>(self.tx_tdest.val()) << 2_u64) + 41_u64;
        self.r_add_tx.d.next = 0_u64.into();
        self.tx_inc.next = 0_u64.into();
        if self.tx_fire.val() {
            self.tx_len.d.next = self.tx_total.val();
        }
        if self.tx_fire.val() & self.tx_tlast.val() {
            self.tx_len.d.next = 0_u64.into();
            self.r_tx_bytes.d.next = self.tx_total.val() + 4_u64;
            if self.tx_drop.val() {
                self.tx_inc.next =
                    bit_cast::<COUNTERS, 1>(true.into()) << (self.tpos.val() + 2_u64);
            } else {
                self.tx_inc.next = (bit_cast::<COUNTERS, 1>(true.into()) << self.tpos.val())
                    | (bit_cast::<COUNTERS, 1>(self.tx_bad.val().into())
                        << (self.tpos.val() + 3_u64));
                self.r_add_tx.d.next =
                    bit_cast::<COUNTERS, 1>(true.into()) << (self.tpos.val() + 1_u64);
            }
        }
        self.r_inc.d.next = self.rx_inc.val() | self.tx_inc.val();
        if self.rst.val() {
            self.len.d.next = 0_u64.into();
            self.tx_len.d.next = 0_u64.into();
            self.r_add_tx.d.next = 0_u64.into();
            self.r_inc.d.next = 0_u64.into();
            self.r_add.d.next = 0_u64.into();
        }
        self.inc.next = self.r_inc.q.val();
        self.add.next = self.r_add.q.val();
        self.bytes.next = self.r_bytes.q.val();
        self.add_tx.next = self.r_add_tx.q.val();
        self.tx_bytes.next = self.r_tx_bytes.q.val();
    }
}

#[cfg(test)]
mod tests {
    /// The hard-wired counter numbers above follow the register map.
    #[test]
    fn counter_numbers_follow_the_regmap() {
        let g: Vec<&str> = ferronic_regmap::GLOBAL.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            g,
            [
                "FRAMES_IN",
                "FRAMES_OUT",
                "DROPS",
                "BAD_FCS",
                "RUNTS",
                "GIANTS",
                "TAG_SHORT",
                "MIGRATED",
                "PARSER_ERRORS"
            ]
        );
        let q: Vec<&str> = ferronic_regmap::PER_QUEUE.iter().map(|(n, _)| *n).collect();
        assert_eq!(q, ["FRAMES", "BYTES", "DROPS", "ERRORS"]);
    }

    /// A drop (queue 2) and a delivered frame's last beat (queue 5) in the
    /// same clock both count: global DROPS and FRAMES_OUT, queue 2's DROPS,
    /// queue 5's FRAMES.
    #[test]
    fn a_drop_and_a_frame_end_in_one_clock_both_count() {
        use super::CounterEvents;
        use rust_hdl::prelude::*;
        let mut u = CounterEvents::default();
        u.connect_all();
        u.drop.next = true;
        u.drop_tdest.next = 2_u64.into();
        u.m_tvalid.next = true;
        u.m_tready.next = true;
        u.m_tlast.next = true;
        u.m_tkeep.next = 0xff_u64.into();
        u.m_tdest.next = 5_u64.into();
        // one rising edge registers the increments
        u.clock.next = false.into();
        assert!(simulate(&mut u, 20));
        u.clock.next = true.into();
        assert!(simulate(&mut u, 20));
        let inc = u.inc.val();
        let set: Vec<usize> = (0..crate::COUNTERS).filter(|&i| inc.get_bit(i)).collect();
        assert_eq!(set, [1, 2, 9 + 4 * 2 + 2, 9 + 4 * 5]);
    }
}
