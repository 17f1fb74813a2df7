//! The AXI4-Stream port bundle (AMBA AXI4-Stream, ARM IHI 0051A), as
//! Corundum and verilog-ethernet name it: `tdata`, `tkeep`, `tvalid`,
//! `tready`, `tlast`.
//!
//! * `D` is the data width in bits, `K = D / 8` the `tkeep` width (one bit
//!   per byte; stable Rust cannot compute `D / 8` in a type, so both are
//!   parameters and [`AxisMaster::CHECK`] asserts the relation).
//! * Byte 0 of a frame is `tdata[7:0]`; `tkeep` is contiguous from lane 0
//!   and partial only on the `tlast` beat.
//! * A beat moves on a clock edge where `tvalid` and `tready` are both 1.
//! * Sidebands (`tuser`, `tdest`, hash, tag) stay separate signals of the
//!   blocks, named `s_tuser`, `m_tdest`, ... beside the bundle.
//!
//! A block names its input bundle `s_axis` ([`AxisSlave`]) and its output
//! `m_axis` ([`AxisMaster`]); in `nic_core.v` a top-level bundle `s_axis`
//! becomes the flat ports `s_axis_tdata` ... `s_axis_tlast` (rust-hdl joins
//! the names with `$`, which [`crate::verilog::rename`] turns into `_`).
//!
//! Joining: `AxisMaster64::join(&mut self.a.m_axis, &mut self.b.s_axis)`
//! connects a master to a slave (data forward, `tready` back);
//! `AxisSlave64::link(&mut self.s_axis, &mut self.child.s_axis)` passes a
//! parent's port down to a child's port of the same direction.

use rust_hdl::prelude::*;

/// The sending side of an AXI4-Stream: `tready` in, the rest out.
#[derive(LogicInterface, Default)]
#[join = "AxisSlave"]
pub struct AxisMaster<const D: usize, const K: usize> {
    /// Data, byte 0 in bits 7..0.
    pub tdata: Signal<Out, Bits<D>>,
    /// Byte enables, one per byte of `tdata`; contiguous from lane 0.
    pub tkeep: Signal<Out, Bits<K>>,
    /// The beat on `tdata` is valid.
    pub tvalid: Signal<Out, Bit>,
    /// The receiver takes the beat (input to the sender).
    pub tready: Signal<In, Bit>,
    /// Last beat of a frame.
    pub tlast: Signal<Out, Bit>,
}

/// The receiving side of an AXI4-Stream: `tready` out, the rest in.
#[derive(LogicInterface, Default)]
#[join = "AxisMaster"]
pub struct AxisSlave<const D: usize, const K: usize> {
    /// Data, byte 0 in bits 7..0.
    pub tdata: Signal<In, Bits<D>>,
    /// Byte enables, one per byte of `tdata`; contiguous from lane 0.
    pub tkeep: Signal<In, Bits<K>>,
    /// The beat on `tdata` is valid.
    pub tvalid: Signal<In, Bit>,
    /// This side takes the beat.
    pub tready: Signal<Out, Bit>,
    /// Last beat of a frame.
    pub tlast: Signal<In, Bit>,
}

impl<const D: usize, const K: usize> AxisMaster<D, K> {
    /// Compile-time check that `K` is `D / 8`; evaluated where a bundle is
    /// built with [`AxisMaster::new`] or [`AxisSlave::new`].
    pub const CHECK: () = assert!(D == 8 * K, "tkeep must have one bit per tdata byte");

    /// A default bundle, checking the widths.
    pub fn new() -> Self {
        let () = Self::CHECK;
        Self::default()
    }
}

impl<const D: usize, const K: usize> AxisSlave<D, K> {
    /// A default bundle, checking the widths.
    pub fn new() -> Self {
        let () = AxisMaster::<D, K>::CHECK;
        Self::default()
    }
}

/// The 64-bit sending side (10G datapath at 156.25 MHz).
pub type AxisMaster64 = AxisMaster<64, 8>;
/// The 64-bit receiving side.
pub type AxisSlave64 = AxisSlave<64, 8>;

#[cfg(test)]
mod tests {
    use super::*;

    /// A block that passes a stream through one register stage, written
    /// with the bundle, to prove join/link in Rust simulation and Verilog.
    #[derive(LogicBlock, Default)]
    struct Pass {
        clock: Signal<In, Clock>,
        s_axis: AxisSlave64,
        m_axis: AxisMaster64,
        data: DFF<Bits<64>>,
        valid: DFF<Bit>,
    }

    impl Logic for Pass {
        #[hdl_gen]
        fn update(&mut self) {
            dff_setup!(self, clock, data, valid);
            self.s_axis.tready.next = !self.valid.q.val() | self.m_axis.tready.val();
            if self.s_axis.tready.val() {
                self.valid.d.next = self.s_axis.tvalid.val();
                self.data.d.next = self.s_axis.tdata.val();
            }
            self.m_axis.tdata.next = self.data.q.val();
            self.m_axis.tkeep.next = 0xFF_u64.into();
            self.m_axis.tvalid.next = self.valid.q.val();
            self.m_axis.tlast.next = true;
        }
    }

    #[derive(LogicBlock, Default)]
    struct Chain {
        clock: Signal<In, Clock>,
        s_axis: AxisSlave64,
        m_axis: AxisMaster64,
        a: Pass,
        b: Pass,
    }

    impl Logic for Chain {
        #[hdl_gen]
        fn update(&mut self) {
            clock!(self, clock, a, b);
            AxisSlave64::link(&mut self.s_axis, &mut self.a.s_axis);
            AxisMaster64::join(&mut self.a.m_axis, &mut self.b.s_axis);
            AxisMaster64::link(&mut self.m_axis, &mut self.b.m_axis);
        }
    }

    #[test]
    fn joined_bundles_carry_data_and_ready_and_emit_flat_ports() {
        let mut uut = Chain::default();
        uut.connect_all();
        let v = generate_verilog(&uut);
        for port in [
            "s_axis$tdata",
            "s_axis$tready",
            "m_axis$tlast",
            "m_axis$tready",
        ] {
            assert!(v.contains(port), "port {port} missing from\n{v}");
        }
        // two register stages: a beat offered at cycle 0 appears at cycle 2
        let mut got = vec![];
        uut.m_axis.tready.next = true;
        uut.s_axis.tvalid.next = true;
        for cycle in 0..6_u64 {
            uut.s_axis.tdata.next = (100 + cycle).into();
            for clk in [false, true] {
                uut.clock.next = Clock::from(clk);
                simulate(&mut uut, 10);
            }
            if uut.m_axis.tvalid.val() {
                got.push(uut.m_axis.tdata.val().to_u64());
            }
            // back-pressure reaches the input: with the output stalled and
            // both stages full, the input is not ready
            if cycle == 3 {
                uut.m_axis.tready.next = false;
            }
        }
        simulate(&mut uut, 10);
        assert!(
            !uut.s_axis.tready.val(),
            "tready must fall through both stages"
        );
        assert_eq!(got[..2], [100, 101]);
    }
}
