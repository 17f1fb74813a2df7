//! `AxisOutReg`: the registered output stage of a stream block. The block
//! says when a beat is ready (`load` with `tdata/tkeep/tlast`); the stage
//! holds it on `m_axis` until the receiver takes it. Sidebands (`tuser`,
//! tag) stay registers of the block, loaded under the same `load`.
//!
//! * `free` (out) = the register is empty or its beat is taken at this
//!   edge: a beat loaded now overwrites nothing. Combinational from
//!   `m_axis.tready`, so a block that loads when `free` passes `tready`
//!   through one gate (issue 12 replaces this with a skid buffer).
//! * Latency: one cycle from `load` to `m_axis.tvalid`; one beat per clock.
//! * `rst` (synchronous, active high) empties the register.

use crate::common::axis::AxisMaster;
use rust_hdl::prelude::*;

/// Output register of a stream block; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct AxisOutReg<const D: usize, const K: usize> {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// Take `tdata`, `tkeep`, `tlast` at this edge (only when `free`).
    pub load: Signal<In, Bit>,
    pub tdata: Signal<In, Bits<D>>,
    pub tkeep: Signal<In, Bits<K>>,
    pub tlast: Signal<In, Bit>,
    /// A beat loaded at this edge loses nothing.
    pub free: Signal<Out, Bit>,
    pub m_axis: AxisMaster<D, K>,
    data: DFF<Bits<D>>,
    keep: DFF<Bits<K>>,
    valid: DFF<Bit>,
    last: DFF<Bit>,
}

/// The 64-bit output stage.
pub type AxisOutReg64 = AxisOutReg<64, 8>;

impl<const D: usize, const K: usize> Logic for AxisOutReg<D, K> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, data, keep, valid, last);
        self.free.next = !self.valid.q.val() | self.m_axis.tready.val();
        if self.load.val() {
            self.valid.d.next = true;
            self.data.d.next = self.tdata.val();
            self.keep.d.next = self.tkeep.val();
            self.last.d.next = self.tlast.val();
        } else if self.m_axis.tready.val() {
            self.valid.d.next = false;
        }
        if self.rst.val() {
            self.valid.d.next = false;
        }
        self.m_axis.tdata.next = self.data.q.val();
        self.m_axis.tkeep.next = self.keep.q.val();
        self.m_axis.tvalid.next = self.valid.q.val();
        self.m_axis.tlast.next = self.last.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Beats loaded whenever `free` (and a beat is on offer) leave in
    /// order, each once, under a `tready` stalled every third cycle; the
    /// register holds its beat while stalled and reset empties it.
    #[test]
    fn loads_when_free_hold_under_stalls_each_beat_once() {
        let mut uut = AxisOutReg64::default();
        uut.connect_all();
        let tick = |u: &mut AxisOutReg64| {
            u.clock.next = false.into();
            simulate(u, 100);
            u.clock.next = true.into();
            simulate(u, 100);
        };
        uut.rst.next = true;
        tick(&mut uut);
        uut.rst.next = false;
        let (mut next, mut got) = (0u64, vec![]);
        for cycle in 0..60u64 {
            let ready = cycle % 3 != 2;
            uut.m_axis.tready.next = ready;
            uut.tdata.next = next.into();
            uut.tkeep.next = 0xFF_u64.into();
            uut.tlast.next = next % 4 == 3;
            simulate(&mut uut, 100);
            let load = uut.free.val() && next < 30;
            uut.load.next = load;
            simulate(&mut uut, 100);
            if uut.m_axis.tvalid.val() && ready {
                got.push(uut.m_axis.tdata.val().to_u64());
            }
            tick(&mut uut);
            if load {
                next += 1;
            }
        }
        assert_eq!(got, (0..30).collect::<Vec<_>>());
        uut.load.next = true;
        uut.m_axis.tready.next = false;
        tick(&mut uut);
        uut.load.next = false;
        uut.rst.next = true;
        tick(&mut uut);
        assert!(!uut.m_axis.tvalid.val(), "reset empties the register");
    }
}
