//! The register map over a serial line (`--device serial:PATH[@BAUD]`): a
//! board without PCIe whose bitstream has the UART bridge
//! (`ferronic_hdl::board::uart`), reached through a USB serial adapter
//! (or a simulator's pseudo-terminal, `nicsim serve-uart`). The byte
//! protocol, its CRC and its recovery are `ferronic_regmap::uart`'s.
//!
//! Every access is one request and its response. When the response does
//! not come in time or is damaged, the request is sent again with the
//! same sequence number, after the line has been silent long enough for
//! the board to drop what it had of it; a write the board had already
//! done is answered, not done twice. After [`ATTEMPTS`] tries the access
//! fails with [`HostError::Serial`].

use crate::error::HostError;
use crate::regio::RegIo;
use ferronic_regmap::uart::{FrameError, Request, Response, IDLE_BITS, MAX_WORDS, RESP_SOF};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Baud rate when the device name gives none (the bitstreams' default).
pub const DEFAULT_BAUD: u32 = 115_200;

/// Tries per access before giving up.
pub const ATTEMPTS: u32 = 5;

/// The register space a 16-bit bridge address reaches, bytes.
const SPACE: u64 = 1 << 16;

/// A board on a serial line; see the module documentation.
pub struct SerialDevice {
    port: Box<dyn serialport::SerialPort>,
    name: String,
    baud: u32,
    seq: u8,
    /// Requests sent again after a missing or damaged response, since
    /// opening.
    pub retries: u64,
}

impl SerialDevice {
    /// Opens `path` at `baud` (8N1, no flow control).
    ///
    /// # Errors
    /// [`HostError::NoSerialPort`] when nothing is at `path`;
    /// [`HostError::Io`] when the port cannot be opened or set up
    /// (permissions, not a tty).
    pub fn open(path: &Path, baud: u32) -> Result<SerialDevice, HostError> {
        if !path.exists() {
            return Err(HostError::NoSerialPort { path: path.into() });
        }
        let io = |e: serialport::Error| HostError::Io {
            path: path.to_path_buf(),
            what: "opening the serial port",
            source: e.into(),
        };
        let port = serialport::new(path.to_string_lossy(), baud)
            .data_bits(serialport::DataBits::Eight)
            .parity(serialport::Parity::None)
            .stop_bits(serialport::StopBits::One)
            .flow_control(serialport::FlowControl::None)
            .timeout(Duration::from_millis(10))
            .open()
            .map_err(io)?;
        Ok(SerialDevice {
            port,
            name: format!("serial:{}@{baud}", path.display()),
            baud,
            seq: 0,
            retries: 0,
        })
    }

    /// Time on the line for `bytes` characters (10 bits each).
    fn line_time(&self, bytes: usize) -> Duration {
        Duration::from_secs_f64(bytes as f64 * 10.0 / f64::from(self.baud))
    }

    /// Sends `req` and returns the board's response, trying again when it
    /// is missing or damaged.
    fn transact(&mut self, req: &Request) -> Result<Response, HostError> {
        let frame = req.encode();
        let want = req.response_len();
        // generous: a USB adapter adds milliseconds, a simulator more
        let timeout = Duration::from_millis(250) + 4 * self.line_time(frame.len() + want);
        // the board drops a request cut short after IDLE_BITS bit times
        let silence = Duration::from_millis(20) + 2 * self.line_time(IDLE_BITS as usize / 10);
        let mut last = String::new();
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                self.retries += 1;
                std::thread::sleep(silence);
                let _ = self.port.clear(serialport::ClearBuffer::Input);
            }
            self.port
                .write_all(&frame)
                .map_err(|e| self.io("writing", e))?;
            match self.receive(req, want, timeout)? {
                Ok(r) => return Ok(r),
                Err(why) => last = why,
            }
        }
        Err(HostError::Serial {
            device: self.name.clone(),
            what: format!("no valid answer after {ATTEMPTS} tries (last: {last})"),
        })
    }

    /// Reads until a valid response to `req` arrives or `timeout` passes;
    /// the inner error says why none came. Responses to earlier requests
    /// (a late answer) and noise before a start byte are skipped.
    fn receive(
        &mut self,
        req: &Request,
        want: usize,
        timeout: Duration,
    ) -> Result<Result<Response, String>, HostError> {
        let end = Instant::now() + timeout;
        let mut buf = Vec::new();
        let mut chunk = [0u8; 256];
        let mut why = "no response".to_string();
        while Instant::now() < end {
            match self.port.read(&mut chunk) {
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
                Err(e) => return Err(self.io("reading", e)),
            }
            let mut i = 0;
            while let Some(off) = buf[i..].iter().position(|&b| b == RESP_SOF) {
                let at = i + off;
                match req.decode(&buf[at..]) {
                    Ok(r) => return Ok(Ok(r)),
                    Err(FrameError::Short { .. }) => break,
                    Err(e) => why = e.to_string(),
                }
                i = at + 1;
            }
        }
        if !buf.is_empty() && why == "no response" {
            why = format!("{} of {want} bytes", buf.len());
        }
        Ok(Err(why))
    }

    fn io(&self, what: &'static str, e: std::io::Error) -> HostError {
        HostError::Io {
            path: PathBuf::from(self.name.trim_start_matches("serial:")),
            what,
            source: e,
        }
    }

    fn next_seq(&mut self) -> u8 {
        self.seq = self.seq.wrapping_add(1);
        self.seq
    }

    fn check(&self, offset: u32, r: &Response, write: bool) -> Result<(), HostError> {
        if let Some((resp, idx)) = r.error() {
            let at = offset + 4 * idx as u32;
            return Err(HostError::Slverr {
                device: self.name.clone(),
                detail: format!(
                    "{} {at:#06x} answered {}",
                    if write { "write" } else { "read" },
                    if resp == 3 { "DECERR" } else { "SLVERR" }
                ),
            });
        }
        Ok(())
    }

    fn aligned(&self, offset: u32, words: usize) -> Result<(), HostError> {
        if !offset.is_multiple_of(4) || u64::from(offset) + 4 * words as u64 > SPACE {
            return Err(HostError::BadOffset {
                device: self.name.clone(),
                offset,
                size: SPACE,
            });
        }
        Ok(())
    }

    /// Reads `n` consecutive registers from `offset`, 16 a request.
    ///
    /// # Errors
    /// As [`RegIo::read32`].
    pub fn read_words(&mut self, offset: u32, n: usize) -> Result<Vec<u32>, HostError> {
        self.aligned(offset, n)?;
        let mut out = Vec::with_capacity(n);
        for (k, chunk) in (0..n).collect::<Vec<_>>().chunks(MAX_WORDS).enumerate() {
            let addr = offset + (k * MAX_WORDS * 4) as u32;
            let req = Request::Read {
                seq: self.next_seq(),
                addr: addr as u16,
                words: chunk.len() as u8,
            };
            let r = self.transact(&req)?;
            self.check(addr, &r, false)?;
            out.extend(r.data);
        }
        Ok(out)
    }

    /// Writes `data` to consecutive registers from `offset`, 16 a request.
    ///
    /// # Errors
    /// As [`RegIo::write32`].
    pub fn write_words(&mut self, offset: u32, data: &[u32]) -> Result<(), HostError> {
        self.aligned(offset, data.len())?;
        for (k, chunk) in data.chunks(MAX_WORDS).enumerate() {
            let addr = offset + (k * MAX_WORDS * 4) as u32;
            let req = Request::Write {
                seq: self.next_seq(),
                addr: addr as u16,
                data: chunk.to_vec(),
            };
            let r = self.transact(&req)?;
            self.check(addr, &r, true)?;
        }
        Ok(())
    }
}

impl RegIo for SerialDevice {
    fn read32(&mut self, offset: u32) -> Result<u32, HostError> {
        Ok(self.read_words(offset, 1)?[0])
    }

    fn write32(&mut self, offset: u32, value: u32) -> Result<(), HostError> {
        self.write_words(offset, &[value])
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn backend(&self) -> &'static str {
        "serial"
    }

    fn size(&self) -> u64 {
        SPACE
    }

    fn reset(&mut self) -> Result<(), HostError> {
        Err(HostError::Unsupported {
            device: self.name.clone(),
            what: "a reset over the serial line",
            fix: "press the board's reset button or reload its bitstream (openFPGALoader)",
        })
    }
}
