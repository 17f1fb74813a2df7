//! CRC-32 of IEEE 802.3 clause 3.2.9 as constant XOR matrices.
//!
//! The Ethernet FCS is CRC-32 with polynomial 0x04C11DB7, processed least
//! significant bit first (reflected form 0xEDB88320), register initialised to
//! all ones and complemented at the end; the four FCS bytes are sent least
//! significant byte first (zlib's `crc32` appended little-endian).
//!
//! Hardware keeps the *raw* register (not complemented). Processing `k` bytes
//! is linear over GF(2) in (register, data), so each output bit is the XOR of
//! a fixed set of register bits and data bits. [`matrix`] computes those sets
//! once; the same table feeds the emitted Verilog ([`crate::common::crc_lanes`]) and
//! the Rust `update()` of rust-hdl's simulator, so both cannot drift apart.

use std::sync::OnceLock;

/// Reflected CRC-32 polynomial (IEEE 802.3 clause 3.2.9, bit-reversed 0x04C11DB7).
pub const POLY_REFLECTED: u32 = 0xEDB8_8320;
/// Initial raw register value (all ones).
pub const INIT: u32 = 0xFFFF_FFFF;
/// Raw register value after a good frame *including* its FCS has been shifted
/// in (0xDEBB20E3; its complement 0x2144DF1C is the usual "magic residue").
pub const RESIDUE: u32 = 0xDEBB_20E3;

/// Bit-serial reference: advance the raw register by one byte, LSB first.
pub fn step_byte(mut reg: u32, byte: u8) -> u32 {
    reg ^= u32::from(byte);
    for _ in 0..8 {
        reg = if reg & 1 != 0 {
            (reg >> 1) ^ POLY_REFLECTED
        } else {
            reg >> 1
        };
    }
    reg
}

/// Bit-serial reference over the first `nbytes` bytes of a little-endian
/// 64-bit beat (byte 0 in bits 7:0, as on the AXI4-Stream bus).
pub fn step_bytes(mut reg: u32, data: u64, nbytes: usize) -> u32 {
    for i in 0..nbytes {
        reg = step_byte(reg, (data >> (8 * i)) as u8);
    }
    reg
}

/// One row per output bit `i` of the register after `nbytes` bytes:
/// `(register_mask, data_mask)`; bit `i` is the parity of
/// `(reg & register_mask) ^ (data & data_mask)`. `nbytes` is 0..=8.
pub type Matrix = [(u32, u64); 32];

/// Computes the XOR matrix for `nbytes` (0..=8) bytes by linearity: the
/// response to each unit vector of register and data.
pub fn compute_matrix(nbytes: usize) -> Matrix {
    assert!(nbytes <= 8, "a 64-bit beat holds at most 8 bytes");
    let mut m = [(0u32, 0u64); 32];
    for bit in 0..32 {
        let out = step_bytes(1 << bit, 0, nbytes);
        for (i, row) in m.iter_mut().enumerate() {
            if out >> i & 1 != 0 {
                row.0 |= 1 << bit;
            }
        }
    }
    for bit in 0..(8 * nbytes) {
        let out = step_bytes(0, 1u64 << bit, nbytes);
        for (i, row) in m.iter_mut().enumerate() {
            if out >> i & 1 != 0 {
                row.1 |= 1 << bit;
            }
        }
    }
    m
}

/// The nine matrices (0..=8 bytes), computed once.
pub fn matrix(nbytes: usize) -> &'static Matrix {
    static TABLES: OnceLock<Vec<Matrix>> = OnceLock::new();
    &TABLES.get_or_init(|| (0..=8).map(compute_matrix).collect())[nbytes]
}

/// Applies the matrix: the raw register after the first `nbytes` bytes of `data`.
pub fn apply(reg: u32, data: u64, nbytes: usize) -> u32 {
    let m = matrix(nbytes.min(8));
    let mut out = 0u32;
    for (i, (rm, dm)) in m.iter().enumerate() {
        let p = (reg & rm).count_ones() + (data & dm).count_ones();
        out |= (p & 1) << i;
    }
    out
}

/// `always @(*)` Verilog of a CRC network selected by a 4-bit `sel`:
/// `sel` = 0 passes `crc_in` to `crc_out`; branch n (1..=8, 8 also the
/// default) sets `crc_out[i]` to `row(n, i)`, an XOR-reduction expression.
/// Synthesis builds the mux of the eight networks either way; a simulator
/// evaluates only the branch taken. Shared by
/// [`crate::common::crc_lanes`] and [`crate::common::crc_beat`].
pub fn case_network_verilog(sel: &str, row: impl Fn(usize, usize) -> String) -> String {
    let mut v = format!("always @(*) begin\n  case ({sel})\n    4'd0: crc_out = crc_in;\n");
    for n in 1..=8 {
        let label = if n == 8 {
            "default".to_string()
        } else {
            format!("4'd{n}")
        };
        v.push_str(&format!("    {label}: begin\n"));
        for i in 0..32 {
            v.push_str(&format!("      crc_out[{i}] = {};\n", row(n, i)));
        }
        v.push_str("    end\n");
    }
    v.push_str("  endcase\nend\n");
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    const ETH: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);

    #[test]
    fn matrix_equals_serial_and_crc_crate() {
        let bytes: Vec<u8> = (0..64u32).map(|i| (i * 37 + 11) as u8).collect();
        for n in 0..=8 {
            let mut reg = INIT;
            for chunk in bytes.chunks(8) {
                let mut w = [0u8; 8];
                w[..chunk.len()].copy_from_slice(chunk);
                let data = u64::from_le_bytes(w);
                let a = apply(reg, data, n.min(chunk.len()));
                assert_eq!(a, step_bytes(reg, data, n.min(chunk.len())));
                reg = apply(reg, data, chunk.len());
            }
            assert_eq!(!reg, ETH.checksum(&bytes));
        }
    }

    #[test]
    fn residue_of_good_frame() {
        let mut frame: Vec<u8> = (0..60u8).collect();
        let fcs = ETH.checksum(&frame);
        frame.extend_from_slice(&fcs.to_le_bytes());
        let reg = frame.iter().fold(INIT, |r, &b| step_byte(r, b));
        assert_eq!(reg, RESIDUE);
        assert_eq!(!reg, 0x2144_DF1C);
    }
}
