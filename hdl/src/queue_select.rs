//! `QueueSelect`: chooses each frame's receive queue (`m_axis_tdest`).
//!
//! For now every frame goes to `default_queue` (register
//! `datapath.DEFAULT_QUEUE`), sampled at the frame's first output beat and
//! held to its `tlast`, so a change never splits a frame across queues.
//! RSS steering will replace the choice here.

use crate::RX_QUEUE_BITS;
use rust_hdl::prelude::*;

/// Receive-queue choice; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct QueueSelect {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub tvalid: Signal<In, Bit>,
    pub tready: Signal<In, Bit>,
    pub tlast: Signal<In, Bit>,
    pub default_queue: Signal<In, Bits<RX_QUEUE_BITS>>,
    pub tdest: Signal<Out, Bits<RX_QUEUE_BITS>>,
    in_frame: DFF<Bit>,
    held: DFF<Bits<RX_QUEUE_BITS>>,
}

impl Logic for QueueSelect {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, in_frame, held);
        self.tdest.next = self.default_queue.val();
        if self.in_frame.q.val() {
            self.tdest.next = self.held.q.val();
        }
        if self.tvalid.val() & self.tready.val() {
            self.in_frame.d.next = !self.tlast.val();
            if !self.in_frame.q.val() {
                self.held.d.next = self.default_queue.val();
            }
        }
        if self.rst.val() {
            self.in_frame.d.next = false;
        }
    }
}
