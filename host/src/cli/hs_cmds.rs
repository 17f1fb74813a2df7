//! Handshake-offload commands: `listen`, `handshake`, `conns`.

use super::{parse_u32, table, Out};
use crate::device::Device;
use crate::error::{exit, HostError};
use crate::handoff::pop_all;
use ferronic_regmap::hs_ctrl;
use serde_json::json;
use std::net::{Ipv4Addr, SocketAddrV4};

/// `nicctl listen` operations.
#[derive(clap::Subcommand, Debug)]
pub enum ListenOp {
    /// Answer SYNs to ADDR:PORT (0.0.0.0: any local address).
    Add {
        /// IPv4 address and port.
        addr: SocketAddrV4,
    },
    /// Stop answering SYNs to ADDR:PORT.
    Del {
        /// IPv4 address and port.
        addr: SocketAddrV4,
    },
    /// Show the listen table.
    List,
}

/// The listen table: as many entries as the device's map has
/// (`identity.SIZES` bits 15:0, the `listen` generation parameter).
fn entries(dev: &mut Device) -> Result<Vec<Option<SocketAddrV4>>, HostError> {
    (0..dev.map.params.listen)
        .map(|k| {
            let a = dev.read_reg(&format!("handshake.LISTEN{k}_ADDR"))?;
            let p = dev.read_reg(&format!("handshake.LISTEN{k}_PORT"))?;
            Ok((p & 1 << 16 != 0).then(|| SocketAddrV4::new(Ipv4Addr::from(a), p as u16)))
        })
        .collect()
}

pub(super) fn listen(dev: &mut Device, op: ListenOp, o: &mut Out<'_>) -> Result<u8, HostError> {
    let mut e = entries(dev)?;
    match op {
        ListenOp::Add { addr } => {
            if !e.contains(&Some(addr)) {
                let k = e
                    .iter()
                    .position(Option::is_none)
                    .ok_or_else(|| HostError::Invalid {
                        what: format!("listen add {addr}"),
                        why: format!("the listen table is full ({} entries)", e.len()),
                    })?;
                dev.write_reg(&format!("handshake.LISTEN{k}_ADDR"), u32::from(*addr.ip()))?;
                dev.write_reg(
                    &format!("handshake.LISTEN{k}_PORT"),
                    1 << 16 | u32::from(addr.port()),
                )?;
                e[k] = Some(addr);
            }
        }
        ListenOp::Del { addr } => {
            let k = e
                .iter()
                .position(|x| *x == Some(addr))
                .ok_or_else(|| HostError::Invalid {
                    what: format!("listen del {addr}"),
                    why: "not in the listen table".into(),
                })?;
            dev.write_reg(&format!("handshake.LISTEN{k}_PORT"), 0)?;
            dev.write_reg(&format!("handshake.LISTEN{k}_ADDR"), 0)?;
            e[k] = None;
        }
        ListenOp::List => {}
    }
    let list: Vec<String> = e.iter().flatten().map(ToString::to_string).collect();
    o.emit(&json!({ "listen": list }), || {
        if list.is_empty() {
            "listen table empty\n".into()
        } else {
            list.iter().map(|a| format!("{a}\n")).collect()
        }
    });
    Ok(exit::OK)
}

/// Options of `nicctl handshake`.
#[derive(clap::Args, Debug)]
pub struct HsArgs {
    /// Turn the engine on.
    #[arg(long, conflicts_with = "disable")]
    enable: bool,
    /// Turn the engine off.
    #[arg(long)]
    disable: bool,
    /// SYNs to ports nobody listens on: `rst` (answer RST/ACK) or `pass`.
    #[arg(long, value_parser = ["rst", "pass"])]
    closed: Option<String>,
    /// New cookie secrets from the OS random source (64 hex digits to set
    /// them instead: secret 0 then secret 1, each k0 then k1 big-endian).
    #[arg(long, value_name = "random|HEX")]
    secrets: Option<String>,
    /// MSS the SYN-ACK advertises.
    #[arg(long)]
    mss: Option<String>,
    /// Window scale the SYN-ACK offers (0..14).
    #[arg(long)]
    wscale: Option<String>,
    /// Window field of the SYN-ACK.
    #[arg(long)]
    window: Option<String>,
    /// Core clock cycles per millisecond (0 stops the clocks).
    #[arg(long)]
    clock_div: Option<String>,
}

fn secrets(s: &str) -> Result<[u32; 8], HostError> {
    let bytes = if s == "random" {
        let mut b = [0u8; 32];
        // SAFETY: getrandom writes at most b.len() bytes into b.
        let n = unsafe { libc::getrandom(b.as_mut_ptr().cast(), b.len(), 0) };
        if n != 32 {
            return Err(HostError::io(
                "getrandom",
                "reading",
                std::io::Error::last_os_error(),
            ));
        }
        b.to_vec()
    } else {
        hex::decode(s).map_err(|e| HostError::Invalid {
            what: "--secrets".into(),
            why: e.to_string(),
        })?
    };
    if bytes.len() != 32 {
        return Err(HostError::Invalid {
            what: "--secrets".into(),
            why: format!(
                "two 128-bit secrets are 64 hex digits, got {}",
                2 * bytes.len()
            ),
        });
    }
    // per secret: k0 (bytes 0..8 big-endian) then k1; registers hold k0 low word first
    let mut w = [0u32; 8];
    for s in 0..2 {
        for k in 0..2 {
            let v = u64::from_be_bytes(
                bytes[16 * s + 8 * k..16 * s + 8 * k + 8]
                    .try_into()
                    .expect("8"),
            );
            w[4 * s + 2 * k] = v as u32;
            w[4 * s + 2 * k + 1] = (v >> 32) as u32;
        }
    }
    Ok(w)
}

pub(super) fn handshake(dev: &mut Device, a: HsArgs, o: &mut Out<'_>) -> Result<u8, HostError> {
    if let Some(s) = &a.secrets {
        for (i, w) in secrets(s)?.iter().enumerate() {
            dev.write_reg(&format!("handshake.KEY{}_{}", i / 4, i % 4), *w)?;
        }
    }
    for (opt, reg, max) in [
        (&a.mss, "MSS", 65535),
        (&a.wscale, "WSCALE", 14),
        (&a.window, "WINDOW", 65535),
        (&a.clock_div, "CLOCK_DIV", u32::MAX),
    ] {
        if let Some(v) = opt {
            let n = parse_u32(&format!("--{}", reg.to_lowercase()), v)?;
            if n > max {
                return Err(HostError::Invalid {
                    what: format!("--{} {v}", reg.to_lowercase()),
                    why: format!("at most {max}"),
                });
            }
            dev.write_reg(&format!("handshake.{reg}"), n)?;
        }
    }
    let mut c = dev.read_reg("handshake.CTRL")?;
    if a.enable {
        c |= hs_ctrl::ENABLE;
    }
    if a.disable {
        c &= !hs_ctrl::ENABLE;
    }
    match a.closed.as_deref() {
        Some("rst") => c |= hs_ctrl::RST_CLOSED,
        Some(_) => c &= !hs_ctrl::RST_CLOSED,
        None => {}
    }
    dev.write_reg("handshake.CTRL", c)?;
    let mut st = serde_json::Map::new();
    for r in [
        "CTRL",
        "MSS",
        "WSCALE",
        "WINDOW",
        "TTL",
        "CLOCK_DIV",
        "COUNT_PERIOD",
        "TS_NOW",
        "COUNT",
    ] {
        st.insert(
            r.to_lowercase(),
            json!(dev.read_reg(&format!("handshake.{r}"))?),
        );
    }
    let mut ctr = serde_json::Map::new();
    for (n, _) in ferronic_regmap::HANDSHAKE {
        ctr.insert(n.to_string(), json!(dev.counter(n)?));
    }
    o.emit(&json!({ "settings": st, "counters": ctr }), || {
        let mut t = table(&["SETTING", "VALUE"]);
        t.add_row(vec![
            "engine".to_string(),
            format!(
                "{}, closed ports {}",
                if c & hs_ctrl::ENABLE != 0 {
                    "on"
                } else {
                    "off"
                },
                if c & hs_ctrl::RST_CLOSED != 0 {
                    "RST"
                } else {
                    "pass"
                }
            ),
        ]);
        for (k, v) in st.iter().filter(|(k, _)| *k != "ctrl") {
            t.add_row(vec![k.clone(), v.to_string()]);
        }
        for (k, v) in &ctr {
            t.add_row(vec![k.clone(), v.to_string()]);
        }
        format!("{t}\n")
    });
    Ok(exit::OK)
}

pub(super) fn conns(dev: &mut Device, max: usize, o: &mut Out<'_>) -> Result<u8, HostError> {
    let recs = pop_all(dev, max)?;
    o.emit(&json!(recs), || {
        if recs.is_empty() {
            return "no handoff waiting\n".into();
        }
        let mut t = table(&[
            "CLIENT", "LOCAL", "OUR ISN", "PEER ISN", "MSS", "WSCALE", "SACK", "TS",
        ]);
        for r in &recs {
            t.add_row(vec![
                format!("{}:{}", r.client, r.client_port),
                format!("{}:{}", r.local, r.local_port),
                format!("{:#010x}", r.our_isn),
                format!("{:#010x}", r.peer_isn),
                r.mss.to_string(),
                r.snd_wscale
                    .map_or("-".into(), |w| format!("{w}/{}", r.rcv_wscale)),
                if r.sack { "yes" } else { "no" }.into(),
                r.timestamps.map_or("-".into(), |(v, e)| format!("{v}/{e}")),
            ]);
        }
        format!("{t}\n")
    });
    Ok(exit::OK)
}
