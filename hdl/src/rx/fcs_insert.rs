//! `FcsInsert` (replace): recomputes the CRC-32 FCS (IEEE 802.3 clause
//! 3.2.9) over each frame and writes it over the frame's last 4 bytes.
//!
//! * Bus: AXI4-Stream, 64-bit, frames whose last 4 bytes are the FCS slot.
//! * A frame flagged `FCS_ERR` (bit 1 of `s_tuser` on its last beat) gets the
//!   recomputed FCS complemented, so a corrupt frame never looks valid. A
//!   frame flagged `TAG_SHORT` (bit 4) passes unchanged, old FCS included.
//! * How: a two-beat look-ahead window. The slot starts in the head beat when
//!   the head is last with at least 4 bytes, or when the next beat is last
//!   with fewer than 4 bytes (the FCS then straddles: the remainder is held
//!   and written into the last beat). One [`Crc32Lanes`] network covers the
//!   data bytes of the head beat (0..=8).
//! * `s_tag`/`m_tag` (64 bits) ride along with the `tlast` beat.
//! * Latency: 3 cycles at line rate; one beat per clock, no bubble.

use crate::common::axis::{AxisMaster64, AxisSlave64};
use crate::common::axis_out::AxisOutReg64;
use crate::common::crc_lanes::Crc32Lanes;
use crate::common::keep::KeepCount;
use rust_hdl::prelude::*;

/// FCS recompute-and-replace stage; see the module documentation.
#[derive(LogicBlock)]
pub struct FcsInsert {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub s_axis: AxisSlave64,
    pub s_tuser: Signal<In, Bits<7>>,
    pub s_tag: Signal<In, Bits<64>>,
    pub m_axis: AxisMaster64,
    pub m_tuser: Signal<Out, Bits<7>>,
    pub m_tag: Signal<Out, Bits<64>>,
    lanes: Crc32Lanes,
    slot: FcsSlot,
    patch: FcsPatch,
    keep: KeepCount,
    // window: data, tag, and meta = [3:0] byte count, [4] last, [11:5] user (flags, drop mark)
    e0: DFF<Bits<64>>,
    e1: DFF<Bits<64>>,
    t0: DFF<Bits<64>>,
    t1: DFF<Bits<64>>,
    m0: DFF<Bits<12>>,
    m1: DFF<Bits<12>>,
    wc: DFF<Bits<2>>,
    first: DFF<Bit>,
    crc: DFF<Bits<32>>,
    hold: DFF<Bits<32>>,
    /// Output skid buffer; sideband = {tag (64), tuser (7)}.
    out: AxisOutReg64<71>,
    in_meta: Signal<Local, Bits<12>>,
    c0: Signal<Local, Bits<4>>,
    l0: Signal<Local, Bit>,
    head_ok: Signal<Local, Bit>,
    pop: Signal<Local, Bit>,
    push: Signal<Local, Bit>,
    widx: Signal<Local, Bits<2>>,
    init: Constant<Bits<32>>,
    ones8: Constant<Bits<8>>,
}

impl Default for FcsInsert {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            rst: Default::default(),
            s_axis: Default::default(),
            s_tuser: Default::default(),
            s_tag: Default::default(),
            m_axis: Default::default(),
            m_tuser: Default::default(),
            m_tag: Default::default(),
            lanes: Default::default(),
            slot: Default::default(),
            patch: Default::default(),
            keep: Default::default(),
            e0: Default::default(),
            e1: Default::default(),
            t0: Default::default(),
            t1: Default::default(),
            m0: Default::default(),
            m1: Default::default(),
            wc: Default::default(),
            first: Default::default(),
            crc: Default::default(),
            hold: Default::default(),
            out: Default::default(),
            in_meta: Default::default(),
            c0: Default::default(),
            l0: Default::default(),
            head_ok: Default::default(),
            pop: Default::default(),
            push: Default::default(),
            widx: Default::default(),
            init: Constant::new(u64::from(crate::common::crc32::INIT).into()),
            ones8: Constant::new(0xFF_u64.into()),
        }
    }
}

impl Logic for FcsInsert {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, e0, e1, t0, t1, m0, m1, wc, first, crc, hold);
        self.out.clock.next = self.clock.val();
        self.out.rst.next = self.rst.val();
        self.keep.tkeep.next = self.s_axis.tkeep.val();
        self.in_meta.next = bit_cast::<12, 4>(self.keep.count.val())
            | (bit_cast::<12, 1>(self.s_axis.tlast.val().into()) << 4_u64)
            | (bit_cast::<12, 7>(self.s_tuser.val()) << 5_u64);
        self.c0.next = self.m0.q.val().get_bits::<4>(0);
        self.l0.next = self.m0.q.val().get_bit(4);
        self.head_ok.next =
            (self.wc.q.val() != 0_u64) & (self.l0.val() | (self.wc.q.val() == 2_u64));
        // children are driven straight from registers (no locals), so
        // Verilator can order this block without a combinational loop
        self.slot.c0.next = self.m0.q.val().get_bits::<4>(0);
        self.slot.c1.next = self.m1.q.val().get_bits::<4>(0);
        self.slot.l0.next = self.m0.q.val().get_bit(4);
        self.slot.l1.next = self.m1.q.val().get_bit(4) & (self.wc.q.val() == 2_u64);
        if self.first.q.val() {
            self.lanes.crc_in.next = self.init.val();
        } else {
            self.lanes.crc_in.next = self.crc.q.val();
        }
        self.lanes.data.next = self.e0.q.val();
        self.lanes.nbytes.next = self.slot.ndata.val();
        self.patch.crc.next = self.lanes.crc_out.val();
        self.patch.hold.next = self.hold.q.val();
        self.patch.data.next = self.e0.q.val();
        self.patch.ndata.next = self.slot.ndata.val();
        self.patch.c0.next = self.m0.q.val().get_bits::<4>(0);
        self.patch.tail_only.next = self.slot.tail_only.val();
        // the flags ride on the last beat: the head's, or the next beat's
        // when the head is not last (assigned once: crate::comb_once)
        if !self.m0.q.val().get_bit(4) {
            self.patch.fcs_err.next = self.m1.q.val().get_bit(6);
            self.patch.keep.next = self.m1.q.val().get_bit(9);
        } else {
            self.patch.fcs_err.next = self.m0.q.val().get_bit(6);
            self.patch.keep.next = self.m0.q.val().get_bit(9);
        }
        // handshakes and window
        self.pop.next = self.head_ok.val() & self.out.free.val();
        self.s_axis.tready.next = (self.wc.q.val() != 2_u64) | self.pop.val();
        self.push.next = self.s_axis.tvalid.val() & self.s_axis.tready.val();
        self.out.load.next = self.pop.val();
        self.out.tdata.next = self.patch.out_data.val();
        self.out.tkeep.next = !(self.ones8.val() << self.c0.val());
        self.out.tlast.next = self.l0.val();
        self.out.tuser.next = (bit_cast::<71, 64>(self.t0.q.val()) << 7_u64)
            | bit_cast::<71, 7>(self.m0.q.val().get_bits::<7>(5));
        self.widx.next = self.wc.q.val();
        if self.pop.val() {
            self.widx.next = self.wc.q.val() - 1_u64;
            self.e0.d.next = self.e1.q.val();
            self.t0.d.next = self.t1.q.val();
            self.m0.d.next = self.m1.q.val();
            self.crc.d.next = self.lanes.crc_out.val();
            self.first.d.next = self.l0.val();
            if self.slot.straddle.val() {
                self.hold.d.next = self.patch.fcs.val();
            }
        }
        if self.push.val() {
            if self.widx.val() == 0_u64 {
                self.e0.d.next = self.s_axis.tdata.val();
                self.t0.d.next = self.s_tag.val();
                self.m0.d.next = self.in_meta.val();
            }
            if self.widx.val() == 1_u64 {
                self.e1.d.next = self.s_axis.tdata.val();
                self.t1.d.next = self.s_tag.val();
                self.m1.d.next = self.in_meta.val();
            }
        }
        self.wc.d.next = self.widx.val();
        if self.push.val() {
            self.wc.d.next = self.widx.val() + 1_u64;
        }
        if self.rst.val() {
            self.wc.d.next = 0_u64.into();
            self.first.d.next = true;
        }
        AxisMaster64::link(&mut self.m_axis, &mut self.out.m_axis);
        self.m_tuser.next = self.out.m_tuser.val().get_bits::<7>(0);
        self.m_tag.next = self.out.m_tuser.val().get_bits::<64>(7);
    }
}

/// Where the FCS slot lies in the head beat (combinational).
///
/// * `c0`, `c1` (4 bits): byte counts of the head and next beat;
///   `l0`, `l1`: their `tlast` (`l1` only when the next beat is present).
/// * `ndata` (4 bits): data bytes of the head beat before the slot (0..=8).
/// * `straddle`: the slot starts in the head and ends in the next beat.
/// * `tail_only`: the head is last and holds only slot bytes (fewer than 4).
#[derive(LogicBlock, Default)]
pub struct FcsSlot {
    pub c0: Signal<In, Bits<4>>,
    pub c1: Signal<In, Bits<4>>,
    pub l0: Signal<In, Bit>,
    pub l1: Signal<In, Bit>,
    pub ndata: Signal<Out, Bits<4>>,
    pub straddle: Signal<Out, Bit>,
    pub tail_only: Signal<Out, Bit>,
}

impl Logic for FcsSlot {
    #[hdl_gen]
    fn update(&mut self) {
        self.straddle.next = !self.l0.val() & self.l1.val() & (self.c1.val() < 4_u64);
        self.tail_only.next = self.l0.val() & (self.c0.val() < 4_u64);
        if self.l0.val() & (self.c0.val() < 4_u64) {
            self.ndata.next = 0_u64.into();
        } else if !self.l0.val() & self.l1.val() & (self.c1.val() < 4_u64) {
            self.ndata.next = self.c1.val() + 4_u64;
        } else if self.l0.val() {
            self.ndata.next = self.c0.val() - 4_u64;
        } else {
            self.ndata.next = 8_u64.into();
        }
    }
}

/// Writes the FCS into the slot lanes of the head beat (combinational).
///
/// * `crc` (32 bits): raw register after the head's `ndata` data bytes.
/// * `fcs` (32 bits): `!crc`, or `crc` itself when `fcs_err` (a deliberately
///   wrong FCS); sent least significant byte first.
/// * `hold` (32 bits): the FCS of a straddling slot, for its last beat.
/// * `out_data` (64 bits): `data` with lanes `ndata..` replaced by FCS bytes,
///   or unchanged when `keep` (a frame flagged `TAG_SHORT`).
#[derive(LogicBlock)]
pub struct FcsPatch {
    pub crc: Signal<In, Bits<32>>,
    pub hold: Signal<In, Bits<32>>,
    pub data: Signal<In, Bits<64>>,
    pub ndata: Signal<In, Bits<4>>,
    pub c0: Signal<In, Bits<4>>,
    pub tail_only: Signal<In, Bit>,
    pub fcs_err: Signal<In, Bit>,
    pub keep: Signal<In, Bit>,
    pub fcs: Signal<Out, Bits<32>>,
    pub out_data: Signal<Out, Bits<64>>,
    shifted: Signal<Local, Bits<64>>,
    dmask: Signal<Local, Bits<64>>,
    ones: Constant<Bits<64>>,
}

impl Default for FcsPatch {
    fn default() -> Self {
        Self {
            crc: Default::default(),
            hold: Default::default(),
            data: Default::default(),
            ndata: Default::default(),
            c0: Default::default(),
            tail_only: Default::default(),
            fcs_err: Default::default(),
            keep: Default::default(),
            fcs: Default::default(),
            out_data: Default::default(),
            shifted: Default::default(),
            dmask: Default::default(),
            ones: Constant::new(u64::MAX.into()),
        }
    }
}

impl Logic for FcsPatch {
    #[hdl_gen]
    fn update(&mut self) {
        if self.fcs_err.val() {
            self.fcs.next = self.crc.val();
        } else {
            self.fcs.next = !self.crc.val();
        }
        self.shifted.next =
            bit_cast::<64, 32>(self.fcs.val()) << (bit_cast::<7, 4>(self.ndata.val()) << 3_u64);
        if self.tail_only.val() {
            self.shifted.next = bit_cast::<64, 32>(self.hold.val())
                >> (bit_cast::<7, 4>(4_u64 - self.c0.val()) << 3_u64);
        }
        self.dmask.next = !(self.ones.val() << (bit_cast::<7, 4>(self.ndata.val()) << 3_u64));
        if self.keep.val() {
            self.out_data.next = self.data.val();
        } else {
            self.out_data.next =
                (self.data.val() & self.dmask.val()) | (self.shifted.val() & !self.dmask.val());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rx::tag::tuser;
    use crate::testbench::{fcs_ok, run_stream};

    #[test]
    fn writes_valid_fcs_for_every_tail_length_and_bad_one_when_flagged() {
        let mut uut = FcsInsert::default();
        uut.connect_all();
        // frames of 60..=68 bytes: every position of the slot in the last beat
        let frames: Vec<(Vec<u8>, u64)> = (60..=68)
            .map(|n| {
                let mut f: Vec<u8> = (0..n).map(|i| (i * 7 + n) as u8).collect();
                f[n - 4..].fill(0);
                let flags = if n % 2 == 0 {
                    0
                } else {
                    u64::from(tuser::BAD | tuser::FCS_ERR)
                };
                (f, flags)
            })
            .collect();
        let (out, cycles) = run_stream!(
            &mut uut,
            &frames,
            0,
            |u, v| {
                u.s_tuser.next = v.into();
            },
            |o| o.m_tuser.val().to_u64()
        );
        for ((inp, flags), (got, user)) in frames.iter().zip(&out) {
            assert_eq!(got.len(), inp.len());
            assert_eq!(got[..inp.len() - 4], inp[..inp.len() - 4]);
            assert_eq!(fcs_ok(got), *flags == 0, "{} bytes", inp.len());
            assert_eq!(user, flags);
        }
        let beats: u64 = frames.iter().map(|(f, _)| f.len().div_ceil(8) as u64).sum();
        assert!(
            cycles <= beats + 4,
            "bubbles: {cycles} cycles for {beats} beats"
        );
    }
}
