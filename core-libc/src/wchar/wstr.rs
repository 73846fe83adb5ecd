//! Wide-character string and memory functions (`wcslen`, `wcscmp`, `wmemcpy`...): plain loops over
//! 32-bit `wchar_t`, the block copies delegated to `memcpy`/`memmove`.

use super::{WChar, wlen};
use crate::stdio::sys;
use crate::{Errno, errno};
use core::ffi::{c_int, c_void};
use core::ptr::null_mut;

crate::libc_fn! {
    /// `size_t wcslen(const wchar_t *s)`.
    ///
    /// # Safety
    /// `s` 0-terminated.
    fn wcslen(s: *const WChar) -> usize {
        // SAFETY: per the caller.
        unsafe { wlen(s) }
    }

    /// `size_t wcsnlen(const wchar_t *s, size_t max)`.
    ///
    /// # Safety
    /// `s` readable to `max` or its 0.
    fn wcsnlen(s: *const WChar, max: usize) -> usize {
        let mut n = 0;
        // SAFETY: n < max, before the terminator.
        while n < max && unsafe { *s.add(n) } != 0 {
            n += 1;
        }
        n
    }

    /// `int wcscmp(const wchar_t *a, const wchar_t *b)`: compares as signed `wchar_t`.
    ///
    /// # Safety
    /// Both 0-terminated.
    fn wcscmp(a: *const WChar, b: *const WChar) -> c_int {
        // SAFETY: same contract, unbounded.
        unsafe { wcsncmp(a, b, usize::MAX) }
    }

    /// `int wcsncmp(const wchar_t *a, const wchar_t *b, size_t n)`.
    ///
    /// # Safety
    /// Both readable to `n` or their 0.
    fn wcsncmp(a: *const WChar, b: *const WChar, n: usize) -> c_int {
        for i in 0..n {
            // SAFETY: i < n, no terminator seen before.
            let (x, y) = unsafe { (*a.add(i), *b.add(i)) };
            if x != y {
                return if x < y { -1 } else { 1 };
            }
            if x == 0 {
                break;
            }
        }
        0
    }

    /// `wchar_t *wcscpy(wchar_t *d, const wchar_t *s)`.
    ///
    /// # Safety
    /// `s` 0-terminated; `d` has room; no overlap.
    fn wcscpy(d: *mut WChar, s: *const WChar) -> *mut WChar {
        // SAFETY: per the caller.
        unsafe { wmemcpy(d, s, wlen(s) + 1) }
    }

    /// `wchar_t *wcsncpy(wchar_t *d, const wchar_t *s, size_t n)`: pads with 0 to `n`.
    ///
    /// # Safety
    /// `d` writable for `n`; `s` readable to `n` or its 0.
    fn wcsncpy(d: *mut WChar, s: *const WChar, n: usize) -> *mut WChar {
        // SAFETY: per the caller.
        unsafe {
            let k = wcsnlen(s, n);
            wmemcpy(d, s, k);
            wmemset(d.add(k), 0, n - k);
        }
        d
    }

    /// `wchar_t *wcscat(wchar_t *d, const wchar_t *s)`.
    ///
    /// # Safety
    /// Both 0-terminated; room in `d`.
    fn wcscat(d: *mut WChar, s: *const WChar) -> *mut WChar {
        // SAFETY: per the caller.
        unsafe { wcscpy(d.add(wlen(d)), s) };
        d
    }

    /// `wchar_t *wcsncat(wchar_t *d, const wchar_t *s, size_t n)`.
    ///
    /// # Safety
    /// As `wcscat`, `s` readable to `n` or its 0.
    fn wcsncat(d: *mut WChar, s: *const WChar, n: usize) -> *mut WChar {
        // SAFETY: per the caller.
        unsafe {
            let end = d.add(wlen(d));
            let k = wcsnlen(s, n);
            wmemcpy(end, s, k);
            *end.add(k) = 0;
        }
        d
    }

    /// `wchar_t *wcschr(const wchar_t *s, wchar_t c)`.
    ///
    /// # Safety
    /// `s` 0-terminated.
    fn wcschr(s: *const WChar, c: WChar) -> *mut WChar {
        let mut p = s;
        // SAFETY: walks to the terminator.
        unsafe {
            loop {
                if *p == c {
                    return p as *mut WChar;
                }
                if *p == 0 {
                    return null_mut();
                }
                p = p.add(1);
            }
        }
    }

    /// `wchar_t *wcsrchr(const wchar_t *s, wchar_t c)`.
    ///
    /// # Safety
    /// `s` 0-terminated.
    fn wcsrchr(s: *const WChar, c: WChar) -> *mut WChar {
        let mut found = null_mut();
        let mut p = s;
        // SAFETY: walks to the terminator.
        unsafe {
            loop {
                if *p == c {
                    found = p as *mut WChar;
                }
                if *p == 0 {
                    return found;
                }
                p = p.add(1);
            }
        }
    }

    /// `wchar_t *wcsstr(const wchar_t *h, const wchar_t *n)`.
    ///
    /// # Safety
    /// Both 0-terminated.
    fn wcsstr(h: *const WChar, n: *const WChar) -> *mut WChar {
        // SAFETY: per the caller.
        let (hl, nl) = unsafe { (wlen(h), wlen(n)) };
        // SAFETY: lengths from the terminators.
        let (hs, ns) = unsafe { (core::slice::from_raw_parts(h, hl), core::slice::from_raw_parts(n, nl)) };
        if nl == 0 {
            return h as *mut WChar;
        }
        match hs.windows(nl).position(|w| w == ns) {
            // SAFETY: i < hl.
            Some(i) => unsafe { h.add(i) as *mut WChar },
            None => null_mut(),
        }
    }

    /// `size_t wcsspn(const wchar_t *s, const wchar_t *accept)`.
    ///
    /// # Safety
    /// Both 0-terminated.
    fn wcsspn(s: *const WChar, accept: *const WChar) -> usize {
        let mut i = 0;
        // SAFETY: walks to the terminator.
        while unsafe { *s.add(i) != 0 && !wcschr(accept, *s.add(i)).is_null() } {
            i += 1;
        }
        i
    }

    /// `size_t wcscspn(const wchar_t *s, const wchar_t *reject)`.
    ///
    /// # Safety
    /// Both 0-terminated.
    fn wcscspn(s: *const WChar, reject: *const WChar) -> usize {
        let mut i = 0;
        // SAFETY: walks to the terminator.
        while unsafe { *s.add(i) != 0 && wcschr(reject, *s.add(i)).is_null() } {
            i += 1;
        }
        i
    }

    /// `wchar_t *wcspbrk(const wchar_t *s, const wchar_t *accept)`.
    ///
    /// # Safety
    /// Both 0-terminated.
    fn wcspbrk(s: *const WChar, accept: *const WChar) -> *mut WChar {
        // SAFETY: per the caller.
        unsafe {
            let i = wcscspn(s, accept);
            if *s.add(i) == 0 { null_mut() } else { s.add(i) as *mut WChar }
        }
    }

    /// `wchar_t *wcsdup(const wchar_t *s)`.
    ///
    /// # Safety
    /// `s` 0-terminated.
    fn wcsdup(s: *const WChar) -> *mut WChar {
        // SAFETY: per the caller.
        let n = unsafe { wlen(s) } + 1;
        let p = sys::malloc(n * 4) as *mut WChar;
        if p.is_null() {
            errno::set(Errno::ENOMEM);
            return null_mut();
        }
        // SAFETY: n wide characters each side.
        unsafe { wmemcpy(p, s, n) }
    }

    /// `wchar_t *wmemchr(const wchar_t *s, wchar_t c, size_t n)`.
    ///
    /// # Safety
    /// `s` readable for `n`.
    fn wmemchr(s: *const WChar, c: WChar, n: usize) -> *mut WChar {
        for i in 0..n {
            // SAFETY: i < n.
            if unsafe { *s.add(i) } == c {
                // SAFETY: i < n.
                return unsafe { s.add(i) } as *mut WChar;
            }
        }
        null_mut()
    }

    /// `int wmemcmp(const wchar_t *a, const wchar_t *b, size_t n)`.
    ///
    /// # Safety
    /// Both readable for `n`.
    fn wmemcmp(a: *const WChar, b: *const WChar, n: usize) -> c_int {
        for i in 0..n {
            // SAFETY: i < n.
            let (x, y) = unsafe { (*a.add(i), *b.add(i)) };
            if x != y {
                return if x < y { -1 } else { 1 };
            }
        }
        0
    }

    /// `wchar_t *wmemcpy(wchar_t *d, const wchar_t *s, size_t n)`.
    ///
    /// # Safety
    /// As `memcpy` with `4 * n` bytes.
    fn wmemcpy(d: *mut WChar, s: *const WChar, n: usize) -> *mut WChar {
        // SAFETY: per the caller.
        unsafe { crate::string::memcpy(d as *mut c_void, s as *const c_void, n * 4) };
        d
    }

    /// `wchar_t *wmemmove(wchar_t *d, const wchar_t *s, size_t n)`.
    ///
    /// # Safety
    /// As `memmove` with `4 * n` bytes.
    fn wmemmove(d: *mut WChar, s: *const WChar, n: usize) -> *mut WChar {
        // SAFETY: per the caller.
        unsafe { crate::string::memmove(d as *mut c_void, s as *const c_void, n * 4) };
        d
    }

    /// `wchar_t *wmemset(wchar_t *d, wchar_t c, size_t n)`.
    ///
    /// # Safety
    /// `d` writable for `n`.
    fn wmemset(d: *mut WChar, c: WChar, n: usize) -> *mut WChar {
        for i in 0..n {
            // SAFETY: i < n.
            unsafe { *d.add(i) = c };
        }
        d
    }
}
