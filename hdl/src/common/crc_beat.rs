//! One CRC-32 network for a whole 64-bit beat, with the lanes outside
//! `tkeep` shifted in as zero bytes ([`Crc32Pad`]), and what makes that
//! enough: the residue a good frame leaves after those zeros
//! ([`residue_for`]) and the undoing of the zeros ([`Crc32Unpad`]).
//!
//! Why zero bytes: the raw register of IEEE 802.3 clause 3.2.9 is linear,
//! so shifting `z` zero bytes after the frame multiplies the register by a
//! fixed matrix. A good frame (FCS included) leaves [`crc32::RESIDUE`]
//! after its last byte, hence exactly [`residues`]`[z]` after `z` more
//! zero bytes. A last beat holding `8 - z` bytes is therefore checked with
//! the one 8-byte network and a compare against one of nine constants,
//! instead of eight networks (one per byte count) and a mux: about an
//! eighth of the XOR area. The constant depends on `tkeep` only, so a
//! checker picks it a cycle early and compares two registers.
//!
//! Emitted as custom Verilog from [`crc32::matrix`]`(8)`; the Rust
//! `update()` applies the same matrix.

use crate::common::crc32;
use rust_hdl::prelude::*;

/// Raw register after a good frame and then `z` zero bytes, `z` = 0..=8.
pub fn residues() -> [u32; 9] {
    let mut r = [0u32; 9];
    for (z, v) in r.iter_mut().enumerate() {
        *v = crc32::step_bytes(crc32::RESIDUE, 0, z);
    }
    r
}

/// `tdata` with the lanes whose `tkeep` bit is 0 cleared (byte `i` is
/// lane `i`, bits `8i+7:8i`).
pub fn mask(data: u64, tkeep: u8) -> u64 {
    (0..8)
        .filter(|i| tkeep >> i & 1 != 0)
        .fold(0, |m, i| m | 0xFF << (8 * i))
        & data
}

/// The register after a beat through [`Crc32Pad`]: all 8 lanes, those
/// outside `tkeep` as zero bytes.
pub fn beat(crc_in: u32, data: u64, tkeep: u8) -> u32 {
    crc32::apply(crc_in, mask(data, tkeep), 8)
}

/// The register [`beat`] leaves after the last beat of a good frame when
/// that beat has byte enables `tkeep` (contiguous from lane 0; the count
/// is the number of trailing ones).
pub fn residue_for(tkeep: u8) -> u32 {
    residues()[8 - tkeep.trailing_ones() as usize]
}

/// One-network CRC-32 step over a beat; see the module documentation.
///
/// * `crc_in` (32 bits): raw register before the beat.
/// * `data` (64 bits): the beat, byte 0 in bits 7:0.
/// * `tkeep` (8 bits): contiguous byte enables from lane 0.
/// * `crc_out` (32 bits): raw register after the 8 lanes, those outside
///   `tkeep` taken as zero bytes.
#[derive(LogicBlock, Default)]
pub struct Crc32Pad {
    pub crc_in: Signal<In, Bits<32>>,
    pub data: Signal<In, Bits<64>>,
    pub tkeep: Signal<In, Bits<8>>,
    pub crc_out: Signal<Out, Bits<32>>,
}

impl Logic for Crc32Pad {
    fn update(&mut self) {
        let out = beat(
            self.crc_in.val().to_u64() as u32,
            self.data.val().to_u64(),
            self.tkeep.val().to_u64() as u8,
        );
        self.crc_out.next = Bits::<32>::from(u64::from(out));
    }

    fn connect(&mut self) {
        self.crc_out.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(pad_verilog())
    }
}

/// The Verilog body of [`Crc32Pad`]: the masked beat, then one masked XOR
/// reduction per output bit.
pub fn pad_verilog() -> String {
    let lanes: Vec<String> = (0..8)
        .rev()
        .map(|i| format!("{{8{{tkeep[{i}]}}}}"))
        .collect();
    let mut v = format!(
        "wire [63:0] m = data & {{{}}};\nalways @(*) begin\n",
        lanes.join(", ")
    );
    for (i, (rm, dm)) in crc32::matrix(8).iter().enumerate() {
        v.push_str(&format!(
            "  crc_out[{i}] = (^(crc_in & 32'h{rm:08x})) ^ (^(m & 64'h{dm:016x}));\n"
        ));
    }
    v.push_str("end\n");
    v
}

/// The residue of [`residue_for`] as a block: `tkeep` (8 bits) in,
/// `residue` (32 bits) out, a case over the nine contiguous patterns
/// (others give the 8-byte residue).
#[derive(LogicBlock, Default)]
pub struct Crc32Residue {
    pub tkeep: Signal<In, Bits<8>>,
    pub residue: Signal<Out, Bits<32>>,
}

impl Logic for Crc32Residue {
    fn update(&mut self) {
        let k = self.tkeep.val().to_u64() as u8;
        let contiguous = k.trailing_ones() + k.leading_zeros() == 8;
        let r = if contiguous {
            residue_for(k)
        } else {
            residues()[0]
        };
        self.residue.next = Bits::<32>::from(u64::from(r));
    }

    fn connect(&mut self) {
        self.residue.connect();
    }

    fn hdl(&self) -> Verilog {
        let r = residues();
        let mut v = String::from("always @(*) begin\n  case (tkeep)\n");
        for (z, rz) in r.iter().enumerate().skip(1) {
            let k = 0xFFu16 >> z;
            v.push_str(&format!("    8'h{k:02x}: residue = 32'h{rz:08x};\n"));
        }
        v.push_str(&format!(
            "    default: residue = 32'h{:08x};\n  endcase\nend\n",
            r[0]
        ));
        Verilog::Custom(v)
    }
}

/// Undoes one zero byte: the raw register before [`crc32::step_byte`]`(_, 0)`
/// gave `reg`. The step is invertible because the reflected polynomial
/// has bit 31 set: a set bit 31 after a bit step means the bit shifted out
/// was 1.
pub fn unstep_zero(mut reg: u32) -> u32 {
    for _ in 0..8 {
        reg = if reg & 0x8000_0000 != 0 {
            ((reg ^ crc32::POLY_REFLECTED) << 1) | 1
        } else {
            reg << 1
        };
    }
    reg
}

/// The register before `z` zero bytes that left `reg`.
pub fn unpad(reg: u32, z: usize) -> u32 {
    (0..z).fold(reg, |r, _| unstep_zero(r))
}

/// Row masks of [`unpad`] for `z` bytes: output bit `i` is the parity of
/// `reg & rows[i]`.
pub fn unpad_matrix(z: usize) -> [u32; 32] {
    let mut rows = [0u32; 32];
    for bit in 0..32 {
        let out = unpad(1 << bit, z);
        for (i, row) in rows.iter_mut().enumerate() {
            if out >> i & 1 != 0 {
                *row |= 1 << bit;
            }
        }
    }
    rows
}

/// Takes `z` trailing zero bytes back out of a raw register (the inverse
/// of [`Crc32Beat`]'s padding): with `crc_in` from a last beat of `8 - z`
/// bytes, `crc_out` is the register after exactly its bytes, so
/// `!crc_out` is the frame's FCS.
///
/// * `crc_in` (32 bits), `z` (4 bits, 0..=8; above 8 acts as 8),
///   `crc_out` (32 bits). Eight 32-input XOR matrices and a case on `z`.
#[derive(LogicBlock, Default)]
pub struct Crc32Unpad {
    pub crc_in: Signal<In, Bits<32>>,
    pub z: Signal<In, Bits<4>>,
    pub crc_out: Signal<Out, Bits<32>>,
}

impl Logic for Crc32Unpad {
    fn update(&mut self) {
        let z = self.z.val().index().min(8);
        let out = unpad(self.crc_in.val().to_u64() as u32, z);
        self.crc_out.next = Bits::<32>::from(u64::from(out));
    }

    fn connect(&mut self) {
        self.crc_out.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(unpad_verilog())
    }
}

/// The Verilog body of [`Crc32Unpad`].
pub fn unpad_verilog() -> String {
    let m: Vec<[u32; 32]> = (1..=8).map(unpad_matrix).collect();
    crate::common::crc32::case_network_verilog("z", |z, i| {
        format!("^(crc_in & 32'h{:08x})", m[z - 1][i])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ETH: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);

    /// Good frames of every length 60..=80 pass and one flipped bit
    /// fails, beat by beat through the one network, for every last-beat
    /// byte count; the register equals the crc crate's on full beats.
    #[test]
    fn residue_check_for_every_last_beat_length() {
        for len in 60..=80usize {
            let body: Vec<u8> = (0..len).map(|i| (i * 29 + len) as u8).collect();
            let mut frame = body.clone();
            frame.extend_from_slice(&ETH.checksum(&body).to_le_bytes());
            for flip in [None, Some(len / 2)] {
                let mut f = frame.clone();
                if let Some(i) = flip {
                    f[i] ^= 0x04;
                }
                let mut reg = crc32::INIT;
                let mut ok = false;
                for (b, chunk) in f.chunks(8).enumerate() {
                    let mut w = [0u8; 8];
                    w[..chunk.len()].copy_from_slice(chunk);
                    // garbage beyond tkeep must not matter
                    for x in w.iter_mut().skip(chunk.len()) {
                        *x = 0xA5;
                    }
                    let keep = (0xFFu16 >> (8 - chunk.len())) as u8;
                    let out = beat(reg, u64::from_le_bytes(w), keep);
                    let good = out == residue_for(keep);
                    if chunk.len() == 8 && b < f.len() / 8 {
                        let upto = &f[..8 * (b + 1)];
                        assert_eq!(!out, ETH.checksum(upto), "len {len} beat {b}");
                    }
                    reg = out;
                    ok = good;
                }
                assert_eq!(ok, flip.is_none(), "len {len} flip {flip:?}");
            }
        }
    }

    /// Unpadding undoes padding for every count, and the masked beat
    /// network followed by unpadding equals the exact per-count network.
    #[test]
    fn unpad_inverts_zero_padding() {
        for z in 0..=8 {
            for r in [0u32, 1, 0x8000_0000, 0xDEAD_BEEF, crc32::INIT] {
                assert_eq!(unpad(crc32::step_bytes(r, 0, z), z), r);
                let m = unpad_matrix(z);
                let par = (0..32).fold(0u32, |o, i| o | ((r & m[i]).count_ones() & 1) << i);
                assert_eq!(par, unpad(r, z));
            }
            let data = 0x0123_4567_89AB_CDEF_u64;
            let n = 8 - z;
            let keep = (0xFFu16 >> z) as u8;
            let padded = beat(crc32::INIT, data, keep);
            assert_eq!(unpad(padded, z), crc32::step_bytes(crc32::INIT, data, n));
        }
    }

    #[test]
    fn verilog_has_one_network_and_nine_residues() {
        assert_eq!(pad_verilog().matches("crc_out[").count(), 32);
        let v = match Crc32Residue::default().hdl() {
            Verilog::Custom(v) => v,
            _ => unreachable!(),
        };
        for r in residues() {
            assert!(v.contains(&format!("32'h{r:08x}")));
        }
        assert_eq!(residues()[0], crc32::RESIDUE);
        assert_eq!(residue_for(0xFF), crc32::RESIDUE);
    }
}
