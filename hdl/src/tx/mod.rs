//! The transmit path, host side to MAC side.
//!
//! `s_axis_tx` (host frames without FCS, `tuser` = mark bad, `tdest` =
//! transmit queue) and the handshake engine's SYN-ACK/RST frames ->
//! [`tx_arb::TxArb`] (round robin at frame boundaries) ->
//! [`fcs_append::FcsAppend`] (appends the CRC-32 FCS, IEEE 802.3 clause
//! 3.2.9) -> `m_axis_tx` (to the MAC).

pub mod fcs_append;
pub mod fcs_tail;
pub mod tx_arb;
