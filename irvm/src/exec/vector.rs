//! Vector semantics. A vector lives in consecutive slots as its packed little-endian bytes
//! (`<n x i1>`: one 0/1 byte per lane); handlers loop over lanes with the lane type fixed outside
//! the loop, and zero the unused tail of the last slot.

use super::float::{f32of, f64of, fbin32, fbin64, fcmp, fun32, fun64, of32, of64};
use super::int::{DivFault, cmp_n, ibin2, iun, sext};
use crate::isa::{Conv, FBin, FPred, FUn, IBin, IBin2, IPred, IUn, Lane, Reduce};

/// Raw lane access on slot memory.
#[derive(Clone, Copy)]
pub(crate) struct V(pub *mut u8);

impl V {
    /// Read lane `k` of `bytes` bytes, zero-extended.
    #[inline(always)]
    pub(crate) fn get(self, k: usize, bytes: usize) -> u64 {
        // SAFETY: V points at a vector's slots; the translator sized them for every lane.
        unsafe {
            let p = self.0.add(k * bytes);
            match bytes {
                1 => u64::from(*p),
                2 => u64::from(p.cast::<u16>().read_unaligned()),
                4 => u64::from(p.cast::<u32>().read_unaligned()),
                _ => p.cast::<u64>().read_unaligned(),
            }
        }
    }
    #[inline(always)]
    pub(crate) fn set(self, k: usize, bytes: usize, v: u64) {
        // SAFETY: as in `get`.
        unsafe {
            let p = self.0.add(k * bytes);
            match bytes {
                1 => *p = v as u8,
                2 => p.cast::<u16>().write_unaligned(v as u16),
                4 => p.cast::<u32>().write_unaligned(v as u32),
                _ => p.cast::<u64>().write_unaligned(v),
            }
        }
    }
    /// Zero the bytes after `used` up to the end of the last slot.
    #[inline(always)]
    pub(crate) fn zero_tail(self, used: usize) {
        // Most vectors fill their last slot: one test (the loop's bounds took 8 instructions).
        if used.is_multiple_of(8) {
            return;
        }
        for k in used..used.next_multiple_of(8) {
            // SAFETY: within the last slot of the vector.
            unsafe { *self.0.add(k) = 0 };
        }
    }
}

/// A lane loop over a whole vector of `N` lanes, for the sizes clang -O2 emits (8, 16 and 32
/// bytes): both operands are read whole before the result is written (so `d` may be `a` or `b`),
/// and with the length fixed LLVM makes straight SIMD code of it; the loop of `lanes!` over a
/// run-time `n` kept its overlap checks and remainder, ~60 instructions for a 16-byte add.
#[inline(always)]
fn whole<T: Copy, const N: usize>(d: V, a: V, b: V, f: impl Fn(T, T) -> T) {
    // SAFETY: `a`, `b` and `d` point at vectors of N lanes of T (the caller matched n * size);
    // unaligned reads and writes of the whole, both reads before the write.
    unsafe {
        let (x, y) = (a.0.cast::<[T; N]>().read_unaligned(), b.0.cast::<[T; N]>().read_unaligned());
        // A counted loop over arrays, not `array::from_fn` (which LLVM left as a call).
        let mut r = x;
        for k in 0..N {
            r[k] = f(x[k], y[k]);
        }
        d.0.cast::<[T; N]>().write_unaligned(r);
    }
}

/// The one-operand form of `whole`: lanes of `F` to lanes of `T` (a vector resize).
#[inline(always)]
fn whole_map<F: Copy, T: Copy, const N: usize>(d: V, a: V, f: impl Fn(F) -> T) {
    // SAFETY: `a` has N lanes of F and `d` N lanes of T (the caller matched n); the source is
    // read whole before the result is written, so a widening in place clobbers nothing.
    unsafe {
        let x = a.0.cast::<[F; N]>().read_unaligned();
        let mut r = [f(x[0]); N];
        for k in 1..N {
            r[k] = f(x[k]);
        }
        d.0.cast::<[T; N]>().write_unaligned(r);
    }
}

macro_rules! lanes {
    ($t:ty, $n:expr, $d:expr, $a:expr, $b:expr, |$x:ident, $y:ident| $e:expr) => {{
        const W: usize = std::mem::size_of::<$t>();
        match $n * W {
            8 => whole::<$t, { 8 / W }>($d, $a, $b, |$x, $y| $e),
            16 => whole::<$t, { 16 / W }>($d, $a, $b, |$x, $y| $e),
            32 => whole::<$t, { 32 / W }>($d, $a, $b, |$x, $y| $e),
            _ => {
                let (d, a, b) = ($d.0.cast::<$t>(), $a.0.cast::<$t>(), $b.0.cast::<$t>());
                for k in 0..$n {
                    // SAFETY: all three point at vectors of at least $n lanes of $t (slot-aligned).
                    unsafe {
                        let ($x, $y) = (a.add(k).read_unaligned(), b.add(k).read_unaligned());
                        d.add(k).write_unaligned($e);
                    }
                }
            }
        }
    }};
}

macro_rules! int_lanes {
    ($u:ty, $s:ty, $op:expr, $n:expr, $d:expr, $a:expr, $b:expr) => {{
        let bits = <$u>::BITS;
        match $op {
            IBin::Add => lanes!($u, $n, $d, $a, $b, |x, y| x.wrapping_add(y)),
            IBin::Sub => lanes!($u, $n, $d, $a, $b, |x, y| x.wrapping_sub(y)),
            IBin::Mul => lanes!($u, $n, $d, $a, $b, |x, y| x.wrapping_mul(y)),
            IBin::And => lanes!($u, $n, $d, $a, $b, |x, y| x & y),
            IBin::Or => lanes!($u, $n, $d, $a, $b, |x, y| x | y),
            IBin::Xor => lanes!($u, $n, $d, $a, $b, |x, y| x ^ y),
            IBin::Shl => lanes!($u, $n, $d, $a, $b, |x, y| x.wrapping_shl(y as u32 % bits)),
            IBin::LShr => lanes!($u, $n, $d, $a, $b, |x, y| x.wrapping_shr(y as u32 % bits)),
            IBin::AShr => lanes!($u, $n, $d, $a, $b, |x, y| (x as $s).wrapping_shr(y as u32 % bits) as $u),
            _ => {
                for k in 0..$n {
                    let (x, y) = ($a.get(k, (bits / 8) as usize), $b.get(k, (bits / 8) as usize));
                    let r = super::int::int_n($op, bits, x, y)?;
                    $d.set(k, (bits / 8) as usize, r);
                }
            }
        }
    }};
}

pub(crate) fn vint(op: IBin, lane: Lane, n: usize, d: V, a: V, b: V) -> Result<(), DivFault> {
    match lane {
        Lane::I8 => int_lanes!(u8, i8, op, n, d, a, b),
        Lane::I16 => int_lanes!(u16, i16, op, n, d, a, b),
        Lane::I32 => int_lanes!(u32, i32, op, n, d, a, b),
        Lane::I64 => int_lanes!(u64, i64, op, n, d, a, b),
        Lane::I1 => {
            for k in 0..n {
                let r = super::int::int_n(op, 1, a.get(k, 1) & 1, b.get(k, 1) & 1)?;
                d.set(k, 1, r);
            }
        }
        Lane::F16 | Lane::F32 | Lane::F64 => return Err(DivFault),
    }
    d.zero_tail(n * lane.bytes() as usize);
    Ok(())
}

pub(crate) fn vfloat(op: FBin, dbl: bool, n: usize, d: V, a: V, b: V) {
    match (dbl, op) {
        (false, FBin::Add) => lanes!(f32, n, d, a, b, |x, y| x + y),
        (false, FBin::Sub) => lanes!(f32, n, d, a, b, |x, y| x - y),
        (false, FBin::Mul) => lanes!(f32, n, d, a, b, |x, y| x * y),
        (false, FBin::Div) => lanes!(f32, n, d, a, b, |x, y| x / y),
        (true, FBin::Add) => lanes!(f64, n, d, a, b, |x, y| x + y),
        (true, FBin::Sub) => lanes!(f64, n, d, a, b, |x, y| x - y),
        (true, FBin::Mul) => lanes!(f64, n, d, a, b, |x, y| x * y),
        (true, FBin::Div) => lanes!(f64, n, d, a, b, |x, y| x / y),
        (false, _) => lanes!(f32, n, d, a, b, |x, y| fbin32(op, x, y)),
        (true, _) => lanes!(f64, n, d, a, b, |x, y| fbin64(op, x, y)),
    }
    d.zero_tail(n * if dbl { 8 } else { 4 });
}

pub(crate) fn vfun(op: FUn, dbl: bool, n: usize, d: V, a: V) {
    for k in 0..n {
        if dbl {
            d.set(k, 8, of64(fun64(op, f64of(a.get(k, 8)))));
        } else {
            d.set(k, 4, of32(fun32(op, f32of(a.get(k, 4)))));
        }
    }
    d.zero_tail(n * if dbl { 8 } else { 4 });
}

pub(crate) fn vfma(dbl: bool, fused: bool, n: usize, d: V, a: V, b: V, c: V) {
    for k in 0..n {
        if dbl {
            let (x, y, z) = (f64of(a.get(k, 8)), f64of(b.get(k, 8)), f64of(c.get(k, 8)));
            d.set(k, 8, of64(if fused { x.mul_add(y, z) } else { x * y + z }));
        } else {
            let (x, y, z) = (f32of(a.get(k, 4)), f32of(b.get(k, 4)), f32of(c.get(k, 4)));
            d.set(k, 4, of32(if fused { x.mul_add(y, z) } else { x * y + z }));
        }
    }
    d.zero_tail(n * if dbl { 8 } else { 4 });
}

/// The compare form of `whole`: N lanes of T compared into N bytes of 0/1.
#[inline(always)]
fn whole_cmp<T: Copy, const N: usize>(d: V, a: V, b: V, f: impl Fn(T, T) -> bool) {
    // SAFETY: `a` and `b` have N lanes of T and `d` N one-byte lanes (the caller matched the
    // lane type and n); both reads come before the write.
    unsafe {
        let (x, y) = (a.0.cast::<[T; N]>().read_unaligned(), b.0.cast::<[T; N]>().read_unaligned());
        let mut r = [0u8; N];
        for k in 0..N {
            r[k] = u8::from(f(x[k], y[k]));
        }
        d.0.cast::<[u8; N]>().write_unaligned(r);
    }
}

pub(crate) fn vicmp(p: IPred, lane: Lane, n: usize, d: V, a: V, b: V) {
    // Whole 8- and 16-byte vectors of one predicate (what clang -O2 emits: `icmp ult <16 x i8>`
    // of a byte-class test); other shapes take the lane loop below.
    macro_rules! whole {
        ($u:ty, $s:ty, $n:expr) => {
            match p {
                IPred::Eq => whole_cmp::<$u, $n>(d, a, b, |x, y| x == y),
                IPred::Ne => whole_cmp::<$u, $n>(d, a, b, |x, y| x != y),
                IPred::Ugt => whole_cmp::<$u, $n>(d, a, b, |x, y| x > y),
                IPred::Uge => whole_cmp::<$u, $n>(d, a, b, |x, y| x >= y),
                IPred::Ult => whole_cmp::<$u, $n>(d, a, b, |x, y| x < y),
                IPred::Ule => whole_cmp::<$u, $n>(d, a, b, |x, y| x <= y),
                IPred::Sgt => whole_cmp::<$u, $n>(d, a, b, |x, y| (x as $s) > (y as $s)),
                IPred::Sge => whole_cmp::<$u, $n>(d, a, b, |x, y| (x as $s) >= (y as $s)),
                IPred::Slt => whole_cmp::<$u, $n>(d, a, b, |x, y| (x as $s) < (y as $s)),
                IPred::Sle => whole_cmp::<$u, $n>(d, a, b, |x, y| (x as $s) <= (y as $s)),
            }
        };
    }
    match (lane, n) {
        (Lane::I8, 8) => whole!(u8, i8, 8),
        (Lane::I8, 16) => whole!(u8, i8, 16),
        (Lane::I16, 4) => whole!(u16, i16, 4),
        (Lane::I16, 8) => whole!(u16, i16, 8),
        (Lane::I32, 2) => whole!(u32, i32, 2),
        (Lane::I32, 4) => whole!(u32, i32, 4),
        (Lane::I64, 2) => whole!(u64, i64, 2),
        _ => {
            let (bytes, bits) = (lane.bytes() as usize, lane.bits());
            let m = crate::consts::mask(bits);
            for k in 0..n {
                d.set(k, 1, u64::from(cmp_n(p, bits, a.get(k, bytes) & m, b.get(k, bytes) & m)));
            }
        }
    }
    d.zero_tail(n);
}

pub(crate) fn vfcmp(p: FPred, dbl: bool, n: usize, d: V, a: V, b: V) {
    for k in 0..n {
        let r = if dbl {
            fcmp(p, f64of(a.get(k, 8)), f64of(b.get(k, 8)))
        } else {
            fcmp(p, f64::from(f32of(a.get(k, 4))), f64::from(f32of(b.get(k, 4))))
        };
        d.set(k, 1, u64::from(r));
    }
    d.zero_tail(n);
}

pub(crate) fn vselect(lane: Lane, n: usize, d: V, c: V, a: V, b: V) {
    let bytes = lane.bytes() as usize;
    for k in 0..n {
        let v = if c.get(k, 1) & 1 != 0 { a.get(k, bytes) } else { b.get(k, bytes) };
        d.set(k, bytes, v);
    }
    d.zero_tail(n * bytes);
}

pub(crate) fn vresize(from: Lane, to: Lane, signed: bool, n: usize, d: V, a: V) {
    // The integer lane widths: a typed loop per pair (what clang -O2's zext/sext/trunc of vectors
    // use); `$fs`/`$ts` are the signed types, through which a signed widening extends the sign.
    macro_rules! typed_loop {
        ($fu:ty, $tu:ty, $f:expr) => {{
            // In place, a widening would clobber lanes not yet read going up, a narrowing going
            // down: widen from the top lane down, narrow from the bottom up.
            let one = |k: usize| {
                // SAFETY: `a` has n lanes of $fu and `d` n lanes of $tu (translator).
                unsafe {
                    let x = a.0.cast::<$fu>().add(k).read_unaligned();
                    d.0.cast::<$tu>().add(k).write_unaligned($f(x));
                }
            };
            if std::mem::size_of::<$tu>() > std::mem::size_of::<$fu>() {
                (0..n).rev().for_each(one);
            } else {
                (0..n).for_each(one);
            }
        }};
    }
    // The whole-vector form for the lane counts of 8- to 32-byte vectors, the loop otherwise.
    macro_rules! sized {
        ($fu:ty, $tu:ty, $f:expr) => {{
            match n {
                2 => whole_map::<$fu, $tu, 2>(d, a, $f),
                4 => whole_map::<$fu, $tu, 4>(d, a, $f),
                8 => whole_map::<$fu, $tu, 8>(d, a, $f),
                16 => whole_map::<$fu, $tu, 16>(d, a, $f),
                _ => typed_loop!($fu, $tu, $f),
            }
        }};
    }
    macro_rules! typed {
        ($fu:ty, $fs:ty, $tu:ty, $ts:ty) => {
            if signed { sized!($fu, $tu, |x: $fu| x as $fs as $ts as $tu) } else { sized!($fu, $tu, |x: $fu| x as $tu) }
        };
    }
    macro_rules! to {
        ($fu:ty, $fs:ty) => {
            match to {
                Lane::I8 => typed!($fu, $fs, u8, i8),
                Lane::I16 => typed!($fu, $fs, u16, i16),
                Lane::I32 => typed!($fu, $fs, u32, i32),
                _ => typed!($fu, $fs, u64, i64),
            }
        };
    }
    let int = |l: Lane| matches!(l, Lane::I8 | Lane::I16 | Lane::I32 | Lane::I64);
    if int(from) && int(to) {
        match from {
            Lane::I8 => to!(u8, i8),
            Lane::I16 => to!(u16, i16),
            Lane::I32 => to!(u32, i32),
            _ => to!(u64, i64),
        }
        d.zero_tail(n * to.bytes() as usize);
        return;
    }
    let (fb, tb) = (from.bytes() as usize, to.bytes() as usize);
    let m = crate::consts::mask(to.bits());
    let one = |k: usize| {
        let x = a.get(k, fb) & crate::consts::mask(from.bits());
        let v = if signed { sext(x, from.bits()) as u64 } else { x };
        d.set(k, tb, v & m);
    };
    // As in `typed_loop`: widen from the top lane down, narrow from the bottom up.
    if tb > fb {
        (0..n).rev().for_each(one);
    } else {
        (0..n).for_each(one);
    }
    d.zero_tail(n * tb);
}

pub(crate) fn vconv(k: Conv, lane: Lane, n: usize, d: V, a: V) {
    let (ib, bits) = (lane.bytes() as usize, lane.bits());
    let (src, dst) = match k {
        Conv::SiToF32 | Conv::UiToF32 => (ib, 4),
        Conv::SiToF64 | Conv::UiToF64 => (ib, 8),
        Conv::F32ToSi | Conv::F32ToUi => (4, ib),
        Conv::F64ToSi | Conv::F64ToUi => (8, ib),
        Conv::F32ToF64 => (4, 8),
        Conv::F64ToF32 => (8, 4),
    };
    let tmp: Vec<u64> = (0..n).map(|j| super::float::conv(k, bits, a.get(j, src))).collect();
    for (j, v) in tmp.into_iter().enumerate() {
        d.set(j, dst, v);
    }
    d.zero_tail(n * dst);
}

pub(crate) fn viun(op: IUn, lane: Lane, n: usize, d: V, a: V) {
    let (bytes, bits) = (lane.bytes() as usize, lane.bits());
    for k in 0..n {
        d.set(k, bytes, iun(op, bits, u128::from(a.get(k, bytes))) as u64);
    }
    d.zero_tail(n * bytes);
}

pub(crate) fn vibin2(op: IBin2, lane: Lane, n: usize, d: V, a: V, b: V) {
    // min/max (what clang -O2 vectorizes `x < m ? x : m` to): a typed loop per lane width.
    macro_rules! min_max {
        ($u:ty, $s:ty) => {
            match op {
                IBin2::SMin => lanes!($u, n, d, a, b, |x, y| if (x as $s) < (y as $s) { x } else { y }),
                IBin2::SMax => lanes!($u, n, d, a, b, |x, y| if (x as $s) > (y as $s) { x } else { y }),
                IBin2::UMin => lanes!($u, n, d, a, b, |x, y| x.min(y)),
                _ => lanes!($u, n, d, a, b, |x, y| x.max(y)),
            }
        };
    }
    let (bytes, bits) = (lane.bytes() as usize, lane.bits());
    if matches!(op, IBin2::SMin | IBin2::SMax | IBin2::UMin | IBin2::UMax)
        && matches!(lane, Lane::I8 | Lane::I16 | Lane::I32 | Lane::I64)
    {
        match lane {
            Lane::I8 => min_max!(u8, i8),
            Lane::I16 => min_max!(u16, i16),
            Lane::I32 => min_max!(u32, i32),
            _ => min_max!(u64, i64),
        }
        d.zero_tail(n * bytes);
        return;
    }
    for k in 0..n {
        let (r, _) = ibin2(op, bits, u128::from(a.get(k, bytes)), u128::from(b.get(k, bytes)));
        d.set(k, bytes, r as u64);
    }
    d.zero_tail(n * bytes);
}

/// Integer / min-max reductions, and reassociating float ones as a halving tree.
pub(crate) fn vreduce(op: Reduce, lane: Lane, n: usize, a: V) -> u64 {
    let (bytes, bits) = (lane.bytes() as usize, lane.bits());
    let m = crate::consts::mask(bits);
    let lanes: Vec<u64> = (0..n).map(|k| a.get(k, bytes) & m).collect();
    if matches!(lane, Lane::F32 | Lane::F64) {
        let dbl = lane == Lane::F64;
        let f = |x: u64| if dbl { f64of(x) } else { f64::from(f32of(x)) };
        let mut v: Vec<f64> = lanes.iter().map(|&x| f(x)).collect();
        let comb = |x: f64, y: f64| -> f64 {
            let r = match op {
                Reduce::FAdd => x + y,
                Reduce::FMul => x * y,
                Reduce::FMax => x.max(y),
                Reduce::FMin => x.min(y),
                Reduce::FMaximum => fbin64(FBin::Maximum, x, y),
                _ => fbin64(FBin::Minimum, x, y),
            };
            if dbl { r } else { f64::from(r as f32) }
        };
        while v.len() > 1 {
            let h = v.len() / 2;
            let mut next: Vec<f64> = (0..h).map(|k| comb(v[k], v[k + h])).collect();
            if v.len() % 2 == 1 {
                next.push(v[v.len() - 1]);
            }
            v = next;
        }
        let r = v.first().copied().unwrap_or(0.0);
        return if dbl { of64(r) } else { of32(r as f32) };
    }
    let mut it = lanes.into_iter();
    let first = it.next().unwrap_or(0);
    it.fold(first, |x, y| {
        let r = match op {
            Reduce::Add => x.wrapping_add(y),
            Reduce::Mul => x.wrapping_mul(y),
            Reduce::And => x & y,
            Reduce::Or => x | y,
            Reduce::Xor => x ^ y,
            Reduce::SMax => {
                if sext(x, bits) >= sext(y, bits) {
                    x
                } else {
                    y
                }
            }
            Reduce::SMin => {
                if sext(x, bits) <= sext(y, bits) {
                    x
                } else {
                    y
                }
            }
            Reduce::UMax => x.max(y),
            _ => x.min(y),
        };
        r & m
    })
}

/// Ordered fadd/fmul reduction from `start`.
pub(crate) fn vreduce_seq(op: Reduce, dbl: bool, n: usize, start: u64, a: V) -> u64 {
    if dbl {
        let mut acc = f64of(start);
        for k in 0..n {
            let x = f64of(a.get(k, 8));
            acc = if op == Reduce::FMul { acc * x } else { acc + x };
        }
        of64(acc)
    } else {
        let mut acc = f32of(start);
        for k in 0..n {
            let x = f32of(a.get(k, 4));
            acc = if op == Reduce::FMul { acc * x } else { acc + x };
        }
        of32(acc)
    }
}

#[cfg(test)]
mod tests;
