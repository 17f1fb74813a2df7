//! Handoff records of the handshake engine (`handshake.HANDOFF_0..8`): the
//! state of a TCP connection whose handshake the NIC completed with a SYN
//! cookie, for the host to adopt.

use crate::device::Device;
use crate::error::HostError;

/// One established connection (layout and fields:
/// [`ferronic_regmap::handoff::Record`]).
pub use ferronic_regmap::handoff::Record as Handoff;

/// Pops every waiting record (at most `max`).
///
/// # Errors
/// Register access failures; [`HostError::MissingBlock`] without a
/// handshake block.
pub fn pop_all(dev: &mut Device, max: usize) -> Result<Vec<Handoff>, HostError> {
    let mut out = Vec::new();
    while out.len() < max && dev.read_reg("handshake.HANDOFF_STATUS")? & 1 != 0 {
        let mut w = [0u32; ferronic_regmap::RECORD_WORDS];
        for (i, v) in w.iter_mut().enumerate() {
            *v = dev.read_reg(&format!("handshake.HANDOFF_{i}"))?;
        }
        dev.write_reg("handshake.HANDOFF_POP", 1)?;
        out.push(Handoff::from_words(&w));
    }
    Ok(out)
}
