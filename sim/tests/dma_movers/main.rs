//! The DMA movers (`ferronic_hdl::dma::{dma_write, dma_read}`), each
//! Verilated alone at 8, 16 and 64-byte buses, against the host memory
//! model (`Axi4Mem`: latency, random READY stalls, faulting pages) with
//! the AXI4 protocol checker on every clock. Random commands (any host
//! and RAM byte address, 1 to 9,600 bytes and a few of 65,535, many
//! across 4 KiB boundaries) arrive with random gaps; what lands in host
//! memory (write) or in the RAM (read) must equal the source byte for
//! byte with the bytes around untouched, every command must report once,
//! in order, with the worst response of the pages it touched.

mod read;
mod traffic;
mod write;

use ferronic_sim::bus::axi4_mem::Axi4Mem;
use ferronic_sim::unit::models;
use traffic::{stream, Cmd, RAM};

/// With a memory 156 clocks away (1 us at 156.25 MHz) and no stalls, the
/// movers keep their data channel busy: one beat a clock within long
/// commands, and a floor for 64-byte commands (4 beats; a minimum frame
/// at 10G lasts 10.5 clocks).
#[test]
fn movers_sustain_the_bus_with_1_us_latency() {
    let ram = vec![0x5au8; RAM];
    for (len, floor) in [(1500, 0.98), (64, 0.66)] {
        let cmds = stream(300, len);
        let mut mem = Axi4Mem::new(16, 156, 0.0, 1);
        let w = write::run_write((&models::DMA_WRITE_16, 16), &cmds, &mut mem, &ram, 0.0, 2);
        let mut mem = Axi4Mem::new(16, 156, 0.0, 1);
        let mut image = ram.clone();
        // the host memory was never written: it reads 0
        let mut zeros = |c: &Cmd, img: &mut Vec<u8>| {
            for i in 0..c.len {
                img[(c.raddr as usize + i) % RAM] = 0;
            }
        };
        let r = read::run_read(
            (&models::DMA_READ_16, 16),
            &cmds,
            &mut mem,
            &mut image,
            &mut zeros,
            0.0,
            3,
        );
        eprintln!(
            "{len}-byte commands, 16-byte bus, latency 156: W {:.3} beats/clock, R {:.3}",
            w.rate(),
            r.rate()
        );
        assert!(
            w.rate() >= floor,
            "write {len}: {:.3} beats/clock",
            w.rate()
        );
        assert!(r.rate() >= floor, "read {len}: {:.3} beats/clock", r.rate());
    }
}
