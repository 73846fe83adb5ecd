//! `<locale.h>`/`<langinfo.h>` and the `_l` locale-object API, for the only locale there is: C
//! (= POSIX). `locale_t` points at a static object laid out like glibc's `struct
//! __locale_struct`, because libstdc++'s ctype<char> reads its `__ctype_b`/`__ctype_tolower`/
//! `__ctype_toupper` fields directly. `nl_langinfo` answers from glibc's C-locale values (string
//! items, the wide LC_TIME strings libstdc++ reads through a `wchar_t *` cast, and the "word"
//! items returned as integers in pointer form).

use super::ctype::TABLES;
use super::stdio::SyncCell;
use super::wchar::{self, WChar, WInt};
use super::{Errno, errno};
use core::ffi::{c_char, c_int, c_void};

/// glibc's `struct __locale_struct`.
#[repr(C)]
pub struct LocaleStruct {
    locales: [*const c_void; 13],
    pub ctype_b: *const u16,
    pub ctype_tolower: *const i32,
    pub ctype_toupper: *const i32,
    names: [*const c_char; 13],
}

// SAFETY: immutable after construction; every pointer refers to static data.
unsafe impl Sync for LocaleStruct {}

const C_NAME: *const c_char = c"C".as_ptr();

/// The C locale object every `locale_t` points to.
pub static C_LOCALE: LocaleStruct = LocaleStruct {
    locales: [core::ptr::null(); 13],
    // SAFETY: (const context) offset 128 is inside each 384-entry table.
    ctype_b: unsafe { TABLES.class.as_ptr().add(128) },
    // SAFETY: as above.
    ctype_tolower: unsafe { TABLES.lower.as_ptr().add(128) },
    // SAFETY: as above.
    ctype_toupper: unsafe { TABLES.upper.as_ptr().add(128) },
    names: [C_NAME; 13],
};

/// `LC_GLOBAL_LOCALE`.
const GLOBAL: usize = usize::MAX;
/// The calling thread's locale (`uselocale`); starts as the global one.
static CURRENT: SyncCell<usize> = SyncCell::new(GLOBAL);

fn c_locale() -> *mut c_void {
    &C_LOCALE as *const LocaleStruct as *mut c_void
}

/// Names that select the C locale ("" means "from the environment", which is C here too).
///
/// # Safety
/// `name` NUL-terminated.
unsafe fn is_c_name(name: *const c_char) -> bool {
    // SAFETY: per the caller.
    matches!(unsafe { core::ffi::CStr::from_ptr(name) }.to_bytes(), b"" | b"C" | b"POSIX")
}

/// `struct lconv` (glibc layout) with the C locale's values.
#[repr(C)]
pub struct Lconv {
    decimal_point: *const c_char,
    thousands_sep: *const c_char,
    grouping: *const c_char,
    int_curr_symbol: *const c_char,
    currency_symbol: *const c_char,
    mon_decimal_point: *const c_char,
    mon_thousands_sep: *const c_char,
    mon_grouping: *const c_char,
    positive_sign: *const c_char,
    negative_sign: *const c_char,
    chars: [c_char; 14],
}

// SAFETY: immutable static data.
unsafe impl Sync for Lconv {}

static LCONV: Lconv = Lconv {
    decimal_point: c".".as_ptr(),
    thousands_sep: c"".as_ptr(),
    grouping: c"".as_ptr(),
    int_curr_symbol: c"".as_ptr(),
    currency_symbol: c"".as_ptr(),
    mon_decimal_point: c"".as_ptr(),
    mon_thousands_sep: c"".as_ptr(),
    mon_grouping: c"".as_ptr(),
    positive_sign: c"".as_ptr(),
    negative_sign: c"".as_ptr(),
    chars: [127; 14], // CHAR_MAX: "not available"
};

/// One `nl_langinfo` answer.
#[derive(Clone, Copy)]
pub enum Info {
    Str(&'static [u8]),
    Wide(&'static [WChar]),
    Word(usize),
}

const DAYS: [&[u8]; 7] =
    [b"Sunday\0", b"Monday\0", b"Tuesday\0", b"Wednesday\0", b"Thursday\0", b"Friday\0", b"Saturday\0"];
const ABDAYS: [&[u8]; 7] = [b"Sun\0", b"Mon\0", b"Tue\0", b"Wed\0", b"Thu\0", b"Fri\0", b"Sat\0"];
const MONTHS: [&[u8]; 12] = [
    b"January\0",
    b"February\0",
    b"March\0",
    b"April\0",
    b"May\0",
    b"June\0",
    b"July\0",
    b"August\0",
    b"September\0",
    b"October\0",
    b"November\0",
    b"December\0",
];
const ABMONTHS: [&[u8]; 12] = [
    b"Jan\0", b"Feb\0", b"Mar\0", b"Apr\0", b"May\0", b"Jun\0", b"Jul\0", b"Aug\0", b"Sep\0", b"Oct\0", b"Nov\0",
    b"Dec\0",
];
pub(crate) const D_T_FMT: &[u8] = b"%a %b %e %H:%M:%S %Y\0";
pub(crate) const D_FMT: &[u8] = b"%m/%d/%y\0";
pub(crate) const T_FMT: &[u8] = b"%H:%M:%S\0";
pub(crate) const T_FMT_AMPM: &[u8] = b"%I:%M:%S %p\0";
const DATE_FMT: &[u8] = b"%a %b %e %H:%M:%S %Z %Y\0";
const CODESET: &[u8] = b"ANSI_X3.4-1968\0";

/// English day and month names for strftime (without NUL).
pub(crate) fn day_name(i: usize, abbrev: bool) -> &'static [u8] {
    let s = if abbrev { ABDAYS[i % 7] } else { DAYS[i % 7] };
    &s[..s.len() - 1]
}

pub(crate) fn month_name(i: usize, abbrev: bool) -> &'static [u8] {
    let s = if abbrev { ABMONTHS[i % 12] } else { MONTHS[i % 12] };
    &s[..s.len() - 1]
}

/// Wide copies of the LC_TIME strings, built once (index = the narrow item's LC_TIME index).
struct WideTime {
    text: [[WChar; 24]; 52],
}

/// Built at the first use, once whichever thread gets there first.
static WIDE: spin::Once<WideTime> = spin::Once::new();

/// The narrow LC_TIME string at index `i` (0..=49), if it is a string item.
fn time_str(i: usize) -> Option<&'static [u8]> {
    Some(match i {
        0..=6 => ABDAYS[i],
        7..=13 => DAYS[i - 7],
        14..=25 => ABMONTHS[i - 14],
        26..=37 => MONTHS[i - 26],
        38 => b"AM\0",
        39 => b"PM\0",
        40 => D_T_FMT,
        41 => D_FMT,
        42 => T_FMT,
        43 => T_FMT_AMPM,
        44..=49 => b"\0", // ERA, ERA_YEAR, ERA_D_FMT, ALT_DIGITS, ERA_D_T_FMT, ERA_T_FMT
        _ => return None,
    })
}

/// The wide version of LC_TIME string `i`.
fn wide_time(i: usize) -> &'static [WChar] {
    let w = WIDE.call_once(|| {
        let mut w = WideTime { text: [[0; 24]; 52] };
        for k in 0..50 {
            if let Some(s) = time_str(k) {
                for (j, &b) in s.iter().enumerate() {
                    w.text[k][j] = b as WChar;
                }
            }
        }
        for (j, &b) in DATE_FMT.iter().enumerate() {
            w.text[50][j] = b as WChar;
        }
        w
    });
    &w.text[i]
}

/// The C locale's answer for an `nl_item` (None: not a valid item).
pub fn langinfo(item: c_int) -> Option<Info> {
    let (cat, idx) = ((item >> 16) as usize, (item & 0xffff) as usize);
    Some(match (cat, idx) {
        (0, 14) => Info::Str(CODESET),
        (1, 0) => Info::Str(b".\0"),
        (1, 1) | (1, 2) => Info::Str(b"\0"),
        (1, 3) => Info::Word(b'.' as usize),
        (1, 4) => Info::Word(0),
        (1, 5) => Info::Str(CODESET),
        (2, 0..=49) => Info::Str(time_str(idx)?),
        (2, 52..=100) => Info::Wide(wide_time(idx - 52)),
        (2, 108) => Info::Str(DATE_FMT),
        (2, 109) => Info::Wide(wide_time(50)),
        (2, 110) => Info::Str(CODESET),
        (2, 111..=122) => Info::Str(MONTHS[idx - 111]),
        (2, 123..=134) => Info::Wide(wide_time(26 + idx - 123)),
        (2, 135..=146) => Info::Str(ABMONTHS[idx - 135]),
        (2, 147..=158) => Info::Wide(wide_time(14 + idx - 147)),
        (4, 0..=6) => Info::Str(b"\0"),
        (4, 7..=14) => Info::Str(b"\xff\0"), // "not available" (localeconv reports CHAR_MAX)
        (4, 15) => Info::Str(b"-\0"),
        (4, 43) | (4, 44) => Info::Word(0),
        (4, 45) => Info::Str(CODESET),
        (5, 0) => Info::Str(b"^[yY]\0"),
        (5, 1) => Info::Str(b"^[nN]\0"),
        (5, 2) | (5, 3) => Info::Str(b"\0"),
        (5, 4) => Info::Str(CODESET),
        _ => return None,
    })
}

fn langinfo_ptr(item: c_int) -> *mut c_char {
    match langinfo(item) {
        Some(Info::Str(s)) => s.as_ptr() as *mut c_char,
        Some(Info::Wide(w)) => w.as_ptr() as *mut c_char,
        Some(Info::Word(v)) => v as *mut c_char,
        None => c"".as_ptr() as *mut c_char,
    }
}

crate::libc_fn! {
    /// `char *setlocale(int category, const char *name)`: NULL queries ("C"); "", "C" and
    /// "POSIX" select C; any other name fails (NULL), as for a locale that is not installed.
    ///
    /// # Safety
    /// `name` NULL or NUL-terminated.
    fn setlocale(category: c_int, name: *const c_char) -> *mut c_char {
        if !(0..=12).contains(&category) {
            errno::set(Errno::EINVAL);
            return core::ptr::null_mut();
        }
        // SAFETY: per the caller.
        if name.is_null() || unsafe { is_c_name(name) } {
            C_NAME as *mut c_char
        } else {
            core::ptr::null_mut()
        }
    }

    /// `struct lconv *localeconv(void)`.
    ///
    /// # Safety
    /// Always safe; the result must not be modified.
    fn localeconv() -> *mut Lconv {
        &LCONV as *const Lconv as *mut Lconv
    }

    /// `locale_t newlocale(int mask, const char *name, locale_t base)`: the C locale for "",
    /// "C", "POSIX"; otherwise NULL with ENOENT (no other locale is installed).
    ///
    /// # Safety
    /// `name` NUL-terminated.
    fn newlocale(_mask: c_int, name: *const c_char, _base: *mut c_void) -> *mut c_void {
        // SAFETY: per the caller.
        if name.is_null() || !unsafe { is_c_name(name) } {
            errno::set(Errno::ENOENT);
            return core::ptr::null_mut();
        }
        c_locale()
    }

    /// `locale_t __newlocale(...)`: glibc's internal name (libstdc++).
    alias fn __newlocale(mask: c_int, name: *const c_char, base: *mut c_void) -> *mut c_void = newlocale;

    /// `locale_t duplocale(locale_t l)`: the C locale object is immutable and shared.
    ///
    /// # Safety
    /// Always safe.
    fn duplocale(_l: *mut c_void) -> *mut c_void {
        c_locale()
    }

    /// `locale_t __duplocale(locale_t l)`.
    ///
    /// # Safety
    /// Always safe.
    fn __duplocale(_l: *mut c_void) -> *mut c_void {
        c_locale()
    }

    /// `void freelocale(locale_t l)`: nothing to free (static object).
    ///
    /// # Safety
    /// Always safe.
    fn freelocale(_l: *mut c_void) {}

    /// `void __freelocale(locale_t l)`.
    ///
    /// # Safety
    /// Always safe.
    fn __freelocale(_l: *mut c_void) {}

    /// `locale_t uselocale(locale_t l)`: set the thread's locale (NULL only queries); returns
    /// the previous one (`LC_GLOBAL_LOCALE` initially).
    ///
    /// # Safety
    /// Always safe.
    fn uselocale(l: *mut c_void) -> *mut c_void {
        // SAFETY: one slot for the process, not one per thread: every locale here is the C
        // locale, so only the value returned differs from a per-thread slot; two threads calling
        // `uselocale` at once race on it.
        let cur = unsafe { &mut *CURRENT.get() };
        let old = *cur;
        if !l.is_null() {
            *cur = l as usize;
        }
        old as *mut c_void
    }

    /// `locale_t __uselocale(locale_t l)`.
    alias fn __uselocale(l: *mut c_void) -> *mut c_void = uselocale;

    /// `char *nl_langinfo(nl_item item)`: "" for unknown items.
    ///
    /// # Safety
    /// Always safe.
    fn nl_langinfo(item: c_int) -> *mut c_char {
        langinfo_ptr(item)
    }

    /// `char *nl_langinfo_l(nl_item item, locale_t l)`.
    ///
    /// # Safety
    /// Always safe.
    fn nl_langinfo_l(item: c_int, _l: *mut c_void) -> *mut c_char {
        langinfo_ptr(item)
    }

    /// `char *__nl_langinfo_l(nl_item item, locale_t l)`.
    ///
    /// # Safety
    /// Always safe.
    fn __nl_langinfo_l(item: c_int, _l: *mut c_void) -> *mut c_char {
        langinfo_ptr(item)
    }

    /// `int strcoll(const char *a, const char *b)`: the C locale collates by byte value.
    ///
    /// # Safety
    /// Both NUL-terminated.
    fn strcoll(a: *const c_char, b: *const c_char) -> c_int {
        // SAFETY: same contract.
        unsafe { super::string::strcmp(a, b) }
    }

    /// `int strcoll_l(const char *a, const char *b, locale_t)`.
    ///
    /// # Safety
    /// Both NUL-terminated.
    fn strcoll_l(a: *const c_char, b: *const c_char, _l: *mut c_void) -> c_int {
        // SAFETY: same contract.
        unsafe { super::string::strcmp(a, b) }
    }

    /// `int __strcoll_l(...)`.
    ///
    /// # Safety
    /// Both NUL-terminated.
    fn __strcoll_l(a: *const c_char, b: *const c_char, _l: *mut c_void) -> c_int {
        // SAFETY: same contract.
        unsafe { super::string::strcmp(a, b) }
    }

    /// `size_t strxfrm(char *d, const char *s, size_t n)`: the identity transform; copies when
    /// it fits, always returns `strlen(s)`.
    ///
    /// # Safety
    /// `s` NUL-terminated; `d` writable for `n`.
    fn strxfrm(d: *mut c_char, s: *const c_char, n: usize) -> usize {
        // SAFETY: per the caller.
        let len = unsafe { super::string::c_strlen(s as *const u8) };
        if len < n {
            // SAFETY: len + 1 <= n bytes.
            unsafe { super::string::memcpy(d as *mut c_void, s as *const c_void, len + 1) };
        }
        len
    }

    /// `size_t strxfrm_l(char *d, const char *s, size_t n, locale_t)`.
    ///
    /// # Safety
    /// As `strxfrm`.
    fn strxfrm_l(d: *mut c_char, s: *const c_char, n: usize, _l: *mut c_void) -> usize {
        // SAFETY: same contract.
        unsafe { strxfrm(d, s, n) }
    }

    /// `size_t __strxfrm_l(...)`.
    ///
    /// # Safety
    /// As `strxfrm`.
    fn __strxfrm_l(d: *mut c_char, s: *const c_char, n: usize, _l: *mut c_void) -> usize {
        // SAFETY: same contract.
        unsafe { strxfrm(d, s, n) }
    }

    /// `int wcscoll(const wchar_t *a, const wchar_t *b)`.
    ///
    /// # Safety
    /// Both 0-terminated.
    fn wcscoll(a: *const WChar, b: *const WChar) -> c_int {
        // SAFETY: same contract.
        unsafe { wchar::wcscmp(a, b) }
    }

    /// `int wcscoll_l(...)`.
    ///
    /// # Safety
    /// Both 0-terminated.
    fn wcscoll_l(a: *const WChar, b: *const WChar, _l: *mut c_void) -> c_int {
        // SAFETY: same contract.
        unsafe { wchar::wcscmp(a, b) }
    }

    /// `int __wcscoll_l(...)`.
    ///
    /// # Safety
    /// Both 0-terminated.
    fn __wcscoll_l(a: *const WChar, b: *const WChar, _l: *mut c_void) -> c_int {
        // SAFETY: same contract.
        unsafe { wchar::wcscmp(a, b) }
    }

    /// `size_t wcsxfrm(wchar_t *d, const wchar_t *s, size_t n)`: identity transform.
    ///
    /// # Safety
    /// `s` 0-terminated; `d` writable for `n`.
    fn wcsxfrm(d: *mut WChar, s: *const WChar, n: usize) -> usize {
        // SAFETY: per the caller.
        let len = unsafe { wchar::wlen(s) };
        if len < n {
            // SAFETY: len + 1 <= n.
            unsafe { wchar::wmemcpy(d, s, len + 1) };
        }
        len
    }

    /// `size_t wcsxfrm_l(...)`.
    ///
    /// # Safety
    /// As `wcsxfrm`.
    fn wcsxfrm_l(d: *mut WChar, s: *const WChar, n: usize, _l: *mut c_void) -> usize {
        // SAFETY: same contract.
        unsafe { wcsxfrm(d, s, n) }
    }

    /// `size_t __wcsxfrm_l(...)`.
    ///
    /// # Safety
    /// As `wcsxfrm`.
    fn __wcsxfrm_l(d: *mut WChar, s: *const WChar, n: usize, _l: *mut c_void) -> usize {
        // SAFETY: same contract.
        unsafe { wcsxfrm(d, s, n) }
    }

    /// `wint_t towlower_l(wint_t c, locale_t)`.
    ///
    /// # Safety
    /// Always safe.
    fn towlower_l(c: WInt, _l: *mut c_void) -> WInt {
        wchar::to_lower(c)
    }

    /// `wint_t __towlower_l(...)`.
    ///
    /// # Safety
    /// Always safe.
    fn __towlower_l(c: WInt, _l: *mut c_void) -> WInt {
        wchar::to_lower(c)
    }

    /// `wint_t towupper_l(wint_t c, locale_t)`.
    ///
    /// # Safety
    /// Always safe.
    fn towupper_l(c: WInt, _l: *mut c_void) -> WInt {
        wchar::to_upper(c)
    }

    /// `wint_t __towupper_l(...)`.
    ///
    /// # Safety
    /// Always safe.
    fn __towupper_l(c: WInt, _l: *mut c_void) -> WInt {
        wchar::to_upper(c)
    }

    /// `wctype_t wctype_l(const char *name, locale_t)`.
    ///
    /// # Safety
    /// `name` NUL-terminated.
    fn wctype_l(name: *const c_char, _l: *mut c_void) -> usize {
        // SAFETY: per the caller.
        unsafe { wchar::wctype_of(name) }
    }

    /// `wctype_t __wctype_l(...)`.
    ///
    /// # Safety
    /// `name` NUL-terminated.
    fn __wctype_l(name: *const c_char, _l: *mut c_void) -> usize {
        // SAFETY: per the caller.
        unsafe { wchar::wctype_of(name) }
    }

    /// `int iswctype_l(wint_t c, wctype_t t, locale_t)`.
    ///
    /// # Safety
    /// Always safe.
    fn iswctype_l(c: WInt, t: usize, _l: *mut c_void) -> c_int {
        wchar::is_wctype(c, t) as c_int
    }

    /// `int __iswctype_l(...)`.
    ///
    /// # Safety
    /// Always safe.
    fn __iswctype_l(c: WInt, t: usize, _l: *mut c_void) -> c_int {
        wchar::is_wctype(c, t) as c_int
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    unsafe extern "C" {
        #[link_name = "nl_langinfo"]
        fn g_langinfo(item: c_int) -> *const c_char;
        #[link_name = "newlocale"]
        fn g_newlocale(mask: c_int, name: *const c_char, base: *mut c_void) -> *const GlibcLocale;
    }

    /// The prefix of glibc's struct __locale_struct this test reads.
    #[repr(C)]
    struct GlibcLocale {
        locales: [*const c_void; 13],
        ctype_b: *const u16,
        ctype_tolower: *const i32,
        ctype_toupper: *const i32,
    }

    #[test]
    fn langinfo_matches_glibc_c_locale() {
        let _g = crate::testkit::errno_lock();
        let mut checked = 0;
        for cat in 0..13 {
            for idx in 0..200 {
                let item = (cat << 16) | idx;
                let Some(info) = langinfo(item) else { continue };
                // SAFETY: a valid glibc item (we only ask about items we implement).
                let g = unsafe { g_langinfo(item) };
                match info {
                    Info::Str(s) => {
                        // SAFETY: a string item.
                        let gs = unsafe { core::ffi::CStr::from_ptr(g) }.to_bytes();
                        assert_eq!(&s[..s.len() - 1], gs, "item {cat}:{idx}");
                    }
                    Info::Wide(w) => {
                        let n = w.iter().position(|&c| c == 0).unwrap();
                        // SAFETY: a wide string item, 0-terminated.
                        let gw = unsafe { core::slice::from_raw_parts(g as *const WChar, n + 1) };
                        assert_eq!(&w[..=n], gw, "item {cat}:{idx}");
                    }
                    Info::Word(v) => assert_eq!(v, g as usize, "item {cat}:{idx}"),
                }
                checked += 1;
            }
        }
        assert!(checked > 150, "only {checked} items");
    }

    #[test]
    fn locale_object_has_glibc_layout_and_tables() {
        let _g = crate::testkit::errno_lock();
        // SAFETY: glibc's C locale object, read through its public-layout prefix.
        let g = unsafe { &*g_newlocale(0x1fbf, c"C".as_ptr(), core::ptr::null_mut()) };
        // SAFETY: valid name.
        let ours = unsafe { &*(newlocale(0x1fbf, c"C".as_ptr(), core::ptr::null_mut()) as *const LocaleStruct) };
        for c in -128isize..256 {
            // SAFETY: both tables cover -128..=255.
            unsafe {
                assert_eq!(*ours.ctype_b.offset(c), *g.ctype_b.offset(c));
                assert_eq!(*ours.ctype_tolower.offset(c), *g.ctype_tolower.offset(c));
                assert_eq!(*ours.ctype_toupper.offset(c), *g.ctype_toupper.offset(c));
            }
        }
        // SAFETY: valid arguments.
        unsafe {
            assert!(newlocale(0x1fbf, c"de_DE.UTF-8".as_ptr(), core::ptr::null_mut()).is_null());
            assert_eq!(crate::testkit::from_c(setlocale(6, core::ptr::null())), b"C");
            assert!(setlocale(6, c"fr_FR".as_ptr()).is_null());
            let lc = &*localeconv();
            assert_eq!(crate::testkit::from_c(lc.decimal_point), b".");
            let mut buf = [0 as c_char; 8];
            assert_eq!(strxfrm(buf.as_mut_ptr(), c"abc".as_ptr(), 8), 3);
            assert_eq!(strxfrm(buf.as_mut_ptr(), c"abcdefghij".as_ptr(), 8), 10);
            assert!(strcoll(c"a".as_ptr(), c"b".as_ptr()) < 0);
            let old = uselocale(c_locale());
            assert_eq!(old as usize, GLOBAL);
            assert_eq!(uselocale(core::ptr::null_mut()), c_locale());
            uselocale(GLOBAL as *mut c_void);
        }
    }
}
