//! The CRC-32 pipeline (IEEE 802.3 clause 3.2.9) shared by FcsCheck,
//! FcsInsert and FcsAppend, cut so that every path is at most about four
//! LUT4 levels on ECP5 (issue 12):
//!
//! * [`CrcStep64`], stages Q and L: a beat's share of one 8-byte step in
//!   two registered halves (lanes 0..4 and 4..8: two 32-input networks
//!   instead of one 64-input one), then the loop alone,
//!   `crc <- M8 x crc ^ d_lo ^ d_hi`. A frame's first beat takes the
//!   all-ones start as the constant `M8 x INIT` in its share, and the loop
//!   zeroes its `M8` term, so there is no reset mux in the loop and `crc`
//!   keeps the register after a frame's last beat until the next frame.
//! * [`CrcFinish`], stages U, V and W: the `z` zero bytes the masked lanes
//!   added after a frame's data are taken back out ([`Crc32UnpadBy`]: 0..=3
//!   bytes in U, then 0, 4 or 8 in V, both computed, W picks), and the FCS
//!   is the complement of the register after exactly the frame's bytes.

use crate::common::crc_beat::Crc32Pad;
use crate::common::crc_unpad::Crc32UnpadBy;
use rust_hdl::prelude::*;

/// Stages Q and L of the CRC pipeline; see the module documentation.
///
/// * `v`, `data` (64 bits, byte 0 in bits 7:0), `tkeep` (8 bits; the
///   lanes outside it count as zero bytes), `last`: a beat, taken at an
///   edge where `en` is 1. The first beat after `rst` or after a `last`
///   beat starts a frame.
/// * `en`: both stages advance (tie to 1 for a pipeline that never stalls).
/// * `crc` (32 bits, a register): the raw register (not complemented)
///   after the latest beat, two advancing edges after that beat was taken.
///   It is a copy of the loop's register, loaded with it: logic that reads
///   `crc` (an unpad network, a compare) cannot share LUTs with the loop's
///   `M8` network (it did without the copy, and put the U stage's network
///   inside the loop: FcsInsert 111.9 MHz on seed 3).
#[derive(LogicBlock)]
pub struct CrcStep64 {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub en: Signal<In, Bit>,
    pub v: Signal<In, Bit>,
    pub data: Signal<In, Bits<64>>,
    pub tkeep: Signal<In, Bits<8>>,
    pub last: Signal<In, Bit>,
    pub crc: Signal<Out, Bits<32>>,
    dnet_lo: Crc32Pad,
    dnet_hi: Crc32Pad,
    snet: Crc32Pad,
    /// Inside a frame: the next beat is not its first.
    mid: DFF<Bit>,
    q_v: DFF<Bit>,
    q_f: DFF<Bit>,
    q_dl: DFF<Bits<32>>,
    q_dh: DFF<Bits<32>>,
    acc: DFF<Bits<32>>,
    out: DFF<Bits<32>>,
    nxt: Signal<Local, Bits<32>>,
    k_lo: Signal<Local, Bits<8>>,
    k_hi: Signal<Local, Bits<8>>,
    d_lo: Signal<Local, Bits<32>>,
    m8: Signal<Local, Bits<32>>,
    /// `M8 x INIT`: eight zero-byte steps from all ones.
    k_init: Constant<Bits<32>>,
}

impl Default for CrcStep64 {
    fn default() -> Self {
        let k_init = crate::common::crc_beat::beat(crate::common::crc32::INIT, 0, 0);
        CrcStep64 {
            clock: Default::default(),
            rst: Default::default(),
            en: Default::default(),
            v: Default::default(),
            data: Default::default(),
            tkeep: Default::default(),
            last: Default::default(),
            crc: Default::default(),
            dnet_lo: Default::default(),
            dnet_hi: Default::default(),
            snet: Default::default(),
            mid: Default::default(),
            q_v: Default::default(),
            q_f: Default::default(),
            q_dl: Default::default(),
            q_dh: Default::default(),
            acc: Default::default(),
            out: Default::default(),
            nxt: Default::default(),
            k_lo: Default::default(),
            k_hi: Default::default(),
            d_lo: Default::default(),
            m8: Default::default(),
            k_init: Constant::new(u64::from(k_init).into()),
        }
    }
}

impl Logic for CrcStep64 {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, mid, q_v, q_f, q_dl, q_dh, acc, out);
        // --- Q: the data's share, two halves; a first beat adds M8 x INIT
        self.k_lo.next = self.tkeep.val() & 0x0F_u64;
        self.k_hi.next = self.tkeep.val() & 0xF0_u64;
        self.dnet_lo.crc_in.next = 0_u64.into();
        self.dnet_lo.data.next = self.data.val();
        self.dnet_lo.tkeep.next = self.k_lo.val();
        self.dnet_hi.crc_in.next = 0_u64.into();
        self.dnet_hi.data.next = self.data.val();
        self.dnet_hi.tkeep.next = self.k_hi.val();
        if self.mid.q.val() {
            self.d_lo.next = self.dnet_lo.crc_out.val();
        } else {
            self.d_lo.next = self.dnet_lo.crc_out.val() ^ self.k_init.val();
        }
        if self.en.val() {
            self.q_v.d.next = self.v.val();
            self.q_f.d.next = !self.mid.q.val();
            self.q_dl.d.next = self.d_lo.val();
            self.q_dh.d.next = self.dnet_hi.crc_out.val();
            if self.v.val() {
                self.mid.d.next = !self.last.val();
            }
        }
        // --- L: the loop alone (the M8 term zero for a first beat)
        self.snet.crc_in.next = self.acc.q.val();
        self.snet.data.next = 0_u64.into();
        self.snet.tkeep.next = 0_u64.into();
        if self.q_f.q.val() {
            self.m8.next = 0_u64.into();
        } else {
            self.m8.next = self.snet.crc_out.val();
        }
        self.nxt.next = self.m8.val() ^ self.q_dl.q.val() ^ self.q_dh.q.val();
        if self.en.val() & self.q_v.q.val() {
            self.acc.d.next = self.nxt.val();
        }
        // the copy loads on every advance, beat or not (a different enable,
        // so synthesis cannot merge it with `acc`); with no beat in Q the
        // stage after reads nothing
        if self.en.val() {
            self.out.d.next = self.nxt.val();
        }
        if self.rst.val() {
            self.mid.d.next = false;
            self.q_v.d.next = false;
        }
        self.crc.next = self.out.q.val();
    }
}

/// Stages U, V and W of the CRC pipeline; see the module documentation.
///
/// * `en`: the register on `crc` (32 bits, raw) is the one after a beat
///   that ends the frame's data, `z` (0..=8) zero bytes after the data.
/// * `raw`: give that register itself instead of its complement (a frame
///   that must stay corrupt).
/// * `fcs` (32 bits, least significant byte first on the wire): loaded 3
///   clocks after `en`, when `done` (a register) is 1 for one clock; it
///   holds until the next clock edge only (the stages load every clock).
#[derive(LogicBlock, Default)]
pub struct CrcFinish {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub en: Signal<In, Bit>,
    pub crc: Signal<In, Bits<32>>,
    pub z: Signal<In, Bits<4>>,
    pub raw: Signal<In, Bit>,
    pub fcs: Signal<Out, Bits<32>>,
    pub done: Signal<Out, Bit>,
    unpad1: Crc32UnpadBy<1>,
    unpad4: Crc32UnpadBy<4>,
    unpad8: Crc32UnpadBy<4>,
    u_en: DFF<Bit>,
    u_z4: DFF<Bits<2>>,
    u_raw: DFF<Bit>,
    v_en: DFF<Bit>,
    v_z4: DFF<Bits<2>>,
    v_raw: DFF<Bit>,
    v_y: DFF<Bits<32>>,
    w_en: DFF<Bit>,
    w_fcs: DFF<Bits<32>>,
    x: Signal<Local, Bits<32>>,
}

impl Logic for CrcFinish {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, u_en, u_z4, u_raw, v_en, v_z4, v_raw, v_y, w_en, w_fcs);
        // --- U: 0..=3 zero bytes back out (the networks load only for a
        // frame's end: a simulator computes them once a frame)
        self.unpad1.clock.next = self.clock.val();
        self.unpad1.en.next = self.en.val();
        self.unpad1.crc_in.next = self.crc.val();
        self.unpad1.sel.next = self.z.val().get_bits::<2>(0);
        self.u_z4.d.next = self.z.val().get_bits::<2>(2);
        self.u_raw.d.next = self.raw.val();
        self.u_en.d.next = self.en.val() & !self.rst.val();
        // --- V: 4 and 8 more, both computed
        self.unpad4.clock.next = self.clock.val();
        self.unpad4.en.next = self.u_en.q.val();
        self.unpad4.crc_in.next = self.unpad1.q.val();
        self.unpad4.sel.next = 1_u64.into();
        self.unpad8.clock.next = self.clock.val();
        self.unpad8.en.next = self.u_en.q.val();
        self.unpad8.crc_in.next = self.unpad1.q.val();
        self.unpad8.sel.next = 2_u64.into();
        self.v_y.d.next = self.unpad1.q.val();
        self.v_z4.d.next = self.u_z4.q.val();
        self.v_raw.d.next = self.u_raw.q.val();
        self.v_en.d.next = self.u_en.q.val() & !self.rst.val();
        // --- W: the one that applies; the FCS is its complement
        self.x.next = self.v_y.q.val();
        if self.v_z4.q.val() == 1_u64 {
            self.x.next = self.unpad4.q.val();
        }
        if self.v_z4.q.val() == 2_u64 {
            self.x.next = self.unpad8.q.val();
        }
        if self.v_raw.q.val() {
            self.w_fcs.d.next = self.x.val();
        } else {
            self.w_fcs.d.next = !self.x.val();
        }
        self.w_en.d.next = self.v_en.q.val() & !self.rst.val();
        self.fcs.next = self.w_fcs.q.val();
        self.done.next = self.w_en.q.val();
    }
}
