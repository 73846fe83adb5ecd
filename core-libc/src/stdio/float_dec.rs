//! Exact decimal expansion of binary floating-point values (`m × 2^e`, `m < 2^64`), the base of
//! printf's `%f %e %g` and of strtod's exactness check. Every digit is exact: the integer part is
//! divided down by 10^9, the fraction multiplied up by 10^9, on big integers. Rounding to the
//! requested precision is round-half-even on the exact value, as glibc does in the default
//! rounding mode.

use super::bigint::Big;

/// Where digit generation may stop.
#[derive(Clone, Copy)]
pub enum Stop {
    /// At most this many significant digits.
    Sig(usize),
    /// Digits down to the `10^-k` position (k fraction digits).
    Frac(usize),
}

/// Significant decimal digits: value = `0.d[0] d[1] ... × 10^point`; `sticky` says that nonzero
/// digits follow the ones stored.
pub struct Decimal {
    pub n: usize,
    pub point: i32,
    pub sticky: bool,
}

/// Big-integer capacity for doubles: 2^1024 and 2^-1074 × 2^64 fit in 40 words.
pub const F64_WORDS: usize = 40;
/// For x87 extended precision: 2^16384 and the 16445 + 64 fraction bits fit in 520 words.
pub const F80_WORDS: usize = 520;

/// Generate the digits of `m × 2^e` into `buf` (ASCII). `buf` must hold every integer digit of
/// the value plus the digits `stop` asks for; `m > 0`.
pub fn digits<const N: usize>(m: u64, e: i32, stop: Stop, buf: &mut [u8]) -> Decimal {
    debug_assert!(m != 0);
    let mut out = Decimal { n: 0, point: 0, sticky: false };
    // Split into integer part and a fraction F / 2^k.
    let (int_part, mut frac, k): (Big<N>, Big<N>, usize) = if e >= 0 {
        let mut i = Big::from_u64(m);
        i.shl(e as usize);
        (i, Big::from_u64(0), 0)
    } else {
        let k = (-e) as usize;
        if k < 64 {
            (Big::from_u64(m >> k), Big::from_u64(m & ((1u64 << k) - 1)), k)
        } else {
            (Big::from_u64(0), Big::from_u64(m), k)
        }
    };
    // Integer digits, written from the end of buf backwards, then moved to the front.
    if !int_part.is_zero() {
        let mut i = int_part;
        let mut end = buf.len();
        while !i.is_zero() {
            let mut chunk = i.div_small(1_000_000_000);
            for _ in 0..9 {
                end -= 1;
                buf[end] = b'0' + (chunk % 10) as u8;
                chunk /= 10;
            }
        }
        while buf[end] == b'0' {
            end += 1;
        }
        let count = buf.len() - end;
        buf.copy_within(end.., 0);
        out.n = count;
        out.point = count as i32;
        let limit = match stop {
            Stop::Sig(s) => s,
            Stop::Frac(f) => count + f,
        };
        if count > limit {
            out.sticky = buf[limit..count].iter().any(|&d| d != b'0') || !frac.is_zero();
            out.n = limit;
            return out;
        }
    }
    // Fraction digits, nine at a time.
    let mut pos = 0usize; // fraction digits produced so far (position 10^-pos)
    while !frac.is_zero() {
        let limit_reached = match stop {
            Stop::Sig(s) => out.n >= s,
            Stop::Frac(f) => pos >= f,
        };
        if limit_reached {
            out.sticky = true;
            break;
        }
        frac.mul_add_small(1_000_000_000, 0);
        let chunk = frac.bits64(k) as u32;
        frac.truncate_bits(k);
        let mut div = 100_000_000;
        for _ in 0..9 {
            let d = (chunk / div) % 10;
            div /= 10;
            pos += 1;
            let full = match stop {
                Stop::Sig(s) => out.n >= s,
                Stop::Frac(f) => pos > f,
            };
            if full {
                out.sticky |= d != 0;
                continue;
            }
            if out.n == 0 && d == 0 {
                out.point -= 1; // leading zero after the point
                continue;
            }
            buf[out.n] = b'0' + d as u8;
            out.n += 1;
        }
    }
    // Drop trailing zeros (they carry no information).
    while out.n > 0 && buf[out.n - 1] == b'0' {
        out.n -= 1;
    }
    out
}

/// Round the digits to `keep` significant digits (round half to even on the exact value).
/// `keep` may be zero or negative (the rounding position is above the first digit). Returns the
/// new digit count; `d.point` grows by one when the rounding carries out (9.99 -> 10.0).
pub fn round(buf: &mut [u8], d: &mut Decimal, keep: i64) -> usize {
    if keep >= d.n as i64 {
        return d.n;
    }
    if keep < 0 {
        d.n = 0;
        return 0;
    }
    let keep = keep as usize;
    let r = buf[keep];
    let rest_nonzero = d.sticky || buf[keep + 1..d.n].iter().any(|&c| c != b'0');
    let prev_odd = keep > 0 && (buf[keep - 1] - b'0') % 2 == 1;
    let up = r > b'5' || (r == b'5' && (rest_nonzero || prev_odd));
    d.n = keep;
    if up {
        let mut i = keep;
        loop {
            if i == 0 {
                // Carry out of the first digit: the value is 10^point.
                buf[0] = b'1';
                d.n = 1;
                d.point += 1;
                break;
            }
            i -= 1;
            if buf[i] == b'9' {
                buf[i] = b'0';
            } else {
                buf[i] += 1;
                break;
            }
        }
    }
    while d.n > 0 && buf[d.n - 1] == b'0' {
        d.n -= 1;
    }
    d.n
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exact digits of a double, checked against glibc's `%.800e` (which is exact).
    #[test]
    fn exact_digits_match_glibc_long_expansion() {
        let mut rng = crate::testkit::Rng::new(12);
        let mut buf = [0u8; 1200];
        let mut out = [0u8; 1300];
        for i in 0..3000 {
            let v = if i < 20 { f64::from_bits(1 + i as u64) } else { rng.any_f64().abs() };
            if v == 0.0 {
                continue;
            }
            let (m, e) = decompose(v);
            let d = digits::<F64_WORDS>(m, e, Stop::Sig(1000), &mut buf);
            assert!(!d.sticky);
            // SAFETY: buffer and format are valid; one double argument.
            let len = unsafe { libc::snprintf(out.as_mut_ptr() as *mut _, out.len(), c"%.1000e".as_ptr(), v) } as usize;
            let s = &out[..len];
            let epos = s.iter().position(|&c| c == b'e').unwrap();
            let mut glibc_digits: Vec<u8> = s[..epos].iter().copied().filter(|c| c.is_ascii_digit()).collect();
            while glibc_digits.last() == Some(&b'0') {
                glibc_digits.pop();
            }
            let exp: i32 = core::str::from_utf8(&s[epos + 1..]).unwrap().parse().unwrap();
            assert_eq!(&buf[..d.n], &glibc_digits[..], "digits of {v:e}");
            assert_eq!(d.point, exp + 1, "exponent of {v:e}");
        }
    }

    fn decompose(v: f64) -> (u64, i32) {
        let bits = v.to_bits();
        let exp = ((bits >> 52) & 0x7ff) as i32;
        let frac = bits & ((1 << 52) - 1);
        if exp == 0 { (frac, -1074) } else { (frac | 1 << 52, exp - 1075) }
    }
}
