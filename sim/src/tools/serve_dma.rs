//! The simulated card behind the socket protocol (`nicsim serve --dma`):
//! the Verilated `nic` top (the core and its DMA engine, [`NicTop`]) with
//! host memory in a file mapped shared, so a driver in another process
//! (`nicctl`, the `ferronic_host::dma` ring code) maps the same file and
//! reads and writes the bytes the engine's `m_axi` master reads and writes,
//! at IOVA = offset in the file.
//!
//! The simulation runs free: while anything moved in the last
//! [`QUIET`] clocks (a stream beat, an AXI4 handshake, a register access,
//! an interrupt) the server clocks it in batches between requests; once
//! quiet it clocks [`IDLE_BATCH`] clocks at each wake-up of the server
//! loop (every 100 ms, at most every 10 ms), so time-based interrupt
//! moderation still advances while the CPU stays nearly idle.
//! Registers and doorbells arrive as `read`/`write` requests; the wire side
//! as `wire_in`/`wire_out` (or a loopback); interrupts as `wait_irq`.

use crate::bus::axi4_mem::Axi4Mem;
use crate::bus::axil::{Op, Resp};
use crate::dma::top::{NicTop, TopOpts};
use crate::tools::serve::offset16;
use ferronic_simlink::{ErrorKind, Frame, Handler, Reply, Request, PROTOCOL};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Clocks without activity after which the simulation counts as quiet.
pub const QUIET: u64 = 8192;

/// Clocks per batch while busy (one `poll` of the sockets between).
pub const BUSY_BATCH: u64 = 32;

/// Clocks run at each wake-up while quiet.
pub const IDLE_BATCH: u64 = 256;

/// Frames kept for `wire_out` before the oldest are dropped (counted in
/// [`DmaNic::wire_dropped`]).
pub const WIRE_KEEP: usize = 1 << 16;

/// Most clocks one `wait_irq` may ask for (64 ms of a 156.25 MHz clock).
pub const MAX_WAIT: u64 = 10_000_000;

/// The card's host memory: a file of `bytes` bytes, mapped shared.
pub struct HostMem {
    /// Where it lives.
    pub path: PathBuf,
    file: File,
}

impl HostMem {
    /// Creates (or truncates) `path` to `bytes` zero bytes.
    ///
    /// # Errors
    /// The file cannot be created or sized.
    pub fn create(path: &Path, bytes: u64) -> std::io::Result<HostMem> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)?;
        file.set_len(bytes)?;
        // absolute, so a client in another directory finds it
        let path = std::fs::canonicalize(path)?;
        Ok(HostMem { path, file })
    }

    fn bytes(&self) -> u64 {
        self.file.metadata().map_or(0, |m| m.len())
    }
}

/// The simulated card; see the module documentation.
pub struct DmaNic {
    top: Option<NicTop>,
    opts: TopOpts,
    mem: HostMem,
    loopback: bool,
    activity: u64,
    last_clock: u64,
    last_idle: Instant,
    /// Frames dropped because nobody collected them with `wire_out`.
    pub wire_dropped: u64,
    dead: Option<String>,
}

impl DmaNic {
    /// A reset card on `mem`; with `loopback`, every frame that leaves on
    /// the MAC's transmit stream enters its receive stream again.
    ///
    /// # Errors
    /// The memory file cannot be mapped.
    pub fn new(opts: &TopOpts, mem: HostMem, loopback: bool) -> std::io::Result<DmaNic> {
        let mut n = DmaNic {
            top: None,
            opts: opts.clone(),
            mem,
            loopback,
            activity: 0,
            last_clock: 0,
            last_idle: Instant::now(),
            wire_dropped: 0,
            dead: None,
        };
        n.reset()?;
        Ok(n)
    }

    fn reset(&mut self) -> std::io::Result<()> {
        let o = &self.opts;
        let m = Axi4Mem::shared(
            ferronic_hdl::dma::DMA_BYTES,
            o.latency,
            o.mem_stall,
            o.seed ^ 0x3e3,
            &self.mem.file,
        )?;
        self.top = Some(NicTop::with_mem(o, m));
        (self.activity, self.last_clock) = (0, 0);
        Ok(())
    }

    /// The top, for callers that look beyond the protocol.
    pub fn top(&mut self) -> &mut NicTop {
        self.top.as_mut().expect("made in new")
    }

    fn activity_now(&mut self) -> u64 {
        let t = self.top();
        let s = &t.stats;
        s.rx_beats + s.tx_beats + s.w_beats + s.r_beats + s.aw + s.ar + t.irqs.iter().sum::<u64>()
    }

    /// Runs `n` clocks (fewer if `stop` says so after a clock), keeping the
    /// loopback, the wire buffer and the activity mark; a panic of the
    /// model (an AXI4 rule broken) kills the card with its message.
    fn run(&mut self, n: u64, mut stop: impl FnMut(&NicTop) -> bool) -> Result<u64, Reply> {
        if let Some(m) = &self.dead {
            return Err(dead(m));
        }
        let loopback = self.loopback;
        let top = self.top.as_mut().expect("made in new");
        let start = top.stats.clocks;
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            for _ in 0..n {
                top.clock();
                if loopback && !top.sent.is_empty() {
                    let sent: Vec<_> = top.sent.drain(..).collect();
                    for f in sent {
                        top.receive(f.data);
                    }
                }
                if stop(top) {
                    break;
                }
            }
        }));
        if let Err(p) = r {
            let m = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "the model panicked".into());
            self.dead = Some(m.clone());
            return Err(dead(&m));
        }
        let top = self.top();
        let ran = top.stats.clocks - start;
        if top.sent.len() > WIRE_KEEP {
            let k = top.sent.len() - WIRE_KEEP;
            top.sent.drain(..k);
            self.wire_dropped += k as u64;
        }
        let a = self.activity_now();
        if a != self.activity {
            self.activity = a;
            self.last_clock = self.top().stats.clocks;
        }
        Ok(ran)
    }

    fn access(&mut self, op: Op) -> Reply {
        if let Some(m) = &self.dead {
            return dead(m);
        }
        let top = self.top();
        let done = top.access(op);
        top.axil.done.clear();
        let clocks = top.stats.clocks;
        self.last_clock = clocks;
        match done {
            None => Reply::Error {
                kind: ErrorKind::Sim,
                message: format!("the register access {op:?} was not answered in 10,000 clocks"),
            },
            Some(d) if d.resp != Resp::Okay => Reply::Error {
                kind: ErrorKind::Slverr,
                message: format!(
                    "AXI4-Lite {op:?} answered {:?} (SLVERR: unmapped or unaligned address)",
                    d.resp
                ),
            },
            Some(d) => match op {
                Op::Write { .. } => Reply::Done,
                _ => Reply::Value { value: d.data },
            },
        }
    }

    fn wait_irq(&mut self, vector: u16, seen: u64, cycles: u64) -> Reply {
        let v = usize::from(vector);
        if v >= self.top().irqs.len() {
            return Reply::Error {
                kind: ErrorKind::Protocol,
                message: format!(
                    "interrupt vector {vector} does not exist (0..{})",
                    self.top().irqs.len()
                ),
            };
        }
        match self.run(cycles.min(MAX_WAIT), |t| t.irqs[v] > seen) {
            Ok(ran) => Reply::Irq {
                count: self.top().irqs[v],
                cycles: ran,
            },
            Err(r) => r,
        }
    }

    fn wire_out(&mut self, max: u32) -> Reply {
        let top = self.top();
        let n = top.sent.len().min(max as usize);
        let frames = top
            .sent
            .drain(..n)
            .map(|f| Frame {
                queue: 0,
                tuser: f.bad.into(),
                hash: 0,
                tag: 0,
                data: f.data,
            })
            .collect();
        Reply::Frames {
            frames,
            wire: Vec::new(),
            cycles: 0,
        }
    }
}

fn dead(m: &str) -> Reply {
    Reply::Error {
        kind: ErrorKind::Sim,
        message: format!("the simulated card stopped: {m} (restart nicsim serve)"),
    }
}

impl Handler for DmaNic {
    fn handle(&mut self, req: Request) -> Reply {
        match req {
            Request::Hello => Reply::Hello {
                server: format!("nicsim {}", env!("CARGO_PKG_VERSION")),
                protocol: PROTOCOL,
                cycles: self.top().stats.clocks,
                top: "nic".into(),
            },
            Request::Read { offset } => match offset16(offset) {
                Ok(addr) => self.access(Op::Read { addr }),
                Err(r) => r,
            },
            Request::Write { offset, value } => match offset16(offset) {
                Ok(addr) => self.access(Op::Write {
                    addr,
                    data: value,
                    strb: 0xf,
                }),
                Err(r) => r,
            },
            Request::Memory => Reply::Memory {
                path: self.mem.path.display().to_string(),
                bytes: self.mem.bytes(),
            },
            Request::WireIn { frames } if frames.iter().any(|f| f.is_empty()) => Reply::Error {
                kind: ErrorKind::Protocol,
                message: "an empty frame cannot enter the wire".into(),
            },
            Request::WireIn { frames } => {
                let top = self.top();
                for f in frames {
                    top.receive(f);
                }
                Reply::Done
            }
            Request::WireOut { max } => self.wire_out(max),
            Request::Fault { resp, .. } if ![0, 2, 3].contains(&resp) => Reply::Error {
                kind: ErrorKind::Protocol,
                message: format!("fault response {resp}: 0 (resident), 2 SLVERR or 3 DECERR"),
            },
            Request::Fault { iova, len, resp } => {
                let mem = &mut self.top().mem;
                let page = crate::bus::axi4_mem::PAGE;
                let mut a = iova / page * page;
                while a < iova.saturating_add(len) {
                    mem.fault(a, resp);
                    a += page;
                }
                Reply::Done
            }
            Request::WaitIrq {
                vector,
                seen,
                cycles,
            } => self.wait_irq(vector, seen, cycles),
            Request::Reset => match self.reset() {
                Ok(()) => {
                    self.dead = None;
                    Reply::Done
                }
                Err(e) => Reply::Error {
                    kind: ErrorKind::Sim,
                    message: format!("remapping {}: {e}", self.mem.path.display()),
                },
            },
            Request::Rx { .. } | Request::Tx { .. } => Reply::Error {
                kind: ErrorKind::Protocol,
                message: "this server runs the nic top: frames enter with `wire_in` and reach \
                          host memory through the DMA rings (start `nicsim serve` without \
                          --dma for the stream-level rx/tx requests)"
                    .into(),
            },
        }
    }

    fn busy(&self) -> bool {
        self.dead.is_none()
            && self.top.as_ref().is_some_and(|t| {
                t.rx_pending() > 0 || t.stats.clocks.saturating_sub(self.last_clock) < QUIET
            })
    }

    fn on_tick(&mut self) -> std::io::Result<()> {
        if self.busy() {
            let _ = self.run(BUSY_BATCH, |_| false);
        } else if self.dead.is_none() && self.last_idle.elapsed() >= Duration::from_millis(10) {
            self.last_idle = Instant::now();
            let _ = self.run(IDLE_BATCH, |_| false);
        }
        Ok(())
    }
}
