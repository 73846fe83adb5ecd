//! `<assert.h>`: `__assert_fail` (what `assert()` expands to), `__assert_perror_fail`, `__assert`.
//! Prints glibc's message to stderr and aborts.

use super::stdio::sys;
use core::ffi::{c_char, c_int, c_uint};

/// A fixed message buffer (assertion texts are truncated to fit; no allocation on this path).
struct Msg {
    b: [u8; 1024],
    n: usize,
}

impl Msg {
    fn push(&mut self, s: &[u8]) {
        let k = s.len().min(self.b.len() - self.n);
        self.b[self.n..self.n + k].copy_from_slice(&s[..k]);
        self.n += k;
    }
    /// # Safety
    /// `s` NULL or NUL-terminated.
    unsafe fn push_c(&mut self, s: *const c_char) {
        if !s.is_null() {
            // SAFETY: per the caller.
            self.push(unsafe { core::ffi::CStr::from_ptr(s) }.to_bytes());
        }
    }
    fn push_uint(&mut self, v: u32) {
        self.push(crate::decimal::Decimal::new(v.into()).digits());
    }
}

/// "file:line: func: " — the common prefix.
///
/// # Safety
/// Strings NULL or NUL-terminated.
unsafe fn prefix(m: &mut Msg, file: *const c_char, line: c_uint, func: *const c_char) {
    // SAFETY: per the caller.
    unsafe { m.push_c(file) };
    m.push(b":");
    m.push_uint(line);
    m.push(b": ");
    if !func.is_null() {
        // SAFETY: per the caller.
        unsafe { m.push_c(func) };
        m.push(b": ");
    }
}

fn emit_and_abort(m: &Msg) -> ! {
    sys::write_all(2, &m.b[..m.n]);
    sys::abort()
}

crate::libc_fn! {
    /// `void __assert_fail(const char *expr, const char *file, unsigned line, const char *func)`:
    /// prints "file:line: func: Assertion `expr' failed." and aborts.
    ///
    /// # Safety
    /// Strings NULL or NUL-terminated.
    fn __assert_fail(expr: *const c_char, file: *const c_char, line: c_uint, func: *const c_char) -> ! {
        let mut m = Msg { b: [0; 1024], n: 0 };
        // SAFETY: per the caller.
        unsafe {
            prefix(&mut m, file, line, func);
            m.push(b"Assertion `");
            m.push_c(expr);
        }
        m.push(b"' failed.\n");
        emit_and_abort(&m)
    }

    /// `void __assert_perror_fail(int errnum, const char *file, unsigned line, const char *func)`.
    ///
    /// # Safety
    /// Strings NULL or NUL-terminated.
    fn __assert_perror_fail(errnum: c_int, file: *const c_char, line: c_uint, func: *const c_char) -> ! {
        let mut m = Msg { b: [0; 1024], n: 0 };
        // SAFETY: per the caller.
        unsafe { prefix(&mut m, file, line, func) };
        m.push(b"Unexpected error: ");
        m.push(super::strerror::message(errnum));
        m.push(b".\n");
        emit_and_abort(&m)
    }

    /// `void __assert(const char *expr, const char *file, int line)`: the old BSD entry.
    ///
    /// # Safety
    /// Strings NULL or NUL-terminated.
    fn __assert(expr: *const c_char, file: *const c_char, line: c_int) -> ! {
        // SAFETY: per the caller.
        unsafe { __assert_fail(expr, file, line as c_uint, core::ptr::null()) }
    }
}

/// Run `f` in a forked child with stderr captured; returns (terminating signal, stderr text).
#[cfg(test)]
pub(crate) fn run_in_child(f: impl FnOnce()) -> (c_int, Vec<u8>) {
    let mut fds = [0; 2];
    // SAFETY: plain POSIX calls; the child only calls `f` (write + abort) and never returns.
    unsafe {
        assert_eq!(libc::pipe(fds.as_mut_ptr()), 0);
        let pid = libc::fork();
        assert!(pid >= 0);
        if pid == 0 {
            libc::dup2(fds[1], 2);
            f();
            libc::_exit(0);
        }
        libc::close(fds[1]);
        let mut out = Vec::new();
        let mut buf = [0u8; 512];
        loop {
            let n = libc::read(fds[0], buf.as_mut_ptr() as *mut _, buf.len());
            if n <= 0 {
                break;
            }
            out.extend_from_slice(&buf[..n as usize]);
        }
        libc::close(fds[0]);
        let mut status = 0;
        libc::waitpid(pid, &mut status, 0);
        let sig = if libc::WIFSIGNALED(status) { libc::WTERMSIG(status) } else { 0 };
        (sig, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assert_fail_prints_glibc_message_and_aborts() {
        // SAFETY: NUL-terminated strings; runs in a child.
        let (sig, out) =
            run_in_child(|| unsafe { __assert_fail(c"x > 0".as_ptr(), c"main.c".as_ptr(), 42, c"compute".as_ptr()) });
        assert_eq!(sig, libc::SIGABRT);
        assert_eq!(out, b"main.c:42: compute: Assertion `x > 0' failed.\n");
        // SAFETY: as above.
        let (sig, out) = run_in_child(|| unsafe { __assert_perror_fail(2, c"a.c".as_ptr(), 7, core::ptr::null()) });
        assert_eq!(sig, libc::SIGABRT);
        assert_eq!(out, b"a.c:7: Unexpected error: No such file or directory.\n");
    }
}
