//! The whole-vector forms of `exec/vector.rs` against a lane-by-lane reference (the scalar integer
//! semantics), for every shape they take, into a separate destination (the lane ops and resizes
//! also in place).

use super::*;
use crate::consts::mask;

const LANES: [Lane; 4] = [Lane::I8, Lane::I16, Lane::I32, Lane::I64];

fn random(seed: &mut u64) -> [u64; 8] {
    std::array::from_fn(|_| {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    })
}

fn lane(v: &[u64; 8], k: usize, l: Lane) -> u64 {
    V(v.as_ptr().cast_mut().cast()).get(k, l.bytes() as usize)
}

/// Shapes of 8, 16 and 32 bytes, and one of 24 bytes that takes the lane loop.
fn shapes() -> impl Iterator<Item = (Lane, usize)> {
    LANES.into_iter().flat_map(|l| [8, 16, 24, 32].map(|b| (l, b / l.bytes() as usize)))
}

#[test]
fn int_ops_match_the_scalar_ops() {
    let ops = [IBin::Add, IBin::Sub, IBin::Mul, IBin::And, IBin::Or, IBin::Xor, IBin::Shl, IBin::LShr, IBin::AShr];
    let mut seed = 0x9e37_79b9_7f4a_7c15;
    for (l, n) in shapes() {
        for op in ops {
            let (a, b) = (random(&mut seed), random(&mut seed));
            let mut d = [0u64; 8];
            vint(op, l, n, V(d.as_mut_ptr().cast()), V(a.as_ptr().cast_mut().cast()), V(b.as_ptr().cast_mut().cast()))
                .unwrap();
            let mut inplace = a;
            let p = V(inplace.as_mut_ptr().cast());
            vint(op, l, n, p, p, V(b.as_ptr().cast_mut().cast())).unwrap();
            for k in 0..n {
                let want = super::super::int::int_n(op, l.bits(), lane(&a, k, l), lane(&b, k, l)).unwrap();
                assert_eq!(lane(&d, k, l) & mask(l.bits()), want & mask(l.bits()), "{op:?} {l:?} x{n} lane {k}");
                assert_eq!(lane(&inplace, k, l), lane(&d, k, l), "{op:?} {l:?} x{n} in place, lane {k}");
            }
        }
    }
}

#[test]
fn min_max_and_compares_match_the_scalar_ops() {
    let preds = IPred::ALL;
    let mut seed = 0x2545_f491_4f6c_dd1d;
    for (l, n) in shapes() {
        let (a, mut b) = (random(&mut seed), random(&mut seed));
        // Some equal lanes, so that eq/ne and the or-equal predicates see both outcomes.
        b[0] = a[0];
        let (va, vb) = (V(a.as_ptr().cast_mut().cast()), V(b.as_ptr().cast_mut().cast()));
        for op in [IBin2::SMin, IBin2::SMax, IBin2::UMin, IBin2::UMax] {
            let mut d = [0u64; 8];
            vibin2(op, l, n, V(d.as_mut_ptr().cast()), va, vb);
            for k in 0..n {
                let (want, _) = ibin2(op, l.bits(), u128::from(lane(&a, k, l)), u128::from(lane(&b, k, l)));
                assert_eq!(u128::from(lane(&d, k, l)), want, "{op:?} {l:?} x{n} lane {k}");
            }
        }
        for p in preds {
            let mut d = [u64::MAX; 8];
            vicmp(p, l, n, V(d.as_mut_ptr().cast()), va, vb);
            for k in 0..n {
                let want = cmp_n(p, l.bits(), lane(&a, k, l), lane(&b, k, l));
                assert_eq!(lane(&d, k, Lane::I8), u64::from(want), "{p:?} {l:?} x{n} lane {k}");
            }
            let tail = n.div_ceil(8) * 8;
            assert!((n..tail).all(|k| lane(&d, k, Lane::I8) == 0), "{p:?} {l:?} x{n}: tail not zeroed");
        }
    }
}

#[test]
fn resizes_match_the_scalar_extensions() {
    let mut seed = 0x1234_5678_9abc_def1;
    for from in LANES {
        for to in LANES {
            for n in [2, 4, 8, 16, 3] {
                if n * from.bytes().max(to.bytes()) as usize > 64 {
                    continue;
                }
                for signed in [false, true] {
                    let a = random(&mut seed);
                    let mut d = [0u64; 8];
                    vresize(from, to, signed, n, V(d.as_mut_ptr().cast()), V(a.as_ptr().cast_mut().cast()));
                    let mut inplace = a;
                    let p = V(inplace.as_mut_ptr().cast());
                    vresize(from, to, signed, n, p, p);
                    for k in 0..n {
                        let x = lane(&a, k, from);
                        let want = if signed { sext(x, from.bits()) as u64 } else { x } & mask(to.bits());
                        let what = format!("{from:?}->{to:?} x{n} signed {signed} lane {k}");
                        assert_eq!(lane(&d, k, to), want, "{what}");
                        assert_eq!(lane(&inplace, k, to), want, "{what} in place");
                    }
                }
            }
        }
    }
}
