//! `RxCore`: the receive engine's control (issue 13; DESIGN.md section
//! 7b). It takes frames from the receive buffer ([`crate::dma::rx_buffer`])
//! in arrival order, writes each into the next posted buffers of its RSS
//! queue's ring ([`crate::dma::desc_fetch`]) through the write mover
//! ([`crate::dma::dma_write`]), and once the writes are answered asks for
//! the completion ([`crate::dma::cpl_queue`]) and releases the frame.
//!
//! * **Attempts**: one at a time. A frame takes descriptors until their
//!   lengths cover it (a jumbo frame spans several; a descriptor of
//!   length 0 is used and skipped), one write per descriptor, then
//!   commits them. When its ring has nothing posted (or the engine or the
//!   ring is off, or the frame would need more than the 32 descriptors a
//!   ring's cache holds) the attempt gives its descriptors back (rollback)
//!   and the frame is dropped **whole**: `drop_valid`/`drop_queue`. A
//!   frame of length 0 is dropped the same way.
//! * **In flight**: 32 frame slots, retired in arrival order (the receive
//!   buffer frees words in that order). A slot is done when its attempt is
//!   fully issued and every write's status is back (the write tag is the
//!   slot).
//! * **Retire**: a done slot with every write answered OKAY asks for its
//!   completion (`req_*`: queue, first ring index, length, descriptors
//!   used, `tuser`, hash, migrated tag; [`ferronic_regmap::dma::COMPLETION`]),
//!   retires its descriptors (`rt_*`: the ring's `CONS`) and releases the
//!   frame (`rel_*`). A refused write (SLVERR/DECERR: a page fault) makes
//!   a fault record instead (flag bit 8, length 0, the refused attempt's
//!   descriptors, its worst response and refused-write count), and the
//!   frame is written again from the buffer into the next posted
//!   descriptors before any later frame retires, so nothing is lost and
//!   order is kept.
//! * **Completion queue** of ring `q`: `rxq.Q<q>_CTRL` bits 23:16 (low 4
//!   used).
//!
//! One frame of one descriptor takes 7 clocks to issue and 5 to retire
//! (a minimum frame lasts 10.5 clocks at 10G).
//!
//! Custom Verilog; simulated in Verilator with its neighbours
//! (`sim/tests/rx_engine/`).

use crate::dma::cpl_queue::CQ_BITS;
use crate::dma::desc_fetch::{CACHE_BITS, RING_BITS, RING_SLOTS};
use crate::dma::regs::DMA_CFG_BITS;
use ferronic_regmap::dma::{cpl_flags, COMPLETION, DESCRIPTOR};
use ferronic_regmap::RegMap;
use rust_hdl::prelude::*;

/// Receive frames in flight (written, not yet completed), at most.
pub const RX_SLOTS: usize = 32;

/// The receive engine's control for a receive buffer of 2^`A` bytes; see
/// the module documentation.
#[derive(LogicBlock)]
pub struct RxCore<const A: usize> {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub cfg: Signal<In, Bits<DMA_CFG_BITS>>,
    pub m_frame_valid: Signal<In, Bit>,
    pub m_frame_ready: Signal<Out, Bit>,
    pub m_frame_addr: Signal<In, Bits<A>>,
    pub m_frame_len: Signal<In, Bits<16>>,
    pub m_frame_queue: Signal<In, Bits<RING_BITS>>,
    pub m_frame_tuser: Signal<In, Bits<6>>,
    pub m_frame_tag: Signal<In, Bits<64>>,
    pub m_frame_hash: Signal<In, Bits<32>>,
    pub m_frame_end: Signal<In, Bits<17>>,
    pub rel_valid: Signal<Out, Bit>,
    pub rel_end: Signal<Out, Bits<17>>,
    pub tk_valid: Signal<Out, Bit>,
    pub tk_q: Signal<Out, Bits<RING_BITS>>,
    pub td_valid: Signal<In, Bit>,
    pub td_ok: Signal<In, Bit>,
    pub td_index: Signal<In, Bits<16>>,
    pub td_desc: Signal<In, Bits<128>>,
    pub cm_valid: Signal<Out, Bit>,
    pub cm_q: Signal<Out, Bits<RING_BITS>>,
    pub rb_valid: Signal<Out, Bit>,
    pub rb_q: Signal<Out, Bits<RING_BITS>>,
    pub rt_valid: Signal<Out, Bit>,
    pub rt_q: Signal<Out, Bits<RING_BITS>>,
    pub rt_n: Signal<Out, Bits<8>>,
    pub q_posted: Signal<In, Bits<RING_SLOTS>>,
    pub c_valid: Signal<Out, Bit>,
    pub c_ready: Signal<In, Bit>,
    pub c_haddr: Signal<Out, Bits<64>>,
    pub c_raddr: Signal<Out, Bits<A>>,
    pub c_len: Signal<Out, Bits<16>>,
    pub c_tag: Signal<Out, Bits<8>>,
    pub st_valid: Signal<In, Bit>,
    pub st_tag: Signal<In, Bits<8>>,
    pub st_resp: Signal<In, Bits<2>>,
    pub req_valid: Signal<Out, Bit>,
    pub req_ready: Signal<In, Bit>,
    pub req_cq: Signal<Out, Bits<CQ_BITS>>,
    pub req_rec: Signal<Out, Bits<256>>,
    pub drop_valid: Signal<Out, Bit>,
    pub drop_queue: Signal<Out, Bits<RING_BITS>>,
    pub fault_valid: Signal<Out, Bit>,
    pub idle: Signal<Out, Bit>,
    _body: String,
}

/// The body. Tokens: `@A@` buffer address bits, `@QB@` ring bits, `@N@`
/// rings, `@CQB@` completion-queue bits, `@CACHE@` descriptors a ring's
/// cache holds, `@SEL@` the ring-to-queue wires, `@DLEN@`/`@DADDR@` the
/// descriptor's fields, `@REC@` the completion record's fields.
const BODY: &str = include_str!("rx_core.v.in");

impl<const A: usize> RxCore<A> {
    /// The receive engine's control for `map`'s receive rings.
    pub fn new(map: &RegMap) -> Self {
        RxCore {
            clock: Default::default(),
            rst: Default::default(),
            cfg: Default::default(),
            m_frame_valid: Default::default(),
            m_frame_ready: Default::default(),
            m_frame_addr: Default::default(),
            m_frame_len: Default::default(),
            m_frame_queue: Default::default(),
            m_frame_tuser: Default::default(),
            m_frame_tag: Default::default(),
            m_frame_hash: Default::default(),
            m_frame_end: Default::default(),
            rel_valid: Default::default(),
            rel_end: Default::default(),
            tk_valid: Default::default(),
            tk_q: Default::default(),
            td_valid: Default::default(),
            td_ok: Default::default(),
            td_index: Default::default(),
            td_desc: Default::default(),
            cm_valid: Default::default(),
            cm_q: Default::default(),
            rb_valid: Default::default(),
            rb_q: Default::default(),
            rt_valid: Default::default(),
            rt_q: Default::default(),
            rt_n: Default::default(),
            q_posted: Default::default(),
            c_valid: Default::default(),
            c_ready: Default::default(),
            c_haddr: Default::default(),
            c_raddr: Default::default(),
            c_len: Default::default(),
            c_tag: Default::default(),
            st_valid: Default::default(),
            st_tag: Default::default(),
            st_resp: Default::default(),
            req_valid: Default::default(),
            req_ready: Default::default(),
            req_cq: Default::default(),
            req_rec: Default::default(),
            drop_valid: Default::default(),
            drop_queue: Default::default(),
            fault_valid: Default::default(),
            idle: Default::default(),
            _body: Self::verilog(map),
        }
    }

    /// The body for `map`.
    pub fn verilog(map: &RegMap) -> String {
        assert!(A <= 16, "receive buffer of 2^{A} bytes");
        let sel = crate::dma::ring_cq_sel(map, "rxq");
        let range = |l: &ferronic_regmap::dma::Layout, f: &str| {
            let f = l.field(f);
            format!("{}:{}", f.bit + f.bits - 1, f.bit)
        };
        // the record, field by field from the layout (PHASE is the
        // completion queue's)
        let fields = [
            ("QUEUE", "{{(16-@QB@){1'b0}}, r_q}".to_string()),
            ("INDEX", "r_idx".into()),
            ("LEN", "r_fault ? 32'd0 : {16'd0, r_len}".into()),
            ("DESC_COUNT", "{10'd0, r_nd}".into()),
            (
                "FLAGS",
                format!(
                    "{{7'd0, r_fault, 2'd0, r_user}} /* fault = {:#x} */",
                    cpl_flags::FAULT
                ),
            ),
            ("HASH", "r_hash".into()),
            ("TAG", "r_tag".into()),
            ("FAULT_INDEX", "r_fault ? r_idx : 16'd0".into()),
            ("FAULT_RESP", "r_worst".into()),
            ("FAULT_COUNT", "r_fcnt".into()),
        ];
        assert_eq!(cpl_flags::FAULT, 1 << 8);
        let rec: String = fields
            .iter()
            .map(|(f, e)| format!("  rec[{}] = {e};\n", range(&COMPLETION, f)))
            .collect();
        BODY.replace("@SEL@", &sel)
            .replace("@REC@", &rec)
            .replace("@DADDR@", &range(&DESCRIPTOR, "ADDR"))
            .replace("@DLEN@", &range(&DESCRIPTOR, "LEN"))
            .replace("@N@", &RING_SLOTS.to_string())
            .replace("@QB@", &RING_BITS.to_string())
            .replace("@CQB@", &CQ_BITS.to_string())
            .replace("@CACHE@", &(1usize << CACHE_BITS).to_string())
            .replace("@A@", &A.to_string())
    }
}

impl<const A: usize> Logic for RxCore<A> {
    fn update(&mut self) {
        self.m_frame_ready.next = false;
        self.rel_valid.next = false;
        self.rel_end.next = 0.into();
        self.tk_valid.next = false;
        self.tk_q.next = 0.into();
        self.cm_valid.next = false;
        self.cm_q.next = 0.into();
        self.rb_valid.next = false;
        self.rb_q.next = 0.into();
        self.rt_valid.next = false;
        self.rt_q.next = 0.into();
        self.rt_n.next = 0.into();
        self.c_valid.next = false;
        self.c_haddr.next = 0.into();
        self.c_raddr.next = 0.into();
        self.c_len.next = 0.into();
        self.c_tag.next = 0.into();
        self.req_valid.next = false;
        self.req_cq.next = 0.into();
        self.req_rec.next = 0.into();
        self.drop_valid.next = false;
        self.drop_queue.next = 0.into();
        self.fault_valid.next = false;
        self.idle.next = false;
    }

    fn connect(&mut self) {
        self.m_frame_ready.connect();
        self.rel_valid.connect();
        self.rel_end.connect();
        self.tk_valid.connect();
        self.tk_q.connect();
        self.cm_valid.connect();
        self.cm_q.connect();
        self.rb_valid.connect();
        self.rb_q.connect();
        self.rt_valid.connect();
        self.rt_q.connect();
        self.rt_n.connect();
        self.c_valid.connect();
        self.c_haddr.connect();
        self.c_raddr.connect();
        self.c_len.connect();
        self.c_tag.connect();
        self.req_valid.connect();
        self.req_cq.connect();
        self.req_rec.connect();
        self.drop_valid.connect();
        self.drop_queue.connect();
        self.fault_valid.connect();
        self.idle.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(self._body.clone())
    }
}
