//! Tests of the DMA memory layouts and their codecs (`dma.rs`).
use super::*;

#[test]
fn fields_fit_and_do_not_overlap() {
    for l in LAYOUTS {
        assert!(l.bytes.is_power_of_two());
        let mut used = vec![false; (l.bytes * 8) as usize];
        for f in l.fields {
            assert!((1..=64).contains(&f.bits), "{}.{}", l.name, f.name);
            for b in f.bit..f.bit + f.bits {
                assert!(!used[b as usize], "{}.{} overlaps", l.name, f.name);
                used[b as usize] = true;
            }
        }
    }
}

#[test]
fn descriptor_bytes_are_little_endian_at_the_documented_offsets() {
    let d = Descriptor {
        flags: desc_flags::EOP | desc_flags::BAD,
        len: 0x0000_2580,
        addr: 0x1122_3344_5566_7788,
    };
    let b = d.to_bytes();
    assert_eq!(
        b,
        [3, 0, 0, 0, 0x80, 0x25, 0, 0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11]
    );
    assert_eq!(Descriptor::from_bytes(&b), d);
}

#[test]
fn completion_round_trips_and_puts_the_phase_in_the_last_bit() {
    let c = Completion {
        queue: 5,
        index: 0xfffe,
        len: 9600,
        desc_count: 3,
        tuser: 0x21,
        hash: 0xdead_beef,
        tag: 0x0102_0304_0506_0708,
        fault: Some(Fault {
            index: 0xffff,
            resp: 3,
            count: 1,
        }),
        phase: true,
    };
    let b = c.to_bytes();
    assert_eq!(&b[0..4], &[5, 0, 0xfe, 0xff]);
    assert_eq!(&b[4..8], &9600u32.to_le_bytes());
    assert_eq!(&b[8..12], &[3, 0, 0x21, 0x01]);
    assert_eq!(&b[12..16], &0xdead_beefu32.to_le_bytes());
    assert_eq!(&b[16..24], &0x0102_0304_0506_0708u64.to_le_bytes());
    assert_eq!(&b[24..28], &[0xff, 0xff, 3, 1]);
    assert_eq!(b[31], 0x80);
    assert_eq!(Completion::from_bytes(&b), c);
    let plain = Completion {
        phase: false,
        fault: None,
        ..c
    };
    let pb = plain.to_bytes();
    assert_eq!(&pb[24..32], &[0; 8]);
    assert_eq!(Completion::from_bytes(&pb), plain);
}

/// `get` and `put` against a bit-at-a-time reference, for fields at
/// every bit offset 0..8 and every width 1..=64.
#[test]
fn get_and_put_match_a_bitwise_reference_at_any_offset() {
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for bit in 0..8 {
        for bits in 1..=64 {
            let f = Field {
                name: "F",
                bit: bit + 8,
                bits,
                doc: "",
            };
            x = x.rotate_left(7) ^ 0x2545_f491_4f6c_dd1d;
            let mut r = [0u8; 32];
            r.iter_mut()
                .enumerate()
                .for_each(|(i, b)| *b = (x >> (i % 8 * 8)) as u8 ^ i as u8);
            let before = r;
            let want: u64 = (0..bits).fold(0, |v, i| {
                let b = f.bit + i;
                v | (u64::from(r[(b / 8) as usize] >> (b % 8) & 1) << i)
            });
            assert_eq!(get(&r, f), want, "get bit {bit} bits {bits}");
            let v = x.wrapping_mul(0x5851_f42d_4c95_7f2d);
            put(&mut r, f, v);
            for k in 0..256u32 {
                let got = r[(k / 8) as usize] >> (k % 8) & 1;
                let exp = if (f.bit..f.bit + bits).contains(&k) {
                    (v >> (k - f.bit) & 1) as u8
                } else {
                    before[(k / 8) as usize] >> (k % 8) & 1
                };
                assert_eq!(got, exp, "put bit {bit} bits {bits}: record bit {k}");
            }
        }
    }
}

#[test]
fn put_leaves_other_bits_alone() {
    let mut r = [0xffu8; 32];
    put(&mut r, COMPLETION.field("FAULT_RESP"), 2);
    assert_eq!(r[26], 0xfe);
    assert_eq!(get(&r, COMPLETION.field("FAULT_RESP")), 2);
    assert!(r.iter().enumerate().all(|(i, &b)| i == 26 || b == 0xff));
}
