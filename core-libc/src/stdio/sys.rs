//! The system services the pure libc half needs (heap, file descriptors, abort), in one place.
//!
//! In the kernel build these are the C-named functions the system half of core-rt exports
//! (`malloc`, `read`, `write`, ...), imported by name: the final link resolves them. Host unit tests
//! route them to glibc instead and copy glibc's errno into core-rt's errno cell, so the code under
//! test sees failures exactly as it will on bare metal.

use core::ffi::{c_char, c_int, c_void};

#[cfg(not(test))]
mod imp {
    use core::ffi::{c_char, c_int, c_void};
    unsafe extern "C" {
        pub fn malloc(n: usize) -> *mut c_void;
        pub fn free(p: *mut c_void);
        pub fn realloc(p: *mut c_void, n: usize) -> *mut c_void;
        pub fn read(fd: c_int, buf: *mut c_void, n: usize) -> isize;
        pub fn write(fd: c_int, buf: *const c_void, n: usize) -> isize;
        pub fn lseek(fd: c_int, off: i64, whence: c_int) -> i64;
        pub fn close(fd: c_int) -> c_int;
        pub fn open(path: *const c_char, flags: c_int, ...) -> c_int;
        pub fn isatty(fd: c_int) -> c_int;
        pub fn abort() -> !;
    }
    /// errno is core-rt's own cell already.
    pub fn sync_errno() {}
}

#[cfg(test)]
#[allow(clippy::items_after_test_module)] // the host-test twin of `imp` above, not a test module
mod imp {
    pub use libc::{abort, close, free, isatty, lseek, malloc, open, read, realloc, write};
    /// Copy glibc's errno (set by the call that just failed) into core-rt's errno cell.
    pub fn sync_errno() {
        // SAFETY: both locations are valid thread-local/global ints.
        unsafe { *crate::errno::__errno_location() = *libc::__errno_location() };
    }
}

/// Allocate `n` bytes (C `malloc`).
pub fn malloc(n: usize) -> *mut c_void {
    // SAFETY: malloc has no preconditions.
    unsafe { imp::malloc(n) }
}

/// Free a block from [`malloc`]/[`realloc`] (C `free`).
///
/// # Safety
/// `p` is null or a live block from this allocator.
pub unsafe fn free(p: *mut c_void) {
    // SAFETY: per the caller.
    unsafe { imp::free(p) }
}

/// Resize a block (C `realloc`).
///
/// # Safety
/// `p` is null or a live block from this allocator.
pub unsafe fn realloc(p: *mut c_void, n: usize) -> *mut c_void {
    // SAFETY: per the caller.
    unsafe { imp::realloc(p, n) }
}

/// `read(2)`; on failure errno is set and -1 returned.
///
/// # Safety
/// `buf` valid for `n` writes.
pub unsafe fn read(fd: c_int, buf: *mut u8, n: usize) -> isize {
    // SAFETY: per the caller.
    let r = unsafe { imp::read(fd, buf as *mut c_void, n) };
    if r < 0 {
        imp::sync_errno();
    }
    r
}

/// `write(2)`; on failure errno is set and -1 returned.
///
/// # Safety
/// `buf` valid for `n` reads.
pub unsafe fn write(fd: c_int, buf: *const u8, n: usize) -> isize {
    // SAFETY: per the caller.
    let r = unsafe { imp::write(fd, buf as *const c_void, n) };
    if r < 0 {
        imp::sync_errno();
    }
    r
}

/// Write all of `buf` (retrying short writes); false on error.
pub fn write_all(fd: c_int, mut buf: &[u8]) -> bool {
    while !buf.is_empty() {
        // SAFETY: buf is a valid slice.
        let r = unsafe { write(fd, buf.as_ptr(), buf.len()) };
        if r <= 0 {
            return false;
        }
        buf = &buf[r as usize..];
    }
    true
}

/// `lseek(2)`.
pub fn lseek(fd: c_int, off: i64, whence: c_int) -> i64 {
    // SAFETY: no memory is passed.
    let r = unsafe { imp::lseek(fd, off, whence) };
    if r < 0 {
        imp::sync_errno();
    }
    r
}

/// `close(2)`.
pub fn close(fd: c_int) -> c_int {
    // SAFETY: no memory is passed.
    let r = unsafe { imp::close(fd) };
    if r < 0 {
        imp::sync_errno();
    }
    r
}

/// `open(2)` with a mode.
///
/// # Safety
/// `path` is a NUL-terminated string.
pub unsafe fn open(path: *const c_char, flags: c_int, mode: c_int) -> c_int {
    // SAFETY: per the caller; the mode travels as the variadic int open expects.
    let r = unsafe { imp::open(path, flags, mode) };
    if r < 0 {
        imp::sync_errno();
    }
    r
}

/// `isatty(3)`.
pub fn isatty(fd: c_int) -> bool {
    // SAFETY: no memory is passed.
    unsafe { imp::isatty(fd) != 0 }
}

/// `abort(3)`.
pub fn abort() -> ! {
    // SAFETY: abort has no preconditions.
    unsafe { imp::abort() }
}
