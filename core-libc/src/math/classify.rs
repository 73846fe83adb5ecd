//! The classification entry points glibc exports for `<math.h>` macros and old code:
//! `__fpclassify`, `__signbit`, `isnan`/`__isnan`, `isinf`/`__isinf`, `finite`/`__finite` and
//! their float variants.

use core::ffi::c_int;

crate::libc_fn! {
    /// `int __fpclassify(double x)`: FP_NAN 0, FP_INFINITE 1, FP_ZERO 2, FP_SUBNORMAL 3, FP_NORMAL 4.
    ///
    /// # Safety
    /// Always safe.
    fn __fpclassify(x: f64) -> c_int {
        use core::num::FpCategory::*;
        match x.classify() {
            Nan => 0,
            Infinite => 1,
            Zero => 2,
            Subnormal => 3,
            Normal => 4,
        }
    }

    /// `int __fpclassifyf(float x)`.
    ///
    /// # Safety
    /// Always safe.
    fn __fpclassifyf(x: f32) -> c_int {
        // SAFETY: always safe; widening keeps the class.
        unsafe { __fpclassify(x as f64) }
    }

    /// `int isinf(double x)`: 1 for +inf, -1 for -inf (glibc), else 0.
    ///
    /// # Safety
    /// Always safe.
    fn isinf(x: f64) -> c_int {
        if x.is_infinite() { if x > 0.0 { 1 } else { -1 } } else { 0 }
    }

    /// `int __isinf(double x)`.
    ///
    /// # Safety
    /// Always safe.
    fn __isinf(x: f64) -> c_int {
        // SAFETY: always safe.
        unsafe { isinf(x) }
    }

    /// `int isinff(float x)`.
    ///
    /// # Safety
    /// Always safe.
    fn isinff(x: f32) -> c_int {
        // SAFETY: always safe.
        unsafe { isinf(x as f64) }
    }

    /// `int __isinff(float x)`.
    ///
    /// # Safety
    /// Always safe.
    fn __isinff(x: f32) -> c_int {
        // SAFETY: always safe.
        unsafe { isinf(x as f64) }
    }
}

/// Define classification tests that are one method of the value, one line each:
/// `fn name(T) = method;` for `int name(T x)` returning `x.method()` as 0 or 1.
macro_rules! float_tests {
    () => {};
    ($(#[$m:meta])* fn $name:ident($t:ty) = $test:ident; $($rest:tt)*) => {
        crate::libc_fn! {
            $(#[$m])*
            ///
            /// # Safety
            /// Always safe.
            fn $name(x: $t) -> c_int {
                x.$test() as c_int
            }
        }
        float_tests! { $($rest)* }
    };
}

float_tests! {
    /// `int __signbit(double x)`.
    fn __signbit(f64) = is_sign_negative;
    /// `int __signbitf(float x)`.
    fn __signbitf(f32) = is_sign_negative;
    /// `int isnan(double x)`.
    fn isnan(f64) = is_nan;
    /// `int __isnan(double x)`.
    fn __isnan(f64) = is_nan;
    /// `int isnanf(float x)`.
    fn isnanf(f32) = is_nan;
    /// `int __isnanf(float x)`.
    fn __isnanf(f32) = is_nan;
    /// `int finite(double x)`.
    fn finite(f64) = is_finite;
    /// `int __finite(double x)`.
    fn __finite(f64) = is_finite;
    /// `int finitef(float x)`.
    fn finitef(f32) = is_finite;
    /// `int __finitef(float x)`.
    fn __finitef(f32) = is_finite;
}
