//! The simulated NIC as a [`ferronic_simlink::Handler`]: what
//! `nicsim serve --socket PATH` runs, and what the host's in-process `sim:`
//! backend calls directly, so both answer identically.

use crate::bus::axil::{Op, Resp};
use crate::harness::{Job, Nic, RunOpts, SimError, TxJob};
use ferronic_hdl::rx::tag::{TagFormat, TagMode};
use ferronic_regmap::ctrl;
use ferronic_simlink::{ErrorKind, Frame, Handler, Reply, Request, PROTOCOL};
use std::path::PathBuf;

/// Accesses kept in the AXI4-Lite master's history before it is trimmed
/// (the history decides which CTRL value each frame met).
const HISTORY: usize = 4096;

/// The Verilated core behind the socket protocol.
pub struct SimNic {
    nic: Nic,
}

impl SimNic {
    /// A freshly reset core; frames meet the configuration the host wrote
    /// (`RunOpts::keep_ctrl`), the streams run at line rate.
    pub fn new() -> Result<SimNic, SimError> {
        let opts = RunOpts {
            keep_ctrl: true,
            max_idle: 100_000,
            ..RunOpts::default()
        };
        Ok(SimNic {
            nic: Nic::new(&opts)?,
        })
    }

    /// The simulated NIC, for callers that drive it beyond the protocol.
    pub fn nic(&mut self) -> &mut Nic {
        &mut self.nic
    }

    fn rx(&mut self, frames: Vec<Vec<u8>>) -> Result<Reply, SimError> {
        let jobs: Vec<Job> = frames
            .into_iter()
            .map(|frame| Job {
                frame,
                format: TagFormat::None,
                mode: TagMode::Pass,
            })
            .collect();
        let c0 = self.nic.cycles();
        let r = self.nic.run_until_quiet(&jobs)?;
        Ok(Reply::Frames {
            frames: r
                .frames
                .into_iter()
                .map(|f| Frame {
                    queue: f.tdest,
                    tuser: f.tuser,
                    hash: f.hash,
                    tag: f.tag,
                    data: f.data,
                })
                .collect(),
            wire: r
                .tx_frames
                .into_iter()
                .map(|data| Frame {
                    queue: 0,
                    tuser: 0,
                    hash: 0,
                    tag: 0,
                    data,
                })
                .collect(),
            cycles: self.nic.cycles() - c0,
        })
    }

    fn tx(&mut self, queue: u8, frames: Vec<Vec<u8>>) -> Result<Reply, SimError> {
        let ctrl_addr = self.nic.map.reg("datapath.CTRL").expect("CTRL").offset as u16;
        let enabled = self.nic.read(ctrl_addr)? & ctrl::TX_ENABLE != 0;
        let jobs: Vec<TxJob> = frames
            .into_iter()
            .filter(|f| !f.is_empty())
            .map(|frame| TxJob {
                frame,
                queue,
                bad: false,
            })
            .collect();
        let expect = if enabled { jobs.len() } else { 0 };
        let c0 = self.nic.cycles();
        let out = self.nic.run_tx(&jobs, expect)?;
        Ok(Reply::Frames {
            frames: out
                .into_iter()
                .map(|f| Frame {
                    queue,
                    tuser: f.tuser,
                    hash: 0,
                    tag: 0,
                    data: f.data,
                })
                .collect(),
            wire: Vec::new(),
            cycles: self.nic.cycles() - c0,
        })
    }

    /// Keeps the master's history short: only the last CTRL write matters.
    fn trim(&mut self) {
        let done = &mut self.nic.axil.done;
        if done.len() <= HISTORY {
            return;
        }
        let ctrl_addr = self.nic.map.reg("datapath.CTRL").expect("CTRL").offset as u16;
        let last = done.iter().rposition(|d| {
            matches!(d.op, Op::Write { addr, .. } if addr == ctrl_addr) && d.resp == Resp::Okay
        });
        let keep: Vec<_> = last.map(|i| done[i]).into_iter().collect();
        *done = keep;
    }
}

fn sim_error(e: SimError) -> Reply {
    match e {
        SimError::Register { op, resp } => Reply::Error {
            kind: ErrorKind::Slverr,
            message: format!(
                "AXI4-Lite {op:?} answered {resp:?} (SLVERR: unmapped or unaligned address)"
            ),
        },
        e => Reply::Error {
            kind: ErrorKind::Sim,
            message: e.to_string(),
        },
    }
}

/// A request's register offset as the 16-bit AXI4-Lite address, or the
/// SLVERR reply for one outside the space (shared with `serve_dma`).
pub(crate) fn offset16(offset: u32) -> Result<u16, Reply> {
    u16::try_from(offset).map_err(|_| Reply::Error {
        kind: ErrorKind::Slverr,
        message: format!("offset {offset:#x} is outside the 64 KiB register space"),
    })
}

impl Handler for SimNic {
    fn handle(&mut self, req: Request) -> Reply {
        let reply = match req {
            Request::Hello => Reply::Hello {
                server: format!("nicsim {}", env!("CARGO_PKG_VERSION")),
                protocol: PROTOCOL,
                cycles: self.nic.cycles(),
                top: "nic_core".into(),
            },
            Request::Read { offset } => match offset16(offset) {
                Ok(a) => self
                    .nic
                    .read(a)
                    .map_or_else(sim_error, |value| Reply::Value { value }),
                Err(r) => r,
            },
            Request::Write { offset, value } => match offset16(offset) {
                Ok(a) => self
                    .nic
                    .write(a, value)
                    .map_or_else(sim_error, |_| Reply::Done),
                Err(r) => r,
            },
            Request::Rx { frames } => self.rx(frames).unwrap_or_else(sim_error),
            Request::Tx { queue, .. } if usize::from(queue) >= ferronic_hdl::TX_QUEUES => {
                Reply::Error {
                    kind: ErrorKind::Protocol,
                    message: format!(
                        "transmit queue {queue} does not exist (0..{})",
                        ferronic_hdl::TX_QUEUES
                    ),
                }
            }
            Request::Tx { queue, frames } => self.tx(queue, frames).unwrap_or_else(sim_error),
            Request::Reset => {
                self.nic.reset();
                Reply::Done
            }
            Request::Memory
            | Request::WireIn { .. }
            | Request::WireOut { .. }
            | Request::Fault { .. }
            | Request::WaitIrq { .. } => Reply::Error {
                kind: ErrorKind::Protocol,
                message: "this server runs nic_core, the datapath without the DMA engine: \
                          start `nicsim serve --dma` for host memory, the wire side and \
                          interrupts"
                    .into(),
            },
        };
        self.trim();
        reply
    }
}

/// `nicsim serve --socket PATH`: the simulated NIC on a Unix socket for
/// `nicctl --device sim:PATH` (protocol: the ferronic-simlink crate).
/// Without `--dma` it runs `nic_core` (the datapath, frames as `rx`/`tx`
/// requests); with `--dma` the `nic` top, host memory in a shared file.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// Socket path (a stale socket file is replaced).
    #[arg(long)]
    socket: PathBuf,
    /// Run the `nic` top: the DMA engine with host memory in a file the
    /// driver maps (IOVA = offset), the wire side as `wire_in`/`wire_out`.
    #[arg(long)]
    dma: bool,
    /// With --dma: the host memory file [default: the socket path + `.mem`].
    #[arg(long, requires = "dma")]
    mem: Option<PathBuf>,
    /// With --dma: MiB of host memory.
    #[arg(long, default_value_t = 64, requires = "dma",
          value_parser = clap::value_parser!(u64).range(1..=4096))]
    mem_mib: u64,
    /// With --dma: host memory latency in clocks (156 = 1 us at 156.25 MHz).
    #[arg(long, default_value_t = 156, requires = "dma")]
    latency: u64,
    /// With --dma: frames leaving on the MAC's transmit stream enter its
    /// receive stream again (a loopback plug on the port).
    #[arg(long, requires = "dma")]
    loopback: bool,
    /// Print one line per connection.
    #[arg(long, short)]
    verbose: bool,
}

impl ServeArgs {
    /// Serves until the process is stopped. Errors: the socket cannot be
    /// bound (a live server owns it, or the directory is not writable), the
    /// memory file cannot be created.
    pub fn run(self) -> anyhow::Result<bool> {
        use anyhow::Context;
        let socket = &self.socket;
        let listener = ferronic_simlink::server::bind(socket)
            .with_context(|| format!("binding {}", socket.display()))?;
        let opts = ferronic_simlink::ServeOpts {
            stop: None,
            verbose: self.verbose,
        };
        if self.dma {
            let path = self.mem.clone().unwrap_or_else(|| {
                let mut p = socket.clone().into_os_string();
                p.push(".mem");
                p.into()
            });
            let mem = crate::tools::serve_dma::HostMem::create(&path, self.mem_mib << 20)
                .with_context(|| format!("creating the host memory file {}", path.display()))?;
            let top = crate::dma::top::TopOpts {
                latency: self.latency,
                ..Default::default()
            };
            let mut nic = crate::tools::serve_dma::DmaNic::new(&top, mem, self.loopback)
                .with_context(|| format!("mapping {}", path.display()))?;
            eprintln!(
                "nicsim serve: simulated card (nic top, DMA) on {} (nicctl --device sim:{}), \
                 host memory {} ({} MiB){}; Ctrl-C stops",
                socket.display(),
                socket.display(),
                path.display(),
                self.mem_mib,
                if self.loopback { ", wire loopback" } else { "" }
            );
            ferronic_simlink::serve(listener, &mut nic, &opts)?;
        } else {
            let mut nic = SimNic::new()?;
            eprintln!(
                "nicsim serve: simulated NIC on {} (nicctl --device sim:{}); Ctrl-C stops",
                socket.display(),
                socket.display()
            );
            ferronic_simlink::serve(listener, &mut nic, &opts)?;
        }
        Ok(true)
    }
}
