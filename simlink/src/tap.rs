//! Linux TAP devices (`/dev/net/tun`, `IFF_TAP | IFF_NO_PI`): whole
//! Ethernet frames without FCS between a process and a kernel interface.
//! Used by `nicsim tap` for the simulated NIC's wire side and by
//! `nicctl netdev` for the host interface of a card or simulated card.
//!
//! Checksum and segmentation offloads stay off (`TUNSETOFFLOAD 0`), so every
//! frame the kernel writes carries complete IPv4/TCP checksums, as on a
//! wire, and no frame is larger than the MTU.

use std::ffi::CStr;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::fs::OpenOptionsExt;

/// `struct ifreq` as TUNSETIFF reads it: name, flags, padding to 40 bytes.
#[repr(C)]
struct IfReq {
    name: [u8; libc::IFNAMSIZ],
    flags: libc::c_short,
    _pad: [u8; 22],
}

/// One TAP device, removed when dropped (it is not persistent).
pub struct Tap {
    file: File,
    /// The interface name.
    pub name: String,
}

impl Tap {
    /// Creates TAP device `name` (at most 15 bytes) in the calling thread's
    /// network namespace, non-blocking, offloads off.
    ///
    /// # Errors
    /// `/dev/net/tun` missing (`modprobe tun`), EPERM without
    /// CAP_NET_ADMIN, EBUSY or EINVAL for a name in use by another device.
    pub fn create(name: &str) -> io::Result<Tap> {
        if name.is_empty() || name.len() >= libc::IFNAMSIZ {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("interface name {name:?} must be 1..=15 bytes"),
            ));
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC)
            .open("/dev/net/tun")
            .map_err(|e| io::Error::new(e.kind(), format!("/dev/net/tun: {e} (modprobe tun)")))?;
        let mut req = IfReq {
            name: [0; libc::IFNAMSIZ],
            flags: (libc::IFF_TAP | libc::IFF_NO_PI) as libc::c_short,
            _pad: [0; 22],
        };
        req.name[..name.len()].copy_from_slice(name.as_bytes());
        // SAFETY: TUNSETIFF reads and writes an ifreq we own; TUNSETOFFLOAD
        // takes its argument by value.
        unsafe {
            if libc::ioctl(file.as_raw_fd(), libc::TUNSETIFF, &mut req) < 0 {
                let e = io::Error::last_os_error();
                return Err(io::Error::new(e.kind(), format!("TUNSETIFF {name}: {e}")));
            }
            if libc::ioctl(file.as_raw_fd(), libc::TUNSETOFFLOAD, 0 as libc::c_ulong) < 0 {
                let e = io::Error::last_os_error();
                return Err(io::Error::new(
                    e.kind(),
                    format!("TUNSETOFFLOAD {name}: {e}"),
                ));
            }
        }
        let name = CStr::from_bytes_until_nul(&req.name)
            .map_err(io::Error::other)?
            .to_string_lossy()
            .into_owned();
        Ok(Tap { file, name })
    }

    /// The next frame the kernel sent out of the interface, or `None` when
    /// none is waiting.
    ///
    /// # Errors
    /// The OS error of read(2) other than EAGAIN.
    pub fn recv(&mut self) -> io::Result<Option<Vec<u8>>> {
        let mut buf = vec![0u8; 65536];
        loop {
            match self.file.read(&mut buf) {
                Ok(n) => {
                    buf.truncate(n);
                    return Ok(Some(buf));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(None),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Hands one frame (no FCS) to the kernel as if received on the
    /// interface. A frame the kernel cannot take now (EAGAIN; the device is
    /// down) is dropped and reported as `false`.
    ///
    /// # Errors
    /// Any other OS error of write(2).
    pub fn send(&mut self, frame: &[u8]) -> io::Result<bool> {
        match self.file.write(frame) {
            Ok(_) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(false),
            Err(e) if e.raw_os_error() == Some(libc::EIO) => Ok(false),
            Err(e) => Err(e),
        }
    }
}

impl AsRawFd for Tap {
    fn as_raw_fd(&self) -> RawFd {
        self.file.as_raw_fd()
    }
}
