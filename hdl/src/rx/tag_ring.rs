//! `TagRing`: [`crate::rx::tag_migrate`]'s ring of four beats and its
//! three-beat look-ahead window. A beat is written once, into the write
//! slot, and the head leaves by moving the read slot, not by shifting 200
//! flip-flops.
//!
//! * In: `tvalid`, `tdata` (64 bits) and `meta` (31 bits, the beat's facts:
//!   see `TagMigrate`); `tready` is a flip-flop (a slot will be free), a
//!   beat is taken when `tvalid & tready`. `pop` drops the head.
//! * Out: the three oldest beats, `e0`/`m0` the head (data, meta), `e1`/`m1`,
//!   `e2` (its low 32 bits)/`m2`, valid as far as `cnt` (beats held, 0..=4)
//!   says.
//! * Timing: the read slot is kept in 13 copies (one per 16 bits of `e0`,
//!   `e1`, `e2` and one per meta word), and each slot's data and meta have
//!   their own registered write enable, so no control net fans out to more
//!   than about 32 loads: on ECP5 a net to a few hundred loads costs 5-8 ns.

use rust_hdl::prelude::*;

/// Four-beat ring and window; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct TagRing {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub tvalid: Signal<In, Bit>,
    pub tdata: Signal<In, Bits<64>>,
    pub meta: Signal<In, Bits<31>>,
    pub tready: Signal<Out, Bit>,
    pub pop: Signal<In, Bit>,
    pub e0: Signal<Out, Bits<64>>,
    pub e1: Signal<Out, Bits<64>>,
    pub e2: Signal<Out, Bits<32>>,
    pub m0: Signal<Out, Bits<31>>,
    pub m1: Signal<Out, Bits<31>>,
    pub m2: Signal<Out, Bits<31>>,
    pub cnt: Signal<Out, Bits<3>>,
    // the four slots: data, meta
    d0: DFF<Bits<64>>,
    d1: DFF<Bits<64>>,
    d2: DFF<Bits<64>>,
    d3: DFF<Bits<64>>,
    n0: DFF<Bits<31>>,
    n1: DFF<Bits<31>>,
    n2: DFF<Bits<31>>,
    n3: DFF<Bits<31>>,
    /// Write slot (one-hot), read slot (13 copies), beats held (0..=4), and
    /// `tready` (a flip-flop: room for one more beat).
    wo: DFF<Bits<4>>,
    ra0: DFF<Bits<2>>,
    ra1: DFF<Bits<2>>,
    ra2: DFF<Bits<2>>,
    ra3: DFF<Bits<2>>,
    rb0: DFF<Bits<2>>,
    rb1: DFF<Bits<2>>,
    rb2: DFF<Bits<2>>,
    rb3: DFF<Bits<2>>,
    rc0: DFF<Bits<2>>,
    rc1: DFF<Bits<2>>,
    qa: DFF<Bits<2>>,
    qb: DFF<Bits<2>>,
    qc: DFF<Bits<2>>,
    held: DFF<Bits<3>>,
    /// Write enables of the ring slots (`wo` & `rdy`, registered; data
    /// and meta have their own, so no enable net spans 95 flip-flops).
    we0: DFF<Bit>,
    wf0: DFF<Bit>,
    we1: DFF<Bit>,
    wf1: DFF<Bit>,
    we2: DFF<Bit>,
    wf2: DFF<Bit>,
    we3: DFF<Bit>,
    wf3: DFF<Bit>,
    rdy: DFF<Bit>,
    e0p0: Signal<Local, Bits<16>>,
    e0p1: Signal<Local, Bits<16>>,
    e0p2: Signal<Local, Bits<16>>,
    e0p3: Signal<Local, Bits<16>>,
    e1p0: Signal<Local, Bits<16>>,
    e1p1: Signal<Local, Bits<16>>,
    e1p2: Signal<Local, Bits<16>>,
    e1p3: Signal<Local, Bits<16>>,
    e2p0: Signal<Local, Bits<16>>,
    e2p1: Signal<Local, Bits<16>>,
    wo_n: Signal<Local, Bits<4>>,
    cnt_n: Signal<Local, Bits<3>>,
    push: Signal<Local, Bit>,
}

impl Logic for TagRing {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, d0, d1, d2, d3, n0, n1, n2, n3, wo, ra0, ra1, ra2, ra3, rb0, rb1, rb2,
            rb3, rc0, rc1, qa, qb, qc, held, we0, wf0, we1, wf1, we2, wf2, we3, wf3, rdy
        );
        self.cnt.next = self.held.q.val();
        // --- the window: the ring's three oldest beats. Each 16 bits of
        // e0..e2 and each of m0..m2 has its own copy of the read slot
        // (`ra*`, `rb*`, `rc*`, `qa`..`qc` = rp, rp + 1, rp + 2), so no copy
        // fans out to more than 32 muxes.
        self.e0p0.next = self.d0.q.val().get_bits::<16>(0);
        if self.ra0.q.val() == 1_u64 {
            self.e0p0.next = self.d1.q.val().get_bits::<16>(0);
        }
        if self.ra0.q.val() == 2_u64 {
            self.e0p0.next = self.d2.q.val().get_bits::<16>(0);
        }
        if self.ra0.q.val() == 3_u64 {
            self.e0p0.next = self.d3.q.val().get_bits::<16>(0);
        }
        self.e0p1.next = self.d0.q.val().get_bits::<16>(16);
        if self.ra1.q.val() == 1_u64 {
            self.e0p1.next = self.d1.q.val().get_bits::<16>(16);
        }
        if self.ra1.q.val() == 2_u64 {
            self.e0p1.next = self.d2.q.val().get_bits::<16>(16);
        }
        if self.ra1.q.val() == 3_u64 {
            self.e0p1.next = self.d3.q.val().get_bits::<16>(16);
        }
        self.e0p2.next = self.d0.q.val().get_bits::<16>(32);
        if self.ra2.q.val() == 1_u64 {
            self.e0p2.next = self.d1.q.val().get_bits::<16>(32);
        }
        if self.ra2.q.val() == 2_u64 {
            self.e0p2.next = self.d2.q.val().get_bits::<16>(32);
        }
        if self.ra2.q.val() == 3_u64 {
            self.e0p2.next = self.d3.q.val().get_bits::<16>(32);
        }
        self.e0p3.next = self.d0.q.val().get_bits::<16>(48);
        if self.ra3.q.val() == 1_u64 {
            self.e0p3.next = self.d1.q.val().get_bits::<16>(48);
        }
        if self.ra3.q.val() == 2_u64 {
            self.e0p3.next = self.d2.q.val().get_bits::<16>(48);
        }
        if self.ra3.q.val() == 3_u64 {
            self.e0p3.next = self.d3.q.val().get_bits::<16>(48);
        }
        self.e0.next = bit_cast::<64, 16>(self.e0p0.val())
            | (bit_cast::<64, 16>(self.e0p1.val()) << 16_u64)
            | (bit_cast::<64, 16>(self.e0p2.val()) << 32_u64)
            | (bit_cast::<64, 16>(self.e0p3.val()) << 48_u64);
        self.e1p0.next = self.d0.q.val().get_bits::<16>(0);
        if self.rb0.q.val() == 1_u64 {
            self.e1p0.next = self.d1.q.val().get_bits::<16>(0);
        }
        if self.rb0.q.val() == 2_u64 {
            self.e1p0.next = self.d2.q.val().get_bits::<16>(0);
        }
        if self.rb0.q.val() == 3_u64 {
            self.e1p0.next = self.d3.q.val().get_bits::<16>(0);
        }
        self.e1p1.next = self.d0.q.val().get_bits::<16>(16);
        if self.rb1.q.val() == 1_u64 {
            self.e1p1.next = self.d1.q.val().get_bits::<16>(16);
        }
        if self.rb1.q.val() == 2_u64 {
            self.e1p1.next = self.d2.q.val().get_bits::<16>(16);
        }
        if self.rb1.q.val() == 3_u64 {
            self.e1p1.next = self.d3.q.val().get_bits::<16>(16);
        }
        self.e1p2.next = self.d0.q.val().get_bits::<16>(32);
        if self.rb2.q.val() == 1_u64 {
            self.e1p2.next = self.d1.q.val().get_bits::<16>(32);
        }
        if self.rb2.q.val() == 2_u64 {
            self.e1p2.next = self.d2.q.val().get_bits::<16>(32);
        }
        if self.rb2.q.val() == 3_u64 {
            self.e1p2.next = self.d3.q.val().get_bits::<16>(32);
        }
        self.e1p3.next = self.d0.q.val().get_bits::<16>(48);
        if self.rb3.q.val() == 1_u64 {
            self.e1p3.next = self.d1.q.val().get_bits::<16>(48);
        }
        if self.rb3.q.val() == 2_u64 {
            self.e1p3.next = self.d2.q.val().get_bits::<16>(48);
        }
        if self.rb3.q.val() == 3_u64 {
            self.e1p3.next = self.d3.q.val().get_bits::<16>(48);
        }
        self.e1.next = bit_cast::<64, 16>(self.e1p0.val())
            | (bit_cast::<64, 16>(self.e1p1.val()) << 16_u64)
            | (bit_cast::<64, 16>(self.e1p2.val()) << 32_u64)
            | (bit_cast::<64, 16>(self.e1p3.val()) << 48_u64);
        self.e2p0.next = self.d0.q.val().get_bits::<16>(0);
        if self.rc0.q.val() == 1_u64 {
            self.e2p0.next = self.d1.q.val().get_bits::<16>(0);
        }
        if self.rc0.q.val() == 2_u64 {
            self.e2p0.next = self.d2.q.val().get_bits::<16>(0);
        }
        if self.rc0.q.val() == 3_u64 {
            self.e2p0.next = self.d3.q.val().get_bits::<16>(0);
        }
        self.e2p1.next = self.d0.q.val().get_bits::<16>(16);
        if self.rc1.q.val() == 1_u64 {
            self.e2p1.next = self.d1.q.val().get_bits::<16>(16);
        }
        if self.rc1.q.val() == 2_u64 {
            self.e2p1.next = self.d2.q.val().get_bits::<16>(16);
        }
        if self.rc1.q.val() == 3_u64 {
            self.e2p1.next = self.d3.q.val().get_bits::<16>(16);
        }
        self.e2.next =
            bit_cast::<32, 16>(self.e2p0.val()) | (bit_cast::<32, 16>(self.e2p1.val()) << 16_u64);
        // one assignment per path (an output port: the assign-once rule)
        if self.qa.q.val() == 1_u64 {
            self.m0.next = self.n1.q.val();
        } else if self.qa.q.val() == 2_u64 {
            self.m0.next = self.n2.q.val();
        } else if self.qa.q.val() == 3_u64 {
            self.m0.next = self.n3.q.val();
        } else {
            self.m0.next = self.n0.q.val();
        }
        // one assignment per path (an output port: the assign-once rule)
        if self.qb.q.val() == 1_u64 {
            self.m1.next = self.n1.q.val();
        } else if self.qb.q.val() == 2_u64 {
            self.m1.next = self.n2.q.val();
        } else if self.qb.q.val() == 3_u64 {
            self.m1.next = self.n3.q.val();
        } else {
            self.m1.next = self.n0.q.val();
        }
        // one assignment per path (an output port: the assign-once rule)
        if self.qc.q.val() == 1_u64 {
            self.m2.next = self.n1.q.val();
        } else if self.qc.q.val() == 2_u64 {
            self.m2.next = self.n2.q.val();
        } else if self.qc.q.val() == 3_u64 {
            self.m2.next = self.n3.q.val();
        } else {
            self.m2.next = self.n0.q.val();
        }
        // accept while a slot will be free (registered)
        self.tready.next = self.rdy.q.val();
        self.push.next = self.tvalid.val() & self.rdy.q.val();
        // the write slot copies the offered beat whenever a slot is free
        // (its enable is two flip-flops; a beat counts only when pushed)
        if self.we0.q.val() {
            self.d0.d.next = self.tdata.val();
        }
        if self.wf0.q.val() {
            self.n0.d.next = self.meta.val();
        }
        if self.we1.q.val() {
            self.d1.d.next = self.tdata.val();
        }
        if self.wf1.q.val() {
            self.n1.d.next = self.meta.val();
        }
        if self.we2.q.val() {
            self.d2.d.next = self.tdata.val();
        }
        if self.wf2.q.val() {
            self.n2.d.next = self.meta.val();
        }
        if self.we3.q.val() {
            self.d3.d.next = self.tdata.val();
        }
        if self.wf3.q.val() {
            self.n3.d.next = self.meta.val();
        }
        self.wo_n.next = self.wo.q.val();
        if self.push.val() {
            self.wo_n.next = (self.wo.q.val() << 1_u64) | (self.wo.q.val() >> 3_u64);
        }
        self.wo.d.next = self.wo_n.val();
        if self.pop.val() {
            self.ra0.d.next = self.ra0.q.val() + 1_u64;
            self.ra1.d.next = self.ra1.q.val() + 1_u64;
            self.ra2.d.next = self.ra2.q.val() + 1_u64;
            self.ra3.d.next = self.ra3.q.val() + 1_u64;
            self.rb0.d.next = self.rb0.q.val() + 1_u64;
            self.rb1.d.next = self.rb1.q.val() + 1_u64;
            self.rb2.d.next = self.rb2.q.val() + 1_u64;
            self.rb3.d.next = self.rb3.q.val() + 1_u64;
            self.rc0.d.next = self.rc0.q.val() + 1_u64;
            self.rc1.d.next = self.rc1.q.val() + 1_u64;
            self.qa.d.next = self.qa.q.val() + 1_u64;
            self.qb.d.next = self.qb.q.val() + 1_u64;
            self.qc.d.next = self.qc.q.val() + 1_u64;
        }
        self.cnt_n.next = self.held.q.val();
        if self.push.val() & !self.pop.val() {
            self.cnt_n.next = self.held.q.val() + 1_u64;
        }
        if !self.push.val() & self.pop.val() {
            self.cnt_n.next = self.held.q.val() - 1_u64;
        }
        self.held.d.next = self.cnt_n.val();
        self.rdy.d.next = self.cnt_n.val() != 4_u64;
        self.we0.d.next = self.wo_n.val().get_bit(0) & (self.cnt_n.val() != 4_u64);
        self.wf0.d.next = self.wo_n.val().get_bit(0) & (self.cnt_n.val() != 4_u64);
        self.we1.d.next = self.wo_n.val().get_bit(1) & (self.cnt_n.val() != 4_u64);
        self.wf1.d.next = self.wo_n.val().get_bit(1) & (self.cnt_n.val() != 4_u64);
        self.we2.d.next = self.wo_n.val().get_bit(2) & (self.cnt_n.val() != 4_u64);
        self.wf2.d.next = self.wo_n.val().get_bit(2) & (self.cnt_n.val() != 4_u64);
        self.we3.d.next = self.wo_n.val().get_bit(3) & (self.cnt_n.val() != 4_u64);
        self.wf3.d.next = self.wo_n.val().get_bit(3) & (self.cnt_n.val() != 4_u64);
        if self.rst.val() {
            self.wo.d.next = 1_u64.into();
            self.ra0.d.next = 0_u64.into();
            self.ra1.d.next = 0_u64.into();
            self.ra2.d.next = 0_u64.into();
            self.ra3.d.next = 0_u64.into();
            self.rb0.d.next = 1_u64.into();
            self.rb1.d.next = 1_u64.into();
            self.rb2.d.next = 1_u64.into();
            self.rb3.d.next = 1_u64.into();
            self.rc0.d.next = 2_u64.into();
            self.rc1.d.next = 2_u64.into();
            self.we0.d.next = true;
            self.we1.d.next = false;
            self.we2.d.next = false;
            self.we3.d.next = false;
            self.wf0.d.next = true;
            self.wf1.d.next = false;
            self.wf2.d.next = false;
            self.wf3.d.next = false;
            self.qa.d.next = 0_u64.into();
            self.qb.d.next = 1_u64.into();
            self.qc.d.next = 2_u64.into();
            self.held.d.next = 0_u64.into();
            self.rdy.d.next = true;
        }
    }
}
