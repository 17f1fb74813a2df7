//! `RssSteer`: receive-side scaling. Parses each frame's headers, hashes its
//! IPv4/IPv6 2-tuple or 4-tuple with the Toeplitz hash of the Microsoft RSS
//! specification, and picks the receive queue (`m_tdest`) from a
//! 128-entry indirection table.
//!
//! * Parser: Ethernet with up to two VLAN tags (TPID 0x8100 or 0x88A8),
//!   IPv4 (options allowed: ports found through IHL) and IPv6 (fixed header
//!   only: the Next Header field is not walked through extension headers,
//!   so such packets hash as 2-tuples). TCP (6) and UDP (17) give the
//!   4-tuple {src addr, dst addr, src port, dst port}; other protocols and
//!   IPv4 fragments the 2-tuple {src addr, dst addr}. The last 4 bytes of a
//!   frame are its FCS and never header.
//! * Parser errors (IPv4/IPv6 EtherType but a truncated header, a wrong
//!   version, IHL < 5): the frame goes to `default_queue` and `m_parse_err`
//!   is set. Non-IP frames, or `rss_enable` low: `default_queue`.
//! * Queue = indirection-table entry `hash[6:0]` (`rss_index` out to the
//!   register file, `rss_queue` back).
//! * Pipeline: beats wait in a 32-deep FIFO while the first 96 bytes are
//!   captured (11 beats kept), parsed, hashed and looked up (4 registered
//!   stages), and the handshake engine decides (below; the longest wait,
//!   25 cycles). A frame's first beat leaves [`HOLD`] cycles after it arrived
//!   at the earliest, so at line rate the latency is fixed whatever the
//!   frame size; one beat per clock, back-to-back frames, no bubble.
//! * The handshake engine's decisions (`hs_valid`/`hs_consume`, one per
//!   frame in order, from [`crate::handshake::engine`] watching this block's
//!   input) queue in a 32-deep FIFO; a frame's first beat also waits for
//!   its decision, and a consumed frame (a SYN the NIC answered) is
//!   swallowed without leaving or counting as a drop.
//! * `m_tdest`, `m_parse_err` and `m_hash` (the 32-bit Toeplitz hash of IP
//!   frames, 0 otherwise, for the host's flow hash) are constant over a frame.

use crate::common::axis::{AxisMaster64, AxisSlave64};
use crate::common::keep::KeepCount;
use crate::common::sync_fifo::SyncFifo;
use crate::common::toeplitz::Toeplitz;
use crate::RX_QUEUE_BITS;
use rust_hdl::prelude::*;

/// Cycles a first beat spends in the block at least (line-rate latency).
pub const HOLD: u64 = 25;

/// RSS steering stage; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct RssSteer {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub s_axis: AxisSlave64,
    /// Bits 5:0 flags (to `m_tuser`), bit 6: drop the frame (marked by
    /// FcsCheck when CTRL.ENABLE was 0): it is steered, then consumed
    /// without leaving, and `drop_last` pulses at its last beat.
    pub s_tuser: Signal<In, Bits<7>>,
    pub s_tag: Signal<In, Bits<64>>,
    pub m_axis: AxisMaster64,
    pub m_tuser: Signal<Out, Bits<6>>,
    pub m_tag: Signal<Out, Bits<64>>,
    pub m_tdest: Signal<Out, Bits<RX_QUEUE_BITS>>,
    pub m_parse_err: Signal<Out, Bit>,
    /// The frame's Toeplitz hash (0 unless hashed), constant over the frame.
    pub m_hash: Signal<Out, Bits<32>>,
    /// One cycle per dropped frame, at its last beat (queue on `m_tdest`).
    pub drop_last: Signal<Out, Bit>,
    pub rss_enable: Signal<In, Bit>,
    pub rss_key: Signal<In, Bits<319>>,
    /// Indirection: `rss_index` (hash bits 6:0) out, its entry `rss_queue` in.
    pub rss_index: Signal<Out, Bits<7>>,
    pub rss_queue: Signal<In, Bits<RX_QUEUE_BITS>>,
    pub default_queue: Signal<In, Bits<RX_QUEUE_BITS>>,
    /// A decision of the handshake engine (one per frame, in order).
    pub hs_valid: Signal<In, Bit>,
    /// The decided frame is consumed (never delivered).
    pub hs_consume: Signal<In, Bit>,
    keep: KeepCount,
    // [63:0] data, [71:64] keep, [72] last, [79:73] user, [143:80] tag
    beats: SyncFifo<144, 5>,
    // [2:0] queue, [3] parser error, [19:4] arrival cycle of the first beat,
    // [51:20] hash
    results: SyncFifo<52, 5>,
    decisions: SyncFifo<1, 5>,
    cons: DFF<Bit>,
    dropit: Signal<Local, Bit>,
    toep: Toeplitz,
    ib: DFF<Bits<4>>,
    nbytes: DFF<Bits<8>>,
    w0: DFF<Bits<64>>,
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
    now: DFF<Bits<16>>,
    t0: DFF<Bits<16>>,
    go: DFF<Bit>,
    go_len: DFF<Bits<8>>,
    go_t0: DFF<Bits<16>>,
    tup: DFF<Bits<288>>,
    tup_ip: DFF<Bit>,
    tup_err: DFF<Bit>,
    tup_v: DFF<Bit>,
    tup_t0: DFF<Bits<16>>,
    h_ip: DFF<Bit>,
    h_err: DFF<Bit>,
    h_v: DFF<Bit>,
    h_t0: DFF<Bits<16>>,
    r: DFF<Bits<52>>,
    r_v: DFF<Bit>,
    first: DFF<Bit>,
    held_q: DFF<Bits<RX_QUEUE_BITS>>,
    held_err: DFF<Bit>,
    held_hash: DFF<Bits<32>>,
    fire: Signal<Local, Bit>,
    total: Signal<Local, Bits<8>>,
    hdr_end: Signal<Local, Bit>,
    win: Signal<Local, Bits<704>>,
    avail: Signal<Local, Bits<8>>,
    et0: Signal<Local, Bits<16>>,
    et1: Signal<Local, Bits<16>>,
    et: Signal<Local, Bits<16>>,
    tp0: Signal<Local, Bit>,
    tp1: Signal<Local, Bit>,
    ok_et: Signal<Local, Bit>,
    l3off: Signal<Local, Bits<8>>,
    l3b0: Signal<Local, Bits<8>>,
    l3w: Signal<Local, Bits<464>>,
    ihl4: Signal<Local, Bits<8>>,
    proto: Signal<Local, Bits<8>>,
    frag: Signal<Local, Bit>,
    is4: Signal<Local, Bit>,
    is6: Signal<Local, Bit>,
    l4: Signal<Local, Bit>,
    err: Signal<Local, Bit>,
    ports: Signal<Local, Bits<32>>,
    tuple: Signal<Local, Bits<288>>,
    queue: Signal<Local, Bits<RX_QUEUE_BITS>>,
    rfirst: Signal<Local, Bit>,
}

impl Logic for RssSteer {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, ib, nbytes, w0, w1, w2, w3, w4, w5, w6, w7, w8, w9, w10, now, t0, go,
            go_len, go_t0, tup, tup_ip, tup_err, tup_v, tup_t0, h_ip, h_err, h_v, h_t0, r, r_v,
            first, held_q, held_err, held_hash, cons
        );
        self.beats.clock.next = self.clock.val();
        self.results.clock.next = self.clock.val();
        self.decisions.clock.next = self.clock.val();
        self.decisions.rst.next = self.rst.val();
        self.decisions.push.next = self.hs_valid.val();
        self.decisions.din.next = self.hs_consume.val().into();
        self.beats.rst.next = self.rst.val();
        self.results.rst.next = self.rst.val();
        self.keep.tkeep.next = self.s_axis.tkeep.val();
        // ---- input: into the beat FIFO, header bytes into w0..w10
        // (the result FIFO is as deep as the beat FIFO: it cannot fill first)
        self.s_axis.tready.next =
            !self.beats.full.val() & !self.results.full.val() & !self.decisions.full.val();
        self.beats.push.next =
            self.s_axis.tvalid.val() & !self.beats.full.val() & !self.results.full.val();
        self.beats.din.next = bit_cast::<144, 64>(self.s_axis.tdata.val())
            | (bit_cast::<144, 8>(self.s_axis.tkeep.val()) << 64_u64)
            | (bit_cast::<144, 1>(self.s_axis.tlast.val().into()) << 72_u64)
            | (bit_cast::<144, 7>(self.s_tuser.val()) << 73_u64)
            | (bit_cast::<144, 64>(self.s_tag.val()) << 80_u64);
        self.fire.next =
            self.s_axis.tvalid.val() & !self.beats.full.val() & !self.results.full.val();
        self.total.next = self.nbytes.q.val() + bit_cast::<8, 4>(self.keep.count.val());
        if self.total.val() < self.nbytes.q.val() {
            self.total.next = 0xFF_u64.into();
        }
        // header complete: at the 12th beat (96 bytes seen) or the frame's end
        self.hdr_end.next = self.fire.val()
            & (self.ib.q.val() < 12_u64)
            & (self.s_axis.tlast.val() | (self.ib.q.val() == 11_u64));
        self.now.d.next = self.now.q.val() + 1_u64;
        self.go.d.next = self.hdr_end.val();
        self.go_len.d.next = self.total.val();
        self.go_t0.d.next = self.t0.q.val();
        if self.ib.q.val() == 0_u64 {
            self.go_t0.d.next = self.now.q.val();
        }
        if self.fire.val() {
            if self.ib.q.val() == 0_u64 {
                self.w0.d.next = self.s_axis.tdata.val();
                self.t0.d.next = self.now.q.val();
            }
            if self.ib.q.val() == 1_u64 {
                self.w1.d.next = self.s_axis.tdata.val();
            }
            if self.ib.q.val() == 2_u64 {
                self.w2.d.next = self.s_axis.tdata.val();
            }
            if self.ib.q.val() == 3_u64 {
                self.w3.d.next = self.s_axis.tdata.val();
            }
            if self.ib.q.val() == 4_u64 {
                self.w4.d.next = self.s_axis.tdata.val();
            }
            if self.ib.q.val() == 5_u64 {
                self.w5.d.next = self.s_axis.tdata.val();
            }
            if self.ib.q.val() == 6_u64 {
                self.w6.d.next = self.s_axis.tdata.val();
            }
            if self.ib.q.val() == 7_u64 {
                self.w7.d.next = self.s_axis.tdata.val();
            }
            if self.ib.q.val() == 8_u64 {
                self.w8.d.next = self.s_axis.tdata.val();
            }
            if self.ib.q.val() == 9_u64 {
                self.w9.d.next = self.s_axis.tdata.val();
            }
            if self.ib.q.val() == 10_u64 {
                self.w10.d.next = self.s_axis.tdata.val();
            }
            self.nbytes.d.next = self.total.val();
            self.ib.d.next = self.ib.q.val() + 1_u64;
            if self.ib.q.val() == 12_u64 {
                self.ib.d.next = 12_u64.into();
            }
            if self.s_axis.tlast.val() {
                self.ib.d.next = 0_u64.into();
                self.nbytes.d.next = 0_u64.into();
            }
        }
        // ---- stage 1 (go): parse the captured header
        self.win.next = bit_cast::<704, 64>(self.w0.q.val())
            | (bit_cast::<704, 64>(self.w1.q.val()) << 64_u64)
            | (bit_cast::<704, 64>(self.w2.q.val()) << 128_u64)
            | (bit_cast::<704, 64>(self.w3.q.val()) << 192_u64)
            | (bit_cast::<704, 64>(self.w4.q.val()) << 256_u64)
            | (bit_cast::<704, 64>(self.w5.q.val()) << 320_u64)
            | (bit_cast::<704, 64>(self.w6.q.val()) << 384_u64)
            | (bit_cast::<704, 64>(self.w7.q.val()) << 448_u64)
            | (bit_cast::<704, 64>(self.w8.q.val()) << 512_u64)
            | (bit_cast::<704, 64>(self.w9.q.val()) << 576_u64)
            | (bit_cast::<704, 64>(self.w10.q.val()) << 640_u64);
        self.avail.next = 0_u64.into();
        if self.go_len.q.val() >= 4_u64 {
            self.avail.next = self.go_len.q.val() - 4_u64;
        }
        // EtherType after up to two VLAN tags (big-endian on the wire)
        self.et0.next = (bit_cast::<16, 8>(self.w1.q.val().get_bits::<8>(32)) << 8_u64)
            | bit_cast::<16, 8>(self.w1.q.val().get_bits::<8>(40));
        self.et1.next = (bit_cast::<16, 8>(self.w2.q.val().get_bits::<8>(0)) << 8_u64)
            | bit_cast::<16, 8>(self.w2.q.val().get_bits::<8>(8));
        self.tp0.next = (self.et0.val() == 0x8100_u64) | (self.et0.val() == 0x88A8_u64);
        self.tp1.next = (self.et1.val() == 0x8100_u64) | (self.et1.val() == 0x88A8_u64);
        self.et.next = self.et0.val();
        self.ok_et.next = self.avail.val() >= 14_u64;
        self.l3off.next = 14_u64.into();
        self.l3w.next = bit_cast::<464, 704>(self.win.val() >> 160_u64);
        self.l3b0.next = self.w1.q.val().get_bits::<8>(48);
        if self.tp0.val() {
            self.et.next = self.et1.val();
            self.ok_et.next = self.avail.val() >= 18_u64;
            self.l3off.next = 18_u64.into();
            self.l3w.next = bit_cast::<464, 704>(self.win.val() >> 192_u64);
            self.l3b0.next = self.w2.q.val().get_bits::<8>(16);
        }
        if self.tp0.val() & self.tp1.val() {
            self.et.next = (bit_cast::<16, 8>(self.w2.q.val().get_bits::<8>(32)) << 8_u64)
                | bit_cast::<16, 8>(self.w2.q.val().get_bits::<8>(40));
            self.ok_et.next = self.avail.val() >= 22_u64;
            self.l3off.next = 22_u64.into();
            self.l3w.next = bit_cast::<464, 704>(self.win.val() >> 224_u64);
            self.l3b0.next = self.w2.q.val().get_bits::<8>(48);
        }
        self.is4.next = self.ok_et.val() & (self.et.val() == 0x0800_u64);
        self.is6.next = self.ok_et.val() & (self.et.val() == 0x86DD_u64);
        self.ihl4.next = bit_cast::<8, 4>(self.l3b0.val().get_bits::<4>(0)) << 2_u64;
        self.proto.next = self.l3w.val().get_bits::<8>(24);
        self.frag.next =
            (self.l3w.val().get_bits::<6>(0) != 0_u64) | (self.l3w.val().get_bits::<8>(8) != 0_u64);
        self.err.next = false;
        self.l4.next = false;
        if self.is4.val() {
            self.l4.next =
                ((self.proto.val() == 6_u64) | (self.proto.val() == 17_u64)) & !self.frag.val();
            if (self.avail.val() < (self.l3off.val() + 20_u64))
                | (self.l3b0.val().get_bits::<4>(4) != 4_u64)
                | (self.ihl4.val() < 20_u64)
                | (self.avail.val() < (self.l3off.val() + self.ihl4.val()))
            {
                self.err.next = true;
            }
            if self.l4.val() & (self.avail.val() < (self.l3off.val() + self.ihl4.val() + 4_u64)) {
                self.err.next = true;
            }
        }
        if self.is6.val() {
            self.l4.next = (self.l3w.val().get_bits::<8>(0) == 6_u64)
                | (self.l3w.val().get_bits::<8>(0) == 17_u64);
            if (self.avail.val() < (self.l3off.val() + 40_u64))
                | (self.l3b0.val().get_bits::<4>(4) != 6_u64)
            {
                self.err.next = true;
            }
            if self.l4.val() & (self.avail.val() < (self.l3off.val() + 44_u64)) {
                self.err.next = true;
            }
        }
        // IPv4 ports after the IHL words
        self.ports.next = self.l3w.val().get_bits::<32>(112);
        if self.ihl4.val() == 24_u64 {
            self.ports.next = self.l3w.val().get_bits::<32>(144);
        }
        if self.ihl4.val() == 28_u64 {
            self.ports.next = self.l3w.val().get_bits::<32>(176);
        }
        if self.ihl4.val() == 32_u64 {
            self.ports.next = self.l3w.val().get_bits::<32>(208);
        }
        if self.ihl4.val() == 36_u64 {
            self.ports.next = self.l3w.val().get_bits::<32>(240);
        }
        if self.ihl4.val() == 40_u64 {
            self.ports.next = self.l3w.val().get_bits::<32>(272);
        }
        if self.ihl4.val() == 44_u64 {
            self.ports.next = self.l3w.val().get_bits::<32>(304);
        }
        if self.ihl4.val() == 48_u64 {
            self.ports.next = self.l3w.val().get_bits::<32>(336);
        }
        if self.ihl4.val() == 52_u64 {
            self.ports.next = self.l3w.val().get_bits::<32>(368);
        }
        if self.ihl4.val() == 56_u64 {
            self.ports.next = self.l3w.val().get_bits::<32>(400);
        }
        if self.ihl4.val() == 60_u64 {
            self.ports.next = self.l3w.val().get_bits::<32>(432);
        }
        self.tuple.next = 0_u64.into();
        if self.is4.val() {
            self.tuple.next = bit_cast::<288, 64>(self.l3w.val().get_bits::<64>(48));
            if self.l4.val() {
                self.tuple.next = bit_cast::<288, 64>(self.l3w.val().get_bits::<64>(48))
                    | (bit_cast::<288, 32>(self.ports.val()) << 64_u64);
            }
        }
        if self.is6.val() {
            self.tuple.next = bit_cast::<288, 256>(self.l3w.val().get_bits::<256>(16));
            if self.l4.val() {
                self.tuple.next = self.l3w.val().get_bits::<288>(16);
            }
        }
        self.tup.d.next = self.tuple.val();
        self.tup_ip.d.next = (self.is4.val() | self.is6.val()) & !self.err.val();
        self.tup_err.d.next = (self.is4.val() | self.is6.val()) & self.err.val();
        self.tup_v.d.next = self.go.q.val();
        self.tup_t0.d.next = self.go_t0.q.val();
        // ---- stage 2: Toeplitz hash
        // the hash register is inside the network, loaded for IP tuples
        self.toep.clock.next = self.clock.val();
        self.toep.en.next = self.tup_v.q.val() & self.tup_ip.q.val();
        self.toep.key.next = self.rss_key.val();
        self.toep.data.next = self.tup.q.val();
        self.h_ip.d.next = self.tup_ip.q.val();
        self.h_err.d.next = self.tup_err.q.val();
        self.h_v.d.next = self.tup_v.q.val();
        self.h_t0.d.next = self.tup_t0.q.val();
        // ---- stage 3: indirection table
        self.rss_index.next = self.toep.hash.val().get_bits::<7>(0);
        self.queue.next = self.default_queue.val();
        if self.rss_enable.val() & self.h_ip.q.val() {
            self.queue.next = self.rss_queue.val();
        }
        self.r.d.next = bit_cast::<52, RX_QUEUE_BITS>(self.queue.val())
            | (bit_cast::<52, 1>(self.h_err.q.val().into()) << 3_u64)
            | (bit_cast::<52, 16>(self.h_t0.q.val()) << 4_u64);
        if self.h_ip.q.val() {
            self.r.d.next = bit_cast::<52, RX_QUEUE_BITS>(self.queue.val())
                | (bit_cast::<52, 16>(self.h_t0.q.val()) << 4_u64)
                | (bit_cast::<52, 32>(self.toep.hash.val()) << 20_u64);
        }
        self.r_v.d.next = self.h_v.q.val();
        // ---- stage 4: result FIFO; output when the head frame's result is in
        self.results.push.next = self.r_v.q.val();
        self.results.din.next = self.r.q.val();
        self.rfirst.next = !self.results.empty.val()
            & !self.decisions.empty.val()
            & ((self.now.q.val() - self.results.dout.val().get_bits::<16>(4)) >= 25_u64);
        // dropped: marked by FcsCheck (bit 79) or consumed by the handshake engine
        self.dropit.next = self.beats.dout.val().get_bit(79) | self.cons.q.val();
        if self.first.q.val() {
            self.dropit.next = self.beats.dout.val().get_bit(79) | self.decisions.dout.val().any();
        }
        // a frame marked for dropping is consumed whatever m_tready says
        self.beats.pop.next = !self.beats.empty.val()
            & (!self.first.q.val() | self.rfirst.val())
            & (self.m_axis.tready.val() | self.dropit.val());
        self.results.pop.next = !self.beats.empty.val()
            & self.first.q.val()
            & self.rfirst.val()
            & (self.m_axis.tready.val() | self.dropit.val());
        self.decisions.pop.next = !self.beats.empty.val()
            & self.first.q.val()
            & self.rfirst.val()
            & (self.m_axis.tready.val() | self.dropit.val());
        self.m_axis.tvalid.next = !self.beats.empty.val()
            & (!self.first.q.val() | self.rfirst.val())
            & !self.dropit.val();
        self.drop_last.next = !self.beats.empty.val()
            & (!self.first.q.val() | self.rfirst.val())
            & self.beats.dout.val().get_bit(79)
            & self.beats.dout.val().get_bit(72);
        self.m_axis.tdata.next = self.beats.dout.val().get_bits::<64>(0);
        self.m_axis.tkeep.next = self.beats.dout.val().get_bits::<8>(64);
        self.m_axis.tlast.next = self.beats.dout.val().get_bit(72);
        self.m_tuser.next = self.beats.dout.val().get_bits::<6>(73);
        self.m_tag.next = self.beats.dout.val().get_bits::<64>(80);
        if self.first.q.val() {
            self.m_tdest.next = self.results.dout.val().get_bits::<RX_QUEUE_BITS>(0);
            self.m_parse_err.next = self.results.dout.val().get_bit(3);
            self.m_hash.next = self.results.dout.val().get_bits::<32>(20);
        } else {
            self.m_tdest.next = self.held_q.q.val();
            self.m_parse_err.next = self.held_err.q.val();
            self.m_hash.next = self.held_hash.q.val();
        }
        if !self.beats.empty.val()
            & (!self.first.q.val() | self.rfirst.val())
            & (self.m_axis.tready.val() | self.dropit.val())
        {
            self.first.d.next = self.beats.dout.val().get_bit(72);
            if self.first.q.val() {
                self.cons.d.next = self.decisions.dout.val().any();
            }
            if self.first.q.val() {
                self.held_q.d.next = self.results.dout.val().get_bits::<RX_QUEUE_BITS>(0);
                self.held_err.d.next = self.results.dout.val().get_bit(3);
                self.held_hash.d.next = self.results.dout.val().get_bits::<32>(20);
            }
        }
        if self.rst.val() {
            self.ib.d.next = 0_u64.into();
            self.nbytes.d.next = 0_u64.into();
            self.go.d.next = false;
            self.tup_v.d.next = false;
            self.h_v.d.next = false;
            self.r_v.d.next = false;
            self.first.d.next = true;
        }
    }
}
