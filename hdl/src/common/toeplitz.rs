//! `Toeplitz`: the RSS hash of the Microsoft RSS specification over up to
//! 36 input bytes with a programmable 40-byte key, 12 bytes a clock.
//!
//! * Input (`s_valid`, `s_tuple`, `s_six`, `s_meta`; `s_pop` pulses when the
//!   tuple is taken, FIFO style): `s_tuple` (288 bits) holds input byte n in
//!   bits 8n+7..8n (wire order). `s_six` low: only bytes 0..11 are hashed
//!   (the IPv4 4-tuple, or the 2-tuple with zero ports), one clock;
//!   `s_six` high: all 36 bytes (IPv6), three clocks. Zero bytes do not
//!   change the hash, so a 2-tuple is hashed with zero ports.
//! * `key` (319 bits): the 40-byte key read as one big-endian number (key
//!   byte 0 most significant, as the specification prints it) without its
//!   last bit, which no 36-byte input reaches: key byte 0 in bits 318..311.
//!   Quasi-static (a register of the register file).
//! * Output: `m_valid` pulses one clock with the tuple's `m_hash` (32 bits:
//!   for every input bit i set, bit 7 of byte 0 first, the 32 key bits
//!   starting at key bit i XORed in) and its `s_meta` as `m_meta`, in input
//!   order, [`LATENCY`] clocks after `s_pop` for a 12-byte tuple, two more
//!   for a 36-byte one.
//! * Pipeline: a chunk register (12 input bytes and the 127 key bits they
//!   meet), then 12 partial XORs of 8 AND terms per hash bit (two LUT levels,
//!   registered), then the 12 partials into the hash accumulator (two
//!   levels). The accumulator is the only loop. 32 x 96 AND terms instead
//!   of 32 x 288 for a one-step network: a third of the LUTs.
//! * `rst` drops the work in flight.
//!
//! The Rust `update()` computes each chunk's share with [`toeplitz_at`]
//! (the specification), the custom Verilog with the wiring.

use rust_hdl::prelude::*;

/// Clocks from `s_pop` to `m_valid` for a 12-byte tuple (chunk register,
/// partials, accumulator); a 36-byte tuple takes two more.
pub const LATENCY: u64 = 3;

/// Chunked Toeplitz hash engine; see the module documentation. `M` bits of
/// `s_meta` travel with each tuple.
#[derive(LogicBlock, Default)]
pub struct Toeplitz<const M: usize> {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub key: Signal<In, Bits<319>>,
    pub s_valid: Signal<In, Bit>,
    pub s_tuple: Signal<In, Bits<288>>,
    pub s_six: Signal<In, Bit>,
    pub s_meta: Signal<In, Bits<M>>,
    /// The tuple on `s_*` is taken (combinational: `s_valid` and no chunk
    /// of the previous tuple left to load).
    pub s_pop: Signal<Out, Bit>,
    pub m_valid: Signal<Out, Bit>,
    pub m_hash: Signal<Out, Bits<32>>,
    pub m_meta: Signal<Out, Bits<M>>,
    _sim: Model<M>,
}

/// One pipeline slot of the Rust model.
#[derive(Clone, Copy, Default)]
struct Slot<const M: usize> {
    valid: bool,
    first: bool,
    last: bool,
    meta: Bits<M>,
}

/// The Rust model's registers (the Verilog's, with the partials already
/// reduced to the chunk's share of the hash).
#[derive(Clone, Default)]
struct Model<const M: usize> {
    /// Chunks still to load after the one in `ch`.
    cnt: u8,
    rest: Vec<u8>,
    next_chunk: usize,
    ch: Slot<M>,
    ch_bytes: Vec<u8>,
    ch_index: usize,
    a: Slot<M>,
    a_share: u32,
    acc: u32,
    m_valid: bool,
    m_meta: Bits<M>,
}

/// The Microsoft RSS Toeplitz hash of `input` (at most 36 bytes) under
/// `key` (40 bytes).
pub fn toeplitz(key: &[u8; 40], input: &[u8]) -> u32 {
    toeplitz_at(key, input, 0)
}

/// The share of `input` in a Toeplitz hash when its first byte is input
/// byte `start / 8` (`start` in bits): for every input bit i set, the 32
/// key bits from key bit `start + i` on (Microsoft RSS specification).
/// Panics if the input reaches past the key's 320 bits.
pub fn toeplitz_at(key: &[u8; 40], input: &[u8], start: usize) -> u32 {
    let mut hash = 0u32;
    for (n, byte) in input.iter().enumerate() {
        for b in 0..8 {
            if byte >> (7 - b) & 1 != 0 {
                let i = start + 8 * n + b;
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

/// The key port's 319 bits as the specification's 40 bytes (last bit 0).
fn key_bytes(key: Bits<319>) -> [u8; 40] {
    let full = bit_cast::<320, 319>(key) << 1_u64;
    let mut out = [0u8; 40];
    for (i, k) in out.iter_mut().enumerate() {
        *k = full.get_bits::<8>(312 - 8 * i).to_u64() as u8;
    }
    out
}

impl<const M: usize> Logic for Toeplitz<M> {
    fn update(&mut self) {
        let s = &mut self._sim;
        let pop = self.s_valid.val() && s.cnt == 0;
        if self.clock.pos_edge() {
            if self.rst.val() {
                *s = Model::default();
            } else {
                // accumulator (stage B)
                if s.a.valid {
                    s.acc = if s.a.first { 0 } else { s.acc } ^ s.a_share;
                }
                s.m_valid = s.a.valid && s.a.last;
                s.m_meta = s.a.meta;
                // partials (stage A): the chunk's share
                s.a = s.ch;
                if s.ch.valid {
                    let key = key_bytes(self.key.val());
                    s.a_share = toeplitz_at(&key, &s.ch_bytes, 96 * s.ch_index);
                }
                // chunk register
                if pop {
                    let t = self.s_tuple.val();
                    let bytes: Vec<u8> = (0..36)
                        .map(|n| t.get_bits::<8>(8 * n).to_u64() as u8)
                        .collect();
                    let six = self.s_six.val();
                    s.ch = Slot {
                        valid: true,
                        first: true,
                        last: !six,
                        meta: self.s_meta.val(),
                    };
                    s.ch_bytes = bytes[..12].to_vec();
                    s.ch_index = 0;
                    s.rest = bytes[12..].to_vec();
                    s.next_chunk = 1;
                    s.cnt = if six { 2 } else { 0 };
                } else if s.cnt != 0 {
                    let k = s.next_chunk;
                    s.ch = Slot {
                        valid: true,
                        first: false,
                        last: s.cnt == 1,
                        meta: s.ch.meta,
                    };
                    s.ch_bytes = s.rest[12 * (k - 1)..12 * k].to_vec();
                    s.ch_index = k;
                    s.next_chunk += 1;
                    s.cnt -= 1;
                } else {
                    s.ch.valid = false;
                }
            }
        }
        self.s_pop.next = self.s_valid.val() && self._sim.cnt == 0;
        self.m_hash.next = u64::from(self._sim.acc).into();
        self.m_valid.next = self._sim.m_valid;
        self.m_meta.next = self._sim.m_meta;
    }

    fn connect(&mut self) {
        self.s_pop.connect();
        self.m_valid.connect();
        self.m_hash.connect();
        self.m_meta.connect();
    }

    fn hdl(&self) -> Verilog {
        let m = M - 1;
        // be: the tuple as one big-endian number (byte 0 most significant)
        let bytes: Vec<String> = (0..36)
            .map(|n| format!("s_tuple[{}:{}]", 8 * n + 7, 8 * n))
            .collect();
        let mut v = format!(
            "wire [287:0] be = {{{}}};\n\
             reg [1:0] cnt;\nreg [191:0] rest;\n\
             reg ch_v, ch_first, ch_last;\nreg [95:0] ch_d;\nreg [126:0] ch_k;\nreg [{m}:0] ch_meta;\n\
             reg a_v, a_first, a_last;\nreg [383:0] a_p;\nreg [{m}:0] a_meta;\n\
             reg [31:0] acc;\n\
             always @(*) begin\n  s_pop = s_valid & (cnt == 2'd0);\n  m_hash = acc;\nend\n",
            bytes.join(", ")
        );
        // chunk register: chunk c meets key bits 96c..96c+126 (from the top).
        // The data registers load every clock from a choice made by `cnt`
        // alone (a register), so neither `rst` nor `s_pop` fans out to them.
        v.push_str(
            "always @(posedge clock) begin\n\
             \x20 if (rst) begin\n    cnt <= 2'd0;\n    ch_v <= 1'b0;\n  end else begin\n\
             \x20   ch_v <= s_pop | (cnt != 2'd0);\n\
             \x20   cnt <= s_pop ? (s_six ? 2'd2 : 2'd0) : (cnt != 2'd0) ? cnt - 2'd1 : 2'd0;\n  end\nend\n\
             always @(posedge clock) begin\n\
             \x20 ch_first <= (cnt == 2'd0);\n\
             \x20 ch_last <= (cnt == 2'd0) ? ~s_six : (cnt == 2'd1);\n\
             \x20 ch_k <= (cnt == 2'd2) ? key[222:96] : (cnt == 2'd1) ? key[126:0] : key[318:192];\n\
             \x20 if (cnt == 2'd0) begin\n    ch_d <= be[287:192];\n    rest <= be[191:0];\n    ch_meta <= s_meta;\n\
             \x20 end else begin\n    ch_d <= rest[191:96];\n    rest <= {rest[95:0], 96'd0};\n  end\nend\n",
        );
        // partials: hash bit 31-j, bytes g of the chunk
        v.push_str(
            "always @(posedge clock) begin\n  a_v <= ch_v & ~rst;\n  a_first <= ch_first;\n  a_last <= ch_last;\n  a_meta <= ch_meta;\nend\n\
             always @(posedge clock) if (ch_v) begin\n",
        );
        for j in 0..32 {
            for g in 0..12 {
                v.push_str(&format!(
                    "  a_p[{}] <= ^(ch_d[{}:{}] & ch_k[{}:{}]);\n",
                    12 * j + g,
                    95 - 8 * g,
                    88 - 8 * g,
                    126 - 8 * g - j,
                    119 - 8 * g - j
                ));
            }
        }
        v.push_str("end\n");
        // accumulator
        v.push_str(
            "always @(posedge clock) begin\n  m_valid <= a_v & a_last & ~rst;\n  m_meta <= a_meta;\nend\n\
             always @(posedge clock) if (a_v) begin\n",
        );
        for j in 0..32 {
            v.push_str(&format!(
                "  acc[{}] <= (acc[{}] & ~a_first) ^ (^a_p[{}:{}]);\n",
                31 - j,
                31 - j,
                12 * j + 11,
                12 * j
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

    /// 66.9.149.187:2794 -> 161.142.100.80:1766 (IPv4, TCP).
    const V4: [u8; 12] = [66, 9, 149, 187, 161, 142, 100, 80, 0x0a, 0xea, 0x06, 0xe6];

    /// 3ffe:2501:200:1fff::7 port 2794 -> 3ffe:2501:200:3::1 port 1766.
    fn v6() -> [u8; 36] {
        let mut t = [0u8; 36];
        t[..8].copy_from_slice(&[0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x1f, 0xff]);
        t[15] = 7;
        t[16..24].copy_from_slice(&[0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x00, 0x03]);
        t[31] = 1;
        t[32..].copy_from_slice(&[0x0a, 0xea, 0x06, 0xe6]);
        t
    }

    fn key_port() -> Bits<319> {
        let mut key: Bits<319> = Bits::default();
        for (i, k) in MS_KEY.iter().enumerate() {
            for b in 0..8 {
                if 312 - 8 * i + b >= 1 {
                    key = key.replace_bit(312 - 8 * i + b - 1, k >> b & 1 != 0);
                }
            }
        }
        key
    }

    fn tuple(bytes: &[u8]) -> Bits<288> {
        let mut data: Bits<288> = Bits::default();
        for (n, byte) in bytes.iter().enumerate() {
            for b in 0..8 {
                data = data.replace_bit(8 * n + b, byte >> b & 1 != 0);
            }
        }
        data
    }

    fn tick(u: &mut Toeplitz<8>) {
        u.clock.next = false.into();
        assert!(simulate(u, 10));
        u.clock.next = true.into();
        assert!(simulate(u, 10));
    }

    #[test]
    fn specification_vectors() {
        // Microsoft RSS verification suite (IPv4 and IPv6, with and without ports)
        assert_eq!(toeplitz(&MS_KEY, &V4), 0x51cc_c178);
        assert_eq!(toeplitz(&MS_KEY, &V4[..8]), 0x323e_8fc2);
        assert_eq!(toeplitz(&MS_KEY, &v6()), 0x4020_7d3d);
        assert_eq!(toeplitz(&MS_KEY, &v6()[..32]), 0x2cc1_8cd5);
        // shares add up
        let t = v6();
        assert_eq!(
            toeplitz_at(&MS_KEY, &t[..12], 0)
                ^ toeplitz_at(&MS_KEY, &t[12..24], 96)
                ^ toeplitz_at(&MS_KEY, &t[24..], 192),
            0x4020_7d3d
        );
    }

    /// Tuples offered back to back (a 12-byte one right behind a 36-byte
    /// one) come out in order with the specification's hashes and their
    /// meta, one clock apart for 12-byte tuples, three for 36-byte ones.
    #[test]
    fn engine_hashes_in_order() {
        let mut u = Toeplitz::<8>::default();
        u.connect_all();
        u.key.next = key_port();
        u.rst.next = true;
        tick(&mut u);
        u.rst.next = false;
        let mut v4_2 = V4;
        v4_2[8..].fill(0);
        let mut v6_2 = v6();
        v6_2[32..].fill(0);
        let jobs: Vec<(Vec<u8>, bool, u32)> = vec![
            (V4.to_vec(), false, 0x51cc_c178),
            (v6().to_vec(), true, 0x4020_7d3d),
            (v4_2.to_vec(), false, 0x323e_8fc2),
            (v6_2.to_vec(), true, 0x2cc1_8cd5),
            (V4.to_vec(), false, 0x51cc_c178),
        ];
        let mut next = 0;
        let mut seen = Vec::new();
        let mut pops = Vec::new();
        for cycle in 0..40u32 {
            u.s_valid.next = next < jobs.len();
            if next < jobs.len() {
                let mut t = jobs[next].0.clone();
                t.resize(36, 0);
                u.s_tuple.next = tuple(&t);
                u.s_six.next = jobs[next].1;
                u.s_meta.next = (next as u64 + 1).into();
            }
            assert!(simulate(&mut u, 10));
            if u.s_pop.val() {
                pops.push(cycle);
                next += 1;
            }
            tick(&mut u);
            if u.m_valid.val() {
                seen.push((
                    u.m_meta.val().to_u64(),
                    u.m_hash.val().to_u64() as u32,
                    cycle,
                ));
            }
        }
        assert_eq!(pops, vec![0, 1, 4, 5, 8]);
        let want: Vec<(u64, u32)> = jobs
            .iter()
            .enumerate()
            .map(|(i, j)| (i as u64 + 1, j.2))
            .collect();
        let got: Vec<(u64, u32)> = seen.iter().map(|s| (s.0, s.1)).collect();
        assert_eq!(got, want);
        // latency: a 12-byte tuple's hash is out LATENCY clocks after its pop
        assert_eq!(seen[0].2 - pops[0], LATENCY as u32 - 1);
        assert_eq!(seen[1].2 - pops[1], LATENCY as u32 + 1);
    }
}
