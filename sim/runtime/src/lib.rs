//! The Verilator 5 runtime as a static library, compiled once.
//!
//! Model crates depend on this crate and name it with `extern crate` so the
//! linker keeps the runtime; its include directory reaches their build
//! scripts as `DEP_VERILATED_INCLUDE`.
