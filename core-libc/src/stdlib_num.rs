//! `<stdlib.h>`/`<inttypes.h>` number functions: the strtol family and atoi/atol, abs/div, here;
//! strtod/strtof/strtold in `stdlib_num/float.rs`; qsort/bsearch in `stdlib_num/sort.rs`.
//! Parsing follows glibc: leading white space, optional sign, base prefixes, saturation with
//! ERANGE, EINVAL for a bad base (end pointer untouched), end pointer at the input when no digits.

pub(crate) mod float;
mod sort;
#[cfg(test)]
mod tests;

pub use float::*;
pub use sort::*;

use crate::{Errno, errno};
use core::ffi::{c_char, c_int, c_long, c_longlong, c_ulong, c_ulonglong, c_void};

/// C-locale `isspace`.
pub(crate) fn is_space(c: u8) -> bool {
    c == b' ' || (9..=13).contains(&c)
}

/// Result of scanning an integer: magnitude (saturated at u64::MAX), sign, overflow, end.
struct Scanned {
    mag: u64,
    neg: bool,
    overflow: bool,
    end: *const c_char,
}

/// Scan `[ws][+-][0x|0]digits` in `base` (0 = auto). `None` for an invalid base.
///
/// # Safety
/// `s` NUL-terminated.
unsafe fn scan(s: *const c_char, base: c_int) -> Option<Scanned> {
    if base < 0 || base == 1 || base > 36 {
        return None;
    }
    let p = s as *const u8;
    let at = |i: usize| -> u8 {
        // SAFETY: callers only index up to the first byte that ends the number (the NUL at worst).
        unsafe { *p.add(i) }
    };
    let mut i = 0;
    while is_space(at(i)) {
        i += 1;
    }
    let mut neg = false;
    if at(i) == b'+' || at(i) == b'-' {
        neg = at(i) == b'-';
        i += 1;
    }
    let mut base = base as u32;
    let digit = |c: u8| -> Option<u32> { (c as char).to_digit(36) };
    if (base == 0 || base == 16)
        && at(i) == b'0'
        && (at(i + 1) | 0x20) == b'x'
        && digit(at(i + 2)).is_some_and(|d| d < 16)
    {
        i += 2;
        base = 16;
    } else if base == 0 {
        base = if at(i) == b'0' { 8 } else { 10 };
    }
    let start = i;
    let mut mag: u64 = 0;
    let mut overflow = false;
    while let Some(d) = digit(at(i)).filter(|&d| d < base) {
        match mag.checked_mul(base as u64).and_then(|v| v.checked_add(d as u64)) {
            Some(v) => mag = v,
            None => {
                overflow = true;
                mag = u64::MAX;
            }
        }
        i += 1;
    }
    // SAFETY: i is within the string.
    let end = if i == start { s } else { unsafe { s.add(i) } };
    Some(Scanned { mag, neg, overflow, end })
}

/// Shared body of the signed conversions, saturating to `[min, max]`.
///
/// # Safety
/// `s` NUL-terminated; `end` NULL or writable.
unsafe fn to_signed(s: *const c_char, end: *mut *mut c_char, base: c_int, min: i64, max: i64) -> i64 {
    // SAFETY: per the caller.
    let Some(r) = (unsafe { scan(s, base) }) else {
        errno::set(Errno::EINVAL);
        return 0;
    };
    if !end.is_null() {
        // SAFETY: per the caller.
        unsafe { *end = r.end as *mut c_char };
    }
    let limit = if r.neg { min.unsigned_abs() } else { max as u64 };
    if r.overflow || r.mag > limit {
        errno::set(Errno::ERANGE);
        return if r.neg { min } else { max };
    }
    if r.neg { (r.mag as i64).wrapping_neg() } else { r.mag as i64 }
}

/// Shared body of the unsigned conversions (a leading '-' negates modulo 2^bits, as C says).
///
/// # Safety
/// As [`to_signed`].
unsafe fn to_unsigned(s: *const c_char, end: *mut *mut c_char, base: c_int, max: u64) -> u64 {
    // SAFETY: per the caller.
    let Some(r) = (unsafe { scan(s, base) }) else {
        errno::set(Errno::EINVAL);
        return 0;
    };
    if !end.is_null() {
        // SAFETY: per the caller.
        unsafe { *end = r.end as *mut c_char };
    }
    if r.overflow || r.mag > max {
        errno::set(Errno::ERANGE);
        return max;
    }
    if r.neg { r.mag.wrapping_neg() & max } else { r.mag }
}

crate::libc_fn! {
    /// `long strtol(const char *s, char **end, int base)`.
    ///
    /// # Safety
    /// `s` NUL-terminated; `end` NULL or writable.
    fn strtol(s: *const c_char, end: *mut *mut c_char, base: c_int) -> c_long {
        // SAFETY: per the caller.
        unsafe { to_signed(s, end, base, i64::MIN, i64::MAX) }
    }

    /// `long long strtoll(const char *s, char **end, int base)`.
    ///
    /// # Safety
    /// As `strtol`.
    fn strtoll(s: *const c_char, end: *mut *mut c_char, base: c_int) -> c_longlong {
        // SAFETY: per the caller.
        unsafe { to_signed(s, end, base, i64::MIN, i64::MAX) }
    }

    /// `intmax_t strtoimax(const char *s, char **end, int base)`.
    ///
    /// # Safety
    /// As `strtol`.
    fn strtoimax(s: *const c_char, end: *mut *mut c_char, base: c_int) -> i64 {
        // SAFETY: per the caller.
        unsafe { to_signed(s, end, base, i64::MIN, i64::MAX) }
    }

    /// `unsigned long strtoul(const char *s, char **end, int base)`.
    ///
    /// # Safety
    /// As `strtol`.
    fn strtoul(s: *const c_char, end: *mut *mut c_char, base: c_int) -> c_ulong {
        // SAFETY: per the caller.
        unsafe { to_unsigned(s, end, base, u64::MAX) }
    }

    /// `unsigned long long strtoull(const char *s, char **end, int base)`.
    ///
    /// # Safety
    /// As `strtol`.
    fn strtoull(s: *const c_char, end: *mut *mut c_char, base: c_int) -> c_ulonglong {
        // SAFETY: per the caller.
        unsafe { to_unsigned(s, end, base, u64::MAX) }
    }

    /// `uintmax_t strtoumax(const char *s, char **end, int base)`.
    ///
    /// # Safety
    /// As `strtol`.
    fn strtoumax(s: *const c_char, end: *mut *mut c_char, base: c_int) -> u64 {
        // SAFETY: per the caller.
        unsafe { to_unsigned(s, end, base, u64::MAX) }
    }

    /// `long strtol_l(const char *s, char **end, int base, locale_t)`: the only locale is C.
    ///
    /// # Safety
    /// As `strtol`.
    fn strtol_l(s: *const c_char, end: *mut *mut c_char, base: c_int, _l: *mut c_void) -> c_long {
        // SAFETY: per the caller.
        unsafe { strtol(s, end, base) }
    }

    /// `long __strtol_l(...)`: glibc's internal name (used by libstdc++).
    ///
    /// # Safety
    /// As `strtol`.
    fn __strtol_l(s: *const c_char, end: *mut *mut c_char, base: c_int, _l: *mut c_void) -> c_long {
        // SAFETY: per the caller.
        unsafe { strtol(s, end, base) }
    }

    /// `unsigned long strtoul_l(...)`.
    ///
    /// # Safety
    /// As `strtol`.
    fn strtoul_l(s: *const c_char, end: *mut *mut c_char, base: c_int, _l: *mut c_void) -> c_ulong {
        // SAFETY: per the caller.
        unsafe { strtoul(s, end, base) }
    }

    /// `unsigned long __strtoul_l(...)`.
    ///
    /// # Safety
    /// As `strtol`.
    fn __strtoul_l(s: *const c_char, end: *mut *mut c_char, base: c_int, _l: *mut c_void) -> c_ulong {
        // SAFETY: per the caller.
        unsafe { strtoul(s, end, base) }
    }

    /// `long long strtoll_l(...)`.
    ///
    /// # Safety
    /// As `strtol`.
    fn strtoll_l(s: *const c_char, end: *mut *mut c_char, base: c_int, _l: *mut c_void) -> c_longlong {
        // SAFETY: per the caller.
        unsafe { strtoll(s, end, base) }
    }

    /// `long long __strtoll_l(...)`.
    ///
    /// # Safety
    /// As `strtol`.
    fn __strtoll_l(s: *const c_char, end: *mut *mut c_char, base: c_int, _l: *mut c_void) -> c_longlong {
        // SAFETY: per the caller.
        unsafe { strtoll(s, end, base) }
    }

    /// `unsigned long long strtoull_l(...)`.
    ///
    /// # Safety
    /// As `strtol`.
    fn strtoull_l(s: *const c_char, end: *mut *mut c_char, base: c_int, _l: *mut c_void) -> c_ulonglong {
        // SAFETY: per the caller.
        unsafe { strtoull(s, end, base) }
    }

    /// `unsigned long long __strtoull_l(...)`.
    ///
    /// # Safety
    /// As `strtol`.
    fn __strtoull_l(s: *const c_char, end: *mut *mut c_char, base: c_int, _l: *mut c_void) -> c_ulonglong {
        // SAFETY: per the caller.
        unsafe { strtoull(s, end, base) }
    }

    /// `int atoi(const char *s)`: `(int)strtol(s, NULL, 10)`.
    ///
    /// # Safety
    /// `s` NUL-terminated.
    fn atoi(s: *const c_char) -> c_int {
        // SAFETY: per the caller.
        unsafe { strtol(s, core::ptr::null_mut(), 10) as c_int }
    }

    /// `long atol(const char *s)`.
    ///
    /// # Safety
    /// `s` NUL-terminated.
    fn atol(s: *const c_char) -> c_long {
        // SAFETY: per the caller.
        unsafe { strtol(s, core::ptr::null_mut(), 10) }
    }

    /// `long long atoll(const char *s)`.
    ///
    /// # Safety
    /// `s` NUL-terminated.
    fn atoll(s: *const c_char) -> c_longlong {
        // SAFETY: per the caller.
        unsafe { strtoll(s, core::ptr::null_mut(), 10) }
    }

    /// `int abs(int v)` (wrapping at INT_MIN, as the hardware does).
    ///
    /// # Safety
    /// Always safe.
    fn abs(v: c_int) -> c_int {
        v.wrapping_abs()
    }

    /// `long labs(long v)`.
    ///
    /// # Safety
    /// Always safe.
    fn labs(v: c_long) -> c_long {
        v.wrapping_abs()
    }

    /// `long long llabs(long long v)`.
    ///
    /// # Safety
    /// Always safe.
    fn llabs(v: c_longlong) -> c_longlong {
        v.wrapping_abs()
    }

    /// `intmax_t imaxabs(intmax_t v)`.
    ///
    /// # Safety
    /// Always safe.
    fn imaxabs(v: i64) -> i64 {
        v.wrapping_abs()
    }

    /// `div_t div(int a, int b)` (returned in rax as two packed ints).
    ///
    /// # Safety
    /// `b != 0`.
    fn div(a: c_int, b: c_int) -> DivT {
        DivT { quot: a.wrapping_div(b), rem: a.wrapping_rem(b) }
    }

    /// `ldiv_t ldiv(long a, long b)`.
    ///
    /// # Safety
    /// `b != 0`.
    fn ldiv(a: c_long, b: c_long) -> LDivT {
        LDivT { quot: a.wrapping_div(b), rem: a.wrapping_rem(b) }
    }

    /// `lldiv_t lldiv(long long a, long long b)`.
    ///
    /// # Safety
    /// `b != 0`.
    fn lldiv(a: c_longlong, b: c_longlong) -> LDivT {
        LDivT { quot: a.wrapping_div(b), rem: a.wrapping_rem(b) }
    }
}

/// `div_t`.
#[repr(C)]
#[derive(Debug, PartialEq)]
pub struct DivT {
    pub quot: c_int,
    pub rem: c_int,
}

/// `ldiv_t` / `lldiv_t`.
#[repr(C)]
#[derive(Debug, PartialEq)]
pub struct LDivT {
    pub quot: c_long,
    pub rem: c_long,
}
