//! `RssParse`: [`crate::rx::rss_steer`]'s header capture and parser. It keeps
//! bytes 8..87 of each frame as they stream past and, once the header is in
//! (88 bytes of payload known not to be FCS, or the frame's end), turns them
//! into the tuple the Toeplitz hash reads, in three registered stages of at
//! most a few LUT levels each.
//!
//! * Capture: beat k of a frame (k = 1..=10) into `w<k>` (bytes 8k..8k+7,
//!   byte 8k+b in bits 8b+7..8b). The frame's length so far is 8 bytes a
//!   beat plus the last beat's count, the beat index saturating at 12.
//!   Beats 0 (MAC addresses) and 11 on are not kept.
//! * Stage 1 (the clock after the header is in): up to two VLAN tags (TPID
//!   0x8100 or 0x88A8) give `v` = 0..2 and the L3 header offset
//!   `14 + 4v`; the EtherType (0x0800 IPv4, 0x86DD IPv6) counts only when
//!   the frame has its 14 + 4v header bytes before the FCS. The frame length
//!   `len` (FCS included) becomes `q = (len - 18) / 4`, so every "enough
//!   bytes" test below is a 6-bit compare.
//! * Stage 2: the L3 fields: version, IHL, the IPv4 fragment bits and
//!   protocol, the IPv6 Next Header. `k` = the 32-bit word (from byte 14) of
//!   the ports: `v + IHL` for IPv4, `v + 10` for IPv6; ports exist for TCP
//!   (6) and UDP (17), not for IPv4 fragments; IPv6 extension headers are
//!   not walked (2-tuple).
//! * Stage 3: the header is long enough when `len >= 4k + 18` (the L3
//!   header before the FCS: `k <= q`), and `len >= 4k + 22` with ports
//!   (`k < q`); a version, IHL < 5 or length fault marks `t_err` (the frame
//!   is steered to the default queue). The tuple ([`RssTuple`] selects it):
//!   source and destination address then the ports (zero for a 2-tuple), byte n in bits 8n+7..8n:
//!   bytes 0..11 for IPv4 (bytes 12..35 are then meaningless), 0..35 for
//!   IPv6 (`t_six`).
//!
//! The capture registers are read while the next frame's beats overwrite
//! them: `w<k>` holds the old frame until that frame's beat k arrives, at
//! the earliest k clocks after stage 1, so stage s reads only `w<s-1>` on
//! (stage 2 from `w1`, stage 3 from `w2`).
//!
//! Out: `t_valid` one clock per frame, [`LATENCY`] clocks after the beat
//! that completed the header, with `t_tuple`, `t_six`, `t_ip` (hash it),
//! and `t_err`.

use crate::common::keep::KeepCount;
use crate::rx::rss_tuple::RssTuple;
use rust_hdl::prelude::*;

/// Clocks from the beat that completes the header to `t_valid`.
pub const LATENCY: u64 = 4;

/// Header capture and parser of RSS; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct RssParse {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// A beat is accepted (`tvalid & tready` upstream).
    pub fire: Signal<In, Bit>,
    pub tdata: Signal<In, Bits<64>>,
    pub tkeep: Signal<In, Bits<8>>,
    pub tlast: Signal<In, Bit>,
    pub t_valid: Signal<Out, Bit>,
    pub t_tuple: Signal<Out, Bits<288>>,
    pub t_six: Signal<Out, Bit>,
    pub t_ip: Signal<Out, Bit>,
    pub t_err: Signal<Out, Bit>,
    keep: KeepCount,
    sel: RssTuple,
    ib: DFF<Bits<4>>,
    w1: DFF<Bits<64>>,
    w2: DFF<Bits<64>>,
    w3: DFF<Bits<64>>,
    w4: DFF<Bits<64>>,
    w5: DFF<Bits<64>>,
    w6: DFF<Bits<64>>,
    w7: DFF<Bits<64>>,
    w8: DFF<Bits<64>>,
    w9: DFF<Bits<64>>,
    w10: DFF<Bits<64>>,
    go: DFF<Bit>,
    go_len: DFF<Bits<8>>,
    p1_v: DFF<Bit>,
    p1_v0: DFF<Bit>,
    p1_v1: DFF<Bit>,
    p1_is4: DFF<Bit>,
    p1_is6: DFF<Bit>,
    p1_q: DFF<Bits<6>>,
    /// Ports or not for v = 0, 1, 2 (IPv4, IPv6).
    p1_l4: DFF<Bits<3>>,
    p1_l6: DFF<Bits<3>>,
    p2_v: DFF<Bit>,
    p2_ip: DFF<Bit>,
    p2_bad: DFF<Bit>,
    p2_l4: DFF<Bit>,
    p2_six: DFF<Bit>,
    p2_k: DFF<Bits<5>>,
    p2_kh: DFF<Bits<13>>,
    /// One-hot u, one copy per 64 bits of the address select (fan-out).
    p2_u0: DFF<Bits<4>>,
    p2_u1: DFF<Bits<4>>,
    p2_u2: DFF<Bits<4>>,
    p2_u3: DFF<Bits<4>>,
    p2_q: DFF<Bits<6>>,
    tv: DFF<Bit>,
    tsix: DFF<Bit>,
    tip: DFF<Bit>,
    terr: DFF<Bit>,
    total: Signal<Local, Bits<8>>,
    et0: Signal<Local, Bits<16>>,
    et1: Signal<Local, Bits<16>>,
    et2: Signal<Local, Bits<16>>,
    tp0: Signal<Local, Bit>,
    tp1: Signal<Local, Bit>,
    et: Signal<Local, Bits<16>>,
    ok_et: Signal<Local, Bit>,
    l3b0: Signal<Local, Bits<8>>,
    good4: Signal<Local, Bit>,
    l4a0: Signal<Local, Bit>,
    l6a0: Signal<Local, Bit>,
    l4a1: Signal<Local, Bit>,
    l6a1: Signal<Local, Bit>,
    l4a2: Signal<Local, Bit>,
    l6a2: Signal<Local, Bit>,

    good6: Signal<Local, Bit>,
    l4: Signal<Local, Bit>,
    k: Signal<Local, Bits<5>>,
    uh: Signal<Local, Bits<4>>,
    base: Signal<Local, Bits<5>>,
    vadd: Signal<Local, Bits<5>>,
    v2l: Signal<Local, Bit>,
    kc0: Signal<Local, Bit>,
    kc1: Signal<Local, Bit>,
    kc2: Signal<Local, Bit>,
    kc3: Signal<Local, Bit>,
    kc4: Signal<Local, Bit>,
    kc5: Signal<Local, Bit>,
    kc6: Signal<Local, Bit>,
    kc7: Signal<Local, Bit>,
    kc8: Signal<Local, Bit>,
    kc9: Signal<Local, Bit>,
    kc10: Signal<Local, Bit>,
    kc11: Signal<Local, Bit>,
    kc12: Signal<Local, Bit>,
    hdr_ok: Signal<Local, Bit>,
    l4_ok: Signal<Local, Bit>,
}

impl Logic for RssParse {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, ib, w1, w2, w3, w4, w5, w6, w7, w8, w9, w10, go, go_len, p1_v, p1_v0,
            p1_v1, p1_is4, p1_is6, p1_q, p1_l4, p1_l6, p2_v, p2_ip, p2_bad, p2_l4, p2_six, p2_k,
            p2_kh, p2_u0, p2_u1, p2_u2, p2_u3, p2_q, tv, tsix, tip, terr
        );
        self.keep.tkeep.next = self.tkeep.val();
        self.t_valid.next = self.tv.q.val();
        self.t_tuple.next = self.sel.tuple.val();
        self.t_six.next = self.tsix.q.val();
        self.t_ip.next = self.tip.q.val();
        self.t_err.next = self.terr.q.val();
        // ---- capture
        // bytes so far: 8 per earlier beat (ib saturates at 12: 96 bytes and
        // more read the same, every threshold below is at most 90)
        self.total.next =
            (bit_cast::<8, 4>(self.ib.q.val()) << 3_u64) + bit_cast::<8, 4>(self.keep.count.val());
        // the header is in at the 12th beat (88 bytes before any FCS) or the end
        self.go.d.next = self.fire.val()
            & (self.ib.q.val() < 12_u64)
            & (self.tlast.val() | (self.ib.q.val() == 11_u64));
        self.go_len.d.next = self.total.val();
        if self.fire.val() {
            if self.ib.q.val() == 1_u64 {
                self.w1.d.next = self.tdata.val();
            }
            if self.ib.q.val() == 2_u64 {
                self.w2.d.next = self.tdata.val();
            }
            if self.ib.q.val() == 3_u64 {
                self.w3.d.next = self.tdata.val();
            }
            if self.ib.q.val() == 4_u64 {
                self.w4.d.next = self.tdata.val();
            }
            if self.ib.q.val() == 5_u64 {
                self.w5.d.next = self.tdata.val();
            }
            if self.ib.q.val() == 6_u64 {
                self.w6.d.next = self.tdata.val();
            }
            if self.ib.q.val() == 7_u64 {
                self.w7.d.next = self.tdata.val();
            }
            if self.ib.q.val() == 8_u64 {
                self.w8.d.next = self.tdata.val();
            }
            if self.ib.q.val() == 9_u64 {
                self.w9.d.next = self.tdata.val();
            }
            if self.ib.q.val() == 10_u64 {
                self.w10.d.next = self.tdata.val();
            }
            self.ib.d.next = self.ib.q.val() + 1_u64;
            if self.ib.q.val() == 12_u64 {
                self.ib.d.next = 12_u64.into();
            }
            if self.tlast.val() {
                self.ib.d.next = 0_u64.into();
            }
        }
        // ---- stage 1: VLAN tags and EtherType (big-endian on the wire)
        self.et0.next = (bit_cast::<16, 8>(self.w1.q.val().get_bits::<8>(32)) << 8_u64)
            | bit_cast::<16, 8>(self.w1.q.val().get_bits::<8>(40));
        self.et1.next = (bit_cast::<16, 8>(self.w2.q.val().get_bits::<8>(0)) << 8_u64)
            | bit_cast::<16, 8>(self.w2.q.val().get_bits::<8>(8));
        self.et2.next = (bit_cast::<16, 8>(self.w2.q.val().get_bits::<8>(32)) << 8_u64)
            | bit_cast::<16, 8>(self.w2.q.val().get_bits::<8>(40));
        self.tp0.next = (self.et0.val() == 0x8100_u64) | (self.et0.val() == 0x88A8_u64);
        self.tp1.next = (self.et1.val() == 0x8100_u64) | (self.et1.val() == 0x88A8_u64);
        self.et.next = self.et0.val();
        self.ok_et.next = self.go_len.q.val() >= 18_u64;
        if self.tp0.val() {
            self.et.next = self.et1.val();
            self.ok_et.next = self.go_len.q.val() >= 22_u64;
        }
        if self.tp0.val() & self.tp1.val() {
            self.et.next = self.et2.val();
            self.ok_et.next = self.go_len.q.val() >= 26_u64;
        }
        self.p1_v.d.next = self.go.q.val();
        self.p1_v0.d.next = !self.tp0.val();
        self.p1_v1.d.next = self.tp0.val() & !self.tp1.val();
        self.p1_is4.d.next = self.ok_et.val() & (self.et.val() == 0x0800_u64);
        self.p1_is6.d.next = self.ok_et.val() & (self.et.val() == 0x86DD_u64);
        self.p1_q.d.next = bit_cast::<6, 8>((self.go_len.q.val() - 18_u64) >> 2_u64);
        // ports or not, for each VLAN count (IPv4: TCP or UDP and not a
        // fragment: MF and offset zero; IPv6: Next Header TCP or UDP); stage 2
        // picks one
        self.l4a0.next = ((self.w2.q.val().get_bits::<8>(56) == 6_u64)
            | (self.w2.q.val().get_bits::<8>(56) == 17_u64))
            & (self.w2.q.val().get_bits::<6>(32) == 0_u64)
            & (self.w2.q.val().get_bits::<8>(40) == 0_u64);
        self.l6a0.next = (self.w2.q.val().get_bits::<8>(32) == 6_u64)
            | (self.w2.q.val().get_bits::<8>(32) == 17_u64);
        self.l4a1.next = ((self.w3.q.val().get_bits::<8>(24) == 6_u64)
            | (self.w3.q.val().get_bits::<8>(24) == 17_u64))
            & (self.w3.q.val().get_bits::<6>(0) == 0_u64)
            & (self.w3.q.val().get_bits::<8>(8) == 0_u64);
        self.l6a1.next = (self.w3.q.val().get_bits::<8>(0) == 6_u64)
            | (self.w3.q.val().get_bits::<8>(0) == 17_u64);
        self.l4a2.next = ((self.w3.q.val().get_bits::<8>(56) == 6_u64)
            | (self.w3.q.val().get_bits::<8>(56) == 17_u64))
            & (self.w3.q.val().get_bits::<6>(32) == 0_u64)
            & (self.w3.q.val().get_bits::<8>(40) == 0_u64);
        self.l6a2.next = (self.w3.q.val().get_bits::<8>(32) == 6_u64)
            | (self.w3.q.val().get_bits::<8>(32) == 17_u64);
        self.p1_l4.d.next = bit_cast::<3, 1>(self.l4a0.val().into())
            | (bit_cast::<3, 1>(self.l4a1.val().into()) << 1_u64)
            | (bit_cast::<3, 1>(self.l4a2.val().into()) << 2_u64);
        self.p1_l6.d.next = bit_cast::<3, 1>(self.l6a0.val().into())
            | (bit_cast::<3, 1>(self.l6a1.val().into()) << 1_u64)
            | (bit_cast::<3, 1>(self.l6a2.val().into()) << 2_u64);
        // ---- stage 2: L3 fields at byte 14 + 4v (from w1 on)
        self.v2l.next = !self.p1_v0.q.val() & !self.p1_v1.q.val();
        // l3b0 = byte 14+4v
        self.l3b0.next = self.w2.q.val().get_bits::<8>(48);
        if self.p1_v0.q.val() {
            self.l3b0.next = self.w1.q.val().get_bits::<8>(48);
        }
        if self.p1_v1.q.val() {
            self.l3b0.next = self.w2.q.val().get_bits::<8>(16);
        }
        // v + IHL (IPv4) or v + 10 (IPv6): the ports' word from byte 14
        self.base.next = bit_cast::<5, 4>(self.l3b0.val().get_bits::<4>(0));
        if self.p1_is6.q.val() {
            self.base.next = 10_u64.into();
        }
        self.vadd.next = 2_u64.into();
        if self.p1_v0.q.val() {
            self.vadd.next = 0_u64.into();
        }
        if self.p1_v1.q.val() {
            self.vadd.next = 1_u64.into();
        }
        self.k.next = self.base.val() + self.vadd.val();
        self.good4.next = self.p1_is4.q.val()
            & (self.l3b0.val().get_bits::<4>(4) == 4_u64)
            & (self.l3b0.val().get_bits::<4>(0) >= 5_u64);
        self.good6.next = self.p1_is6.q.val() & (self.l3b0.val().get_bits::<4>(4) == 6_u64);
        self.l4.next = false;
        if self.p1_is4.q.val() {
            self.l4.next = (self.p1_v0.q.val() & self.p1_l4.q.val().get_bit(0))
                | (self.p1_v1.q.val() & self.p1_l4.q.val().get_bit(1))
                | (self.v2l.val() & self.p1_l4.q.val().get_bit(2));
        }
        if self.p1_is6.q.val() {
            self.l4.next = (self.p1_v0.q.val() & self.p1_l6.q.val().get_bit(0))
                | (self.p1_v1.q.val() & self.p1_l6.q.val().get_bit(1))
                | (self.v2l.val() & self.p1_l6.q.val().get_bit(2));
        }
        self.p2_v.d.next = self.p1_v.q.val();
        self.p2_ip.d.next = self.good4.val() | self.good6.val();
        self.p2_bad.d.next =
            (self.p1_is4.q.val() | self.p1_is6.q.val()) & !self.good4.val() & !self.good6.val();
        self.p2_l4.d.next = self.l4.val();
        self.p2_six.d.next = self.p1_is6.q.val();
        self.p2_k.d.next = self.k.val();
        // one-hot k - 5 by compares, no adder: IPv4 IHL == k - v, IPv6 k = v + 10
        self.kc0.next = !self.p1_is6.q.val()
            & ((self.p1_v0.q.val() & (self.w1.q.val().get_bits::<4>(48) == 5_u64))
                | (self.p1_v1.q.val() & (self.w2.q.val().get_bits::<4>(16) == 4_u64))
                | (self.v2l.val() & (self.w2.q.val().get_bits::<4>(48) == 3_u64)));
        self.kc1.next = !self.p1_is6.q.val()
            & ((self.p1_v0.q.val() & (self.w1.q.val().get_bits::<4>(48) == 6_u64))
                | (self.p1_v1.q.val() & (self.w2.q.val().get_bits::<4>(16) == 5_u64))
                | (self.v2l.val() & (self.w2.q.val().get_bits::<4>(48) == 4_u64)));
        self.kc2.next = !self.p1_is6.q.val()
            & ((self.p1_v0.q.val() & (self.w1.q.val().get_bits::<4>(48) == 7_u64))
                | (self.p1_v1.q.val() & (self.w2.q.val().get_bits::<4>(16) == 6_u64))
                | (self.v2l.val() & (self.w2.q.val().get_bits::<4>(48) == 5_u64)));
        self.kc3.next = !self.p1_is6.q.val()
            & ((self.p1_v0.q.val() & (self.w1.q.val().get_bits::<4>(48) == 8_u64))
                | (self.p1_v1.q.val() & (self.w2.q.val().get_bits::<4>(16) == 7_u64))
                | (self.v2l.val() & (self.w2.q.val().get_bits::<4>(48) == 6_u64)));
        self.kc4.next = !self.p1_is6.q.val()
            & ((self.p1_v0.q.val() & (self.w1.q.val().get_bits::<4>(48) == 9_u64))
                | (self.p1_v1.q.val() & (self.w2.q.val().get_bits::<4>(16) == 8_u64))
                | (self.v2l.val() & (self.w2.q.val().get_bits::<4>(48) == 7_u64)));
        self.kc5.next = !self.p1_is6.q.val()
            & ((self.p1_v0.q.val() & (self.w1.q.val().get_bits::<4>(48) == 10_u64))
                | (self.p1_v1.q.val() & (self.w2.q.val().get_bits::<4>(16) == 9_u64))
                | (self.v2l.val() & (self.w2.q.val().get_bits::<4>(48) == 8_u64)));
        if self.p1_is6.q.val() {
            self.kc5.next = self.p1_v0.q.val();
        }
        self.kc6.next = !self.p1_is6.q.val()
            & ((self.p1_v0.q.val() & (self.w1.q.val().get_bits::<4>(48) == 11_u64))
                | (self.p1_v1.q.val() & (self.w2.q.val().get_bits::<4>(16) == 10_u64))
                | (self.v2l.val() & (self.w2.q.val().get_bits::<4>(48) == 9_u64)));
        if self.p1_is6.q.val() {
            self.kc6.next = self.p1_v1.q.val();
        }
        self.kc7.next = !self.p1_is6.q.val()
            & ((self.p1_v0.q.val() & (self.w1.q.val().get_bits::<4>(48) == 12_u64))
                | (self.p1_v1.q.val() & (self.w2.q.val().get_bits::<4>(16) == 11_u64))
                | (self.v2l.val() & (self.w2.q.val().get_bits::<4>(48) == 10_u64)));
        if self.p1_is6.q.val() {
            self.kc7.next = self.v2l.val();
        }
        self.kc8.next = !self.p1_is6.q.val()
            & ((self.p1_v0.q.val() & (self.w1.q.val().get_bits::<4>(48) == 13_u64))
                | (self.p1_v1.q.val() & (self.w2.q.val().get_bits::<4>(16) == 12_u64))
                | (self.v2l.val() & (self.w2.q.val().get_bits::<4>(48) == 11_u64)));
        self.kc9.next = !self.p1_is6.q.val()
            & ((self.p1_v0.q.val() & (self.w1.q.val().get_bits::<4>(48) == 14_u64))
                | (self.p1_v1.q.val() & (self.w2.q.val().get_bits::<4>(16) == 13_u64))
                | (self.v2l.val() & (self.w2.q.val().get_bits::<4>(48) == 12_u64)));
        self.kc10.next = !self.p1_is6.q.val()
            & ((self.p1_v0.q.val() & (self.w1.q.val().get_bits::<4>(48) == 15_u64))
                | (self.p1_v1.q.val() & (self.w2.q.val().get_bits::<4>(16) == 14_u64))
                | (self.v2l.val() & (self.w2.q.val().get_bits::<4>(48) == 13_u64)));
        self.kc11.next = !self.p1_is6.q.val()
            & ((self.p1_v1.q.val() & (self.w2.q.val().get_bits::<4>(16) == 15_u64))
                | (self.v2l.val() & (self.w2.q.val().get_bits::<4>(48) == 14_u64)));
        self.kc12.next =
            !self.p1_is6.q.val() & (self.v2l.val() & (self.w2.q.val().get_bits::<4>(48) == 15_u64));
        self.p2_kh.d.next = 0_u64.into();
        if self.l4.val() {
            self.p2_kh.d.next = bit_cast::<13, 1>(self.kc0.val().into())
                | (bit_cast::<13, 1>(self.kc1.val().into()) << 1_u64)
                | (bit_cast::<13, 1>(self.kc2.val().into()) << 2_u64)
                | (bit_cast::<13, 1>(self.kc3.val().into()) << 3_u64)
                | (bit_cast::<13, 1>(self.kc4.val().into()) << 4_u64)
                | (bit_cast::<13, 1>(self.kc5.val().into()) << 5_u64)
                | (bit_cast::<13, 1>(self.kc6.val().into()) << 6_u64)
                | (bit_cast::<13, 1>(self.kc7.val().into()) << 7_u64)
                | (bit_cast::<13, 1>(self.kc8.val().into()) << 8_u64)
                | (bit_cast::<13, 1>(self.kc9.val().into()) << 9_u64)
                | (bit_cast::<13, 1>(self.kc10.val().into()) << 10_u64)
                | (bit_cast::<13, 1>(self.kc11.val().into()) << 11_u64)
                | (bit_cast::<13, 1>(self.kc12.val().into()) << 12_u64);
        }
        // the addresses' first byte: 22 + 4u, u = v (IPv6) or v + 1 (IPv4)
        self.uh.next = 1_u64.into();
        if self.p1_v0.q.val() & !self.p1_is6.q.val() {
            self.uh.next = 2_u64.into();
        }
        if self.p1_v1.q.val() {
            self.uh.next = 2_u64.into();
            if !self.p1_is6.q.val() {
                self.uh.next = 4_u64.into();
            }
        }
        if !self.p1_v0.q.val() & !self.p1_v1.q.val() {
            self.uh.next = 4_u64.into();
            if !self.p1_is6.q.val() {
                self.uh.next = 8_u64.into();
            }
        }
        self.p2_u0.d.next = self.uh.val();
        self.p2_u1.d.next = self.uh.val();
        self.p2_u2.d.next = self.uh.val();
        self.p2_u3.d.next = self.uh.val();
        self.p2_q.d.next = self.p1_q.q.val();
        // ---- stage 3: length checks and the tuple (from w2 on)
        self.hdr_ok.next = bit_cast::<6, 5>(self.p2_k.q.val()) <= self.p2_q.q.val();
        self.l4_ok.next = bit_cast::<6, 5>(self.p2_k.q.val()) < self.p2_q.q.val();
        self.tv.d.next = self.p2_v.q.val();
        self.tsix.d.next = self.p2_six.q.val() & self.p2_ip.q.val();
        self.tip.d.next =
            self.p2_ip.q.val() & self.hdr_ok.val() & (self.l4_ok.val() | !self.p2_l4.q.val());
        self.terr.d.next = self.p2_bad.q.val()
            | (self.p2_ip.q.val()
                & !(self.hdr_ok.val() & (self.l4_ok.val() | !self.p2_l4.q.val())));
        // ---- stage 3's selects: addresses and ports (rss_tuple.rs)
        self.sel.clock.next = self.clock.val();
        self.sel.w2.next = self.w2.q.val();
        self.sel.w3.next = self.w3.q.val();
        self.sel.w4.next = self.w4.q.val();
        self.sel.w5.next = self.w5.q.val();
        self.sel.w6.next = self.w6.q.val();
        self.sel.w7.next = self.w7.q.val();
        self.sel.w8.next = self.w8.q.val();
        self.sel.w9.next = self.w9.q.val();
        self.sel.w10.next = self.w10.q.val();
        self.sel.u0.next = self.p2_u0.q.val();
        self.sel.u1.next = self.p2_u1.q.val();
        self.sel.u2.next = self.p2_u2.q.val();
        self.sel.u3.next = self.p2_u3.q.val();
        self.sel.kh.next = self.p2_kh.q.val();
        self.sel.six.next = self.p2_six.q.val();
        self.sel.load.next = self.p2_v.q.val();
        if self.rst.val() {
            self.ib.d.next = 0_u64.into();
            self.go.d.next = false;
            self.p1_v.d.next = false;
            self.p2_v.d.next = false;
            self.tv.d.next = false;
        }
    }
}
