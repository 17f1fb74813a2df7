//! The 1 Gb/s MAC of the open board (issue 16) at the GMII byte level:
//! [`GmiiRx`] strips the preamble and packs bytes into 64-bit beats,
//! [`GmiiTx`] unpacks beats into bytes with preamble, SFD and the
//! interframe gap. The RGMII side (DDR nibbles on both clock edges, the
//! ECP5's IDDRX1F/ODDRX1F and DELAYG) and the clock-domain crossings to
//! the core come with the board top.

pub mod gmii_rx;
pub mod gmii_tx;

pub use gmii_rx::GmiiRx;
pub use gmii_tx::GmiiTx;
