//! `<wchar.h>` / `<wctype.h>` in the C locale: `wchar_t` is a 32-bit code point, the multibyte
//! encoding is ASCII (MB_CUR_MAX 1): bytes >= 0x80 and wide characters >= 0x80 have no
//! counterpart (EILSEQ), and the wide classes and case maps cover ASCII only — exactly glibc's
//! C locale. Wide string functions are plain loops over `wchar_t`.

use super::ctype::{bits, class_fns, class_of};
use super::{Errno, errno};
use core::ffi::{c_char, c_int, c_void};
use core::ptr::null_mut;

pub type WChar = i32;
pub type WInt = u32;
pub const WEOF: WInt = 0xffff_ffff;
/// `(size_t)-1` and `(size_t)-2`, the mbrtowc failure returns.
const ILSEQ: usize = usize::MAX;
const INCOMPLETE: usize = usize::MAX - 1;

/// The C locale's byte for a wide character, if it has one.
pub fn narrow(c: WChar) -> Option<u8> {
    if (0..0x80).contains(&c) { Some(c as u8) } else { None }
}

/// Class bits of a wide character (ASCII only in the C locale).
pub fn wclass(c: WInt) -> u16 {
    if c < 0x80 { class_of(c as u8) } else { 0 }
}

/// `wctype_t` values: 1 + the index of the class below (0 is "no such class").
const CLASSES: [(&[u8], u16); 12] = [
    (b"alnum", bits::ALNUM),
    (b"alpha", bits::ALPHA),
    (b"blank", bits::BLANK),
    (b"cntrl", bits::CNTRL),
    (b"digit", bits::DIGIT),
    (b"graph", bits::GRAPH),
    (b"lower", bits::LOWER),
    (b"print", bits::PRINT),
    (b"punct", bits::PUNCT),
    (b"space", bits::SPACE),
    (b"upper", bits::UPPER),
    (b"xdigit", bits::XDIGIT),
];

/// `wctype(name)`.
///
/// # Safety
/// `name` NUL-terminated.
pub unsafe fn wctype_of(name: *const c_char) -> usize {
    // SAFETY: per the caller.
    let n = unsafe { core::ffi::CStr::from_ptr(name) }.to_bytes();
    CLASSES.iter().position(|(k, _)| *k == n).map_or(0, |i| i + 1)
}

/// `iswctype(c, t)`.
pub fn is_wctype(c: WInt, t: usize) -> bool {
    t >= 1 && t <= CLASSES.len() && wclass(c) & CLASSES[t - 1].1 != 0
}

pub fn to_lower(c: WInt) -> WInt {
    if (b'A' as u32..=b'Z' as u32).contains(&c) { c + 32 } else { c }
}

pub fn to_upper(c: WInt) -> WInt {
    if (b'a' as u32..=b'z' as u32).contains(&c) { c - 32 } else { c }
}

/// The C locale's string conversion, bytes to wide characters (`mbsnrtowcs`) or back
/// (`wcsnrtombs`): converts at most `n_src` source units and `len` destination ones (no limit when
/// `dst` is NULL: then it only counts) through `map` (None: not representable, EILSEQ), stopping
/// after the terminator. `*src` is advanced to the first unconverted unit (NULL after the
/// terminator) when `dst` is not NULL. Returns the units written, not counting the terminator.
///
/// # Safety
/// `*src` readable for `n_src` units or to its terminator; `dst` NULL or writable for `len`.
unsafe fn convert<S: Copy + Default + PartialEq, D>(
    dst: *mut D,
    src: *mut *const S,
    n_src: usize,
    len: usize,
    map: impl Fn(S) -> Option<D>,
) -> usize {
    // SAFETY: per the caller.
    let mut p = unsafe { *src };
    let limit = if dst.is_null() { usize::MAX } else { len };
    let mut count = 0;
    while count < limit && count < n_src {
        // SAFETY: count < n_src, before the terminator.
        let c = unsafe { *p };
        let Some(d) = map(c) else {
            if !dst.is_null() {
                // SAFETY: per the caller.
                unsafe { *src = p };
            }
            errno::set(Errno::EILSEQ);
            return ILSEQ;
        };
        if !dst.is_null() {
            // SAFETY: count < len.
            unsafe { dst.add(count).write(d) };
        }
        if c == S::default() {
            if !dst.is_null() {
                // SAFETY: per the caller.
                unsafe { *src = core::ptr::null() };
            }
            return count;
        }
        count += 1;
        // SAFETY: still inside the string.
        p = unsafe { p.add(1) };
    }
    if !dst.is_null() {
        // SAFETY: per the caller.
        unsafe { *src = p };
    }
    count
}

/// Length of a NUL-terminated wide string.
///
/// # Safety
/// `s` terminated by a 0 wide character.
pub unsafe fn wlen(s: *const WChar) -> usize {
    let mut n = 0;
    // SAFETY: per the caller.
    while unsafe { *s.add(n) } != 0 {
        n += 1;
    }
    n
}

class_fns! {
    WInt, wclass;
    /// `int iswalnum(wint_t c)` in the C locale (ASCII).
    fn iswalnum(c) = bits::ALNUM;
    /// `int iswalpha(wint_t c)` in the C locale (ASCII).
    fn iswalpha(c) = bits::ALPHA;
    /// `int iswblank(wint_t c)` in the C locale (ASCII).
    fn iswblank(c) = bits::BLANK;
    /// `int iswcntrl(wint_t c)` in the C locale (ASCII).
    fn iswcntrl(c) = bits::CNTRL;
    /// `int iswdigit(wint_t c)` in the C locale (ASCII).
    fn iswdigit(c) = bits::DIGIT;
    /// `int iswgraph(wint_t c)` in the C locale (ASCII).
    fn iswgraph(c) = bits::GRAPH;
    /// `int iswlower(wint_t c)` in the C locale (ASCII).
    fn iswlower(c) = bits::LOWER;
    /// `int iswprint(wint_t c)` in the C locale (ASCII).
    fn iswprint(c) = bits::PRINT;
    /// `int iswpunct(wint_t c)` in the C locale (ASCII).
    fn iswpunct(c) = bits::PUNCT;
    /// `int iswspace(wint_t c)` in the C locale (ASCII).
    fn iswspace(c) = bits::SPACE;
    /// `int iswupper(wint_t c)` in the C locale (ASCII).
    fn iswupper(c) = bits::UPPER;
    /// `int iswxdigit(wint_t c)` in the C locale (ASCII).
    fn iswxdigit(c) = bits::XDIGIT;
}

crate::libc_fn! {
    /// `wctype_t wctype(const char *name)`: 0 for an unknown class.
    ///
    /// # Safety
    /// `name` NUL-terminated.
    fn wctype(name: *const c_char) -> usize {
        // SAFETY: per the caller.
        unsafe { wctype_of(name) }
    }

    /// `int iswctype(wint_t c, wctype_t t)`.
    ///
    /// # Safety
    /// Always safe.
    fn iswctype(c: WInt, t: usize) -> c_int {
        is_wctype(c, t) as c_int
    }

    /// `wint_t towlower(wint_t c)`.
    ///
    /// # Safety
    /// Always safe.
    fn towlower(c: WInt) -> WInt {
        to_lower(c)
    }

    /// `wint_t towupper(wint_t c)`.
    ///
    /// # Safety
    /// Always safe.
    fn towupper(c: WInt) -> WInt {
        to_upper(c)
    }

    /// `wctrans_t wctrans(const char *name)`: 1 "tolower", 2 "toupper", else 0.
    ///
    /// # Safety
    /// `name` NUL-terminated.
    fn wctrans(name: *const c_char) -> usize {
        // SAFETY: per the caller.
        match unsafe { core::ffi::CStr::from_ptr(name) }.to_bytes() {
            b"tolower" => 1,
            b"toupper" => 2,
            _ => 0,
        }
    }

    /// `wint_t towctrans(wint_t c, wctrans_t t)`.
    ///
    /// # Safety
    /// Always safe.
    fn towctrans(c: WInt, t: usize) -> WInt {
        match t {
            1 => to_lower(c),
            2 => to_upper(c),
            _ => c,
        }
    }

    /// `size_t __ctype_get_mb_cur_max(void)`: MB_CUR_MAX, 1 in the C locale.
    ///
    /// # Safety
    /// Always safe.
    fn __ctype_get_mb_cur_max() -> usize {
        1
    }

    /// `wint_t btowc(int c)`.
    ///
    /// # Safety
    /// Always safe.
    fn btowc(c: c_int) -> WInt {
        if (0..0x80).contains(&c) { c as WInt } else { WEOF }
    }

    /// `int wctob(wint_t c)`.
    ///
    /// # Safety
    /// Always safe.
    fn wctob(c: WInt) -> c_int {
        if c < 0x80 { c as c_int } else { -1 }
    }

    /// `int mbsinit(const mbstate_t *ps)`: the C locale has no shift states.
    ///
    /// # Safety
    /// Always safe.
    fn mbsinit(_ps: *const c_void) -> c_int {
        1
    }

    /// `size_t mbrtowc(wchar_t *pwc, const char *s, size_t n, mbstate_t *ps)`.
    ///
    /// # Safety
    /// `pwc` NULL or writable; `s` NULL or readable for `min(n, 1)` bytes.
    fn mbrtowc(pwc: *mut WChar, s: *const c_char, n: usize, _ps: *mut c_void) -> usize {
        if s.is_null() {
            return 0;
        }
        if n == 0 {
            return INCOMPLETE;
        }
        // SAFETY: n >= 1.
        let b = unsafe { *s } as u8;
        if b >= 0x80 {
            errno::set(Errno::EILSEQ);
            return ILSEQ;
        }
        if !pwc.is_null() {
            // SAFETY: per the caller.
            unsafe { *pwc = b as WChar };
        }
        (b != 0) as usize
    }

    /// `size_t mbrlen(const char *s, size_t n, mbstate_t *ps)`.
    ///
    /// # Safety
    /// As `mbrtowc`.
    fn mbrlen(s: *const c_char, n: usize, ps: *mut c_void) -> usize {
        // SAFETY: same contract.
        unsafe { mbrtowc(null_mut(), s, n, ps) }
    }

    /// `int mbtowc(wchar_t *pwc, const char *s, size_t n)`.
    ///
    /// # Safety
    /// As `mbrtowc`.
    fn mbtowc(pwc: *mut WChar, s: *const c_char, n: usize) -> c_int {
        // SAFETY: same contract.
        let r = unsafe { mbrtowc(pwc, s, n, null_mut()) };
        if r >= INCOMPLETE { -1 } else { r as c_int }
    }

    /// `int mblen(const char *s, size_t n)`.
    ///
    /// # Safety
    /// As `mbrtowc`.
    fn mblen(s: *const c_char, n: usize) -> c_int {
        // SAFETY: same contract.
        unsafe { mbtowc(null_mut(), s, n) }
    }

    /// `size_t wcrtomb(char *s, wchar_t wc, mbstate_t *ps)`.
    ///
    /// # Safety
    /// `s` NULL or writable for 1 byte.
    fn wcrtomb(s: *mut c_char, wc: WChar, _ps: *mut c_void) -> usize {
        if s.is_null() {
            return 1;
        }
        match narrow(wc) {
            Some(b) => {
                // SAFETY: per the caller.
                unsafe { *s = b as c_char };
                1
            }
            None => {
                errno::set(Errno::EILSEQ);
                ILSEQ
            }
        }
    }

    /// `int wctomb(char *s, wchar_t wc)`.
    ///
    /// # Safety
    /// As `wcrtomb`.
    fn wctomb(s: *mut c_char, wc: WChar) -> c_int {
        if s.is_null() {
            return 0; // no shift states
        }
        // SAFETY: same contract.
        let r = unsafe { wcrtomb(s, wc, null_mut()) };
        if r == ILSEQ { -1 } else { r as c_int }
    }

    /// `size_t mbsnrtowcs(wchar_t *dst, const char **src, size_t nms, size_t len, mbstate_t *ps)`:
    /// converts at most `nms` bytes / `len` wide characters; `*src` is advanced (NULL after the
    /// terminator was converted).
    ///
    /// # Safety
    /// `*src` readable for `nms` bytes or to its NUL; `dst` NULL or writable for `len`.
    fn mbsnrtowcs(dst: *mut WChar, src: *mut *const c_char, nms: usize, len: usize, _ps: *mut c_void) -> usize {
        // SAFETY: the caller's contract is `convert`'s; `c_char` and `u8` have one layout.
        unsafe { convert(dst, src as *mut *const u8, nms, len, |b| (b < 0x80).then_some(b as WChar)) }
    }

    /// `size_t mbsrtowcs(wchar_t *dst, const char **src, size_t len, mbstate_t *ps)`.
    ///
    /// # Safety
    /// As `mbsnrtowcs` with no byte limit.
    fn mbsrtowcs(dst: *mut WChar, src: *mut *const c_char, len: usize, ps: *mut c_void) -> usize {
        // SAFETY: same contract.
        unsafe { mbsnrtowcs(dst, src, usize::MAX, len, ps) }
    }

    /// `size_t mbstowcs(wchar_t *dst, const char *src, size_t len)`.
    ///
    /// # Safety
    /// `src` NUL-terminated; `dst` NULL or writable for `len`.
    fn mbstowcs(dst: *mut WChar, src: *const c_char, len: usize) -> usize {
        let mut p = src;
        // SAFETY: same contract.
        unsafe { mbsnrtowcs(dst, &mut p, usize::MAX, len, null_mut()) }
    }

    /// `size_t wcsnrtombs(char *dst, const wchar_t **src, size_t nwc, size_t len, mbstate_t *ps)`.
    ///
    /// # Safety
    /// `*src` readable for `nwc` wide characters or to its 0; `dst` NULL or writable for `len`.
    fn wcsnrtombs(dst: *mut c_char, src: *mut *const WChar, nwc: usize, len: usize, _ps: *mut c_void) -> usize {
        // SAFETY: the caller's contract is `convert`'s.
        unsafe { convert(dst, src, nwc, len, |c| narrow(c).map(|b| b as c_char)) }
    }

    /// `size_t wcsrtombs(char *dst, const wchar_t **src, size_t len, mbstate_t *ps)`.
    ///
    /// # Safety
    /// As `wcsnrtombs` with no character limit.
    fn wcsrtombs(dst: *mut c_char, src: *mut *const WChar, len: usize, ps: *mut c_void) -> usize {
        // SAFETY: same contract.
        unsafe { wcsnrtombs(dst, src, usize::MAX, len, ps) }
    }

    /// `size_t wcstombs(char *dst, const wchar_t *src, size_t len)`.
    ///
    /// # Safety
    /// `src` 0-terminated; `dst` NULL or writable for `len`.
    fn wcstombs(dst: *mut c_char, src: *const WChar, len: usize) -> usize {
        let mut p = src;
        // SAFETY: same contract.
        unsafe { wcsnrtombs(dst, &mut p, usize::MAX, len, null_mut()) }
    }
}

#[cfg(test)]
mod tests;
mod wstr;

pub use wstr::*;
