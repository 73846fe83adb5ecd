//! strtod / strtof / strtold (and the `_l` and glibc-internal names). The token is cut out by
//! hand (C syntax: decimal, hex with binary exponent, inf/infinity, nan[(chars)]); decimal
//! doubles and floats are then converted by core's correctly rounded `str::parse`, hex ones and
//! all long doubles by the exact big-integer code below. errno follows glibc: ERANGE on overflow,
//! and on underflow (a zero or subnormal result that is not exact).

use super::is_space;
use crate::stdio::bigint::Big;
use crate::stdio::float_dec::{self, Stop};
use crate::{Errno, errno};
use core::ffi::{c_char, c_void};

/// The shape of a parsed token (sign excluded).
enum Token {
    /// Decimal: `text` is the token text (digits, point, exponent) for `str::parse`.
    Dec,
    /// Hexadecimal: mantissa bits (top-aligned when nonzero), binary exponent, sticky bit.
    Hex {
        m: u128,
        e2: i64,
        sticky: bool,
    },
    Inf,
    Nan {
        payload: Option<u64>,
    },
}

/// A scanned number: where the sign-less text starts and ends (bytes), the parse, the end index.
struct Scan<'a> {
    neg: bool,
    body: &'a [u8],
    tok: Token,
    end: usize,
}

/// Case-insensitive prefix test.
fn starts_with_ci(s: &[u8], word: &[u8]) -> bool {
    s.len() >= word.len() && s[..word.len()].eq_ignore_ascii_case(word)
}

/// Cut the longest valid token from `s` (a NUL-free byte slice ending where the C string ends).
fn scan(s: &[u8]) -> Option<Scan<'_>> {
    let mut i = 0;
    while i < s.len() && is_space(s[i]) {
        i += 1;
    }
    let mut neg = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        neg = s[i] == b'-';
        i += 1;
    }
    let rest = &s[i..];
    if starts_with_ci(rest, b"infinity") {
        return Some(Scan { neg, body: &rest[..8], tok: Token::Inf, end: i + 8 });
    }
    if starts_with_ci(rest, b"inf") {
        return Some(Scan { neg, body: &rest[..3], tok: Token::Inf, end: i + 3 });
    }
    if starts_with_ci(rest, b"nan") {
        let mut end = 3;
        let mut payload = None;
        if rest.get(3) == Some(&b'(') {
            let mut k = 4;
            while k < rest.len() && (rest[k].is_ascii_alphanumeric() || rest[k] == b'_') {
                k += 1;
            }
            if rest.get(k) == Some(&b')') {
                payload = Some(nan_payload(&rest[4..k]));
                end = k + 1;
            }
        }
        return Some(Scan { neg, body: &rest[..end], tok: Token::Nan { payload }, end: i + end });
    }
    if rest.len() >= 2 && rest[0] == b'0' && (rest[1] | 0x20) == b'x' {
        if let Some((tok, len)) = scan_hex(&rest[2..]) {
            return Some(Scan { neg, body: &rest[..2 + len], tok, end: i + 2 + len });
        }
        // "0x" without hex digits: just the "0".
        return Some(Scan { neg, body: &rest[..1], tok: Token::Dec, end: i + 1 });
    }
    let mut k = 0;
    let mut digits = 0;
    while k < rest.len() && rest[k].is_ascii_digit() {
        k += 1;
        digits += 1;
    }
    if k < rest.len() && rest[k] == b'.' {
        k += 1;
        while k < rest.len() && rest[k].is_ascii_digit() {
            k += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    if k < rest.len() && (rest[k] | 0x20) == b'e' {
        let mut j = k + 1;
        if j < rest.len() && (rest[j] == b'+' || rest[j] == b'-') {
            j += 1;
        }
        if j < rest.len() && rest[j].is_ascii_digit() {
            while j < rest.len() && rest[j].is_ascii_digit() {
                j += 1;
            }
            k = j;
        }
    }
    Some(Scan { neg, body: &rest[..k], tok: Token::Dec, end: i + k })
}

/// `nan(chars)`: glibc reads the chars as an integer (base 0) into the mantissa's low bits when
/// they are entirely a number, otherwise the payload is 0.
fn nan_payload(chars: &[u8]) -> u64 {
    let (digits, base) = if chars.len() > 2 && chars[0] == b'0' && (chars[1] | 0x20) == b'x' {
        (&chars[2..], 16)
    } else if chars.len() > 1 && chars[0] == b'0' {
        (&chars[1..], 8)
    } else {
        (chars, 10)
    };
    let mut v: u64 = 0;
    for &c in digits {
        match (c as char).to_digit(base) {
            Some(d) => v = v.wrapping_mul(base as u64).wrapping_add(d as u64),
            None => return 0,
        }
    }
    v
}

/// Hex digits after "0x": returns the token and its length, or None without any digit.
fn scan_hex(s: &[u8]) -> Option<(Token, usize)> {
    let mut m: u128 = 0;
    let mut sticky = false;
    let mut e2: i64 = 0; // binary exponent adjustment from digits
    let mut k = 0;
    let mut any = false;
    let mut seen_point = false;
    loop {
        let c = *s.get(k).unwrap_or(&0);
        if c == b'.' && !seen_point {
            seen_point = true;
            k += 1;
            continue;
        }
        let Some(d) = (c as char).to_digit(16) else { break };
        any = true;
        if m >> 124 == 0 {
            m = (m << 4) | d as u128;
            if seen_point {
                e2 -= 4;
            }
        } else {
            // Mantissa full: further digits only count as sticky (and shift the exponent when
            // they are integer digits).
            sticky |= d != 0;
            if !seen_point {
                e2 += 4;
            }
        }
        k += 1;
    }
    if !any {
        return None;
    }
    if k < s.len() && (s[k] | 0x20) == b'p' {
        let mut j = k + 1;
        let mut eneg = false;
        if j < s.len() && (s[j] == b'+' || s[j] == b'-') {
            eneg = s[j] == b'-';
            j += 1;
        }
        if j < s.len() && s[j].is_ascii_digit() {
            let mut ev: i64 = 0;
            while j < s.len() && s[j].is_ascii_digit() {
                ev = (ev * 10 + (s[j] - b'0') as i64).min(1 << 40);
                j += 1;
            }
            e2 += if eneg { -ev } else { ev };
            k = j;
        }
    }
    if m != 0 {
        let lz = m.leading_zeros();
        m <<= lz;
        e2 -= lz as i64;
    }
    // Value = m × 2^e2 with m top-aligned: the exponent counts from the mantissa's bit 0.
    Some((Token::Hex { m, e2, sticky }, k))
}

/// A binary floating-point format.
#[derive(Clone, Copy)]
pub(crate) struct Format {
    /// Significand bits including the leading one (24, 53, 64).
    pub bits: u32,
    /// Exponent of the smallest normal number (value 1.0 × 2^emin).
    pub emin: i64,
    /// Exponent of the largest finite (1.xxx × 2^emax).
    pub emax: i64,
}

pub(crate) const F32: Format = Format { bits: 24, emin: -126, emax: 127 };
pub(crate) const F64: Format = Format { bits: 53, emin: -1022, emax: 1023 };
pub(crate) const F80: Format = Format { bits: 64, emin: -16382, emax: 16383 };

/// A rounded result: significand (with the leading bit for normals), unbiased exponent of the
/// significand's bit 0, and classification.
#[derive(Debug, PartialEq)]
pub(crate) struct Rounded {
    pub sig: u64,
    /// value = sig × 2^exp
    pub exp: i64,
    pub inexact: bool,
    pub overflow: bool,
    /// Zero or subnormal.
    pub tiny: bool,
}

/// Round `m × 2^e2` (m top-aligned in 128 bits, `sticky` = nonzero bits below) to `fmt`, half
/// to even.
pub(crate) fn round_to(m: u128, e2: i64, sticky: bool, fmt: Format) -> Rounded {
    if m == 0 {
        return Rounded { sig: 0, exp: 0, inexact: sticky, overflow: false, tiny: true };
    }
    // Exponent of the leading bit.
    let lead = e2 + 127;
    // Number of bits to keep: fmt.bits for normals, fewer for subnormals.
    let keep: i64 = if lead >= fmt.emin { fmt.bits as i64 } else { fmt.bits as i64 - (fmt.emin - lead) };
    let (mut sig, inexact, mut exp);
    if keep <= 0 {
        // At most half the smallest subnormal: rounds to it only when strictly above half.
        let half_point = keep == 0; // the leading bit is exactly the rounding bit
        let rest_nonzero = (m << 1) != 0 || sticky;
        sig = (half_point && rest_nonzero) as u64;
        exp = fmt.emin - (fmt.bits as i64 - 1);
        inexact = true;
    } else {
        let drop = 128 - keep as u32;
        let kept = (m >> drop) as u64;
        let rem = m << keep as u32;
        let half = 1u128 << 127;
        inexact = rem != 0 || sticky;
        let up = rem > half || (rem == half && (sticky || kept & 1 == 1));
        let wide = kept as u128 + up as u128;
        exp = e2 + drop as i64;
        if wide >> keep != 0 {
            // Carry out: renormalize.
            sig = (wide >> 1) as u64;
            exp += 1;
        } else {
            sig = wide as u64;
        }
    }
    let top = if sig == 0 { i64::MIN } else { exp + 63 - sig.leading_zeros() as i64 };
    if top > fmt.emax {
        return Rounded { sig: 0, exp: 0, inexact: true, overflow: true, tiny: false };
    }
    let tiny = top < fmt.emin;
    if sig == 0 {
        exp = 0;
    } else if !tiny {
        // A subnormal that rounded up into the normal range has fewer bits: normalize.
        let width = 64 - sig.leading_zeros();
        if width < fmt.bits {
            let sh = fmt.bits - width;
            sig <<= sh;
            exp -= sh as i64;
        }
    }
    Rounded { sig, exp, inexact, overflow: false, tiny }
}

/// An IEEE binary format strtod and strtof produce (f64, f32): its layout and the few operations
/// the parser needs, so that one generic parser serves both.
pub(crate) trait Ieee: Copy + PartialEq + core::str::FromStr + core::ops::Neg<Output = Self> {
    /// The format for the exact rounding code.
    const FORMAT: Format;
    /// Stored fraction bits (52, 23).
    const FRAC_BITS: u32;
    const ZERO: Self;
    const INFINITY: Self;
    const NAN: Self;
    fn from_raw(bits: u64) -> Self;
    fn raw(self) -> u64;
    fn is_infinite(self) -> bool;
    fn is_subnormal(self) -> bool;
}

macro_rules! ieee {
    ($t:ty, $bits:ty, $format:expr, $frac:expr) => {
        impl Ieee for $t {
            const FORMAT: Format = $format;
            const FRAC_BITS: u32 = $frac;
            const ZERO: Self = 0.0;
            const INFINITY: Self = <$t>::INFINITY;
            const NAN: Self = <$t>::NAN;
            fn from_raw(bits: u64) -> Self {
                <$t>::from_bits(bits as $bits)
            }
            fn raw(self) -> u64 {
                self.to_bits().into()
            }
            fn is_infinite(self) -> bool {
                <$t>::is_infinite(self)
            }
            fn is_subnormal(self) -> bool {
                <$t>::is_subnormal(self)
            }
        }
    };
}
ieee!(f64, u64, F64, 52);
ieee!(f32, u32, F32, 23);

/// The exponent of the smallest subnormal's bit 0 (-1074, -149).
fn min_exp<T: Ieee>() -> i64 {
    T::FORMAT.emin - T::FRAC_BITS as i64
}

/// Assemble an IEEE value from a rounded result.
fn to_ieee<T: Ieee>(r: &Rounded, neg: bool) -> T {
    let mag = if r.overflow {
        T::INFINITY
    } else if r.sig == 0 {
        T::ZERO
    } else if r.tiny {
        T::from_raw(r.sig << (r.exp - min_exp::<T>()))
    } else {
        let e = (r.exp + T::FRAC_BITS as i64 - T::FORMAT.emin + 1) as u64;
        T::from_raw((e << T::FRAC_BITS) | (r.sig & ((1 << T::FRAC_BITS) - 1)))
    };
    if neg { -mag } else { mag }
}

/// Raw x87 fields for a rounded long double.
pub(crate) fn to_f80(r: &Rounded, neg: bool) -> crate::stdio::printf::F80 {
    let sign = if neg { 0x8000u16 } else { 0 };
    let (mant, e) = if r.overflow {
        (1u64 << 63, 0x7fffu16)
    } else if r.sig == 0 {
        (0, 0)
    } else if r.tiny {
        (r.sig << (r.exp + 16445), 0)
    } else {
        let shift = r.sig.leading_zeros() as i64;
        (r.sig << shift, (r.exp - shift + 63 + 16383) as u16)
    };
    crate::stdio::printf::F80 { mant, sign_exp: sign | e }
}

/// Significant decimal digits of a token: up to `MAX_DIGITS` ASCII digits (leading zeros
/// removed), the decimal exponent of the first digit's position (value = 0.D × 10^point), and
/// whether nonzero digits were dropped.
const MAX_DIGITS: usize = 800;

struct Digits {
    d: [u8; MAX_DIGITS],
    n: usize,
    point: i64,
    sticky: bool,
}

fn decimal_digits(body: &[u8]) -> Digits {
    let mut r = Digits { d: [0; MAX_DIGITS], n: 0, point: 0, sticky: false };
    let mut k = 0;
    let mut int_digits: i64 = 0;
    let mut leading_frac_zeros: i64 = 0;
    let mut in_frac = false;
    while k < body.len() {
        let c = body[k];
        if c == b'.' {
            in_frac = true;
        } else if c.is_ascii_digit() {
            if r.n == 0 && c == b'0' {
                if in_frac {
                    leading_frac_zeros += 1;
                }
            } else {
                if !in_frac {
                    int_digits += 1;
                }
                if r.n < MAX_DIGITS {
                    r.d[r.n] = c;
                    r.n += 1;
                } else if c != b'0' {
                    r.sticky = true;
                }
            }
        } else {
            break;
        }
        k += 1;
    }
    let mut exp: i64 = 0;
    if k < body.len() {
        // (e|E)[+-]digits — scan() only includes a complete exponent.
        k += 1;
        let neg = body[k] == b'-';
        if body[k] == b'+' || body[k] == b'-' {
            k += 1;
        }
        while k < body.len() {
            exp = (exp * 10 + (body[k] - b'0') as i64).min(1 << 40);
            k += 1;
        }
        if neg {
            exp = -exp;
        }
    }
    while r.n > 0 && r.d[r.n - 1] == b'0' {
        r.n -= 1;
    }
    r.point = if r.n == 0 { 0 } else { int_digits - if int_digits == 0 { leading_frac_zeros } else { 0 } + exp };
    r
}

/// Exact conversion of decimal digits to `fmt` (used for long doubles): value = 0.D × 10^point.
fn decimal_to_binary(dg: &Digits, fmt: Format) -> Rounded {
    if dg.n == 0 {
        return round_to(0, 0, false, fmt);
    }
    // Magnitude limits far outside the format: overflow or total underflow.
    if dg.point > 4960 {
        return Rounded { sig: 0, exp: 0, inexact: true, overflow: true, tiny: false };
    }
    if dg.point < -4980 {
        return Rounded { sig: 0, exp: 0, inexact: true, overflow: false, tiny: true };
    }
    const W: usize = 720;
    let mut d: Big<W> = Big::from_u64(0);
    for &c in &dg.d[..dg.n] {
        d.mul_add_small(10, (c - b'0') as u32);
    }
    // value = D × 10^k with k = point - n.
    let k = dg.point - dg.n as i64;
    let (m, e2, sticky) = if k >= 0 {
        d.mul_pow10(k as u32);
        top128(&d, dg.sticky)
    } else {
        let mut div: Big<W> = Big::from_u64(1);
        div.mul_pow10((-k) as u32);
        // Scale so the quotient has at least 66 bits.
        let s = (div.bit_len() as i64 - d.bit_len() as i64 + 66).max(0) as usize;
        d.shl(s);
        let mut q: u128 = 0;
        let qbits = d.bit_len().saturating_sub(div.bit_len()) + 1;
        for bit in (0..qbits).rev() {
            let mut t = div.clone();
            t.shl(bit);
            if d.cmp(&t) != core::cmp::Ordering::Less {
                d.sub(&t);
                q |= 1u128 << bit;
            }
        }
        let rem = !d.is_zero() || dg.sticky;
        let lz = q.leading_zeros();
        // The value is q × 2^-s; top-align q in 128 bits.
        (q << lz, -(lz as i64) - s as i64, rem)
    };
    round_to(m, e2, sticky, fmt)
}

/// Top 128 bits of a nonzero big integer (top-aligned), their exponent, and a sticky bit.
fn top128<const N: usize>(b: &Big<N>, sticky: bool) -> (u128, i64, bool) {
    let bl = b.bit_len();
    let bits = |lo: usize| b.bits64(lo) as u128 | (b.bits64(lo + 64) as u128) << 64;
    if bl <= 128 {
        let v = bits(0);
        return (v << (128 - bl), bl as i64 - 128, sticky);
    }
    let lo = bl - 128;
    (bits(lo), lo as i64, sticky || b.any_below(lo))
}

/// The decimal value of `body` equals the finite `v = m × 2^e`? (For the underflow errno rule.)
fn exact(body: &[u8], m: u64, e: i32) -> bool {
    let dg = decimal_digits(body);
    if dg.sticky {
        return false;
    }
    let mut buf = [0u8; 1100];
    let r = float_dec::digits::<{ float_dec::F64_WORDS }>(m, e, Stop::Sig(1000), &mut buf);
    !r.sticky && r.n == dg.n && r.point as i64 == dg.point && buf[..r.n] == dg.d[..dg.n]
}

/// The bytes of a C string.
///
/// # Safety
/// `s` NUL-terminated.
unsafe fn c_bytes<'a>(s: *const c_char) -> &'a [u8] {
    // SAFETY: per the caller.
    unsafe { core::ffi::CStr::from_ptr(s).to_bytes() }
}

/// Store the end pointer.
///
/// # Safety
/// `end` NULL or writable.
unsafe fn set_end(end: *mut *mut c_char, s: *const c_char, i: usize) {
    if !end.is_null() {
        // SAFETY: per the caller; i is within the string.
        unsafe { *end = s.add(i) as *mut c_char };
    }
}

/// Parse a double or a float (the body of strtod and strtof).
///
/// # Safety
/// `s` NUL-terminated; `end` NULL or writable.
pub(crate) unsafe fn parse<T: Ieee>(s: *const c_char, end: *mut *mut c_char) -> T {
    // SAFETY: per the caller.
    let bytes = unsafe { c_bytes(s) };
    let Some(sc) = scan(bytes) else {
        // SAFETY: per the caller.
        unsafe { set_end(end, s, 0) };
        return T::ZERO;
    };
    // SAFETY: per the caller.
    unsafe { set_end(end, s, sc.end) };
    let v = match sc.tok {
        Token::Inf => T::INFINITY,
        Token::Nan { payload } => T::from_raw(T::NAN.raw() | (payload.unwrap_or(0) & ((1 << (T::FRAC_BITS - 1)) - 1))),
        Token::Hex { m, e2, sticky } => {
            let r = round_to(m, e2, sticky, T::FORMAT);
            if r.overflow || (r.tiny && r.inexact) {
                errno::set(Errno::ERANGE);
            }
            to_ieee(&r, false)
        }
        Token::Dec => {
            // SAFETY: the token is ASCII.
            let text = unsafe { core::str::from_utf8_unchecked(sc.body) };
            let v: T = text.parse().unwrap_or(T::ZERO);
            if v.is_infinite() {
                errno::set(Errno::ERANGE);
            } else if v == T::ZERO {
                if decimal_digits(sc.body).n != 0 {
                    errno::set(Errno::ERANGE);
                }
            } else if v.is_subnormal() && !exact(sc.body, v.raw() & ((1 << T::FRAC_BITS) - 1), min_exp::<T>() as i32) {
                errno::set(Errno::ERANGE);
            }
            v
        }
    };
    if sc.neg { -v } else { v }
}

/// Parse a long double into raw x87 fields (strtold's body; the C shim assembles the value).
///
/// # Safety
/// As [`parse`].
pub(crate) unsafe fn parse_f80(s: *const c_char, end: *mut *mut c_char) -> crate::stdio::printf::F80 {
    use crate::stdio::printf::F80 as Raw;
    // SAFETY: per the caller.
    let bytes = unsafe { c_bytes(s) };
    let Some(sc) = scan(bytes) else {
        // SAFETY: per the caller.
        unsafe { set_end(end, s, 0) };
        return Raw::default();
    };
    // SAFETY: per the caller.
    unsafe { set_end(end, s, sc.end) };
    let sign = if sc.neg { 0x8000 } else { 0 };
    let r = match sc.tok {
        Token::Inf => return Raw { mant: 1 << 63, sign_exp: sign | 0x7fff },
        Token::Nan { payload } => {
            let p = payload.unwrap_or(0) & ((1 << 62) - 1);
            return Raw { mant: (3 << 62) | p, sign_exp: sign | 0x7fff };
        }
        Token::Hex { m, e2, sticky } => round_to(m, e2, sticky, F80),
        Token::Dec => decimal_to_binary(&decimal_digits(sc.body), F80),
    };
    if r.overflow || (r.tiny && r.inexact) {
        errno::set(Errno::ERANGE);
    }
    to_f80(&r, sc.neg)
}

crate::libc_fn! {
    /// `double strtod(const char *s, char **end)`.
    ///
    /// # Safety
    /// `s` NUL-terminated; `end` NULL or writable.
    fn strtod(s: *const c_char, end: *mut *mut c_char) -> f64 {
        // SAFETY: per the caller.
        unsafe { parse::<f64>(s, end) }
    }

    /// `float strtof(const char *s, char **end)`.
    ///
    /// # Safety
    /// As `strtod`.
    fn strtof(s: *const c_char, end: *mut *mut c_char) -> f32 {
        // SAFETY: per the caller.
        unsafe { parse::<f32>(s, end) }
    }

    /// `double strtod_l(const char *s, char **end, locale_t)`: the only locale is C.
    ///
    /// # Safety
    /// As `strtod`.
    fn strtod_l(s: *const c_char, end: *mut *mut c_char, _l: *mut c_void) -> f64 {
        // SAFETY: per the caller.
        unsafe { parse::<f64>(s, end) }
    }

    /// `double __strtod_l(...)`: glibc's internal name (libstdc++ calls it).
    ///
    /// # Safety
    /// As `strtod`.
    fn __strtod_l(s: *const c_char, end: *mut *mut c_char, _l: *mut c_void) -> f64 {
        // SAFETY: per the caller.
        unsafe { parse::<f64>(s, end) }
    }

    /// `float strtof_l(...)`.
    ///
    /// # Safety
    /// As `strtod`.
    fn strtof_l(s: *const c_char, end: *mut *mut c_char, _l: *mut c_void) -> f32 {
        // SAFETY: per the caller.
        unsafe { parse::<f32>(s, end) }
    }

    /// `float __strtof_l(...)`.
    ///
    /// # Safety
    /// As `strtod`.
    fn __strtof_l(s: *const c_char, end: *mut *mut c_char, _l: *mut c_void) -> f32 {
        // SAFETY: per the caller.
        unsafe { parse::<f32>(s, end) }
    }

    /// `double atof(const char *s)`.
    ///
    /// # Safety
    /// `s` NUL-terminated.
    fn atof(s: *const c_char) -> f64 {
        // SAFETY: per the caller.
        unsafe { parse::<f64>(s, core::ptr::null_mut()) }
    }
}

/// strtold's Rust half (the C shim, shim/strtold.c, builds the `long double`).
///
/// # Safety
/// `s` NUL-terminated; `end` NULL or writable; `out` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bf_strtold_impl(s: *const c_char, end: *mut *mut c_char, out: *mut crate::stdio::printf::F80) {
    // SAFETY: per the caller.
    unsafe { *out = parse_f80(s, end) };
}
