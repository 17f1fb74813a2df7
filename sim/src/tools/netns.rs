//! Network namespaces, veth pairs and raw packet sockets for tests that
//! need a real Linux TCP/IP stack as the peer (root only). Addresses come
//! from 198.18.0.0/15 (RFC 2544 benchmarking space) only.

use std::ffi::CString;
use std::io;
use std::process::Command;
use std::time::Duration;

/// Runs `ip ARGS`, failing with its stderr.
pub fn ip(args: &[&str]) -> io::Result<()> {
    let o = Command::new("ip").args(args).output()?;
    if o.status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&o.stderr).trim()
        )))
    }
}

/// Moves the calling thread into the namespace `ip netns` calls `name`.
///
/// # Errors
/// The OS error of open(2) (no such namespace) or setns(2) (not root).
pub fn enter(name: &str) -> io::Result<()> {
    let f = std::fs::File::open(format!("/var/run/netns/{name}"))?;
    use std::os::fd::AsRawFd;
    // SAFETY: setns on a namespace fd we opened.
    if unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// A named network namespace, deleted on drop.
pub struct Netns {
    /// Its name (`ip netns` name).
    pub name: String,
}

impl Netns {
    /// `ip netns add NAME` (a stale one of the same name is replaced).
    ///
    /// # Errors
    /// When namespaces are not permitted (not root, no CAP_SYS_ADMIN).
    pub fn new(name: &str) -> io::Result<Netns> {
        let _ = ip(&["netns", "del", name]);
        ip(&["netns", "add", name])?;
        let ns = Netns { name: name.into() };
        ns.ip(&["link", "set", "lo", "up"])?;
        Ok(ns)
    }

    /// `ip -n NAME ARGS`.
    ///
    /// # Errors
    /// As [`ip`].
    pub fn ip(&self, args: &[&str]) -> io::Result<()> {
        let mut a = vec!["-n", self.name.as_str()];
        a.extend_from_slice(args);
        ip(&a)
    }

    /// Moves the calling thread into this namespace (sockets it opens from
    /// then on live there).
    ///
    /// # Errors
    /// The OS error of open(2) or setns(2).
    pub fn enter(&self) -> io::Result<()> {
        enter(&self.name)
    }

    /// The MAC address of `dev` in this namespace.
    ///
    /// # Errors
    /// If `ip` fails or prints no address.
    pub fn mac(&self, dev: &str) -> io::Result<[u8; 6]> {
        let o = Command::new("ip")
            .args(["-n", &self.name, "-br", "link", "show", dev])
            .output()?;
        let s = String::from_utf8_lossy(&o.stdout);
        let m = s
            .split_whitespace()
            .nth(2)
            .ok_or_else(|| io::Error::other(format!("no MAC for {dev}: {s}")))?;
        let mut mac = [0u8; 6];
        for (b, h) in mac.iter_mut().zip(m.split(':')) {
            *b = u8::from_str_radix(h, 16).map_err(io::Error::other)?;
        }
        Ok(mac)
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = ip(&["netns", "del", &self.name]);
    }
}

/// A raw `AF_PACKET` socket bound to one interface: whole Ethernet frames
/// (no FCS) in and out.
pub struct PacketSocket {
    fd: libc::c_int,
}

impl PacketSocket {
    /// Opens a socket on interface `dev` of the calling thread's namespace;
    /// `recv` waits at most `timeout`.
    ///
    /// # Errors
    /// The OS error (EPERM without CAP_NET_RAW, ENODEV for no such device).
    pub fn open(dev: &str, timeout: Duration) -> io::Result<PacketSocket> {
        let name = CString::new(dev).map_err(io::Error::other)?;
        // SAFETY: plain libc calls on values we own; the fd is closed on drop.
        unsafe {
            let ifindex = libc::if_nametoindex(name.as_ptr()) as i32;
            if ifindex == 0 {
                return Err(io::Error::last_os_error());
            }
            let proto = (libc::ETH_P_ALL as u16).to_be();
            let fd = libc::socket(libc::AF_PACKET, libc::SOCK_RAW, i32::from(proto));
            if fd < 0 {
                return Err(io::Error::last_os_error());
            }
            let s = PacketSocket { fd };
            let mut sll: libc::sockaddr_ll = std::mem::zeroed();
            sll.sll_family = libc::AF_PACKET as u16;
            sll.sll_protocol = proto;
            sll.sll_ifindex = ifindex;
            if libc::bind(
                fd,
                std::ptr::addr_of!(sll).cast(),
                std::mem::size_of::<libc::sockaddr_ll>() as u32,
            ) != 0
            {
                return Err(io::Error::last_os_error());
            }
            let tv = libc::timeval {
                tv_sec: timeout.as_secs() as libc::time_t,
                tv_usec: timeout.subsec_micros() as libc::suseconds_t,
            };
            libc::setsockopt(
                fd,
                libc::SOL_SOCKET,
                libc::SO_RCVTIMEO,
                std::ptr::addr_of!(tv).cast(),
                std::mem::size_of::<libc::timeval>() as u32,
            );
            Ok(s)
        }
    }

    /// The next frame arriving on the interface (frames this host sends
    /// are skipped), or `None` after the timeout.
    ///
    /// # Errors
    /// The OS error of recvfrom(2) other than a timeout.
    pub fn recv(&self) -> io::Result<Option<Vec<u8>>> {
        let mut buf = vec![0u8; 65536];
        loop {
            // SAFETY: buf and sll are valid for the sizes given.
            let (n, sll) = unsafe {
                let mut sll: libc::sockaddr_ll = std::mem::zeroed();
                let mut len = std::mem::size_of::<libc::sockaddr_ll>() as u32;
                let n = libc::recvfrom(
                    self.fd,
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    0,
                    std::ptr::addr_of_mut!(sll).cast(),
                    &mut len,
                );
                (n, sll)
            };
            if n < 0 {
                let e = io::Error::last_os_error();
                return match e.kind() {
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => Ok(None),
                    io::ErrorKind::Interrupted => continue,
                    _ => Err(e),
                };
            }
            if sll.sll_pkttype == libc::PACKET_OUTGOING {
                continue;
            }
            buf.truncate(n as usize);
            return Ok(Some(buf));
        }
    }

    /// Sends one frame out of the interface.
    ///
    /// # Errors
    /// The OS error of send(2).
    pub fn send(&self, frame: &[u8]) -> io::Result<()> {
        // SAFETY: frame is valid for its length.
        let n = unsafe { libc::send(self.fd, frame.as_ptr().cast(), frame.len(), 0) };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }
}

impl Drop for PacketSocket {
    fn drop(&mut self) {
        // SAFETY: closing the fd we opened.
        unsafe {
            libc::close(self.fd);
        }
    }
}
