//! `RssTuple`: stage 3 of [`crate::rx::rss_parse`]'s selects: the source
//! and destination addresses and the ports, out of the captured header
//! bytes 16..87 (`w2`..`w10`, byte 8k+b in bits 8b+7..8b of `w<k>`), into
//! registers, and the tuple the Toeplitz engine reads assembled after them.
//!
//! * `u0`..`u3` (one-hot, 4 bits each, the same value: one copy per 64
//!   bits of the select, for fan-out): the addresses start at byte 22 + 4u
//!   (32 bytes taken; IPv4 uses the first 8).
//! * `kh` (13 bits, one-hot or zero): the ports are at byte 4k + 14 for
//!   `kh` bit k - 5 (k = 5..17); zero without ports.
//! * `six`: IPv6 layout (bytes 0..31 addresses, 32..35 ports), else IPv4
//!   (bytes 0..7 addresses, 8..11 ports, the rest meaningless).
//! * `load`: the registers take the selection (a clock enable).
//! * `tuple` (288 bits, byte n in bits 8n+7..8n): from the registers.

use rust_hdl::prelude::*;

/// Address and port selection of RSS; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct RssTuple {
    pub clock: Signal<In, Clock>,
    pub w2: Signal<In, Bits<64>>,
    pub w3: Signal<In, Bits<64>>,
    pub w4: Signal<In, Bits<64>>,
    pub w5: Signal<In, Bits<64>>,
    pub w6: Signal<In, Bits<64>>,
    pub w7: Signal<In, Bits<64>>,
    pub w8: Signal<In, Bits<64>>,
    pub w9: Signal<In, Bits<64>>,
    pub w10: Signal<In, Bits<64>>,
    pub u0: Signal<In, Bits<4>>,
    pub u1: Signal<In, Bits<4>>,
    pub u2: Signal<In, Bits<4>>,
    pub u3: Signal<In, Bits<4>>,
    pub kh: Signal<In, Bits<13>>,
    pub six: Signal<In, Bit>,
    pub load: Signal<In, Bit>,
    pub tuple: Signal<Out, Bits<288>>,
    ta: DFF<Bits<256>>,
    tp: DFF<Bits<32>>,
    /// IPv6 layout of the tuple (bytes 8..11 from the addresses).
    tlay: DFF<Bit>,
    wa: Signal<Local, Bits<352>>,
    wb: Signal<Local, Bits<416>>,
    a0: Signal<Local, Bits<64>>,
    a1: Signal<Local, Bits<64>>,
    a2: Signal<Local, Bits<64>>,
    a3: Signal<Local, Bits<64>>,
    addr: Signal<Local, Bits<256>>,
    ports: Signal<Local, Bits<32>>,
    mid: Signal<Local, Bits<32>>,
    pp0: Signal<Local, Bits<32>>,
    pp1: Signal<Local, Bits<32>>,
    pp2: Signal<Local, Bits<32>>,
    pp3: Signal<Local, Bits<32>>,
    pp4: Signal<Local, Bits<32>>,
    pp5: Signal<Local, Bits<32>>,
    pp6: Signal<Local, Bits<32>>,
    pp7: Signal<Local, Bits<32>>,
    pp8: Signal<Local, Bits<32>>,
    pp9: Signal<Local, Bits<32>>,
    pp10: Signal<Local, Bits<32>>,
    pp11: Signal<Local, Bits<32>>,
    pp12: Signal<Local, Bits<32>>,
}

impl Logic for RssTuple {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, ta, tp, tlay);
        // wa: bytes 22..65; wb: bytes 34..85
        self.wa.next = (bit_cast::<352, 64>(self.w2.val()) >> 48_u64)
            | (bit_cast::<352, 64>(self.w3.val()) << 16_u64)
            | (bit_cast::<352, 64>(self.w4.val()) << 80_u64)
            | (bit_cast::<352, 64>(self.w5.val()) << 144_u64)
            | (bit_cast::<352, 64>(self.w6.val()) << 208_u64)
            | (bit_cast::<352, 64>(self.w7.val()) << 272_u64)
            | (bit_cast::<352, 64>(self.w8.val()) << 336_u64);
        self.wb.next = (bit_cast::<416, 64>(self.w4.val()) >> 16_u64)
            | (bit_cast::<416, 64>(self.w5.val()) << 48_u64)
            | (bit_cast::<416, 64>(self.w6.val()) << 112_u64)
            | (bit_cast::<416, 64>(self.w7.val()) << 176_u64)
            | (bit_cast::<416, 64>(self.w8.val()) << 240_u64)
            | (bit_cast::<416, 64>(self.w9.val()) << 304_u64)
            | (bit_cast::<416, 64>(self.w10.val()) << 368_u64);
        // addresses at byte 22 + 4u (one-hot u): 256 bits from wa bit 32u,
        // 64 bits a copy of u
        self.a0.next = 0_u64.into();
        if self.u0.val().get_bit(0) {
            self.a0.next = self.wa.val().get_bits::<64>(0);
        }
        if self.u0.val().get_bit(1) {
            self.a0.next = self.wa.val().get_bits::<64>(32);
        }
        if self.u0.val().get_bit(2) {
            self.a0.next = self.wa.val().get_bits::<64>(64);
        }
        if self.u0.val().get_bit(3) {
            self.a0.next = self.wa.val().get_bits::<64>(96);
        }
        self.a1.next = 0_u64.into();
        if self.u1.val().get_bit(0) {
            self.a1.next = self.wa.val().get_bits::<64>(64);
        }
        if self.u1.val().get_bit(1) {
            self.a1.next = self.wa.val().get_bits::<64>(96);
        }
        if self.u1.val().get_bit(2) {
            self.a1.next = self.wa.val().get_bits::<64>(128);
        }
        if self.u1.val().get_bit(3) {
            self.a1.next = self.wa.val().get_bits::<64>(160);
        }
        self.a2.next = 0_u64.into();
        if self.u2.val().get_bit(0) {
            self.a2.next = self.wa.val().get_bits::<64>(128);
        }
        if self.u2.val().get_bit(1) {
            self.a2.next = self.wa.val().get_bits::<64>(160);
        }
        if self.u2.val().get_bit(2) {
            self.a2.next = self.wa.val().get_bits::<64>(192);
        }
        if self.u2.val().get_bit(3) {
            self.a2.next = self.wa.val().get_bits::<64>(224);
        }
        self.a3.next = 0_u64.into();
        if self.u3.val().get_bit(0) {
            self.a3.next = self.wa.val().get_bits::<64>(192);
        }
        if self.u3.val().get_bit(1) {
            self.a3.next = self.wa.val().get_bits::<64>(224);
        }
        if self.u3.val().get_bit(2) {
            self.a3.next = self.wa.val().get_bits::<64>(256);
        }
        if self.u3.val().get_bit(3) {
            self.a3.next = self.wa.val().get_bits::<64>(288);
        }
        self.addr.next = bit_cast::<256, 64>(self.a0.val())
            | (bit_cast::<256, 64>(self.a1.val()) << 64_u64)
            | (bit_cast::<256, 64>(self.a2.val()) << 128_u64)
            | (bit_cast::<256, 64>(self.a3.val()) << 192_u64);
        // ports at byte 4k + 14 (one-hot k = 5..17, none without ports): wb bit 32(k - 5)
        self.pp0.next = 0_u64.into();
        if self.kh.val().get_bit(0) {
            self.pp0.next = self.wb.val().get_bits::<32>(0);
        }
        self.pp1.next = 0_u64.into();
        if self.kh.val().get_bit(1) {
            self.pp1.next = self.wb.val().get_bits::<32>(32);
        }
        self.pp2.next = 0_u64.into();
        if self.kh.val().get_bit(2) {
            self.pp2.next = self.wb.val().get_bits::<32>(64);
        }
        self.pp3.next = 0_u64.into();
        if self.kh.val().get_bit(3) {
            self.pp3.next = self.wb.val().get_bits::<32>(96);
        }
        self.pp4.next = 0_u64.into();
        if self.kh.val().get_bit(4) {
            self.pp4.next = self.wb.val().get_bits::<32>(128);
        }
        self.pp5.next = 0_u64.into();
        if self.kh.val().get_bit(5) {
            self.pp5.next = self.wb.val().get_bits::<32>(160);
        }
        self.pp6.next = 0_u64.into();
        if self.kh.val().get_bit(6) {
            self.pp6.next = self.wb.val().get_bits::<32>(192);
        }
        self.pp7.next = 0_u64.into();
        if self.kh.val().get_bit(7) {
            self.pp7.next = self.wb.val().get_bits::<32>(224);
        }
        self.pp8.next = 0_u64.into();
        if self.kh.val().get_bit(8) {
            self.pp8.next = self.wb.val().get_bits::<32>(256);
        }
        self.pp9.next = 0_u64.into();
        if self.kh.val().get_bit(9) {
            self.pp9.next = self.wb.val().get_bits::<32>(288);
        }
        self.pp10.next = 0_u64.into();
        if self.kh.val().get_bit(10) {
            self.pp10.next = self.wb.val().get_bits::<32>(320);
        }
        self.pp11.next = 0_u64.into();
        if self.kh.val().get_bit(11) {
            self.pp11.next = self.wb.val().get_bits::<32>(352);
        }
        self.pp12.next = 0_u64.into();
        if self.kh.val().get_bit(12) {
            self.pp12.next = self.wb.val().get_bits::<32>(384);
        }
        self.ports.next = self.pp0.val()
            | self.pp1.val()
            | self.pp2.val()
            | self.pp3.val()
            | self.pp4.val()
            | self.pp5.val()
            | self.pp6.val()
            | self.pp7.val()
            | self.pp8.val()
            | self.pp9.val()
            | self.pp10.val()
            | self.pp11.val()
            | self.pp12.val();
        // addresses and ports into registers (clock enable: a parsed frame);
        // the tuple is assembled after them
        if self.load.val() {
            self.ta.d.next = self.addr.val();
            self.tp.d.next = self.ports.val();
            self.tlay.d.next = self.six.val();
        }
        // IPv4: bytes 8..11 are the ports (the engine reads bytes 0..11 only)
        self.mid.next = self.ta.q.val().get_bits::<32>(64);
        if !self.tlay.q.val() {
            self.mid.next = self.tp.q.val();
        }
        self.tuple.next = bit_cast::<288, 64>(self.ta.q.val().get_bits::<64>(0))
            | (bit_cast::<288, 32>(self.mid.val()) << 64_u64)
            | (bit_cast::<288, 160>(self.ta.q.val().get_bits::<160>(96)) << 96_u64)
            | (bit_cast::<288, 32>(self.tp.q.val()) << 256_u64);
    }
}
