//! `Toeplitz`: the RSS hash of the Microsoft RSS specification over up to
//! 36 input bytes with a programmable 40-byte key, in one step into a
//! register.
//!
//! * `data` (288 bits): input byte n in bits 8n+7..8n (wire order, as on the
//!   bus); unused trailing bytes must be zero (zero bytes do not change the
//!   hash, so the IPv4 2-tuple, IPv4 4-tuple and IPv6 tuples share one
//!   network).
//! * `key` (319 bits): the 40-byte key read as one big-endian number (key
//!   byte 0 most significant, as the specification prints it) without its
//!   last bit, which no 36-byte input reaches: key byte 0 in bits 318..311.
//! * `hash` (32 bits, registered): at a rising `clock` edge with `en` set,
//!   for every input bit i set (bit 7 of byte 0 first), the 32 key bits
//!   starting at key bit i are XORed in; held otherwise (a clock enable: the
//!   network evaluates only for frames that are hashed, which in Verilator
//!   saves 32 reductions of 288 bits every idle clock).
//!
//! The wiring is fixed (which key bits pair with which input bit), so the
//! custom Verilog is one masked XOR reduction per hash bit, and the Rust
//! `update()` applies the specification directly.

use rust_hdl::prelude::*;

/// Toeplitz hash network; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct Toeplitz {
    pub clock: Signal<In, Clock>,
    pub en: Signal<In, Bit>,
    pub key: Signal<In, Bits<319>>,
    pub data: Signal<In, Bits<288>>,
    pub hash: Signal<Out, Bits<32>>,
}

/// The Microsoft RSS Toeplitz hash of `input` (at most 36 bytes) under
/// `key` (40 bytes).
pub fn toeplitz(key: &[u8; 40], input: &[u8]) -> u32 {
    let mut hash = 0u32;
    for (n, byte) in input.iter().enumerate() {
        for b in 0..8 {
            if byte >> (7 - b) & 1 != 0 {
                let i = 8 * n + b;
                let mut w = 0u32;
                for k in 0..32 {
                    let kb = i + k;
                    w = w << 1 | u32::from(key[kb / 8] >> (7 - kb % 8) & 1);
                }
                hash ^= w;
            }
        }
    }
    hash
}

impl Logic for Toeplitz {
    fn update(&mut self) {
        if !(self.clock.pos_edge() && self.en.val()) {
            return;
        }
        let full = bit_cast::<320, 319>(self.key.val()) << 1_u64;
        let mut key = [0u8; 40];
        for (i, k) in key.iter_mut().enumerate() {
            *k = full.get_bits::<8>(312 - 8 * i).to_u64() as u8;
        }
        let input: Vec<u8> = (0..36)
            .map(|n| self.data.val().get_bits::<8>(8 * n).to_u64() as u8)
            .collect();
        self.hash.next = u64::from(toeplitz(&key, &input)).into();
    }

    fn connect(&mut self) {
        self.hash.connect();
    }

    fn hdl(&self) -> Verilog {
        // be: the input as one big-endian number (byte 0 most significant)
        let bytes: Vec<String> = (0..36)
            .map(|n| format!("data[{}:{}]", 8 * n + 7, 8 * n))
            .collect();
        let mut v = format!("wire [287:0] be = {{{}}};\n", bytes.join(", "));
        v.push_str("always @(posedge clock) if (en) begin\n");
        for j in 0..32 {
            v.push_str(&format!(
                "  hash[{}] <= ^(be & key[{}:{}]);\n",
                31 - j,
                318 - j,
                31 - j
            ));
        }
        v.push_str("end\n");
        Verilog::Custom(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key of the Microsoft RSS verification suite.
    pub const MS_KEY: [u8; 40] = [
        0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f,
        0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
        0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
    ];

    #[test]
    fn network_equals_the_specification() {
        let mut u = Toeplitz::default();
        u.connect_all();
        let mut key: Bits<319> = Bits::default();
        for (i, k) in MS_KEY.iter().enumerate() {
            for b in 0..8 {
                if 312 - 8 * i + b >= 1 {
                    key = key.replace_bit(312 - 8 * i + b - 1, k >> b & 1 != 0);
                }
            }
        }
        // 66.9.149.187:2794 -> 161.142.100.80:1766, IPv4 with TCP
        let input = [66u8, 9, 149, 187, 161, 142, 100, 80, 0x0a, 0xea, 0x06, 0xe6];
        let mut data: Bits<288> = Bits::default();
        for (n, byte) in input.iter().enumerate() {
            for b in 0..8 {
                data = data.replace_bit(8 * n + b, byte >> b & 1 != 0);
            }
        }
        u.key.next = key;
        u.data.next = data;
        u.en.next = true;
        u.clock.next = false.into();
        assert!(simulate(&mut u, 10));
        u.clock.next = true.into();
        assert!(simulate(&mut u, 10));
        assert_eq!(u.hash.val().to_u64(), 0x51cc_c178);
        // held while en is low
        u.data.next = Bits::default();
        u.en.next = false;
        u.clock.next = false.into();
        assert!(simulate(&mut u, 10));
        u.clock.next = true.into();
        assert!(simulate(&mut u, 10));
        assert_eq!(u.hash.val().to_u64(), 0x51cc_c178);
        assert_eq!(toeplitz(&MS_KEY, &input[..8]), 0x323e_8fc2);
    }
}
