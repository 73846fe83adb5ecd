//! errno: one `Errno` enum with Linux's values, and the per-thread errno cell C code reads through
//! `__errno_location`. core-rt is single-threaded, so one cell serves the only thread.

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, Ordering};

/// Linux errno values (asm-generic/errno-base.h, errno.h).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum Errno {
    EPERM = 1,
    ENOENT = 2,
    ESRCH = 3,
    EINTR = 4,
    EIO = 5,
    ENXIO = 6,
    E2BIG = 7,
    ENOEXEC = 8,
    EBADF = 9,
    ECHILD = 10,
    EAGAIN = 11,
    ENOMEM = 12,
    EACCES = 13,
    EFAULT = 14,
    EBUSY = 16,
    EEXIST = 17,
    EXDEV = 18,
    ENODEV = 19,
    ENOTDIR = 20,
    EISDIR = 21,
    EINVAL = 22,
    ENFILE = 23,
    EMFILE = 24,
    ENOTTY = 25,
    EFBIG = 27,
    ENOSPC = 28,
    ESPIPE = 29,
    EROFS = 30,
    EPIPE = 32,
    EDOM = 33,
    ERANGE = 34,
    EDEADLK = 35,
    ENAMETOOLONG = 36,
    ENOSYS = 38,
    ENOTEMPTY = 39,
    ELOOP = 40,
    ENODATA = 61,
    EOVERFLOW = 75,
    EILSEQ = 84,
    ENOTSUP = 95,
    ETIMEDOUT = 110,
}

#[cfg(not(test))]
struct ErrnoCell(UnsafeCell<i32>);
// SAFETY: core-rt runs a single thread; the cell is only touched from that thread.
#[cfg(not(test))]
unsafe impl Sync for ErrnoCell {}

#[cfg(not(test))]
static ERRNO: ErrnoCell = ErrnoCell(UnsafeCell::new(0));

// Host tests run on many threads at once: each gets its own errno, as with glibc.
#[cfg(test)]
std::thread_local! {
    static ERRNO_T: UnsafeCell<i32> = const { UnsafeCell::new(0) };
}

/// The calling thread's errno cell.
fn cell() -> *mut i32 {
    #[cfg(not(test))]
    {
        ERRNO.0.get()
    }
    #[cfg(test)]
    {
        ERRNO_T.with(|c| c.get())
    }
}

/// Set errno.
pub fn set(e: Errno) {
    // SAFETY: the cell belongs to the calling thread (single thread on bare metal, thread-local
    // in host tests); no reference to it outlives this write.
    unsafe { *cell() = e as i32 };
}

/// Read errno.
pub fn get() -> i32 {
    // SAFETY: as in `set`.
    unsafe { *cell() }
}

crate::libc_fn! {
    /// `int *__errno_location(void)`: where C code reads and writes errno.
    ///
    /// # Safety
    /// Always safe; the returned pointer is valid for the whole run.
    fn __errno_location() -> *mut i32 {
        cell()
    }
}

/// Hook through which a stub reports itself; the console installs the real printer at boot.
static STUB_REPORTER: spin::Once<fn(&str)> = spin::Once::new();

/// Install the function that prints "core-rt: stub NAME called" (the console does this at boot).
pub fn set_stub_reporter(f: fn(&str)) {
    STUB_REPORTER.call_once(|| f);
}

/// Called by every [`stub!`] function: report the name once, set ENOSYS.
pub fn stub_called(name: &str, warned: &AtomicBool) {
    if !warned.swap(true, Ordering::Relaxed)
        && let Some(report) = STUB_REPORTER.get()
    {
        report(name);
    }
    set(Errno::ENOSYS);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_values_match_glibc() {
        assert_eq!(Errno::ENOSYS as i32, libc::ENOSYS);
        assert_eq!(Errno::ERANGE as i32, libc::ERANGE);
        assert_eq!(Errno::EOVERFLOW as i32, libc::EOVERFLOW);
        assert_eq!(Errno::ETIMEDOUT as i32, libc::ETIMEDOUT);
    }
}
