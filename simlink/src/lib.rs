//! The socket protocol between `nicsim serve --socket PATH` (the simulated
//! NIC) and its clients (`nicctl --device sim:PATH`, tests).
//!
//! # Wire format
//!
//! A `SOCK_STREAM` Unix socket. The client sends one [`Request`] per line,
//! as a JSON object ending in `\n`; the server answers each with exactly one
//! [`Reply`] line, in order. The object's `op` (request) or `reply` (reply)
//! field names the variant, in snake case. Frames travel as lowercase hex
//! strings. Register offsets are byte addresses of the AXI4-Lite space
//! (4-byte aligned); values are 32-bit, as JSON numbers.
//!
//! ```text
//! -> {"op":"hello"}
//! <- {"reply":"hello","server":"nicsim 0.1.0","protocol":1,"cycles":2}
//! -> {"op":"read","offset":0}
//! <- {"reply":"value","value":1178948178}
//! -> {"op":"write","offset":24,"value":3}
//! <- {"reply":"done"}
//! -> {"op":"rx","frames":["ffffffffffff...c0ffee00"]}
//! <- {"reply":"frames","frames":[{"queue":1,"tuser":16,"hash":2290221013,"data":"ffff..."}],"cycles":180}
//! -> {"op":"read","offset":65532}
//! <- {"reply":"error","kind":"slverr","message":"SLVERR at 0xfffc"}
//! ```
//!
//! A server running the `nic` top (`nicsim serve --dma`, `nicsim tap`)
//! says so in `hello` (`"top":"nic"`) and answers the card's requests
//! instead of `rx`/`tx`:
//!
//! ```text
//! -> {"op":"memory"}
//! <- {"reply":"memory","path":"/tmp/card.sock.mem","bytes":67108864}
//! -> {"op":"wire_in","frames":["ffffffffffff...c0ffee00"]}
//! <- {"reply":"done"}
//! -> {"op":"wait_irq","vector":0,"seen":3,"cycles":156250}
//! <- {"reply":"irq","count":4,"cycles":912}
//! -> {"op":"wire_out","max":64}
//! <- {"reply":"frames","frames":[{"queue":0,"tuser":0,"hash":0,"tag":0,"data":"..."}],"wire":[],"cycles":0}
//! -> {"op":"fault","iova":1052672,"len":32768,"resp":2}
//! <- {"reply":"done"}
//! ```
//!
//! A connection serves requests until the client closes it; the server
//! keeps serving other connections (requests from several clients are
//! interleaved, each answered on its own connection). A malformed line gets
//! an `error` reply of kind `protocol` and the connection stays open.
//!
//! [`tap`] is the Linux TAP device both ends use: `nicsim tap` for the
//! simulated NIC's wire side, `nicctl netdev` for the host interface.

mod client;
mod proto;
pub mod server;
pub mod tap;

pub use client::{Client, LinkError};
pub use proto::{ErrorKind, Frame, Reply, Request, PROTOCOL};
pub use server::{serve, Handler, ServeOpts};
