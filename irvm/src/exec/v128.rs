//! 16-byte vectors, the SSE width that clang -O2 vectorizes to on x86-64, run inline in the
//! dispatch loop: loads and stores, `<4 x float>`/`<2 x double>` arithmetic and multiply-add, and
//! the plain integer lane operations. The lane count is a constant here, so each handler compiles
//! to a few SSE instructions; every other shape or operation runs in `vector.rs` (slow path).
//! A 16-byte vector fills exactly two slots, so no unused tail needs zeroing.

use crate::isa::{FBin, IBin, Lane};

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
    ($t:ty, $d:expr, [$($src:expr),+], |$($x:ident),+| $e:expr) => {{
        const N: usize = 16 / std::mem::size_of::<$t>();
        // SAFETY: every operand is a 16-byte vector in two frame slots (translator).
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

/// Whether `op` on `lane` is one of the integer operations `int` handles (the ones that cannot
/// fault and need no shift-amount masking).
#[inline(always)]
pub(super) fn int_inline(op: IBin, lane: Lane) -> bool {
    matches!(op, IBin::Add | IBin::Sub | IBin::Mul | IBin::And | IBin::Or | IBin::Xor)
        && matches!(lane, Lane::I8 | Lane::I16 | Lane::I32 | Lane::I64)
}

/// `d = a op b` lane by lane on a 16-byte integer vector, for what `int_inline` accepts.
///
/// # Safety
/// As `fbin`.
#[inline(always)]
pub(super) unsafe fn int(op: IBin, lane: Lane, d: *mut u64, a: *const u64, b: *const u64) {
    macro_rules! per_op {
        ($t:ty) => {
            match op {
                IBin::Add => lanes!($t, d, [a, b], |x, y| x.wrapping_add(y)),
                IBin::Sub => lanes!($t, d, [a, b], |x, y| x.wrapping_sub(y)),
                IBin::Mul => lanes!($t, d, [a, b], |x, y| x.wrapping_mul(y)),
                IBin::And => lanes!($t, d, [a, b], |x, y| x & y),
                IBin::Or => lanes!($t, d, [a, b], |x, y| x | y),
                _ => lanes!($t, d, [a, b], |x, y| x ^ y),
            }
        };
    }
    match lane {
        Lane::I8 => per_op!(u8),
        Lane::I16 => per_op!(u16),
        Lane::I32 => per_op!(u32),
        _ => per_op!(u64),
    }
}
