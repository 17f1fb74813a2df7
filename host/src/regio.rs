//! The register I/O trait every backend implements, and the frame port of
//! the simulated NIC.

use crate::error::HostError;
pub use ferronic_simlink::Frame;

/// 32-bit access to the NIC's register space (BAR0 on a card, the
/// AXI4-Lite slave in simulation). Offsets are byte addresses, 4-byte
/// aligned; values are host-endian `u32` (the BAR is little-endian, as PCIe).
pub trait RegIo {
    /// Reads the register at byte address `offset`.
    ///
    /// # Errors
    /// [`HostError::BadOffset`] outside BAR0 or unaligned,
    /// [`HostError::Slverr`] for an unmapped address (simulation),
    /// [`HostError::Io`]/[`HostError::Link`] when the transport fails.
    fn read32(&mut self, offset: u32) -> Result<u32, HostError>;

    /// Writes `value` to the register at byte address `offset`.
    ///
    /// # Errors
    /// As [`RegIo::read32`].
    fn write32(&mut self, offset: u32, value: u32) -> Result<(), HostError>;

    /// The device's name as the user gave it (`0000:01:00.0`, `sim:`, ...).
    fn name(&self) -> &str;

    /// Backend in use: `vfio`, `sysfs`, `sim`, `sim-socket`.
    fn backend(&self) -> &'static str;

    /// Size of the register space, bytes.
    fn size(&self) -> u64;

    /// Resets the device: a PCI function reset (VFIO, sysfs `reset`) or
    /// the core's `rst` (simulation). Registers and counters go to their
    /// reset values.
    ///
    /// # Errors
    /// [`HostError::Unsupported`] when the device has no reset method.
    fn reset(&mut self) -> Result<(), HostError>;

    /// Frame injection and capture, where the backend has it (simulation).
    fn frames(&mut self) -> Option<&mut dyn FramePort> {
        None
    }

    /// DMA memory and interrupts, where the backend has them (VFIO; the
    /// simulator serving the `nic` top). `None` for sysfs (no IOMMU, no
    /// DMA) and for the simulated `nic_core`.
    fn dma(&mut self) -> Option<&mut dyn crate::dma::DmaPort> {
        None
    }
}

/// What a receive run produced.
#[derive(Clone, Debug, Default)]
pub struct RxOut {
    /// Frames delivered to the host (`m_axis`).
    pub host: Vec<Frame>,
    /// Frames the NIC itself sent to the wire meanwhile (the handshake
    /// engine's SYN-ACKs and RSTs, FCS included).
    pub wire: Vec<Frame>,
}

/// Frames in and out of the simulated NIC.
pub trait FramePort {
    /// Frames from the wire (FCS included) through the receive path, under
    /// the current register configuration.
    ///
    /// # Errors
    /// [`HostError::Sim`] if the core failed, [`HostError::Link`] on the socket.
    fn rx(&mut self, frames: Vec<Vec<u8>>) -> Result<RxOut, HostError>;

    /// Frames from the host (no FCS) to transmit queue `queue`; returns
    /// what left for the MAC.
    ///
    /// # Errors
    /// As [`FramePort::rx`].
    fn tx(&mut self, queue: u8, frames: Vec<Vec<u8>>) -> Result<Vec<Frame>, HostError>;
}
