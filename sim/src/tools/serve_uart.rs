//! A board reached over a serial line, simulated: the Verilated UART
//! bridge (`uart_bridge` unit, [`SIM_CLOCKS_PER_BIT`] clocks a bit) in
//! front of the Verilated `nic_core`'s register file, both on one clock,
//! the bridge's AXI4-Lite master under the protocol checker every clock.
//! [`serve_pty`] puts it behind a pseudo-terminal, so `nicctl --device
//! serial:/dev/pts/N` talks to it as to a board's USB serial adapter,
//! with bytes dropped or corrupted on purpose ([`Faults`]) to test the
//! protocol's recovery.

use crate::bus::axi4_check::{Axi4Checker, Axi4Wires, Violation};
use crate::bus::axil::{Drive, Sample};
use crate::bus::uart::{LineRx, LineTx};
use crate::unit::{models, Port, Unit};
use crate::verilated::NicCoreModel;
use ferronic_hdl::board::uart::SIM_CLOCKS_PER_BIT;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// What the simulated board has seen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UartStats {
    /// Clocks run.
    pub clocks: u64,
    /// Requests the bridge dropped (its `bad_frame` pulses).
    pub bad_frames: u64,
    /// Requests it answered (its `done` pulses).
    pub answered: u64,
    /// AXI4-Lite accesses the bridge made (AR and AW handshakes).
    pub accesses: u64,
}

/// What the bridge's AXI4-Lite master reaches: a register file with an
/// `s_axil_*` slave, clocked with the bridge.
pub trait AxilTarget {
    /// Holds the target in reset (`on`) or lets it run, its other inputs
    /// idle.
    fn set_reset(&mut self, on: bool);
    /// Drives the slave's inputs for the coming clock edge.
    fn drive_axil(&mut self, d: &Drive);
    /// The slave's outputs before that edge.
    fn sample_axil(&mut self) -> Sample;
    /// One clock of the bridge's clock.
    fn tick(&mut self);
}

impl AxilTarget for NicCoreModel {
    fn set_reset(&mut self, on: bool) {
        self.set_rst(u8::from(on));
        self.set_s_axis_tvalid(0);
        self.set_m_axis_tready(1);
        self.set_s_axis_tx_tvalid(0);
        self.set_m_axis_tx_tready(1);
    }
    fn drive_axil(&mut self, d: &Drive) {
        NicCoreModel::drive_axil(self, d);
    }
    fn sample_axil(&mut self) -> Sample {
        NicCoreModel::sample_axil(self)
    }
    fn tick(&mut self) {
        NicCoreModel::tick(self);
    }
}

/// The bridge and a register file on one clock; see the module
/// documentation.
pub struct UartBoard {
    bridge: Unit,
    core: Box<dyn AxilTarget>,
    p: [Port; 23],
    chk: Axi4Checker,
    to_board: LineTx,
    from_board: LineRx,
    /// Counts so far.
    pub stats: UartStats,
}

const NAMES: [&str; 23] = [
    "m_axil_awaddr",
    "m_axil_awvalid",
    "m_axil_awready",
    "m_axil_wdata",
    "m_axil_wstrb",
    "m_axil_wvalid",
    "m_axil_wready",
    "m_axil_bresp",
    "m_axil_bvalid",
    "m_axil_bready",
    "m_axil_araddr",
    "m_axil_arprot",
    "m_axil_arvalid",
    "m_axil_arready",
    "m_axil_rdata",
    "m_axil_rresp",
    "m_axil_rvalid",
    "m_axil_rready",
    "rxd",
    "txd",
    "bad_frame",
    "done",
    "rst",
];

impl UartBoard {
    /// The bridge before the Verilated `nic_core`, both reset (two
    /// clocks with `rst` high), the line idle.
    pub fn new() -> Self {
        Self::with_target(Box::new(NicCoreModel::new()), 2)
    }

    /// The bridge before `core`, both reset for `reset_clocks` clocks,
    /// the line idle.
    pub fn with_target(core: Box<dyn AxilTarget>, reset_clocks: usize) -> Self {
        let bridge = Unit::new(&models::UART_BRIDGE);
        let p = NAMES.map(|n| bridge.port(n));
        let mut b = UartBoard {
            bridge,
            core,
            p,
            chk: Axi4Checker::new(4),
            to_board: LineTx::new(SIM_CLOCKS_PER_BIT),
            from_board: LineRx::new(SIM_CLOCKS_PER_BIT),
            stats: UartStats::default(),
        };
        b.core.set_reset(true);
        b.bridge.set(b.p[22], 1);
        b.core.drive_axil(&Drive::default());
        b.bridge.set(b.p[18], 1);
        for _ in 0..reset_clocks {
            b.core.tick();
            b.bridge.tick();
        }
        b.core.set_reset(false);
        b.bridge.set(b.p[22], 0);
        b
    }

    /// Queues bytes on the line into the board.
    pub fn send(&mut self, bytes: &[u8]) {
        self.to_board.send(bytes);
    }

    /// Bytes the board sent since the last call.
    pub fn take(&mut self) -> Vec<u8> {
        self.from_board.take()
    }

    /// Both lines idle (nothing queued in, no character coming out).
    pub fn lines_idle(&self) -> bool {
        self.to_board.idle() && !self.from_board.busy()
    }

    /// One clock of both models.
    ///
    /// # Errors
    /// The first AXI4-Lite rule the bridge (or the core's slave) broke.
    pub fn step(&mut self) -> Result<(), Violation> {
        let (b, p) = (&mut self.bridge, &self.p);
        let bit = |b: &Unit, i: usize| b.get(p[i]) != 0;
        // the bridge's outputs are flip-flops (or decodes of its state)
        let d = Drive {
            awvalid: bit(b, 1),
            awaddr: b.get(p[0]) as u16,
            wvalid: bit(b, 5),
            waddr: b.get(p[0]) as u16,
            wdata: b.get(p[3]) as u32,
            wstrb: b.get(p[4]) as u8,
            bready: bit(b, 9),
            arvalid: bit(b, 12),
            araddr: b.get(p[10]) as u16,
            arprot: b.get(p[11]) as u8,
            rready: bit(b, 17),
        };
        self.core.drive_axil(&d);
        let s = self.core.sample_axil();
        for (i, v) in [
            (2, u64::from(s.awready)),
            (6, u64::from(s.wready)),
            (7, s.bresp),
            (8, u64::from(s.bvalid)),
            (13, u64::from(s.arready)),
            (14, u64::from(s.rdata)),
            (15, s.rresp),
            (16, u64::from(s.rvalid)),
        ] {
            b.set(p[i], v);
        }
        b.set(p[18], u64::from(self.to_board.level()));
        let w = Axi4Wires {
            awvalid: d.awvalid,
            awready: s.awready,
            awaddr: u64::from(d.awaddr),
            awsize: 2,
            awburst: 1,
            wvalid: d.wvalid,
            wready: s.wready,
            wstrb: u64::from(d.wstrb),
            wlast: true,
            bvalid: s.bvalid,
            bready: d.bready,
            bresp: s.bresp as u8,
            arvalid: d.arvalid,
            arready: s.arready,
            araddr: u64::from(d.araddr),
            arsize: 2,
            arburst: 1,
            rvalid: s.rvalid,
            rready: d.rready,
            rresp: s.rresp as u8,
            rlast: true,
            ..Default::default()
        };
        self.stats.accesses +=
            u64::from(d.awvalid && s.awready) + u64::from(d.arvalid && s.arready);
        self.stats.bad_frames += u64::from(bit(b, 20));
        self.stats.answered += u64::from(bit(b, 21));
        self.chk.cycle(&w)?;
        b.tick();
        self.core.tick();
        self.from_board.sample(self.bridge.get(self.p[19]) != 0);
        self.stats.clocks += 1;
        Ok(())
    }
}

impl Default for UartBoard {
    fn default() -> Self {
        Self::new()
    }
}

/// Bytes to lose or damage on the line, by position (0 = the first byte
/// in that direction since the server started).
#[derive(Clone, Debug, Default)]
pub struct Faults {
    /// Host-to-board bytes never delivered.
    pub drop_in: Vec<u64>,
    /// Board-to-host bytes delivered with their bits inverted.
    pub corrupt_out: Vec<u64>,
}

/// A pseudo-terminal pair: the server keeps the master side; the slave's
/// path is what a host opens.
pub struct Pty {
    master: OwnedFd,
    // the slave stays open so the master never reads EOF between clients
    _slave: OwnedFd,
    /// `/dev/pts/N`.
    pub path: PathBuf,
}

impl Pty {
    /// Opens a pair in raw mode (no echo, no line editing, 8 bits).
    ///
    /// # Errors
    /// The `openpty` or `tcsetattr` failure.
    pub fn open() -> std::io::Result<Pty> {
        let (mut m, mut s) = (0, 0);
        let mut name = [0 as libc::c_char; 128];
        // SAFETY: valid out-pointers; `name` is large enough for a pts path.
        let r = unsafe {
            libc::openpty(
                &mut m,
                &mut s,
                name.as_mut_ptr(),
                std::ptr::null(),
                std::ptr::null(),
            )
        };
        if r != 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: openpty returned two fresh descriptors we now own.
        let (master, slave) = unsafe { (OwnedFd::from_raw_fd(m), OwnedFd::from_raw_fd(s)) };
        // SAFETY: `tio` is filled by tcgetattr before use.
        unsafe {
            let mut tio: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(s, &mut tio) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            libc::cfmakeraw(&mut tio);
            if libc::tcsetattr(s, libc::TCSANOW, &tio) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            let fl = libc::fcntl(m, libc::F_GETFL);
            libc::fcntl(m, libc::F_SETFL, fl | libc::O_NONBLOCK);
        }
        // SAFETY: openpty wrote a NUL-terminated path into `name`.
        let path = unsafe { std::ffi::CStr::from_ptr(name.as_ptr()) };
        Ok(Pty {
            master,
            _slave: slave,
            path: PathBuf::from(path.to_string_lossy().into_owned()),
        })
    }
}

/// Clocks run after the last byte in either direction before the server
/// sleeps: more than the bridge's silence (1,024 bit times), so a request
/// cut short is dropped before the host sends it again.
const QUIET_CLOCKS: u64 = 2 * ferronic_regmap::uart::IDLE_BITS as u64 * SIM_CLOCKS_PER_BIT as u64;

/// Serves `board` on `pty` until `stop` is set: bytes from the host go
/// onto the board's line, bytes from the board back to the host, with
/// `faults` applied. Returns the board's counts.
///
/// # Errors
/// A protocol violation of the bridge's AXI4-Lite master, or an I/O error
/// on the pty.
pub fn serve_pty(
    mut board: UartBoard,
    pty: &Pty,
    faults: &Faults,
    stop: &Arc<AtomicBool>,
) -> anyhow::Result<UartStats> {
    let fd = pty.master.as_raw_fd();
    let (mut n_in, mut n_out, mut quiet) = (0u64, 0u64, 0u64);
    let mut buf = [0u8; 512];
    while !stop.load(Ordering::Relaxed) {
        // SAFETY: `buf` is valid for its length; the fd is non-blocking.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n > 0 {
            let mut bytes = Vec::with_capacity(n as usize);
            for &b in &buf[..n as usize] {
                if !faults.drop_in.contains(&n_in) {
                    bytes.push(b);
                }
                n_in += 1;
            }
            board.send(&bytes);
            quiet = 0;
        }
        if board.lines_idle() && quiet > QUIET_CLOCKS {
            let mut pfd = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd.
            unsafe { libc::poll(&mut pfd, 1, 5) };
            continue;
        }
        for _ in 0..256 {
            board.step()?;
        }
        quiet += 256;
        let mut out = board.take();
        if !out.is_empty() {
            for b in &mut out {
                if faults.corrupt_out.contains(&n_out) {
                    *b = !*b;
                }
                n_out += 1;
            }
            write_all(fd, &out)?;
            quiet = 0;
        }
    }
    Ok(board.stats)
}

fn write_all(fd: i32, mut bytes: &[u8]) -> std::io::Result<()> {
    while !bytes.is_empty() {
        // SAFETY: `bytes` is valid for its length.
        let n = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
        if n < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::WouldBlock {
                std::thread::sleep(std::time::Duration::from_millis(1));
                continue;
            }
            return Err(e);
        }
        bytes = &bytes[n as usize..];
    }
    Ok(())
}

/// `nicsim serve-uart`.
#[derive(clap::Args)]
pub struct ServeUartArgs {
    /// Bytes of the host's requests to lose, by position from 0
    /// (comma-separated): a test of the protocol's recovery.
    #[arg(long, value_delimiter = ',')]
    drop_in: Vec<u64>,
    /// Bytes of the board's answers to deliver inverted, by position.
    #[arg(long, value_delimiter = ',')]
    corrupt_out: Vec<u64>,
    /// Serve the open board's register block instead of `nic_core`'s:
    /// `colorlight-5a-75b-v8` (its datapath and registers,
    /// `ferronic_open_core`, behind the bridge).
    #[arg(long, value_name = "NAME")]
    board: Option<String>,
    /// With --board: a capture's frames (their FCS appended) sent into
    /// port 0, the switch
    /// side, as the server starts, so `nicctl counters` has something to
    /// show.
    #[arg(long, value_name = "PCAP", requires = "board")]
    pcap: Option<PathBuf>,
}

/// The open board `nicsim serve-uart --board` simulates.
pub const OPEN_BOARD: &str = "colorlight-5a-75b-v8";

impl ServeUartArgs {
    /// Serves until the process is stopped. Errors: no pseudo-terminal,
    /// or the bridge broke the AXI4-Lite protocol.
    pub fn run(self) -> anyhow::Result<bool> {
        let board = match self.board.as_deref() {
            None => UartBoard::new(),
            Some(OPEN_BOARD) => {
                let mut core = super::open_core::OpenCore::new();
                if let Some(p) = &self.pcap {
                    for f in crate::tools::capture::read(p)?.frames {
                        core.send_port0(&crate::model::frame::append_fcs(&f.data));
                    }
                }
                // the reset synchronisers need their clocks
                UartBoard::with_target(Box::new(core), 8)
            }
            Some(other) => anyhow::bail!(
                "--board {other}: serve-uart simulates the open board {OPEN_BOARD} only \
                 (a PCIe board's registers are nic_core's: leave --board out)"
            ),
        };
        let pty = Pty::open()?;
        eprintln!(
            "nicsim serve-uart: simulated board (UART bridge, {SIM_CLOCKS_PER_BIT} clocks a bit, \
             and {}) on {p} (nicctl --device serial:{p}); Ctrl-C stops",
            if self.board.is_some() {
                "the open board's ferronic_open_core"
            } else {
                "nic_core"
            },
            p = pty.path.display()
        );
        let faults = Faults {
            drop_in: self.drop_in,
            corrupt_out: self.corrupt_out,
        };
        let stop = Arc::new(AtomicBool::new(false));
        serve_pty(board, &pty, &faults, &stop)?;
        Ok(true)
    }
}
