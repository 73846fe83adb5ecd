//! The math.h functions that are not one-to-one libm calls: those with out-parameters (frexp,
//! modf, remquo, sincos, lgamma_r), integer results (ilogb, lrint, lround...), scaling, `nan`
//! and `signgam` (the classification helpers are in `classify.rs`).

use super::fenv::*;
use super::{Rule, check, gamma_pole};
use crate::stdio::SyncCell;
use crate::{Errno, errno};
use core::ffi::{c_char, c_int, c_long, c_longlong};

/// `int signgam`: the sign of the last `lgamma` result (a C data symbol).
#[cfg_attr(feature = "export-libc", unsafe(no_mangle))]
#[allow(non_upper_case_globals)]
pub static signgam: SyncCell<c_int> = SyncCell::new(1);
symbol_registry::register!(static signgam);

/// Round to integer in the current rounding mode, as `cvtsd2si` does (out of range: i64::MIN
/// and FE_INVALID, glibc's x86-64 behaviour).
fn to_i64_rint(x: f64) -> i64 {
    let r = libm::rint(x);
    if r.is_nan() || !(i64::MIN as f64..-(i64::MIN as f64)).contains(&r) {
        raise(FE_INVALID);
        return i64::MIN;
    }
    r as i64
}

/// Round half away from zero to an integer (lround); out of range as above.
fn to_i64_round(x: f64) -> i64 {
    let r = libm::round(x);
    if r.is_nan() || !(i64::MIN as f64..-(i64::MIN as f64)).contains(&r) {
        raise(FE_INVALID);
        return i64::MIN;
    }
    r as i64
}

crate::libc_fn! {
    /// `double exp10(double x)`: computed as `pow(10, x)` (the libm crate's own exp10 is ~3 ulp
    /// off; pow is within 1).
    ///
    /// # Safety
    /// Always safe.
    fn exp10(x: f64) -> f64 {
        check(libm::pow(10.0, x), &[x], Rule::Underflow, false)
    }

    /// `float exp10f(float x)`: `powf(10, x)`.
    ///
    /// # Safety
    /// Always safe.
    fn exp10f(x: f32) -> f32 {
        check(libm::powf(10.0, x) as f64, &[x as f64], Rule::Underflow, false) as f32
    }

    /// `double nextafter(double x, double y)`: ERANGE only when stepping past DBL_MAX.
    ///
    /// # Safety
    /// Always safe.
    fn nextafter(x: f64, y: f64) -> f64 {
        if y.is_nan() {
            return libm::nextafter(x, y);
        }
        check(libm::nextafter(x, y), &[x], Rule::Normal, false)
    }

    /// `float nextafterf(float x, float y)`.
    ///
    /// # Safety
    /// Always safe.
    fn nextafterf(x: f32, y: f32) -> f32 {
        if y.is_nan() {
            return libm::nextafterf(x, y);
        }
        check(libm::nextafterf(x, y) as f64, &[x as f64], Rule::Normal, false) as f32
    }

    /// `double fma(double, double, double)`.
    ///
    /// # Safety
    /// Always safe.
    fn fma(x: f64, y: f64, z: f64) -> f64 {
        check(libm::fma(x, y, z), &[x, y, z], Rule::Normal, false)
    }

    /// `float fmaf(float, float, float)`.
    ///
    /// # Safety
    /// Always safe.
    fn fmaf(x: f32, y: f32, z: f32) -> f32 {
        check(libm::fmaf(x, y, z) as f64, &[x as f64, y as f64, z as f64], Rule::Normal, false) as f32
    }

    /// `double ldexp(double x, int e)`.
    ///
    /// # Safety
    /// Always safe.
    fn ldexp(x: f64, e: c_int) -> f64 {
        check(libm::ldexp(x, e), &[x], Rule::Underflow, false)
    }

    /// `float ldexpf(float x, int e)`.
    ///
    /// # Safety
    /// Always safe.
    fn ldexpf(x: f32, e: c_int) -> f32 {
        check(libm::ldexpf(x, e) as f64, &[x as f64], Rule::Underflow, false) as f32
    }

    /// `double scalbn(double x, int e)`.
    ///
    /// # Safety
    /// Always safe.
    fn scalbn(x: f64, e: c_int) -> f64 {
        check(libm::scalbn(x, e), &[x], Rule::Underflow, false)
    }

    /// `float scalbnf(float x, int e)`.
    ///
    /// # Safety
    /// Always safe.
    fn scalbnf(x: f32, e: c_int) -> f32 {
        check(libm::scalbnf(x, e) as f64, &[x as f64], Rule::Underflow, false) as f32
    }

    /// `double scalbln(double x, long e)`.
    ///
    /// # Safety
    /// Always safe.
    fn scalbln(x: f64, e: c_long) -> f64 {
        let e = e.clamp(c_int::MIN as c_long, c_int::MAX as c_long) as c_int;
        check(libm::scalbn(x, e), &[x], Rule::Underflow, false)
    }

    /// `float scalblnf(float x, long e)`.
    ///
    /// # Safety
    /// Always safe.
    fn scalblnf(x: f32, e: c_long) -> f32 {
        let e = e.clamp(c_int::MIN as c_long, c_int::MAX as c_long) as c_int;
        check(libm::scalbnf(x, e) as f64, &[x as f64], Rule::Underflow, false) as f32
    }

    /// `double frexp(double x, int *e)`.
    ///
    /// # Safety
    /// `e` writable.
    fn frexp(x: f64, e: *mut c_int) -> f64 {
        let (m, k) = libm::frexp(x);
        // SAFETY: per the caller.
        unsafe { *e = k };
        m
    }

    /// `float frexpf(float x, int *e)`.
    ///
    /// # Safety
    /// `e` writable.
    fn frexpf(x: f32, e: *mut c_int) -> f32 {
        let (m, k) = libm::frexpf(x);
        // SAFETY: per the caller.
        unsafe { *e = k };
        m
    }

    /// `double modf(double x, double *ip)`.
    ///
    /// # Safety
    /// `ip` writable.
    fn modf(x: f64, ip: *mut f64) -> f64 {
        let (f, i) = libm::modf(x);
        // SAFETY: per the caller.
        unsafe { *ip = i };
        f
    }

    /// `float modff(float x, float *ip)`.
    ///
    /// # Safety
    /// `ip` writable.
    fn modff(x: f32, ip: *mut f32) -> f32 {
        let (f, i) = libm::modff(x);
        // SAFETY: per the caller.
        unsafe { *ip = i };
        f
    }

    /// `double remquo(double x, double y, int *q)`.
    ///
    /// # Safety
    /// `q` writable.
    fn remquo(x: f64, y: f64, q: *mut c_int) -> f64 {
        let (r, k) = libm::remquo(x, y);
        // SAFETY: per the caller.
        unsafe { *q = k };
        check(r, &[x, y], Rule::Normal, false)
    }

    /// `float remquof(float x, float y, int *q)`.
    ///
    /// # Safety
    /// `q` writable.
    fn remquof(x: f32, y: f32, q: *mut c_int) -> f32 {
        let (r, k) = libm::remquof(x, y);
        // SAFETY: per the caller.
        unsafe { *q = k };
        check(r as f64, &[x as f64, y as f64], Rule::Normal, false) as f32
    }

    /// `void sincos(double x, double *s, double *c)`.
    ///
    /// # Safety
    /// `s`, `c` writable.
    fn sincos(x: f64, s: *mut f64, c: *mut f64) {
        let (sv, cv) = libm::sincos(x);
        // SAFETY: per the caller.
        unsafe {
            *s = check(sv, &[x], Rule::Normal, false);
            *c = cv;
        }
    }

    /// `void sincosf(float x, float *s, float *c)`.
    ///
    /// # Safety
    /// `s`, `c` writable.
    fn sincosf(x: f32, s: *mut f32, c: *mut f32) {
        let (sv, cv) = libm::sincosf(x);
        // SAFETY: per the caller.
        unsafe {
            *s = check(sv as f64, &[x as f64], Rule::Normal, false) as f32;
            *c = cv;
        }
    }

    /// `double lgamma_r(double x, int *sign)`.
    ///
    /// # Safety
    /// `sign` writable.
    fn lgamma_r(x: f64, sign: *mut c_int) -> f64 {
        let (r, s) = libm::lgamma_r(x);
        // SAFETY: per the caller.
        unsafe { *sign = s };
        check(r, &[x], Rule::Normal, gamma_pole(x))
    }

    /// `float lgammaf_r(float x, int *sign)`.
    ///
    /// # Safety
    /// `sign` writable.
    fn lgammaf_r(x: f32, sign: *mut c_int) -> f32 {
        let (r, s) = libm::lgammaf_r(x);
        // SAFETY: per the caller.
        unsafe { *sign = s };
        check(r as f64, &[x as f64], Rule::Normal, gamma_pole(x as f64)) as f32
    }

    /// `double gamma(double)`: glibc's old name for lgamma (also sets signgam).
    ///
    /// # Safety
    /// Always safe.
    fn gamma(x: f64) -> f64 {
        // SAFETY: signgam is a valid global.
        unsafe { lgamma_r(x, signgam.get()) }
    }

    /// `double jn(int n, double x)`.
    ///
    /// # Safety
    /// Always safe.
    fn jn(n: c_int, x: f64) -> f64 {
        check(libm::jn(n, x), &[x], Rule::Normal, false)
    }

    /// `float jnf(int n, float x)`.
    ///
    /// # Safety
    /// Always safe.
    fn jnf(n: c_int, x: f32) -> f32 {
        check(libm::jnf(n, x) as f64, &[x as f64], Rule::Normal, false) as f32
    }

    /// `double yn(int n, double x)`.
    ///
    /// # Safety
    /// Always safe.
    fn yn(n: c_int, x: f64) -> f64 {
        check(libm::yn(n, x), &[x], Rule::Normal, x == 0.0)
    }

    /// `float ynf(int n, float x)`.
    ///
    /// # Safety
    /// Always safe.
    fn ynf(n: c_int, x: f32) -> f32 {
        check(libm::ynf(n, x) as f64, &[x as f64], Rule::Normal, x == 0.0) as f32
    }

    /// `int ilogb(double x)`: FP_ILOGB0/FP_ILOGBNAN = INT_MIN, INT_MAX for inf; EDOM for those.
    ///
    /// # Safety
    /// Always safe.
    fn ilogb(x: f64) -> c_int {
        if x == 0.0 || !x.is_finite() {
            errno::set(Errno::EDOM);
            raise(FE_INVALID);
        }
        libm::ilogb(x)
    }

    /// `int ilogbf(float x)`.
    ///
    /// # Safety
    /// Always safe.
    fn ilogbf(x: f32) -> c_int {
        if x == 0.0 || !x.is_finite() {
            errno::set(Errno::EDOM);
            raise(FE_INVALID);
        }
        libm::ilogbf(x)
    }

    /// `double logb(double x)`: the exponent as a double (-inf for 0, with FE_DIVBYZERO only).
    ///
    /// # Safety
    /// Always safe.
    fn logb(x: f64) -> f64 {
        if x == 0.0 {
            raise(FE_DIVBYZERO);
            return f64::NEG_INFINITY;
        }
        if !x.is_finite() {
            return x * x;
        }
        libm::ilogb(x) as f64
    }

    /// `float logbf(float x)`.
    ///
    /// # Safety
    /// Always safe.
    fn logbf(x: f32) -> f32 {
        // SAFETY: always safe.
        unsafe { logb(x as f64) as f32 }
    }

    /// `double significand(double x)`: `scalb(x, -ilogb(x))`.
    ///
    /// # Safety
    /// Always safe.
    fn significand(x: f64) -> f64 {
        if x == 0.0 || !x.is_finite() {
            return x;
        }
        libm::scalbn(x, -libm::ilogb(x))
    }

    /// `double nearbyint(double x)`: rint without FE_INEXACT.
    ///
    /// # Safety
    /// Always safe.
    fn nearbyint(x: f64) -> f64 {
        // SAFETY: always safe.
        let saved = unsafe { fetestexcept(FE_INEXACT) };
        let r = libm::rint(x);
        if saved == 0 {
            // SAFETY: always safe.
            unsafe { feclearexcept(FE_INEXACT) };
        }
        r
    }

    /// `float nearbyintf(float x)`.
    ///
    /// # Safety
    /// Always safe.
    fn nearbyintf(x: f32) -> f32 {
        // SAFETY: always safe.
        let saved = unsafe { fetestexcept(FE_INEXACT) };
        let r = libm::rintf(x);
        if saved == 0 {
            // SAFETY: always safe.
            unsafe { feclearexcept(FE_INEXACT) };
        }
        r
    }

    /// `long lrint(double x)`.
    ///
    /// # Safety
    /// Always safe.
    fn lrint(x: f64) -> c_long {
        to_i64_rint(x)
    }

    /// `long lrintf(float x)`.
    ///
    /// # Safety
    /// Always safe.
    fn lrintf(x: f32) -> c_long {
        to_i64_rint(x as f64)
    }

    /// `long long llrint(double x)`.
    ///
    /// # Safety
    /// Always safe.
    fn llrint(x: f64) -> c_longlong {
        to_i64_rint(x)
    }

    /// `long long llrintf(float x)`.
    ///
    /// # Safety
    /// Always safe.
    fn llrintf(x: f32) -> c_longlong {
        to_i64_rint(x as f64)
    }

    /// `long lround(double x)`.
    ///
    /// # Safety
    /// Always safe.
    fn lround(x: f64) -> c_long {
        to_i64_round(x)
    }

    /// `long lroundf(float x)`.
    ///
    /// # Safety
    /// Always safe.
    fn lroundf(x: f32) -> c_long {
        to_i64_round(x as f64)
    }

    /// `long long llround(double x)`.
    ///
    /// # Safety
    /// Always safe.
    fn llround(x: f64) -> c_longlong {
        to_i64_round(x)
    }

    /// `long long llroundf(float x)`.
    ///
    /// # Safety
    /// Always safe.
    fn llroundf(x: f32) -> c_longlong {
        to_i64_round(x as f64)
    }

    /// `double nan(const char *tag)`: strtod("NAN(tag)").
    ///
    /// # Safety
    /// `tag` NUL-terminated.
    fn nan(tag: *const c_char) -> f64 {
        // SAFETY: per the caller.
        let payload = unsafe { tag_payload(tag) };
        f64::from_bits(f64::NAN.to_bits() | (payload & ((1 << 51) - 1)))
    }

    /// `float nanf(const char *tag)`.
    ///
    /// # Safety
    /// `tag` NUL-terminated.
    fn nanf(tag: *const c_char) -> f32 {
        // SAFETY: per the caller.
        let payload = unsafe { tag_payload(tag) };
        f32::from_bits(f32::NAN.to_bits() | (payload as u32 & ((1 << 22) - 1)))
    }
}

/// The payload glibc's `nan("tag")` gives: the tag read as an integer (base 0), else 0.
///
/// # Safety
/// `tag` NUL-terminated.
unsafe fn tag_payload(tag: *const c_char) -> u64 {
    let mut end: *mut c_char = core::ptr::null_mut();
    // SAFETY: per the caller.
    let v = unsafe { crate::stdlib_num::strtoull(tag, &mut end, 0) };
    // SAFETY: end points into the tag.
    if unsafe { *end } == 0 { v } else { 0 }
}

crate::libc_fn! {
    /// `double lgamma(double x)`: also sets `signgam`.
    ///
    /// # Safety
    /// Always safe.
    fn lgamma(x: f64) -> f64 {
        // SAFETY: signgam is a valid global.
        unsafe { lgamma_r(x, signgam.get()) }
    }

    /// `float lgammaf(float x)`: also sets `signgam`.
    ///
    /// # Safety
    /// Always safe.
    fn lgammaf(x: f32) -> f32 {
        // SAFETY: signgam is a valid global.
        unsafe { lgammaf_r(x, signgam.get()) }
    }
}
