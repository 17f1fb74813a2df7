//! The register blocks, one file each, in chain order: [`identity`],
//! [`datapath`], [`rss`], [`counters`], [`handshake`]; then, in the `nic`
//! top only, the DMA engine's [`queues`] blocks; in a board top, the
//! shell's [`board`] block last; on the open board, [`open`] last. Each file says what
//! its registers hold and builds its block's register list;
//! [`crate::map`] chains them.

use crate::{Access, Owner, Source};

pub(crate) mod board;
pub(crate) mod counters;
pub(crate) mod datapath;
pub(crate) mod handshake;
pub(crate) mod identity;
pub(crate) mod open;
pub(crate) mod queues;
pub(crate) mod rss;

/// A block before it is placed in the chain: name, id, version and its
/// registers `(name, access, source, doc)` after the four header words.
pub(crate) struct BlockBuilder {
    pub(crate) name: &'static str,
    pub(crate) id: u16,
    pub(crate) version: u32,
    pub(crate) owner: Owner,
    pub(crate) regs: Vec<(String, Access, Source, String)>,
}

impl BlockBuilder {
    pub(crate) fn new(name: &'static str, id: u16, version: u32) -> Self {
        BlockBuilder {
            name,
            id,
            version,
            owner: Owner::Core,
            regs: Vec::new(),
        }
    }
    pub(crate) fn owned_by(mut self, owner: Owner) -> Self {
        self.owner = owner;
        self
    }
    pub(crate) fn reg(
        &mut self,
        name: impl Into<String>,
        access: Access,
        source: Source,
        doc: impl Into<String>,
    ) {
        self.regs.push((name.into(), access, source, doc.into()));
    }
}
