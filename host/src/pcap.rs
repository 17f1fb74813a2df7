//! Captures for the datapath commands (pcap-file): Ethernet frames read
//! from pcap or pcapng for `nicctl tx`, and the pcapng `nicctl rx` writes,
//! one interface per receive queue and each packet's NIC facts (queue,
//! RSS hash, `tuser` flags, migrated tag) in its comment, so tshark shows
//! them (`frame.interface_id`, `frame.comment`).

use crate::error::HostError;
use pcap_file::pcap::PcapReader;
use pcap_file::pcapng::blocks::enhanced_packet::{EnhancedPacketBlock, EnhancedPacketOption};
use pcap_file::pcapng::blocks::interface_description::{
    InterfaceDescriptionBlock, InterfaceDescriptionOption,
};
use pcap_file::pcapng::{Block, PcapNgReader, PcapNgWriter};
use pcap_file::DataLink;
use std::borrow::Cow;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read};
use std::path::Path;
use std::time::Duration;

fn bad(path: &Path, why: String) -> HostError {
    HostError::Invalid {
        what: format!("capture {}", path.display()),
        why,
    }
}

/// The frames of an Ethernet capture (link type EN10MB), in order, as
/// stored (a capture from a host's stack has no FCS).
///
/// # Errors
/// [`HostError::Io`] when the file cannot be read, [`HostError::Invalid`]
/// for a file that is not pcap/pcapng or not Ethernet.
pub fn read_frames(path: &Path) -> Result<Vec<Vec<u8>>, HostError> {
    let open = || File::open(path).map_err(|e| HostError::io(path, "opening the capture", e));
    let mut magic = [0u8; 4];
    open()?
        .read_exact(&mut magic)
        .map_err(|e| HostError::io(path, "reading the capture", e))?;
    let fmt = |e: pcap_file::PcapError| bad(path, format!("not a valid pcap/pcapng file: {e}"));
    let mut frames = Vec::new();
    let mut links = Vec::new();
    if magic == [0x0a, 0x0d, 0x0d, 0x0a] {
        let mut r = PcapNgReader::new(BufReader::new(open()?)).map_err(fmt)?;
        while let Some(b) = r.next_block() {
            match b.map_err(fmt)? {
                Block::InterfaceDescription(i) => links.push(i.linktype),
                Block::EnhancedPacket(p) => frames.push(p.data.into_owned()),
                Block::SimplePacket(p) => frames.push(p.data.into_owned()),
                _ => {}
            }
        }
    } else {
        let mut r = PcapReader::new(BufReader::new(open()?)).map_err(fmt)?;
        links.push(r.header().datalink);
        while let Some(p) = r.next_packet() {
            frames.push(p.map_err(fmt)?.data.into_owned());
        }
    }
    if let Some(l) = links.iter().find(|&&l| l != DataLink::ETHERNET) {
        return Err(bad(
            path,
            format!("link type {l:?}: only Ethernet (EN10MB) is sent"),
        ));
    }
    Ok(frames)
}

/// NIC facts of a received frame, as its pcapng comment says them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RxFacts {
    /// Receive queue.
    pub queue: u16,
    /// RSS hash.
    pub hash: u32,
    /// `tuser` flags (`ferronic_regmap::cpl_flags`).
    pub tuser: u8,
    /// Migrated DSA tag, wire order (byte 0 in bits 7:0).
    pub tag: u64,
}

impl RxFacts {
    /// `queue=Q hash=0x........ tuser=0x.. tag=0x................`.
    pub fn comment(&self) -> String {
        format!(
            "queue={} hash={:#010x} tuser={:#04x} tag={:#018x}",
            self.queue, self.hash, self.tuser, self.tag
        )
    }

    /// Parses [`RxFacts::comment`]'s text; `None` if it is not one.
    pub fn parse(s: &str) -> Option<RxFacts> {
        let mut f = RxFacts {
            queue: 0,
            hash: 0,
            tuser: 0,
            tag: 0,
        };
        let hex = |v: &str| u64::from_str_radix(v.strip_prefix("0x")?, 16).ok();
        for kv in s.split_whitespace() {
            match kv.split_once('=')? {
                ("queue", v) => f.queue = v.parse().ok()?,
                ("hash", v) => f.hash = hex(v)? as u32,
                ("tuser", v) => f.tuser = hex(v)? as u8,
                ("tag", v) => f.tag = hex(v)?,
                _ => return None,
            }
        }
        Some(f)
    }
}

/// A pcapng file of received frames: interface `q` is receive queue `q`,
/// frames carry their FCS (`if_fcslen` 4).
pub struct RxWriter {
    w: PcapNgWriter<BufWriter<File>>,
    path: std::path::PathBuf,
}

impl RxWriter {
    /// Creates `path` with one interface per queue `0..queues`.
    ///
    /// # Errors
    /// [`HostError::Io`] when the file cannot be written.
    pub fn create(path: &Path, queues: u16) -> Result<RxWriter, HostError> {
        let f = File::create(path).map_err(|e| HostError::io(path, "creating", e))?;
        let mut w = PcapNgWriter::new(BufWriter::new(f)).map_err(|e| werr(path, e))?;
        for q in 0..queues {
            w.write_pcapng_block(InterfaceDescriptionBlock {
                linktype: DataLink::ETHERNET,
                snaplen: 0,
                options: vec![
                    InterfaceDescriptionOption::IfName(Cow::Owned(format!("ferronic rxq{q}"))),
                    InterfaceDescriptionOption::IfFcsLen(4),
                ],
            })
            .map_err(|e| werr(path, e))?;
        }
        Ok(RxWriter {
            w,
            path: path.to_path_buf(),
        })
    }

    /// Appends one frame, received `at` after the Unix epoch.
    ///
    /// # Errors
    /// [`HostError::Io`].
    pub fn write(&mut self, data: &[u8], facts: &RxFacts, at: Duration) -> Result<(), HostError> {
        self.w
            .write_pcapng_block(EnhancedPacketBlock {
                interface_id: facts.queue.into(),
                timestamp: at,
                original_len: data.len() as u32,
                data: Cow::Borrowed(data),
                options: vec![EnhancedPacketOption::Comment(Cow::Owned(facts.comment()))],
            })
            .map_err(|e| werr(&self.path, e))?;
        Ok(())
    }

    /// Flushes the file.
    ///
    /// # Errors
    /// [`HostError::Io`].
    pub fn finish(self) -> Result<(), HostError> {
        use std::io::Write;
        let path = self.path;
        self.w
            .into_inner()
            .flush()
            .map_err(|e| HostError::io(&path, "writing", e))
    }
}

fn werr(path: &Path, e: pcap_file::PcapError) -> HostError {
    match e {
        pcap_file::PcapError::IoError(e) => HostError::io(path, "writing", e),
        e => bad(path, e.to_string()),
    }
}
