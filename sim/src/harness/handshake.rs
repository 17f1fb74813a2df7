//! Driving the core's handshake block as a host driver would: configure it
//! from the golden model's [`Config`] and read handoff records.

use crate::harness::{Nic, SimError};
use crate::model::handshake::{Config, Handoff};
use ferronic_regmap::handoff::Record;
use ferronic_regmap::{hs_ctrl, RECORD_WORDS};

/// A handoff record of the model as the hardware presents it in
/// `handshake.HANDOFF_0..8` (layout: [`Record`]).
pub fn record_words(h: &Handoff) -> [u32; RECORD_WORDS] {
    Record {
        client: h.tuple.saddr.into(),
        client_port: h.tuple.sport,
        local: h.tuple.daddr.into(),
        local_port: h.tuple.dport,
        our_isn: h.our_isn,
        peer_isn: h.peer_isn,
        mss: h.mss,
        window: h.window,
        timestamps: h.timestamps,
        sack: h.options.sack,
        ecn: h.options.ecn,
        snd_wscale: h.options.wscale,
        rcv_wscale: h.rcv_wscale,
    }
    .to_words()
}

impl Nic {
    /// Programs the handshake block from `c`: secrets, both clocks stopped
    /// (`CLOCK_DIV` = 0) at `c.ts_now` and `c.count`, MSS, window scale,
    /// window, TTL, the listen table, then CTRL (enabled).
    ///
    /// # Errors
    /// A register access refused.
    pub fn configure_handshake(&mut self, c: &Config) -> Result<(), SimError> {
        for (reg, v) in handshake_writes(c) {
            self.write_reg(&reg, v)?;
        }
        Ok(())
    }

    /// Reads and pops every waiting handoff record.
    ///
    /// # Errors
    /// A register access refused.
    pub fn handoffs(&mut self) -> Result<Vec<[u32; RECORD_WORDS]>, SimError> {
        let mut out = Vec::new();
        while self.read_reg("handshake.HANDOFF_STATUS")? & 1 != 0 {
            let mut r = [0u32; RECORD_WORDS];
            for (w, v) in r.iter_mut().enumerate() {
                *v = self.read_reg(&format!("handshake.HANDOFF_{w}"))?;
            }
            self.write_reg("handshake.HANDOFF_POP", 1)?;
            out.push(r);
        }
        Ok(out)
    }
}

/// The register writes (`block.NAME`, value) that program the handshake
/// block from `c`: secrets, both clocks stopped (`CLOCK_DIV` = 0) at
/// `c.ts_now` and `c.count`, MSS, window scale, window, TTL, the listen
/// table (entry i of `c.listen` at index i * LISTEN / n), then CTRL
/// (enabled).
pub fn handshake_writes(c: &Config) -> Vec<(String, u32)> {
    let mut w = Vec::new();
    for (s, key) in c.secrets.0.iter().enumerate() {
        for (word, v) in [
            key[0] as u32,
            (key[0] >> 32) as u32,
            key[1] as u32,
            (key[1] >> 32) as u32,
        ]
        .into_iter()
        .enumerate()
        {
            w.push((format!("handshake.KEY{s}_{word}"), v));
        }
    }
    w.push(("handshake.CLOCK_DIV".into(), 0));
    w.push(("handshake.TS_BASE".into(), c.ts_now));
    w.push(("handshake.COUNT_BASE".into(), c.count));
    w.push(("handshake.MSS".into(), u32::from(c.mss)));
    w.push(("handshake.WSCALE".into(), u32::from(c.wscale)));
    w.push(("handshake.WINDOW".into(), u32::from(c.window)));
    w.push(("handshake.TTL".into(), u32::from(c.ttl)));
    // the entries spread over the table (entry i at i * LISTEN / n), so
    // a few listeners reach both halves of the engine's comparators
    // (entries 0..31 and 32..63 compare against different registers)
    let n = c.listen.len().max(1);
    // (the simulated core's table: the build's listen entries)
    let stride = ferronic_hdl::LISTEN / n;
    for k in 0..ferronic_hdl::LISTEN {
        let entry = (stride > 0 && k % stride == 0)
            .then(|| c.listen.get(k / stride))
            .flatten();
        let (a, p) = entry.map_or((0, 0), |(a, p)| {
            (u32::from_be_bytes(*a), 1 << 16 | u32::from(*p))
        });
        w.push((format!("handshake.LISTEN{k}_ADDR"), a));
        w.push((format!("handshake.LISTEN{k}_PORT"), p));
    }
    let ctrl = hs_ctrl::ENABLE | if c.rst_closed { hs_ctrl::RST_CLOSED } else { 0 };
    w.push(("handshake.CTRL".into(), ctrl));
    w
}
