//! `nicsim inject`: a capture's frames, FCS appended, into a running
//! `nicsim serve`, under the configuration the host set; prints what the
//! core delivered to the host and can write it as pcapng. Into a `nicsim
//! serve --dma` card the frames go onto its wire, for a driver to receive.

use crate::tools::capture;
use anyhow::bail;
use std::path::PathBuf;

/// `nicsim inject --socket PATH IN [-o OUT]`.
#[derive(clap::Args)]
pub struct InjectArgs {
    /// The server's socket.
    #[arg(long)]
    socket: PathBuf,
    /// Capture (pcap or pcapng).
    input: PathBuf,
    /// Write the delivered frames here (pcapng, FCS included).
    #[arg(short, long)]
    output: Option<PathBuf>,
}

impl InjectArgs {
    /// Sends the capture and prints what the core delivered. Errors: the
    /// capture cannot be read, the server is not there or answers an error.
    pub fn run(self) -> anyhow::Result<bool> {
        let (socket, input, output) = (&self.socket, &self.input, self.output.as_deref());
        use ferronic_simlink::{Client, Reply, Request};
        let cap = capture::read(input)?;
        let frames: Vec<Vec<u8>> = cap
            .frames
            .iter()
            .map(|f| crate::model::frame::append_fcs(&f.data))
            .collect();
        let mut c = Client::connect(socket, std::time::Duration::from_secs(600))?;
        if c.top == "nic" {
            // the card: the frames go onto its wire; a driver (nicctl rx,
            // nicctl netdev) takes them from the rings
            if output.is_some() {
                bail!(
                    "{}: the card delivers into host memory: capture them with `nicctl rx -w`",
                    socket.display()
                );
            }
            match c.call(&Request::WireIn {
                frames: frames.clone(),
            })? {
                Reply::Done => {}
                Reply::Error { message, .. } => bail!("{}: {message}", socket.display()),
                r => bail!("{}: unexpected reply {r:?}", socket.display()),
            }
            println!(
                "{}: {} frames onto the card's wire (read them with `nicctl --device sim:{} rx`)",
                input.display(),
                frames.len(),
                socket.display()
            );
            return Ok(true);
        }
        let (out, cycles) = match c.call(&Request::Rx {
            frames: frames.clone(),
        })? {
            Reply::Frames { frames, cycles, .. } => (frames, cycles),
            Reply::Error { message, .. } => bail!("{}: {message}", socket.display()),
            r => bail!("{}: unexpected reply {r:?}", socket.display()),
        };
        println!(
            "  {:>5} {:>5} {:>5} {:>5} {:>6} {:>10}  FCS",
            "frame", "in", "out", "queue", "tuser", "hash"
        );
        for (i, o) in out.iter().enumerate() {
            let fcs = if crate::model::frame::fcs_ok(&o.data) {
                "valid"
            } else {
                "INVALID"
            };
            println!(
                "  {:>5} {:>5} {:>5} {:>5} {:>#6x} {:>#10x}  {fcs}",
                i,
                frames.get(i).map_or(0, Vec::len),
                o.data.len(),
                o.queue,
                o.tuser,
                o.hash
            );
        }
        println!(
            "{}: {} frames in, {} delivered to the host, {cycles} cycles",
            input.display(),
            frames.len(),
            out.len()
        );
        if let Some(p) = output {
            let frames: Vec<capture::CapturedFrame> = out
                .into_iter()
                .map(|o| capture::CapturedFrame {
                    timestamp: std::time::Duration::ZERO,
                    data: o.data,
                })
                .collect();
            capture::write_pcapng(p, pcap_file::DataLink::ETHERNET, &frames)?;
            println!("wrote {}", p.display());
        }
        Ok(true)
    }
}
