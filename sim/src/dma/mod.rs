//! The `nic` top in simulation (issue 13): [`top::NicTop`], the Verilated
//! top with the MAC streams, host memory and the register bus around it,
//! and [`driver::Driver`], a driver model that runs the rings and
//! completion queues through the registers and host memory, as a host
//! driver does. Used by `sim/tests/nic/` and `nicsim replay --dma`.

pub mod driver;
pub mod top;

pub use driver::{Driver, DriverOpts, RxDelivery, TxDone};
pub use top::{NicTop, SentFrame, TopOpts, TopStats};
