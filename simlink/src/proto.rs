//! Messages of the protocol (see the crate documentation for the framing).

use serde::{Deserialize, Serialize};

/// Protocol version sent in [`Reply::Hello`]; a client refuses another one.
pub const PROTOCOL: u32 = 1;

/// One request line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    /// Who are you: answered with [`Reply::Hello`].
    Hello,
    /// 32-bit AXI4-Lite read at byte address `offset`: [`Reply::Value`].
    Read {
        /// Byte address, 4-byte aligned.
        offset: u32,
    },
    /// 32-bit AXI4-Lite write (all byte strobes): [`Reply::Done`].
    Write {
        /// Byte address, 4-byte aligned.
        offset: u32,
        /// Value.
        value: u32,
    },
    /// Frames arriving from the wire (`s_axis`), FCS included, run through
    /// the core under its current register configuration; answered with
    /// the frames the core delivered to the host (`m_axis`).
    Rx {
        /// Frame bytes, FCS included.
        #[serde(with = "hex_list")]
        frames: Vec<Vec<u8>>,
    },
    /// Frames from the host to transmit queue `queue` (`s_axis_tx`), no
    /// FCS; answered with what leaves for the MAC (`m_axis_tx`).
    Tx {
        /// Transmit queue (`s_axis_tx_tdest`).
        queue: u8,
        /// Frame bytes, no FCS.
        #[serde(with = "hex_list")]
        frames: Vec<Vec<u8>>,
    },
    /// Reset the core (`rst` for two cycles): registers return to their
    /// reset values, counters to 0. [`Reply::Done`].
    Reset,
    /// The host memory of a server with the DMA engine (`nicsim serve
    /// --dma`): [`Reply::Memory`], the file to map shared (IOVA = offset).
    /// A server without it answers an error of kind `protocol`.
    Memory,
    /// Frames, FCS included, queued on the MAC's receive stream (the wire
    /// side of the DMA top); they enter at line rate while the server runs.
    /// [`Reply::Done`] once queued.
    WireIn {
        /// Frame bytes, FCS included.
        #[serde(with = "hex_list")]
        frames: Vec<Vec<u8>>,
    },
    /// The frames that left on the MAC's transmit stream since the last
    /// `wire_out`, at most `max` (oldest first): [`Reply::Frames`] with
    /// `tuser` 1 for a frame sent marked bad.
    WireOut {
        /// Most frames to return.
        max: u32,
    },
    /// The simulated IOMMU: the pages (4 KiB) covering `iova .. iova +
    /// len` of host memory refuse the card's DMA with AXI response `resp`
    /// (2 SLVERR, 3 DECERR: a page not resident), or accept it again with
    /// 0. [`Reply::Done`].
    Fault {
        /// First byte.
        iova: u64,
        /// Bytes.
        len: u64,
        /// 0 to accept again, 2 or 3 to refuse.
        resp: u8,
    },
    /// Runs the simulation until interrupt vector `vector` has been raised
    /// more than `seen` times in all, or `cycles` clocks have passed:
    /// [`Reply::Irq`] with the vector's count (an eventfd's counter, kept
    /// by the server).
    WaitIrq {
        /// Interrupt vector (`irq_req` bit).
        vector: u16,
        /// The count the client saw last.
        seen: u64,
        /// Most clocks to run.
        cycles: u64,
    },
}

/// One frame the core delivered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frame {
    /// Receive queue (`m_axis_tdest`), 0 on the transmit side.
    pub queue: u8,
    /// Side-band flags (`m_axis_tuser`; see the datapath documentation).
    pub tuser: u8,
    /// RSS hash (`m_axis_hash`), 0 on the transmit side.
    pub hash: u32,
    /// The migrated DSA tag (`m_axis_tag`, wire order, byte 0 in bits 7:0),
    /// 0 on the transmit side.
    pub tag: u64,
    /// Frame bytes, FCS included.
    #[serde(with = "hex")]
    pub data: Vec<u8>,
}

/// What a failed request met.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The slave answered SLVERR (unmapped, unaligned).
    Slverr,
    /// The line was not a valid request.
    Protocol,
    /// The simulation failed (hang, AXI4-Stream rule broken).
    Sim,
}

/// One reply line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "snake_case")]
pub enum Reply {
    /// Answer to [`Request::Hello`].
    Hello {
        /// Server name and version.
        server: String,
        /// [`PROTOCOL`].
        protocol: u32,
        /// Clock cycles simulated so far.
        cycles: u64,
        /// The simulated top: `nic_core` (streams: `rx`/`tx`) or `nic`
        /// (the DMA engine: `memory`, `wire_in`, `wire_out`, `wait_irq`).
        #[serde(default = "core_top")]
        top: String,
    },
    /// A register value.
    Value {
        /// The 32-bit value read.
        value: u32,
    },
    /// A write or reset finished.
    Done,
    /// Answer to [`Request::Memory`].
    Memory {
        /// The file holding host memory; map it shared, IOVA = offset.
        path: String,
        /// Its size in bytes (IOVAs `0..bytes`).
        bytes: u64,
    },
    /// Answer to [`Request::WaitIrq`].
    Irq {
        /// Times the vector was raised since the server started.
        count: u64,
        /// Clocks the request ran.
        cycles: u64,
    },
    /// Frames delivered by the core.
    Frames {
        /// In delivery order (to the host for `rx`, to the MAC for `tx`).
        frames: Vec<Frame>,
        /// For `rx`: what the core sent to the wire meanwhile (the
        /// handshake engine's SYN-ACKs and RSTs, FCS included).
        #[serde(default)]
        wire: Vec<Frame>,
        /// Clock cycles the request took.
        cycles: u64,
    },
    /// The request failed.
    Error {
        /// Class of failure.
        kind: ErrorKind,
        /// Human-readable detail.
        message: String,
    },
}

fn core_top() -> String {
    "nic_core".into()
}

mod hex_list {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &[Vec<u8>], s: S) -> Result<S::Ok, S::Error> {
        v.iter().map(hex::encode).collect::<Vec<_>>().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<u8>>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|h| hex::decode(h).map_err(serde::de::Error::custom))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_read_as_documented() {
        let r: Request = serde_json::from_str(r#"{"op":"write","offset":24,"value":3}"#).unwrap();
        assert_eq!(
            r,
            Request::Write {
                offset: 24,
                value: 3
            }
        );
        let r: Request = serde_json::from_str(r#"{"op":"rx","frames":["00ff"]}"#).unwrap();
        assert_eq!(
            r,
            Request::Rx {
                frames: vec![vec![0, 0xff]]
            }
        );
        let e = serde_json::to_string(&Reply::Error {
            kind: ErrorKind::Slverr,
            message: "x".into(),
        })
        .unwrap();
        assert_eq!(e, r#"{"reply":"error","kind":"slverr","message":"x"}"#);
        assert!(serde_json::from_str::<Request>(r#"{"op":"rx","frames":["0g"]}"#).is_err());
    }
}
