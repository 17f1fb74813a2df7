//! The simulated NIC: over a `nicsim serve` socket, or in this process
//! (feature `sim`). Both speak the ferronic-simlink protocol, so they behave
//! identically.

use crate::dma::{port, Arena, DmaPort};
use crate::error::HostError;
use crate::regio::{FramePort, RegIo, RxOut};
use ferronic_simlink::{Client, ErrorKind, Frame, Reply, Request};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Size of the simulated register space (16-bit AXI4-Lite addresses).
pub const SIM_SPACE: u64 = 1 << 16;

/// How long a socket reply may take: replaying many frames is slow
/// (0.4-0.8 M simulated cycles/s).
pub const REPLY_TIMEOUT: Duration = Duration::from_secs(300);

type Call = Box<dyn FnMut(Request) -> Result<Reply, HostError>>;

/// A simulated NIC reached through the protocol.
pub struct SimDevice {
    name: String,
    backend: &'static str,
    call: Call,
    /// The simulated top: `nic_core` or `nic` (with the DMA engine).
    top: String,
    /// Interrupts seen per vector (the server counts, as an eventfd).
    irq_seen: Vec<u64>,
}

impl SimDevice {
    /// Connects to `nicsim serve --socket path`.
    ///
    /// # Errors
    /// [`HostError::Link`] if nobody serves `path`.
    pub fn socket(path: &Path) -> Result<SimDevice, HostError> {
        let mut c = Client::connect(path, REPLY_TIMEOUT)?;
        Ok(SimDevice {
            name: format!("sim:{}", path.display()),
            backend: "sim-socket",
            top: c.top.clone(),
            call: Box::new(move |r| c.call(&r).map_err(HostError::from)),
            irq_seen: Vec::new(),
        })
    }

    /// The Verilated core in this process.
    ///
    /// # Errors
    /// [`HostError::Sim`] if the model cannot start.
    #[cfg(feature = "sim")]
    pub fn local() -> Result<SimDevice, HostError> {
        use ferronic_simlink::Handler;
        let mut nic = ferronic_sim::tools::serve::SimNic::new().map_err(|e| HostError::Sim {
            device: "sim:".into(),
            detail: e.to_string(),
        })?;
        Ok(SimDevice {
            name: "sim:".into(),
            backend: "sim",
            call: Box::new(move |r| Ok(nic.handle(r))),
            top: "nic_core".into(),
            irq_seen: Vec::new(),
        })
    }

    fn request(&mut self, r: Request) -> Result<Reply, HostError> {
        match (self.call)(r)? {
            Reply::Error { kind, message } => Err(match kind {
                ErrorKind::Slverr => HostError::Slverr {
                    device: self.name.clone(),
                    detail: message,
                },
                ErrorKind::Protocol | ErrorKind::Sim => HostError::Sim {
                    device: self.name.clone(),
                    detail: message,
                },
            }),
            r => Ok(r),
        }
    }

    fn unexpected(&self, r: &Reply) -> HostError {
        HostError::Sim {
            device: self.name.clone(),
            detail: format!("unexpected reply {r:?}"),
        }
    }

    fn check(&self, offset: u32) -> Result<(), HostError> {
        if !offset.is_multiple_of(4) || u64::from(offset) + 4 > SIM_SPACE {
            return Err(HostError::BadOffset {
                device: self.name.clone(),
                offset,
                size: SIM_SPACE,
            });
        }
        Ok(())
    }

    fn frames_of(&mut self, r: Request) -> Result<Vec<Frame>, HostError> {
        match self.request(r)? {
            Reply::Frames { frames, .. } => Ok(frames),
            r => Err(self.unexpected(&r)),
        }
    }
}

impl RegIo for SimDevice {
    fn read32(&mut self, offset: u32) -> Result<u32, HostError> {
        self.check(offset)?;
        match self.request(Request::Read { offset })? {
            Reply::Value { value } => Ok(value),
            r => Err(self.unexpected(&r)),
        }
    }

    fn write32(&mut self, offset: u32, value: u32) -> Result<(), HostError> {
        self.check(offset)?;
        match self.request(Request::Write { offset, value })? {
            Reply::Done => Ok(()),
            r => Err(self.unexpected(&r)),
        }
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn backend(&self) -> &'static str {
        self.backend
    }

    fn size(&self) -> u64 {
        SIM_SPACE
    }

    fn reset(&mut self) -> Result<(), HostError> {
        match self.request(Request::Reset)? {
            Reply::Done => Ok(()),
            r => Err(self.unexpected(&r)),
        }
    }

    fn frames(&mut self) -> Option<&mut dyn FramePort> {
        (self.top != "nic").then_some(self as &mut dyn FramePort)
    }

    fn dma(&mut self) -> Option<&mut dyn DmaPort> {
        (self.top == "nic").then_some(self as &mut dyn DmaPort)
    }
}

impl SimDevice {
    /// The simulated top behind the device: `nic_core` or `nic`.
    pub fn top(&self) -> &str {
        &self.top
    }

    /// Frames (FCS included) onto the card's wire side: they enter the
    /// MAC's receive stream at line rate (`nic` top).
    ///
    /// # Errors
    /// [`HostError::Sim`] from a server without the DMA top.
    pub fn wire_in(&mut self, frames: Vec<Vec<u8>>) -> Result<(), HostError> {
        match self.request(Request::WireIn { frames })? {
            Reply::Done => Ok(()),
            r => Err(self.unexpected(&r)),
        }
    }

    /// Up to `max` frames that left on the card's wire side (FCS
    /// included, `tuser` 1 if sent marked bad), oldest first.
    ///
    /// # Errors
    /// As [`SimDevice::wire_in`].
    pub fn wire_out(&mut self, max: u32) -> Result<Vec<Frame>, HostError> {
        self.frames_of(Request::WireOut { max })
    }
}

impl SimDevice {
    /// The simulated IOMMU ([`Request::Fault`]): the pages covering `iova ..
    /// iova + len` refuse the card's DMA with `resp` (2 SLVERR, 3 DECERR),
    /// or accept it again with 0.
    ///
    /// # Errors
    /// [`HostError::Sim`] from a server without the DMA top.
    pub fn fault(&mut self, iova: u64, len: u64, resp: u8) -> Result<(), HostError> {
        match self.request(Request::Fault { iova, len, resp })? {
            Reply::Done => Ok(()),
            r => Err(self.unexpected(&r)),
        }
    }
}

impl DmaPort for SimDevice {
    fn clocks(&mut self) -> Result<Option<u64>, HostError> {
        match self.request(Request::Hello)? {
            Reply::Hello { cycles, .. } => Ok(Some(cycles)),
            r => Err(self.unexpected(&r)),
        }
    }

    fn resident(&mut self, iova: u64, len: usize) -> Result<(), HostError> {
        self.fault(iova, len as u64, 0)
    }

    fn arena(&mut self, bytes: usize) -> Result<Arc<Arena>, HostError> {
        let (path, have) = match self.request(Request::Memory)? {
            Reply::Memory { path, bytes } => (PathBuf::from(path), bytes),
            r => return Err(self.unexpected(&r)),
        };
        if (bytes as u64) > have {
            return Err(HostError::HostMemory {
                device: self.name.clone(),
                path,
                need: bytes as u64,
                have,
            });
        }
        Arena::shared_file(&path, have as usize)
    }

    fn wait_irq(&mut self, vector: u16, timeout: Duration) -> Result<bool, HostError> {
        let v = usize::from(vector);
        if self.irq_seen.len() <= v {
            // learn the count so far (no clocks run): earlier firings are
            // not this reader's
            self.irq_seen.resize(v + 1, u64::MAX);
        }
        if self.irq_seen[v] == u64::MAX {
            let now = self.request(Request::WaitIrq {
                vector,
                seen: u64::MAX,
                cycles: 0,
            })?;
            match now {
                Reply::Irq { count, .. } => self.irq_seen[v] = count,
                r => return Err(self.unexpected(&r)),
            }
        }
        let seen = self.irq_seen[v];
        let cycles = port::card_clocks(timeout);
        match self.request(Request::WaitIrq {
            vector,
            seen,
            cycles,
        })? {
            Reply::Irq { count, .. } => {
                self.irq_seen[v] = count;
                Ok(count > seen)
            }
            r => Err(self.unexpected(&r)),
        }
    }
}

impl FramePort for SimDevice {
    fn rx(&mut self, frames: Vec<Vec<u8>>) -> Result<RxOut, HostError> {
        match self.request(Request::Rx { frames })? {
            Reply::Frames { frames, wire, .. } => Ok(RxOut { host: frames, wire }),
            r => Err(self.unexpected(&r)),
        }
    }

    fn tx(&mut self, queue: u8, frames: Vec<Vec<u8>>) -> Result<Vec<Frame>, HostError> {
        self.frames_of(Request::Tx { queue, frames })
    }
}
