//! Commands on one discovered device.

use super::{parse_u32, table, Cmd, Out, RegOp};
use crate::device::Device;
use crate::error::{exit, HostError};
use crate::selftest::{selftest, Outcome};
use ferronic_regmap::tag::{TagFormat, TagMode};
use ferronic_regmap::{ctrl, Access};
use serde_json::json;
use std::time::{Duration, Instant};

pub(super) fn run(mut dev: Device, cmd: Cmd, o: &mut Out<'_>) -> Result<u8, HostError> {
    if !o.json {
        for w in &dev.found.warnings {
            eprintln!("nicctl: warning: {w}");
        }
    }
    match cmd {
        Cmd::Info => super::info_cmd::info(&mut dev, o),
        Cmd::Dump => dump(&mut dev, o),
        Cmd::Reg { op } => reg(&mut dev, op, o),
        Cmd::Counters {
            watch,
            count,
            clear,
            all,
        } => counters(&mut dev, watch, count, clear, all, o),
        Cmd::Tag { format, mode } => tag(&mut dev, format, mode, o),
        Cmd::Rss {
            key,
            queues,
            table,
            enable,
            disable,
        } => rss(&mut dev, key, queues, table, enable, disable, o),
        Cmd::Selftest => {
            let r = selftest(&mut dev);
            let failed = r.iter().any(|t| t.outcome == Outcome::Failed);
            o.emit(
                &json!({ "device": dev.name(), "tests": r, "passed": !failed }),
                || {
                    let mut t = table(&["TEST", "RESULT", "DETAIL"]);
                    for x in &r {
                        t.add_row(vec![
                            x.name.to_string(),
                            format!("{:?}", x.outcome).to_uppercase(),
                            x.detail.clone(),
                        ]);
                    }
                    format!(
                        "{t}\nselftest: {}\n",
                        if failed { "FAILED" } else { "PASSED" }
                    )
                },
            );
            Ok(if failed { exit::CHECK_FAILED } else { exit::OK })
        }
        Cmd::Reset => {
            dev.io().reset()?;
            let map = dev.map.clone();
            // the device must come back with its identity
            let mut dev = Device::with_io(dev.into_io(), map)?;
            let ctrl = dev.read_reg("datapath.CTRL")?;
            let name = dev.name().to_string();
            o.emit(
                &json!({ "device": name, "reset": true, "ctrl": ctrl }),
                || format!("{name}: reset; identity read back, datapath.CTRL = {ctrl:#010x}\n"),
            );
            Ok(exit::OK)
        }
        Cmd::Listen { op } => super::hs_cmds::listen(&mut dev, op, o),
        Cmd::Handshake(a) => super::hs_cmds::handshake(&mut dev, a, o),
        Cmd::Conns { max } => super::hs_cmds::conns(&mut dev, max, o),
        Cmd::Adopt(a) => super::adopt_cmd::run(&mut dev, a, o),
        Cmd::Rx(a) => super::dma_cmds::rx(&mut dev, a, o),
        Cmd::Tx(a) => super::dma_cmds::tx(&mut dev, a, o),
        Cmd::Bench(a) => super::bench_cmd::bench(&mut dev, a, o),
        Cmd::Queues => super::dma_cmds::show_queues(&mut dev, o),
        Cmd::Netdev(a) => super::dma_cmds::netdev(&mut dev, a, o),
        Cmd::List { .. } | Cmd::Bind { .. } | Cmd::Doctor => unreachable!("host commands"),
    }
}

fn access(a: Access) -> &'static str {
    match a {
        Access::Ro => "RO",
        Access::Rw => "RW",
        Access::Wo => "WO",
    }
}

fn dump(dev: &mut Device, o: &mut Out<'_>) -> Result<u8, HostError> {
    let rows = dev.dump()?;
    o.emit(&json!(rows), || {
        let mut t = table(&["OFFSET", "REGISTER", "ACCESS", "VALUE"]);
        for r in &rows {
            t.add_row(vec![
                format!("{:#06x}", r.offset),
                r.name.clone(),
                access(r.access).into(),
                r.value
                    .map_or("(write-only)".into(), |v| format!("{v:#010x}")),
            ]);
        }
        format!("{t}\n")
    });
    Ok(exit::OK)
}

fn reg(dev: &mut Device, op: RegOp, o: &mut Out<'_>) -> Result<u8, HostError> {
    let (what, value) = match &op {
        RegOp::Read { reg } => (reg.clone(), None),
        RegOp::Write { reg, value } => (reg.clone(), Some(parse_u32("value", value)?)),
    };
    let r = dev.resolve(&what)?;
    let (offset, path, acc) = (r.offset, r.path.clone(), r.reg.map(|r| r.access));
    if let Some(v) = value {
        dev.write(offset, v)?;
        if acc == Some(Access::Ro) {
            eprintln!("nicctl: warning: {path} is read-only; the hardware ignored the write");
        }
    }
    let read = if acc == Some(Access::Wo) {
        None
    } else {
        Some(dev.read(offset)?)
    };
    o.emit(
        &json!({ "name": path, "offset": offset, "written": value, "value": read }),
        || {
            let shown = read.map_or("(write-only, reads 0)".into(), |v| {
                format!("{v:#010x} ({v})")
            });
            match value {
                Some(v) => format!("{path} ({offset:#06x}) <- {v:#010x}; reads {shown}\n"),
                None => format!("{path} ({offset:#06x}) = {shown}\n"),
            }
        },
    );
    Ok(exit::OK)
}

fn counters(
    dev: &mut Device,
    watch: Option<f64>,
    count: Option<u64>,
    clear: bool,
    all: bool,
    o: &mut Out<'_>,
) -> Result<u8, HostError> {
    if clear {
        dev.clear_counters()?;
    }
    let Some(secs) = watch else {
        let c = dev.counters()?;
        let map: serde_json::Map<String, serde_json::Value> =
            c.iter().map(|(n, v)| (n.clone(), json!(v))).collect();
        o.emit(&json!({ "device": dev.name(), "counters": map }), || {
            let mut t = table(&["COUNTER", "VALUE"]);
            // global counters always, per-queue ones when non-zero
            for (i, (n, v)) in c.iter().enumerate() {
                if !(all || *v != 0 || i < ferronic_regmap::GLOBAL_COUNTERS) {
                    continue;
                }
                t.add_row(vec![n.clone(), v.to_string()]);
            }
            format!("{t}\n")
        });
        return Ok(exit::OK);
    };
    if !(secs > 0.0 && secs.is_finite()) {
        return Err(HostError::Invalid {
            what: format!("--watch {secs}"),
            why: "the interval must be a positive number of seconds".into(),
        });
    }
    let mut prev = dev.counters()?;
    let mut t_prev = Instant::now();
    let mut n = 0u64;
    while count.is_none_or(|c| n < c) {
        std::thread::sleep(Duration::from_secs_f64(secs));
        let now = dev.counters()?;
        let dt = t_prev.elapsed().as_secs_f64();
        t_prev = Instant::now();
        n += 1;
        let rows: Vec<(String, u64, f64)> = now
            .iter()
            .zip(&prev)
            .map(|((name, v), (_, p))| (name.clone(), *v, v.wrapping_sub(*p) as f64 / dt))
            .collect();
        if o.json {
            let c: serde_json::Map<_, _> =
                rows.iter().map(|(k, v, _)| (k.clone(), json!(v))).collect();
            let r: serde_json::Map<_, _> =
                rows.iter().map(|(k, _, r)| (k.clone(), json!(r))).collect();
            let line = json!({ "sample": n, "seconds": dt, "counters": c, "rates_per_second": r });
            let _ = writeln!(o.w, "{line}");
        } else {
            let mut t = table(&["COUNTER", "VALUE", "PER SECOND"]);
            for (i, (k, v, r)) in rows.iter().enumerate() {
                if !(all || *v != 0 || i < ferronic_regmap::GLOBAL_COUNTERS) {
                    continue;
                }
                t.add_row(vec![k.clone(), v.to_string(), format!("{r:.1}")]);
            }
            let _ = writeln!(o.w, "sample {n} ({dt:.2} s)\n{t}\n");
        }
        let _ = o.w.flush();
        prev = now;
    }
    Ok(exit::OK)
}

fn tag(
    dev: &mut Device,
    format: Option<TagFormat>,
    mode: Option<TagMode>,
    o: &mut Out<'_>,
) -> Result<u8, HostError> {
    let mut c = dev.read_reg("datapath.CTRL")?;
    if let Some(f) = format {
        c = (c & !(0xF << ctrl::FORMAT_SHIFT)) | u32::from(f.code()) << ctrl::FORMAT_SHIFT;
    }
    if let Some(m) = mode {
        c = (c & !(0x3 << ctrl::MODE_SHIFT)) | u32::from(m.code()) << ctrl::MODE_SHIFT;
    }
    if format.is_some() || mode.is_some() {
        dev.write_reg("datapath.CTRL", c)?;
        c = dev.read_reg("datapath.CTRL")?;
    }
    let f = TagFormat::from_code(((c >> ctrl::FORMAT_SHIFT) & 0xF) as u8);
    let m = TagMode::from_code(((c >> ctrl::MODE_SHIFT) & 3) as u8);
    let (rx, tx) = (c & ctrl::ENABLE != 0, c & ctrl::TX_ENABLE != 0);
    o.emit(
        &json!({ "ctrl": c, "format": f.name(), "mode": m.name(), "rx_enable": rx, "tx_enable": tx }),
        || format!("datapath.CTRL = {c:#010x}: format {f}, mode {m}, receive {}, transmit {}\n", on(rx), on(tx)),
    );
    Ok(exit::OK)
}

fn on(b: bool) -> &'static str {
    if b {
        "on"
    } else {
        "off"
    }
}

/// Entries in the RSS indirection table.
const TABLE: usize = 128;

#[allow(clippy::too_many_arguments)] // one argument per command-line option
fn rss(
    dev: &mut Device,
    key: Option<String>,
    queues: Option<u8>,
    table_s: Option<String>,
    enable: bool,
    disable: bool,
    o: &mut Out<'_>,
) -> Result<u8, HostError> {
    let nq = dev.map.params.rx_queues;
    let bad = |what: String, why: String| HostError::Invalid { what, why };
    if let Some(k) = key {
        let hexs: String = k.chars().filter(|c| !matches!(c, ':' | '-')).collect();
        let bytes = hex::decode(&hexs).map_err(|e| bad(format!("--key {k}"), e.to_string()))?;
        if bytes.len() != 40 {
            return Err(bad(
                format!("--key {k}"),
                format!(
                    "an RSS key is 40 bytes (80 hex digits), got {}",
                    bytes.len()
                ),
            ));
        }
        for (i, w) in bytes.chunks(4).enumerate() {
            dev.write_reg(
                &format!("rss.KEY{i}"),
                u32::from_be_bytes(w.try_into().expect("4 bytes")),
            )?;
        }
    }
    let entries: Option<Vec<u8>> = match (queues, table_s) {
        (Some(0), _) => return Err(bad("--queues 0".into(), "at least one queue".into())),
        (Some(n), _) if usize::from(n) > nq => {
            return Err(bad(
                format!("--queues {n}"),
                format!("the device has {nq} receive queues"),
            ))
        }
        (Some(n), _) => Some((0..TABLE).map(|i| (i % usize::from(n)) as u8).collect()),
        (None, Some(t)) => {
            let q: Vec<u8> = t
                .split(',')
                .map(|s| s.trim().parse::<u8>().ok().filter(|&q| usize::from(q) < nq))
                .collect::<Option<_>>()
                .ok_or_else(|| {
                    bad(
                        format!("--table {t}"),
                        format!("comma-separated queue numbers 0..{nq}"),
                    )
                })?;
            if q.is_empty() || q.len() > TABLE {
                return Err(bad(format!("--table {t}"), format!("1..{TABLE} entries")));
            }
            Some((0..TABLE).map(|i| q[i % q.len()]).collect())
        }
        (None, None) => None,
    };
    if let Some(e) = &entries {
        for (k, w) in e.chunks(4).enumerate() {
            dev.write_reg(
                &format!("rss.TABLE{k}"),
                u32::from_le_bytes(w.try_into().expect("4 entries")),
            )?;
        }
    }
    if enable || disable {
        dev.write_reg("rss.CTRL", u32::from(enable))?;
    }
    let en = dev.read_reg("rss.CTRL")? & 1 != 0;
    let mut key_b = Vec::new();
    for i in 0..10 {
        key_b.extend(dev.read_reg(&format!("rss.KEY{i}"))?.to_be_bytes());
    }
    let mut tbl = Vec::new();
    for k in 0..TABLE / 4 {
        tbl.extend(dev.read_reg(&format!("rss.TABLE{k}"))?.to_le_bytes());
    }
    let dq = dev.read_reg("datapath.DEFAULT_QUEUE")?;
    if en && key_b.iter().all(|&b| b == 0) {
        eprintln!("nicctl: warning: the RSS key is all zeros, so every flow hashes to 0 (table entry 0); set one with --key");
    }
    o.emit(
        &json!({ "enable": en, "key": hex::encode(&key_b), "table": tbl, "default_queue": dq }),
        || {
            let rows: Vec<String> = tbl
                .chunks(32)
                .enumerate()
                .map(|(i, c)| {
                    format!(
                        "  {:3}: {}",
                        32 * i,
                        c.iter().map(u8::to_string).collect::<Vec<_>>().join(" ")
                    )
                })
                .collect();
            format!(
                "RSS {} (default queue {dq})\nkey   {}\ntable\n{}\n",
                on(en),
                hex::encode(&key_b),
                rows.join("\n")
            )
        },
    );
    Ok(exit::OK)
}
