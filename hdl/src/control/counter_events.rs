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
//! `tx_tdest` (counted as the host's frame is accepted), from T = 9 + 4 x
//! the receive queues (41 for 8 queues, the localparam `tx_at`): T+4t FRAMES,
//! T+1+4t BYTES (FCS included), T+2+4t DROPS (`tx_drop`), T+3+4t ERRORS (the
//! host marked it bad, `tx_bad`).
//!
//! Byte counts (16 bits, saturating at 65,535) come from a beat counter
//! and its copy plus one (14 bits each, both counters, so no carry chain
//! feeds another): every beat before the last carries 8 bytes (frames are
//! contiguous: only a last beat is partial), and the last beat's byte
//! count `c` (0..=8) gives `8 x beats + c` as `{beats, c}` or, for `c` = 8,
//! `{beats + 1, 0}`; the transmit side adds the FCS's 4 the same way. Each
//! queue's counter bits are one-hot masks `1 << 4q` shifted by constants.

use crate::common::keep::KeepCount;
use crate::{COUNTERS, RX_QUEUE_BITS};
use rust_hdl::prelude::*;

/// Counter increment generator; see the module documentation.
#[derive(LogicBlock)]
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
    /// Beats before the last of the frame on `m_axis` (saturating at
    /// 8192) and the same plus one.
    nb: DFF<Bits<14>>,
    nb1: DFF<Bits<14>>,
    tx_nb: DFF<Bits<14>>,
    tx_nb1: DFF<Bits<14>>,
    r_add_tx: DFF<Bits<COUNTERS>>,
    r_tx_bytes: DFF<Bits<16>>,
    tx_total: Signal<Local, Bits<16>>,
    qbase: Signal<Local, Bits<COUNTERS>>,
    dbase: Signal<Local, Bits<COUNTERS>>,
    tbase: Signal<Local, Bits<COUNTERS>>,
    c4: Signal<Local, Bits<4>>,
    tc4: Signal<Local, Bits<4>>,
    tlo_m4: Signal<Local, Bits<3>>,
    tlo_p4: Signal<Local, Bits<3>>,
    rx_inc: Signal<Local, Bits<COUNTERS>>,
    drop_inc: Signal<Local, Bits<COUNTERS>>,
    end_inc: Signal<Local, Bits<COUNTERS>>,
    qerr: Signal<Local, Bits<COUNTERS>>,
    tx_inc: Signal<Local, Bits<COUNTERS>>,
    r_inc: DFF<Bits<COUNTERS>>,
    r_add: DFF<Bits<COUNTERS>>,
    r_bytes: DFF<Bits<16>>,
    m_fire: Signal<Local, Bit>,
    total: Signal<Local, Bits<16>>,
    /// The transmit counters' first bit: `GLOBAL_COUNTERS` + 4 per
    /// receive queue (41 for 8 queues, 265 for 64), a localparam.
    tx_at: Constant<Bits<16>>,
}

impl Default for CounterEvents {
    fn default() -> Self {
        CounterEvents {
            clock: Default::default(),
            rst: Default::default(),
            s_last_fire: Default::default(),
            drop: Default::default(),
            drop_tdest: Default::default(),
            m_tkeep: Default::default(),
            m_tvalid: Default::default(),
            m_tready: Default::default(),
            m_tlast: Default::default(),
            m_tuser: Default::default(),
            m_tdest: Default::default(),
            m_parse_err: Default::default(),
            tx_tkeep: Default::default(),
            tx_fire: Default::default(),
            tx_tlast: Default::default(),
            tx_tdest: Default::default(),
            tx_bad: Default::default(),
            tx_drop: Default::default(),
            add_tx: Default::default(),
            tx_bytes: Default::default(),
            inc: Default::default(),
            add: Default::default(),
            bytes: Default::default(),
            keep: Default::default(),
            tx_keep: Default::default(),
            nb: Default::default(),
            nb1: Default::default(),
            tx_nb: Default::default(),
            tx_nb1: Default::default(),
            r_add_tx: Default::default(),
            r_tx_bytes: Default::default(),
            tx_total: Default::default(),
            qbase: Default::default(),
            dbase: Default::default(),
            tbase: Default::default(),
            c4: Default::default(),
            tc4: Default::default(),
            tlo_m4: Default::default(),
            tlo_p4: Default::default(),
            rx_inc: Default::default(),
            drop_inc: Default::default(),
            end_inc: Default::default(),
            qerr: Default::default(),
            tx_inc: Default::default(),
            r_inc: Default::default(),
            r_add: Default::default(),
            r_bytes: Default::default(),
            m_fire: Default::default(),
            total: Default::default(),
            tx_at: Constant::new(TX_COUNTER0.to_bits()),
        }
    }
}

/// Index of transmit queue 0's first counter (FRAMES; BYTES, DROPS and
/// ERRORS follow): after the global and the receive queues' counters.
const TX_COUNTER0: u64 =
    (ferronic_regmap::GLOBAL_COUNTERS + ferronic_regmap::PER_QUEUE.len() * crate::RX_QUEUES) as u64;

impl Logic for CounterEvents {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, nb, nb1, tx_nb, tx_nb1, r_inc, r_add, r_bytes, r_add_tx, r_tx_bytes
        );
        self.keep.tkeep.next = self.m_tkeep.val();
        self.m_fire.next = self.m_tvalid.val() & self.m_tready.val();
        // the frame's bytes if this beat is its last: 8 x nb + c
        self.c4.next = self.keep.count.val();
        if self.c4.val().get_bit(3) {
            self.total.next = bit_cast::<16, 14>(self.nb1.q.val()) << 3_u64;
            if self.nb1.q.val().get_bit(13) {
                self.total.next = 0xFFFF_u64.into();
            }
        } else {
            self.total.next = (bit_cast::<16, 14>(self.nb.q.val()) << 3_u64)
                | bit_cast::<16, 3>(self.c4.val().get_bits::<3>(0));
            if self.nb.q.val().get_bit(13) {
                self.total.next = 0xFFFF_u64.into();
            }
        }
        // one-hot masks of the queue's first counter (shifted by constants)
        self.qbase.next = bit_cast::<COUNTERS, 1>(true.into())
            << (bit_cast::<8, RX_QUEUE_BITS>(self.m_tdest.val()) << 2_u64);
        self.dbase.next = bit_cast::<COUNTERS, 1>(true.into())
            << (bit_cast::<8, RX_QUEUE_BITS>(self.drop_tdest.val()) << 2_u64);
        self.tbase.next = bit_cast::<COUNTERS, 1>(true.into())
            << (bit_cast::<8, RX_QUEUE_BITS>(self.tx_tdest.val()) << 2_u64);
        self.drop_inc.next = 0_u64.into();
        if self.drop.val() {
            self.drop_inc.next = (1_u64 << 2_u64) | (self.dbase.val() << 11_u64);
        }
        // the queue's ERRORS bit when the frame is bad (tuser[0])
        self.qerr.next = 0_u64.into();
        if self.m_tuser.val().get_bit(0) {
            self.qerr.next = self.qbase.val() << 12_u64;
        }
        self.end_inc.next = 0_u64.into();
        self.r_add.d.next = 0_u64.into();
        if self.m_fire.val() & !self.nb.q.val().get_bit(13) {
            self.nb.d.next = self.nb.q.val() + 1_u64;
            self.nb1.d.next = self.nb1.q.val() + 1_u64;
        }
        if self.m_fire.val() & self.m_tlast.val() {
            self.nb.d.next = 0_u64.into();
            self.nb1.d.next = 1_u64.into();
            self.end_inc.next = (1_u64 << 1_u64)
                | (bit_cast::<COUNTERS, 5>(self.m_tuser.val().get_bits::<5>(1)) << 3_u64)
                | (bit_cast::<COUNTERS, 1>(self.m_parse_err.val().into()) << 8_u64)
                | (self.qbase.val() << 9_u64)
                | self.qerr.val();
            self.r_add.d.next = self.qbase.val() << 10_u64;
            self.r_bytes.d.next = self.total.val();
        }
        self.rx_inc.next = bit_cast::<COUNTERS, 1>(self.s_last_fire.val().into())
            | self.drop_inc.val()
            | self.end_inc.val();
        // transmit side: the frame's bytes plus the FCS, 8 x nb + c + 4
        self.tx_keep.tkeep.next = self.tx_tkeep.val();
        self.tc4.next = self.tx_keep.count.val();
        // (3-bit locals: Verilog sizes `c - 4` to 32 bits)
        self.tlo_m4.next = self.tc4.val().get_bits::<3>(0) - 4_u64;
        self.tlo_p4.next = self.tc4.val().get_bits::<3>(0) + 4_u64;
        if self.tc4.val() >= 4_u64 {
            self.tx_total.next = (bit_cast::<16, 14>(self.tx_nb1.q.val()) << 3_u64)
                | bit_cast::<16, 3>(self.tlo_m4.val());
            if self.tx_nb1.q.val().get_bit(13) {
                self.tx_total.next = 0xFFFF_u64.into();
            }
        } else {
            self.tx_total.next = (bit_cast::<16, 14>(self.tx_nb.q.val()) << 3_u64)
                | bit_cast::<16, 3>(self.tlo_p4.val());
            if self.tx_nb.q.val().get_bit(13) {
                self.tx_total.next = 0xFFFF_u64.into();
            }
        }
        self.r_add_tx.d.next = 0_u64.into();
        self.tx_inc.next = 0_u64.into();
        if self.tx_fire.val() & !self.tx_nb.q.val().get_bit(13) {
            self.tx_nb.d.next = self.tx_nb.q.val() + 1_u64;
            self.tx_nb1.d.next = self.tx_nb1.q.val() + 1_u64;
        }
        if self.tx_fire.val() & self.tx_tlast.val() {
            self.tx_nb.d.next = 0_u64.into();
            self.tx_nb1.d.next = 1_u64.into();
            self.r_tx_bytes.d.next = self.tx_total.val();
            if self.tx_drop.val() {
                self.tx_inc.next = self.tbase.val() << (self.tx_at.val() + 2_u64);
            } else if self.tx_bad.val() {
                self.tx_inc.next = (self.tbase.val() << self.tx_at.val())
                    | (self.tbase.val() << (self.tx_at.val() + 3_u64));
                self.r_add_tx.d.next = self.tbase.val() << (self.tx_at.val() + 1_u64);
            } else {
                self.tx_inc.next = self.tbase.val() << self.tx_at.val();
                self.r_add_tx.d.next = self.tbase.val() << (self.tx_at.val() + 1_u64);
            }
        }
        self.r_inc.d.next = self.rx_inc.val() | self.tx_inc.val();
        if self.rst.val() {
            self.nb.d.next = 0_u64.into();
            self.nb1.d.next = 1_u64.into();
            self.tx_nb.d.next = 0_u64.into();
            self.tx_nb1.d.next = 1_u64.into();
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
