//! `ConvPath`: the open board's switch-to-CPU conversion, the NIC's
//! receive datapath without RSS: [`FcsCheck`] -> [`TagMigrate`] ->
//! [`FcsInsert`], in the core clock.
//!
//! * `s_axis_*`: 64-bit AXI4-Stream from the switch-side MAC's FIFO,
//!   frames with their FCS, byte 0 in `tdata[7:0]`.
//! * `m_axis_*`: the converted frames with a recomputed FCS; `m_axis_tuser`
//!   (7 bits, on the `tlast` beat) is FcsInsert's: bits 5:0 as
//!   `ferronic_regmap::tag::tuser` (BAD, FCS_ERR, RUNT, GIANT, TAG_SHORT,
//!   MIGRATED), bit 6 the drop mark (`cfg_enable` was 0 at the frame's
//!   first beat); `m_axis_tag` the migrated tag (wire order, byte 0 in
//!   bits 7:0) with `tlast`.
//! * `cfg_tag_format` (4 bits), `cfg_tag_mode` (2 bits: pass 0, strip 1,
//!   tail 2), `cfg_enable`: sampled at each frame's first beat.
//! * One beat per clock, no bubble; latency that of the three stages
//!   (4 + 8 + 11 cycles at line rate).

use crate::common::axis::AxisMaster64;
use crate::rx::fcs_check::FcsCheck;
use crate::rx::fcs_insert::FcsInsert;
use crate::rx::tag_migrate::TagMigrate;
use rust_hdl::prelude::*;

/// The conversion path; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct ConvPath {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub cfg_tag_format: Signal<In, Bits<4>>,
    pub cfg_tag_mode: Signal<In, Bits<2>>,
    pub cfg_enable: Signal<In, Bit>,
    pub s_axis_tdata: Signal<In, Bits<64>>,
    pub s_axis_tkeep: Signal<In, Bits<8>>,
    pub s_axis_tvalid: Signal<In, Bit>,
    pub s_axis_tlast: Signal<In, Bit>,
    pub s_axis_tready: Signal<Out, Bit>,
    pub m_axis_tdata: Signal<Out, Bits<64>>,
    pub m_axis_tkeep: Signal<Out, Bits<8>>,
    pub m_axis_tvalid: Signal<Out, Bit>,
    pub m_axis_tlast: Signal<Out, Bit>,
    pub m_axis_tready: Signal<In, Bit>,
    pub m_axis_tuser: Signal<Out, Bits<7>>,
    pub m_axis_tag: Signal<Out, Bits<64>>,
    check: FcsCheck,
    migrate: TagMigrate,
    insert: FcsInsert,
}

impl Logic for ConvPath {
    #[hdl_gen]
    fn update(&mut self) {
        self.check.clock.next = self.clock.val();
        self.migrate.clock.next = self.clock.val();
        self.insert.clock.next = self.clock.val();
        self.check.rst.next = self.rst.val();
        self.migrate.rst.next = self.rst.val();
        self.insert.rst.next = self.rst.val();
        self.check.cfg_tag_format.next = self.cfg_tag_format.val();
        self.check.cfg_tag_mode.next = self.cfg_tag_mode.val();
        self.check.cfg_enable.next = self.cfg_enable.val();
        self.check.s_axis.tdata.next = self.s_axis_tdata.val();
        self.check.s_axis.tkeep.next = self.s_axis_tkeep.val();
        self.check.s_axis.tvalid.next = self.s_axis_tvalid.val();
        self.check.s_axis.tlast.next = self.s_axis_tlast.val();
        self.s_axis_tready.next = self.check.s_axis.tready.val();
        AxisMaster64::join(&mut self.check.m_axis, &mut self.migrate.s_axis);
        self.migrate.s_tuser.next = self.check.m_tuser.val();
        AxisMaster64::join(&mut self.migrate.m_axis, &mut self.insert.s_axis);
        self.insert.s_tuser.next = self.migrate.m_tuser.val();
        self.insert.s_tag.next = self.migrate.m_tag.val();
        self.m_axis_tdata.next = self.insert.m_axis.tdata.val();
        self.m_axis_tkeep.next = self.insert.m_axis.tkeep.val();
        self.m_axis_tvalid.next = self.insert.m_axis.tvalid.val();
        self.m_axis_tlast.next = self.insert.m_axis.tlast.val();
        self.insert.m_axis.tready.next = self.m_axis_tready.val();
        self.m_axis_tuser.next = self.insert.m_tuser.val();
        self.m_axis_tag.next = self.insert.m_tag.val();
    }
}
