//! strftime / wcsftime: one formatter over 32-bit units for both. The number, padding and case
//! rules are glibc's (numbers pad to max(natural digits, width) with zeros, `_` pads with spaces,
//! `-` suppresses padding but the width still space-pads the text; `%z` applies the width to its
//! sign and again to its digits; an unknown conversion is copied back verbatim, width-padded).

use super::super::locale::{self, day_name, month_name};
use super::super::wchar::WChar;
use super::Tm;
use core::ffi::{c_char, c_void};

/// Destination of formatted units: counts always, stores when `dst` is set.
struct Out {
    dst: Dst,
    cap: usize,
    i: usize,
}

#[derive(Clone, Copy)]
enum Dst {
    Count,
    Narrow(*mut u8),
    Wide(*mut WChar),
}

/// Per-conversion state (glibc's locals).
struct Conv {
    pad: u8,
    width: i64,
    upper: bool,
    lower: bool,
}

/// The buffer is full: strftime returns 0.
struct Full;

impl Out {
    fn put(&mut self, at: usize, u: u32) {
        // SAFETY: `at < cap` (checked by `add` before any store); dst has cap units.
        unsafe {
            match self.dst {
                Dst::Count => {}
                Dst::Narrow(p) => *p.add(at) = u as u8,
                Dst::Wide(p) => *p.add(at) = u as WChar,
            }
        }
    }

    /// glibc's `add`: `n` units produced by `f`, left-padded to the conversion's width.
    fn add(&mut self, c: &Conv, n: usize, f: impl FnOnce(&mut Out, usize)) -> Result<(), Full> {
        let delta = c.width - n as i64;
        let incr = n + delta.max(0) as usize;
        if incr >= self.cap - self.i {
            return Err(Full);
        }
        let mut at = self.i;
        for _ in 0..delta.max(0) {
            self.put(at, if c.pad == b'0' { b'0' as u32 } else { b' ' as u32 });
            at += 1;
        }
        f(self, at);
        self.i += incr;
        Ok(())
    }

    /// glibc's `cpy`: text with the case flags applied.
    fn cpy(&mut self, c: &Conv, s: &[u32]) -> Result<(), Full> {
        let (upper, lower) = (c.upper, c.lower);
        self.add(c, s.len(), |o, at| {
            for (k, &u) in s.iter().enumerate() {
                let u = if lower && (b'A' as u32..=b'Z' as u32).contains(&u) {
                    u + 32
                } else if upper && !lower && (b'a' as u32..=b'z' as u32).contains(&u) {
                    u - 32
                } else {
                    u
                };
                o.put(at + k, u);
            }
        })
    }

    fn cpy_bytes(&mut self, c: &Conv, s: &[u8]) -> Result<(), Full> {
        let mut units = [0u32; 64];
        let n = s.len().min(64);
        for (k, &b) in s.iter().take(n).enumerate() {
            units[k] = b as u32;
        }
        self.cpy(c, &units[..n])
    }

    /// glibc's `do_number_sign_and_padding`, with the digits (sign excluded) in `digits_buf`.
    fn signed_padded(&mut self, c: &mut Conv, negative: bool, magnitude: &[u32], digits: i64) -> Result<(), Full> {
        let mut buf = [0u32; 24];
        let mut n = 0;
        if negative {
            buf[0] = b'-' as u32;
            n = 1;
        }
        buf[n..n + magnitude.len()].copy_from_slice(magnitude);
        n += magnitude.len();
        let mut start = 0;
        if c.pad != b'-' {
            let padding = digits - n as i64;
            if padding > 0 {
                let padding = padding as usize;
                if c.pad == b'_' {
                    if padding >= self.cap - self.i {
                        return Err(Full);
                    }
                    for k in 0..padding {
                        self.put(self.i + k, b' ' as u32);
                    }
                    self.i += padding;
                    c.width = (c.width - padding as i64).max(0);
                } else {
                    if digits as usize >= self.cap - self.i {
                        return Err(Full);
                    }
                    if negative {
                        start = 1;
                        self.put(self.i, b'-' as u32);
                        self.i += 1;
                    }
                    for k in 0..padding {
                        self.put(self.i + k, b'0' as u32);
                    }
                    self.i += padding;
                    c.width = 0;
                }
            }
        }
        self.cpy(c, &buf[start..n])
    }

    /// glibc's `DO_NUMBER` / `DO_NUMBER_SPACEPAD` with natural width `d`.
    fn number(&mut self, c: &mut Conv, d: i64, v: i64, spacepad: bool) -> Result<(), Full> {
        if spacepad && c.pad != b'0' && c.pad != b'-' {
            c.pad = b'_';
        }
        let digits = d.max(c.width);
        let (neg, mag) = (v < 0, v.unsigned_abs());
        let (buf, k) = decimal(mag);
        self.signed_padded(c, neg, &buf[k..], digits)
    }
}

/// Decimal digits of `v` at `buf[k..]`.
fn decimal(v: u64) -> ([u32; 24], usize) {
    let mut buf = [0u32; 24];
    let mut k = buf.len();
    let mut x = v;
    loop {
        k -= 1;
        buf[k] = b'0' as u32 + (x % 10) as u32;
        x /= 10;
        if x == 0 {
            break;
        }
    }
    (buf, k)
}

/// Days from the first day of the first ISO week of the year to day `yday` (weekday `wday`).
fn iso_week_days(yday: i64, wday: i64) -> i64 {
    let big = (366 / 7 + 2) * 7;
    yday - (yday - wday + 4 + big) % 7 + 4 - 1
}

fn is_leap(y: i64) -> i64 {
    (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) as i64
}

/// Format `fmt` (units via `at`, `len` of them) for `tm` into `out`.
fn format(out: &mut Out, fmt: &dyn Fn(usize) -> u32, len: usize, tm: &Tm) -> Result<(), Full> {
    let mut hour12 = tm.tm_hour as i64;
    if hour12 > 12 {
        hour12 -= 12;
    } else if hour12 == 0 {
        hour12 = 12;
    }
    let at = |i: usize| if i < len { fmt(i) } else { 0 };
    let mut f = 0;
    while f < len {
        let ch = at(f);
        if ch != b'%' as u32 {
            let c = Conv { pad: 0, width: -1, upper: false, lower: false };
            out.add(&c, 1, |o, p| o.put(p, ch))?;
            f += 1;
            continue;
        }
        let start = f;
        let mut c = Conv { pad: 0, width: -1, upper: false, lower: false };
        let mut change_case = false;
        loop {
            f += 1;
            match at(f) {
                0x5f | 0x2d | 0x30 => c.pad = at(f) as u8, // _ - 0
                0x5e => c.upper = true,                    // ^
                0x23 => change_case = true,                // #
                _ => break,
            }
        }
        if (b'0' as u32..=b'9' as u32).contains(&at(f)) {
            c.width = 0;
            while (b'0' as u32..=b'9' as u32).contains(&at(f)) {
                c.width = (c.width * 10 + (at(f) - b'0' as u32) as i64).min(i32::MAX as i64);
                f += 1;
            }
        }
        let modifier = match at(f) {
            0x45 | 0x4f => {
                f += 1;
                at(f - 1) as u8
            }
            _ => 0,
        };
        let conv = at(f);
        let conv_b = if conv < 0x80 { conv as u8 } else { 0xff };
        let year = tm.tm_year as i64 + 1900;
        let bad = |out: &mut Out, c: &Conv, end: usize| -> Result<(), Full> {
            let mut units = [0u32; 64];
            let n = (end - start + 1).min(64);
            for (k, u) in units.iter_mut().take(n).enumerate() {
                *u = at(start + k);
            }
            out.cpy(c, &units[..n])
        };
        // Conversions that reject E, O or both.
        let rejects = |m: u8| -> bool {
            match conv_b {
                b'a' | b'A' | b'D' | b'F' => m != 0,
                b'b' | b'h' | b'B' | b'd' | b'e' | b'H' | b'I' | b'k' | b'l' | b'j' | b'M' | b'm' | b'S' | b'U'
                | b'V' | b'g' | b'G' | b'W' | b'w' => m == b'E',
                b'c' | b'x' | b'X' => m == b'O',
                b'Y' => m == b'O',
                _ => false,
            }
        };
        if conv == 0 {
            // '%' at the end of the format: copied back.
            bad(out, &c, f - 1)?;
            break;
        }
        if change_case && (conv_b == b'b' || conv_b == b'h') {
            // glibc sets the case before checking the modifier here, so even a rejected %Eb
            // is echoed upper-cased.
            c.upper = true;
        }
        if rejects(modifier) {
            bad(out, &c, f)?;
            f += 1;
            continue;
        }
        let wday_ok = (0..7).contains(&tm.tm_wday);
        let mon_ok = (0..12).contains(&tm.tm_mon);
        match conv_b {
            b'%' => out.add(&c, 1, |o, p| o.put(p, b'%' as u32))?,
            b'a' | b'A' => {
                if change_case {
                    c.upper = true;
                    c.lower = false;
                }
                let s: &[u8] = if wday_ok { day_name(tm.tm_wday as usize, conv_b == b'a') } else { b"?" };
                out.cpy_bytes(&c, s)?;
            }
            b'b' | b'h' | b'B' => {
                if change_case {
                    c.upper = true;
                    c.lower = false;
                }
                let s: &[u8] = if mon_ok { month_name(tm.tm_mon as usize, conv_b != b'B') } else { b"?" };
                out.cpy_bytes(&c, s)?;
            }
            b'c' | b'x' | b'X' | b'D' | b'F' | b'R' | b'r' | b'T' => {
                let sub: &[u8] = match conv_b {
                    b'c' => locale::D_T_FMT,
                    b'x' => locale::D_FMT,
                    b'X' => locale::T_FMT,
                    b'D' => b"%m/%d/%y\0",
                    b'F' => b"%Y-%m-%d\0",
                    b'R' => b"%H:%M\0",
                    b'r' => locale::T_FMT_AMPM,
                    _ => b"%H:%M:%S\0",
                };
                let sub = &sub[..sub.len() - 1];
                let sub_at = |i: usize| sub[i] as u32;
                let mut count = Out { dst: Dst::Count, cap: usize::MAX, i: 0 };
                let _ = format(&mut count, &sub_at, sub.len(), tm);
                let n = count.i;
                let upper = c.upper;
                let mut inner: Result<(), Full> = Ok(());
                out.add(&c, n, |o, p| {
                    let mut sub_out = Out { dst: o.dst, cap: o.cap - p, i: 0 };
                    sub_out.dst = match o.dst {
                        Dst::Count => Dst::Count,
                        // SAFETY: p < cap; the sub-output starts at p.
                        Dst::Narrow(b) => Dst::Narrow(unsafe { b.add(p) }),
                        // SAFETY: as above.
                        Dst::Wide(b) => Dst::Wide(unsafe { b.add(p) }),
                    };
                    inner = format(&mut sub_out, &sub_at, sub.len(), tm);
                    if upper {
                        for k in 0..n {
                            // SAFETY: the sub-output wrote n units at p.
                            let u = unsafe {
                                match o.dst {
                                    Dst::Count => 0,
                                    Dst::Narrow(b) => *b.add(p + k) as u32,
                                    Dst::Wide(b) => *b.add(p + k) as u32,
                                }
                            };
                            if (b'a' as u32..=b'z' as u32).contains(&u) {
                                o.put(p + k, u - 32);
                            }
                        }
                    }
                })?;
                inner?;
            }
            b'C' => out.number(&mut c, 1, year / 100 - (year % 100 < 0) as i64, false)?,
            b'd' => out.number(&mut c, 2, tm.tm_mday as i64, false)?,
            b'e' => out.number(&mut c, 2, tm.tm_mday as i64, true)?,
            b'H' => out.number(&mut c, 2, tm.tm_hour as i64, false)?,
            b'I' => out.number(&mut c, 2, hour12, false)?,
            b'k' => out.number(&mut c, 2, tm.tm_hour as i64, true)?,
            b'l' => out.number(&mut c, 2, hour12, true)?,
            b'j' => out.number(&mut c, 3, 1 + tm.tm_yday as i64, false)?,
            b'M' => out.number(&mut c, 2, tm.tm_min as i64, false)?,
            b'm' => out.number(&mut c, 2, tm.tm_mon as i64 + 1, false)?,
            b'n' => out.add(&c, 1, |o, p| o.put(p, b'\n' as u32))?,
            b't' => out.add(&c, 1, |o, p| o.put(p, b'\t' as u32))?,
            b'P' | b'p' => {
                if conv_b == b'P' {
                    c.lower = true;
                }
                if change_case {
                    c.upper = false;
                    c.lower = true;
                }
                let s: &[u8] = if tm.tm_hour > 11 { b"PM" } else { b"AM" };
                out.cpy_bytes(&c, s)?;
            }
            b'S' => out.number(&mut c, 2, tm.tm_sec as i64, false)?,
            b's' => {
                let t = super::mktime_value(tm).unwrap_or(-1);
                let (buf, k) = decimal(t.unsigned_abs());
                out.signed_padded(&mut c, t < 0, &buf[k..], 1)?;
            }
            b'u' => out.number(&mut c, 1, (tm.tm_wday as i64 - 1 + 7) % 7 + 1, false)?,
            b'U' => out.number(&mut c, 2, (tm.tm_yday as i64 - tm.tm_wday as i64 + 7) / 7, false)?,
            b'W' => out.number(&mut c, 2, (tm.tm_yday as i64 - (tm.tm_wday as i64 - 1 + 7) % 7 + 7) / 7, false)?,
            b'w' => out.number(&mut c, 1, tm.tm_wday as i64, false)?,
            b'V' | b'g' | b'G' => {
                let (yday, wday) = (tm.tm_yday as i64, tm.tm_wday as i64);
                let mut y = year;
                let mut days = iso_week_days(yday, wday);
                if days < 0 {
                    y -= 1;
                    days = iso_week_days(yday + 365 + is_leap(y), wday);
                } else {
                    let d = iso_week_days(yday - (365 + is_leap(y)), wday);
                    if d >= 0 {
                        y += 1;
                        days = d;
                    }
                }
                match conv_b {
                    b'g' => out.number(&mut c, 2, (y % 100 + 100) % 100, false)?,
                    b'G' => out.number(&mut c, 1, y, false)?,
                    _ => out.number(&mut c, 2, days / 7 + 1, false)?,
                }
            }
            b'Y' => out.number(&mut c, 1, year, false)?,
            b'y' => out.number(&mut c, 2, (tm.tm_year as i64 % 100 + 100) % 100, false)?,
            b'Z' => {
                if change_case {
                    c.upper = false;
                    c.lower = true;
                }
                let zone: &[u8] = if !tm.tm_zone.is_null() {
                    // SAFETY: tm_zone is a NUL-terminated string when set.
                    unsafe { core::ffi::CStr::from_ptr(tm.tm_zone) }.to_bytes()
                } else {
                    b""
                };
                let zone: &[u8] = if zone.is_empty() && tm.tm_isdst >= 0 {
                    if tm.tm_isdst <= 1 { b"UTC" } else { b"?" }
                } else {
                    zone
                };
                out.cpy_bytes(&c, zone)?;
            }
            b'z' => {
                if tm.tm_isdst >= 0 {
                    let mut diff = tm.tm_gmtoff;
                    let sign = if diff < 0 { b'-' } else { b'+' };
                    diff = diff.abs();
                    out.add(&c, 1, |o, p| o.put(p, sign as u32))?;
                    let m = diff / 60;
                    out.number(&mut c, 4, (m / 60) * 100 + m % 60, false)?;
                }
            }
            _ => bad(out, &c, f)?,
        }
        f += 1;
    }
    Ok(())
}

/// Run the formatter into `dst` (capacity `max` units). glibc's return convention: the count
/// without the terminator, or 0 when it does not fit.
fn run(dst: Dst, max: usize, fmt: &dyn Fn(usize) -> u32, len: usize, tm: &Tm) -> usize {
    let mut out = Out { dst, cap: max, i: 0 };
    if max == 0 {
        return 0;
    }
    match format(&mut out, fmt, len, tm) {
        Ok(()) => {
            out.put(out.i, 0);
            out.i
        }
        Err(Full) => 0,
    }
}

crate::libc_fn! {
    /// `size_t strftime(char *s, size_t max, const char *fmt, const struct tm *tm)`.
    ///
    /// # Safety
    /// `s` writable for `max`; `fmt` NUL-terminated; `tm` readable.
    fn strftime(s: *mut c_char, max: usize, fmt: *const c_char, tm: *const Tm) -> usize {
        // SAFETY: per the caller.
        let f = unsafe { core::ffi::CStr::from_ptr(fmt) }.to_bytes();
        let at = |i: usize| f[i] as u32;
        // SAFETY: per the caller.
        run(Dst::Narrow(s as *mut u8), max, &at, f.len(), unsafe { &*tm })
    }

    /// `size_t strftime_l(..., locale_t)`.
    ///
    /// # Safety
    /// As `strftime`.
    fn strftime_l(s: *mut c_char, max: usize, fmt: *const c_char, tm: *const Tm, _l: *mut c_void) -> usize {
        // SAFETY: same contract.
        unsafe { strftime(s, max, fmt, tm) }
    }

    /// `size_t __strftime_l(...)`: glibc's internal name (libstdc++).
    ///
    /// # Safety
    /// As `strftime`.
    fn __strftime_l(s: *mut c_char, max: usize, fmt: *const c_char, tm: *const Tm, _l: *mut c_void) -> usize {
        // SAFETY: same contract.
        unsafe { strftime(s, max, fmt, tm) }
    }

    /// `size_t wcsftime(wchar_t *s, size_t max, const wchar_t *fmt, const struct tm *tm)`.
    ///
    /// # Safety
    /// `s` writable for `max` wide characters; `fmt` 0-terminated; `tm` readable.
    fn wcsftime(s: *mut WChar, max: usize, fmt: *const WChar, tm: *const Tm) -> usize {
        // SAFETY: per the caller.
        let n = unsafe { super::super::wchar::wlen(fmt) };
        // SAFETY: i < n.
        let at = |i: usize| unsafe { *fmt.add(i) } as u32;
        // SAFETY: per the caller.
        run(Dst::Wide(s), max, &at, n, unsafe { &*tm })
    }

    /// `size_t wcsftime_l(..., locale_t)`.
    ///
    /// # Safety
    /// As `wcsftime`.
    fn wcsftime_l(s: *mut WChar, max: usize, fmt: *const WChar, tm: *const Tm, _l: *mut c_void) -> usize {
        // SAFETY: same contract.
        unsafe { wcsftime(s, max, fmt, tm) }
    }

    /// `size_t __wcsftime_l(...)`.
    ///
    /// # Safety
    /// As `wcsftime`.
    fn __wcsftime_l(s: *mut WChar, max: usize, fmt: *const WChar, tm: *const Tm, _l: *mut c_void) -> usize {
        // SAFETY: same contract.
        unsafe { wcsftime(s, max, fmt, tm) }
    }
}
