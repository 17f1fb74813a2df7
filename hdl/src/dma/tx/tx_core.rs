//! `TxCore`: the transmit engine's control and frame buffer (issue 13;
//! DESIGN.md section 7b). It serves the transmit rings
//! ([`crate::dma::desc_fetch`]) frame by frame in round robin, gathers
//! each frame's buffers (descriptors up to the one flagged end of packet)
//! into an on-chip buffer through the read mover
//! ([`crate::dma::dma_read`]), streams the frames out on `m_axis_*` in
//! the order they were gathered, and after a frame's last beat asks for
//! its completion ([`crate::dma::cpl_queue`]).
//!
//! * **Round robin**: after a frame of ring `q` the next frame comes from
//!   the first ring after `q` with a descriptor waiting, so no ring
//!   starves. A frame's descriptors must be posted together (one
//!   doorbell): the engine waits for the rest of a frame it started.
//! * **Gather**: one read per descriptor of its `LEN` bytes (0: none) at
//!   its `ADDR`, packed back to back in the buffer (2^`A` bytes of 16-byte
//!   words; a frame starts on a word), as soon as there is room. `BAD` on
//!   any of the frame's descriptors marks it bad (`tuser` = 1: the
//!   transmit path appends a wrong FCS). A frame of more than 32
//!   descriptors (a ring's cache) or [`crate::MAX_FRAME`] bytes without
//!   `EOP` is ended there and marked bad.
//! * **Stream** `m_axis_*` (64-bit, byte 0 in bits 7:0, `tkeep`
//!   contiguous from lane 0, `tdest` the ring, `tuser` bad): a beat a
//!   clock while `tready`, frames back to back; a word reader runs ahead
//!   through a 4-word queue.
//! * **Completion** (`req_*`) after the frame's last beat is taken:
//!   queue, first ring index, length sent, descriptors used; the
//!   descriptors are retired and the buffer space freed. A frame whose
//!   read was refused (SLVERR/DECERR) is not sent: its completion has
//!   length 0, the fault flag, the response and the refused-read count.
//! * **Completion queue** of ring `q`: `txq.Q<q>_CTRL` bits 23:16.
//!
//! Custom Verilog; simulated in Verilator with its rings and mover
//! (`sim/tests/tx_engine.rs`).

use crate::dma::bank_ram::{banked, Addr, Lane};
use crate::dma::cpl_queue::CQ_BITS;
use crate::dma::desc_fetch::{CACHE_BITS, RING_BITS, RING_SLOTS};
use crate::dma::regs::DMA_CFG_BITS;
use ferronic_regmap::dma::{cpl_flags, desc_flags, COMPLETION, DESCRIPTOR};
use ferronic_regmap::RegMap;
use rust_hdl::prelude::*;

/// Transmit frames gathered and not yet completed, at most.
pub const TX_SLOTS: usize = 32;

/// Transmit buffer size, log2 bytes (32 KiB: the longest frame,
/// [`crate::MAX_FRAME`] bytes, with room for the reads in flight behind
/// it).
pub const TX_BUFFER_BITS: usize = 15;

/// The transmit engine's control and buffer (2^`A` bytes); see the module
/// documentation.
#[derive(LogicBlock)]
pub struct TxCore<const A: usize> {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub cfg: Signal<In, Bits<DMA_CFG_BITS>>,
    pub tk_valid: Signal<Out, Bit>,
    pub tk_q: Signal<Out, Bits<RING_BITS>>,
    pub td_valid: Signal<In, Bit>,
    pub td_ok: Signal<In, Bit>,
    pub td_index: Signal<In, Bits<16>>,
    pub td_desc: Signal<In, Bits<128>>,
    pub cm_valid: Signal<Out, Bit>,
    pub cm_q: Signal<Out, Bits<RING_BITS>>,
    pub rt_valid: Signal<Out, Bit>,
    pub rt_q: Signal<Out, Bits<RING_BITS>>,
    pub rt_n: Signal<Out, Bits<8>>,
    pub q_avail: Signal<In, Bits<RING_SLOTS>>,
    pub c_valid: Signal<Out, Bit>,
    pub c_ready: Signal<In, Bit>,
    pub c_haddr: Signal<Out, Bits<64>>,
    pub c_raddr: Signal<Out, Bits<A>>,
    pub c_len: Signal<Out, Bits<16>>,
    pub c_tag: Signal<Out, Bits<8>>,
    pub st_valid: Signal<In, Bit>,
    pub st_tag: Signal<In, Bits<8>>,
    pub st_resp: Signal<In, Bits<2>>,
    pub ram_wr_en: Signal<In, Bit>,
    pub ram_wr_addr: Signal<In, Bits<A>>,
    pub ram_wr_data: Signal<In, Bits<128>>,
    pub ram_wr_strb: Signal<In, Bits<16>>,
    pub m_axis_tdata: Signal<Out, Bits<64>>,
    pub m_axis_tkeep: Signal<Out, Bits<8>>,
    pub m_axis_tvalid: Signal<Out, Bit>,
    pub m_axis_tready: Signal<In, Bit>,
    pub m_axis_tlast: Signal<Out, Bit>,
    pub m_axis_tuser: Signal<Out, Bit>,
    pub m_axis_tdest: Signal<Out, Bits<RING_BITS>>,
    pub req_valid: Signal<Out, Bit>,
    pub req_ready: Signal<In, Bit>,
    pub req_cq: Signal<Out, Bits<CQ_BITS>>,
    pub req_rec: Signal<Out, Bits<256>>,
    pub err_valid: Signal<Out, Bit>,
    pub idle: Signal<Out, Bit>,
    _body: String,
}

/// The body. Tokens: `@A@` buffer address bits, `@QB@` ring bits, `@N@`
/// rings, `@CQB@`, `@CACHE@`, `@MAX@` longest frame, `@SEL@` the
/// ring-to-queue wires, `@DLEN@`/`@DADDR@`/`@EOP@`/`@BAD@` the
/// descriptor's fields, `@REC@` the completion record.
const BODY: &str = include_str!("tx_core.v.in");

impl<const A: usize> TxCore<A> {
    /// The transmit engine's control for `map`'s transmit rings.
    pub fn new(map: &RegMap) -> Self {
        TxCore {
            clock: Default::default(),
            rst: Default::default(),
            cfg: Default::default(),
            tk_valid: Default::default(),
            tk_q: Default::default(),
            td_valid: Default::default(),
            td_ok: Default::default(),
            td_index: Default::default(),
            td_desc: Default::default(),
            cm_valid: Default::default(),
            cm_q: Default::default(),
            rt_valid: Default::default(),
            rt_q: Default::default(),
            rt_n: Default::default(),
            q_avail: Default::default(),
            c_valid: Default::default(),
            c_ready: Default::default(),
            c_haddr: Default::default(),
            c_raddr: Default::default(),
            c_len: Default::default(),
            c_tag: Default::default(),
            st_valid: Default::default(),
            st_tag: Default::default(),
            st_resp: Default::default(),
            ram_wr_en: Default::default(),
            ram_wr_addr: Default::default(),
            ram_wr_data: Default::default(),
            ram_wr_strb: Default::default(),
            m_axis_tdata: Default::default(),
            m_axis_tkeep: Default::default(),
            m_axis_tvalid: Default::default(),
            m_axis_tready: Default::default(),
            m_axis_tlast: Default::default(),
            m_axis_tuser: Default::default(),
            m_axis_tdest: Default::default(),
            req_valid: Default::default(),
            req_ready: Default::default(),
            req_cq: Default::default(),
            req_rec: Default::default(),
            err_valid: Default::default(),
            idle: Default::default(),
            _body: Self::verilog(map),
        }
    }

    /// The body for `map`.
    pub fn verilog(map: &RegMap) -> String {
        assert_eq!(A, TX_BUFFER_BITS, "transmit buffer of 2^{A} bytes");
        let sel = crate::dma::ring_cq_sel(map, "txq");
        let range = |l: &ferronic_regmap::dma::Layout, f: &str| {
            let f = l.field(f);
            format!("{}:{}", f.bit + f.bits - 1, f.bit)
        };
        let flag = |bit: u16| {
            let f = DESCRIPTOR.field("FLAGS");
            (f.bit + bit.trailing_zeros()).to_string()
        };
        let fields = [
            ("QUEUE", "{{(16-@QB@){1'b0}}, k_q}"),
            ("INDEX", "k_idx"),
            ("LEN", "k_fault ? 32'd0 : {16'd0, k_len}"),
            ("DESC_COUNT", "{10'd0, k_nd}"),
            ("FLAGS", "{7'd0, k_fault, 8'd0}"),
            ("FAULT_INDEX", "k_fault ? k_idx : 16'd0"),
            ("FAULT_RESP", "k_worst"),
            ("FAULT_COUNT", "k_fcnt"),
        ];
        assert_eq!(cpl_flags::FAULT, 1 << 8);
        let rec: String = fields
            .iter()
            .map(|(f, e)| format!("  rec[{}] = {e};\n", range(&COMPLETION, f)))
            .collect();
        let lanes = Lane::write_port_bytes(16);
        let wr = Addr {
            sig: "ram_wr_addr",
            lo: 4,
        };
        let rd = Addr {
            sig: "w_addr",
            lo: 0,
        };
        let ram = banked("mem", 128, 1 << (A - 4), wr, &lanes, rd, "1'b1");
        BODY.replace("@SEL@", &sel)
            .replace("@RAM@", &ram)
            .replace("@REC@", &rec)
            .replace("@DADDR@", &range(&DESCRIPTOR, "ADDR"))
            .replace("@DLEN@", &range(&DESCRIPTOR, "LEN"))
            .replace("@DLEN16@", &{
                let f = DESCRIPTOR.field("LEN");
                format!("{}:{}", f.bit + 15, f.bit)
            })
            .replace("@DLENHI@", &{
                let f = DESCRIPTOR.field("LEN");
                assert_eq!(f.bits, 32, "descriptor LEN of 32 bits");
                format!("{}:{}", f.bit + 31, f.bit + 16)
            })
            .replace("@EOP@", &flag(desc_flags::EOP))
            .replace("@BAD@", &flag(desc_flags::BAD))
            .replace("@MAX@", &crate::MAX_FRAME.to_string())
            .replace("@N@", &RING_SLOTS.to_string())
            .replace("@QB@", &RING_BITS.to_string())
            .replace("@CQB@", &CQ_BITS.to_string())
            .replace("@CACHE@", &(1usize << CACHE_BITS).to_string())
            .replace("@A@", &A.to_string())
    }
}

impl<const A: usize> Logic for TxCore<A> {
    fn update(&mut self) {
        self.tk_valid.next = false;
        self.tk_q.next = 0.into();
        self.cm_valid.next = false;
        self.cm_q.next = 0.into();
        self.rt_valid.next = false;
        self.rt_q.next = 0.into();
        self.rt_n.next = 0.into();
        self.c_valid.next = false;
        self.c_haddr.next = 0.into();
        self.c_raddr.next = 0.into();
        self.c_len.next = 0.into();
        self.c_tag.next = 0.into();
        self.m_axis_tdata.next = 0.into();
        self.m_axis_tkeep.next = 0.into();
        self.m_axis_tvalid.next = false;
        self.m_axis_tlast.next = false;
        self.m_axis_tuser.next = false;
        self.m_axis_tdest.next = 0.into();
        self.req_valid.next = false;
        self.req_cq.next = 0.into();
        self.req_rec.next = 0.into();
        self.err_valid.next = false;
        self.idle.next = false;
    }

    fn connect(&mut self) {
        self.tk_valid.connect();
        self.tk_q.connect();
        self.cm_valid.connect();
        self.cm_q.connect();
        self.rt_valid.connect();
        self.rt_q.connect();
        self.rt_n.connect();
        self.c_valid.connect();
        self.c_haddr.connect();
        self.c_raddr.connect();
        self.c_len.connect();
        self.c_tag.connect();
        self.m_axis_tdata.connect();
        self.m_axis_tkeep.connect();
        self.m_axis_tvalid.connect();
        self.m_axis_tlast.connect();
        self.m_axis_tuser.connect();
        self.m_axis_tdest.connect();
        self.req_valid.connect();
        self.req_cq.connect();
        self.req_rec.connect();
        self.err_valid.connect();
        self.idle.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(self._body.clone())
    }
}
