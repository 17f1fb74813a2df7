//! `CplQueue`: the completion queues (issue 13; DESIGN.md section 7b,
//! after Corundum's completion queue manager). It takes 32-byte
//! completion records for any completion queue, writes each into the next
//! slot of its queue in host memory with the queue's phase in bit 255, keeps
//! the producer indices the driver reads (`cq.C<n>_PROD`), waits while a
//! queue is full, and raises the queues' interrupt vectors.
//!
//! * **Requests** (`req_valid`/`req_ready`, a holding register;
//!   `req_ready` rises 2 clocks after `rst` falls, through `run`):
//!   `req_cq` (the queue), `req_rec` (the record; bit 255 is replaced by
//!   the phase). A request for a disabled queue is dropped and pulses
//!   `cpl_drop`. One request every 6 clocks at best (the holding register
//!   takes the next request while the last word of a record is staged; the
//!   queue's configuration is picked in two registered steps); a minimum
//!   frame lasts 10.5 clocks at 10G line rate, and the `nic` top has a
//!   set per direction.
//! * **Slots**: queue `c` of 2^n entries (`C<c>_CTRL` bits 7:4, 8..15) at
//!   `C<c>_BASE` (32-byte aligned) keeps completion `i` at
//!   `BASE + 32 (i mod 2^n)`; phase = 1 on the first pass, flipped at each
//!   wrap (bit n of the index, inverted). The queue is full when its
//!   producer index (issued) less `C<c>_CONS` is 2^n: the request waits.
//!   Enabling a queue (`CTRL` bit 0 rising) zeroes its indices.
//! * **Writes**: the record goes to one of 64 staging slots in a small RAM
//!   and the write mover ([`crate::dma::dma_write`], its own AXI ID, so
//!   the record can never pass the frame data it describes: the receive
//!   engine asks for it only after that data's write responses) copies it
//!   out. `cq_prod` (the driver's `C<c>_PROD`) advances when the write's
//!   response returns; a refused write (SLVERR/DECERR) pulses `cpl_fault`
//!   (the record is lost: completion queue memory must stay mapped).
//! * **Interrupts**: `arm[c]` arms queue `c`. An armed queue fires when
//!   completions have arrived since its last interrupt and either their
//!   count reaches `C<c>_MOD` bits 15:0 (0 counts as 1) or the first of
//!   them is older than `C<c>_MOD` bits 31:16 units of 64 clocks (0: no
//!   time limit); arming a queue with unread completions (producer ahead
//!   of `C<c>_CONS`) fires it at once. A queue fires at most 2 clocks
//!   after its condition holds (the compares are registered apart from
//!   the decision). Firing disarms the queue and, 3 clocks later (the
//!   vectors are ORed in two register stages of their own), sets
//!   `irq_req[v]`, `v` = `C<c>_CTRL` bits 11:8 (the vector field's low
//!   4 bits), held until
//!   `irq_ack[v]` (XDMA's `usr_irq_req`/`usr_irq_ack`, PG195).
//!
//! * **Sets**: an instance may own only some queues
//!   ([`CplQueue::with_queues`]); the `nic` top has two, as Corundum
//!   has: receive completions into queues 0..7, transmit into 8..15, each
//!   set with its own write mover (a record every 6 clocks each).
//!
//! Custom Verilog generated from the register map (the `cfg` bus word of
//! each `C<c>_*` register), simulated in Verilator (`sim/tests/cpl_queue.rs`).

use crate::dma::bank_ram::{banked, Addr, Lane};
use crate::dma::dma_write::DmaWrite;
use crate::dma::regs::{DmaRegs, DMA_CFG_BITS};
use ferronic_regmap::RegMap;
use rust_hdl::prelude::*;

/// Completion queue slots: one per ring slot of each direction
/// ([`crate::dma::desc_fetch::RING_SLOTS`]), so 16 in builds of 8 queues or
/// fewer. A build of fewer than 8 queues has registers for its
/// [`crate::dma::regs::DMA_STROBES`] queues only; the other slots' configuration is tied
/// to 0 (disabled: a request for one is dropped and pulses `cpl_drop`).
pub const CQS: usize = 2 * crate::dma::desc_fetch::RING_SLOTS;
/// Bits of a completion queue number.
pub const CQ_BITS: usize = crate::params::log2(CQS);
/// Interrupt vectors (`irq_req` bits; XDMA has up to 16 user interrupts).
pub const IRQS: usize = 16;
/// Staging slots, log2 (64): a slot is held from the record's issue to
/// its write response, about 170 clocks with 1 us memory, and both
/// directions at 10G line rate with 64-byte frames complete 29.8 M
/// records a second (one every 5.25 clocks): 32 or more must be in flight.
pub const SLOT_BITS: usize = 6;
/// Staging RAM address bits (2^[`SLOT_BITS`] slots of 32 bytes).
pub const STAGE_BITS: usize = SLOT_BITS + 5;

const _: () = assert!(CQS == 1 << CQ_BITS);
// the configuration is picked in groups of 4 queues (cpl_queue.v.in)
const _: () = assert!(CQS.is_multiple_of(4) && CQ_BITS >= 3);

/// Every completion queue, as an `own` mask.
pub const ALL_CQS: u128 = u128::MAX >> (128 - CQS);

/// The control part: request intake, indices, staging RAM, interrupts;
/// [`CplQueue`] joins it to its write mover.
#[derive(LogicBlock)]
pub struct CplCore<const D: usize> {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub cfg: Signal<In, Bits<DMA_CFG_BITS>>,
    pub arm: Signal<In, Bits<CQS>>,
    pub req_valid: Signal<In, Bit>,
    pub req_ready: Signal<Out, Bit>,
    pub req_cq: Signal<In, Bits<CQ_BITS>>,
    pub req_rec: Signal<In, Bits<256>>,
    pub cq_prod: Signal<Out, Bits<{ 16 * CQS }>>,
    pub cq_armed: Signal<Out, Bits<CQS>>,
    pub cq_full: Signal<Out, Bits<CQS>>,
    pub irq_req: Signal<Out, Bits<IRQS>>,
    pub irq_ack: Signal<In, Bits<IRQS>>,
    pub cpl_drop: Signal<Out, Bit>,
    pub cpl_fault: Signal<Out, Bit>,
    pub c_valid: Signal<Out, Bit>,
    pub c_ready: Signal<In, Bit>,
    pub c_haddr: Signal<Out, Bits<64>>,
    pub c_raddr: Signal<Out, Bits<STAGE_BITS>>,
    pub c_len: Signal<Out, Bits<16>>,
    pub c_tag: Signal<Out, Bits<8>>,
    pub st_valid: Signal<In, Bit>,
    pub st_tag: Signal<In, Bits<8>>,
    pub st_resp: Signal<In, Bits<2>>,
    pub ram_rd_en: Signal<In, Bit>,
    pub ram_rd_addr: Signal<In, Bits<STAGE_BITS>>,
    pub ram_rd_data: Signal<Out, Bits<D>>,
    _body: String,
}

/// The body. Tokens: `@DW@` bus bits, `@W@` staging words a slot
/// (32 / bytes), `@LW@` log2 of it, `@LB@` log2 bus bytes, `@SEL@` the
/// per-queue configuration muxes.
const BODY: &str = include_str!("cpl_queue.v.in");

impl<const D: usize> CplCore<D> {
    /// The block for `map` (the default build's engine blocks), writing
    /// every completion queue.
    pub fn new(map: &RegMap) -> Self {
        Self::with_queues(map, ALL_CQS)
    }

    /// The block for `map` writing only the queues of `own` (bit c: queue
    /// c): requests for other queues are dropped (`cpl_drop`), their arms
    /// ignored, their `cq_prod`, `cq_armed` and `cq_full` bits stay 0, so
    /// two instances with disjoint `own` can be ORed.
    pub fn with_queues(map: &RegMap, own: u128) -> Self {
        CplCore {
            clock: Default::default(),
            rst: Default::default(),
            cfg: Default::default(),
            arm: Default::default(),
            req_valid: Default::default(),
            req_ready: Default::default(),
            req_cq: Default::default(),
            req_rec: Default::default(),
            cq_prod: Default::default(),
            cq_armed: Default::default(),
            cq_full: Default::default(),
            irq_req: Default::default(),
            irq_ack: Default::default(),
            cpl_drop: Default::default(),
            cpl_fault: Default::default(),
            c_valid: Default::default(),
            c_ready: Default::default(),
            c_haddr: Default::default(),
            c_raddr: Default::default(),
            c_len: Default::default(),
            c_tag: Default::default(),
            st_valid: Default::default(),
            st_tag: Default::default(),
            st_resp: Default::default(),
            ram_rd_en: Default::default(),
            ram_rd_addr: Default::default(),
            ram_rd_data: Default::default(),
            _body: Self::verilog(map, own),
        }
    }

    /// The body for `map`, writing the queues of `own`.
    pub fn verilog(map: &RegMap, own: u128) -> String {
        let k = D / 8;
        assert!(matches!(k, 8 | 16), "bus of {k} bytes");
        let w = 32 / k;
        let lw = (w.trailing_zeros() as usize).max(1);
        let lb = k.trailing_zeros() as usize;
        let word = |c: usize, r: &str| {
            DmaRegs::cfg_word(map, &format!("cq.C{c}_{r}")).unwrap_or_else(|| panic!("cq.C{c}_{r}"))
        };
        // bits hi..lo of cfg word k
        let bits = |k: usize, hi: usize, lo: usize| format!("cfg[{}:{}]", 32 * k + hi, 32 * k + lo);
        let sel: String = (0..CQS)
            .map(|c| {
                if DmaRegs::cfg_word(map, &format!("cq.C{c}_CTRL")).is_none() {
                    // a slot past the build's completion queues: disabled
                    return format!(
                        "assign q_base[{c}] = 64'd0; assign q_ctrl[{c}] = 32'd0; assign q_cons[{c}] = 16'd0; assign q_mod[{c}] = 32'd0;\n"
                    );
                }
                format!(
                    "assign q_base[{c}] = {{{}, {}, 5'd0}}; assign q_ctrl[{c}] = {}; assign q_cons[{c}] = {}; assign q_mod[{c}] = {};\n",
                    bits(word(c, "BASE_HI"), 31, 0),
                    bits(word(c, "BASE_LO"), 31, 5),
                    bits(word(c, "CTRL"), 31, 0),
                    bits(word(c, "CONS"), 15, 0),
                    bits(word(c, "MOD"), 31, 0),
                )
            })
            .collect();
        let low = STAGE_BITS - SLOT_BITS;
        let entry = Lane {
            en: "sr_we".into(),
            hi: D - 1,
            lo: 0,
            data: "sr_wd".into(),
        };
        let (wr, rd) = (
            Addr {
                sig: "sr_wa",
                lo: 0,
            },
            Addr {
                sig: "ram_rd_addr",
                lo: lb,
            },
        );
        let sr = banked("sr", D, (1 << SLOT_BITS) * w, wr, &[entry], rd, "1'b1");
        crate::dma::sized(BODY, CQS > 16)
            .replace("@SEL@", &sel)
            .replace("@SR@", &sr)
            .replace("@OWN@", &format!("{CQS}'h{own:x}"))
            .replace("@SLOTSM1@", &((1usize << SLOT_BITS) - 1).to_string())
            .replace("@SLOTS@", &(1usize << SLOT_BITS).to_string())
            .replace("@SBM1@", &(SLOT_BITS - 1).to_string())
            .replace("@SB1@", &(SLOT_BITS + 1).to_string())
            .replace("@SB@", &SLOT_BITS.to_string())
            .replace("@TAGZ@", &format!("{}'d0", 8 - SLOT_BITS))
            .replace("@N@", &CQS.to_string())
            .replace("@CQM1@", &(CQ_BITS - 1).to_string())
            .replace("@GBM1@", &(CQ_BITS - 3).to_string())
            .replace("@DW@", &D.to_string())
            .replace("@W@", &w.to_string())
            .replace("@WM1@", &(w - 1).to_string())
            .replace("@WM2@", &(w - 2).to_string())
            .replace("@LWM1@'d", &format!("{lw}'d"))
            .replace("@LWM1@", &(lw - 1).to_string())
            .replace("@SRM1@", &(SLOT_BITS - 1 + lw).to_string())
            .replace("@STM1@", &(STAGE_BITS - 1).to_string())
            .replace("@LBM1@", &(lb - 1).to_string())
            .replace("@LB@", &lb.to_string())
            .replace("@LOWZ@", &format!("{low}'d0"))
    }
}

impl<const D: usize> Logic for CplCore<D> {
    fn update(&mut self) {
        self.req_ready.next = false;
        self.cq_prod.next = 0.into();
        self.cq_armed.next = 0.into();
        self.cq_full.next = 0.into();
        self.irq_req.next = 0.into();
        self.cpl_drop.next = false;
        self.cpl_fault.next = false;
        self.c_valid.next = false;
        self.c_haddr.next = 0.into();
        self.c_raddr.next = 0.into();
        self.c_len.next = 0.into();
        self.c_tag.next = 0.into();
        self.ram_rd_data.next = 0.into();
    }

    fn connect(&mut self) {
        self.req_ready.connect();
        self.cq_prod.connect();
        self.cq_armed.connect();
        self.cq_full.connect();
        self.irq_req.connect();
        self.cpl_drop.connect();
        self.cpl_fault.connect();
        self.c_valid.connect();
        self.c_haddr.connect();
        self.c_raddr.connect();
        self.c_len.connect();
        self.c_tag.connect();
        self.ram_rd_data.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(self._body.clone())
    }
}

/// [`CplCore`] with its write mover on a 128-bit AXI4 bus: the
/// completion queues as the engine instantiates them.
#[derive(LogicBlock)]
pub struct CplQueue {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub cfg: Signal<In, Bits<DMA_CFG_BITS>>,
    pub arm: Signal<In, Bits<CQS>>,
    pub req_valid: Signal<In, Bit>,
    pub req_ready: Signal<Out, Bit>,
    pub req_cq: Signal<In, Bits<CQ_BITS>>,
    pub req_rec: Signal<In, Bits<256>>,
    pub cq_prod: Signal<Out, Bits<{ 16 * CQS }>>,
    pub cq_armed: Signal<Out, Bits<CQS>>,
    pub cq_full: Signal<Out, Bits<CQS>>,
    pub irq_req: Signal<Out, Bits<IRQS>>,
    pub irq_ack: Signal<In, Bits<IRQS>>,
    pub cpl_drop: Signal<Out, Bit>,
    pub cpl_fault: Signal<Out, Bit>,
    pub m_axi_awaddr: Signal<Out, Bits<64>>,
    pub m_axi_awlen: Signal<Out, Bits<8>>,
    pub m_axi_awsize: Signal<Out, Bits<3>>,
    pub m_axi_awburst: Signal<Out, Bits<2>>,
    pub m_axi_awvalid: Signal<Out, Bit>,
    pub m_axi_awready: Signal<In, Bit>,
    pub m_axi_wdata: Signal<Out, Bits<128>>,
    pub m_axi_wstrb: Signal<Out, Bits<16>>,
    pub m_axi_wlast: Signal<Out, Bit>,
    pub m_axi_wvalid: Signal<Out, Bit>,
    pub m_axi_wready: Signal<In, Bit>,
    pub m_axi_bresp: Signal<In, Bits<2>>,
    pub m_axi_bvalid: Signal<In, Bit>,
    pub m_axi_bready: Signal<Out, Bit>,
    core: CplCore<128>,
    mover: DmaWrite<128, 16, STAGE_BITS>,
}

impl CplQueue {
    /// The completion queues for `map`, all of them.
    pub fn new(map: &RegMap) -> Self {
        Self::with_queues(map, ALL_CQS)
    }

    /// The completion queues of `own` (bit c: queue c) for `map`; see
    /// [`CplCore::with_queues`].
    pub fn with_queues(map: &RegMap, own: u128) -> Self {
        CplQueue {
            clock: Default::default(),
            rst: Default::default(),
            cfg: Default::default(),
            arm: Default::default(),
            req_valid: Default::default(),
            req_ready: Default::default(),
            req_cq: Default::default(),
            req_rec: Default::default(),
            cq_prod: Default::default(),
            cq_armed: Default::default(),
            cq_full: Default::default(),
            irq_req: Default::default(),
            irq_ack: Default::default(),
            cpl_drop: Default::default(),
            cpl_fault: Default::default(),
            m_axi_awaddr: Default::default(),
            m_axi_awlen: Default::default(),
            m_axi_awsize: Default::default(),
            m_axi_awburst: Default::default(),
            m_axi_awvalid: Default::default(),
            m_axi_awready: Default::default(),
            m_axi_wdata: Default::default(),
            m_axi_wstrb: Default::default(),
            m_axi_wlast: Default::default(),
            m_axi_wvalid: Default::default(),
            m_axi_wready: Default::default(),
            m_axi_bresp: Default::default(),
            m_axi_bvalid: Default::default(),
            m_axi_bready: Default::default(),
            core: CplCore::with_queues(map, own),
            // records are 32-byte aligned in the staging RAM and in host
            // memory: the mover needs no shifter
            // (and the staging RAM answers a read in 2 clocks)
            mover: DmaWrite::aligned().with_read_latency_2(),
        }
    }
}

impl Logic for CplQueue {
    #[hdl_gen]
    fn update(&mut self) {
        self.core.clock.next = self.clock.val();
        self.mover.clock.next = self.clock.val();
        self.core.rst.next = self.rst.val();
        self.mover.rst.next = self.rst.val();
        self.core.cfg.next = self.cfg.val();
        self.core.arm.next = self.arm.val();
        self.core.req_valid.next = self.req_valid.val();
        self.req_ready.next = self.core.req_ready.val();
        self.core.req_cq.next = self.req_cq.val();
        self.core.req_rec.next = self.req_rec.val();
        self.cq_prod.next = self.core.cq_prod.val();
        self.cq_armed.next = self.core.cq_armed.val();
        self.cq_full.next = self.core.cq_full.val();
        self.irq_req.next = self.core.irq_req.val();
        self.core.irq_ack.next = self.irq_ack.val();
        self.cpl_drop.next = self.core.cpl_drop.val();
        self.cpl_fault.next = self.core.cpl_fault.val();
        self.mover.c_valid.next = self.core.c_valid.val();
        self.core.c_ready.next = self.mover.c_ready.val();
        self.mover.c_haddr.next = self.core.c_haddr.val();
        self.mover.c_raddr.next = self.core.c_raddr.val();
        self.mover.c_len.next = self.core.c_len.val();
        self.mover.c_tag.next = self.core.c_tag.val();
        self.core.st_valid.next = self.mover.st_valid.val();
        self.core.st_tag.next = self.mover.st_tag.val();
        self.core.st_resp.next = self.mover.st_resp.val();
        self.core.ram_rd_en.next = self.mover.ram_rd_en.val();
        self.core.ram_rd_addr.next = self.mover.ram_rd_addr.val();
        self.mover.ram_rd_data.next = self.core.ram_rd_data.val();
        self.m_axi_awaddr.next = self.mover.m_axi_awaddr.val();
        self.m_axi_awlen.next = self.mover.m_axi_awlen.val();
        self.m_axi_awsize.next = self.mover.m_axi_awsize.val();
        self.m_axi_awburst.next = self.mover.m_axi_awburst.val();
        self.m_axi_awvalid.next = self.mover.m_axi_awvalid.val();
        self.mover.m_axi_awready.next = self.m_axi_awready.val();
        self.m_axi_wdata.next = self.mover.m_axi_wdata.val();
        self.m_axi_wstrb.next = self.mover.m_axi_wstrb.val();
        self.m_axi_wlast.next = self.mover.m_axi_wlast.val();
        self.m_axi_wvalid.next = self.mover.m_axi_wvalid.val();
        self.mover.m_axi_wready.next = self.m_axi_wready.val();
        self.mover.m_axi_bresp.next = self.m_axi_bresp.val();
        self.mover.m_axi_bvalid.next = self.m_axi_bvalid.val();
        self.m_axi_bready.next = self.mover.m_axi_bready.val();
    }
}
