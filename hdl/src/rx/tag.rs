//! DSA tag formats, tag modes and `tuser` bits: defined in
//! `ferronic-regmap` (they are register encodings, shared with the host
//! tools, which do not depend on rust-hdl) and re-exported here.

pub use ferronic_regmap::tag::*;
