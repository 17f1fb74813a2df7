//! Unit tests of [`super::RegFile`]'s Rust model: write strobes and
//! errors, pipelined reads, counters with owed carries.

use super::*;

fn clock(u: &mut RegFile) {
    u.clock.next = false.into();
    assert!(simulate(u, 100));
    u.clock.next = true.into();
    assert!(simulate(u, 100));
}

/// Clocks `n` times with the request inputs idle.
fn idle(u: &mut RegFile, n: usize) {
    u.wr_en.next = false;
    u.rd_en.next = false;
    for _ in 0..n {
        clock(u);
    }
}

/// One read of `a`: its `rd_data` after [`REG_RD_LATENCY`] clocks.
fn read(u: &mut RegFile, a: u64) -> (u64, bool) {
    u.rd_en.next = true;
    u.rd_addr.next = a.into();
    clock(u);
    idle(u, REG_RD_LATENCY - 1);
    (u.rd_data.val().to_u64(), u.rd_err.val())
}

fn write(u: &mut RegFile, a: u64, d: u64, strb: u64) {
    u.wr_en.next = true;
    u.wr_addr.next = a.into();
    u.wr_data.next = d.into();
    u.wr_strb.next = strb.into();
    clock(u);
    idle(u, crate::control::REG_STORE_LATENCY - 1);
}

#[test]
fn strobes_errors_and_untorn_counters() {
    let map = crate::verilog::regmap(0, 0);
    let mut u = RegFile::new(&map);
    u.connect_all();
    let scratch = u64::from(map.reg("identity.SCRATCH").unwrap().offset);
    let ctrl = u64::from(map.reg("datapath.CTRL").unwrap().offset);
    let lo = u64::from(map.reg("counters.FRAMES_IN_LO").unwrap().offset);
    u.rst.next = true;
    clock(&mut u);
    u.rst.next = false;
    assert!(u.enable.val(), "CTRL resets enabled");
    // byte strobe 0b0101 on SCRATCH, then read it back
    write(&mut u, scratch, 0x1122_3344, 0b0101);
    write(&mut u, ctrl, 0x241, 0xF);
    assert!(!u.wr_err.val());
    assert!(u.enable.val());
    assert_eq!(u.tag_format.val().to_u64(), 4);
    assert_eq!(u.tag_mode.val().to_u64(), 2);
    write(&mut u, 0x0FFE, 0, 0xF);
    assert!(u.wr_err.val(), "unmapped write");
    assert_eq!(read(&mut u, scratch), (0x0022_0044, false));
    assert_eq!(read(&mut u, 0x0FFC), (0, true), "unmapped read");
    // counter 0 = chunks 0x0000_FFFF_FFFF_0005 owing k0 and k1:
    // 0x0001_0001_0000_0005 (k0 ripples into chunk 3). LO latches HI;
    // HI returns the latch.
    let c: Bits<COUNTER_BITS> = Bits::<COUNTER_BITS>::from(0x0000_FFFF_FFFF_0005_u64);
    u.counters.next = c;
    u.carries.next = 0b011_u64.into();
    assert_eq!(read(&mut u, lo), (5, false));
    u.counters.next = Bits::default();
    u.carries.next = Bits::default();
    assert_eq!(read(&mut u, lo + 4), (0x0001_0001, false), "high word torn");
}

#[test]
fn reads_enter_every_clock() {
    let map = crate::verilog::regmap(0, 0);
    let mut u = RegFile::new(&map);
    u.connect_all();
    u.rst.next = true;
    clock(&mut u);
    u.rst.next = false;
    let regs = ["identity.MAGIC", "identity.SCRATCH", "datapath.CTRL"];
    let mut out = vec![];
    for k in 0..regs.len() + REG_RD_LATENCY {
        u.rd_en.next = k < regs.len();
        if let Some(r) = regs.get(k) {
            u.rd_addr.next = u64::from(map.reg(r).unwrap().offset).into();
        }
        clock(&mut u);
        out.push(u.rd_data.val().to_u64());
    }
    let magic = out[REG_RD_LATENCY - 1];
    assert_eq!(magic, 0x4645_5252);
    assert_eq!(out[REG_RD_LATENCY], 0);
    assert_eq!(out[REG_RD_LATENCY + 1] & 1, 1, "CTRL.ENABLE");
}
