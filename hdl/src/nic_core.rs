//! `NicCore`: the receive conversion datapath, top of `nic_core.v`.
//!
//! `s_axis` (MAC/switch side, frames with FCS) -> [`FcsCheck`] ->
//! [`TagMigrate`] -> [`FcsInsert`] -> `m_axis` (host side, frames with a
//! recomputed FCS). Ports (flat, cocotbext-axi `from_prefix` names):
//!
//! | port | width | meaning |
//! |---|---|---|
//! | `clk`, `rst` | 1 | clock; synchronous active-high reset |
//! | `cfg_tag_format` | 4 | [`crate::tag::TagFormat::code`], sampled at each frame's first beat |
//! | `cfg_tag_mode` | 2 | [`crate::tag::TagMode::code`], sampled likewise |
//! | `s_axis_tdata/tkeep/tvalid/tready/tlast` | 64/8/1/1/1 | input frames, byte 0 in `tdata[7:0]` |
//! | `m_axis_tdata/tkeep/tvalid/tready/tlast` | 64/8/1/1/1 | output frames |
//! | `m_axis_tuser` | 6 | flags on the `tlast` beat, [`crate::tag::tuser`] |
//! | `m_axis_tag` | 64 | migrated tag on the `tlast` beat (wire order, zero-extended) |
//!
//! Latency: [`LATENCY`] cycles from a beat's acceptance on `s_axis` to its
//! appearance on `m_axis` at line rate; one beat per clock, no bubbles.

use crate::fcs_check::FcsCheck;
use crate::fcs_insert::FcsInsert;
use crate::tag_migrate::TagMigrate;
use rust_hdl::prelude::*;

/// Cycles from the acceptance of a beat on `s_axis` to the same beat's
/// valid cycle on `m_axis`, at line rate with `m_axis_tready` high
/// (FcsCheck 1 + TagMigrate 4 + FcsInsert 3; asserted by the sim tests).
pub const LATENCY: usize = 8;

/// The receive datapath top; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct NicCore {
    pub clk: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub cfg_tag_format: Signal<In, Bits<4>>,
    pub cfg_tag_mode: Signal<In, Bits<2>>,
    pub s_axis_tdata: Signal<In, Bits<64>>,
    pub s_axis_tkeep: Signal<In, Bits<8>>,
    pub s_axis_tvalid: Signal<In, Bit>,
    pub s_axis_tready: Signal<Out, Bit>,
    pub s_axis_tlast: Signal<In, Bit>,
    pub m_axis_tdata: Signal<Out, Bits<64>>,
    pub m_axis_tkeep: Signal<Out, Bits<8>>,
    pub m_axis_tvalid: Signal<Out, Bit>,
    pub m_axis_tready: Signal<In, Bit>,
    pub m_axis_tlast: Signal<Out, Bit>,
    pub m_axis_tuser: Signal<Out, Bits<6>>,
    pub m_axis_tag: Signal<Out, Bits<64>>,
    fcs_check: FcsCheck,
    tag_migrate: TagMigrate,
    fcs_insert: FcsInsert,
}

impl Logic for NicCore {
    #[hdl_gen]
    fn update(&mut self) {
        self.fcs_check.clock.next = self.clk.val();
        self.tag_migrate.clock.next = self.clk.val();
        self.fcs_insert.clock.next = self.clk.val();
        self.fcs_check.rst.next = self.rst.val();
        self.tag_migrate.rst.next = self.rst.val();
        self.fcs_insert.rst.next = self.rst.val();
        self.fcs_check.cfg_tag_format.next = self.cfg_tag_format.val();
        self.fcs_check.cfg_tag_mode.next = self.cfg_tag_mode.val();
        // s_axis -> FcsCheck
        self.fcs_check.s_tdata.next = self.s_axis_tdata.val();
        self.fcs_check.s_tkeep.next = self.s_axis_tkeep.val();
        self.fcs_check.s_tvalid.next = self.s_axis_tvalid.val();
        self.fcs_check.s_tlast.next = self.s_axis_tlast.val();
        self.s_axis_tready.next = self.fcs_check.s_tready.val();
        // FcsCheck -> TagMigrate
        self.tag_migrate.s_tdata.next = self.fcs_check.m_tdata.val();
        self.tag_migrate.s_tkeep.next = self.fcs_check.m_tkeep.val();
        self.tag_migrate.s_tvalid.next = self.fcs_check.m_tvalid.val();
        self.tag_migrate.s_tlast.next = self.fcs_check.m_tlast.val();
        self.tag_migrate.s_tuser.next = self.fcs_check.m_tuser.val();
        self.fcs_check.m_tready.next = self.tag_migrate.s_tready.val();
        // TagMigrate -> FcsInsert
        self.fcs_insert.s_tdata.next = self.tag_migrate.m_tdata.val();
        self.fcs_insert.s_tkeep.next = self.tag_migrate.m_tkeep.val();
        self.fcs_insert.s_tvalid.next = self.tag_migrate.m_tvalid.val();
        self.fcs_insert.s_tlast.next = self.tag_migrate.m_tlast.val();
        self.fcs_insert.s_tuser.next = self.tag_migrate.m_tuser.val();
        self.fcs_insert.s_tag.next = self.tag_migrate.m_tag.val();
        self.tag_migrate.m_tready.next = self.fcs_insert.s_tready.val();
        // FcsInsert -> m_axis
        self.m_axis_tdata.next = self.fcs_insert.m_tdata.val();
        self.m_axis_tkeep.next = self.fcs_insert.m_tkeep.val();
        self.m_axis_tvalid.next = self.fcs_insert.m_tvalid.val();
        self.m_axis_tlast.next = self.fcs_insert.m_tlast.val();
        self.m_axis_tuser.next = self.fcs_insert.m_tuser.val();
        self.m_axis_tag.next = self.fcs_insert.m_tag.val();
        self.fcs_insert.m_tready.next = self.m_axis_tready.val();
    }
}
