//! `HandshakeEngine`: TCP three-way-handshake offload with SYN cookies
//! (IPv4), the hardware of [`ferronic-sim`'s handshake model]. It watches
//! the receive stream, answers SYNs to listened ports with SYN-ACKs whose
//! ISN is a Linux SYN cookie, checks the ACKs that complete handshakes and
//! queues a handoff record per established connection for the host.
//!
//! Pipeline (one frame per clock sustained, fixed latency):
//! 1. capture: the first 96 bytes of each frame (12 beats) into a window;
//!    a frame with a 13th beat is decided (passed) as its 12th beat
//!    arrives, so long frames are never held for the decision;
//! 2. checksums and parse: as the beats arrive, the IPv4 header words
//!    and the TCP words (pseudo-header addresses, then the segment up to
//!    the IPv4 total length read from beat 2) are summed into two 24-bit
//!    accumulators through two registered pair-sum stages; at the frame's
//!    end (or its 12th beat) the window is parsed: Ethernet II / IPv4
//!    without options or fragments / TCP fields, lengths, flags; frames
//!    longer than 96 bytes (FCS included), bad frames (`t_bad`) and
//!    VLAN-tagged frames are passed;
//! 3. classify, over the four clocks after the parse: the sums folded
//!    and checked, the listen table (`LISTEN` entries of {valid, IPv4
//!    address (0 = any), port}, matched in the parse clock), flags: a pure
//!    SYN to a listened port, a pure SYN elsewhere (RST/ACK when
//!    `rst_closed`), or a data-less pure ACK to a listened port;
//! 4. options ([`crate::handshake::engine_walk`]): every option byte
//!    position's facts (where an option there ends, the NOP run, stop,
//!    which known option it starts) are computed in parallel and
//!    registered, then one walker follows the chain one hop a clock for
//!    [`crate::handshake::engine_walk::MAX_HOPS`] clocks, as Linux's
//!    `tcp_parse_options` does (MSS, window scale, SACK-permitted,
//!    timestamps); options left after the last hop: passed. Every
//!    IPv4/TCP frame of at least 58 bytes with SYN or ACK alone is walked
//!    (it takes its class from step 3 in the walk's fifth clock); each
//!    has 8 beats or more and the walker takes 8 clocks, so two never
//!    need it at once;
//! 5. the decision per frame on `d_valid`/`d_consume` (a consumed SYN
//!    never reaches the host) 10 clocks after the frame's parse, and one
//!    clock later (the option values, picked at the decision, are
//!    registered raw first) the cookie unit
//!    ([`crate::handshake::syn_cookie`], one shared SipHash pipeline)
//!    makes or checks the cookie;
//! 6. a SYN-ACK or RST/ACK is built with both checksums
//!    ([`crate::handshake::engine_build`]) and queued (`GEN_DEPTH`
//!    frames) for `g_*` (no FCS; padded to 60 bytes); a valid cookie
//!    pushes a 288-bit record into the handoff FIFO (`h_*`).
//!
//! Area (yosys 0.23 xcup, flattened, alone behind registered ports):
//! 18,001 LUTs / 9,847 FFs on bfcedd0, 8 levels deep (the SipHash
//! stages, carry-select adds with their carries from compares). On ECP5
//! (`FERRONIC_ECP5`: plain adds, one carry chain each) 15,940 LUT4 and
//! 81.3 / 83.1 MHz on seeds 3 / 2 (yowasp nextpnr; README, handshake
//! engine). About 5,400 of the FFs are the SipHash pipeline's 21
//! registers of 256 bits (its message words shift beside it in
//! shift-register LUTs).
//!
//! Handoff record (`h_data`, word i in bits 32i+31..32i; decoded by
//! `ferronic_regmap::handoff::Record`): 0 client
//! address, 1 listener address, 2 client port << 16 | listener port, 3 our
//! ISN, 4 client ISN, 5 MSS << 16 | the ACK's window field, 6 the ACK's
//! TSval, 7 its TSecr, 8 flags: bit 0 timestamps, bit 1 SACK, bit 2 ECN,
//! bits 7:4 the client's window scale (0xf: none), bits 11:8 ours (0 when
//! the client has none). Addresses and ports: first wire byte most
//! significant.
//!
//! Custom Verilog: the implementation is the Verilog (checked in Icarus
//! and Verilator against the golden model); the Rust `update()` only keeps
//! the outputs idle, so this block cannot be simulated with rust-hdl's own
//! simulator.

use crate::common::axis::AxisMaster64;
use crate::handshake::engine_verilog::engine_verilog;
use rust_hdl::prelude::*;

/// Bytes of each frame the engine looks at (FCS included).
pub const WINDOW: usize = 96;
/// Width of a handoff record.
pub const RECORD_BITS: usize = 288;
/// Records the handoff FIFO holds; more valid handshakes before the host
/// pops are counted in HS_HANDOFF_OVERFLOWS and lost.
pub const HANDOFF_DEPTH: usize = 16;
/// Generated frames (SYN-ACKs, RSTs) queued for the transmit arbiter.
pub const GEN_DEPTH: usize = 8;
/// Counter events, in `ev` bit order.
pub const EVENTS: [&str; 8] = [
    "SYNS",
    "SYNACKS",
    "RSTS",
    "COOKIES_VALID",
    "COOKIES_INVALID",
    "HANDOFFS",
    "HANDOFF_OVERFLOWS",
    "GEN_DROPS",
];

/// The engine; `L` listen entries of 64 bits on `listen` (`LB` = 64 L),
/// as the register file holds them: entry k's address (0: any) in bits
/// 64k+31..64k, its port in 64k+47..64k+32, VALID in bit 64k+48 (the
/// `handshake.LISTENk_ADDR`/`_PORT` pair). Other bits are ignored.
#[derive(LogicBlock, Default)]
pub struct HandshakeEngine<const L: usize, const LB: usize> {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub t_tdata: Signal<In, Bits<64>>,
    pub t_tkeep: Signal<In, Bits<8>>,
    pub t_tvalid: Signal<In, Bit>,
    pub t_tready: Signal<In, Bit>,
    pub t_tlast: Signal<In, Bit>,
    pub t_bad: Signal<In, Bit>,
    pub d_valid: Signal<Out, Bit>,
    pub d_consume: Signal<Out, Bit>,
    pub g_axis: AxisMaster64,
    pub h_valid: Signal<Out, Bit>,
    pub h_data: Signal<Out, Bits<RECORD_BITS>>,
    pub h_pop: Signal<In, Bit>,
    pub en: Signal<In, Bit>,
    pub key0: Signal<In, Bits<128>>,
    pub key1: Signal<In, Bits<128>>,
    pub listen: Signal<In, Bits<LB>>,
    pub count: Signal<In, Bits<32>>,
    pub ts_now: Signal<In, Bits<32>>,
    pub our_mss: Signal<In, Bits<16>>,
    pub our_wscale: Signal<In, Bits<4>>,
    pub our_window: Signal<In, Bits<16>>,
    pub ttl: Signal<In, Bits<8>>,
    pub rst_closed: Signal<In, Bit>,
    pub ev: Signal<Out, Bits<8>>,
}

impl<const L: usize, const LB: usize> Logic for HandshakeEngine<L, LB> {
    fn update(&mut self) {
        self.d_valid.next = false;
        self.d_consume.next = false;
        self.g_axis.tdata.next = 0.into();
        self.g_axis.tkeep.next = 0.into();
        self.g_axis.tvalid.next = false;
        self.g_axis.tlast.next = false;
        self.h_valid.next = false;
        self.h_data.next = 0.into();
        self.ev.next = 0.into();
    }

    fn connect(&mut self) {
        self.d_valid.connect();
        self.d_consume.connect();
        self.g_axis.tdata.connect();
        self.g_axis.tkeep.connect();
        self.g_axis.tvalid.connect();
        self.g_axis.tlast.connect();
        self.h_valid.connect();
        self.h_data.connect();
        self.ev.connect();
    }

    fn hdl(&self) -> Verilog {
        assert_eq!(LB, 64 * L, "listen bus is 64 bits per entry");
        Verilog::Custom(engine_verilog(
            L,
            GEN_DEPTH.trailing_zeros() as usize,
            HANDOFF_DEPTH.trailing_zeros() as usize,
        ))
    }
}
