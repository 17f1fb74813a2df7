//! Memory layouts of the DMA queues (issue 13; DESIGN.md section 7b, after
//! Corundum's mqnic descriptors and phase-tagged completions): the
//! 16-byte **descriptor** the driver posts in a receive or transmit ring,
//! and the 32-byte **completion** the NIC writes in a completion queue.
//! One definition for the gateware, the simulator's host model, the driver
//! and the exports (`regmap.md`, `regmap.json`, `regmap.h`).
//!
//! Byte order: little-endian, as PCIe hosts and Corundum lay them out. A
//! field at bit `b` of width `n` holds bits `b..b+n` of the record read as
//! one little-endian integer: bit `b` is bit `b % 8` of byte `b / 8`.
//!
//! The completion's last bit is the **phase**: the NIC writes the
//! completion queue's phase, which starts at 1 and flips each time the
//! queue's producer index wraps, so the driver finds new completions by
//! polling memory (a slot whose phase differs from the one the driver
//! expects is not written yet) and never reads a register to poll.

/// One field of a memory layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Field {
    /// Name (the C header's `FERRONIC_<LAYOUT>_<NAME>_BIT`).
    pub name: &'static str,
    /// First bit in the little-endian record.
    pub bit: u32,
    /// Width in bits (1..=64).
    pub bits: u32,
    /// What it means, with units.
    pub doc: &'static str,
}

/// A record in host memory: its size and fields, lowest bit first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Layout {
    /// Name (`descriptor`, `completion`).
    pub name: &'static str,
    /// Size in bytes (a power of two; records are packed in their ring).
    pub bytes: u32,
    /// The fields; bits not covered are reserved: written 0, ignored on read.
    pub fields: &'static [Field],
}

impl Layout {
    /// The field called `name` (a `const fn`, so the record codecs look
    /// their fields up at compile time).
    ///
    /// # Panics
    /// When the layout has no such field (a programming error; at compile
    /// time when called in a constant).
    pub const fn field(&self, name: &str) -> Field {
        let mut i = 0;
        while i < self.fields.len() {
            let f = self.fields[i];
            if f.name.len() == name.len() {
                let (a, b) = (f.name.as_bytes(), name.as_bytes());
                let mut k = 0;
                while k < a.len() && a[k] == b[k] {
                    k += 1;
                }
                if k == a.len() {
                    return f;
                }
            }
            i += 1;
        }
        panic!("the layout has no field of that name")
    }
}

/// The bytes `f` spans in a record: first byte, byte count (at most 9).
#[inline]
fn span(f: Field) -> (usize, usize) {
    let lo = (f.bit / 8) as usize;
    (lo, (f.bit + f.bits).div_ceil(8) as usize - lo)
}

/// Reads `f` from a little-endian record.
///
/// # Panics
/// When `rec` is shorter than the field's end.
#[inline]
pub fn get(rec: &[u8], f: Field) -> u64 {
    let (lo, n) = span(f);
    let mut w = [0u8; 16];
    w[..n].copy_from_slice(&rec[lo..lo + n]);
    let v = u128::from_le_bytes(w) >> (f.bit % 8);
    (v & ((1u128 << f.bits) - 1)) as u64
}

/// Writes the low `f.bits` bits of `v` into `f` of a little-endian record,
/// leaving every other bit as it was.
///
/// # Panics
/// When `rec` is shorter than the field's end.
#[inline]
pub fn put(rec: &mut [u8], f: Field, v: u64) {
    let (lo, n) = span(f);
    let mut w = [0u8; 16];
    w[..n].copy_from_slice(&rec[lo..lo + n]);
    let mask = ((1u128 << f.bits) - 1) << (f.bit % 8);
    let x = (u128::from_le_bytes(w) & !mask) | ((u128::from(v) << (f.bit % 8)) & mask);
    rec[lo..lo + n].copy_from_slice(&x.to_le_bytes()[..n]);
}

/// Descriptor flag bits (`flags`).
pub mod desc_flags {
    /// Transmit: this buffer ends the frame (gather stops here). Receive:
    /// ignored.
    pub const EOP: u16 = 1 << 0;
    /// Transmit: send the frame marked bad (`tuser` bad, so the transmit
    /// path appends a wrong FCS). Receive: ignored.
    pub const BAD: u16 = 1 << 1;
}

/// Completion flag bits (`flags`); bits 5:0 are the frame's `m_axis_tuser`
/// ([`crate::tag::tuser`]).
pub mod cpl_flags {
    /// Mask of the `tuser` bits.
    pub const TUSER: u16 = 0x3f;
    /// Receive: a refused attempt (a page fault). The frame's write into the
    /// buffers `index .. index + desc_count` was refused (the `fault_*`
    /// fields say how); `len` is 0 and the buffers hold nothing. The
    /// driver makes those buffers' pages resident and posts them again;
    /// the frame itself is written again into the next posted buffers and
    /// completed in a later record, before any later frame (order is
    /// kept).
    pub const FAULT: u16 = 1 << 8;
}

/// The 16-byte descriptor.
pub const DESCRIPTOR: Layout = Layout {
    name: "descriptor",
    bytes: 16,
    fields: &[
        Field {
            name: "FLAGS",
            bit: 0,
            bits: 16,
            doc: "desc_flags: bit 0 end of packet (transmit), bit 1 mark bad (transmit)",
        },
        Field {
            name: "LEN",
            bit: 32,
            bits: 32,
            doc: "buffer length in bytes (receive: room; transmit: bytes to send from it)",
        },
        Field {
            name: "ADDR",
            bit: 64,
            bits: 64,
            doc: "buffer address (IOVA) in host memory",
        },
    ],
};

/// The 32-byte completion.
pub const COMPLETION: Layout = Layout {
    name: "completion",
    bytes: 32,
    fields: &[
        Field {
            name: "QUEUE",
            bit: 0,
            bits: 16,
            doc: "receive or transmit queue of the frame",
        },
        Field {
            name: "INDEX",
            bit: 16,
            bits: 16,
            doc: "ring index (free-running, 16 bits) of the frame's first descriptor",
        },
        Field {
            name: "LEN",
            bit: 32,
            bits: 32,
            doc: "frame length in bytes as written (receive) or sent (transmit)",
        },
        Field {
            name: "DESC_COUNT",
            bit: 64,
            bits: 16,
            doc: "descriptors the frame used (or the refused attempt, with the fault flag)",
        },
        Field {
            name: "FLAGS",
            bit: 80,
            bits: 16,
            doc: "cpl_flags: bits 5:0 m_axis_tuser, bit 8 fault (a refused attempt: LEN 0, the frame follows in a later record)",
        },
        Field {
            name: "HASH",
            bit: 96,
            bits: 32,
            doc: "RSS Toeplitz hash (0 for a non-IP frame)",
        },
        Field {
            name: "TAG",
            bit: 128,
            bits: 64,
            doc: "migrated DSA tag (strip mode's sideband; byte 0 of the tag in bits 7:0)",
        },
        Field {
            name: "FAULT_INDEX",
            bit: 192,
            bits: 16,
            doc: "ring index of the refused attempt's first buffer (valid with the fault flag)",
        },
        Field {
            name: "FAULT_RESP",
            bit: 208,
            bits: 2,
            doc: "AXI response that refused it: 2 SLVERR, 3 DECERR",
        },
        Field {
            name: "FAULT_COUNT",
            bit: 216,
            bits: 8,
            doc: "writes (one per buffer) the memory refused in this attempt (saturates at 255)",
        },
        Field {
            name: "PHASE",
            bit: 255,
            bits: 1,
            doc: "the completion queue's phase when written (starts at 1, flips on each wrap)",
        },
    ],
};

// the codecs' fields, looked up at compile time
const D_FLAGS: Field = DESCRIPTOR.field("FLAGS");
const D_LEN: Field = DESCRIPTOR.field("LEN");
const D_ADDR: Field = DESCRIPTOR.field("ADDR");
const C_QUEUE: Field = COMPLETION.field("QUEUE");
const C_INDEX: Field = COMPLETION.field("INDEX");
const C_LEN: Field = COMPLETION.field("LEN");
const C_DESC_COUNT: Field = COMPLETION.field("DESC_COUNT");
const C_FLAGS: Field = COMPLETION.field("FLAGS");
const C_HASH: Field = COMPLETION.field("HASH");
const C_TAG: Field = COMPLETION.field("TAG");
const C_FAULT_INDEX: Field = COMPLETION.field("FAULT_INDEX");
const C_FAULT_RESP: Field = COMPLETION.field("FAULT_RESP");
const C_FAULT_COUNT: Field = COMPLETION.field("FAULT_COUNT");
const C_PHASE: Field = COMPLETION.field("PHASE");

/// Every layout, in export order.
pub const LAYOUTS: &[Layout] = &[DESCRIPTOR, COMPLETION];

/// A descriptor, decoded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Descriptor {
    /// [`desc_flags`] bits.
    pub flags: u16,
    /// Buffer length in bytes.
    pub len: u32,
    /// Buffer IOVA.
    pub addr: u64,
}

impl Descriptor {
    /// The 16 bytes the driver writes in the ring.
    #[inline]
    pub fn to_bytes(&self) -> [u8; 16] {
        let mut r = [0u8; 16];
        put(&mut r, D_FLAGS, self.flags.into());
        put(&mut r, D_LEN, self.len.into());
        put(&mut r, D_ADDR, self.addr);
        r
    }

    /// Decodes 16 bytes of a ring (reserved bits ignored).
    #[inline]
    pub fn from_bytes(r: &[u8; 16]) -> Descriptor {
        Descriptor {
            flags: get(r, D_FLAGS) as u16,
            len: get(r, D_LEN) as u32,
            addr: get(r, D_ADDR),
        }
    }
}

/// Which buffer a page fault refused (the completion's fault report).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fault {
    /// Ring index of the refused attempt's first buffer.
    pub index: u16,
    /// AXI response: 2 SLVERR, 3 DECERR.
    pub resp: u8,
    /// Buffers whose write was refused in this attempt.
    pub count: u8,
}

/// A completion, decoded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    /// Queue of the frame.
    pub queue: u16,
    /// Ring index of the frame's first descriptor.
    pub index: u16,
    /// Frame length in bytes.
    pub len: u32,
    /// Descriptors used (by the frame, or by the refused attempt).
    pub desc_count: u16,
    /// `m_axis_tuser` of the frame (6 bits).
    pub tuser: u8,
    /// RSS hash.
    pub hash: u32,
    /// Migrated DSA tag.
    pub tag: u64,
    /// The page fault report of a refused attempt ([`cpl_flags::FAULT`]).
    pub fault: Option<Fault>,
    /// Phase bit.
    pub phase: bool,
}

impl Completion {
    /// The 32 bytes the NIC writes in the completion queue.
    #[inline]
    pub fn to_bytes(&self) -> [u8; 32] {
        let mut r = [0u8; 32];
        let mut flags = u16::from(self.tuser) & cpl_flags::TUSER;
        if let Some(f) = self.fault {
            flags |= cpl_flags::FAULT;
            put(&mut r, C_FAULT_INDEX, f.index.into());
            put(&mut r, C_FAULT_RESP, f.resp.into());
            put(&mut r, C_FAULT_COUNT, f.count.into());
        }
        put(&mut r, C_QUEUE, self.queue.into());
        put(&mut r, C_INDEX, self.index.into());
        put(&mut r, C_LEN, self.len.into());
        put(&mut r, C_DESC_COUNT, self.desc_count.into());
        put(&mut r, C_FLAGS, flags.into());
        put(&mut r, C_HASH, self.hash.into());
        put(&mut r, C_TAG, self.tag);
        put(&mut r, C_PHASE, self.phase.into());
        r
    }

    /// Decodes 32 bytes of a completion queue (reserved bits ignored).
    #[inline]
    pub fn from_bytes(r: &[u8; 32]) -> Completion {
        let flags = get(r, C_FLAGS) as u16;
        Completion {
            queue: get(r, C_QUEUE) as u16,
            index: get(r, C_INDEX) as u16,
            len: get(r, C_LEN) as u32,
            desc_count: get(r, C_DESC_COUNT) as u16,
            tuser: (flags & cpl_flags::TUSER) as u8,
            hash: get(r, C_HASH) as u32,
            tag: get(r, C_TAG),
            fault: (flags & cpl_flags::FAULT != 0).then(|| Fault {
                index: get(r, C_FAULT_INDEX) as u16,
                resp: get(r, C_FAULT_RESP) as u8,
                count: get(r, C_FAULT_COUNT) as u8,
            }),
            phase: get(r, C_PHASE) != 0,
        }
    }
}

#[cfg(test)]
#[path = "dma_tests.rs"]
mod tests;
