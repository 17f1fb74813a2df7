//! `DescFetch`: the descriptor rings of one direction (issue 13;
//! DESIGN.md section 7b, after Corundum's queue manager and descriptor
//! fetch). It keeps each ring's indices, reads posted descriptors from
//! host memory in batches into an on-chip cache, hands them to the
//! engine that uses them (receive or transmit) and reports the consumer
//! indices the driver reads.
//!
//! * **Rings** ([`RINGS`] in [`RING_SLOTS`], `rxq.Q<n>_*` or `txq.Q<n>_*`): ring `q` of
//!   2^n entries (`CTRL` bits 7:4, 8..=15) at `BASE` (16-byte aligned)
//!   keeps descriptor `i` ([`ferronic_regmap::dma::DESCRIPTOR`], 16
//!   bytes) at `BASE + 16 (i mod 2^n)`. Indices are 16-bit, free-running.
//!   Per ring the block keeps `fetched` (read requested), `arrived`,
//!   `taken`, `committed` and `retired` (the driver's `CONS`). Enabling a
//!   ring (`CTRL` bit 0 rising) zeroes them; a ring whose earlier
//!   fetches are still in flight waits for them first, so a stale read
//!   cannot land in its fresh cache.
//! * **Fetch**: a round robin spends 5 or 6 clocks on each enabled ring;
//!   when descriptors are posted (`PROD` - fetched > 0) and the ring's
//!   cache has room, one read of min(posted, room, up to the cache's
//!   wrap) descriptors (at most 2^[`CACHE_BITS`] = 512 bytes) goes to the
//!   read mover. Many reads are outstanding at once (up to 31), so 1 us of
//!   memory latency still keeps the cache ahead of a 10G ring.
//! * **Take** (`tk_valid`, `tk_q`): 4 clocks later `td_valid` with
//!   `td_ok` (a descriptor had arrived), `td_index` (its ring index) and
//!   `td_desc` (the 16 bytes, byte 0 in bits 7:0). One take in flight: the
//!   next may be asked in the clock `td_valid` is high. `q_avail[q]`
//!   (arrived, not taken) and `q_posted[q]` (posted, not taken: fetched
//!   or not) are registered views for the user's decisions.
//! * **Commit / rollback** (`cm_*`, `rb_*`): a take is tentative until
//!   committed; a rollback gives the ring's uncommitted takes back (a
//!   receive frame that finds too few buffers is dropped whole and its
//!   descriptors are used by the next one). Cache entries free at commit.
//!   Neither while a take is in flight for that ring; both act a clock
//!   after their pulse (registered per ring), so a take of the ring comes
//!   at least 2 clocks after its rollback (the engines' next take is 2
//!   clocks after at the earliest).
//! * **Retire** (`rt_valid`, `rt_q`, `rt_n`): `rt_n` descriptors of ring
//!   `rt_q` are done (their completion is out): `CONS` advances.
//! * **Errors**: a refused descriptor read (SLVERR/DECERR: the ring's
//!   memory is not mapped), a log size below 8, or a `PROD` more than the
//!   ring's size ahead of `CONS` stops the ring: `ring_err[q]` until the
//!   ring is enabled again; `fetch_fault` pulses for a refused read.
//!
//! Custom Verilog generated from the register map; simulated in
//! Verilator (`sim/tests/desc_fetch/`).

use crate::dma::bank_ram::{banked, Addr, Lane};
use crate::dma::dma_read::DmaRead;
use crate::dma::regs::{DmaRegs, DMA_CFG_BITS};
use ferronic_regmap::RegMap;
use rust_hdl::prelude::*;

/// Rings per direction: the build's queue count ([`crate::RX_QUEUES`]),
/// each with its `rxq.Q<n>_*` and `txq.Q<n>_*` registers.
pub const RINGS: usize = crate::RX_QUEUES;
/// Ring slots per direction in the hardware: [`RINGS`], at least 8. The
/// fetch scheduler picks a ring in two stages (4 rings a group, then one
/// of 2 or more groups), so a build of 1, 2 or 4 queues has 8 slots of
/// which only the first [`RINGS`] have registers: the others'
/// configuration is tied to 0 (never enabled, never fetched, never
/// taken; their `CONS` and bitmap bits read 0). Their cost is the
/// scheduler's visits (8 slots of 5 clocks, as in the 8-queue build) and
/// the 8-slot descriptor cache.
pub const RING_SLOTS: usize = if RINGS > 8 { RINGS } else { 8 };
/// Bits of a ring slot number.
pub const RING_BITS: usize = crate::params::log2(RING_SLOTS);
/// Descriptor cache entries per ring, log2 (32: 15 minimum frames of 10G
/// arrive in the 1 us a fetch may take, and twice that keeps a ring
/// ahead).
pub const CACHE_BITS: usize = 5;
/// Cache RAM byte-address bits (8 rings x 32 x 16 bytes = 4 KiB).
pub const DESC_RAM_BITS: usize = RING_BITS + CACHE_BITS + 4;

const _: () = assert!(RING_SLOTS == 1 << RING_BITS && crate::TX_QUEUES == crate::RX_QUEUES);
// the fetch scheduler picks a ring in two stages: 4 rings a group, then
// one of 2 or more groups
const _: () = assert!(RING_SLOTS >= 8);

/// The ring state, fetch scheduler, cache and take port; [`DescFetch`]
/// joins it to its read mover. `D`-bit bus, `K` = `D` / 8 >= 16 bytes.
#[derive(LogicBlock)]
pub struct DescCore<const D: usize, const K: usize> {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub cfg: Signal<In, Bits<DMA_CFG_BITS>>,
    pub tk_valid: Signal<In, Bit>,
    pub tk_q: Signal<In, Bits<RING_BITS>>,
    pub td_valid: Signal<Out, Bit>,
    pub td_ok: Signal<Out, Bit>,
    pub td_index: Signal<Out, Bits<16>>,
    pub td_desc: Signal<Out, Bits<128>>,
    pub cm_valid: Signal<In, Bit>,
    pub cm_q: Signal<In, Bits<RING_BITS>>,
    pub rb_valid: Signal<In, Bit>,
    pub rb_q: Signal<In, Bits<RING_BITS>>,
    pub rt_valid: Signal<In, Bit>,
    pub rt_q: Signal<In, Bits<RING_BITS>>,
    pub rt_n: Signal<In, Bits<8>>,
    pub q_avail: Signal<Out, Bits<RING_SLOTS>>,
    pub q_posted: Signal<Out, Bits<RING_SLOTS>>,
    pub cons: Signal<Out, Bits<{ 16 * RING_SLOTS }>>,
    pub ring_err: Signal<Out, Bits<RING_SLOTS>>,
    pub fetch_fault: Signal<Out, Bit>,
    pub idle: Signal<Out, Bit>,
    pub c_valid: Signal<Out, Bit>,
    pub c_ready: Signal<In, Bit>,
    pub c_haddr: Signal<Out, Bits<64>>,
    pub c_raddr: Signal<Out, Bits<DESC_RAM_BITS>>,
    pub c_len: Signal<Out, Bits<16>>,
    pub c_tag: Signal<Out, Bits<8>>,
    pub st_valid: Signal<In, Bit>,
    pub st_tag: Signal<In, Bits<8>>,
    pub st_resp: Signal<In, Bits<2>>,
    pub ram_wr_en: Signal<In, Bit>,
    pub ram_wr_addr: Signal<In, Bits<DESC_RAM_BITS>>,
    pub ram_wr_data: Signal<In, Bits<D>>,
    pub ram_wr_strb: Signal<In, Bits<K>>,
    _body: String,
}

/// The body. Tokens: `@N@` rings, `@QB@` ring bits, `@CB@` cache bits,
/// `@A@` RAM address bits, `@DW@`/`@K@`/`@LB@` bus bits, bytes, log2
/// bytes, `@LPW@` log2 descriptors a word, `@SEL@` the per-ring
/// configuration wires, `@ENG@` the engine enable bit.
const BODY: &str = include_str!("desc_fetch.v.in");

impl<const D: usize, const K: usize> DescCore<D, K> {
    /// The receive (`rx`) or transmit rings of `map`.
    pub fn new(map: &RegMap, rx: bool) -> Self {
        DescCore {
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
            rb_valid: Default::default(),
            rb_q: Default::default(),
            rt_valid: Default::default(),
            rt_q: Default::default(),
            rt_n: Default::default(),
            q_avail: Default::default(),
            q_posted: Default::default(),
            cons: Default::default(),
            ring_err: Default::default(),
            fetch_fault: Default::default(),
            idle: Default::default(),
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
            _body: Self::verilog(map, rx),
        }
    }

    /// The body for `map`'s receive (`rx`) or transmit rings.
    pub fn verilog(map: &RegMap, rx: bool) -> String {
        assert_eq!(D, 8 * K);
        assert!(matches!(K, 16 | 32 | 64), "bus of {K} bytes");
        let lb = K.trailing_zeros() as usize;
        let block = if rx { "rxq" } else { "txq" };
        let word = |path: &str| DmaRegs::cfg_word(map, path).unwrap_or_else(|| panic!("{path}"));
        let bits = |k: usize, hi: usize, lo: usize| format!("cfg[{}:{}]", 32 * k + hi, 32 * k + lo);
        let sel: String = (0..RING_SLOTS)
            .map(|q| {
                if DmaRegs::cfg_word(map, &format!("{block}.Q{q}_CTRL")).is_none() {
                    // a slot past the build's rings: never enabled
                    return format!(
                        "assign q_base[{q}] = 64'd0; assign q_ctrl[{q}] = 32'd0; assign q_prod[{q}] = 16'd0;\n"
                    );
                }
                let w = |r: &str| word(&format!("{block}.Q{q}_{r}"));
                format!(
                    "assign q_base[{q}] = {{{}, {}, 4'd0}}; assign q_ctrl[{q}] = {}; assign q_prod[{q}] = {};\n",
                    bits(w("BASE_HI"), 31, 0),
                    bits(w("BASE_LO"), 31, 4),
                    bits(w("CTRL"), 31, 0),
                    bits(w("PROD"), 15, 0),
                )
            })
            .collect();
        let eng = format!("cfg[{}]", 32 * word("dma.CTRL"));
        // the descriptor's 128-bit lane of the cache word
        let lane = if K == 16 {
            "rd".to_string()
        } else {
            let lpw = (K / 16).trailing_zeros();
            format!("rd[128*p3_t[{}:0] +: 128]", lpw - 1)
        };
        let lanes = Lane::write_port_bytes(K);
        let (wr, rd) = (
            Addr {
                sig: "ram_wr_addr",
                lo: lb,
            },
            Addr {
                sig: "rd_byte",
                lo: lb,
            },
        );
        let ram = banked("mem", D, (1 << DESC_RAM_BITS) / K, wr, &lanes, rd, "1'b1");
        // the receive rings load the take's ring three times, in kept
        // blocks: yosys merges equal flip-flops, and merged, the ring's
        // flip-flops drove the RAM address, the ring decode and the index
        // multiplexer (7 ns of routing in RxEngine); the transmit rings
        // keep one register (TxEngine places better with it: 130.5 MHz
        // against 106.1 with the copies)
        let (take, take_q) = if rx {
            (
                "reg [@QB@-1:0] p1_qt;\n\
                 (* keep *) always @(posedge clock) rd_byte <= {tk_q, t[tk_q][@CB@-1:0], 4'd0};\n\
                 (* keep *) always @(posedge clock) p1_qt <= tk_q;\n",
                "p1_qt",
            )
        } else {
            (
                "always @(posedge clock) rd_byte <= {tk_q, t[tk_q][@CB@-1:0], 4'd0};\n",
                "p1_q",
            )
        };
        crate::dma::sized(BODY, RING_SLOTS > 8)
            .replace("@TAKE@", take)
            .replace("@TAKE_Q@", take_q)
            .replace("@SEL@", &sel)
            .replace("@RAM@", &ram)
            .replace("@ENG@", &eng)
            .replace("@LANE@", &lane)
            .replace("@N@", &RING_SLOTS.to_string())
            .replace("@QB@", &RING_BITS.to_string())
            .replace("@CB@", &CACHE_BITS.to_string())
            .replace("@A@", &DESC_RAM_BITS.to_string())
            .replace("@DW@", &D.to_string())
            .replace("@K@", &K.to_string())
            .replace("@LB@", &lb.to_string())
    }
}

impl<const D: usize, const K: usize> Logic for DescCore<D, K> {
    fn update(&mut self) {
        self.td_valid.next = false;
        self.td_ok.next = false;
        self.td_index.next = 0.into();
        self.td_desc.next = 0.into();
        self.q_avail.next = 0.into();
        self.q_posted.next = 0.into();
        self.cons.next = 0.into();
        self.ring_err.next = 0.into();
        self.fetch_fault.next = false;
        self.idle.next = false;
        self.c_valid.next = false;
        self.c_haddr.next = 0.into();
        self.c_raddr.next = 0.into();
        self.c_len.next = 0.into();
        self.c_tag.next = 0.into();
    }

    fn connect(&mut self) {
        self.td_valid.connect();
        self.td_ok.connect();
        self.td_index.connect();
        self.td_desc.connect();
        self.q_avail.connect();
        self.q_posted.connect();
        self.cons.connect();
        self.ring_err.connect();
        self.fetch_fault.connect();
        self.idle.connect();
        self.c_valid.connect();
        self.c_haddr.connect();
        self.c_raddr.connect();
        self.c_len.connect();
        self.c_tag.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(self._body.clone())
    }
}

/// [`DescCore`] with its read mover on a 128-bit AXI4 bus: one
/// direction's rings as the engine instantiates them.
#[derive(LogicBlock)]
pub struct DescFetch {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub cfg: Signal<In, Bits<DMA_CFG_BITS>>,
    pub tk_valid: Signal<In, Bit>,
    pub tk_q: Signal<In, Bits<RING_BITS>>,
    pub td_valid: Signal<Out, Bit>,
    pub td_ok: Signal<Out, Bit>,
    pub td_index: Signal<Out, Bits<16>>,
    pub td_desc: Signal<Out, Bits<128>>,
    pub cm_valid: Signal<In, Bit>,
    pub cm_q: Signal<In, Bits<RING_BITS>>,
    pub rb_valid: Signal<In, Bit>,
    pub rb_q: Signal<In, Bits<RING_BITS>>,
    pub rt_valid: Signal<In, Bit>,
    pub rt_q: Signal<In, Bits<RING_BITS>>,
    pub rt_n: Signal<In, Bits<8>>,
    pub q_avail: Signal<Out, Bits<RING_SLOTS>>,
    pub q_posted: Signal<Out, Bits<RING_SLOTS>>,
    pub cons: Signal<Out, Bits<{ 16 * RING_SLOTS }>>,
    pub ring_err: Signal<Out, Bits<RING_SLOTS>>,
    pub fetch_fault: Signal<Out, Bit>,
    pub idle: Signal<Out, Bit>,
    pub m_axi_araddr: Signal<Out, Bits<64>>,
    pub m_axi_arlen: Signal<Out, Bits<8>>,
    pub m_axi_arsize: Signal<Out, Bits<3>>,
    pub m_axi_arburst: Signal<Out, Bits<2>>,
    pub m_axi_arvalid: Signal<Out, Bit>,
    pub m_axi_arready: Signal<In, Bit>,
    pub m_axi_rdata: Signal<In, Bits<128>>,
    pub m_axi_rresp: Signal<In, Bits<2>>,
    pub m_axi_rlast: Signal<In, Bit>,
    pub m_axi_rvalid: Signal<In, Bit>,
    pub m_axi_rready: Signal<Out, Bit>,
    core: DescCore<128, 16>,
    mover: DmaRead<128, 16, DESC_RAM_BITS>,
}

impl DescFetch {
    /// The receive (`rx`) or transmit rings of `map`.
    pub fn new(map: &RegMap, rx: bool) -> Self {
        DescFetch {
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
            rb_valid: Default::default(),
            rb_q: Default::default(),
            rt_valid: Default::default(),
            rt_q: Default::default(),
            rt_n: Default::default(),
            q_avail: Default::default(),
            q_posted: Default::default(),
            cons: Default::default(),
            ring_err: Default::default(),
            fetch_fault: Default::default(),
            idle: Default::default(),
            m_axi_araddr: Default::default(),
            m_axi_arlen: Default::default(),
            m_axi_arsize: Default::default(),
            m_axi_arburst: Default::default(),
            m_axi_arvalid: Default::default(),
            m_axi_arready: Default::default(),
            m_axi_rdata: Default::default(),
            m_axi_rresp: Default::default(),
            m_axi_rlast: Default::default(),
            m_axi_rvalid: Default::default(),
            m_axi_rready: Default::default(),
            core: DescCore::new(map, rx),
            mover: DmaRead::default(),
        }
    }

    /// This block with its read mover's `c_ready` from a flip-flop of its
    /// own ([`DmaRead::with_ready_flip_flop`]): what the transmit engine
    /// uses (its placement then closes 125 MHz on ECP5; the receive side
    /// and the block alone keep the shared net, which places better there).
    pub fn with_ready_flip_flop(self) -> Self {
        DescFetch {
            mover: self.mover.with_ready_flip_flop(),
            ..self
        }
    }
}

impl Logic for DescFetch {
    #[hdl_gen]
    fn update(&mut self) {
        self.core.clock.next = self.clock.val();
        self.mover.clock.next = self.clock.val();
        self.core.rst.next = self.rst.val();
        self.mover.rst.next = self.rst.val();
        self.core.cfg.next = self.cfg.val();
        self.core.tk_valid.next = self.tk_valid.val();
        self.core.tk_q.next = self.tk_q.val();
        self.td_valid.next = self.core.td_valid.val();
        self.td_ok.next = self.core.td_ok.val();
        self.td_index.next = self.core.td_index.val();
        self.td_desc.next = self.core.td_desc.val();
        self.core.cm_valid.next = self.cm_valid.val();
        self.core.cm_q.next = self.cm_q.val();
        self.core.rb_valid.next = self.rb_valid.val();
        self.core.rb_q.next = self.rb_q.val();
        self.core.rt_valid.next = self.rt_valid.val();
        self.core.rt_q.next = self.rt_q.val();
        self.core.rt_n.next = self.rt_n.val();
        self.q_avail.next = self.core.q_avail.val();
        self.q_posted.next = self.core.q_posted.val();
        self.cons.next = self.core.cons.val();
        self.ring_err.next = self.core.ring_err.val();
        self.fetch_fault.next = self.core.fetch_fault.val();
        self.idle.next = self.core.idle.val();
        self.mover.c_valid.next = self.core.c_valid.val();
        self.core.c_ready.next = self.mover.c_ready.val();
        self.mover.c_haddr.next = self.core.c_haddr.val();
        self.mover.c_raddr.next = self.core.c_raddr.val();
        self.mover.c_len.next = self.core.c_len.val();
        self.mover.c_tag.next = self.core.c_tag.val();
        self.core.st_valid.next = self.mover.st_valid.val();
        self.core.st_tag.next = self.mover.st_tag.val();
        self.core.st_resp.next = self.mover.st_resp.val();
        self.core.ram_wr_en.next = self.mover.ram_wr_en.val();
        self.core.ram_wr_addr.next = self.mover.ram_wr_addr.val();
        self.core.ram_wr_data.next = self.mover.ram_wr_data.val();
        self.core.ram_wr_strb.next = self.mover.ram_wr_strb.val();
        self.m_axi_araddr.next = self.mover.m_axi_araddr.val();
        self.m_axi_arlen.next = self.mover.m_axi_arlen.val();
        self.m_axi_arsize.next = self.mover.m_axi_arsize.val();
        self.m_axi_arburst.next = self.mover.m_axi_arburst.val();
        self.m_axi_arvalid.next = self.mover.m_axi_arvalid.val();
        self.mover.m_axi_arready.next = self.m_axi_arready.val();
        self.mover.m_axi_rdata.next = self.m_axi_rdata.val();
        self.mover.m_axi_rresp.next = self.m_axi_rresp.val();
        self.mover.m_axi_rlast.next = self.m_axi_rlast.val();
        self.mover.m_axi_rvalid.next = self.m_axi_rvalid.val();
        self.m_axi_rready.next = self.mover.m_axi_rready.val();
    }
}
