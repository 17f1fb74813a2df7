//! The driver's ring code against the Verilated `nic` top (issue 14):
//! `nicsim serve --dma` in a thread here (the same `DmaNic` the binary
//! runs), host memory in a shared file both sides map, and the `nicctl`
//! binary in its own process. What a frame should become comes from the
//! golden models of ferronic-sim (RSS) and the `crc` crate (FCS), never
//! from the code under test; Wireshark's reader (tshark) reads the pcapng.

mod card;
#[path = "../common/mod.rs"]
mod common;

use card::{finish, frames, read_pcapng, Card};
use ferronic_host::dma::session::Datapath;
use ferronic_host::dma::QueueConfig;
use ferronic_host::pcap::RxFacts;
use ferronic_sim::model::frame::append_fcs;
use ferronic_sim::model::rss::{steer, RssConfig, MS_KEY};
use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn nicctl_rx_captures_the_wire_byte_exact_with_queue_and_hash() {
    let card = Card::start(false);
    let key: String = MS_KEY.iter().map(|b| format!("{b:02x}")).collect();
    card.nicctl(&["rss", "--key", &key, "--queues", "8", "--enable"]);
    let sent: Vec<Vec<u8>> = frames(11, 60).iter().map(|f| append_fcs(f)).collect();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rx.pcapng");
    let n = sent.len().to_string();
    let rx = card.spawn(&[
        "--json",
        "rx",
        "--count",
        &n,
        "--idle",
        "120",
        "-w",
        out.to_str().unwrap(),
    ]);
    let mut dev = card.open();
    card.wait_stocked(&mut dev, 0..8);
    card.wire().wire_in(sent.clone()).unwrap();
    let r = finish(rx);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.json()["frames"], sent.len() as u64);
    let got = read_pcapng(&out);
    assert_eq!(got.len(), sent.len());
    // per queue, in wire order, as the golden RSS model steers them
    let cfg = RssConfig::spread(8, MS_KEY);
    for q in 0..8u16 {
        let want: Vec<(&Vec<u8>, u32)> = sent
            .iter()
            .map(|f| (f, steer(f, &cfg)))
            .filter(|(_, s)| u16::from(s.queue) == q)
            .map(|(f, s)| (f, s.hash))
            .collect();
        let have: Vec<_> = got.iter().filter(|(i, ..)| *i == u32::from(q)).collect();
        assert_eq!(have.len(), want.len(), "queue {q}");
        for ((_, data, comment), (f, hash)) in have.iter().zip(&want) {
            assert_eq!(data, *f, "queue {q}: a frame differs");
            let facts = RxFacts::parse(comment).unwrap();
            assert_eq!((facts.queue, facts.hash), (q, *hash), "{comment}");
        }
    }
    assert!(got.iter().any(|(i, ..)| *i != 0), "RSS spread nothing");
    // Wireshark reads the file: every packet, its interface and comment
    let t = Command::new("tshark")
        .args(["-r", out.to_str().unwrap(), "-T", "fields"])
        .args(["-e", "frame.interface_id", "-e", "frame.comment"])
        .output()
        .expect("tshark not found: apt-get install -y tshark");
    let lines: Vec<String> = String::from_utf8_lossy(&t.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(lines.len(), sent.len());
    for (l, (i, _, c)) in lines.iter().zip(&got) {
        assert_eq!(l, &format!("{i}\t{c}"));
    }
}

#[test]
fn nicctl_tx_sends_a_capture_byte_exact() {
    let card = Card::start(false);
    let fs = frames(12, 40);
    let dir = tempfile::tempdir().unwrap();
    let cap = dir.path().join("tx.pcap");
    let mut w = pcap_file::pcap::PcapWriter::new(std::fs::File::create(&cap).unwrap()).unwrap();
    for f in &fs {
        w.write_packet(&pcap_file::pcap::PcapPacket::new(
            Duration::ZERO,
            f.len() as u32,
            f,
        ))
        .unwrap();
    }
    drop(w);
    let r = card.nicctl(&[
        "--json",
        "tx",
        cap.to_str().unwrap(),
        "--queue",
        "5",
        "--loop",
        "2",
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(v["completed"], 2 * fs.len() as u64);
    let wire = card.wire().wire_out(10_000).unwrap();
    assert_eq!(wire.len(), 2 * fs.len());
    let fcs = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);
    for (k, w) in wire.iter().enumerate() {
        let f = &fs[k % fs.len()];
        let mut want = f.clone();
        want.extend_from_slice(&fcs.checksum(f).to_le_bytes());
        assert_eq!(w.data, want, "frame {k}");
        assert_eq!(w.tuser, 0, "frame {k} sent marked bad");
    }
}

#[test]
fn nicctl_bench_moves_100k_frames_through_a_loopback_without_loss() {
    let card = Card::start(true);
    let mut dev = card.open();
    let before = dev.counter("FRAMES_OUT").unwrap();
    let r = card.nicctl(&["--json", "bench", "--size", "64", "--count", "100000"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let row = &r.json()["rows"][0];
    assert_eq!(row["sent"], 100_000);
    assert_eq!(row["received"], 100_000);
    assert_eq!(row["lost"], 0);
    assert_eq!(row["wrong_length"], 0);
    assert_eq!(row["nic_drops"], 0);
    assert!(row["rx_mpps"].as_f64().unwrap() > 0.0);
    // the hardware counted each frame once into the host
    assert_eq!(dev.counter("FRAMES_OUT").unwrap() - before, 100_000);
    assert_eq!(dev.counter("BAD_FCS").unwrap(), 0);
}

#[test]
fn an_interrupt_wakes_a_blocked_reader() {
    let card = Card::start(false);
    let mut dev = card.open();
    let mut dp = Datapath::open(&mut dev, &[0], &[], &QueueConfig::default()).unwrap();
    let fs: Vec<Vec<u8>> = frames(13, 3).iter().map(|f| append_fcs(f)).collect();
    // nothing arrives: the wait times out
    dp.rx[0].arm(dev.io()).unwrap();
    let port = dev.io().dma().unwrap();
    assert!(!port.wait_irq(0, Duration::from_micros(100)).unwrap());
    // a frame on the wire wakes the reader blocked on vector 0
    card.wire().wire_in(vec![fs[0].clone()]).unwrap();
    let port = dev.io().dma().unwrap();
    assert!(port.wait_irq(0, Duration::from_millis(5)).unwrap());
    let mut got = Vec::new();
    dp.rx[0]
        .recv(dev.io(), 32, |p| got.push(p.data.to_vec()))
        .unwrap();
    assert_eq!(got, vec![fs[0].clone()]);
    // disarmed after it fired: the next frame does not raise it
    card.wire().wire_in(vec![fs[1].clone()]).unwrap();
    let port = dev.io().dma().unwrap();
    assert!(!port.wait_irq(0, Duration::from_micros(100)).unwrap());
    dp.close(&mut dev).unwrap();
    drop((dev, card));
    // nicctl rx --irq sleeps on the vector between frames
    let card = Card::start(false);
    let rx = card.spawn(&["--json", "rx", "--irq", "--queue", "0", "--count", "2"]);
    let mut dev = card.open();
    card.wait_stocked(&mut dev, 0..1);
    card.wire().wire_in(fs[1..3].to_vec()).unwrap();
    let r = finish(rx);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = r.json();
    assert_eq!(v["frames"], 2);
    assert_eq!(v["packets"][1]["len"], fs[2].len());
}

#[test]
fn faulting_pages_are_made_resident_and_nothing_is_lost() {
    let card = Card::start(false);
    let mut dev = card.open();
    let mut dp = Datapath::open(&mut dev, &[0], &[], &QueueConfig::default()).unwrap();
    // the first 16 buffers' pages are not resident (2 KiB buffers: 8 pages)
    let first = dp.rx[0].buffer_iova(0);
    let mut wire = card.wire();
    wire.fault(first, 16 * 2048, 2).unwrap();
    let fs: Vec<Vec<u8>> = frames(14, 30).iter().map(|f| append_fcs(f)).collect();
    wire.wire_in(fs.clone()).unwrap();
    let mut got = Vec::new();
    let t = Instant::now();
    while got.len() < fs.len() {
        assert!(
            t.elapsed() < Duration::from_secs(120),
            "{} of {}",
            got.len(),
            fs.len()
        );
        dp.rx[0]
            .recv(dev.io(), 32, |p| got.push(p.data.to_vec()))
            .unwrap();
        std::thread::sleep(Duration::from_millis(2));
    }
    // every frame, in order, byte-exact; the faults were reported
    assert_eq!(got, fs);
    assert!(dp.rx[0].stats.faults >= 1, "{:?}", dp.rx[0].stats);
    assert_eq!(dev.read_reg("rxq.Q0_DROPS").unwrap(), 0);
    dp.close(&mut dev).unwrap();
    drop((dev, card));
    // transmit: the first 4 slots' buffers refuse reads; those frames are
    // reported, sent again, and every frame leaves byte-exact
    let card = Card::start(false);
    let mut dev = card.open();
    let mut dp = Datapath::open(&mut dev, &[], &[0], &QueueConfig::default()).unwrap();
    let mut wire = card.wire();
    wire.fault(dp.tx[0].buffer_iova(0), 4 * 2048, 2).unwrap();
    let fs = frames(16, 12);
    let batch: Vec<&[u8]> = fs.iter().map(Vec::as_slice).collect();
    assert_eq!(dp.tx[0].send(dev.io(), &batch).unwrap(), fs.len());
    let t = Instant::now();
    while dp.tx[0].in_flight() > 0 {
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "{:?}",
            dp.tx[0].stats
        );
        dp.tx[0].reap(dev.io()).unwrap();
        std::thread::sleep(Duration::from_millis(2));
    }
    let st = dp.tx[0].stats;
    assert!(st.faults >= 1, "{st:?}");
    let n = fs.len() as u64;
    assert_eq!((st.frames, st.completed), (n, n), "{st:?}");
    let out = wire.wire_out(10_000).unwrap();
    let fcs = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);
    let mut sent: Vec<Vec<u8>> = out
        .iter()
        .map(|w| w.data[..w.data.len() - 4].to_vec())
        .collect();
    assert!(out.iter().all(|w| {
        let n = w.data.len() - 4;
        w.data[n..] == fcs.checksum(&w.data[..n]).to_le_bytes()
    }));
    // the refused frames left after the others, each once
    sent.sort();
    let mut want = fs.clone();
    want.sort();
    assert_eq!(sent, want);
}

#[test]
fn interrupts_are_moderated_by_count_and_by_time() {
    let card = Card::start(false);
    let mut dev = card.open();
    let mut dp = Datapath::open(&mut dev, &[0], &[], &QueueConfig::default()).unwrap();
    let fs: Vec<Vec<u8>> = frames(15, 8).iter().map(|f| append_fcs(f)).collect();
    let (small, mut wire) = (&fs[0..1], card.wire());
    // by count: 4 completions, no time limit
    dp.rx[0].moderate(dev.io(), 4, Duration::ZERO).unwrap();
    dp.rx[0].arm(dev.io()).unwrap();
    wire.wire_in(fs[1..4].to_vec()).unwrap();
    let port = dev.io().dma().unwrap();
    assert!(
        !port.wait_irq(0, Duration::from_micros(200)).unwrap(),
        "3 of 4 raised it"
    );
    wire.wire_in(fs[4..5].to_vec()).unwrap();
    let port = dev.io().dma().unwrap();
    assert!(
        port.wait_irq(0, Duration::from_micros(200)).unwrap(),
        "4 of 4 did not"
    );
    let mut n = 0;
    dp.rx[0].recv(dev.io(), 32, |_| n += 1).unwrap();
    assert_eq!(n, 4);
    // by time: 100 completions or 20 us, one frame: the 20 us decide
    dp.rx[0]
        .moderate(dev.io(), 100, Duration::from_micros(20))
        .unwrap();
    dp.rx[0].arm(dev.io()).unwrap();
    wire.wire_in(small.to_vec()).unwrap();
    let port = dev.io().dma().unwrap();
    assert!(
        !port.wait_irq(0, Duration::from_micros(10)).unwrap(),
        "raised before 20 us"
    );
    let port = dev.io().dma().unwrap();
    assert!(
        port.wait_irq(0, Duration::from_micros(40)).unwrap(),
        "not raised by 50 us"
    );
}
