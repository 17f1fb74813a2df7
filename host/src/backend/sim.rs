//! The simulated NIC: over a `nicsim serve` socket, or in this process
//! (feature `sim`). Both speak the ferronic-simlink protocol, so they behave
//! identically.

use crate::error::HostError;
use crate::regio::{FramePort, RegIo, RxOut};
use ferronic_simlink::{Client, ErrorKind, Frame, Reply, Request};
use std::path::Path;
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
            call: Box::new(move |r| c.call(&r).map_err(HostError::from)),
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
        Some(self)
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
