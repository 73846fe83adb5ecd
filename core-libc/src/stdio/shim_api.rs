//! The Rust side of the C shim (core-libc/shim/*.c): entry points the variadic C functions call
//! with their `va_list` (as `struct bf_va *`), and the argument callbacks the engines call back.
//! These `bf_*` names are core-rt-internal and always unmangled, in every build.

use super::file::File;
use super::printf::{self, Arg, ArgSource, F80, FmtError, Kind, Sink};
use super::sys;
use crate::Errno;
use core::ffi::{c_char, c_int, c_void};

unsafe extern "C" {
    fn bf_va_int(va: *mut c_void) -> c_int;
    fn bf_va_long(va: *mut c_void) -> i64;
    fn bf_va_double(va: *mut c_void) -> f64;
    fn bf_va_long_double(va: *mut c_void, out: *mut F80);
    fn bf_va_ptr(va: *mut c_void) -> *mut c_void;
}

/// Arguments pulled from a C `va_list`.
pub struct VaArgs(pub *mut c_void);

impl ArgSource for VaArgs {
    fn fetch(&mut self, kind: Kind) -> Arg {
        // SAFETY: the format (checked by the caller's contract) says the next argument has this
        // class; the callbacks do exactly one va_arg of that type.
        unsafe {
            match kind {
                Kind::Int => Arg::Int(bf_va_int(self.0)),
                Kind::Long => Arg::Long(bf_va_long(self.0)),
                Kind::Double => Arg::Double(bf_va_double(self.0)),
                Kind::LongDouble => {
                    let mut v = F80::default();
                    bf_va_long_double(self.0, &mut v);
                    Arg::LongDouble(v)
                }
                Kind::Ptr => Arg::Ptr(bf_va_ptr(self.0)),
            }
        }
    }
}

/// The printf return convention: the byte count, or -1 with errno.
fn result(r: Result<usize, FmtError>) -> c_int {
    match r {
        Ok(n) if n <= c_int::MAX as usize => n as c_int,
        Ok(_) => {
            crate::errno::set(Errno::EOVERFLOW);
            -1
        }
        Err(FmtError::Ilseq) => {
            crate::errno::set(Errno::EILSEQ);
            -1
        }
        Err(FmtError::Invalid) => {
            crate::errno::set(Errno::EINVAL);
            -1
        }
        Err(FmtError::NoMemory) => {
            crate::errno::set(Errno::ENOMEM);
            -1
        }
    }
}

/// Into a caller's buffer of `cap` bytes, always NUL-terminated when `cap > 0`.
struct BufSink {
    buf: *mut u8,
    cap: usize,
    len: usize,
}

impl Sink for BufSink {
    fn write(&mut self, b: &[u8]) {
        let room = self.cap.saturating_sub(1).saturating_sub(self.len);
        let k = b.len().min(room);
        if k > 0 {
            // SAFETY: len + k < cap bytes of the caller's buffer.
            unsafe { core::ptr::copy_nonoverlapping(b.as_ptr(), self.buf.add(self.len), k) };
        }
        self.len += k;
    }
}

/// Into a stream.
struct FileSink(*mut File);

impl Sink for FileSink {
    fn write(&mut self, b: &[u8]) {
        // SAFETY: a live stream (the caller's contract).
        unsafe { super::file::put_bytes(&mut *self.0, b) };
    }
}

/// Into a descriptor, through a small buffer.
struct FdSink {
    fd: c_int,
    buf: [u8; 256],
    len: usize,
    failed: bool,
}

impl FdSink {
    fn flush(&mut self) {
        if self.len > 0 && !sys::write_all(self.fd, &self.buf[..self.len]) {
            self.failed = true;
        }
        self.len = 0;
    }
}

impl Sink for FdSink {
    fn write(&mut self, b: &[u8]) {
        if self.len + b.len() > self.buf.len() {
            self.flush();
        }
        if b.len() > self.buf.len() {
            if !sys::write_all(self.fd, b) {
                self.failed = true;
            }
        } else {
            self.buf[self.len..self.len + b.len()].copy_from_slice(b);
            self.len += b.len();
        }
    }
}

/// Into a malloc'd, growing buffer.
struct AllocSink {
    buf: *mut u8,
    cap: usize,
    len: usize,
    failed: bool,
}

impl Sink for AllocSink {
    fn write(&mut self, b: &[u8]) {
        if self.failed {
            return;
        }
        if self.len + b.len() + 1 > self.cap {
            let new = (self.len + b.len() + 1).max(self.cap * 2).max(64);
            // SAFETY: buf is NULL or our malloc'd block.
            let nb = unsafe { sys::realloc(self.buf as *mut c_void, new) } as *mut u8;
            if nb.is_null() {
                self.failed = true;
                return;
            }
            self.buf = nb;
            self.cap = new;
        }
        // SAFETY: room checked above.
        unsafe { core::ptr::copy_nonoverlapping(b.as_ptr(), self.buf.add(self.len), b.len()) };
        self.len += b.len();
    }
}

/// `vsnprintf` engine.
///
/// # Safety
/// `buf` valid for `n` writes; `fmt` NUL-terminated; `va` a live `struct bf_va`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bf_vsnprintf_impl(buf: *mut c_char, n: usize, fmt: *const c_char, va: *mut c_void) -> c_int {
    let mut sink = BufSink { buf: buf as *mut u8, cap: n, len: 0 };
    // SAFETY: per the caller.
    let r = unsafe { printf::format(&mut sink, fmt, &mut VaArgs(va)) };
    if n > 0 {
        // SAFETY: len < n.
        unsafe { *buf.add(sink.len) = 0 };
    }
    result(r)
}

/// `vfprintf` engine: -1 when the stream reports a write error during the call.
///
/// # Safety
/// `f` live; `fmt` NUL-terminated; `va` a live `struct bf_va`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bf_vfprintf_impl(f: *mut File, fmt: *const c_char, va: *mut c_void) -> c_int {
    // SAFETY: `f` is live for the call, per the caller. The whole output is one step.
    let _locked = unsafe { super::file::Locked::new(f) };
    // SAFETY: per the caller.
    let had_error = unsafe { (*f).error() };
    let mut sink = FileSink(f);
    // SAFETY: per the caller.
    let r = unsafe { printf::format(&mut sink, fmt, &mut VaArgs(va)) };
    // SAFETY: per the caller.
    if !had_error && unsafe { (*f).error() } {
        return -1;
    }
    result(r)
}

/// `vdprintf` engine.
///
/// # Safety
/// `fmt` NUL-terminated; `va` a live `struct bf_va`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bf_vdprintf_impl(fd: c_int, fmt: *const c_char, va: *mut c_void) -> c_int {
    let mut sink = FdSink { fd, buf: [0; 256], len: 0, failed: false };
    // SAFETY: per the caller.
    let r = unsafe { printf::format(&mut sink, fmt, &mut VaArgs(va)) };
    sink.flush();
    if sink.failed {
        return -1;
    }
    result(r)
}

/// `vasprintf` engine: `*out` gets a malloc'd string (undefined on failure, as in glibc; we
/// leave it NULL).
///
/// # Safety
/// `out` writable; `fmt` NUL-terminated; `va` a live `struct bf_va`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bf_vasprintf_impl(out: *mut *mut c_char, fmt: *const c_char, va: *mut c_void) -> c_int {
    let mut sink = AllocSink { buf: core::ptr::null_mut(), cap: 0, len: 0, failed: false };
    // SAFETY: per the caller.
    let r = unsafe { printf::format(&mut sink, fmt, &mut VaArgs(va)) };
    sink.write(b""); // make sure a buffer exists for the empty string
    if sink.failed || sink.buf.is_null() || r.is_err() {
        // SAFETY: our own block or NULL.
        unsafe {
            sys::free(sink.buf as *mut c_void);
            *out = core::ptr::null_mut();
        }
        if sink.failed {
            crate::errno::set(Errno::ENOMEM);
            return -1;
        }
        return result(r);
    }
    // SAFETY: cap > len.
    unsafe {
        *sink.buf.add(sink.len) = 0;
        *out = sink.buf as *mut c_char;
    }
    result(r)
}

/// The stream behind `stdout` (for printf/vprintf).
#[unsafe(no_mangle)]
pub extern "C" fn bf_stdout_stream() -> *mut File {
    // SAFETY: the global always holds a stream pointer, assigned as C allows (`SyncCell`).
    unsafe { *super::io::stdout.get() }
}

/// The stream behind `stdin` (for scanf/vscanf).
#[unsafe(no_mangle)]
pub extern "C" fn bf_stdin_stream() -> *mut File {
    // SAFETY: as above.
    unsafe { *super::io::stdin.get() }
}

/// Scanf input from a stream: one byte of lookahead, handed back with ungetc when done.
struct FileInput {
    f: *mut File,
    ahead: Option<u8>,
    at_eof: bool,
    count: usize,
}

impl super::scanf::Input for FileInput {
    fn peek(&mut self) -> Option<u8> {
        if self.ahead.is_none() && !self.at_eof {
            // SAFETY: a live stream (the caller's contract).
            let c = unsafe { super::io::fgetc(self.f) };
            if c < 0 {
                self.at_eof = true;
            } else {
                self.ahead = Some(c as u8);
            }
        }
        self.ahead
    }
    fn bump(&mut self) {
        self.ahead = None;
        self.count += 1;
    }
    fn consumed(&self) -> usize {
        self.count
    }
}

/// `vsscanf` engine.
///
/// # Safety
/// `s` and `fmt` NUL-terminated; `va` a live `struct bf_va` with matching destinations.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bf_vsscanf_impl(s: *const c_char, fmt: *const c_char, va: *mut c_void) -> c_int {
    let mut input = super::scanf::StrInput { p: s as *const u8, pos: 0 };
    // SAFETY: per the caller.
    unsafe { super::scanf::scan(&mut input, fmt, &mut VaArgs(va)) }
}

/// `vfscanf` engine.
///
/// # Safety
/// `f` live; `fmt` NUL-terminated; `va` a live `struct bf_va` with matching destinations.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bf_vfscanf_impl(f: *mut File, fmt: *const c_char, va: *mut c_void) -> c_int {
    // SAFETY: `f` is live for the call, per the caller. The scan and its push-back are one step.
    let _locked = unsafe { super::file::Locked::new(f) };
    let mut input = FileInput { f, ahead: None, at_eof: false, count: 0 };
    // SAFETY: per the caller.
    let r = unsafe { super::scanf::scan(&mut input, fmt, &mut VaArgs(va)) };
    if let Some(c) = input.ahead {
        // SAFETY: live stream.
        unsafe { super::io::ungetc(c as c_int, f) };
    }
    r
}
