//! <pthread.h> with single-thread semantics: one thread exists (pthread_self() = 1). Mutexes,
//! rwlocks and once-controls keep real state (a second lock of a normal mutex by its owner is
//! a deadlock and fails with EDEADLK instead of hanging); thread-specific data is a real table
//! with destructors; creating threads fails with EAGAIN and says so. Functions return error
//! numbers, as POSIX specifies for this header.

use crate::Errno;
use core::ffi::{c_int, c_void};

const EAGAIN: c_int = Errno::EAGAIN as c_int;
const EINVAL: c_int = Errno::EINVAL as c_int;
const EDEADLK: c_int = Errno::EDEADLK as c_int;
const EPERM: c_int = Errno::EPERM as c_int;
const EBUSY: c_int = Errno::EBUSY as c_int;

/// glibc's mutex kinds (`__kind`).
const KIND_RECURSIVE: c_int = 1;
const KIND_ERRORCHECK: c_int = 2;

/// Our view of glibc's `pthread_mutex_t` (40 bytes): lock, count, owner, nusers, kind.
#[repr(C)]
struct Mutex {
    lock: c_int,
    count: u32,
    owner: c_int,
    nusers: u32,
    kind: c_int,
}

/// Our view of `pthread_attr_t` (56 bytes): what pthread_getattr_np fills in.
#[repr(C)]
struct Attr {
    stack_addr: u64,
    stack_size: u64,
    guard_size: u64,
    detach: c_int,
}

const KEYS: usize = 128;
type Dtor = Option<unsafe extern "C" fn(*mut c_void)>;

struct Keys {
    used: [bool; KEYS],
    dtor: [Dtor; KEYS],
    value: [*mut c_void; KEYS],
}
// SAFETY: single thread; the raw values are opaque to us.
unsafe impl Send for Keys {}

static KEY_TABLE: spin::Mutex<Keys> =
    spin::Mutex::new(Keys { used: [false; KEYS], dtor: [None; KEYS], value: [core::ptr::null_mut(); KEYS] });

/// Run thread-specific-data destructors (at thread exit, i.e. from `exit`), up to 4 rounds.
pub fn run_key_destructors() {
    for _ in 0..4 {
        let mut any = false;
        for k in 0..KEYS {
            let (d, v) = {
                let mut t = KEY_TABLE.lock();
                let v = t.value[k];
                if !t.used[k] || v.is_null() || t.dtor[k].is_none() {
                    continue;
                }
                t.value[k] = core::ptr::null_mut();
                (t.dtor[k], v)
            };
            if let Some(d) = d {
                any = true;
                // SAFETY: the destructor the program registered, called with its own value.
                unsafe { d(v) };
            }
        }
        if !any {
            break;
        }
    }
}

crate::libc_fn! {
    /// `pthread_t pthread_self(void)`.
    ///
    /// # Safety
    /// Always safe.
    fn pthread_self() -> u64 { 1 }

    /// `int pthread_equal(pthread_t, pthread_t)`.
    ///
    /// # Safety
    /// Always safe.
    fn pthread_equal(a: u64, b: u64) -> c_int { (a == b) as c_int }

    /// `int pthread_mutex_init(pthread_mutex_t *, const pthread_mutexattr_t *)`.
    ///
    /// # Safety
    /// `m` points to a pthread_mutex_t; `a` null or a pthread_mutexattr_t.
    fn pthread_mutex_init(m: *mut c_void, a: *const c_int) -> c_int {
        // SAFETY: caller's contract; mutexattr's first int holds the kind (our own layout).
        unsafe {
            core::ptr::write_bytes(m as *mut u8, 0, 40);
            (*(m as *mut Mutex)).kind = if a.is_null() { 0 } else { *a };
        }
        0
    }

    /// `int pthread_mutex_destroy(pthread_mutex_t *)`.
    ///
    /// # Safety
    /// `m` points to a mutex.
    fn pthread_mutex_destroy(m: *mut c_void) -> c_int {
        // SAFETY: caller's contract.
        if unsafe { (*(m as *mut Mutex)).lock } != 0 { EBUSY } else { 0 }
    }

    /// `int pthread_mutex_lock(pthread_mutex_t *)`.
    ///
    /// # Safety
    /// `m` points to a mutex.
    fn pthread_mutex_lock(m: *mut c_void) -> c_int {
        // SAFETY: caller's contract.
        let m = unsafe { &mut *(m as *mut Mutex) };
        if m.lock == 0 {
            m.lock = 1;
            m.owner = 1;
            m.count = 1;
            0
        } else if m.kind & 3 == KIND_RECURSIVE {
            m.count += 1;
            0
        } else {
            EDEADLK
        }
    }

    /// `int pthread_mutex_trylock(pthread_mutex_t *)`.
    ///
    /// # Safety
    /// `m` points to a mutex.
    fn pthread_mutex_trylock(m: *mut c_void) -> c_int {
        // SAFETY: caller's contract.
        let held = unsafe { (*(m as *mut Mutex)).lock } != 0;
        // SAFETY: caller's contract.
        let recursive = unsafe { (*(m as *mut Mutex)).kind } & 3 == KIND_RECURSIVE;
        if held && !recursive {
            return EBUSY;
        }
        // SAFETY: as above.
        unsafe { pthread_mutex_lock(m) }
    }

    /// `int pthread_mutex_unlock(pthread_mutex_t *)`.
    ///
    /// # Safety
    /// `m` points to a mutex.
    fn pthread_mutex_unlock(m: *mut c_void) -> c_int {
        // SAFETY: caller's contract.
        let m = unsafe { &mut *(m as *mut Mutex) };
        if m.lock == 0 {
            return if m.kind & 3 == KIND_ERRORCHECK || m.kind & 3 == KIND_RECURSIVE { EPERM } else { 0 };
        }
        m.count -= 1;
        if m.count == 0 {
            m.lock = 0;
            m.owner = 0;
        }
        0
    }

    /// `int pthread_mutexattr_init(pthread_mutexattr_t *)`.
    ///
    /// # Safety
    /// `a` points to a pthread_mutexattr_t.
    fn pthread_mutexattr_init(a: *mut c_int) -> c_int {
        // SAFETY: caller's contract.
        unsafe { *a = 0 };
        0
    }

    /// `int pthread_mutexattr_settype(pthread_mutexattr_t *, int)`.
    ///
    /// # Safety
    /// `a` points to a pthread_mutexattr_t.
    fn pthread_mutexattr_settype(a: *mut c_int, kind: c_int) -> c_int {
        if !(0..=3).contains(&kind) {
            return EINVAL;
        }
        // SAFETY: caller's contract.
        unsafe { *a = kind };
        0
    }

    /// `int pthread_mutexattr_destroy(pthread_mutexattr_t *)`.
    ///
    /// # Safety
    /// Always safe.
    fn pthread_mutexattr_destroy(_a: *mut c_int) -> c_int { 0 }

    /// `int pthread_rwlock_rdlock(pthread_rwlock_t *)`: readers always get in.
    ///
    /// # Safety
    /// `l` points to a pthread_rwlock_t (first int: readers, second: writer).
    fn pthread_rwlock_rdlock(l: *mut c_int) -> c_int {
        // SAFETY: caller's contract.
        unsafe {
            if *l.add(1) != 0 {
                return EDEADLK;
            }
            *l += 1;
        }
        0
    }

    /// `int pthread_rwlock_wrlock(pthread_rwlock_t *)`.
    ///
    /// # Safety
    /// As rdlock.
    fn pthread_rwlock_wrlock(l: *mut c_int) -> c_int {
        // SAFETY: caller's contract.
        unsafe {
            if *l != 0 || *l.add(1) != 0 {
                return EDEADLK;
            }
            *l.add(1) = 1;
        }
        0
    }

    /// `int pthread_rwlock_unlock(pthread_rwlock_t *)`.
    ///
    /// # Safety
    /// As rdlock.
    fn pthread_rwlock_unlock(l: *mut c_int) -> c_int {
        // SAFETY: caller's contract.
        unsafe {
            if *l.add(1) != 0 {
                *l.add(1) = 0;
            } else if *l > 0 {
                *l -= 1;
            } else {
                return EPERM;
            }
        }
        0
    }

    /// `int pthread_rwlock_init(pthread_rwlock_t *, const pthread_rwlockattr_t *)`.
    ///
    /// # Safety
    /// `l` points to a pthread_rwlock_t (56 bytes).
    fn pthread_rwlock_init(l: *mut c_int, _a: *const c_void) -> c_int {
        // SAFETY: caller's contract.
        unsafe { core::ptr::write_bytes(l as *mut u8, 0, 56) };
        0
    }

    /// `int pthread_rwlock_destroy(pthread_rwlock_t *)`.
    ///
    /// # Safety
    /// Always safe.
    fn pthread_rwlock_destroy(_l: *mut c_int) -> c_int { 0 }

    /// `int pthread_once(pthread_once_t *, void (*)(void))`.
    ///
    /// # Safety
    /// `once` points to a pthread_once_t; `f` is callable.
    fn pthread_once(once: *mut c_int, f: Option<unsafe extern "C" fn()>) -> c_int {
        // SAFETY: caller's contract.
        unsafe {
            if *once == 0 {
                *once = 1;
                if let Some(f) = f {
                    f();
                }
                *once = 2;
            }
        }
        0
    }

    /// `int pthread_key_create(pthread_key_t *, void (*)(void *))`.
    ///
    /// # Safety
    /// `key` writable.
    fn pthread_key_create(key: *mut u32, dtor: Dtor) -> c_int {
        let mut t = KEY_TABLE.lock();
        match (0..KEYS).find(|&k| !t.used[k]) {
            Some(k) => {
                t.used[k] = true;
                t.dtor[k] = dtor;
                t.value[k] = core::ptr::null_mut();
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
    fn __pthread_key_create(key: *mut u32, dtor: Dtor) -> c_int {
        // SAFETY: forwarded.
        unsafe { pthread_key_create(key, dtor) }
    }

    /// `int pthread_key_delete(pthread_key_t)`.
    ///
    /// # Safety
    /// Always safe.
    fn pthread_key_delete(key: u32) -> c_int {
        let mut t = KEY_TABLE.lock();
        match t.used.get_mut(key as usize) {
            Some(u) if *u => {
                *u = false;
                0
            }
            _ => EINVAL,
        }
    }

    /// `void *pthread_getspecific(pthread_key_t)`.
    ///
    /// # Safety
    /// Always safe.
    fn pthread_getspecific(key: u32) -> *mut c_void {
        let t = KEY_TABLE.lock();
        if (key as usize) < KEYS && t.used[key as usize] { t.value[key as usize] } else { core::ptr::null_mut() }
    }

    /// `int pthread_setspecific(pthread_key_t, const void *)`.
    ///
    /// # Safety
    /// Always safe.
    fn pthread_setspecific(key: u32, v: *const c_void) -> c_int {
        let mut t = KEY_TABLE.lock();
        if (key as usize) < KEYS && t.used[key as usize] {
            t.value[key as usize] = v as *mut c_void;
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
            (*(a as *mut Attr)).stack_size = 2 << 20;
            (*(a as *mut Attr)).guard_size = 4096;
        }
        0
    }

    /// `int pthread_attr_destroy(pthread_attr_t *)`.
    ///
    /// # Safety
    /// Always safe.
    fn pthread_attr_destroy(_a: *mut c_void) -> c_int { 0 }

    /// `int pthread_getattr_np(pthread_t, pthread_attr_t *)`: the main stack and its guard.
    ///
    /// # Safety
    /// `a` points to a pthread_attr_t.
    fn pthread_getattr_np(th: u64, a: *mut c_void) -> c_int {
        if th != 1 {
            return Errno::ESRCH as c_int;
        }
        let s = crate::kernel::image::stack();
        // SAFETY: caller's contract.
        unsafe {
            core::ptr::write_bytes(a as *mut u8, 0, 56);
            let a = &mut *(a as *mut Attr);
            a.stack_addr = s.start;
            a.stack_size = s.len();
            a.guard_size = crate::kernel::image::stack_guard().len();
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
        if size < 16384 {
            return EINVAL;
        }
        // SAFETY: caller's contract.
        unsafe { (*(a as *mut Attr)).stack_size = size as u64 };
        0
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

    /// `int sched_yield(void)`: nothing else to run.
    ///
    /// # Safety
    /// Always safe.
    fn sched_yield() -> c_int { 0 }
}

crate::stub! {
    /// `int pthread_create(...)`: there is one thread only; returns EAGAIN.
    fn pthread_create(th: *mut u64, a: *const c_void, f: *const c_void, arg: *mut c_void) -> c_int = EAGAIN;
    /// `int pthread_join(pthread_t, void **)`.
    fn pthread_join(th: u64, ret: *mut *mut c_void) -> c_int = Errno::ESRCH as c_int;
    /// `int pthread_detach(pthread_t)`.
    fn pthread_detach(th: u64) -> c_int = Errno::ESRCH as c_int;
    /// `int pthread_cond_wait(...)`: waiting for another thread that cannot exist.
    fn pthread_cond_wait(c: *mut c_void, m: *mut c_void) -> c_int = EINVAL;
    /// `int pthread_cond_timedwait(...)`.
    fn pthread_cond_timedwait(c: *mut c_void, m: *mut c_void, t: *const c_void) -> c_int = EINVAL;
}

crate::libc_fn! {
    /// `int pthread_cond_init(...)`: a condition nobody else can signal; real no-op state.
    ///
    /// # Safety
    /// Always safe.
    fn pthread_cond_init(_c: *mut c_void, _a: *const c_void) -> c_int { 0 }

    /// `int pthread_cond_destroy(pthread_cond_t *)`.
    ///
    /// # Safety
    /// Always safe.
    fn pthread_cond_destroy(_c: *mut c_void) -> c_int { 0 }

    /// `int pthread_cond_signal(pthread_cond_t *)`: no other thread waits, so there is nobody to wake.
    ///
    /// # Safety
    /// Always safe.
    fn pthread_cond_signal(_c: *mut c_void) -> c_int { 0 }

    /// `int pthread_cond_broadcast(pthread_cond_t *)`: as signal.
    ///
    /// # Safety
    /// Always safe.
    fn pthread_cond_broadcast(_c: *mut c_void) -> c_int { 0 }
}
