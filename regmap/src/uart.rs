//! The UART register protocol (issue 16): how a host reaches the register
//! map over a serial line on a board without PCIe. One definition for the
//! gateware (`ferronic_hdl::board::uart`), the driver (`nicctl --device
//! serial:PATH`) and the docs.
//!
//! The line is 8N1 (one start bit, 8 data bits least significant first,
//! one stop bit; no parity), at the baud rate the bitstream was built for.
//!
//! **Request** (host to board):
//!
//! | byte | field |
//! |---|---|
//! | 0 | [`REQ_SOF`] `0xa5` |
//! | 1 | op: bits 7:6 command ([`CMD_READ`] 1, [`CMD_WRITE`] 2), bits 5:4 zero, bits 3:0 words - 1 (1 to [`MAX_WORDS`] = 16) |
//! | 2 | sequence number |
//! | 3, 4 | byte address of the first word, little-endian (16 bits; word `i` is at address + 4 i, modulo 2^16) |
//! | 5 .. | writes only: the words, 4 bytes each, little-endian |
//! | last 2 | CRC-16 of bytes 1 .. (everything after the start byte), most significant byte first |
//!
//! **Response** (board to host), after the request's last word was done:
//!
//! | byte | field |
//! |---|---|
//! | 0 | [`RESP_SOF`] `0x5a` |
//! | 1, 2 | the request's op and sequence number |
//! | 3 .. | reads only: the words read, 4 bytes each, little-endian (0 for a word answered with an error) |
//! | n | status: bits 1:0 the AXI4-Lite response of the first word not OKAY (0 if none), bits 5:2 that word's index, bit 7 [`STATUS_REPLAYED`] |
//! | last 2 | CRC-16 of bytes 1 .. n, most significant byte first |
//!
//! The CRC is CRC-16/IBM-3740 (also called CCITT-FALSE: polynomial
//! 0x1021, initial value 0xffff, not reflected, no final XOR; check value
//! 0x29b1 over the ASCII digits "123456789"), so the CRC of a whole frame
//! after its start byte, CRC included, is 0.
//!
//! **Losing a byte.** The board answers only a request whose CRC is right
//! and whose op is valid; anything else is dropped, and so is a request
//! the line leaves idle for [`IDLE_BITS`] bit times before its end. The
//! board then waits for the next start byte. A host that gets no answer,
//! or a bad one, waits longer than that idle time and sends the request
//! again with the same sequence number. A write whose sequence number is
//! that of the last write done is not done again: the board answers it
//! with the status it had and [`STATUS_REPLAYED`] set (a write to a
//! doorbell or a clear register happens once). Reads are repeated; no
//! register of the map changes when read.

/// Start of a request.
pub const REQ_SOF: u8 = 0xa5;
/// Start of a response.
pub const RESP_SOF: u8 = 0x5a;
/// Command field (op bits 7:6) of a read.
pub const CMD_READ: u8 = 1;
/// Command field (op bits 7:6) of a write.
pub const CMD_WRITE: u8 = 2;
/// Most words in one request.
pub const MAX_WORDS: usize = 16;
/// Status bit 7: a write the board had already done (same sequence
/// number as the last write), answered without doing it again.
pub const STATUS_REPLAYED: u8 = 0x80;
/// Bit times of silence after which the board drops a request it has
/// started to receive.
pub const IDLE_BITS: u32 = 1024;

/// The CRC of the protocol (CRC-16/IBM-3740).
pub const CRC: crc::Crc<u16> = crc::Crc::<u16>::new(&crc::CRC_16_IBM_3740);

/// A register access over the serial line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// Read `words` (1 to 16) consecutive registers from `addr`.
    Read { seq: u8, addr: u16, words: u8 },
    /// Write `data` (1 to 16 words) to consecutive registers from `addr`.
    Write { seq: u8, addr: u16, data: Vec<u32> },
}

/// A decoded response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// Op byte echoed from the request.
    pub op: u8,
    /// Sequence number echoed from the request.
    pub seq: u8,
    /// Words read (empty for a write).
    pub data: Vec<u32>,
    /// Status byte (see the module documentation).
    pub status: u8,
}

impl Response {
    /// The AXI4-Lite response of the first failing word (0 = all OKAY, 2
    /// SLVERR, 3 DECERR) and that word's index.
    pub fn error(&self) -> Option<(u8, usize)> {
        let resp = self.status & 3;
        (resp != 0).then_some((resp, usize::from((self.status >> 2) & 0xf)))
    }
}

/// Why bytes are not a response.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// Fewer bytes than the response to this request has.
    #[error("short response: {got} of {want} bytes")]
    Short { got: usize, want: usize },
    /// The first byte is not [`RESP_SOF`].
    #[error("response starts with {0:#04x}, not 0x5a")]
    Start(u8),
    /// The CRC does not match.
    #[error("response CRC mismatch")]
    Crc,
    /// Op or sequence number differ from the request's.
    #[error("response for op {op:#04x} sequence {seq}, not this request's")]
    Other { op: u8, seq: u8 },
}

impl Request {
    /// The op byte (command, word count).
    ///
    /// # Panics
    /// When the request has no word or more than [`MAX_WORDS`].
    pub fn op(&self) -> u8 {
        let (cmd, n) = match self {
            Request::Read { words, .. } => (CMD_READ, usize::from(*words)),
            Request::Write { data, .. } => (CMD_WRITE, data.len()),
        };
        assert!((1..=MAX_WORDS).contains(&n), "{n} words in one request");
        cmd << 6 | (n - 1) as u8
    }

    fn seq(&self) -> u8 {
        match self {
            Request::Read { seq, .. } | Request::Write { seq, .. } => *seq,
        }
    }

    /// The request's bytes on the line.
    pub fn encode(&self) -> Vec<u8> {
        let (seq, addr) = match self {
            Request::Read { seq, addr, .. } | Request::Write { seq, addr, .. } => (*seq, *addr),
        };
        let mut f = vec![REQ_SOF, self.op(), seq];
        f.extend_from_slice(&addr.to_le_bytes());
        if let Request::Write { data, .. } = self {
            for w in data {
                f.extend_from_slice(&w.to_le_bytes());
            }
        }
        let crc = CRC.checksum(&f[1..]);
        f.extend_from_slice(&crc.to_be_bytes());
        f
    }

    /// Length of the response to this request, bytes.
    pub fn response_len(&self) -> usize {
        let words = match self {
            Request::Read { words, .. } => usize::from(*words),
            Request::Write { .. } => 0,
        };
        6 + 4 * words
    }

    /// Decodes `bytes` (exactly [`Request::response_len`] of them, or more:
    /// the rest is ignored) as the response to this request.
    ///
    /// # Errors
    /// [`FrameError`] naming what does not match.
    pub fn decode(&self, bytes: &[u8]) -> Result<Response, FrameError> {
        let want = self.response_len();
        if bytes.len() < want {
            return Err(FrameError::Short {
                got: bytes.len(),
                want,
            });
        }
        let f = &bytes[..want];
        if f[0] != RESP_SOF {
            return Err(FrameError::Start(f[0]));
        }
        if CRC.checksum(&f[1..]) != 0 {
            return Err(FrameError::Crc);
        }
        if f[1] != self.op() || f[2] != self.seq() {
            return Err(FrameError::Other {
                op: f[1],
                seq: f[2],
            });
        }
        let data = f[3..want - 3]
            .chunks(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        Ok(Response {
            op: f[1],
            seq: f[2],
            data,
            status: f[want - 3],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crc_is_ibm_3740() {
        // the catalogue's check value (Greg Cook's CRC catalogue)
        assert_eq!(CRC.checksum(b"123456789"), 0x29b1);
    }

    #[test]
    fn a_read_of_two_words_on_the_line() {
        let r = Request::Read {
            seq: 7,
            addr: 0x0010,
            words: 2,
        };
        let f = r.encode();
        // op: command 1 in bits 7:6, words - 1 = 1
        assert_eq!(&f[..5], &[0xa5, 0x41, 0x07, 0x10, 0x00]);
        // CRC-16/IBM-3740 of 41 07 10 00, computed bit by bit here
        let mut crc: u16 = 0xffff;
        for b in [0x41u8, 0x07, 0x10, 0x00] {
            crc ^= u16::from(b) << 8;
            for _ in 0..8 {
                crc = if crc & 0x8000 != 0 {
                    crc << 1 ^ 0x1021
                } else {
                    crc << 1
                };
            }
        }
        assert_eq!(&f[5..], &crc.to_be_bytes());
        // the whole frame after its start byte leaves 0
        assert_eq!(CRC.checksum(&f[1..]), 0);
    }

    #[test]
    fn responses_decode_and_damage_is_named() {
        let r = Request::Read {
            seq: 3,
            addr: 0,
            words: 1,
        };
        let mut resp = vec![RESP_SOF, 0x40, 3, 0x78, 0x56, 0x34, 0x12, 0x00];
        let crc = CRC.checksum(&resp[1..]);
        resp.extend_from_slice(&crc.to_be_bytes());
        let d = r.decode(&resp).unwrap();
        assert_eq!(d.data, vec![0x1234_5678]);
        assert_eq!(d.error(), None);
        let mut bad = resp.clone();
        bad[4] ^= 1;
        assert_eq!(r.decode(&bad), Err(FrameError::Crc));
        assert!(matches!(
            r.decode(&resp[..9]),
            Err(FrameError::Short { .. })
        ));
        // a well-formed answer to another request (a write of sequence 4)
        let w = Request::Write {
            seq: 3,
            addr: 0,
            data: vec![1],
        };
        let mut other = vec![RESP_SOF, 0x80, 4, 0x00];
        let crc = CRC.checksum(&other[1..]);
        other.extend_from_slice(&crc.to_be_bytes());
        assert_eq!(
            w.decode(&other),
            Err(FrameError::Other { op: 0x80, seq: 4 })
        );
        other[2] = 3;
        let crc = CRC.checksum(&other[1..4]);
        other[4..].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(w.decode(&other).unwrap().status, 0);
    }
}
