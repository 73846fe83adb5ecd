//! 8- and 16-byte vectors, the widths that clang -O2 vectorizes to on x86-64 (SSE, and the
//! half vectors of its epilogues), run inline in the dispatch loop: loads and stores,
//! `<4 x float>`/`<2 x double>` arithmetic and multiply-add, the plain integer lane operations
//! and shifts (also on 32 bytes, as two halves, in the loop), integer min/max, the integer
//! resizes of whole slots, the paired multiply-add of `VAxpy2X` and constant-offset lane reads. The byte
//! and lane counts are constants here, so each handler compiles to a few SSE instructions; every
//! other shape or operation runs in `vector.rs`, out of the loop. These vectors fill whole slots,
//! so no unused tail needs zeroing.

use crate::isa::{FBin, IBin, IBin2, Lane};

/// Copy `N` bytes: a load or a store of an `N`-byte vector.
///
/// # Safety
/// `src` is readable and `dst` writable for `N` bytes (slots, or the program's own memory).
#[inline(always)]
pub(super) unsafe fn copy<const N: usize>(dst: *mut u8, src: *const u8) {
    // SAFETY: both ranges are valid for N bytes (caller); unaligned accesses allow any address.
    unsafe { dst.cast::<[u8; N]>().write_unaligned(src.cast::<[u8; N]>().read_unaligned()) }
}

macro_rules! lanes {
    ($t:ty, $d:expr, [$($src:expr),+], |$($x:ident),+| $e:expr) => {
        lanes!($t, 16, $d, [$($src),+], |$($x),+| $e)
    };
    ($t:ty, $bytes:expr, $d:expr, [$($src:expr),+], |$($x:ident),+| $e:expr) => {{
        const N: usize = $bytes / std::mem::size_of::<$t>();
        // SAFETY: every operand is a vector of `$bytes` bytes in whole frame slots (translator);
        // all are read before the result is written, so the result may be an operand.
        unsafe {
            let ($($x,)+) = ($($src.cast::<[$t; N]>().read_unaligned(),)+);
            let mut r = [<$t>::default(); N];
            for k in 0..N {
                let ($($x,)+) = ($($x[k],)+);
                r[k] = $e;
            }
            $d.cast::<[$t; N]>().write_unaligned(r);
        }
    }};
}

/// Whether `op` is one of the float operations `fbin` handles.
#[inline(always)]
pub(super) fn fbin_inline(op: FBin) -> bool {
    matches!(op, FBin::Add | FBin::Sub | FBin::Mul | FBin::Div)
}

/// `d = a op b` lane by lane on `<4 x float>` (`dbl` false) or `<2 x double>`, for the four
/// operations of `fbin_inline`.
///
/// # Safety
/// `d`, `a`, `b` each point at a 16-byte vector in the frame.
#[inline(always)]
pub(super) unsafe fn fbin(op: FBin, dbl: bool, d: *mut u64, a: *const u64, b: *const u64) {
    macro_rules! per_op {
        ($t:ty) => {
            match op {
                FBin::Add => lanes!($t, d, [a, b], |x, y| x + y),
                FBin::Sub => lanes!($t, d, [a, b], |x, y| x - y),
                FBin::Mul => lanes!($t, d, [a, b], |x, y| x * y),
                _ => lanes!($t, d, [a, b], |x, y| x / y),
            }
        };
    }
    if dbl { per_op!(f64) } else { per_op!(f32) }
}

/// `d = a * b + c` rounded twice (`llvm.fmuladd` without contraction), lane by lane.
///
/// # Safety
/// As `fbin`, and `c` too.
#[inline(always)]
pub(super) unsafe fn fmuladd(dbl: bool, d: *mut u64, a: *const u64, b: *const u64, c: *const u64) {
    if dbl { lanes!(f64, d, [a, b, c], |x, y, z| x * y + z) } else { lanes!(f32, d, [a, b, c], |x, y, z| x * y + z) }
}

/// `d = x * b + c` on two consecutive 16-byte vectors (`d`, `b`, `c` 32 bytes), the same 16-byte
/// `x` for each half, rounded twice: every operand is read before `d` is written.
///
/// # Safety
/// `d`, `b`, `c` each point at 32 bytes, `x` at a 16-byte vector in the frame.
#[inline(always)]
pub(super) unsafe fn fmuladd_pair(dbl: bool, d: *mut u64, x: *const u64, b: *const u64, c: *const u64) {
    macro_rules! pair {
        ($t:ty) => {{
            const N: usize = 16 / std::mem::size_of::<$t>();
            // SAFETY: the ranges of the # Safety section; unaligned reads and writes allow any
            // address, and all reads come before the write.
            unsafe {
                let x = x.cast::<[$t; N]>().read_unaligned();
                let b = b.cast::<[$t; 2 * N]>().read_unaligned();
                let c = c.cast::<[$t; 2 * N]>().read_unaligned();
                let mut r = [<$t>::default(); 2 * N];
                for k in 0..2 * N {
                    r[k] = x[k % N] * b[k] + c[k];
                }
                d.cast::<[$t; 2 * N]>().write_unaligned(r);
            }
        }};
    }
    if dbl { pair!(f64) } else { pair!(f32) }
}

/// Whether `op` on `lane` is one of the integer operations `int` handles (the ones that cannot
/// fault).
#[inline(always)]
pub(super) fn int_inline(op: IBin, lane: Lane) -> bool {
    matches!(
        op,
        IBin::Add | IBin::Sub | IBin::Mul | IBin::And | IBin::Or | IBin::Xor | IBin::Shl | IBin::LShr | IBin::AShr
    ) && matches!(lane, Lane::I8 | Lane::I16 | Lane::I32 | Lane::I64)
}

/// `d = a op b` lane by lane on an integer vector of `bytes` bytes (8 or 16, a constant at every
/// use), for what `int_inline` accepts.
///
/// # Safety
/// As `fbin`, the vectors being `bytes` bytes.
#[inline(always)]
pub(super) unsafe fn int(bytes: usize, op: IBin, lane: Lane, d: *mut u64, a: *const u64, b: *const u64) {
    // A shift by the lane's width or more is poison in LLVM; the amount is taken modulo the
    // width, as `vector.rs` does.
    macro_rules! per_op {
        ($t:ty, $s:ty, $bytes:literal) => {
            match op {
                IBin::Add => lanes!($t, $bytes, d, [a, b], |x, y| x.wrapping_add(y)),
                IBin::Sub => lanes!($t, $bytes, d, [a, b], |x, y| x.wrapping_sub(y)),
                IBin::Mul => lanes!($t, $bytes, d, [a, b], |x, y| x.wrapping_mul(y)),
                IBin::And => lanes!($t, $bytes, d, [a, b], |x, y| x & y),
                IBin::Or => lanes!($t, $bytes, d, [a, b], |x, y| x | y),
                IBin::Shl => lanes!($t, $bytes, d, [a, b], |x, y| x.wrapping_shl(y as u32 % <$t>::BITS)),
                IBin::LShr => lanes!($t, $bytes, d, [a, b], |x, y| x.wrapping_shr(y as u32 % <$t>::BITS)),
                IBin::AShr => {
                    lanes!($t, $bytes, d, [a, b], |x, y| (x as $s).wrapping_shr(y as u32 % <$t>::BITS) as $t)
                }
                _ => lanes!($t, $bytes, d, [a, b], |x, y| x ^ y),
            }
        };
    }
    macro_rules! per_lane {
        ($bytes:literal) => {
            match lane {
                Lane::I8 => per_op!(u8, i8, $bytes),
                Lane::I16 => per_op!(u16, i16, $bytes),
                Lane::I32 => per_op!(u32, i32, $bytes),
                _ => per_op!(u64, i64, $bytes),
            }
        };
    }
    if bytes == 8 { per_lane!(8) } else { per_lane!(16) }
}

/// Whether `op` on `lane` is an integer min/max that `min_max` handles.
#[inline(always)]
pub(super) fn min_max_inline(op: IBin2, lane: Lane) -> bool {
    matches!(op, IBin2::SMin | IBin2::SMax | IBin2::UMin | IBin2::UMax)
        && matches!(lane, Lane::I8 | Lane::I16 | Lane::I32 | Lane::I64)
}

/// `d = min/max(a, b)` lane by lane on an integer vector of `bytes` bytes (8 or 16, a constant
/// at every use), for what `min_max_inline` accepts (what clang -O2 vectorizes
/// `x < m ? x : m` to).
///
/// # Safety
/// As `int`.
#[inline(always)]
pub(super) unsafe fn min_max(bytes: usize, op: IBin2, lane: Lane, d: *mut u64, a: *const u64, b: *const u64) {
    macro_rules! per_op {
        ($u:ty, $s:ty, $bytes:literal) => {
            match op {
                IBin2::SMin => lanes!($u, $bytes, d, [a, b], |x, y| if (x as $s) < (y as $s) { x } else { y }),
                IBin2::SMax => lanes!($u, $bytes, d, [a, b], |x, y| if (x as $s) > (y as $s) { x } else { y }),
                IBin2::UMin => lanes!($u, $bytes, d, [a, b], |x, y| x.min(y)),
                _ => lanes!($u, $bytes, d, [a, b], |x, y| x.max(y)),
            }
        };
    }
    macro_rules! per_lane {
        ($bytes:literal) => {
            match lane {
                Lane::I8 => per_op!(u8, i8, $bytes),
                Lane::I16 => per_op!(u16, i16, $bytes),
                Lane::I32 => per_op!(u32, i32, $bytes),
                _ => per_op!(u64, i64, $bytes),
            }
        };
    }
    if bytes == 8 { per_lane!(8) } else { per_lane!(16) }
}

/// `d = zext/sext/trunc a` of `N` integer lanes from `F` to `T`, both vectors whole slots (the
/// resizes clang -O2 emits: `<2 x i32>` to `<2 x i64>`, `<16 x i8>` to `<16 x i16>` and back).
/// `widen` is the lane conversion (`as` through the signed type for `sext`).
///
/// # Safety
/// `a` holds `N` lanes of `F` and `d` room for `N` lanes of `T`, in frame slots; `a` is read
/// whole before `d` is written, so `d` may be `a`.
#[inline(always)]
pub(super) unsafe fn resize<F: Copy, T: Copy + Default, const N: usize>(
    d: *mut u64,
    a: *const u64,
    widen: impl Fn(F) -> T,
) {
    // SAFETY: the lanes are in frame slots (# Safety); unaligned accesses allow any offset.
    unsafe {
        let x = a.cast::<[F; N]>().read_unaligned();
        let mut r = [T::default(); N];
        for k in 0..N {
            r[k] = widen(x[k]);
        }
        d.cast::<[T; N]>().write_unaligned(r);
    }
}

/// The lane of `bytes` bytes (1, 2, 4 or 8) at byte offset `off` of the vector at `v`,
/// zero-extended (`extractelement` at a constant index).
///
/// # Safety
/// `v + off .. v + off + bytes` lies in the vector's frame slots.
#[inline(always)]
pub(super) unsafe fn lane_at(v: *const u64, off: u32, bytes: u8) -> u64 {
    // SAFETY: the caller guarantees that `bytes` bytes at `off` are inside the vector's slots
    // (# Safety), so the offset pointer stays in the slots' allocation and `V::get` reads only
    // those bytes (unaligned reads).
    super::vector::V(unsafe { v.cast::<u8>().add(off as usize) }.cast_mut()).get(0, usize::from(bytes))
}

#[cfg(test)]
mod tests;
