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

    /// `int __signbit(double x)`.
    ///
    /// # Safety
    /// Always safe.
    fn __signbit(x: f64) -> c_int {
        x.is_sign_negative() as c_int
    }

    /// `int __signbitf(float x)`.
    ///
    /// # Safety
    /// Always safe.
    fn __signbitf(x: f32) -> c_int {
        x.is_sign_negative() as c_int
    }

    /// `int isnan(double x)`.
    ///
    /// # Safety
    /// Always safe.
    fn isnan(x: f64) -> c_int {
        x.is_nan() as c_int
    }

    /// `int __isnan(double x)`.
    ///
    /// # Safety
    /// Always safe.
    fn __isnan(x: f64) -> c_int {
        x.is_nan() as c_int
    }

    /// `int isnanf(float x)`.
    ///
    /// # Safety
    /// Always safe.
    fn isnanf(x: f32) -> c_int {
        x.is_nan() as c_int
    }

    /// `int __isnanf(float x)`.
    ///
    /// # Safety
    /// Always safe.
    fn __isnanf(x: f32) -> c_int {
        x.is_nan() as c_int
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

    /// `int finite(double x)`.
    ///
    /// # Safety
    /// Always safe.
    fn finite(x: f64) -> c_int {
        x.is_finite() as c_int
    }

    /// `int __finite(double x)`.
    ///
    /// # Safety
    /// Always safe.
    fn __finite(x: f64) -> c_int {
        x.is_finite() as c_int
    }

    /// `int finitef(float x)`.
    ///
    /// # Safety
    /// Always safe.
    fn finitef(x: f32) -> c_int {
        x.is_finite() as c_int
    }

    /// `int __finitef(float x)`.
    ///
    /// # Safety
    /// Always safe.
    fn __finitef(x: f32) -> c_int {
        x.is_finite() as c_int
    }
}
