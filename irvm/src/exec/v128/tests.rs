//! The inline forms of 8- and 16-byte vectors against the out-of-loop ones of `vector.rs` (which
//! `exec/vector/tests.rs` checks against the scalar semantics), into a separate destination and in
//! place, on random lanes with some equal ones.

use super::*;
use crate::exec::vector::{self, V};

fn random(seed: &mut u64) -> [u64; 4] {
    std::array::from_fn(|_| {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    })
}

fn v(x: &[u64; 4]) -> V {
    V(x.as_ptr().cast_mut().cast())
}

const LANES: [Lane; 4] = [Lane::I8, Lane::I16, Lane::I32, Lane::I64];

#[test]
fn int_and_min_max_match_the_lane_loops() {
    let mut seed = 0x853c_49e6_748f_ea9b;
    for bytes in [8usize, 16] {
        for l in LANES {
            let n = bytes / l.bytes() as usize;
            for _ in 0..8 {
                let (a, mut b) = (random(&mut seed), random(&mut seed));
                b[0] = a[0];
                let ops = [
                    IBin::Add,
                    IBin::Sub,
                    IBin::Mul,
                    IBin::And,
                    IBin::Or,
                    IBin::Xor,
                    IBin::Shl,
                    IBin::LShr,
                    IBin::AShr,
                ];
                for op in ops {
                    assert!(int_inline(op, l));
                    let (mut want, mut got, mut inplace) = ([0u64; 4], [0u64; 4], a);
                    vector::vint(op, l, n, v(&want), v(&a), v(&b)).unwrap();
                    // SAFETY: each array holds at least `bytes` bytes.
                    unsafe {
                        int(bytes, op, l, got.as_mut_ptr(), a.as_ptr(), b.as_ptr());
                        int(bytes, op, l, inplace.as_mut_ptr(), inplace.as_ptr(), b.as_ptr());
                    }
                    want[bytes / 8..].fill(0);
                    got[bytes / 8..].fill(0);
                    inplace[bytes / 8..].fill(0);
                    assert_eq!(got, want, "{op:?} {l:?} x{n}");
                    assert_eq!(inplace, want, "{op:?} {l:?} x{n} in place");
                }
                for op in [IBin2::SMin, IBin2::SMax, IBin2::UMin, IBin2::UMax] {
                    assert!(min_max_inline(op, l));
                    let (mut want, mut got, mut inplace) = ([0u64; 4], [0u64; 4], a);
                    vector::vibin2(op, l, n, v(&want), v(&a), v(&b));
                    // SAFETY: each array holds at least `bytes` bytes.
                    unsafe {
                        min_max(bytes, op, l, got.as_mut_ptr(), a.as_ptr(), b.as_ptr());
                        min_max(bytes, op, l, inplace.as_mut_ptr(), inplace.as_ptr(), b.as_ptr());
                    }
                    want[bytes / 8..].fill(0);
                    got[bytes / 8..].fill(0);
                    inplace[bytes / 8..].fill(0);
                    assert_eq!(got, want, "{op:?} {l:?} x{n}");
                    assert_eq!(inplace, want, "{op:?} {l:?} x{n} in place");
                }
            }
        }
    }
}

#[test]
fn resizes_match_the_lane_loops() {
    let mut seed = 0xda94_2042_e4dd_58b5;
    for _ in 0..16 {
        let a = random(&mut seed);
        for signed in [false, true] {
            // The three shapes the loop runs inline, each into a separate destination and in place.
            let check = |from: Lane, to: Lane, n: usize, run: &dyn Fn(*mut u64, *const u64)| {
                let (mut want, mut got, mut inplace) = ([0u64; 4], [0u64; 4], a);
                vector::vresize(from, to, signed, n, v(&want), v(&a));
                run(got.as_mut_ptr(), a.as_ptr());
                run(inplace.as_mut_ptr(), inplace.as_ptr());
                let slots = n * to.bytes() as usize / 8;
                want[slots..].fill(0);
                got[slots..].fill(0);
                inplace[slots..].fill(0);
                assert_eq!(got, want, "{from:?} -> {to:?} x{n} signed {signed}");
                assert_eq!(inplace, want, "{from:?} -> {to:?} x{n} signed {signed}, in place");
            };
            if signed {
                // SAFETY: the arrays hold 32 bytes, more than the shape needs.
                check(Lane::I32, Lane::I64, 2, &|d, s| unsafe { resize::<i32, i64, 2>(d, s, i64::from) });
                // SAFETY: as above.
                check(Lane::I8, Lane::I16, 16, &|d, s| unsafe { resize::<i8, i16, 16>(d, s, i16::from) });
            } else {
                // SAFETY: as above.
                check(Lane::I32, Lane::I64, 2, &|d, s| unsafe { resize::<u32, u64, 2>(d, s, u64::from) });
                // SAFETY: as above.
                check(Lane::I8, Lane::I16, 16, &|d, s| unsafe { resize::<u8, u16, 16>(d, s, u16::from) });
            }
            // SAFETY: as above.
            check(Lane::I16, Lane::I8, 16, &|d, s| unsafe { resize::<u16, u8, 16>(d, s, |x| x as u8) });
        }
    }
}

#[test]
fn lane_reads_match_the_vector_lanes() {
    let a = random(&mut 0x1234_5678_9abc_def1);
    for bytes in [1u8, 2, 4, 8] {
        for k in 0..16 / usize::from(bytes) {
            let off = k * usize::from(bytes);
            // SAFETY: `off + bytes` is at most 16, inside the array.
            let got = unsafe { lane_at(a.as_ptr(), off as u32, bytes) };
            assert_eq!(got, v(&a).get(k, usize::from(bytes)), "{bytes} bytes at {off}");
        }
    }
}
