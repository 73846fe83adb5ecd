//! `<time.h>` conversions and formatting, with UTC as the only time zone (what glibc does with
//! TZ unset and no zone file): gmtime/localtime (+ `_r`), mktime/timegm, asctime/ctime (+ `_r`),
//! difftime, tzset and its globals, and strftime/wcsftime (+ `_l`) with glibc's flags (`_ - 0 ^ #`),
//! field widths, `E`/`O` modifiers and quirks. One formatter serves both widths (`u32` units).

use super::Errno;
use super::locale::{day_name, month_name};
use super::stdio::SyncCell;
use core::ffi::{c_char, c_int, c_long};

/// glibc's `struct tm`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tm {
    pub tm_sec: c_int,
    pub tm_min: c_int,
    pub tm_hour: c_int,
    pub tm_mday: c_int,
    pub tm_mon: c_int,
    pub tm_year: c_int,
    pub tm_wday: c_int,
    pub tm_yday: c_int,
    pub tm_isdst: c_int,
    pub tm_gmtoff: c_long,
    pub tm_zone: *const c_char,
}

const ZERO_TM: Tm = Tm {
    tm_sec: 0,
    tm_min: 0,
    tm_hour: 0,
    tm_mday: 0,
    tm_mon: 0,
    tm_year: 0,
    tm_wday: 0,
    tm_yday: 0,
    tm_isdst: 0,
    tm_gmtoff: 0,
    tm_zone: core::ptr::null(),
};

/// `char *tzname[2]`.
#[cfg_attr(feature = "export-libc", unsafe(no_mangle))]
#[allow(non_upper_case_globals)]
pub static tzname: SyncCell<[*const c_char; 2]> = SyncCell::new([c"UTC".as_ptr(), c"UTC".as_ptr()]);
symbol_registry::register!(static tzname);
/// `long timezone`: seconds west of UTC.
#[cfg_attr(feature = "export-libc", unsafe(no_mangle))]
#[allow(non_upper_case_globals)]
pub static timezone: SyncCell<c_long> = SyncCell::new(0);
symbol_registry::register!(static timezone);
/// `int daylight`.
#[cfg_attr(feature = "export-libc", unsafe(no_mangle))]
#[allow(non_upper_case_globals)]
pub static daylight: SyncCell<c_int> = SyncCell::new(0);
symbol_registry::register!(static daylight);

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1..=12).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// (year, month 1..=12, day) of a day number.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Broken-down UTC time of `t`; None when the year does not fit `int`.
pub fn break_down(t: i64, zone: &'static core::ffi::CStr) -> Option<Tm> {
    let days = t.div_euclid(86400);
    let secs = t.rem_euclid(86400);
    let (y, m, d) = civil_from_days(days);
    let year = c_int::try_from(y - 1900).ok()?;
    let yday = days - days_from_civil(y, 1, 1);
    Some(Tm {
        tm_sec: (secs % 60) as c_int,
        tm_min: (secs / 60 % 60) as c_int,
        tm_hour: (secs / 3600) as c_int,
        tm_mday: d as c_int,
        tm_mon: (m - 1) as c_int,
        tm_year: year,
        tm_wday: (days + 4).rem_euclid(7) as c_int,
        tm_yday: yday as c_int,
        tm_isdst: 0,
        tm_gmtoff: 0,
        tm_zone: zone.as_ptr(),
    })
}

/// Seconds since the epoch of a (possibly denormalized) broken-down UTC time.
pub fn to_epoch(tm: &Tm) -> Option<i64> {
    let mon = tm.tm_mon as i64;
    let y = tm.tm_year as i64 + 1900 + mon.div_euclid(12);
    let m = mon.rem_euclid(12) + 1;
    let days = days_from_civil(y, m, 1) + tm.tm_mday as i64 - 1;
    days.checked_mul(86400)?.checked_add(tm.tm_hour as i64 * 3600 + tm.tm_min as i64 * 60 + tm.tm_sec as i64)
}

/// What `mktime` computes: local time is UTC, and (like glibc in a zone without DST) a positive
/// `tm_isdst` means the fields are an hour ahead of standard time.
pub fn mktime_value(tm: &Tm) -> Option<i64> {
    to_epoch(tm)?.checked_sub(if tm.tm_isdst > 0 { 3600 } else { 0 })
}

static GM_BUF: SyncCell<Tm> = SyncCell::new(ZERO_TM);
static LOCAL_BUF: SyncCell<Tm> = SyncCell::new(ZERO_TM);
static ASC_BUF: SyncCell<[u8; 64]> = SyncCell::new([0; 64]);

crate::libc_fn! {
    /// `struct tm *gmtime_r(const time_t *t, struct tm *out)`.
    ///
    /// # Safety
    /// `t` readable, `out` writable.
    fn gmtime_r(t: *const i64, out: *mut Tm) -> *mut Tm = core::ptr::null_mut(); {
        // SAFETY: per the caller.
        let tm = break_down(unsafe { *t }, c"GMT").ok_or(Errno::EOVERFLOW)?;
        // SAFETY: per the caller.
        unsafe { *out = tm };
        Ok(out)
    }

    /// `struct tm *localtime_r(const time_t *t, struct tm *out)`: local time is UTC.
    ///
    /// # Safety
    /// As `gmtime_r`.
    fn localtime_r(t: *const i64, out: *mut Tm) -> *mut Tm = core::ptr::null_mut(); {
        // SAFETY: per the caller.
        let tm = break_down(unsafe { *t }, c"UTC").ok_or(Errno::EOVERFLOW)?;
        // SAFETY: per the caller.
        unsafe { *out = tm };
        Ok(out)
    }

    /// `struct tm *gmtime(const time_t *t)`: a static result.
    ///
    /// # Safety
    /// `t` readable; not reentrant.
    fn gmtime(t: *const i64) -> *mut Tm {
        // SAFETY: as C's `gmtime`: one static result, not thread-safe in C either (`gmtime_r` is).
        unsafe { gmtime_r(t, GM_BUF.get()) }
    }

    /// `struct tm *localtime(const time_t *t)`.
    ///
    /// # Safety
    /// `t` readable; not reentrant.
    fn localtime(t: *const i64) -> *mut Tm {
        // SAFETY: as above.
        unsafe { localtime_r(t, LOCAL_BUF.get()) }
    }

    /// `time_t timegm(struct tm *tm)`: normalizes `*tm` and returns its UTC time.
    ///
    /// # Safety
    /// `tm` readable and writable.
    fn timegm(tm: *mut Tm) -> i64 = -1; {
        // SAFETY: per the caller.
        let t = to_epoch(unsafe { &*tm }).ok_or(Errno::EOVERFLOW)?;
        let norm = break_down(t, c"GMT").ok_or(Errno::EOVERFLOW)?;
        // SAFETY: per the caller.
        unsafe { *tm = norm };
        Ok(t)
    }

    /// `time_t mktime(struct tm *tm)`: local time is UTC (see [`mktime_value`] for tm_isdst).
    ///
    /// # Safety
    /// As `timegm`.
    fn mktime(tm: *mut Tm) -> i64 = -1; {
        // SAFETY: per the caller.
        let t = mktime_value(unsafe { &*tm }).ok_or(Errno::EOVERFLOW)?;
        let norm = break_down(t, c"UTC").ok_or(Errno::EOVERFLOW)?;
        // SAFETY: per the caller.
        unsafe { *tm = norm };
        Ok(t)
    }

    /// `double difftime(time_t a, time_t b)`.
    ///
    /// # Safety
    /// Always safe.
    fn difftime(a: i64, b: i64) -> f64 {
        (a as i128 - b as i128) as f64
    }

    /// `void tzset(void)`: the zone is always UTC.
    ///
    /// # Safety
    /// Always safe.
    fn tzset() {}

    /// `char *asctime_r(const struct tm *tm, char *buf)`: "Www Mmm dd hh:mm:ss yyyy\n".
    ///
    /// # Safety
    /// `tm` readable, `buf` writable for 26 bytes.
    fn asctime_r(tm: *const Tm, buf: *mut c_char) -> *mut c_char = core::ptr::null_mut(); {
        // SAFETY: per the caller.
        let tm = unsafe { &*tm };
        let year = (tm.tm_year as i64) + 1900;
        if year > c_int::MAX as i64 {
            return Err(Errno::EOVERFLOW);
        }
        let mut out = Vec26 { b: [0; 64], n: 0 };
        let name = |ok: bool, s: &[u8]| -> [u8; 3] {
            if ok { [s[0], s[1], s[2]] } else { *b"???" }
        };
        out.push(&name((0..7).contains(&tm.tm_wday), day_name(tm.tm_wday.max(0) as usize, true)));
        out.push(b" ");
        out.push(&name((0..12).contains(&tm.tm_mon), month_name(tm.tm_mon.max(0) as usize, true)));
        out.num(tm.tm_mday as i64, 3, b' ');
        out.push(b" ");
        out.num(tm.tm_hour as i64, 2, b'0');
        out.push(b":");
        out.num(tm.tm_min as i64, 2, b'0');
        out.push(b":");
        out.num(tm.tm_sec as i64, 2, b'0');
        out.push(b" ");
        out.num(year, 1, b'0');
        out.push(b"\n");
        // SAFETY: per the caller (26 bytes for any tm the C standard allows; longer fields
        // from out-of-range members are the caller's problem, as in glibc).
        unsafe {
            core::ptr::copy_nonoverlapping(out.b.as_ptr(), buf as *mut u8, out.n);
            *buf.add(out.n) = 0;
        }
        Ok(buf)
    }

    /// `char *asctime(const struct tm *tm)`.
    ///
    /// # Safety
    /// `tm` readable; not reentrant.
    fn asctime(tm: *const Tm) -> *mut c_char {
        // SAFETY: as C's `asctime`: one static result, not thread-safe in C either (`asctime_r` is).
        unsafe { asctime_r(tm, ASC_BUF.get() as *mut c_char) }
    }

    /// `char *ctime_r(const time_t *t, char *buf)`.
    ///
    /// # Safety
    /// `t` readable, `buf` writable for 26 bytes.
    fn ctime_r(t: *const i64, buf: *mut c_char) -> *mut c_char {
        let mut tm = ZERO_TM;
        // SAFETY: per the caller.
        unsafe {
            if localtime_r(t, &mut tm).is_null() {
                return core::ptr::null_mut();
            }
            asctime_r(&tm, buf)
        }
    }

    /// `char *ctime(const time_t *t)`.
    ///
    /// # Safety
    /// `t` readable; not reentrant.
    fn ctime(t: *const i64) -> *mut c_char {
        // SAFETY: as C's `ctime`: one static result, not thread-safe in C either (`ctime_r` is).
        unsafe { ctime_r(t, ASC_BUF.get() as *mut c_char) }
    }
}

/// A small text builder for asctime.
struct Vec26 {
    b: [u8; 64],
    n: usize,
}

impl Vec26 {
    fn push(&mut self, s: &[u8]) {
        for &c in s {
            if self.n < 63 {
                self.b[self.n] = c;
                self.n += 1;
            }
        }
    }
    fn num(&mut self, v: i64, width: usize, pad: u8) {
        let d = crate::decimal::Decimal::new(v.unsigned_abs());
        let len = d.digits().len() + (v < 0) as usize;
        for _ in len..width {
            self.push(&[pad]);
        }
        if v < 0 {
            self.push(b"-");
        }
        self.push(d.digits());
    }
}

mod strftime;
pub use strftime::*;
#[cfg(test)]
mod tests;
