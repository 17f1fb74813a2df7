//! Boards (issue 15; DESIGN.md section 7d): board files
//! (`boards/NAME.toml`, [`file`]), the vendor IP of a board project as
//! `create_ip` Tcl ([`ip`]), and the project `nicgen --board` writes
//! ([`project`]).

pub mod bump;
pub mod crossings;
pub mod file;
pub mod ip;
pub mod ip_ports;
pub mod mdio;
pub mod open;
pub mod open_project;
pub mod open_regs;
pub mod project;
pub mod rgmii;
pub mod top;
pub mod uart;

pub use file::{Board, BoardError};
