//! <pthread.h>: real threads on core-rt's scheduler (`kernel::threads`). A `pthread_t` is the
//! kernel's thread id (the main thread is 1). Every blocking primitive (`sync`: mutexes,
//! condition variables, rwlocks, barriers; `pthread_once`; joins) waits on a futex word.
//! Thread-specific data and thread-local destructors are per thread (crate::thread) and run when
//! the thread ends. Functions return error numbers, as POSIX specifies for this header.

mod sync;

pub(crate) use sync::{lock_word, unlock_word};

use crate::Errno;
use crate::kernel::threads;
use crate::thread::{Dtor, KEYS};
use alloc::boxed::Box;
use core::ffi::{c_int, c_void};
use core::sync::atomic::{AtomicU32, Ordering};

const EAGAIN: c_int = Errno::EAGAIN as c_int;
const EINVAL: c_int = Errno::EINVAL as c_int;

/// Default stack of a new thread (glibc's default on x86-64 Linux is 8 MiB; Rust std asks for
/// 2 MiB itself).
const DEFAULT_STACK: usize = 2 << 20;

/// The smallest stack a thread may ask for (`PTHREAD_STACK_MIN` on x86-64 Linux).
const STACK_MIN: usize = 16384;

/// Our view of `pthread_attr_t` (56 bytes).
#[repr(C)]
struct Attr {
    stack_addr: u64,
    stack_size: u64,
    guard_size: u64,
    detach: c_int,
}

/// The key table shared by all threads: which keys exist and their destructors (values are per
/// thread, in crate::thread).
struct Keys {
    used: [bool; KEYS],
    dtor: [Option<Dtor>; KEYS],
}

static KEY_TABLE: spin::Mutex<Keys> = spin::Mutex::new(Keys { used: [false; KEYS], dtor: [None; KEYS] });

/// Run the running thread's exit handlers: thread-local destructors, then key destructors.
pub fn run_thread_exit_handlers() {
    crate::thread::run_exit_handlers(|k| {
        let t = KEY_TABLE.lock();
        if t.used[k] { t.dtor[k] } else { None }
    });
}

/// Wait while `word` holds `val` (spurious returns allowed: callers loop).
#[cfg(not(test))]
fn futex_wait(word: &AtomicU32, val: u32) {
    let _ = threads::futex_wait(word.as_ptr() as u64, val, None);
}

/// Wake up to `n` waiters of `word`.
#[cfg(not(test))]
fn futex_wake(word: &AtomicU32, n: u32) {
    threads::futex_wake(word.as_ptr() as u64, n);
}

// Host tests run on the host's threads, which core-rt's scheduler does not know: a waiter yields
// and looks again (a spurious return), and a wake has no sleeper to wake.
#[cfg(test)]
fn futex_wait(_word: &AtomicU32, _val: u32) {
    std::thread::yield_now();
}
#[cfg(test)]
fn futex_wake(_word: &AtomicU32, _n: u32) {}

/// What a new thread runs: the C start routine and its argument.
struct Start {
    f: unsafe extern "C" fn(*mut c_void) -> *mut c_void,
    arg: *mut c_void,
}

unsafe extern "C" fn thread_main(start: u64) -> u64 {
    // SAFETY: `pthread_create` passed a Box<Start> it gave up.
    let s = unsafe { Box::from_raw(start as *mut Start) };
    // SAFETY: the program's start routine with its argument.
    let r = unsafe { (s.f)(s.arg) };
    end_thread(r)
}

fn end_thread(r: *mut c_void) -> u64 {
    run_thread_exit_handlers();
    crate::thread::release();
    r as u64
}

crate::libc_fn! {
    /// `int pthread_create(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *)`.
    /// A kernel thread with its own stack (the attribute's size, default 2 MiB) and TLS block.
    ///
    /// # Safety
    /// `th` writable; `a` null or an initialised attribute; `f` callable with `arg`.
    fn pthread_create(th: *mut u64, a: *const c_void, f: Option<unsafe extern "C" fn(*mut c_void) -> *mut c_void>, arg: *mut c_void) -> c_int {
        let Some(f) = f else { return EINVAL };
        // SAFETY: caller's contract.
        let (size, detached) = if a.is_null() {
            (DEFAULT_STACK, false)
        } else {
            // SAFETY: as above.
            let a = unsafe { &*(a as *const Attr) };
            (if a.stack_size == 0 { DEFAULT_STACK } else { a.stack_size as usize }, a.detach != 0)
        };
        // Before the thread exists: from now on C++ code must use atomics.
        crate::process::__libc_single_threaded.store(0, Ordering::SeqCst);
        let start = Box::into_raw(Box::new(Start { f, arg }));
        match threads::spawn(thread_main, start as u64, size) {
            Ok(id) => {
                if detached {
                    let _ = threads::detach(id);
                }
                // SAFETY: caller's contract.
                unsafe { *th = id };
                0
            }
            Err(e) => {
                // SAFETY: the thread was not created: the Box is still ours.
                drop(unsafe { Box::from_raw(start) });
                e as c_int
            }
        }
    }

    /// `int pthread_join(pthread_t, void **)`: wait for the thread's end, take its result.
    ///
    /// # Safety
    /// `ret` null or writable.
    fn pthread_join(th: u64, ret: *mut *mut c_void) -> c_int {
        match threads::join(th) {
            Ok(r) => {
                if !ret.is_null() {
                    // SAFETY: caller's contract.
                    unsafe { *ret = r as *mut c_void };
                }
                0
            }
            Err(e) => e as c_int,
        }
    }

    /// `int pthread_detach(pthread_t)`.
    ///
    /// # Safety
    /// Always safe.
    fn pthread_detach(th: u64) -> c_int {
        match threads::detach(th) {
            Ok(()) => 0,
            Err(e) => e as c_int,
        }
    }

    /// `void pthread_exit(void *)`: end the calling thread.
    /// The main thread ends the program, with status 0, once its exit handlers ran.
    ///
    /// # Safety
    /// Always safe.
    fn pthread_exit(r: *mut c_void) -> ! {
        if threads::current_id() == 1 {
            crate::process::exit_process(0)
        }
        threads::exit(end_thread(r))
    }

    /// `pthread_t pthread_self(void)`.
    ///
    /// # Safety
    /// Always safe.
    fn pthread_self() -> u64 { threads::current_id() }

    /// `int pthread_equal(pthread_t, pthread_t)`.
    ///
    /// # Safety
    /// Always safe.
    fn pthread_equal(a: u64, b: u64) -> c_int { (a == b) as c_int }

    /// `int sched_yield(void)`: let another ready thread run.
    ///
    /// # Safety
    /// Always safe.
    fn sched_yield() -> c_int {
        threads::yield_now();
        0
    }

    /// `int pthread_once(pthread_once_t *, void (*)(void))`: latecomers wait for the first call.
    /// The word: 0 new, 1 running, 2 done; waiters sleep on it (futex).
    ///
    /// # Safety
    /// `once` points to a pthread_once_t; `f` is callable.
    fn pthread_once(once: *mut c_int, f: Option<unsafe extern "C" fn()>) -> c_int {
        // SAFETY: caller's contract: an aligned int that lives as long as the once-control.
        let w = unsafe { AtomicU32::from_ptr(once as *mut u32) };
        loop {
            match w.compare_exchange(0, 1, Ordering::Acquire, Ordering::Acquire) {
                Ok(_) => {
                    if let Some(f) = f {
                        // SAFETY: the program's initialiser.
                        unsafe { f() };
                    }
                    w.store(2, Ordering::Release);
                    futex_wake(w, u32::MAX);
                    return 0;
                }
                Err(2) => return 0,
                Err(v) => futex_wait(w, v),
            }
        }
    }

    /// `int pthread_key_create(pthread_key_t *, void (*)(void *))`.
    ///
    /// # Safety
    /// `key` writable.
    fn pthread_key_create(key: *mut u32, dtor: Option<Dtor>) -> c_int {
        let mut t = KEY_TABLE.lock();
        match (0..KEYS).find(|&k| !t.used[k]) {
            Some(k) => {
                t.used[k] = true;
                t.dtor[k] = dtor;
                // SAFETY: caller's contract.
                unsafe { *key = k as u32 };
                0
            }
            None => EAGAIN,
        }
    }

    /// `int __pthread_key_create(...)`: glibc's internal alias.
    ///
    /// # Safety
    /// As pthread_key_create.
    fn __pthread_key_create(key: *mut u32, dtor: Option<Dtor>) -> c_int {
        // SAFETY: forwarded.
        unsafe { pthread_key_create(key, dtor) }
    }

    /// `int pthread_key_delete(pthread_key_t)`: the key is free again.
    /// Values other threads hold are forgotten without their destructor, as POSIX says.
    ///
    /// # Safety
    /// Always safe.
    fn pthread_key_delete(key: u32) -> c_int {
        let mut t = KEY_TABLE.lock();
        match t.used.get_mut(key as usize) {
            Some(u) if *u => {
                *u = false;
                // SAFETY: the running thread's own data.
                unsafe { (*crate::thread::current()).keys[key as usize] = core::ptr::null_mut() };
                0
            }
            _ => EINVAL,
        }
    }

    /// `void *pthread_getspecific(pthread_key_t)`: this thread's value.
    ///
    /// # Safety
    /// Always safe.
    fn pthread_getspecific(key: u32) -> *mut c_void {
        if (key as usize) < KEYS {
            // SAFETY: the running thread's own data.
            unsafe { (*crate::thread::current()).keys[key as usize] }
        } else {
            core::ptr::null_mut()
        }
    }

    /// `int pthread_setspecific(pthread_key_t, const void *)`: this thread's value.
    ///
    /// # Safety
    /// Always safe.
    fn pthread_setspecific(key: u32, v: *const c_void) -> c_int {
        if (key as usize) < KEYS && KEY_TABLE.lock().used[key as usize] {
            // SAFETY: the running thread's own data.
            unsafe { (*crate::thread::current()).keys[key as usize] = v as *mut c_void };
            0
        } else {
            EINVAL
        }
    }

    /// `int pthread_attr_init(pthread_attr_t *)`.
    ///
    /// # Safety
    /// `a` points to a pthread_attr_t.
    fn pthread_attr_init(a: *mut c_void) -> c_int {
        // SAFETY: caller's contract (56 bytes).
        unsafe {
            core::ptr::write_bytes(a as *mut u8, 0, 56);
            (*(a as *mut Attr)).stack_size = DEFAULT_STACK as u64;
        }
        0
    }

    /// `int pthread_attr_destroy(pthread_attr_t *)`.
    ///
    /// # Safety
    /// Always safe.
    fn pthread_attr_destroy(_a: *mut c_void) -> c_int { 0 }

    /// `int pthread_attr_setdetachstate(pthread_attr_t *, int)`.
    ///
    /// # Safety
    /// `a` points to a pthread_attr_t.
    fn pthread_attr_setdetachstate(a: *mut c_void, state: c_int) -> c_int {
        if !(0..=1).contains(&state) {
            return EINVAL;
        }
        // SAFETY: caller's contract.
        unsafe { (*(a as *mut Attr)).detach = state };
        0
    }

    /// `int pthread_getattr_np(pthread_t, pthread_attr_t *)`: the calling thread's stack.
    /// The image's main stack and its guard page for the main thread; a thread's own stack and the
    /// guard page below it otherwise.
    ///
    /// # Safety
    /// `a` points to a pthread_attr_t.
    fn pthread_getattr_np(th: u64, a: *mut c_void) -> c_int {
        if th != threads::current_id() {
            return Errno::ESRCH as c_int;
        }
        let (start, size, guard) = match threads::current_stack() {
            Some((start, size)) => (start, size, threads::STACK_GUARD_BYTES),
            None => {
                let s = crate::kernel::image::stack();
                (s.start, s.len(), crate::kernel::image::stack_guard().len())
            }
        };
        // SAFETY: caller's contract.
        unsafe {
            core::ptr::write_bytes(a as *mut u8, 0, 56);
            let a = &mut *(a as *mut Attr);
            a.stack_addr = start;
            a.stack_size = size;
            a.guard_size = guard;
        }
        0
    }

    /// `int pthread_attr_getstack(const pthread_attr_t *, void **, size_t *)`.
    ///
    /// # Safety
    /// All pointers valid.
    fn pthread_attr_getstack(a: *const c_void, addr: *mut *mut c_void, size: *mut usize) -> c_int {
        // SAFETY: caller's contract.
        unsafe {
            let a = &*(a as *const Attr);
            *addr = a.stack_addr as *mut c_void;
            *size = a.stack_size as usize;
        }
        0
    }

    /// `int pthread_attr_getstacksize(const pthread_attr_t *, size_t *)`.
    ///
    /// # Safety
    /// All pointers valid.
    fn pthread_attr_getstacksize(a: *const c_void, size: *mut usize) -> c_int {
        // SAFETY: caller's contract.
        unsafe { *size = (*(a as *const Attr)).stack_size as usize };
        0
    }

    /// `int pthread_attr_setstacksize(pthread_attr_t *, size_t)`.
    ///
    /// # Safety
    /// `a` valid.
    fn pthread_attr_setstacksize(a: *mut c_void, size: usize) -> c_int {
        if size < STACK_MIN {
            return EINVAL;
        }
        // SAFETY: caller's contract.
        unsafe { (*(a as *mut Attr)).stack_size = size as u64 };
        0
    }

    /// `size_t __pthread_get_minstack(const pthread_attr_t *)`: the smallest stack a thread
    /// may have (glibc's, which Rust std looks up by name before it starts a thread). glibc adds
    /// the static TLS it places on the stack; core-rt gives each thread its TLS block apart.
    /// Found by name, it also spares `dlsym` a search of the whole symbol map (inflated for
    /// it: ~0.1 s under QEMU's TCG) at a program's first thread.
    ///
    /// # Safety
    /// Always safe (the attribute is not read).
    fn __pthread_get_minstack(_a: *const c_void) -> usize {
        STACK_MIN
    }

    /// `int pthread_attr_getguardsize(const pthread_attr_t *, size_t *)`.
    ///
    /// # Safety
    /// All pointers valid.
    fn pthread_attr_getguardsize(a: *const c_void, size: *mut usize) -> c_int {
        // SAFETY: caller's contract.
        unsafe { *size = (*(a as *const Attr)).guard_size as usize };
        0
    }

    /// `int pthread_sigmask(int, const sigset_t *, sigset_t *)`: see sigprocmask.
    ///
    /// # Safety
    /// Pointers null or valid.
    fn pthread_sigmask(how: c_int, set: *const libc::sigset_t, old: *mut libc::sigset_t) -> c_int {
        // SAFETY: forwarded.
        if unsafe { super::signal::sigprocmask(how, set, old) } == 0 { 0 } else { EINVAL }
    }

    /// `int pthread_setname_np(pthread_t, const char *)`: accepted, nobody displays it.
    ///
    /// # Safety
    /// Always safe.
    fn pthread_setname_np(_th: u64, _name: *const core::ffi::c_char) -> c_int { 0 }
}
