//! The DMA engine (issue 13; `DESIGN.md` section 7b, after Corundum's
//! mqnic): descriptor rings and completion queues in host memory, reached
//! through one AXI4 master `m_axi_*`.
//!
//! * [`mover`]: the two movers, [`dma_write`] (on-chip RAM -> host
//!   memory: receive data, completions) and [`dma_read`] (host memory ->
//!   on-chip RAM: descriptors, transmit data), with the Verilog they share
//!   ([`burst`], [`rotate`]).
//! * [`cpl_queue`]: the completion queues: phase-tagged records, indices,
//!   interrupts, with their own write mover (Verilog in `cpl_queue.v.in`).
//! * [`desc_fetch`]: the descriptor rings of a direction: indices,
//!   batched prefetch into a cache, take/commit/rollback, `CONS` (Verilog
//!   in `desc_fetch.v.in`).
//! * [`regs`]: the engine's register file; [`reg_block`], it behind its
//!   AXI4-Lite port.
//! * [`rx`]: the receive half, [`rx_buffer`], [`rx_core`], [`rx_engine`].
//! * [`tx`]: the transmit half, [`tx_core`], [`tx_engine`].
//! * [`axi_rd_arb`]: two read masters onto one AXI4 read port by ID.
//! * [`axi_wr_arb`]: three write masters onto one AXI4 write port, W in
//!   AW order, B by ID.
//! * [`dma_status`]: the engine's live register words and event counters.
//! * [`bank_ram`]: the frame buffers' RAM as explicit banks (read
//!   latency 2), as Verilog text.
//! * [`units`]: the movers emitted as standalone modules for Verilator.
//!
//! Both movers are byte-granular on both sides (any host address, any RAM
//! address, any length up to 65,535 bytes), so gathers at odd addresses and
//! frames spanning several buffers need no other realignment.

pub mod axi_rd_arb;
pub mod axi_wr_arb;
pub mod bank_ram;
pub mod cpl_queue;
pub mod desc_fetch;
pub mod dma_status;
pub mod mover;
pub mod reg_block;
pub mod regs;
pub mod rx;
pub mod tx;
pub mod units;

// the blocks by their flat paths (`dma::dma_write`, `dma::tx_core`, ...)
pub use mover::{burst, dma_read, dma_write, rotate};
pub use rx::{rx_buffer, rx_core, rx_engine};
pub use tx::{tx_core, tx_engine};

/// Default DMA bus width in bytes (128 bits): at 156.25 MHz it carries
/// 2.5 GB/s per direction, twice 10G's 1.25 GB/s, so a 64-byte frame (4
/// beats) and its 32-byte completion (2 beats) fit in the 10.5 clocks a
/// minimum frame lasts at line rate; 64 bits would need 12 beats there.
pub const DMA_BYTES: usize = 16;

/// Default receive buffer size, log2 bytes (32 KiB): a 9,600-byte jumbo
/// frame plus 1 us of 10G line rate waiting for its write responses
/// (1,250 bytes) several times over; 16 DP16KD on ECP5, 8 RAMB36 on
/// UltraScale.
pub const RX_BUFFER_BITS: usize = 15;

/// `assign q_cq[q] = ...;` for every ring slot of `block` (`rxq` or
/// `txq`): the completion queue of ring `q` (`Q<q>_CTRL` bits 23:16 on
/// the `cfg` bus), 0 for the slots past the build's rings (see
/// [`desc_fetch::RING_SLOTS`]).
pub(crate) fn ring_cq_sel(map: &ferronic_regmap::RegMap, block: &str) -> String {
    (0..desc_fetch::RING_SLOTS)
        .map(
            |q| match regs::DmaRegs::cfg_word(map, &format!("{block}.Q{q}_CTRL")) {
                Some(w) => format!("assign q_cq[{q}] = cfg[{}:{}];\n", 32 * w + 23, 32 * w + 16),
                None => format!("assign q_cq[{q}] = 8'd0;\n"),
            },
        )
        .collect()
}

/// A Verilog template's lines for a build's size: between a line
/// `//@wide` and `//@end` only when `wide`, between `//@narrow` and
/// `//@end` only when not (the marker lines dropped). The default build's
/// blocks keep the text that closed timing on ECP5 (placement follows the
/// netlist's every detail), larger builds get the forms their sizes need.
pub(crate) fn sized(body: &str, wide: bool) -> String {
    let mut keep = true;
    let mut out = String::with_capacity(body.len());
    for line in body.lines() {
        match line.trim() {
            "//@wide" => keep = wide,
            "//@narrow" => keep = !wide,
            "//@end" => keep = true,
            _ if keep => {
                out.push_str(line);
                out.push('\n');
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn sized_keeps_the_lines_of_its_size() {
        let t = "a\n//@wide\nw\n//@narrow\nn\n//@end\nb\n";
        assert_eq!(super::sized(t, true), "a\nw\nb\n");
        assert_eq!(super::sized(t, false), "a\nn\nb\n");
    }
}
