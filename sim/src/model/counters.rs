//! Golden model of the hardware counters: what every counter of the
//! register map must read after a given stream of frames.

use crate::harness::Applied;
use crate::model::frame::process;
use crate::model::rss::{steer, RssConfig};
use ferronic_hdl::rx::tag::tuser;
use std::collections::BTreeMap;

/// Expected value of every counter (by register-map name) after `frames`
/// (input bytes with FCS, and the configuration each met at its first
/// beat) went through a freshly cleared core steering with `rss`. Counters
/// not listed are 0.
pub fn expected(frames: &[(&[u8], Applied)], rss: &RssConfig) -> BTreeMap<String, u64> {
    let mut c = BTreeMap::<String, u64>::new();
    let mut add = |name: String, n: u64| *c.entry(name).or_default() += n;
    for (f, a) in frames {
        add("FRAMES_IN".into(), 1);
        let m = process(f, a.format, a.mode);
        let s = steer(&m.frame, rss);
        if !a.enable {
            // steered like any frame, then dropped
            add("DROPS".into(), 1);
            add(format!("RXQ{}_DROPS", s.queue), 1);
            continue;
        }
        add("FRAMES_OUT".into(), 1);
        for (bit, name) in [
            (tuser::FCS_ERR, "BAD_FCS"),
            (tuser::RUNT, "RUNTS"),
            (tuser::GIANT, "GIANTS"),
            (tuser::TAG_SHORT, "TAG_SHORT"),
            (tuser::MIGRATED, "MIGRATED"),
        ] {
            add(name.into(), u64::from(m.tuser & bit != 0));
        }
        add("PARSER_ERRORS".into(), u64::from(s.parse_err));
        let q = s.queue;
        add(format!("RXQ{q}_FRAMES"), 1);
        add(format!("RXQ{q}_BYTES"), m.frame.len() as u64);
        add(
            format!("RXQ{q}_ERRORS"),
            u64::from(m.tuser & tuser::BAD != 0),
        );
    }
    c
}
