//! rust-hdl `simulate()` helpers for the unit tests (not the threaded
//! `Simulation` API): drive a block one clock at a time.
