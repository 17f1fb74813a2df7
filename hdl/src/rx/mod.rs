//! The receive path, MAC/switch side to host side.
//!
//! `s_axis` (frames with FCS, possibly a switch's DSA tag inside the
//! Ethernet header) -> [`fcs_check::FcsCheck`] (checks the FCS, flags
//! runts, giants and short tags) -> [`tag_migrate::TagMigrate`] (moves the
//! tag to the tail, strips it to a sideband, or passes it; formats in
//! [`tag`]) -> [`fcs_insert::FcsInsert`] (recomputes and replaces the
//! FCS) -> [`rss_steer::RssSteer`] (parses headers in [`rss_parse`], Toeplitz hash,
//! indirection table, holds each frame for the handshake engine's
//! decision) -> `m_axis` with `tdest` (queue), `hash`, `tag` and `tuser`
//! (flags, [`tag::tuser`]).
//!
//! Every stage accepts one 64-bit beat per clock; the handshake engine
//! taps the stream between `FcsInsert` and `RssSteer`.

pub mod fcs_check;
pub mod fcs_insert;
pub mod fcs_stages;
pub mod rss_parse;
pub mod rss_steer;
pub mod rss_tuple;
pub mod tag;
pub mod tag_facts;
pub mod tag_lanes;
pub mod tag_migrate;
pub mod tag_ring;
