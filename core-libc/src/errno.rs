//! errno: the per-thread errno cell C code reads through `__errno_location`, and how a stub
//! reports itself. The `Errno` enum (Linux's values) is the kernel's (`core_rt::errno`): kernel
//! errors are errnos. Each thread's cell is in its C-library data (crate::thread).

#[cfg(test)]
use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, Ordering};

pub use crate::kernel::Errno;

// Host tests run on many threads at once: each gets its own errno, as with glibc.
#[cfg(test)]
std::thread_local! {
    static ERRNO_T: UnsafeCell<i32> = const { UnsafeCell::new(0) };
}

/// The calling thread's errno cell.
fn cell() -> *mut i32 {
    #[cfg(not(test))]
    {
        // SAFETY: the running thread's own data (crate::thread), which lives as long as it runs.
        unsafe { &raw mut (*crate::thread::current()).errno }
    }
    #[cfg(test)]
    {
        ERRNO_T.with(|c| c.get())
    }
}

/// Set errno.
pub fn set(e: Errno) {
    // SAFETY: the cell belongs to the calling thread (its C-library data on bare metal, a
    // thread-local in host tests); no reference to it outlives this write.
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

/// Called by every [`stub!`] function: print "core-rt: stub NAME called" on the console the first
/// time, set ENOSYS.
pub fn stub_called(name: &str, warned: &AtomicBool) {
    if !warned.swap(true, Ordering::Relaxed) {
        crate::kernel::console::report_stub(name);
    }
    set(Errno::ENOSYS);
}
