//! Adoption: a handoff record becomes a real kernel TCP socket in the
//! ESTABLISHED state through Linux's TCP repair mode (`TCP_REPAIR`, Linux
//! 3.5+, `net/ipv4/tcp.c`; needs CAP_NET_ADMIN), the way CRIU restores a
//! connection. From then on the kernel carries the data phase.
//!
//! Steps, in the order the kernel requires:
//! 1. `TCP_REPAIR` on; `TCP_QUEUE_SEQ` of the send queue = our ISN + 1 and
//!    of the receive queue = the client's ISN + 1 (only in state CLOSE);
//! 2. `bind` to the listened address and port, `connect` to the client
//!    (in repair mode no SYN is sent: the socket is ESTABLISHED at once);
//! 3. `TCP_REPAIR_OPTIONS`: MSS, window scales (client's | ours << 16),
//!    SACK permitted, timestamps, as the cookie recorded them;
//! 4. `TCP_TIMESTAMP` = the TSval the NIC sent in its SYN-ACK (the client
//!    echoed it as TSecr), so the kernel's TSvals go on from there (PAWS,
//!    RFC 7323 section 5);
//! 5. `TCP_REPAIR_WINDOW`: the client's window (its ACK's window field
//!    scaled by its shift) and the window the SYN-ACK offered us;
//! 6. `TCP_REPAIR` off (`TCP_REPAIR_OFF`): the kernel sends one window
//!    probe, which the `nicsim tap` gate (and a driver) takes as the sign
//!    that the socket exists.

use crate::handoff::Handoff;
use std::io;
use std::mem::size_of;
use std::net::{SocketAddr, SocketAddrV4, TcpStream};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

/// `TCP_REPAIR_QUEUE` values (`include/uapi/linux/tcp.h`).
const TCP_RECV_QUEUE: libc::c_int = 1;
const TCP_SEND_QUEUE: libc::c_int = 2;
/// `TCP_REPAIR` values: on, off (with window probe).
const TCP_REPAIR_ON: libc::c_int = 1;
const TCP_REPAIR_OFF: libc::c_int = 0;
/// TCP option kinds for `TCP_REPAIR_OPTIONS` (RFC 9293, RFC 7323, RFC 2018).
const TCPOPT_MAXSEG: u32 = 2;
const TCPOPT_WINDOW: u32 = 3;
const TCPOPT_SACK_PERM: u32 = 4;
const TCPOPT_TIMESTAMP: u32 = 8;

/// `struct tcp_repair_opt`.
#[repr(C)]
struct RepairOpt {
    opt_code: u32,
    opt_val: u32,
}

/// `struct tcp_repair_window`.
#[repr(C)]
struct RepairWindow {
    snd_wl1: u32,
    snd_wnd: u32,
    max_window: u32,
    rcv_wnd: u32,
    rcv_wup: u32,
}

/// Which step failed, with the OS error.
#[derive(Debug, thiserror::Error)]
#[error("{step}: {source}")]
pub struct AdoptError {
    /// The step ("TCP_REPAIR on", "bind 198.18.0.1:80", ...).
    pub step: String,
    /// The OS error.
    #[source]
    pub source: io::Error,
}

impl AdoptError {
    /// What to do about it.
    pub fn fix(&self) -> &'static str {
        let connect = self.step.starts_with("connect");
        match self.source.raw_os_error() {
            Some(libc::EADDRNOTAVAIL) if connect => {
                "a socket with this 4-tuple already exists on the host: the connection was adopted already (a duplicate record)"
            }
            Some(libc::EPERM) | Some(libc::EACCES) => {
                "TCP repair needs CAP_NET_ADMIN: run nicctl adopt as root"
            }
            Some(libc::EADDRNOTAVAIL) => {
                "the listened address is not on this host: run nicctl adopt in the network namespace that holds it (nicsim tap: `ip netns exec ferronic-host ...`)"
            }
            Some(libc::EADDRINUSE) => "a socket with this 4-tuple already exists on the host",
            Some(libc::ENOPROTOOPT) => "this kernel lacks TCP repair (Linux 3.5+ with CONFIG_CHECKPOINT_RESTORE)",
            _ => "see the step and error above",
        }
    }
}

fn setopt<T>(
    fd: RawFd,
    name: libc::c_int,
    val: &T,
    len: usize,
    step: &str,
) -> Result<(), AdoptError> {
    // SAFETY: `val` points to `len` readable bytes for the duration of the call.
    let r = unsafe {
        libc::setsockopt(
            fd,
            libc::IPPROTO_TCP,
            name,
            std::ptr::from_ref(val).cast(),
            len as libc::socklen_t,
        )
    };
    if r != 0 {
        return Err(AdoptError {
            step: step.into(),
            source: io::Error::last_os_error(),
        });
    }
    Ok(())
}

fn int_opt(fd: RawFd, name: libc::c_int, v: libc::c_int, step: &str) -> Result<(), AdoptError> {
    setopt(fd, name, &v, size_of::<libc::c_int>(), step)
}

/// `sockaddr_in` of an IPv4 socket address.
fn sockaddr(a: SocketAddrV4) -> libc::sockaddr_in {
    libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: a.port().to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from(*a.ip()).to_be(),
        },
        sin_zero: [0; 8],
    }
}

/// The `TCP_REPAIR_OPTIONS` entries for a record.
fn repair_options(h: &Handoff) -> Vec<RepairOpt> {
    let mut v = vec![RepairOpt {
        opt_code: TCPOPT_MAXSEG,
        opt_val: u32::from(h.mss),
    }];
    // with no scaling negotiated both shifts are 0 (the kernel would
    // otherwise keep the shift it chose at connect)
    let (snd, rcv) = h.snd_wscale.map_or((0, 0), |s| (s, h.rcv_wscale));
    v.push(RepairOpt {
        opt_code: TCPOPT_WINDOW,
        opt_val: u32::from(snd) | u32::from(rcv) << 16,
    });
    if h.sack {
        v.push(RepairOpt {
            opt_code: TCPOPT_SACK_PERM,
            opt_val: 0,
        });
    }
    if h.timestamps.is_some() {
        v.push(RepairOpt {
            opt_code: TCPOPT_TIMESTAMP,
            opt_val: 0,
        });
    }
    v
}

/// The `TCP_REPAIR_WINDOW` values: the client's window in bytes and
/// `our_window`, the window field our SYN-ACK carried (unscaled, as in
/// every SYN, RFC 7323 section 2.2).
fn repair_window(h: &Handoff, our_window: u16) -> RepairWindow {
    let shift = h.snd_wscale.unwrap_or(0);
    let snd_wnd = u32::from(h.window) << shift;
    let rcv_nxt = h.peer_isn.wrapping_add(1);
    RepairWindow {
        snd_wl1: rcv_nxt,
        snd_wnd,
        max_window: snd_wnd,
        rcv_wnd: u32::from(our_window),
        rcv_wup: rcv_nxt,
    }
}

/// Turns `h` into an ESTABLISHED kernel socket in the calling thread's
/// network namespace. `our_window` is the SYN-ACK's window field
/// (`handshake.WINDOW`).
///
/// # Errors
/// The failing step with its errno: EPERM without CAP_NET_ADMIN,
/// EADDRNOTAVAIL when the listened address is not local, EADDRINUSE when
/// the 4-tuple is taken ([`AdoptError::fix`] says what to do).
pub fn adopt(h: &Handoff, our_window: u16) -> Result<TcpStream, AdoptError> {
    let local = SocketAddrV4::new(h.local, h.local_port);
    let peer = SocketAddrV4::new(h.client, h.client_port);
    // SAFETY: socket(2); the fd is owned at once.
    let raw = unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) };
    if raw < 0 {
        return Err(AdoptError {
            step: "socket".into(),
            source: io::Error::last_os_error(),
        });
    }
    // SAFETY: `raw` is a fresh fd nobody else owns.
    let fd = unsafe { OwnedFd::from_raw_fd(raw) };
    let s = fd.as_raw_fd();
    int_opt(s, libc::TCP_REPAIR, TCP_REPAIR_ON, "TCP_REPAIR on")?;
    let one: libc::c_int = 1;
    // SAFETY: SO_REUSEADDR with an int.
    unsafe {
        libc::setsockopt(
            s,
            libc::SOL_SOCKET,
            libc::SO_REUSEADDR,
            std::ptr::from_ref(&one).cast(),
            size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
    for (queue, seq, name) in [
        (TCP_SEND_QUEUE, h.our_isn, "send"),
        (TCP_RECV_QUEUE, h.peer_isn, "recv"),
    ] {
        int_opt(
            s,
            libc::TCP_REPAIR_QUEUE,
            queue,
            &format!("TCP_REPAIR_QUEUE {name}"),
        )?;
        let next = seq.wrapping_add(1) as libc::c_int;
        int_opt(
            s,
            libc::TCP_QUEUE_SEQ,
            next,
            &format!("TCP_QUEUE_SEQ {name}"),
        )?;
    }
    for (addr, step, bind) in [
        (local, format!("bind {local}"), true),
        (peer, format!("connect {peer}"), false),
    ] {
        let sa = sockaddr(addr);
        let p = std::ptr::from_ref(&sa).cast();
        let len = size_of::<libc::sockaddr_in>() as libc::socklen_t;
        // SAFETY: `sa` is a valid sockaddr_in of `len` bytes.
        let r = unsafe {
            if bind {
                libc::bind(s, p, len)
            } else {
                libc::connect(s, p, len)
            }
        };
        if r != 0 {
            return Err(AdoptError {
                step,
                source: io::Error::last_os_error(),
            });
        }
    }
    let opts = repair_options(h);
    setopt(
        s,
        libc::TCP_REPAIR_OPTIONS,
        &opts[0],
        opts.len() * size_of::<RepairOpt>(),
        "TCP_REPAIR_OPTIONS",
    )?;
    if let Some((_, tsecr)) = h.timestamps {
        int_opt(
            s,
            libc::TCP_TIMESTAMP,
            tsecr as libc::c_int,
            "TCP_TIMESTAMP",
        )?;
    }
    let w = repair_window(h, our_window);
    setopt(
        s,
        libc::TCP_REPAIR_WINDOW,
        &w,
        size_of::<RepairWindow>(),
        "TCP_REPAIR_WINDOW",
    )?;
    int_opt(s, libc::TCP_REPAIR, TCP_REPAIR_OFF, "TCP_REPAIR off")?;
    let stream = TcpStream::from(fd);
    debug_assert_eq!(stream.peer_addr().ok(), Some(SocketAddr::V4(peer)));
    Ok(stream)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn rec() -> Handoff {
        Handoff {
            client: Ipv4Addr::new(198, 18, 0, 2),
            client_port: 40000,
            local: Ipv4Addr::new(198, 18, 0, 1),
            local_port: 80,
            our_isn: 0xffff_ffff,
            peer_isn: 100,
            mss: 1460,
            window: 502,
            timestamps: Some((5, 6)),
            sack: true,
            ecn: false,
            snd_wscale: Some(7),
            rcv_wscale: 9,
        }
    }

    #[test]
    fn options_follow_the_record() {
        let o = repair_options(&rec());
        let v: Vec<(u32, u32)> = o.iter().map(|o| (o.opt_code, o.opt_val)).collect();
        assert_eq!(v, vec![(2, 1460), (3, 7 | 9 << 16), (4, 0), (8, 0)]);
        let bare = Handoff {
            sack: false,
            timestamps: None,
            snd_wscale: None,
            ..rec()
        };
        let v: Vec<(u32, u32)> = repair_options(&bare)
            .iter()
            .map(|o| (o.opt_code, o.opt_val))
            .collect();
        assert_eq!(v, vec![(2, 1460), (3, 0)]);
    }

    #[test]
    fn window_is_scaled_by_the_clients_shift() {
        let w = repair_window(&rec(), 65535);
        assert_eq!(w.snd_wnd, 502 << 7);
        assert_eq!((w.snd_wl1, w.rcv_wup), (101, 101));
        assert_eq!(w.rcv_wnd, 65535);
        let w = repair_window(
            &Handoff {
                snd_wscale: None,
                ..rec()
            },
            1000,
        );
        assert_eq!((w.snd_wnd, w.rcv_wnd), (502, 1000));
    }

    #[test]
    fn without_privilege_or_address_the_step_is_named() {
        // as root the bind fails (198.18.0.1 is not local here); as a user
        // TCP_REPAIR itself fails with EPERM: either way a named step
        let e = adopt(&rec(), 65535).unwrap_err();
        assert!(
            e.step == "TCP_REPAIR on" || e.step.starts_with("bind "),
            "{e}"
        );
        assert!(!e.fix().is_empty());
    }
}
