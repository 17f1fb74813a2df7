//! `AxisOutReg`: the registered output stage of a stream block, a skid
//! buffer. The block says when a beat is ready (`load` with `tdata`,
//! `tkeep`, `tlast` and its sideband `tuser`); the stage holds it on
//! `m_axis`/`m_tuser` until the receiver takes it.
//!
//! * `free` (out) is a flip-flop: the skid register is empty, so a beat
//!   loaded now loses nothing even if `m_axis.tready` is low at this edge
//!   (it then waits in the skid register and `free` drops). No
//!   combinational path runs from `m_axis.tready` back to the block, so
//!   `tready` never crosses a block boundary combinationally.
//! * Latency: one cycle from `load` to `m_axis.tvalid`; one beat per clock
//!   with no bubble while `m_axis.tready` is high.
//! * `rst` (synchronous, active high) empties both registers.
//! * `U`: sideband width (`tuser` plus any per-beat metadata such as a
//!   migrated tag), carried with the beat through both registers.

use crate::common::axis::AxisMaster;
use rust_hdl::prelude::*;

/// Output skid buffer of a stream block; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct AxisOutReg<const D: usize, const K: usize, const U: usize> {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// Take `tdata`, `tkeep`, `tlast`, `tuser` at this edge (only when `free`).
    pub load: Signal<In, Bit>,
    pub tdata: Signal<In, Bits<D>>,
    pub tkeep: Signal<In, Bits<K>>,
    pub tlast: Signal<In, Bit>,
    pub tuser: Signal<In, Bits<U>>,
    /// A beat loaded at this edge loses nothing (a register).
    pub free: Signal<Out, Bit>,
    pub m_axis: AxisMaster<D, K>,
    /// Sideband of the beat on `m_axis`.
    pub m_tuser: Signal<Out, Bits<U>>,
    data: DFF<Bits<D>>,
    keep: DFF<Bits<K>>,
    user: DFF<Bits<U>>,
    valid: DFF<Bit>,
    last: DFF<Bit>,
    s_data: DFF<Bits<D>>,
    s_keep: DFF<Bits<K>>,
    s_user: DFF<Bits<U>>,
    s_valid: DFF<Bit>,
    s_last: DFF<Bit>,
}

/// The 64-bit output stage with a `U`-bit sideband.
pub type AxisOutReg64<const U: usize> = AxisOutReg<64, 8, U>;

impl<const D: usize, const K: usize, const U: usize> Logic for AxisOutReg<D, K, U> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, data, keep, user, valid, last, s_data, s_keep, s_user, s_valid, s_last
        );
        self.free.next = !self.s_valid.q.val();
        if !self.valid.q.val() | self.m_axis.tready.val() {
            // the output register empties at this edge: refill it from the
            // skid register first, else from the block
            if self.s_valid.q.val() {
                self.valid.d.next = true;
                self.data.d.next = self.s_data.q.val();
                self.keep.d.next = self.s_keep.q.val();
                self.user.d.next = self.s_user.q.val();
                self.last.d.next = self.s_last.q.val();
                self.s_valid.d.next = false;
            } else {
                // (the data registers load either way: their enable is
                // then `!valid | tready` alone)
                self.valid.d.next = self.load.val();
                self.data.d.next = self.tdata.val();
                self.keep.d.next = self.tkeep.val();
                self.user.d.next = self.tuser.val();
                self.last.d.next = self.tlast.val();
            }
        } else if self.load.val() {
            // stalled with the skid register empty: park the beat there
            self.s_valid.d.next = true;
        }
        // the empty skid register copies the offered beat every clock (its
        // enable is the flip-flop `!s_valid`, no logic before the fan-out)
        if !self.s_valid.q.val() {
            self.s_data.d.next = self.tdata.val();
            self.s_keep.d.next = self.tkeep.val();
            self.s_user.d.next = self.tuser.val();
            self.s_last.d.next = self.tlast.val();
        }
        if self.rst.val() {
            self.valid.d.next = false;
            self.s_valid.d.next = false;
        }
        self.m_axis.tdata.next = self.data.q.val();
        self.m_axis.tkeep.next = self.keep.q.val();
        self.m_axis.tvalid.next = self.valid.q.val();
        self.m_axis.tlast.next = self.last.q.val();
        self.m_tuser.next = self.user.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Beats loaded whenever `free` (and a beat is on offer) leave in
    /// order, each once and with their sideband, under a `tready` stalled
    /// every third cycle; `free` does not follow `tready` within a cycle
    /// (it is a register); the stage holds its beats while stalled and
    /// reset empties it.
    #[test]
    fn loads_when_free_hold_under_stalls_each_beat_once() {
        let mut uut = AxisOutReg64::<4>::default();
        uut.connect_all();
        let tick = |u: &mut AxisOutReg64<4>| {
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
            uut.tuser.next = (next & 0xF).into();
            simulate(&mut uut, 100);
            let free = uut.free.val();
            uut.m_axis.tready.next = !ready;
            simulate(&mut uut, 100);
            assert_eq!(uut.free.val(), free, "free is combinational from tready");
            uut.m_axis.tready.next = ready;
            simulate(&mut uut, 100);
            let load = uut.free.val() && next < 30;
            uut.load.next = load;
            simulate(&mut uut, 100);
            if uut.m_axis.tvalid.val() && ready {
                let d = uut.m_axis.tdata.val().to_u64();
                assert_eq!(uut.m_tuser.val().to_u64(), d & 0xF, "sideband of beat {d}");
                got.push(d);
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
        tick(&mut uut);
        assert!(
            !uut.free.val(),
            "two beats held under a stall fill both registers"
        );
        uut.load.next = false;
        uut.rst.next = true;
        tick(&mut uut);
        assert!(!uut.m_axis.tvalid.val(), "reset empties the register");
    }
}
