//! rust-hdl `simulate()` test driver for the stream blocks (not the threaded
//! `Simulation` API): one clock at a time, inputs set with `.next`.

/// A beat as `(tdata, tkeep, tlast)`.
pub type TbBeat = (u64, u8, bool);

/// Splits a frame into 64-bit beats.
pub fn beats(frame: &[u8]) -> Vec<TbBeat> {
    let n = frame.chunks(8).count();
    frame
        .chunks(8)
        .enumerate()
        .map(|(i, c)| {
            let mut w = [0u8; 8];
            w[..c.len()].copy_from_slice(c);
            (
                u64::from_le_bytes(w),
                ((1u16 << c.len()) - 1) as u8,
                i + 1 == n,
            )
        })
        .collect()
}

/// A frame with its FCS appended (CRC-32 via the `crc` crate).
pub fn with_fcs(body: &[u8]) -> Vec<u8> {
    let c = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);
    let mut f = body.to_vec();
    f.extend_from_slice(&c.checksum(body).to_le_bytes());
    f
}

/// True when the frame's FCS is valid.
pub fn fcs_ok(frame: &[u8]) -> bool {
    crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC).checksum(frame) == 0x2144_DF1C
}

/// Drives `$uut` (ports `clock rst s_tdata s_tkeep s_tvalid s_tready s_tlast
/// m_tdata m_tkeep m_tvalid m_tready m_tlast`) with `$frames`
/// (`&[(Vec<u8>, u64)]`, the `u64` handed to `$side` on every beat to set
/// sideband inputs), `m_tready` low every `$stall`-th cycle (0: never).
/// Returns `(frames, cycles)` where each frame is `(bytes, $user)` read on
/// its `tlast` beat.
macro_rules! run_stream {
    ($uut:expr, $frames:expr, $stall:expr, |$s:ident, $v:ident| $side:expr, |$o:ident| $user:expr) => {{
        use rust_hdl::prelude::*;
        let uut = $uut;
        let frames: &[(Vec<u8>, u64)] = $frames;
        let stall: u64 = $stall;
        let all: Vec<($crate::testbench::TbBeat, u64)> = frames
            .iter()
            .flat_map(|(f, v)| {
                $crate::testbench::beats(f)
                    .into_iter()
                    .map(move |b| (b, *v))
            })
            .collect();
        uut.rst.next = true;
        for _ in 0..2 {
            uut.clock.next = false.into();
            assert!(simulate(uut, 1000));
            uut.clock.next = true.into();
            assert!(simulate(uut, 1000));
        }
        uut.rst.next = false;
        let (mut k, mut cycle) = (0usize, 0u64);
        let mut out = Vec::new();
        let mut cur: Vec<u8> = Vec::new();
        while out.len() < frames.len() {
            assert!(cycle < 100_000, "no progress");
            let valid = k < all.len();
            if valid {
                let ((d, kp, l), $v) = all[k];
                uut.s_axis.tdata.next = d.into();
                uut.s_axis.tkeep.next = (kp as u64).into();
                uut.s_axis.tlast.next = l;
                let $s = &mut *uut;
                $side;
            }
            uut.s_axis.tvalid.next = valid;
            let ready = stall == 0 || cycle % stall != 0;
            uut.m_axis.tready.next = ready;
            uut.clock.next = false.into();
            assert!(simulate(uut, 1000));
            let s_fire = valid && uut.s_axis.tready.val();
            if ready && uut.m_axis.tvalid.val() {
                let n = uut.m_axis.tkeep.val().to_u64().trailing_ones() as usize;
                cur.extend_from_slice(&uut.m_axis.tdata.val().to_u64().to_le_bytes()[..n]);
                if uut.m_axis.tlast.val() {
                    let $o = &*uut;
                    out.push((std::mem::take(&mut cur), $user));
                }
            }
            uut.clock.next = true.into();
            assert!(simulate(uut, 1000));
            if s_fire {
                k += 1;
            }
            cycle += 1;
        }
        (out, cycle)
    }};
}
pub(crate) use run_stream;
