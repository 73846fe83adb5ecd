//! printf's floating-point conversions `%f %F %e %E %g %G %a %A`, for `double` and (with `L`) the
//! x87 80-bit `long double`. Decimal conversions use the exact digits of `float_dec.rs` and round
//! half-to-even on the exact value, so the output equals glibc's digit for digit.

use super::float_dec::{self, Decimal, Stop};
use super::printf::{F80, FmtError, Out, Spec};
use alloc::vec::Vec;

/// A finite or special value, decomposed.
enum Val {
    Nan,
    Inf,
    /// `m × 2^e` (m == 0 for zero).
    Finite {
        m: u64,
        e: i32,
    },
}

/// Digits buffer for doubles: integer part ≤ 309 digits, exact expansion ≤ 767 significant.
const F64_BUF: usize = 1100;
/// For long doubles: integer part ≤ 4933 digits, exact expansion ≤ 11,500 significant.
const F80_BUF: usize = 12_000;

/// Format a `double`.
pub fn double(out: &mut Out, spec: &Spec, v: f64) {
    let bits = v.to_bits();
    let neg = bits >> 63 != 0;
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    let val = if exp == 0x7ff {
        if frac == 0 { Val::Inf } else { Val::Nan }
    } else if exp == 0 {
        Val::Finite { m: frac, e: -1074 }
    } else {
        Val::Finite { m: frac | 1 << 52, e: exp - 1075 }
    };
    if spec.conv == b'a' || spec.conv == b'A' {
        return hex(out, spec, neg, &val, HexStyle::Double);
    }
    let mut buf = [0u8; F64_BUF];
    decimal::<{ float_dec::F64_WORDS }>(out, spec, neg, &val, &mut buf);
}

/// Format an x87 `long double`. Its digit buffer is too big for a kernel stack, so each call
/// takes one from the heap (threads print at the same time); without the memory, printf fails
/// with ENOMEM, as glibc's does.
pub fn long_double(out: &mut Out, spec: &Spec, v: F80) -> Result<(), FmtError> {
    let neg = v.sign_exp & 0x8000 != 0;
    let exp = (v.sign_exp & 0x7fff) as i32;
    let val = if exp == 0x7fff {
        if v.mant << 1 == 0 { Val::Inf } else { Val::Nan }
    } else if exp == 0 {
        Val::Finite { m: v.mant, e: -16445 }
    } else {
        Val::Finite { m: v.mant, e: exp - 16383 - 63 }
    };
    if spec.conv == b'a' || spec.conv == b'A' {
        hex(out, spec, neg, &val, HexStyle::X87);
        return Ok(());
    }
    let mut buf = Vec::new();
    buf.try_reserve_exact(F80_BUF).map_err(|_| FmtError::NoMemory)?;
    buf.resize(F80_BUF, 0);
    decimal::<{ float_dec::F80_WORDS }>(out, spec, neg, &val, &mut buf);
    Ok(())
}

fn sign_of(spec: &Spec, neg: bool) -> &'static [u8] {
    if neg {
        b"-"
    } else if spec.plus {
        b"+"
    } else if spec.space {
        b" "
    } else {
        b""
    }
}

fn upper(spec: &Spec) -> bool {
    spec.conv.is_ascii_uppercase()
}

/// `inf` / `nan`, never zero-padded.
fn special(out: &mut Out, spec: &Spec, neg: bool, nan: bool) {
    let word: &[u8] = match (nan, upper(spec)) {
        (true, false) => b"nan",
        (true, true) => b"NAN",
        (false, false) => b"inf",
        (false, true) => b"INF",
    };
    let sign = sign_of(spec, neg);
    out.padded(spec, sign.len() + 3, |o| {
        o.put(sign);
        o.put(word);
    });
}

/// Emit `sign body` with width: zero padding goes between sign and body.
fn emit(out: &mut Out, spec: &Spec, sign: &[u8], body_len: usize, body: impl FnOnce(&mut Out)) {
    let len = sign.len() + body_len;
    if spec.zero && !spec.left && spec.width > len {
        let z = spec.width - len;
        out.put(sign);
        out.fill(b'0', z);
        body(out);
    } else {
        out.padded(spec, len, |o| {
            o.put(sign);
            body(o);
        });
    }
}

/// The decimal conversions.
fn decimal<const N: usize>(out: &mut Out, spec: &Spec, neg: bool, val: &Val, buf: &mut [u8]) {
    let (m, e) = match *val {
        Val::Nan => return special(out, spec, neg, true),
        Val::Inf => return special(out, spec, neg, false),
        Val::Finite { m, e } => (m, e),
    };
    let prec = spec.prec.unwrap_or(6);
    let conv = spec.conv.to_ascii_lowercase();
    // Digits rounded as the conversion needs: (digits, point) with value 0.DIGITS × 10^point.
    let mut d = Decimal { n: 0, point: 1, sticky: false };
    let digits_of = |stop: Stop, buf: &mut [u8]| -> Decimal {
        if m == 0 { Decimal { n: 0, point: 1, sticky: false } } else { float_dec::digits::<N>(m, e, stop, buf) }
    };
    let sign = sign_of(spec, neg);
    match conv {
        b'f' => {
            d = digits_of(Stop::Frac(prec + 1), buf);
            let keep = d.point as i64 + prec as i64;
            float_dec::round(buf, &mut d, keep);
            fixed(out, spec, sign, buf, &d, prec, spec.alt);
        }
        b'e' => {
            d = digits_of(Stop::Sig(prec + 2), buf);
            float_dec::round(buf, &mut d, prec as i64 + 1);
            expo(out, spec, sign, buf, &d, prec, spec.alt);
        }
        _ => {
            let p = if prec == 0 { 1 } else { prec };
            let mut x_before = 0;
            if m != 0 {
                d = digits_of(Stop::Sig(p + 1), buf);
                x_before = d.point as i64 - 1;
                float_dec::round(buf, &mut d, p as i64);
            }
            let x = if d.n == 0 { 0 } else { d.point as i64 - 1 };
            let (style_fixed, mut fprec) = if (p as i64) > x && x >= -4 {
                (true, (p as i64 - 1 - x) as usize)
            } else if x_before < p as i64 && x >= p as i64 {
                // glibc quirk (visible with '#'): fixed style was chosen before rounding carried
                // the value to 10^P; glibc then prints it exponential with no fraction digits.
                (false, 0)
            } else {
                (false, p - 1)
            };
            if !spec.alt {
                // Drop trailing zeros: keep only the fraction digits that are stored.
                let frac_stored =
                    if style_fixed { (d.n as i64 - d.point as i64).max(0) as usize } else { d.n.saturating_sub(1) };
                fprec = fprec.min(frac_stored);
            }
            if style_fixed {
                fixed(out, spec, sign, buf, &d, fprec, spec.alt);
            } else {
                expo(out, spec, sign, buf, &d, fprec, spec.alt);
            }
        }
    }
}

/// Digit `i` of the rounded expansion, '0' past the stored ones.
fn digit(buf: &[u8], d: &Decimal, i: i64) -> u8 {
    if i >= 0 && (i as usize) < d.n { buf[i as usize] } else { b'0' }
}

/// Emit digits `from..to` of the expansion.
fn put_digits(o: &mut Out, buf: &[u8], d: &Decimal, from: i64, to: i64) {
    if from >= to {
        return;
    }
    let lo = from.clamp(0, d.n as i64);
    let hi = to.clamp(0, d.n as i64);
    o.fill(b'0', (lo - from).max(0) as usize);
    if hi > lo {
        o.put(&buf[lo as usize..hi as usize]);
    }
    o.fill(b'0', (to - hi.max(from)).max(0) as usize);
}

/// `ddd.ddd` with `prec` fraction digits.
fn fixed(out: &mut Out, spec: &Spec, sign: &[u8], buf: &[u8], d: &Decimal, prec: usize, alt: bool) {
    let point = if d.n == 0 { 1 } else { d.point as i64 };
    let int_len = point.max(1) as usize;
    let dot = prec > 0 || alt;
    let body = int_len + dot as usize + prec;
    emit(out, spec, sign, body, |o| {
        if point <= 0 {
            o.put(b"0");
        } else {
            put_digits(o, buf, d, 0, point);
        }
        if dot {
            o.put(b".");
        }
        put_digits(o, buf, d, point, point + prec as i64);
    });
}

/// `d.ddde±XX` with `prec` fraction digits.
fn expo(out: &mut Out, spec: &Spec, sign: &[u8], buf: &[u8], d: &Decimal, prec: usize, alt: bool) {
    let x: i64 = if d.n == 0 { 0 } else { d.point as i64 - 1 };
    let exp_mark = [if upper(spec) { b'E' } else { b'e' }, if x < 0 { b'-' } else { b'+' }];
    let exp_digits = crate::decimal::Decimal::new(x.unsigned_abs());
    // At least two exponent digits, as C wants.
    let exp_zeros = 2usize.saturating_sub(exp_digits.digits().len());
    let dot = prec > 0 || alt;
    let body = 1 + dot as usize + prec + exp_mark.len() + exp_zeros + exp_digits.digits().len();
    emit(out, spec, sign, body, |o| {
        o.put(&[digit(buf, d, 0)]);
        if dot {
            o.put(b".");
        }
        put_digits(o, buf, d, 1, 1 + prec as i64);
        o.put(&exp_mark);
        o.fill(b'0', exp_zeros);
        o.put(exp_digits.digits());
    });
}

#[derive(Clone, Copy, PartialEq)]
enum HexStyle {
    /// `0x1.hhhhp±d` (normal) / `0x0.hhhhp-1022` (subnormal), 13 fraction digits.
    Double,
    /// glibc's x87 style: the leading digit is the top nibble of the 64-bit mantissa.
    X87,
}

/// `%a`: hexadecimal floating point.
fn hex(out: &mut Out, spec: &Spec, neg: bool, val: &Val, style: HexStyle) {
    let (m, e) = match *val {
        Val::Nan => return special(out, spec, neg, true),
        Val::Inf => return special(out, spec, neg, false),
        Val::Finite { m, e } => (m, e),
    };
    // lead: the digit before the point; frac: `nfrac` hex digits after it, left-aligned in u64.
    let (mut lead, mut frac, nfrac, mut exp): (u64, u64, usize, i64) = match style {
        HexStyle::Double => {
            if m == 0 {
                (0, 0, 13, 0)
            } else if m >> 52 == 0 {
                (0, m << 12, 13, -1022)
            } else {
                (1, m << 12, 13, e as i64 + 52)
            }
        }
        HexStyle::X87 => {
            if m == 0 {
                (0, 0, 15, 0)
            } else {
                (m >> 60, m << 4, 15, e as i64 + 60)
            }
        }
    };
    let mut digits_used = match spec.prec {
        Some(p) => p,
        None => {
            // Shortest exact: drop trailing zero digits.
            let mut k = nfrac;
            while k > 0 && (frac >> (64 - 4 * k)) & 0xf == 0 {
                k -= 1;
            }
            k
        }
    };
    if digits_used < nfrac {
        // Round to `digits_used` hex digits, half to even.
        let keep_bits = 4 * digits_used as u32;
        let (kept, rest) = if keep_bits == 0 { (0u64, frac) } else { (frac >> (64 - keep_bits), frac << keep_bits) };
        let half = 1u64 << 63;
        let last_odd = if keep_bits == 0 { lead & 1 == 1 } else { kept & 1 == 1 };
        let up = rest > half || (rest == half && last_odd);
        let mut kept = kept;
        if up {
            if keep_bits == 0 {
                lead += 1;
            } else {
                kept += 1;
                if kept >> keep_bits != 0 {
                    kept = 0;
                    lead += 1;
                }
            }
        }
        frac = if keep_bits == 0 { 0 } else { kept << (64 - keep_bits) };
        if style == HexStyle::X87 && lead == 16 {
            lead = 1;
            exp += 4;
        }
    }
    let upper = upper(spec);
    let hexd = if upper { b"0123456789ABCDEF" } else { b"0123456789abcdef" };
    let mut fbuf = [0u8; 16];
    let shown = digits_used.min(nfrac);
    for (k, slot) in fbuf.iter_mut().enumerate().take(shown) {
        *slot = hexd[((frac >> (60 - 4 * k)) & 0xf) as usize];
    }
    let extra_zeros = digits_used - shown;
    digits_used = shown;
    let exp_mark = [if upper { b'P' } else { b'p' }, if exp < 0 { b'-' } else { b'+' }];
    let exp_digits = crate::decimal::Decimal::new(exp.unsigned_abs());
    let sign = sign_of(spec, neg);
    let prefix: &[u8] = if upper { b"0X" } else { b"0x" };
    let dot = digits_used + extra_zeros > 0 || spec.alt;
    let body_len = 1 + dot as usize + digits_used + extra_zeros + exp_mark.len() + exp_digits.digits().len();
    let len = sign.len() + prefix.len() + body_len;
    let zero_pad = if spec.zero && !spec.left && spec.width > len { spec.width - len } else { 0 };
    out.padded(spec, len + zero_pad, |o| {
        o.put(sign);
        o.put(prefix);
        o.fill(b'0', zero_pad);
        o.put(&[hexd[lead as usize]]);
        if dot {
            o.put(b".");
        }
        o.put(&fbuf[..digits_used]);
        o.fill(b'0', extra_zeros);
        o.put(&exp_mark);
        o.put(exp_digits.digits());
    });
}
