//! Capture files in and out with the `pcap-file` crate: pcap or pcapng in
//! (detected from the magic number), pcapng out with `if_fcslen` = 4 because
//! the NIC's output frames carry their FCS.

use ferronic_hdl::rx::tag::TagFormat;
use pcap_file::pcap::PcapReader;
use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketBlock;
use pcap_file::pcapng::blocks::interface_description::{
    InterfaceDescriptionBlock, InterfaceDescriptionOption,
};
use pcap_file::pcapng::{Block, PcapNgReader, PcapNgWriter};
use pcap_file::DataLink;
use std::borrow::Cow;
use std::io::{BufReader, BufWriter, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// One captured frame (as captured: no FCS).
#[derive(Clone, Debug)]
pub struct CapturedFrame {
    /// Capture timestamp since the Unix epoch.
    pub timestamp: Duration,
    /// Frame bytes.
    pub data: Vec<u8>,
}

/// A whole capture: link type and frames.
#[derive(Clone, Debug)]
pub struct Capture {
    /// Link type of the (first) interface.
    pub linktype: DataLink,
    /// Frames in file order.
    pub frames: Vec<CapturedFrame>,
}

/// Errors reading or writing captures.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// The file could not be opened, read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not a valid pcap or pcapng file.
    #[error("{path}: not a valid pcap/pcapng file: {source}")]
    Format {
        path: PathBuf,
        source: pcap_file::PcapError,
    },
    /// A pcapng file with interfaces of different link types.
    #[error("{path}: interfaces with different link types ({0:?} and {1:?}) are not supported", .kinds.0, .kinds.1)]
    MixedLinkTypes {
        path: PathBuf,
        kinds: (DataLink, DataLink),
    },
    /// A link type the NIC's Ethernet port cannot carry.
    #[error("{path}: link type {linktype:?} is not Ethernet or a DSA tag (EN10MB, DSA_TAG_BRCM, DSA_TAG_BRCM_PREPEND, DSA_TAG_DSA, DSA_TAG_EDSA)")]
    LinkType { path: PathBuf, linktype: DataLink },
}

/// The tag format a link type implies (`None` for plain Ethernet), or
/// `Err` for link types the NIC cannot carry.
pub fn format_for_linktype(l: DataLink) -> Option<TagFormat> {
    match l {
        DataLink::ETHERNET => Some(TagFormat::None),
        DataLink::DSA_TAG_BRCM => Some(TagFormat::Brcm),
        DataLink::DSA_TAG_BRCM_PREPEND => Some(TagFormat::BrcmPrepend),
        DataLink::DSA_TAG_DSA => Some(TagFormat::Dsa),
        DataLink::DSA_TAG_EDSA => Some(TagFormat::Edsa),
        _ => None,
    }
}

/// Reads a pcap or pcapng file and checks that its link type is one the
/// NIC's Ethernet port carries.
pub fn read(path: &Path) -> Result<Capture, CaptureError> {
    let io = |source| CaptureError::Io {
        path: path.to_path_buf(),
        source,
    };
    let fmt = |source| CaptureError::Format {
        path: path.to_path_buf(),
        source,
    };
    let mut f = std::fs::File::open(path).map_err(io)?;
    let mut magic = [0u8; 4];
    f.read_exact(&mut magic).map_err(io)?;
    let f = std::fs::File::open(path).map_err(io)?;
    let cap = if magic == [0x0A, 0x0D, 0x0D, 0x0A] {
        let mut r = PcapNgReader::new(BufReader::new(f)).map_err(fmt)?;
        let mut linktype = None;
        let mut frames = Vec::new();
        while let Some(b) = r.next_block() {
            match b.map_err(fmt)? {
                Block::InterfaceDescription(idb) => match linktype {
                    None => linktype = Some(idb.linktype),
                    Some(l) if l != idb.linktype => {
                        return Err(CaptureError::MixedLinkTypes {
                            path: path.to_path_buf(),
                            kinds: (l, idb.linktype),
                        })
                    }
                    _ => {}
                },
                Block::EnhancedPacket(p) => frames.push(CapturedFrame {
                    timestamp: p.timestamp,
                    data: p.data.into_owned(),
                }),
                Block::SimplePacket(p) => frames.push(CapturedFrame {
                    timestamp: Duration::ZERO,
                    data: p.data.into_owned(),
                }),
                _ => {}
            }
        }
        Capture {
            linktype: linktype.unwrap_or(DataLink::ETHERNET),
            frames,
        }
    } else {
        let mut r = PcapReader::new(BufReader::new(f)).map_err(fmt)?;
        let linktype = r.header().datalink;
        let mut frames = Vec::new();
        while let Some(p) = r.next_packet() {
            let p = p.map_err(fmt)?;
            frames.push(CapturedFrame {
                timestamp: p.timestamp,
                data: p.data.into_owned(),
            });
        }
        Capture { linktype, frames }
    };
    if format_for_linktype(cap.linktype).is_none() {
        return Err(CaptureError::LinkType {
            path: path.to_path_buf(),
            linktype: cap.linktype,
        });
    }
    Ok(cap)
}

/// Writes frames that include their FCS as pcapng (one interface,
/// `if_fcslen` = 4, microsecond timestamps).
pub fn write_pcapng(
    path: &Path,
    linktype: DataLink,
    frames: &[CapturedFrame],
) -> Result<(), CaptureError> {
    let io = |source| CaptureError::Io {
        path: path.to_path_buf(),
        source,
    };
    let fmt = |source| CaptureError::Format {
        path: path.to_path_buf(),
        source,
    };
    let f = std::fs::File::create(path).map_err(io)?;
    let mut w = PcapNgWriter::new(BufWriter::new(f)).map_err(fmt)?;
    w.write_pcapng_block(InterfaceDescriptionBlock {
        linktype,
        snaplen: 0,
        options: vec![
            InterfaceDescriptionOption::IfName(Cow::Borrowed("ferronic m_axis")),
            InterfaceDescriptionOption::IfFcsLen(4),
        ],
    })
    .map_err(fmt)?;
    for fr in frames {
        w.write_pcapng_block(EnhancedPacketBlock {
            interface_id: 0,
            timestamp: fr.timestamp,
            original_len: fr.data.len() as u32,
            data: Cow::Borrowed(&fr.data),
            options: vec![],
        })
        .map_err(fmt)?;
    }
    use std::io::Write;
    w.get_mut().flush().map_err(io)?;
    Ok(())
}
