//! `_FORTIFY_SOURCE` entry points (`__memcpy_chk`, `__strcpy_chk`, ...): the compiler passes the
//! destination's known size; a write that does not fit is a buffer overflow, reported as glibc
//! does ("*** buffer overflow detected ***: terminated") before abort. The printf-family `_chk`
//! variants are in the C shim (shim/printf.c) and share [`bf_chk_fail`].

use super::stdio::{File, sys};
use super::string;
use core::ffi::{c_char, c_int, c_void};

/// Report a detected overflow and abort.
pub fn chk_fail() -> ! {
    sys::write_all(2, b"*** buffer overflow detected ***: terminated\n");
    sys::abort()
}

/// `__chk_fail` for the C shim (always this name, in every build).
#[unsafe(no_mangle)]
pub extern "C" fn bf_chk_fail() -> ! {
    chk_fail()
}

#[inline]
fn check(len: usize, room: usize) {
    if len > room {
        chk_fail();
    }
}

crate::libc_fn! {
    /// `void __chk_fail(void)`.
    ///
    /// # Safety
    /// Always safe (does not return).
    fn __chk_fail() -> ! {
        chk_fail()
    }

    /// `void *__memcpy_chk(void *d, const void *s, size_t n, size_t dlen)`.
    ///
    /// # Safety
    /// As `memcpy`, with `dlen` the size of `d`'s object.
    fn __memcpy_chk(d: *mut c_void, s: *const c_void, n: usize, dlen: usize) -> *mut c_void {
        check(n, dlen);
        // SAFETY: fits, per the check; the rest per the caller.
        unsafe { string::memcpy(d, s, n) }
    }

    /// `void *__memmove_chk(void *d, const void *s, size_t n, size_t dlen)`.
    ///
    /// # Safety
    /// As `memmove`.
    fn __memmove_chk(d: *mut c_void, s: *const c_void, n: usize, dlen: usize) -> *mut c_void {
        check(n, dlen);
        // SAFETY: as above.
        unsafe { string::memmove(d, s, n) }
    }

    /// `void *__mempcpy_chk(void *d, const void *s, size_t n, size_t dlen)`.
    ///
    /// # Safety
    /// As `mempcpy`.
    fn __mempcpy_chk(d: *mut c_void, s: *const c_void, n: usize, dlen: usize) -> *mut c_void {
        check(n, dlen);
        // SAFETY: as above.
        unsafe { string::mempcpy(d, s, n) }
    }

    /// `void *__memset_chk(void *d, int c, size_t n, size_t dlen)`.
    ///
    /// # Safety
    /// As `memset`.
    fn __memset_chk(d: *mut c_void, c: c_int, n: usize, dlen: usize) -> *mut c_void {
        check(n, dlen);
        // SAFETY: as above.
        unsafe { string::memset(d, c, n) }
    }

    /// `void __explicit_bzero_chk(void *d, size_t n, size_t dlen)`.
    ///
    /// # Safety
    /// As `explicit_bzero`.
    fn __explicit_bzero_chk(d: *mut c_void, n: usize, dlen: usize) {
        check(n, dlen);
        // SAFETY: as above.
        unsafe { string::explicit_bzero(d, n) }
    }

    /// `char *__strcpy_chk(char *d, const char *s, size_t dlen)`.
    ///
    /// # Safety
    /// As `strcpy`.
    fn __strcpy_chk(d: *mut c_char, s: *const c_char, dlen: usize) -> *mut c_char {
        // SAFETY: s is NUL-terminated.
        check(unsafe { string::c_strlen(s as *const u8) } + 1, dlen);
        // SAFETY: fits.
        unsafe { string::strcpy(d, s) }
    }

    /// `char *__stpcpy_chk(char *d, const char *s, size_t dlen)`.
    ///
    /// # Safety
    /// As `stpcpy`.
    fn __stpcpy_chk(d: *mut c_char, s: *const c_char, dlen: usize) -> *mut c_char {
        // SAFETY: s is NUL-terminated.
        check(unsafe { string::c_strlen(s as *const u8) } + 1, dlen);
        // SAFETY: fits.
        unsafe { string::stpcpy(d, s) }
    }

    /// `char *__strncpy_chk(char *d, const char *s, size_t n, size_t dlen)`.
    ///
    /// # Safety
    /// As `strncpy`.
    fn __strncpy_chk(d: *mut c_char, s: *const c_char, n: usize, dlen: usize) -> *mut c_char {
        check(n, dlen);
        // SAFETY: fits.
        unsafe { string::strncpy(d, s, n) }
    }

    /// `char *__stpncpy_chk(char *d, const char *s, size_t n, size_t dlen)`.
    ///
    /// # Safety
    /// As `stpncpy`.
    fn __stpncpy_chk(d: *mut c_char, s: *const c_char, n: usize, dlen: usize) -> *mut c_char {
        check(n, dlen);
        // SAFETY: fits.
        unsafe { string::stpncpy(d, s, n) }
    }

    /// `char *__strcat_chk(char *d, const char *s, size_t dlen)`.
    ///
    /// # Safety
    /// As `strcat`.
    fn __strcat_chk(d: *mut c_char, s: *const c_char, dlen: usize) -> *mut c_char {
        // SAFETY: both NUL-terminated.
        let need = unsafe { string::c_strlen(d as *const u8) + string::c_strlen(s as *const u8) } + 1;
        check(need, dlen);
        // SAFETY: fits.
        unsafe { string::strcat(d, s) }
    }

    /// `char *__strncat_chk(char *d, const char *s, size_t n, size_t dlen)`.
    ///
    /// # Safety
    /// As `strncat`.
    fn __strncat_chk(d: *mut c_char, s: *const c_char, n: usize, dlen: usize) -> *mut c_char {
        // SAFETY: d NUL-terminated, s readable to n or its NUL.
        let need = unsafe { string::c_strlen(d as *const u8) + string::strnlen(s, n) } + 1;
        check(need, dlen);
        // SAFETY: fits.
        unsafe { string::strncat(d, s, n) }
    }

    /// `char *__fgets_chk(char *buf, size_t size, int n, FILE *f)`.
    ///
    /// # Safety
    /// As `fgets`.
    fn __fgets_chk(buf: *mut c_char, size: usize, n: c_int, f: *mut File) -> *mut c_char {
        check(n.max(0) as usize, size);
        // SAFETY: fits.
        unsafe { super::stdio::fgets(buf, n, f) }
    }

    /// `size_t __fread_chk(void *p, size_t plen, size_t size, size_t n, FILE *f)`.
    ///
    /// # Safety
    /// As `fread`.
    fn __fread_chk(p: *mut c_void, plen: usize, size: usize, n: usize, f: *mut File) -> usize {
        match size.checked_mul(n) {
            Some(total) => check(total, plen),
            None => chk_fail(),
        }
        // SAFETY: fits.
        unsafe { super::stdio::fread(p, size, n, f) }
    }

    /// `ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen)`.
    ///
    /// # Safety
    /// As `read`.
    fn __read_chk(fd: c_int, buf: *mut c_void, n: usize, buflen: usize) -> isize {
        check(n, buflen);
        // SAFETY: fits.
        unsafe { sys::read(fd, buf as *mut u8, n) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assert::run_in_child;

    #[test]
    fn in_bounds_calls_behave_like_the_plain_functions() {
        let mut buf = [0u8; 16];
        // SAFETY: every call fits its 16-byte destination.
        unsafe {
            __memcpy_chk(buf.as_mut_ptr() as *mut c_void, b"0123456789".as_ptr() as *const c_void, 10, 16);
            assert_eq!(&buf[..10], b"0123456789");
            __memset_chk(buf.as_mut_ptr() as *mut c_void, b'x' as c_int, 16, 16);
            assert_eq!(buf, [b'x'; 16]);
            __strcpy_chk(buf.as_mut_ptr() as *mut c_char, c"fifteen chars!!".as_ptr(), 16);
            __strncat_chk(buf.as_mut_ptr() as *mut c_char, c"zzz".as_ptr(), 0, 16);
            assert_eq!(&buf[..], b"fifteen chars!!\0");
        }
    }

    #[test]
    fn overflows_abort_with_glibc_message() {
        let mut buf = [0u8; 8];
        let p = buf.as_mut_ptr();
        type Case = Box<dyn Fn()>;
        let cases: Vec<Case> = vec![
            // SAFETY: each call aborts before writing (the checks run first).
            Box::new(move || unsafe {
                __memcpy_chk(p as *mut c_void, c"0123456789".as_ptr() as *const c_void, 9, 8);
            }),
            // SAFETY: as above.
            Box::new(move || unsafe {
                __strcpy_chk(p as *mut c_char, c"12345678".as_ptr(), 8);
            }),
            // SAFETY: as above.
            Box::new(move || unsafe {
                __memset_chk(p as *mut c_void, 0, 100, 8);
            }),
        ];
        for case in cases {
            let (sig, out) = run_in_child(case);
            assert_eq!(sig, libc::SIGABRT);
            assert_eq!(out, b"*** buffer overflow detected ***: terminated\n");
        }
        let _ = &mut buf;
    }
}
