//! TCP handshake offload with Linux SYN cookies (IPv4).
//!
//! [`engine::HandshakeEngine`] watches the receive stream between
//! `FcsInsert` and `RssSteer` (a tap: it never stalls it), answers SYNs to
//! listened ports with SYN-ACKs whose ISN is a cookie made by
//! [`syn_cookie::SynCookie`] (SipHash-2-4, as Linux's
//! `net/ipv4/syncookies.c`), checks the ACKs that complete handshakes and
//! queues one handoff record per established connection for the host.
//! Its frames leave through the transmit arbiter; its records are read
//! through the register file. [`clock::HsClock`] keeps the millisecond
//! timestamp clock and the cookie period counter.

pub mod clock;
pub mod engine;
pub mod engine_build;
pub mod engine_verilog;
pub mod engine_walk;
pub mod syn_cookie;
pub mod syn_cookie_verilog;
