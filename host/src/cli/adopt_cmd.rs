//! `nicctl adopt`: pops handoff records as they come and turns each into a
//! kernel socket (TCP repair), then hands the socket to a fixed reply or a
//! command.

use super::Out;
use crate::adopt::adopt;
use crate::device::Device;
use crate::error::{exit, HostError};
use crate::handoff::{pop_all, Handoff};
use serde_json::json;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::fd::OwnedFd;
use std::process::{Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Options of `nicctl adopt`.
#[derive(clap::Args, Debug)]
pub struct AdoptArgs {
    /// Answer each connection with TEXT (escapes \r \n \t \\) once its
    /// first request has arrived (up to an empty line, or 2 s), then close.
    #[arg(long, conflicts_with = "exec")]
    reply: Option<String>,
    /// Run `sh -c CMD` per connection with the socket as stdin and stdout
    /// (inetd style); NICCTL_CLIENT and NICCTL_LOCAL hold ADDR:PORT.
    #[arg(long, value_name = "CMD")]
    exec: Option<String>,
    /// Stop after N connections (default: run until killed).
    #[arg(long, value_name = "N")]
    count: Option<u64>,
    /// Give up after SECS seconds (exit 1 if --count was not reached).
    #[arg(long, value_name = "SECS")]
    timeout: Option<f64>,
    /// Poll the handoff queue every MS milliseconds.
    #[arg(long, default_value_t = 1, value_name = "MS")]
    poll_ms: u64,
}

/// Unescapes `\r`, `\n`, `\t`, `\\`.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('r') => out.push('\r'),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(o) => out.push(o),
            None => out.push('\\'),
        }
    }
    out
}

/// Reads a request (until an empty line, EOF or 2 s), sends `reply`, closes.
fn serve_reply(mut s: TcpStream, reply: &[u8]) -> std::io::Result<usize> {
    s.set_read_timeout(Some(Duration::from_secs(2)))?;
    let mut req = Vec::new();
    let mut buf = [0u8; 4096];
    while !req.windows(4).any(|w| w == b"\r\n\r\n") && !req.windows(2).any(|w| w == b"\n\n") {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => req.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                break
            }
            Err(e) => return Err(e),
        }
    }
    s.write_all(reply)?;
    s.shutdown(std::net::Shutdown::Write)?;
    Ok(req.len())
}

/// Runs `sh -c cmd` on the socket.
fn serve_exec(s: TcpStream, cmd: &str, h: &Handoff) -> std::io::Result<std::process::ExitStatus> {
    let fd: OwnedFd = s.into();
    let out = fd.try_clone()?;
    Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .env("NICCTL_CLIENT", format!("{}:{}", h.client, h.client_port))
        .env("NICCTL_LOCAL", format!("{}:{}", h.local, h.local_port))
        .stdin(Stdio::from(fd))
        .stdout(Stdio::from(out))
        .status()
}

/// Connections adopted lately. The gateware is stateless: a client's pure
/// ACK that still acknowledges only our SYN-ACK (e.g. its answer to the
/// adopted socket's window probe) validates again and yields a second
/// record for the same connection, which must not be adopted twice.
#[derive(Default)]
struct Seen {
    when:
        std::collections::HashMap<(std::net::Ipv4Addr, u16, std::net::Ipv4Addr, u16, u32), Instant>,
    duplicates: u64,
}

/// How long a 4-tuple and ISN are remembered (two MSLs, RFC 9293 section 3.4.2).
const SEEN_FOR: Duration = Duration::from_secs(240);

impl Seen {
    /// True for a record not seen within [`SEEN_FOR`]; counts the others.
    fn first(&mut self, h: &Handoff) -> bool {
        let now = Instant::now();
        if self.when.len() > 65_536 {
            self.when.retain(|_, t| now.duration_since(*t) < SEEN_FOR);
        }
        let key = (h.client, h.client_port, h.local, h.local_port, h.peer_isn);
        match self.when.insert(key, now) {
            Some(t) if now.duration_since(t) < SEEN_FOR => {
                self.duplicates += 1;
                false
            }
            _ => true,
        }
    }
}

pub(super) fn run(dev: &mut Device, a: AdoptArgs, o: &mut Out<'_>) -> Result<u8, HostError> {
    let our_window = dev.read_reg("handshake.WINDOW")? as u16;
    let reply = a.reply.as_deref().map(unescape);
    let start = Instant::now();
    let (mut adopted, mut failed) = (0u64, 0u64);
    let mut handlers: Vec<JoinHandle<()>> = Vec::new();
    let mut kept: Vec<TcpStream> = Vec::new();
    let mut seen = Seen::default();
    let done = |n: u64| a.count.is_some_and(|c| n >= c);
    while !done(adopted + failed) {
        if a.timeout
            .is_some_and(|t| start.elapsed().as_secs_f64() >= t)
        {
            break;
        }
        let recs = pop_all(dev, 16)?;
        if recs.is_empty() {
            std::thread::sleep(Duration::from_millis(a.poll_ms));
            continue;
        }
        for h in recs {
            if !seen.first(&h) {
                continue;
            }
            let conn = format!(
                "{}:{} -> {}:{}",
                h.client, h.client_port, h.local, h.local_port
            );
            match adopt(&h, our_window) {
                Ok(sock) => {
                    adopted += 1;
                    o.emit(&json!({ "adopted": h }), || format!("adopted {conn}\n"));
                    if let Some(r) = &reply {
                        let r = r.clone().into_bytes();
                        handlers.push(std::thread::spawn(move || {
                            if let Err(e) = serve_reply(sock, &r) {
                                eprintln!("nicctl adopt: {conn}: {e}");
                            }
                        }));
                    } else if let Some(cmd) = &a.exec {
                        let cmd = cmd.clone();
                        handlers.push(std::thread::spawn(move || {
                            if let Err(e) = serve_exec(sock, &cmd, &h) {
                                eprintln!("nicctl adopt: {conn}: sh -c {cmd}: {e}");
                            }
                        }));
                    } else {
                        // no handler: the connection stays open until
                        // this process ends
                        kept.push(sock);
                    }
                }
                Err(e) => {
                    failed += 1;
                    o.emit(
                        &json!({ "failed": h, "error": e.to_string(), "fix": e.fix() }),
                        || format!("failed {conn}: {e}\n  fix: {}\n", e.fix()),
                    );
                }
            }
        }
    }
    for t in handlers {
        let _ = t.join();
    }
    drop(kept);
    if seen.duplicates > 0 {
        eprintln!(
            "nicctl adopt: {} duplicate record(s) skipped (a connection's handshake ACK seen again)",
            seen.duplicates
        );
    }
    let short = a.count.is_some_and(|c| adopted + failed < c);
    Ok(if failed > 0 || short {
        exit::CHECK_FAILED
    } else {
        exit::OK
    })
}

#[cfg(test)]
mod tests {
    use super::{unescape, Seen};
    use crate::handoff::Handoff;

    #[test]
    fn a_second_record_of_a_connection_is_a_duplicate() {
        let w = [
            0xC612_0002,
            0xC612_0001,
            40000 << 16 | 80,
            7,
            9,
            1460 << 16,
            0,
            0,
            0xf0,
        ];
        let h = Handoff::from_words(&w);
        let mut s = Seen::default();
        assert!(s.first(&h));
        assert!(!s.first(&h));
        let mut other = h.clone();
        other.client_port = 40001;
        assert!(s.first(&other));
        assert_eq!(s.duplicates, 1);
    }

    #[test]
    fn escapes() {
        assert_eq!(
            unescape(r"HTTP/1.0 200 OK\r\n\r\nhi\\"),
            "HTTP/1.0 200 OK\r\n\r\nhi\\"
        );
        assert_eq!(unescape(r"a\tb\"), "a\tb\\");
    }
}
