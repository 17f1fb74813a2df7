//! The simulated card of the DMA tests: `nicsim serve --dma`'s handler in
//! a thread over a shared memory file, `nicctl` runs against it, and the
//! frames and pcapng reading the tests compare with.

use crate::common;
use crate::common::nicctl_env;
use ferronic_host::backend::sim::SimDevice;
use ferronic_host::device::{tool_map, Device};
use ferronic_sim::dma::top::TopOpts;
use ferronic_sim::tools::serve_dma::{DmaNic, HostMem};
use ferronic_simlink::{serve, ServeOpts};
use pcap_file::pcapng::{Block, PcapNgReader};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// `nicsim serve --dma` in a thread, stopped on drop.
pub struct Card {
    _dir: tempfile::TempDir,
    sock: PathBuf,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Card {
    pub fn start(loopback: bool) -> Card {
        Card::with_mem(loopback, 32 << 20)
    }

    pub fn with_mem(loopback: bool, bytes: u64) -> Card {
        let dir = tempfile::tempdir().unwrap();
        let sock = dir.path().join("nic.sock");
        let mem_path = dir.path().join("nic.mem");
        let listener = ferronic_simlink::server::bind(&sock).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let opts = ServeOpts {
            stop: Some(stop.clone()),
            verbose: false,
        };
        let thread = std::thread::spawn(move || {
            let mem = HostMem::create(&mem_path, bytes).unwrap();
            let mut nic = DmaNic::new(&TopOpts::default(), mem, loopback).unwrap();
            serve(listener, &mut nic, &opts).unwrap();
        });
        Card {
            _dir: dir,
            sock,
            stop,
            thread: Some(thread),
        }
    }

    pub fn device(&self) -> String {
        format!("sim:{}", self.sock.display())
    }

    /// A second connection, as a test harness on the wire side.
    pub fn wire(&self) -> SimDevice {
        SimDevice::socket(&self.sock).unwrap()
    }

    pub fn open(&self) -> Device {
        Device::with_io(Box::new(self.wire()), tool_map()).unwrap()
    }

    pub fn nicctl(&self, args: &[&str]) -> common::Run {
        let d = self.device();
        let mut a = vec!["--device", d.as_str()];
        a.extend_from_slice(args);
        nicctl_env(&a, None)
    }

    /// nicctl in the background (its stdout piped).
    pub fn spawn(&self, args: &[&str]) -> Child {
        Command::new(env!("CARGO_BIN_EXE_nicctl"))
            .arg("--device")
            .arg(self.device())
            .args(args)
            .env_remove("NICCTL_DEVICE")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    /// Waits until receive rings `qs` are stocked (their PROD moved).
    pub fn wait_stocked(&self, dev: &mut Device, qs: std::ops::Range<usize>) {
        let t = Instant::now();
        for q in qs {
            while dev.read_reg(&format!("rxq.Q{q}_PROD")).unwrap() == 0 {
                assert!(
                    t.elapsed() < Duration::from_secs(60),
                    "rxq{q} never stocked"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

impl Drop for Card {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

pub fn finish(c: Child) -> common::Run {
    let o = c.wait_with_output().unwrap();
    common::Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

pub fn testdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../sim/testdata")
        .join(name)
}

/// The capture's frames, then random IPv4 TCP/UDP flows of 60..=1514
/// bytes and two jumbo frames (9,000 bytes: five 2 KiB buffers each);
/// no FCS.
pub fn frames(seed: u64, n: usize) -> Vec<Vec<u8>> {
    let mut out = ferronic_host::pcap::read_frames(&testdata("dns_tcp.pcap")).unwrap();
    let mut rng = StdRng::seed_from_u64(seed);
    for i in 0..n {
        let len = if i % 20 == 7 {
            8996
        } else {
            rng.gen_range(60..=1514)
        };
        let b = etherparse::PacketBuilder::ethernet2([2, 0, 0, 0, 0, 9], [2, 0, 0, 0, 0, 8]).ipv4(
            [198, 18, 1, rng.gen()],
            [198, 19, 0, rng.gen()],
            64,
        );
        let mut f = Vec::new();
        if rng.gen_bool(0.5) {
            let b = b.udp(rng.gen(), rng.gen());
            b.write(&mut f, &vec![rng.gen(); len - 42]).unwrap();
        } else {
            let b = b.tcp(rng.gen(), rng.gen(), rng.gen(), 1000);
            b.write(&mut f, &vec![rng.gen(); len - 54]).unwrap();
        }
        out.push(f);
    }
    out
}

/// pcapng packets: (interface, data, comment).
pub fn read_pcapng(p: &Path) -> Vec<(u32, Vec<u8>, String)> {
    let mut r = PcapNgReader::new(std::fs::File::open(p).unwrap()).unwrap();
    let mut out = Vec::new();
    while let Some(b) = r.next_block() {
        if let Block::EnhancedPacket(e) = b.unwrap() {
            let comment = e
                .options
                .iter()
                .find_map(|o| match o {
                    pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketOption::Comment(
                        c,
                    ) => Some(c.to_string()),
                    _ => None,
                })
                .unwrap_or_default();
            out.push((e.interface_id, e.data.into_owned(), comment));
        }
    }
    out
}
