//! Verilated unit modules (blocks emitted alone, `ferronic_hdl::dma::units`)
//! driven by port name. `build.rs` (`build_units.rs`) verilates each and
//! writes a [`UnitDesc`] static per module into [`models`].
//!
//! A clock: drive the inputs, [`Unit::eval`] (the combinational outputs
//! settle), read the outputs, then [`Unit::tick`] (a rising edge of
//! `clock`; it leaves `clock` low and evaluated).

use std::collections::HashMap;
use std::ffi::c_void;

/// A Verilated module: its C entry points and ports.
pub struct UnitDesc {
    /// Module name.
    pub name: &'static str,
    /// Creates a model in its own `VerilatedContext`.
    pub new: unsafe extern "C" fn() -> *mut c_void,
    /// Evaluates the model.
    pub eval: unsafe extern "C" fn(*mut c_void),
    /// Frees the model.
    pub free: unsafe extern "C" fn(*mut c_void),
    /// Pointer to port `i` (an integer of the port's C width, or the
    /// 32-bit words of a port wider than 64 bits).
    pub port: unsafe extern "C" fn(*mut c_void, u32) -> *mut c_void,
    /// (name, width in bits, is input) of every port, in `port` order.
    pub ports: &'static [(&'static str, u32, bool)],
}

/// The generated unit models.
pub mod models {
    use super::UnitDesc;
    include!(concat!(env!("OUT_DIR"), "/units.rs"));
}

/// A port of a [`Unit`], found once by name.
#[derive(Clone, Copy, Debug)]
pub struct Port {
    ptr: *mut c_void,
    width: u32,
}

/// A live model of a unit module.
pub struct Unit {
    raw: *mut c_void,
    desc: &'static UnitDesc,
    by_name: HashMap<&'static str, Port>,
    clock: Option<Port>,
}

impl Unit {
    /// A model of `desc`, held in reset is up to the caller (`rst` = 0).
    /// Its `clock` (or `clk`) port is the one [`Unit::tick`] drives; a
    /// module of several clocks with neither drives them by
    /// [`Unit::tick_port`] or [`Unit::set`].
    pub fn new(desc: &'static UnitDesc) -> Unit {
        // SAFETY: `new` returns a fresh model, freed only in Drop.
        let raw = unsafe { (desc.new)() };
        let by_name: HashMap<_, _> = desc
            .ports
            .iter()
            .enumerate()
            .map(|(i, &(name, width, _))| {
                // SAFETY: i < number of ports; the model is live.
                let ptr = unsafe { (desc.port)(raw, i as u32) };
                (name, Port { ptr, width })
            })
            .collect();
        let clock = by_name.get("clock").or_else(|| by_name.get("clk")).copied();
        Unit {
            raw,
            desc,
            by_name,
            clock,
        }
    }

    /// The port called `name`.
    ///
    /// # Panics
    /// When the module has no such port.
    pub fn port(&self, name: &str) -> Port {
        *self
            .by_name
            .get(name)
            .unwrap_or_else(|| panic!("{} has no port {name}", self.desc.name))
    }

    /// The port called `name`, if the module has one.
    pub fn try_port(&self, name: &str) -> Option<Port> {
        self.by_name.get(name).copied()
    }

    /// Drives a port of at most 64 bits (excess bits are cut).
    pub fn set(&mut self, p: Port, v: u64) {
        // SAFETY: the pointer is a port of the live model with this width.
        unsafe {
            match p.width {
                0..=8 => *(p.ptr as *mut u8) = v as u8,
                9..=16 => *(p.ptr as *mut u16) = v as u16,
                17..=32 => *(p.ptr as *mut u32) = v as u32,
                33..=64 => *(p.ptr as *mut u64) = v,
                _ => self.set_bytes(p, &v.to_le_bytes()),
            }
        }
    }

    /// Reads a port of at most 64 bits (the low 64 of a wider one).
    pub fn get(&self, p: Port) -> u64 {
        // SAFETY: as in `set`.
        unsafe {
            match p.width {
                0..=8 => u64::from(*(p.ptr as *const u8)),
                9..=16 => u64::from(*(p.ptr as *const u16)),
                17..=32 => u64::from(*(p.ptr as *const u32)),
                33..=64 => *(p.ptr as *const u64),
                _ => {
                    let w = p.ptr as *const u32;
                    u64::from(*w) | u64::from(*w.add(1)) << 32
                }
            }
        }
    }

    /// Drives a port from little-endian bytes (byte 0 = bits 7..0);
    /// missing bytes are 0.
    pub fn set_bytes(&mut self, p: Port, b: &[u8]) {
        let n = p.width.div_ceil(8) as usize;
        let mut v = vec![0u8; n.div_ceil(4) * 4];
        for (d, s) in v.iter_mut().zip(b) {
            *d = *s;
        }
        if p.width <= 64 {
            let mut w = [0u8; 8];
            w[..n].copy_from_slice(&v[..n]);
            self.set(p, u64::from_le_bytes(w));
            return;
        }
        let words = p.ptr as *mut u32;
        for (i, c) in v.chunks(4).enumerate() {
            // SAFETY: a wide port has width/32 rounded up words.
            unsafe { *words.add(i) = u32::from_le_bytes(c.try_into().unwrap()) }
        }
    }

    /// Reads a port as little-endian bytes (width / 8 rounded up).
    pub fn get_bytes(&self, p: Port) -> Vec<u8> {
        let n = p.width.div_ceil(8) as usize;
        if p.width <= 64 {
            return self.get(p).to_le_bytes()[..n].to_vec();
        }
        let words = p.ptr as *const u32;
        let mut v = Vec::with_capacity(n.div_ceil(4) * 4);
        for i in 0..n.div_ceil(4) {
            // SAFETY: as in `set_bytes`.
            v.extend_from_slice(&unsafe { *words.add(i) }.to_le_bytes());
        }
        v.truncate(n);
        v
    }

    /// Evaluates the model with the inputs as driven.
    pub fn eval(&mut self) {
        // SAFETY: the model is live.
        unsafe { (self.desc.eval)(self.raw) }
    }

    /// One rising edge of `clock`, then `clock` low again (both evaluated).
    ///
    /// # Panics
    /// When the module has neither a `clock` nor a `clk` port.
    pub fn tick(&mut self) {
        let c = self
            .clock
            .unwrap_or_else(|| panic!("{} has no clock or clk port", self.desc.name));
        self.tick_port(c);
    }

    /// One rising edge of clock input `c` (a module with several clocks),
    /// then `c` low again (both evaluated).
    pub fn tick_port(&mut self, c: Port) {
        self.set(c, 1);
        self.eval();
        self.set(c, 0);
        self.eval();
    }
}

impl Drop for Unit {
    fn drop(&mut self) {
        // SAFETY: the model is live and freed once.
        unsafe { (self.desc.free)(self.raw) }
    }
}
