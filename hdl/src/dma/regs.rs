//! `DmaRegs`: the DMA engine's register file, generated from the blocks
//! of the register map that the engine decodes ([`Owner::Dma`]: `dma`,
//! `rxq`, `txq`, `cq`, from [`ferronic_regmap::DMA_BASE`]); behind its
//! AXI4-Lite port it is [`crate::dma::reg_block::DmaRegBlock`].
//!
//! * Request side as [`crate::control::regfile`]: `wr_err` is valid
//!   [`crate::control::REG_WR_LATENCY`] (2) clocks after `wr_en`, the
//!   write takes effect two clocks later (the slave's B response comes 10
//!   clocks after issue), a read's `rd_data`/`rd_err` load
//!   [`crate::control::REG_RD_LATENCY`] (6) clocks after `rd_en` (the
//!   source sampled one clock after `rd_en`).
//! * `cfg`: every storage register (driver-written: ring and completion
//!   queue bases, controls, producer/consumer indices, moderation), word
//!   k of [`DmaRegs::cfg_word`] order at bits 32k+31..32k, byte strobes
//!   honoured, reset values from the map (loaded two clocks after `rst`,
//!   through a tree of reset copies; a write needs `rst` low anyway).
//! * `inputs`: live words from the engine (`Source::Input(n)`: engine
//!   status, hardware consumer and producer indices), word n at bits
//!   32n+31..32n; `strobes`: bit n pulses one clock on any write to a
//!   `Source::Strobe(n)` register (the completion queues' ARM).
//! * Read path: R1 registers the request (a copy per 128-byte page), R2
//!   decodes the word select per group of 8 (one-hot, a copy per group)
//!   and whether the page holds the address, R3 picks a word in each
//!   group (an AND-OR of the one-hot select), R4 the page's
//!   word, R5 ORs the pages (at most one holds it), R6 `rd_data` (the
//!   latency the slave expects). Write path: W1 the request (a copy per
//!   block), W2 a copy per group of 8 storage words, W3 the decode and
//!   each storage byte's enable, W4 the storage.

use ferronic_regmap::{Access, MapParams, Owner, RegMap, Source};
use rust_hdl::prelude::*;

mod read;

/// Storage words of the engine's blocks for `rx` receive and `tx`
/// transmit rings: `dma.CTRL`, 4 per ring, 5 per completion queue.
pub const fn cfg_words(rx: usize, tx: usize) -> usize {
    1 + 4 * (rx + tx) + 5 * (rx + tx)
}

/// Input words: the `dma` block's ([`ferronic_regmap::dma_inputs`]: 4
/// more ring bitmaps for each 32 rings past the first 32), a consumer
/// index and two drop counters per receive ring, a consumer index per
/// transmit ring, a producer index and a status word per completion
/// queue.
pub const fn input_words(rx: usize, tx: usize) -> usize {
    let more = 4 * ((if rx > tx { rx } else { tx }).div_ceil(32) - 1);
    ferronic_regmap::DMA_INPUTS.len() + more + 3 * rx + tx + 2 * (rx + tx)
}

/// `cfg` width of the default build.
pub const DMA_CFG_BITS: usize = 32 * cfg_words(crate::RX_QUEUES, crate::TX_QUEUES);
/// `inputs` width of the default build.
pub const DMA_INPUT_BITS: usize = 32 * input_words(crate::RX_QUEUES, crate::TX_QUEUES);
/// `strobes` width of the default build (one ARM per completion queue).
pub const DMA_STROBES: usize = crate::RX_QUEUES + crate::TX_QUEUES;

/// The default build's map with the engine's blocks.
pub fn nic_map() -> RegMap {
    RegMap::new(MapParams {
        rx_queues: crate::RX_QUEUES,
        tx_queues: crate::TX_QUEUES,
        dma: true,
        ..MapParams::default()
    })
}

/// The engine's register file; see the module documentation.
#[derive(LogicBlock)]
pub struct DmaRegs {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub wr_en: Signal<In, Bit>,
    pub wr_addr: Signal<In, Bits<16>>,
    pub wr_data: Signal<In, Bits<32>>,
    pub wr_strb: Signal<In, Bits<4>>,
    pub wr_err: Signal<Out, Bit>,
    pub rd_en: Signal<In, Bit>,
    pub rd_addr: Signal<In, Bits<16>>,
    pub rd_data: Signal<Out, Bits<32>>,
    pub rd_err: Signal<Out, Bit>,
    pub cfg: Signal<Out, Bits<DMA_CFG_BITS>>,
    pub inputs: Signal<In, Bits<DMA_INPUT_BITS>>,
    pub strobes: Signal<Out, Bits<DMA_STROBES>>,
    _map: Box<RegMap>,
}

impl DmaRegs {
    /// The register file for `map` (its engine blocks must match the
    /// default build's bus widths).
    pub fn new(map: &RegMap) -> Self {
        let (cfg, inputs, strobes) = widths(map);
        assert_eq!(
            (32 * cfg, 32 * inputs, strobes),
            (DMA_CFG_BITS, DMA_INPUT_BITS, DMA_STROBES),
            "engine bus widths of the map"
        );
        DmaRegs {
            clock: Default::default(),
            rst: Default::default(),
            wr_en: Default::default(),
            wr_addr: Default::default(),
            wr_data: Default::default(),
            wr_strb: Default::default(),
            wr_err: Default::default(),
            rd_en: Default::default(),
            rd_addr: Default::default(),
            rd_data: Default::default(),
            rd_err: Default::default(),
            cfg: Default::default(),
            inputs: Default::default(),
            strobes: Default::default(),
            _map: Box::new(map.clone()),
        }
    }

    /// The `cfg` word of storage register `path` (`"rxq.Q3_CTRL"`).
    pub fn cfg_word(map: &RegMap, path: &str) -> Option<usize> {
        let r = map.reg(path)?;
        storage(map).iter().position(|&(off, _, _)| off == r.offset)
    }
}

/// The engine's storage registers: (offset, access, reset value).
fn storage(map: &RegMap) -> Vec<(u32, Access, u32)> {
    map.owned(Owner::Dma)
        .filter_map(|r| match r.source {
            Source::Storage(v) => Some((r.offset, r.access, v)),
            _ => None,
        })
        .collect()
}

/// (storage words, input words, strobes) of `map`'s engine blocks.
fn widths(map: &RegMap) -> (usize, usize, usize) {
    let (mut inputs, mut strobes) = (0, 0);
    for r in map.owned(Owner::Dma) {
        match r.source {
            Source::Input(i) => inputs = inputs.max(i + 1),
            Source::Strobe(i) => strobes = strobes.max(i + 1),
            _ => {}
        }
    }
    (storage(map).len(), inputs, strobes)
}

/// The Verilog body for `map`. Wide fan-outs are what cost time on an
/// FPGA here (a request address reaching every comparator and mux), so
/// each block gets its own copy of the write address and data and each
/// 128-byte page its own copy of the read address, each loaded in its own
/// `(* keep *) always` block (else yosys merges equal flip-flops, see
/// [`crate::dma::rotate`]).
pub fn verilog(map: &RegMap) -> String {
    let st = storage(map);
    let blocks: Vec<_> = map
        .blocks
        .iter()
        .filter(|b| b.owner == Owner::Dma)
        .collect();
    let mut v = String::new();
    // ---- write path: W1 the request (a copy per block), W2 a copy per
    // group of 8 storage words (from its block's copy: a tree, so no net
    // reaches every group), W3 the decode (wr_err and strobes from W1;
    // each storage byte's enable, the group's data), W4 the storage: every
    // enable and data bit that reaches a storage flip-flop comes from a
    // flip-flop of its own group (one strobe net to 80 words cost 9.4 ns
    // of routing on ECP5, one data net to 19 group copies 7.8 ns)
    v.push_str("reg w1_en;\n");
    for (b, _) in blocks.iter().enumerate() {
        v.push_str(&format!(
            "(* keep *) reg [15:0] wa_{b}; (* keep *) reg [31:0] wd_{b}; (* keep *) reg [3:0] ws_{b};\n\
             (* keep *) always @(posedge clock) begin wa_{b} <= wr_addr; wd_{b} <= wr_data; ws_{b} <= wr_strb; end\n\
             reg mp_{b};\n"
        ));
    }
    let block_of = |offset: u32| {
        blocks
            .iter()
            .position(|blk| blk.regs.iter().any(|r| r.offset == offset))
            .expect("a storage register outside the engine's blocks")
    };
    // bits 15:hb are common to all of block b's registers: bm_b, a copy
    // per block registered beside wa_b, says the request is in the block,
    // so a group's compare below is only the bits under hb (its full
    // 16-bit prefix compare was four LUTs and 7 ns of routing deep)
    let hb: Vec<usize> = blocks
        .iter()
        .map(|blk| {
            let o0 = blk.regs[0].offset;
            let diff = blk.regs.iter().fold(0, |d, r| d | (r.offset ^ o0));
            (32 - diff.leading_zeros()) as usize
        })
        .collect();
    // (declared for the blocks whose groups use it, after the groups)
    let mut used = vec![false; blocks.len()];
    let mut bms = String::new();
    let mut gv = String::new();
    let bm_text = |b: usize, blk: &&ferronic_regmap::Block| {
        format!(
            "(* keep *) reg bm_{b};\n\
             (* keep *) always @(posedge clock) bm_{b} <= wr_addr[15:{h}] == {}'h{:x};\n",
            16 - hb[b],
            blk.regs[0].offset >> hb[b],
            h = hb[b]
        )
    };
    let groups = st.len().div_ceil(8);
    // low address bits that tell a group's words apart: W2 compares the
    // rest (the group's common prefix) into we_g, so W3's compare per word
    // is a few bits (a 16-bit compare per word, sharing terms across the
    // group, was five LUTs deep)
    let low_bits = |g: usize| {
        let offs = st[8 * g..(8 * g + 8).min(st.len())].iter().map(|s| s.0);
        let diff = offs.clone().fold(0, |d, o| d | (o ^ st[8 * g].0));
        (32 - diff.leading_zeros()).max(2) as usize
    };
    for g in 0..groups {
        let b = block_of(st[8 * g].0);
        let lo = low_bits(g);
        let lm1 = lo - 1;
        let prefix = if lo >= 16 {
            String::new()
        } else if lo < hb[b] && hb[b] < 16 {
            used[b] = true;
            format!(
                " && bm_{b} && wa_{b}[{}:{lo}] == {}'h{:x}",
                hb[b] - 1,
                hb[b] - lo,
                (st[8 * g].0 >> lo) & ((1 << (hb[b] - lo)) - 1)
            )
        } else {
            format!(
                " && wa_{b}[15:{lo}] == {}'h{:x}",
                16 - lo,
                st[8 * g].0 >> lo
            )
        };
        gv.push_str(&format!(
            "(* keep *) reg we_{g}; (* keep *) reg [{lm1}:0] ga_{g}; (* keep *) reg [31:0] gw_{g}; (* keep *) reg [3:0] gs_{g};\n\
             (* keep *) always @(posedge clock) begin we_{g} <= w1_en{prefix}; ga_{g} <= wa_{b}[{lm1}:0]; gw_{g} <= wd_{b}; gs_{g} <= ws_{b}; end\n\
             (* keep *) reg [31:0] gd_{g};\n\
             (* keep *) always @(posedge clock) gd_{g} <= gw_{g};\n"
        ));
    }
    // blocks whose copies feed a group (each block's write copy is
    // declared; a block of strobes alone feeds none)
    let grouped: Vec<bool> = (0..blocks.len())
        .map(|b| (0..groups).any(|g| block_of(st[8 * g].0) == b))
        .collect();
    for (b, blk) in blocks.iter().enumerate() {
        if used[b] {
            bms.push_str(&bm_text(b, blk));
        }
    }
    v.push_str(&bms);
    v.push_str(&gv);
    v.push_str("always @(posedge clock) w1_en <= wr_en & ~rst;\n");
    let mut mapped = String::new();
    v.push_str(&format!("reg [{}:0] hit;\n", 4 * st.len() - 1));
    v.push_str(&format!(
        "always @(posedge clock) begin\n  strobes <= {DMA_STROBES}'d0;\n"
    ));
    for (b, blk) in blocks.iter().enumerate() {
        let labels: Vec<String> = blk
            .regs
            .iter()
            .map(|r| format!("16'h{:04x}", r.offset))
            .collect();
        mapped.push_str(&format!(
            "always @(*) case (wa_{b})\n  {}: mp_{b} = 1'b1;\n  default: mp_{b} = 1'b0;\nendcase\n",
            labels.join(", ")
        ));
        for r in &blk.regs {
            if let Source::Strobe(i) = r.source {
                v.push_str(&format!(
                    "  if (w1_en && wa_{b} == 16'h{:04x}) strobes[{i}] <= 1'b1;\n",
                    r.offset
                ));
            }
        }
    }
    // hit[4k+byte]: byte `byte` of storage word k is written next clock
    for (k, s) in st.iter().enumerate() {
        let g = k / 8;
        let en = if s.1 == Access::Ro {
            "1'b0".to_string()
        } else {
            format!("we_{g}")
        };
        let lo = low_bits(g);
        v.push_str(&format!(
            "  hit[{}:{}] <= {{4{{{en} && ga_{g} == {lo}'h{:x}}}}} & gs_{g};\n",
            4 * k + 3,
            4 * k,
            s.0 & ((1u32 << lo) - 1)
        ));
    }
    v.push_str("end\n");
    // wr_err: two clocks after wr_en, as the slave expects
    let mps: Vec<String> = (0..blocks.len()).map(|b| format!("mp_{b}")).collect();
    v.push_str(&mapped);
    v.push_str(&format!(
        "always @(posedge clock) begin\n  if (rst) wr_err <= 1'b0;\n  else if (w1_en) wr_err <= !({});\nend\n",
        mps.join(" | ")
    ));
    // the reset reaches the storage through a tree, two clocks later: a
    // copy per group of 8 words, then a copy per 2 words of the group (one
    // net to 4,640 flip-flops cost 15 ns of routing on ECP5; a copy per 8
    // words 7.5 ns from the copy to its 256 flip-flops; 73 copies per 2
    // words straight from one source 9.6 ns to the copies)
    for g in 0..groups {
        v.push_str(&format!(
            "(* keep *) reg rst_{g};\n(* keep *) always @(posedge clock) rst_{g} <= rst;\n"
        ));
    }
    for k in (0..st.len()).step_by(2) {
        let (g, l) = (k / 8, k / 2);
        v.push_str(&format!(
            "(* keep *) reg rsl_{l};\n(* keep *) always @(posedge clock) rsl_{l} <= rst_{g};\n"
        ));
    }
    v.push_str("always @(posedge clock) begin\n");
    for (k, s) in st.iter().enumerate() {
        let g = k / 8;
        v.push_str(&format!(
            "  if (rsl_{}) cfg[{}:{}] <= 32'h{:08x};\n  else begin\n",
            k / 2,
            32 * k + 31,
            32 * k,
            s.2
        ));
        for byte in 0..4 {
            let lo = 32 * k + 8 * byte;
            v.push_str(&format!(
                "    if (hit[{}]) cfg[{}:{lo}] <= gd_{g}[{}:{}];\n",
                4 * k + byte,
                lo + 7,
                8 * byte + 7,
                8 * byte
            ));
        }
        v.push_str("  end\n");
    }
    v.push_str("end\n");
    v.push_str(&read::read_path(map, &st));
    // the low address bits never select anything
    v.push_str("wire unused_ok = ^{");
    let mut un: Vec<String> = (0..blocks.len()).map(|b| format!("wa_{b}[1:0]")).collect();
    // a block without storage (the strobes' only, in a build of fewer
    // than 8 queues) uses its address copy alone
    for b in (0..blocks.len()).filter(|&b| !grouped[b]) {
        un.push(format!("wd_{b}, ws_{b}"));
    }
    v.push_str(&un.join(", "));
    v.push_str("};\n");
    v
}

impl Logic for DmaRegs {
    fn update(&mut self) {
        self.wr_err.next = false;
        self.rd_data.next = 0.into();
        self.rd_err.next = false;
        self.cfg.next = 0.into();
        self.strobes.next = 0.into();
    }

    fn connect(&mut self) {
        self.wr_err.connect();
        self.rd_data.connect();
        self.rd_err.connect();
        self.cfg.connect();
        self.strobes.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(verilog(&self._map))
    }
}
