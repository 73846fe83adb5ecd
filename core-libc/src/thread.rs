//! What the C library keeps per thread: errno, thread-specific data (pthread keys) and the
//! thread-local destructors of `__cxa_thread_atexit_impl`, in one [`ThreadData`] per thread,
//! reached through the thread's C-library word in the kernel. Before the scheduler runs (early
//! boot) and in host tests, the main thread's data is a static one.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::ffi::c_void;

/// Keys a program may create.
pub const KEYS: usize = 128;

pub type Dtor = unsafe extern "C" fn(*mut c_void);

pub struct ThreadData {
    pub errno: i32,
    pub keys: [*mut c_void; KEYS],
    pub tls_dtors: Vec<(Dtor, *mut c_void)>,
}

impl ThreadData {
    const fn new() -> ThreadData {
        ThreadData { errno: 0, keys: [core::ptr::null_mut(); KEYS], tls_dtors: Vec::new() }
    }
}

struct Early(core::cell::UnsafeCell<ThreadData>);
// SAFETY: used only while one thread exists (before the scheduler, and by the host tests, which
// never use the C library's threads), see `current`.
unsafe impl Sync for Early {}
static EARLY: Early = Early(core::cell::UnsafeCell::new(ThreadData::new()));

/// The running thread's data (created on first use).
pub fn current() -> *mut ThreadData {
    #[cfg(test)]
    let word: Option<&core::sync::atomic::AtomicU64> = None;
    #[cfg(not(test))]
    let word = crate::kernel::threads::libc_word();
    let Some(word) = word else { return EARLY.0.get() };
    let p = word.load(core::sync::atomic::Ordering::Relaxed);
    if p != 0 {
        return p as *mut ThreadData;
    }
    // The main thread keeps the data it had before the scheduler started.
    let data = if crate::kernel::threads::current_id() == 1 {
        EARLY.0.get()
    } else {
        Box::into_raw(Box::new(ThreadData::new()))
    };
    word.store(data as u64, core::sync::atomic::Ordering::Relaxed);
    data
}

/// At the end of a thread (or of the main thread, from `exit`): its thread-local destructors
/// (last registered first), then its key destructors (up to 4 rounds), then its data is freed.
pub fn run_exit_handlers(key_dtors: impl Fn(usize) -> Option<Dtor>) {
    let data = current();
    // SAFETY: the running thread's own data; no reference is kept across the call.
    while let Some((f, arg)) = unsafe { (*data).tls_dtors.pop() } {
        // SAFETY: a destructor the program registered, with its argument.
        unsafe { f(arg) };
    }
    for _ in 0..4 {
        let mut any = false;
        for k in 0..KEYS {
            // SAFETY: as above.
            let v = unsafe { core::mem::replace(&mut (*data).keys[k], core::ptr::null_mut()) };
            if v.is_null() {
                continue;
            }
            if let Some(d) = key_dtors(k) {
                any = true;
                // SAFETY: the key's destructor, with this thread's value, as POSIX specifies.
                unsafe { d(v) };
            }
        }
        if !any {
            break;
        }
    }
}

/// Free a finished thread's data (not the main thread's).
pub fn release() {
    #[cfg(not(test))]
    if let Some(word) = crate::kernel::threads::libc_word() {
        let p = word.swap(0, core::sync::atomic::Ordering::Relaxed) as *mut ThreadData;
        if !p.is_null() && p != EARLY.0.get() {
            // SAFETY: allocated by `current` with Box for this thread, which no longer uses it.
            drop(unsafe { Box::from_raw(p) });
        }
    }
}
