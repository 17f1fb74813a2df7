//! The whole core's expected behaviour under TCP traffic with the
//! handshake engine on: which frames reach the host, which SYN-ACKs and
//! RSTs leave on the transmit side, which handoff records are queued and
//! what the handshake counters read. Shared by the Verilator and Icarus
//! core tests.

use crate::harness::handshake::record_words;
use crate::harness::Job;
use crate::model::frame::{append_fcs, process};
use crate::model::handshake::{process as engine, Action, Config};
use crate::model::hs_traffic::SERVER;
use crate::model::syncookie::Secrets;
use ferronic_hdl::rx::tag::{TagFormat, TagMode};

/// The configuration the core-level handshake tests use: four listeners
/// (198.18.0.99:22, SERVER:80, any:443, SERVER:8080), fixed secrets,
/// clocks pinned, RST for closed ports. The harness spreads the entries
/// over the table (indices 0, 16, 32, 48 of 64), so both halves of the
/// engine's comparators (each half reads its own copy of the frame's port
/// and address) match listened ports, and entry 0 is a port the traffic
/// sends to SERVER, not to 198.18.0.99 (its address compare must refuse
/// it: those SYNs get RSTs).
pub fn config() -> Config {
    Config {
        listen: vec![
            ([198, 18, 0, 99], 22),
            (SERVER, 80),
            ([0; 4], 443),
            (SERVER, 8080),
        ],
        secrets: Secrets([
            [0x0102_0304_0506_0708, 0x1112_1314_1516_1718],
            [0x2122_2324_2526_2728, 0x3132_3334_3536_3738],
        ]),
        count: 0x0bad_cafe,
        ts_now: 0x1234_5678,
        mss: 1460,
        wscale: 8,
        window: 65000,
        ttl: 61,
        rst_closed: true,
    }
}

/// What the whole core must do with a run of frames when the handshake
/// engine is on.
pub struct Expect {
    /// Frames that reach `m_axis`, in order, after FcsCheck -> FcsInsert (pass).
    pub host: Vec<Vec<u8>>,
    /// SYN-ACKs and RSTs on `m_axis_tx`, FCS appended.
    pub tx: Vec<Vec<u8>>,
    /// Handoff records as `handshake.HANDOFF_0..8` present them.
    pub records: Vec<[u32; 9]>,
    /// The 8 handshake counters (`ferronic_regmap::HANDSHAKE` order).
    pub counters: [u64; 8],
    /// Frames the engine consumes (SYNs it answers).
    pub consumed: usize,
}

/// The expectation for `jobs` (format none, mode pass) under `c`: each
/// frame through the datapath model, then the engine model unless its FCS
/// was bad.
pub fn expect(c: &Config, jobs: &[Job]) -> Expect {
    let mut e = Expect {
        host: Vec::new(),
        tx: Vec::new(),
        records: Vec::new(),
        counters: [0; 8],
        consumed: 0,
    };
    for j in jobs {
        let m = process(&j.frame, TagFormat::None, TagMode::Pass);
        let bad = m.tuser & ferronic_hdl::rx::tag::tuser::BAD != 0;
        let body = &j.frame[..j.frame.len().saturating_sub(4)];
        let a = if bad { Action::Pass } else { engine(c, body) };
        match a {
            Action::SynAck(g) => {
                e.counters[0] += 1;
                e.counters[1] += 1;
                e.tx.push(append_fcs(&g));
                e.consumed += 1;
            }
            Action::Rst(g) => {
                e.counters[2] += 1;
                e.tx.push(append_fcs(&g));
                e.consumed += 1;
            }
            Action::Handoff(h) => {
                e.counters[3] += 1;
                e.counters[5] += 1;
                e.records.push(record_words(&h));
                e.host.push(m.frame);
            }
            Action::BadCookie => {
                e.counters[4] += 1;
                e.host.push(m.frame);
            }
            Action::Pass => e.host.push(m.frame),
        }
    }
    e
}

/// Jobs from `(frame without FCS, corrupt the FCS)` pairs, format none,
/// mode pass.
pub fn jobs_of(frames: Vec<(Vec<u8>, bool)>) -> Vec<Job> {
    frames
        .into_iter()
        .map(|(f, bad)| {
            let mut w = append_fcs(&f);
            if bad {
                let n = w.len();
                w[n - 1] ^= 0x5a;
            }
            Job {
                frame: w,
                format: TagFormat::None,
                mode: TagMode::Pass,
            }
        })
        .collect()
}
