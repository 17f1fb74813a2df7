//! The server side: a single-threaded loop multiplexing connections with
//! `poll(2)`, so the simulated core is only ever touched by one thread.

use crate::proto::{ErrorKind, Reply, Request};
use std::io::{self, ErrorKind as IoKind, Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Whatever answers requests (the simulated NIC).
pub trait Handler {
    /// Answers one request. Must not panic on any request.
    fn handle(&mut self, req: Request) -> Reply;

    /// Further file descriptors the loop polls for input besides the
    /// socket (e.g. the TAP devices of `nicsim tap`); none by default.
    fn extra_fds(&self) -> Vec<RawFd> {
        Vec::new()
    }

    /// Called when `fd`, one of [`Handler::extra_fds`], is readable.
    ///
    /// # Errors
    /// An error ends [`serve`] with it.
    fn on_ready(&mut self, _fd: RawFd) -> io::Result<()> {
        Ok(())
    }

    /// True while the handler has work of its own (a simulation that must
    /// keep clocking): the loop then polls without waiting and calls
    /// [`Handler::on_tick`] again at once. False by default.
    fn busy(&self) -> bool {
        false
    }

    /// Called on every wake-up of the loop (at least every 100 ms, at once
    /// again while [`Handler::busy`]), for timers and free-running work.
    ///
    /// # Errors
    /// An error ends [`serve`] with it.
    fn on_tick(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Options of [`serve`].
#[derive(Clone, Debug, Default)]
pub struct ServeOpts {
    /// Return once this becomes true (checked at least every 100 ms).
    pub stop: Option<Arc<AtomicBool>>,
    /// Print one line per connection opened and closed on stderr.
    pub verbose: bool,
}

/// Binds a listening socket at `path`. A stale socket file (nobody
/// listening) is replaced; a live one is an `AddrInUse` error.
pub fn bind(path: &Path) -> io::Result<UnixListener> {
    if path.exists() {
        match UnixStream::connect(path) {
            Ok(_) => {
                return Err(io::Error::new(
                    IoKind::AddrInUse,
                    format!("{} is already served by another process", path.display()),
                ))
            }
            Err(_) => std::fs::remove_file(path)?,
        }
    }
    UnixListener::bind(path)
}

struct Conn {
    stream: UnixStream,
    inbuf: Vec<u8>,
}

/// Serves `listener` until `opts.stop` is set (or forever).
///
/// # Errors
/// Only errors of the listener itself; a failing connection is closed.
pub fn serve(
    listener: UnixListener,
    handler: &mut dyn Handler,
    opts: &ServeOpts,
) -> io::Result<()> {
    listener.set_nonblocking(true)?;
    let mut conns: Vec<Conn> = Vec::new();
    loop {
        if opts
            .stop
            .as_ref()
            .is_some_and(|s| s.load(Ordering::Relaxed))
        {
            return Ok(());
        }
        let extra = handler.extra_fds();
        let mut fds: Vec<libc::pollfd> = std::iter::once(listener.as_raw_fd())
            .chain(conns.iter().map(|c| c.stream.as_raw_fd()))
            .chain(extra.iter().copied())
            .map(|fd| libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            })
            .collect();
        let wait = if handler.busy() { 0 } else { 100 };
        // SAFETY: `fds` is a valid array of `fds.len()` pollfd structures.
        let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, wait) };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == IoKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        for (k, &fd) in extra.iter().enumerate() {
            if fds[1 + conns.len() + k].revents != 0 {
                handler.on_ready(fd)?;
            }
        }
        handler.on_tick()?;
        let mut closed = Vec::new();
        for (i, c) in conns.iter_mut().enumerate() {
            if fds[i + 1].revents != 0 && !service(c, handler) {
                closed.push(i);
            }
        }
        for i in closed.into_iter().rev() {
            conns.remove(i);
            if opts.verbose {
                eprintln!("nicsim serve: connection closed ({} open)", conns.len());
            }
        }
        if fds[0].revents != 0 {
            loop {
                match listener.accept() {
                    Ok((stream, _)) => {
                        stream.set_nonblocking(true)?;
                        conns.push(Conn {
                            stream,
                            inbuf: Vec::new(),
                        });
                        if opts.verbose {
                            eprintln!("nicsim serve: connection opened ({} open)", conns.len());
                        }
                    }
                    Err(e) if e.kind() == IoKind::WouldBlock => break,
                    Err(e) if e.kind() == IoKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            }
        }
    }
}

/// Reads what is there, answers every complete line; false when the
/// connection is finished.
fn service(c: &mut Conn, handler: &mut dyn Handler) -> bool {
    let mut buf = [0u8; 65536];
    loop {
        match c.stream.read(&mut buf) {
            Ok(0) => return false,
            Ok(n) => c.inbuf.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == IoKind::WouldBlock => break,
            Err(e) if e.kind() == IoKind::Interrupted => continue,
            Err(_) => return false,
        }
    }
    while let Some(end) = c.inbuf.iter().position(|&b| b == b'\n') {
        let line: Vec<u8> = c.inbuf.drain(..=end).collect();
        let reply = match serde_json::from_slice::<Request>(&line[..end]) {
            Ok(req) => handler.handle(req),
            Err(e) => Reply::Error {
                kind: ErrorKind::Protocol,
                message: format!("not a request: {e}"),
            },
        };
        let mut out = serde_json::to_vec(&reply).expect("replies always serialize");
        out.push(b'\n');
        // the reply is written in blocking mode so a slow reader loses nothing
        if c.stream.set_nonblocking(false).is_err()
            || c.stream.write_all(&out).is_err()
            || c.stream.set_nonblocking(true).is_err()
        {
            return false;
        }
    }
    true
}
