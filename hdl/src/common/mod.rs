//! Building blocks shared by the datapath subsystems: no block here knows
//! what a frame means.
//!
//! * [`axis`]: the AXI4-Stream port bundle every datapath block uses
//!   (`tdata/tkeep/tvalid/tready/tlast`; sidebands stay separate signals).
//! * [`axis_out`]: the output skid buffer of a stream block (registered
//!   `tready` towards the block).
//! * [`sync_fifo`]: a synchronous FIFO (first word falls through from the
//!   RAM); [`sync_fifo_reg`]: one whose head is a register.
//! * [`crc32`], [`crc_lanes`]: the CRC-32 (IEEE 802.3 clause 3.2.9) step
//!   matrices, computed in Rust at generation time and emitted as XOR
//!   networks, one per byte count of a 64-bit beat; [`crc_unpad`]: zero
//!   bytes taken back out in groups; [`crc_beat`]: one
//!   8-byte network with masked lanes and a residue check per byte count.
//! * [`toeplitz`]: the RSS Toeplitz hash engine (Microsoft RSS), 12 bytes a clock.
//! * [`siphash`]: the SipHash-2-4 pipeline behind the SYN cookies.
//! * [`keep`]: `tkeep` -> byte count; [`byte_mask`]: lane mask -> data mask.
//!
//! Data enters and leaves each block through its own ports; nothing here
//! holds frame state across blocks.

pub mod add_select;
pub mod axis;
pub mod axis_out;
pub mod byte_mask;
pub mod crc32;
pub mod crc_beat;
pub mod crc_lanes;
pub mod crc_pipe;
pub mod crc_unpad;
pub mod keep;
pub mod siphash;
pub mod sync_fifo;
pub mod sync_fifo_reg;
pub mod toeplitz;
