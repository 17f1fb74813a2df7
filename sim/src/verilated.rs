//! Safe wrapper over the Verilated `nic_core` (built by `build.rs`).
//!
//! One `VerilatedContext` per model, so models in parallel tests are
//! independent. Rust keeps raw pointers to the ports; only `eval()` crosses
//! into C++.

use std::ffi::{c_void, CString};
use std::path::Path;

include!(concat!(env!("OUT_DIR"), "/ports.rs"));

extern "C" {
    fn nic_core_new() -> *mut c_void;
    fn nic_core_eval(m: *mut c_void);
    fn nic_core_tick(m: *mut c_void);
    fn nic_core_free(m: *mut c_void);
    fn nic_core_trace_open(m: *mut c_void, path: *const std::ffi::c_char) -> i32;
    fn nic_core_trace_dump(m: *mut c_void, t: u64);
    fn nic_core_trace_flush(m: *mut c_void);
}

/// The Verilated NIC core. Port widths are those of `nic_core.v`; values
/// wider than a port are truncated by the setters.
pub struct NicCoreModel {
    raw: *mut c_void,
    p: Ports,
    tracing: bool,
}

// The model is owned by one thread at a time; Verilator models are not
// shared between threads here.
unsafe impl Send for NicCoreModel {}

/// Error opening a waveform file.
#[derive(Debug, thiserror::Error)]
#[error("cannot open VCD file {0}")]
pub struct TraceError(pub String);

macro_rules! input {
    ($set:ident, $port:ident, $t:ty) => {
        #[doc = concat!("Drives `", stringify!($port), "`.")]
        pub fn $set(&mut self, v: $t) {
            // SAFETY: the pointer comes from the live model owned by self.
            unsafe { *self.p.$port = v as _ }
        }
    };
}
macro_rules! output {
    ($get:ident, $port:ident) => {
        #[doc = concat!("Reads `", stringify!($port), "` (after `eval`).")]
        pub fn $get(&self) -> u64 {
            // SAFETY: the pointer comes from the live model owned by self.
            unsafe { *self.p.$port as u64 }
        }
    };
}

impl NicCoreModel {
    /// Creates a model in its own `VerilatedContext`.
    pub fn new() -> Self {
        // SAFETY: nic_core_new returns a fresh model freed only in Drop.
        let raw = unsafe { nic_core_new() };
        let p = unsafe { Ports::new(raw) };
        NicCoreModel {
            raw,
            p,
            tracing: false,
        }
    }

    /// Evaluates the model (combinational settle and clock edges).
    pub fn eval(&mut self) {
        unsafe { nic_core_eval(self.raw) }
    }

    /// One rising edge of `clk` (inputs as driven) in one evaluation: the
    /// clock-low evaluation is skipped (see `tick` in `sim/build.rs`).
    /// Leaves `clk` high. Use `eval` with `set_clk` while tracing, so the
    /// waveform shows both halves of the clock.
    pub fn tick(&mut self) {
        // SAFETY: the pointer comes from the live model owned by self.
        unsafe { nic_core_tick(self.raw) }
    }

    /// Whether a waveform is open.
    pub fn tracing(&self) -> bool {
        self.tracing
    }

    /// Starts a VCD waveform at `path` (view with GTKWave).
    pub fn trace_open(&mut self, path: &Path) -> Result<(), TraceError> {
        let c = CString::new(path.to_string_lossy().as_bytes())
            .map_err(|_| TraceError(path.display().to_string()))?;
        let rc = unsafe { nic_core_trace_open(self.raw, c.as_ptr()) };
        if rc != 0 {
            return Err(TraceError(path.display().to_string()));
        }
        self.tracing = true;
        Ok(())
    }

    /// Writes the current signal values at time `t` (in half-cycles) if tracing.
    pub fn trace_dump(&mut self, t: u64) {
        if self.tracing {
            unsafe { nic_core_trace_dump(self.raw, t) }
        }
    }

    /// Flushes the waveform file.
    pub fn trace_flush(&mut self) {
        if self.tracing {
            unsafe { nic_core_trace_flush(self.raw) }
        }
    }

    input!(set_clk, clk, u8);
    input!(set_rst, rst, u8);
    input!(set_s_axis_tdata, s_axis_tdata, u64);
    input!(set_s_axis_tkeep, s_axis_tkeep, u8);
    input!(set_s_axis_tvalid, s_axis_tvalid, u8);
    input!(set_s_axis_tlast, s_axis_tlast, u8);
    input!(set_m_axis_tready, m_axis_tready, u8);
    output!(s_axis_tready, s_axis_tready);
    output!(m_axis_tdata, m_axis_tdata);
    output!(m_axis_tkeep, m_axis_tkeep);
    output!(m_axis_tvalid, m_axis_tvalid);
    output!(m_axis_tlast, m_axis_tlast);
    output!(m_axis_tuser, m_axis_tuser);
    output!(m_axis_tag, m_axis_tag);
    output!(m_axis_tdest, m_axis_tdest);
    output!(m_axis_hash, m_axis_hash);
    input!(set_s_axis_tx_tdata, s_axis_tx_tdata, u64);
    input!(set_s_axis_tx_tkeep, s_axis_tx_tkeep, u8);
    input!(set_s_axis_tx_tvalid, s_axis_tx_tvalid, u8);
    input!(set_s_axis_tx_tlast, s_axis_tx_tlast, u8);
    input!(set_s_axis_tx_tuser, s_axis_tx_tuser, u8);
    input!(set_s_axis_tx_tdest, s_axis_tx_tdest, u8);
    input!(set_m_axis_tx_tready, m_axis_tx_tready, u8);
    output!(s_axis_tx_tready, s_axis_tx_tready);
    output!(m_axis_tx_tdata, m_axis_tx_tdata);
    output!(m_axis_tx_tkeep, m_axis_tx_tkeep);
    output!(m_axis_tx_tvalid, m_axis_tx_tvalid);
    output!(m_axis_tx_tlast, m_axis_tx_tlast);
    output!(m_axis_tx_tuser, m_axis_tx_tuser);
    input!(set_s_axil_awaddr, s_axil_awaddr, u16);
    input!(set_s_axil_awprot, s_axil_awprot, u8);
    input!(set_s_axil_awvalid, s_axil_awvalid, u8);
    input!(set_s_axil_wdata, s_axil_wdata, u32);
    input!(set_s_axil_wstrb, s_axil_wstrb, u8);
    input!(set_s_axil_wvalid, s_axil_wvalid, u8);
    input!(set_s_axil_bready, s_axil_bready, u8);
    input!(set_s_axil_araddr, s_axil_araddr, u16);
    input!(set_s_axil_arprot, s_axil_arprot, u8);
    input!(set_s_axil_arvalid, s_axil_arvalid, u8);
    input!(set_s_axil_rready, s_axil_rready, u8);
    output!(s_axil_awready, s_axil_awready);
    output!(s_axil_wready, s_axil_wready);
    output!(s_axil_bresp, s_axil_bresp);
    output!(s_axil_bvalid, s_axil_bvalid);
    output!(s_axil_arready, s_axil_arready);
    output!(s_axil_rdata, s_axil_rdata);
    output!(s_axil_rresp, s_axil_rresp);
    output!(s_axil_rvalid, s_axil_rvalid);

    /// Drives the AXI4-Lite master's signals.
    pub fn drive_axil(&mut self, d: &crate::bus::axil::Drive) {
        self.set_s_axil_awvalid(u8::from(d.awvalid));
        self.set_s_axil_awaddr(d.awaddr);
        self.set_s_axil_awprot(0);
        self.set_s_axil_wvalid(u8::from(d.wvalid));
        self.set_s_axil_wdata(d.wdata);
        self.set_s_axil_wstrb(d.wstrb);
        self.set_s_axil_bready(u8::from(d.bready));
        self.set_s_axil_arvalid(u8::from(d.arvalid));
        self.set_s_axil_araddr(d.araddr);
        self.set_s_axil_arprot(d.arprot);
        self.set_s_axil_rready(u8::from(d.rready));
    }

    /// Samples the AXI4-Lite slave's signals (after `eval`).
    pub fn sample_axil(&self) -> crate::bus::axil::Sample {
        crate::bus::axil::Sample {
            awready: self.s_axil_awready() != 0,
            wready: self.s_axil_wready() != 0,
            bvalid: self.s_axil_bvalid() != 0,
            bresp: self.s_axil_bresp(),
            arready: self.s_axil_arready() != 0,
            rvalid: self.s_axil_rvalid() != 0,
            rdata: self.s_axil_rdata() as u32,
            rresp: self.s_axil_rresp(),
        }
    }
}

impl Default for NicCoreModel {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for NicCoreModel {
    fn drop(&mut self) {
        unsafe { nic_core_free(self.raw) }
    }
}
