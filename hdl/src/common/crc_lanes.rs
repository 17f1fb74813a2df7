//! `Crc32Lanes`: advances the raw CRC-32 register over the first `nbytes`
//! lanes of a 64-bit beat, in one clock (purely combinational).
//!
//! Emitted as custom Verilog: one XOR network per byte count (1..8) from
//! [`crate::common::crc32::matrix`], selected by `nbytes`. The Rust `update()` applies
//! the very same matrices, so rust-hdl's simulator and the Verilog agree.

use crate::common::crc32;
use rust_hdl::prelude::*;

/// Combinational CRC-32 step over 0..=8 bytes of a beat.
///
/// * `crc_in` (32 bits): raw register before the beat (not complemented).
/// * `data` (64 bits): the beat, byte 0 in bits 7:0.
/// * `nbytes` (4 bits): how many bytes, from lane 0, to shift in (0..=8;
///   values above 8 are treated as 8).
/// * `crc_out` (32 bits): raw register after those bytes.
#[derive(LogicBlock, Default)]
pub struct Crc32Lanes {
    pub crc_in: Signal<In, Bits<32>>,
    pub data: Signal<In, Bits<64>>,
    pub nbytes: Signal<In, Bits<4>>,
    pub crc_out: Signal<Out, Bits<32>>,
}

impl Logic for Crc32Lanes {
    fn update(&mut self) {
        let n = (self.nbytes.val().index()).min(8);
        let out = crc32::apply(
            self.crc_in.val().to_u64() as u32,
            self.data.val().to_u64(),
            n,
        );
        self.crc_out.next = Bits::<32>::from(u64::from(out));
    }

    fn connect(&mut self) {
        self.crc_out.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(xor_network_verilog())
    }
}

/// The Verilog body of [`Crc32Lanes`]: a case on `nbytes` whose branch `n`
/// sets each output bit to the XOR reduction of the masked register and
/// data (row `i` of matrix `n`). Synthesis builds the same mux of eight XOR
/// networks either way; a simulator evaluates only the branch taken.
pub fn xor_network_verilog() -> String {
    crc32::case_network_verilog("nbytes", |n, i| {
        let (rm, dm) = crc32::matrix(n)[i];
        format!("(^(crc_in & 32'h{rm:08x})) ^ (^(data & 64'h{dm:016x}))")
    })
}
