//! `<string.h>` / `<strings.h>`: memory blocks (`string/mem.rs`, asm copy/fill), NUL scans
//! (`string/scan.rs`, SSE2), substring search (`string/search.rs`, Two-Way) and the remaining
//! string functions here. Collation (`strcoll`, `strxfrm`) lives in `locale.rs`.

mod mem;
mod scan;
mod search;
#[cfg(test)]
mod tests;

pub use mem::*;
pub(crate) use scan::len as c_strlen;
pub use scan::*;

use super::stdio::sys;
use core::ffi::{c_char, c_int};
use core::ptr::null_mut;

/// ASCII lower case of a byte (the C locale's `tolower`).
#[inline]
fn lower(c: u8) -> u8 {
    c.to_ascii_lowercase()
}

/// Membership table for the bytes of a NUL-terminated set.
///
/// # Safety
/// `set` must be NUL-terminated.
unsafe fn byte_set(set: *const c_char) -> [bool; 256] {
    let mut t = [false; 256];
    let mut p = set as *const u8;
    // SAFETY: walks up to the terminator.
    unsafe {
        while *p != 0 {
            t[*p as usize] = true;
            p = p.add(1);
        }
    }
    t
}

/// Length of the prefix of `s` whose bytes are (`inside`) or are not in `set`.
///
/// # Safety
/// Both strings NUL-terminated.
unsafe fn span(s: *const c_char, set: *const c_char, inside: bool) -> usize {
    // SAFETY: per the caller.
    let t = unsafe { byte_set(set) };
    let p = s as *const u8;
    let mut i = 0;
    // SAFETY: stops at the terminator (t[0] is false, so NUL always ends the span: for the
    // complement span the NUL check is explicit).
    unsafe {
        while *p.add(i) != 0 && t[*p.add(i) as usize] == inside {
            i += 1;
        }
    }
    i
}

crate::libc_fn! {
    /// `int strcmp(const char *a, const char *b)`: difference of the first differing bytes.
    ///
    /// # Safety
    /// Both NUL-terminated.
    fn strcmp(a: *const c_char, b: *const c_char) -> c_int {
        let (a, b) = (a as *const u8, b as *const u8);
        let mut i = 0;
        // SAFETY: both strings are read up to the first difference or terminator.
        unsafe {
            loop {
                let (x, y) = (*a.add(i), *b.add(i));
                if x != y || x == 0 {
                    return x as c_int - y as c_int;
                }
                i += 1;
            }
        }
    }

    /// `int strncmp(const char *a, const char *b, size_t n)`.
    ///
    /// # Safety
    /// Both readable up to `n` bytes or their terminator.
    fn strncmp(a: *const c_char, b: *const c_char, n: usize) -> c_int {
        let (a, b) = (a as *const u8, b as *const u8);
        // SAFETY: i < n and no terminator seen before i.
        unsafe {
            for i in 0..n {
                let (x, y) = (*a.add(i), *b.add(i));
                if x != y || x == 0 {
                    return x as c_int - y as c_int;
                }
            }
        }
        0
    }

    /// `int strcasecmp(const char *a, const char *b)`: ASCII case-insensitive (C locale).
    ///
    /// # Safety
    /// Both NUL-terminated.
    fn strcasecmp(a: *const c_char, b: *const c_char) -> c_int {
        // SAFETY: same contract, unbounded.
        unsafe { strncasecmp(a, b, usize::MAX) }
    }

    /// `int strncasecmp(const char *a, const char *b, size_t n)`.
    ///
    /// # Safety
    /// Both readable up to `n` bytes or their terminator.
    fn strncasecmp(a: *const c_char, b: *const c_char, n: usize) -> c_int {
        let (a, b) = (a as *const u8, b as *const u8);
        // SAFETY: i < n and no terminator seen before i.
        unsafe {
            for i in 0..n {
                let (x, y) = (lower(*a.add(i)), lower(*b.add(i)));
                if x != y || x == 0 {
                    return x as c_int - y as c_int;
                }
            }
        }
        0
    }

    /// `char *strcpy(char *d, const char *s)`.
    ///
    /// # Safety
    /// `s` NUL-terminated, `d` has room for it, no overlap.
    fn strcpy(d: *mut c_char, s: *const c_char) -> *mut c_char {
        // SAFETY: per the caller.
        unsafe { memcpy(d as *mut _, s as *const _, c_strlen(s as *const u8) + 1) };
        d
    }

    /// `char *stpcpy(char *d, const char *s)`: returns the end (the copied NUL) of `d`.
    ///
    /// # Safety
    /// As `strcpy`.
    fn stpcpy(d: *mut c_char, s: *const c_char) -> *mut c_char {
        // SAFETY: per the caller.
        unsafe {
            let n = c_strlen(s as *const u8);
            memcpy(d as *mut _, s as *const _, n + 1);
            d.add(n)
        }
    }

    /// `char *strncpy(char *d, const char *s, size_t n)`: copies at most `n` bytes and pads
    /// with NULs to `n` (no terminator when `s` is `n` long or more).
    ///
    /// # Safety
    /// `d` valid for `n` writes, `s` readable to `n` bytes or its terminator.
    fn strncpy(d: *mut c_char, s: *const c_char, n: usize) -> *mut c_char {
        // SAFETY: per the caller.
        unsafe { stpncpy(d, s, n) };
        d
    }

    /// `char *stpncpy(char *d, const char *s, size_t n)`: as strncpy, returns `d + strnlen(s, n)`.
    ///
    /// # Safety
    /// As `strncpy`.
    fn stpncpy(d: *mut c_char, s: *const c_char, n: usize) -> *mut c_char {
        // SAFETY: per the caller; k <= n.
        unsafe {
            let k = strnlen(s, n);
            memcpy(d as *mut _, s as *const _, k);
            memset(d.add(k) as *mut _, 0, n - k);
            d.add(k)
        }
    }

    /// `char *strcat(char *d, const char *s)`.
    ///
    /// # Safety
    /// Both NUL-terminated, `d` has room for the result, no overlap.
    fn strcat(d: *mut c_char, s: *const c_char) -> *mut c_char {
        // SAFETY: per the caller.
        unsafe { strcpy(d.add(c_strlen(d as *const u8)), s) };
        d
    }

    /// `char *strncat(char *d, const char *s, size_t n)`: appends at most `n` bytes plus a NUL.
    ///
    /// # Safety
    /// As `strcat`, with `s` readable to `n` bytes or its terminator.
    fn strncat(d: *mut c_char, s: *const c_char, n: usize) -> *mut c_char {
        // SAFETY: per the caller.
        unsafe {
            let end = d.add(c_strlen(d as *const u8));
            let k = strnlen(s, n);
            memcpy(end as *mut _, s as *const _, k);
            *end.add(k) = 0;
        }
        d
    }

    /// `char *strdup(const char *s)`: a malloc'd copy; NULL (ENOMEM) when allocation fails.
    ///
    /// # Safety
    /// `s` NUL-terminated.
    fn strdup(s: *const c_char) -> *mut c_char {
        // SAFETY: per the caller.
        unsafe { strndup(s, usize::MAX) }
    }

    /// `char *strndup(const char *s, size_t n)`: copy of at most `n` bytes, always terminated.
    ///
    /// # Safety
    /// `s` readable to `n` bytes or its terminator.
    fn strndup(s: *const c_char, n: usize) -> *mut c_char {
        // SAFETY: per the caller.
        let k = unsafe { strnlen(s, n) };
        let p = sys::malloc(k + 1) as *mut c_char;
        if p.is_null() {
            crate::errno::set(crate::Errno::ENOMEM);
            return null_mut();
        }
        // SAFETY: p has k + 1 bytes.
        unsafe {
            memcpy(p as *mut _, s as *const _, k);
            *p.add(k) = 0;
        }
        p
    }

    /// `size_t strspn(const char *s, const char *accept)`.
    ///
    /// # Safety
    /// Both NUL-terminated.
    fn strspn(s: *const c_char, accept: *const c_char) -> usize {
        // SAFETY: per the caller.
        unsafe { span(s, accept, true) }
    }

    /// `size_t strcspn(const char *s, const char *reject)`.
    ///
    /// # Safety
    /// Both NUL-terminated.
    fn strcspn(s: *const c_char, reject: *const c_char) -> usize {
        // SAFETY: per the caller.
        unsafe { span(s, reject, false) }
    }

    /// `char *strpbrk(const char *s, const char *accept)`.
    ///
    /// # Safety
    /// Both NUL-terminated.
    fn strpbrk(s: *const c_char, accept: *const c_char) -> *mut c_char {
        // SAFETY: per the caller; i is within s.
        unsafe {
            let i = span(s, accept, false);
            if *s.add(i) == 0 { null_mut() } else { s.add(i) as *mut c_char }
        }
    }

    /// `char *strstr(const char *hay, const char *needle)`.
    ///
    /// # Safety
    /// Both NUL-terminated.
    fn strstr(hay: *const c_char, needle: *const c_char) -> *mut c_char {
        // SAFETY: per the caller; lengths exclude the terminators.
        unsafe {
            let (hn, nn) = (c_strlen(hay as *const u8), c_strlen(needle as *const u8));
            memmem(hay as *const _, hn, needle as *const _, nn) as *mut c_char
        }
    }

    /// `char *strcasestr(const char *hay, const char *needle)`: ASCII case-insensitive.
    ///
    /// # Safety
    /// Both NUL-terminated.
    fn strcasestr(hay: *const c_char, needle: *const c_char) -> *mut c_char {
        // SAFETY: per the caller.
        unsafe {
            let nn = c_strlen(needle as *const u8);
            let hn = c_strlen(hay as *const u8);
            let mut i = 0;
            while i + nn <= hn {
                if strncasecmp(hay.add(i), needle, nn) == 0 {
                    return hay.add(i) as *mut c_char;
                }
                i += 1;
            }
        }
        null_mut()
    }

    /// `char *strtok_r(char *s, const char *delim, char **save)`.
    ///
    /// # Safety
    /// `s` (or `*save` when `s` is NULL) and `delim` NUL-terminated, writable `s`.
    fn strtok_r(s: *mut c_char, delim: *const c_char, save: *mut *mut c_char) -> *mut c_char {
        // SAFETY: per the caller.
        unsafe {
            let mut p = if s.is_null() { *save } else { s };
            if p.is_null() {
                return null_mut();
            }
            p = p.add(span(p, delim, true));
            if *p == 0 {
                *save = p;
                return null_mut();
            }
            let end = p.add(span(p, delim, false));
            if *end == 0 {
                *save = end;
            } else {
                *end = 0;
                *save = end.add(1);
            }
            p
        }
    }

    /// `char *strtok(char *s, const char *delim)`: strtok_r with one hidden save pointer.
    ///
    /// # Safety
    /// As `strtok_r`; not reentrant.
    fn strtok(s: *mut c_char, delim: *const c_char) -> *mut c_char {
        static SAVE: crate::stdio::SyncCell<*mut c_char> = crate::stdio::SyncCell::new(null_mut());
        // SAFETY: as C's `strtok`: one hidden save pointer, only used here; not thread-safe in C
        // either (`strtok_r` is).
        unsafe { strtok_r(s, delim, SAVE.get()) }
    }

    /// `char *strsep(char **sp, const char *delim)`.
    ///
    /// # Safety
    /// `*sp` NULL or a writable NUL-terminated string; `delim` NUL-terminated.
    fn strsep(sp: *mut *mut c_char, delim: *const c_char) -> *mut c_char {
        // SAFETY: per the caller.
        unsafe {
            let s = *sp;
            if s.is_null() {
                return null_mut();
            }
            let end = s.add(span(s, delim, false));
            if *end == 0 {
                *sp = null_mut();
            } else {
                *end = 0;
                *sp = end.add(1);
            }
            s
        }
    }
}
