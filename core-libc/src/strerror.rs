//! `<string.h>` error and signal texts: `strerror`, `strerror_r` (GNU), `__xpg_strerror_r`
//! (POSIX), `strsignal`, `perror`'s text source. The texts are glibc's (Linux errno numbering),
//! so messages read the same under Linux and under core-rt.

use super::stdio::SyncCell;
use core::ffi::{c_char, c_int};

/// Linux errno texts (NUL-terminated), indexed by errno (0..=133).
static ERRORS: [&[u8]; 134] = [
    b"Success\0",
    b"Operation not permitted\0",
    b"No such file or directory\0",
    b"No such process\0",
    b"Interrupted system call\0",
    b"Input/output error\0",
    b"No such device or address\0",
    b"Argument list too long\0",
    b"Exec format error\0",
    b"Bad file descriptor\0",
    b"No child processes\0",
    b"Resource temporarily unavailable\0",
    b"Cannot allocate memory\0",
    b"Permission denied\0",
    b"Bad address\0",
    b"Block device required\0",
    b"Device or resource busy\0",
    b"File exists\0",
    b"Invalid cross-device link\0",
    b"No such device\0",
    b"Not a directory\0",
    b"Is a directory\0",
    b"Invalid argument\0",
    b"Too many open files in system\0",
    b"Too many open files\0",
    b"Inappropriate ioctl for device\0",
    b"Text file busy\0",
    b"File too large\0",
    b"No space left on device\0",
    b"Illegal seek\0",
    b"Read-only file system\0",
    b"Too many links\0",
    b"Broken pipe\0",
    b"Numerical argument out of domain\0",
    b"Numerical result out of range\0",
    b"Resource deadlock avoided\0",
    b"File name too long\0",
    b"No locks available\0",
    b"Function not implemented\0",
    b"Directory not empty\0",
    b"Too many levels of symbolic links\0",
    b"\0",
    b"No message of desired type\0",
    b"Identifier removed\0",
    b"Channel number out of range\0",
    b"Level 2 not synchronized\0",
    b"Level 3 halted\0",
    b"Level 3 reset\0",
    b"Link number out of range\0",
    b"Protocol driver not attached\0",
    b"No CSI structure available\0",
    b"Level 2 halted\0",
    b"Invalid exchange\0",
    b"Invalid request descriptor\0",
    b"Exchange full\0",
    b"No anode\0",
    b"Invalid request code\0",
    b"Invalid slot\0",
    b"\0",
    b"Bad font file format\0",
    b"Device not a stream\0",
    b"No data available\0",
    b"Timer expired\0",
    b"Out of streams resources\0",
    b"Machine is not on the network\0",
    b"Package not installed\0",
    b"Object is remote\0",
    b"Link has been severed\0",
    b"Advertise error\0",
    b"Srmount error\0",
    b"Communication error on send\0",
    b"Protocol error\0",
    b"Multihop attempted\0",
    b"RFS specific error\0",
    b"Bad message\0",
    b"Value too large for defined data type\0",
    b"Name not unique on network\0",
    b"File descriptor in bad state\0",
    b"Remote address changed\0",
    b"Can not access a needed shared library\0",
    b"Accessing a corrupted shared library\0",
    b".lib section in a.out corrupted\0",
    b"Attempting to link in too many shared libraries\0",
    b"Cannot exec a shared library directly\0",
    b"Invalid or incomplete multibyte or wide character\0",
    b"Interrupted system call should be restarted\0",
    b"Streams pipe error\0",
    b"Too many users\0",
    b"Socket operation on non-socket\0",
    b"Destination address required\0",
    b"Message too long\0",
    b"Protocol wrong type for socket\0",
    b"Protocol not available\0",
    b"Protocol not supported\0",
    b"Socket type not supported\0",
    b"Operation not supported\0",
    b"Protocol family not supported\0",
    b"Address family not supported by protocol\0",
    b"Address already in use\0",
    b"Cannot assign requested address\0",
    b"Network is down\0",
    b"Network is unreachable\0",
    b"Network dropped connection on reset\0",
    b"Software caused connection abort\0",
    b"Connection reset by peer\0",
    b"No buffer space available\0",
    b"Transport endpoint is already connected\0",
    b"Transport endpoint is not connected\0",
    b"Cannot send after transport endpoint shutdown\0",
    b"Too many references: cannot splice\0",
    b"Connection timed out\0",
    b"Connection refused\0",
    b"Host is down\0",
    b"No route to host\0",
    b"Operation already in progress\0",
    b"Operation now in progress\0",
    b"Stale file handle\0",
    b"Structure needs cleaning\0",
    b"Not a XENIX named type file\0",
    b"No XENIX semaphores available\0",
    b"Is a named type file\0",
    b"Remote I/O error\0",
    b"Disk quota exceeded\0",
    b"No medium found\0",
    b"Wrong medium type\0",
    b"Operation canceled\0",
    b"Required key not available\0",
    b"Key has expired\0",
    b"Key has been revoked\0",
    b"Key was rejected by service\0",
    b"Owner died\0",
    b"State not recoverable\0",
    b"Operation not possible due to RF-kill\0",
    b"Memory page has hardware error\0",
];

/// Signal texts (NUL-terminated) for 1..=31.
static SIGNALS: [&[u8]; 31] = [
    b"Hangup\0",
    b"Interrupt\0",
    b"Quit\0",
    b"Illegal instruction\0",
    b"Trace/breakpoint trap\0",
    b"Aborted\0",
    b"Bus error\0",
    b"Floating point exception\0",
    b"Killed\0",
    b"User defined signal 1\0",
    b"Segmentation fault\0",
    b"User defined signal 2\0",
    b"Broken pipe\0",
    b"Alarm clock\0",
    b"Terminated\0",
    b"Stack fault\0",
    b"Child exited\0",
    b"Continued\0",
    b"Stopped (signal)\0",
    b"Stopped\0",
    b"Stopped (tty input)\0",
    b"Stopped (tty output)\0",
    b"Urgent I/O condition\0",
    b"CPU time limit exceeded\0",
    b"File size limit exceeded\0",
    b"Virtual timer expired\0",
    b"Profiling timer expired\0",
    b"Window changed\0",
    b"I/O possible\0",
    b"Power failure\0",
    b"Bad system call\0",
];

/// First real-time signal number as glibc reports it (32 and 33 are reserved by its threads).
const SIGRTMIN: c_int = 34;
const SIGRTMAX: c_int = 64;

/// The NUL-terminated text of a known errno, if any.
fn known_cstr(e: c_int) -> Option<&'static [u8]> {
    // Unused numbers (41, 58) are empty entries: they get "Unknown error N" like any other.
    usize::try_from(e).ok().and_then(|i| ERRORS.get(i)).copied().filter(|m| m.len() > 1)
}

/// The text of a known errno (without NUL), if any.
pub fn known_message(e: c_int) -> Option<&'static [u8]> {
    known_cstr(e).map(|m| &m[..m.len() - 1])
}

/// A small writer into a fixed byte buffer, always leaving room for a NUL.
struct Buf<'a> {
    b: &'a mut [u8],
    n: usize,
}

impl Buf<'_> {
    fn push(&mut self, s: &[u8]) {
        for &c in s {
            if self.n + 1 < self.b.len() {
                self.b[self.n] = c;
                self.n += 1;
            }
        }
    }
    fn push_int(&mut self, v: c_int) {
        if v < 0 {
            self.push(b"-");
        }
        self.push(crate::decimal::Decimal::new(v.unsigned_abs().into()).digits());
    }
    fn finish(self) -> usize {
        if !self.b.is_empty() {
            self.b[self.n] = 0;
        }
        self.n
    }
}

/// Write `prefix N` (NUL-terminated, truncated to fit) into `out`; returns the length.
fn unknown(out: &mut [u8], prefix: &[u8], v: c_int) -> usize {
    let mut b = Buf { b: out, n: 0 };
    b.push(prefix);
    b.push_int(v);
    b.finish()
}

/// Buffer behind `strerror` for unknown numbers ("Unknown error N").
static UNKNOWN_ERR: SyncCell<[u8; 32]> = SyncCell::new([0; 32]);
/// Buffer behind `strsignal` for numbered texts.
static SIG_BUF: SyncCell<[u8; 32]> = SyncCell::new([0; 32]);

/// The message for errno `e` as bytes (without NUL), for printf's `%m` and `perror`.
pub fn message(e: c_int) -> &'static [u8] {
    if let Some(m) = known_message(e) {
        return m;
    }
    // SAFETY: as C's `strerror` for an unknown number: one static buffer, valid until the next
    // call; C does not make it thread-safe (`strerror_r` is), and two threads calling it at once race.
    let buf = unsafe { &mut *UNKNOWN_ERR.get() };
    let n = unknown(buf, b"Unknown error ", e);
    &buf[..n]
}

crate::libc_fn! {
    /// `char *strerror(int e)`: glibc's text; "Unknown error N" (static buffer) otherwise.
    ///
    /// # Safety
    /// Always safe; the result is valid until the next call with an unknown number.
    fn strerror(e: c_int) -> *mut c_char {
        if let Some(m) = known_cstr(e) {
            return m.as_ptr() as *mut c_char;
        }
        message(e).as_ptr() as *mut c_char
    }

    /// `char *strerror_l(int e, locale_t)`: the only locale is C.
    ///
    /// # Safety
    /// As `strerror`.
    fn strerror_l(e: c_int, _loc: *mut core::ffi::c_void) -> *mut c_char {
        // SAFETY: same contract.
        unsafe { strerror(e) }
    }

    /// `char *strerror_r(int e, char *buf, size_t n)`, GNU flavour: returns the static text for
    /// known numbers, otherwise writes "Unknown error N" into `buf` and returns it.
    ///
    /// # Safety
    /// `buf` valid for `n` writes.
    fn strerror_r(e: c_int, buf: *mut c_char, n: usize) -> *mut c_char {
        if let Some(m) = known_cstr(e) {
            return m.as_ptr() as *mut c_char;
        }
        if n == 0 {
            return message(e).as_ptr() as *mut c_char;
        }
        // SAFETY: per the caller.
        let out = unsafe { core::slice::from_raw_parts_mut(buf as *mut u8, n) };
        unknown(out, b"Unknown error ", e);
        buf
    }

    /// `int __xpg_strerror_r(int e, char *buf, size_t n)`, POSIX flavour (what Rust std calls):
    /// copies the text, truncated and terminated; returns ERANGE when truncated, EINVAL for an
    /// unknown number (after writing "Unknown error N"), else 0.
    ///
    /// # Safety
    /// `buf` valid for `n` writes.
    fn __xpg_strerror_r(e: c_int, buf: *mut c_char, n: usize) -> c_int {
        // SAFETY: per the caller.
        let out = unsafe { core::slice::from_raw_parts_mut(buf as *mut u8, n) };
        match known_message(e) {
            Some(m) => {
                let mut b = Buf { b: out, n: 0 };
                b.push(m);
                let written = if n == 0 { 0 } else { b.finish() };
                if written < m.len() { super::Errno::ERANGE as c_int } else { 0 }
            }
            None => {
                unknown(out, b"Unknown error ", e);
                super::Errno::EINVAL as c_int
            }
        }
    }

    /// `char *strsignal(int sig)`: glibc's texts ("Real-time signal N", "Unknown signal N").
    ///
    /// # Safety
    /// Always safe; numbered texts live in a static buffer until the next call.
    fn strsignal(sig: c_int) -> *mut c_char {
        if (1..=31).contains(&sig) {
            return SIGNALS[sig as usize - 1].as_ptr() as *mut c_char;
        }
        // SAFETY: as C's `strsignal`: one static buffer, valid until the next call and not
        // thread-safe in C either.
        let buf = unsafe { &mut *SIG_BUF.get() };
        if (SIGRTMIN..=SIGRTMAX).contains(&sig) {
            unknown(buf, b"Real-time signal ", sig - SIGRTMIN);
        } else {
            unknown(buf, b"Unknown signal ", sig);
        }
        buf.as_mut_ptr() as *mut c_char
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::from_c;

    unsafe extern "C" {
        #[link_name = "__xpg_strerror_r"]
        fn glibc_xpg(e: c_int, buf: *mut c_char, n: usize) -> c_int;
    }

    #[test]
    fn texts_equal_glibc() {
        for e in -3..140 {
            // SAFETY: valid calls; results compared before the next call of the same function.
            unsafe {
                assert_eq!(from_c(strerror(e)), from_c(libc::strerror(e)), "strerror({e})");
                for n in [0usize, 1, 5, 64] {
                    let mut a = [0x55u8; 64];
                    let mut b = [0x55u8; 64];
                    let ra = __xpg_strerror_r(e, a.as_mut_ptr() as *mut c_char, n);
                    let rb = glibc_xpg(e, b.as_mut_ptr() as *mut c_char, n);
                    assert_eq!(ra, rb, "__xpg_strerror_r({e}, {n})");
                    assert_eq!(a, b, "__xpg_strerror_r({e}, {n}) buffer");
                }
                let mut a = [0u8; 64];
                let r = strerror_r(e, a.as_mut_ptr() as *mut c_char, 64);
                assert_eq!(from_c(r), from_c(libc::strerror(e)));
            }
        }
        for s in -1..70 {
            // SAFETY: as above.
            unsafe { assert_eq!(from_c(strsignal(s)), from_c(libc::strsignal(s)), "strsignal({s})") };
        }
    }
}
