//! `<math.h>`: every double and float function through the `libm` crate, with glibc's error
//! reporting on top (errno EDOM for domain errors, ERANGE for poles, overflow, and underflow to
//! zero, plus the matching FP exception flags), and the classification helpers. `<fenv.h>` is
//! in `math/fenv.rs`. `long double` variants are not provided (no caller in the image uses them).

mod classify;
mod fenv;
mod misc;
#[cfg(test)]
mod tests;

pub use classify::*;
pub use fenv::*;
pub use misc::*;

use super::{Errno, errno};

/// How a function reports errors, beyond "NaN from non-NaN input is a domain error".
#[derive(Clone, Copy)]
pub(crate) enum Rule {
    /// Never sets errno (exact operations: floor, fabs, copysign...).
    Exact,
    /// Domain errors and overflow; a zero result from finite nonzero inputs is not an error.
    Normal,
    /// Also: an exact-zero result from finite inputs means underflow (exp, pow, ldexp, erfc...).
    Underflow,
}

/// Apply glibc's error rules to a result. `pole` says the inputs sit on a singularity (an
/// infinite result there raises FE_DIVBYZERO rather than FE_OVERFLOW).
pub(crate) fn check(r: f64, args: &[f64], rule: Rule, pole: bool) -> f64 {
    if let Rule::Exact = rule {
        return r;
    }
    let any_nan = args.iter().any(|a| a.is_nan());
    let all_finite = args.iter().all(|a| a.is_finite());
    if r.is_nan() {
        if !any_nan {
            errno::set(Errno::EDOM);
            raise(FE_INVALID);
        }
    } else if r.is_infinite() {
        if all_finite {
            errno::set(Errno::ERANGE);
            raise(if pole { FE_DIVBYZERO } else { FE_OVERFLOW | FE_INEXACT });
        }
    } else if r == 0.0 && matches!(rule, Rule::Underflow) && all_finite && args[0] != 0.0 {
        errno::set(Errno::ERANGE);
        raise(FE_UNDERFLOW | FE_INEXACT);
    }
    r
}

/// Is `x` zero or a negative integer (a pole of the gamma functions)?
pub(crate) fn gamma_pole(x: f64) -> bool {
    x <= 0.0 && libm::floor(x) == x
}

/// Define libm-backed functions, one line each:
/// `fn name(x: T) -> T = Rule, pole_predicate;` (or two arguments). The body calls the libm
/// crate's function of the same name and applies [`check`].
macro_rules! libm_fns {
    () => {};
    ($(#[$m:meta])* fn $name:ident($x:ident: $t:ty) -> $r:ty = $rule:ident, $pole:expr; $($rest:tt)*) => {
        crate::libc_fn! {
            $(#[$m])*
            ///
            /// # Safety
            /// Always safe.
            #[allow(clippy::unnecessary_cast)]
            fn $name($x: $t) -> $r {
                let pole: fn(f64) -> bool = $pole;
                check(libm::$name($x) as f64, &[$x as f64], Rule::$rule, pole($x as f64)) as $r
            }
        }
        libm_fns! { $($rest)* }
    };
    ($(#[$m:meta])* fn $name:ident($x:ident: $t:ty, $y:ident: $t2:ty) -> $r:ty = $rule:ident, $pole:expr; $($rest:tt)*) => {
        crate::libc_fn! {
            $(#[$m])*
            ///
            /// # Safety
            /// Always safe.
            #[allow(clippy::unnecessary_cast)]
            fn $name($x: $t, $y: $t2) -> $r {
                let pole: fn(f64, f64) -> bool = $pole;
                check(libm::$name($x, $y) as f64, &[$x as f64, $y as f64], Rule::$rule, pole($x as f64, $y as f64)) as $r
            }
        }
        libm_fns! { $($rest)* }
    };
}

libm_fns! {
    /// `double acos(double)`.
    fn acos(x: f64) -> f64 = Normal, |_| false;
    /// `float acosf(float)`.
    fn acosf(x: f32) -> f32 = Normal, |_| false;
    /// `double asin(double)`.
    fn asin(x: f64) -> f64 = Normal, |_| false;
    /// `float asinf(float)`.
    fn asinf(x: f32) -> f32 = Normal, |_| false;
    /// `double atan(double)`.
    fn atan(x: f64) -> f64 = Normal, |_| false;
    /// `float atanf(float)`.
    fn atanf(x: f32) -> f32 = Normal, |_| false;
    /// `double cos(double)`.
    fn cos(x: f64) -> f64 = Normal, |_| false;
    /// `float cosf(float)`.
    fn cosf(x: f32) -> f32 = Normal, |_| false;
    /// `double sin(double)`.
    fn sin(x: f64) -> f64 = Normal, |_| false;
    /// `float sinf(float)`.
    fn sinf(x: f32) -> f32 = Normal, |_| false;
    /// `double tan(double)`.
    fn tan(x: f64) -> f64 = Normal, |_| false;
    /// `float tanf(float)`.
    fn tanf(x: f32) -> f32 = Normal, |_| false;
    /// `double acosh(double)`.
    fn acosh(x: f64) -> f64 = Normal, |_| false;
    /// `float acoshf(float)`.
    fn acoshf(x: f32) -> f32 = Normal, |_| false;
    /// `double asinh(double)`.
    fn asinh(x: f64) -> f64 = Normal, |_| false;
    /// `float asinhf(float)`.
    fn asinhf(x: f32) -> f32 = Normal, |_| false;
    /// `double atanh(double)`.
    fn atanh(x: f64) -> f64 = Normal, |x| x.abs() == 1.0;
    /// `float atanhf(float)`.
    fn atanhf(x: f32) -> f32 = Normal, |x| x.abs() == 1.0;
    /// `double cosh(double)`.
    fn cosh(x: f64) -> f64 = Normal, |_| false;
    /// `float coshf(float)`.
    fn coshf(x: f32) -> f32 = Normal, |_| false;
    /// `double sinh(double)`.
    fn sinh(x: f64) -> f64 = Normal, |_| false;
    /// `float sinhf(float)`.
    fn sinhf(x: f32) -> f32 = Normal, |_| false;
    /// `double tanh(double)`.
    fn tanh(x: f64) -> f64 = Normal, |_| false;
    /// `float tanhf(float)`.
    fn tanhf(x: f32) -> f32 = Normal, |_| false;
    /// `double exp(double)`.
    fn exp(x: f64) -> f64 = Underflow, |_| false;
    /// `float expf(float)`.
    fn expf(x: f32) -> f32 = Underflow, |_| false;
    /// `double exp2(double)`.
    fn exp2(x: f64) -> f64 = Underflow, |_| false;
    /// `float exp2f(float)`.
    fn exp2f(x: f32) -> f32 = Underflow, |_| false;
    /// `double expm1(double)`.
    fn expm1(x: f64) -> f64 = Normal, |_| false;
    /// `float expm1f(float)`.
    fn expm1f(x: f32) -> f32 = Normal, |_| false;
    /// `double log(double)`.
    fn log(x: f64) -> f64 = Normal, |x| x == 0.0;
    /// `float logf(float)`.
    fn logf(x: f32) -> f32 = Normal, |x| x == 0.0;
    /// `double log10(double)`.
    fn log10(x: f64) -> f64 = Normal, |x| x == 0.0;
    /// `float log10f(float)`.
    fn log10f(x: f32) -> f32 = Normal, |x| x == 0.0;
    /// `double log2(double)`.
    fn log2(x: f64) -> f64 = Normal, |x| x == 0.0;
    /// `float log2f(float)`.
    fn log2f(x: f32) -> f32 = Normal, |x| x == 0.0;
    /// `double log1p(double)`.
    fn log1p(x: f64) -> f64 = Normal, |x| x == -1.0;
    /// `float log1pf(float)`.
    fn log1pf(x: f32) -> f32 = Normal, |x| x == -1.0;
    /// `double sqrt(double)`.
    fn sqrt(x: f64) -> f64 = Normal, |_| false;
    /// `float sqrtf(float)`.
    fn sqrtf(x: f32) -> f32 = Normal, |_| false;
    /// `double cbrt(double)`.
    fn cbrt(x: f64) -> f64 = Normal, |_| false;
    /// `float cbrtf(float)`.
    fn cbrtf(x: f32) -> f32 = Normal, |_| false;
    /// `double erf(double)`.
    fn erf(x: f64) -> f64 = Normal, |_| false;
    /// `float erff(float)`.
    fn erff(x: f32) -> f32 = Normal, |_| false;
    /// `double erfc(double)`.
    fn erfc(x: f64) -> f64 = Underflow, |_| false;
    /// `float erfcf(float)`.
    fn erfcf(x: f32) -> f32 = Underflow, |_| false;
    /// `double tgamma(double)`.
    fn tgamma(x: f64) -> f64 = Underflow, gamma_pole;
    /// `float tgammaf(float)`.
    fn tgammaf(x: f32) -> f32 = Underflow, gamma_pole;
    /// `double j0(double)`.
    fn j0(x: f64) -> f64 = Normal, |_| false;
    /// `float j0f(float)`.
    fn j0f(x: f32) -> f32 = Normal, |_| false;
    /// `double j1(double)`.
    fn j1(x: f64) -> f64 = Normal, |_| false;
    /// `float j1f(float)`.
    fn j1f(x: f32) -> f32 = Normal, |_| false;
    /// `double y0(double)`.
    fn y0(x: f64) -> f64 = Normal, |x| x == 0.0;
    /// `float y0f(float)`.
    fn y0f(x: f32) -> f32 = Normal, |x| x == 0.0;
    /// `double y1(double)`.
    fn y1(x: f64) -> f64 = Normal, |x| x == 0.0;
    /// `float y1f(float)`.
    fn y1f(x: f32) -> f32 = Normal, |x| x == 0.0;
    /// `double ceil(double)`.
    fn ceil(x: f64) -> f64 = Exact, |_| false;
    /// `float ceilf(float)`.
    fn ceilf(x: f32) -> f32 = Exact, |_| false;
    /// `double floor(double)`.
    fn floor(x: f64) -> f64 = Exact, |_| false;
    /// `float floorf(float)`.
    fn floorf(x: f32) -> f32 = Exact, |_| false;
    /// `double trunc(double)`.
    fn trunc(x: f64) -> f64 = Exact, |_| false;
    /// `float truncf(float)`.
    fn truncf(x: f32) -> f32 = Exact, |_| false;
    /// `double round(double)`.
    fn round(x: f64) -> f64 = Exact, |_| false;
    /// `float roundf(float)`.
    fn roundf(x: f32) -> f32 = Exact, |_| false;
    /// `double roundeven(double)`.
    fn roundeven(x: f64) -> f64 = Exact, |_| false;
    /// `float roundevenf(float)`.
    fn roundevenf(x: f32) -> f32 = Exact, |_| false;
    /// `double rint(double)`.
    fn rint(x: f64) -> f64 = Exact, |_| false;
    /// `float rintf(float)`.
    fn rintf(x: f32) -> f32 = Exact, |_| false;
    /// `double fabs(double)`.
    fn fabs(x: f64) -> f64 = Exact, |_| false;
    /// `float fabsf(float)`.
    fn fabsf(x: f32) -> f32 = Exact, |_| false;
    /// `double atan2(double, double)`.
    fn atan2(x: f64, y: f64) -> f64 = Normal, |_, _| false;
    /// `float atan2f(float, float)`.
    fn atan2f(x: f32, y: f32) -> f32 = Normal, |_, _| false;
    /// `double pow(double, double)`.
    fn pow(x: f64, y: f64) -> f64 = Underflow, |x, y| x == 0.0 && y < 0.0;
    /// `float powf(float, float)`.
    fn powf(x: f32, y: f32) -> f32 = Underflow, |x, y| x == 0.0 && y < 0.0;
    /// `double fmod(double, double)`.
    fn fmod(x: f64, y: f64) -> f64 = Normal, |_, _| false;
    /// `float fmodf(float, float)`.
    fn fmodf(x: f32, y: f32) -> f32 = Normal, |_, _| false;
    /// `double remainder(double, double)`.
    fn remainder(x: f64, y: f64) -> f64 = Normal, |_, _| false;
    /// `float remainderf(float, float)`.
    fn remainderf(x: f32, y: f32) -> f32 = Normal, |_, _| false;
    /// `double hypot(double, double)`.
    fn hypot(x: f64, y: f64) -> f64 = Normal, |_, _| false;
    /// `float hypotf(float, float)`.
    fn hypotf(x: f32, y: f32) -> f32 = Normal, |_, _| false;
    /// `double fdim(double, double)`.
    fn fdim(x: f64, y: f64) -> f64 = Normal, |_, _| false;
    /// `float fdimf(float, float)`.
    fn fdimf(x: f32, y: f32) -> f32 = Normal, |_, _| false;
    /// `double copysign(double, double)`.
    fn copysign(x: f64, y: f64) -> f64 = Exact, |_, _| false;
    /// `float copysignf(float, float)`.
    fn copysignf(x: f32, y: f32) -> f32 = Exact, |_, _| false;
    /// `double fmax(double, double)`.
    fn fmax(x: f64, y: f64) -> f64 = Exact, |_, _| false;
    /// `float fmaxf(float, float)`.
    fn fmaxf(x: f32, y: f32) -> f32 = Exact, |_, _| false;
    /// `double fmin(double, double)`.
    fn fmin(x: f64, y: f64) -> f64 = Exact, |_, _| false;
    /// `float fminf(float, float)`.
    fn fminf(x: f32, y: f32) -> f32 = Exact, |_, _| false;
}
