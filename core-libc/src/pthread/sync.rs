//! Mutexes (normal, recursive, error-checking), condition variables, rwlocks, barriers and spin
//! locks, each on futex words inside the object glibc's layout gives it (so static initialisers
//! of all zeros work).

use super::{EINVAL, futex_wait, futex_wake};
use crate::Errno;
use crate::kernel::threads;
use core::ffi::{c_int, c_void};
use core::sync::atomic::{AtomicI32, AtomicU32, Ordering};

const EDEADLK: c_int = Errno::EDEADLK as c_int;
const EPERM: c_int = Errno::EPERM as c_int;
const EBUSY: c_int = Errno::EBUSY as c_int;
const ETIMEDOUT: c_int = Errno::ETIMEDOUT as c_int;

/// glibc's mutex kinds (`__kind`).
const KIND_RECURSIVE: c_int = 1;
const KIND_ERRORCHECK: c_int = 2;

/// Our view of glibc's `pthread_mutex_t` (40 bytes): lock word (0 free, 1 held, 2 held with
/// waiters), recursion count, owner thread, unused, kind.
#[repr(C)]
struct Mutex {
    lock: AtomicU32,
    count: u32,
    owner: AtomicU32,
    nusers: u32,
    kind: c_int,
}

/// # Safety
/// `m` points to a pthread_mutex_t that outlives the returned reference.
unsafe fn mutex<'a>(m: *mut c_void) -> &'a mut Mutex {
    // SAFETY: the caller's contract; the layout fits glibc's 40 bytes.
    unsafe { &mut *(m as *mut Mutex) }
}

/// Take a lock word: 0 free, 1 held, 2 held with waiters (Drepper's "futexes are tricky" mutex,
/// third version). A waiter sleeps on the word; the mutexes here and the stdio streams' locks use it.
pub(crate) fn lock_word(w: &AtomicU32) {
    if w.compare_exchange(0, 1, Ordering::Acquire, Ordering::Relaxed).is_ok() {
        return;
    }
    while w.swap(2, Ordering::Acquire) != 0 {
        futex_wait(w, 2);
    }
}

/// Give back a lock word taken by [`lock_word`], waking one waiter if any sleeps.
pub(crate) fn unlock_word(w: &AtomicU32) {
    if w.swap(0, Ordering::Release) == 2 {
        futex_wake(w, 1);
    }
}

fn me() -> u32 {
    threads::current_id() as u32
}

fn lock(m: &mut Mutex, try_only: bool) -> c_int {
    let kind = m.kind & 3;
    // The owner locking again: counted (recursive), or refused — for a normal mutex too, where
    // POSIX allows the deadlock; an error says more than a hang.
    if m.owner.load(Ordering::Relaxed) == me() && m.count > 0 {
        return match kind {
            KIND_RECURSIVE => {
                m.count += 1;
                0
            }
            _ if try_only => EBUSY,
            _ => EDEADLK,
        };
    }
    if try_only {
        if m.lock.compare_exchange(0, 1, Ordering::Acquire, Ordering::Relaxed).is_err() {
            return EBUSY;
        }
    } else {
        lock_word(&m.lock);
    }
    m.owner.store(me(), Ordering::Relaxed);
    m.count = 1;
    0
}

fn unlock(m: &mut Mutex) -> c_int {
    let kind = m.kind & 3;
    if (kind == KIND_RECURSIVE || kind == KIND_ERRORCHECK) && m.owner.load(Ordering::Relaxed) != me() {
        return EPERM;
    }
    if kind == KIND_RECURSIVE && m.count > 1 {
        m.count -= 1;
        return 0;
    }
    m.count = 0;
    m.owner.store(0, Ordering::Relaxed);
    unlock_word(&m.lock);
    0
}

/// Our view of `pthread_cond_t` (48 bytes): a sequence number bumped by every signal, and the
/// clock of timed waits (CLOCK_REALTIME unless the attribute chose another).
#[repr(C)]
struct Cond {
    seq: AtomicU32,
    clock: c_int,
}

/// Deadline on the monotonic clock for an absolute time `t` on `clock`.
fn deadline(clock: c_int, t: *const libc::timespec) -> Result<u64, c_int> {
    // SAFETY: the caller passes a timespec.
    let t = unsafe { &*t };
    if t.tv_nsec < 0 || t.tv_nsec >= 1_000_000_000 {
        return Err(EINVAL);
    }
    let abs = t.tv_sec as i128 * 1_000_000_000 + t.tv_nsec as i128;
    let mono = crate::kernel::clock::monotonic_ns() as i128;
    let now = if clock == libc::CLOCK_MONOTONIC { mono } else { crate::kernel::clock::realtime_ns() };
    Ok((mono + (abs - now)).max(0) as u64)
}

/// Wait on `c` with `m` held, until a signal or `until` (monotonic ns).
fn cond_wait(c: &Cond, m: &mut Mutex, until: Option<u64>) -> c_int {
    let seq = c.seq.load(Ordering::Acquire);
    let r = unlock(m);
    if r != 0 {
        return r;
    }
    let timed_out = threads::futex_wait(c.seq.as_ptr() as u64, seq, until).is_err_and(|e| e == Errno::ETIMEDOUT);
    // Waiters may be queued on the mutex behind us: take it in the "waiters" state.
    while m.lock.swap(2, Ordering::Acquire) != 0 {
        futex_wait(&m.lock, 2);
    }
    m.owner.store(me(), Ordering::Relaxed);
    m.count = 1;
    if timed_out { ETIMEDOUT } else { 0 }
}

/// A rwlock's state word (first int of the 56-byte `pthread_rwlock_t`): readers holding it, or
/// -1 while a writer does.
///
/// # Safety
/// `l` points to a pthread_rwlock_t.
unsafe fn rw_word<'a>(l: *mut c_void) -> &'a AtomicI32 {
    // SAFETY: the caller's contract; an aligned int inside the object.
    unsafe { AtomicI32::from_ptr(l as *mut i32) }
}

fn rw_wait(w: &AtomicI32, seen: i32) {
    let _ = threads::futex_wait(w.as_ptr() as u64, seen as u32, None);
}

/// Barrier (`pthread_barrier_t`, 32 bytes): the count, arrivals of this round, the round number.
#[repr(C)]
struct Barrier {
    count: u32,
    arrived: AtomicU32,
    round: AtomicU32,
}

crate::libc_fn! {
    /// `int pthread_mutex_init(pthread_mutex_t *, const pthread_mutexattr_t *)`.
    ///
    /// # Safety
    /// `m` points to a pthread_mutex_t; `a` null or a pthread_mutexattr_t.
    fn pthread_mutex_init(m: *mut c_void, a: *const c_int) -> c_int {
        // SAFETY: caller's contract; mutexattr's first int holds the kind (our own layout).
        unsafe {
            core::ptr::write_bytes(m as *mut u8, 0, 40);
            mutex(m).kind = if a.is_null() { 0 } else { *a };
        }
        0
    }

    /// `int pthread_mutex_destroy(pthread_mutex_t *)`.
    ///
    /// # Safety
    /// `m` points to a mutex.
    fn pthread_mutex_destroy(m: *mut c_void) -> c_int {
        // SAFETY: caller's contract.
        if unsafe { mutex(m) }.lock.load(Ordering::Relaxed) != 0 { EBUSY } else { 0 }
    }

    /// `int pthread_mutex_lock(pthread_mutex_t *)`: blocks while another thread holds it.
    /// The owner locking again: counted (recursive), else EDEADLK (error-checking and normal).
    ///
    /// # Safety
    /// `m` points to a mutex.
    fn pthread_mutex_lock(m: *mut c_void) -> c_int {
        // SAFETY: caller's contract.
        lock(unsafe { mutex(m) }, false)
    }

    /// `int pthread_mutex_trylock(pthread_mutex_t *)`.
    ///
    /// # Safety
    /// `m` points to a mutex.
    fn pthread_mutex_trylock(m: *mut c_void) -> c_int {
        // SAFETY: caller's contract.
        lock(unsafe { mutex(m) }, true)
    }

    /// `int pthread_mutex_unlock(pthread_mutex_t *)`: wakes one waiter.
    /// EPERM when a recursive or error-checking mutex is not the caller's.
    ///
    /// # Safety
    /// `m` points to a mutex.
    fn pthread_mutex_unlock(m: *mut c_void) -> c_int {
        // SAFETY: caller's contract.
        unlock(unsafe { mutex(m) })
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

    /// `int pthread_cond_init(pthread_cond_t *, const pthread_condattr_t *)`.
    ///
    /// # Safety
    /// `c` points to a pthread_cond_t; `a` null or a pthread_condattr_t.
    fn pthread_cond_init(c: *mut c_void, a: *const c_int) -> c_int {
        // SAFETY: caller's contract (48 bytes); condattr's first int holds the clock (our layout).
        unsafe {
            core::ptr::write_bytes(c as *mut u8, 0, 48);
            (*(c as *mut Cond)).clock = if a.is_null() { libc::CLOCK_REALTIME } else { *a };
        }
        0
    }

    /// `int pthread_cond_destroy(pthread_cond_t *)`.
    ///
    /// # Safety
    /// Always safe.
    fn pthread_cond_destroy(_c: *mut c_void) -> c_int { 0 }

    /// `int pthread_cond_wait(pthread_cond_t *, pthread_mutex_t *)`.
    ///
    /// # Safety
    /// `c` a condition variable, `m` a mutex the caller holds.
    fn pthread_cond_wait(c: *mut c_void, m: *mut c_void) -> c_int {
        // SAFETY: caller's contract.
        unsafe { cond_wait(&*(c as *const Cond), mutex(m), None) }
    }

    /// `int pthread_cond_timedwait(pthread_cond_t *, pthread_mutex_t *, const struct timespec *)`.
    /// The absolute time is on the condition's clock (CLOCK_REALTIME by default).
    ///
    /// # Safety
    /// As pthread_cond_wait; `t` a timespec.
    fn pthread_cond_timedwait(c: *mut c_void, m: *mut c_void, t: *const libc::timespec) -> c_int {
        // SAFETY: caller's contract.
        let c = unsafe { &*(c as *const Cond) };
        match deadline(c.clock, t) {
            // SAFETY: caller's contract.
            Ok(until) => cond_wait(c, unsafe { mutex(m) }, Some(until)),
            Err(e) => e,
        }
    }

    /// `int pthread_cond_signal(pthread_cond_t *)`: wake one waiter.
    ///
    /// # Safety
    /// `c` a condition variable.
    fn pthread_cond_signal(c: *mut c_void) -> c_int {
        // SAFETY: caller's contract.
        let c = unsafe { &*(c as *const Cond) };
        c.seq.fetch_add(1, Ordering::Release);
        futex_wake(&c.seq, 1);
        0
    }

    /// `int pthread_cond_broadcast(pthread_cond_t *)`: wake every waiter.
    ///
    /// # Safety
    /// `c` a condition variable.
    fn pthread_cond_broadcast(c: *mut c_void) -> c_int {
        // SAFETY: caller's contract.
        let c = unsafe { &*(c as *const Cond) };
        c.seq.fetch_add(1, Ordering::Release);
        futex_wake(&c.seq, u32::MAX);
        0
    }

    /// `int pthread_condattr_init(pthread_condattr_t *)`: CLOCK_REALTIME.
    ///
    /// # Safety
    /// `a` points to a pthread_condattr_t.
    fn pthread_condattr_init(a: *mut c_int) -> c_int {
        // SAFETY: caller's contract.
        unsafe { *a = libc::CLOCK_REALTIME };
        0
    }

    /// `int pthread_condattr_setclock(pthread_condattr_t *, clockid_t)`.
    ///
    /// # Safety
    /// `a` points to a pthread_condattr_t.
    fn pthread_condattr_setclock(a: *mut c_int, clock: c_int) -> c_int {
        if clock != libc::CLOCK_REALTIME && clock != libc::CLOCK_MONOTONIC {
            return EINVAL;
        }
        // SAFETY: caller's contract.
        unsafe { *a = clock };
        0
    }

    /// `int pthread_condattr_destroy(pthread_condattr_t *)`.
    ///
    /// # Safety
    /// Always safe.
    fn pthread_condattr_destroy(_a: *mut c_int) -> c_int { 0 }

    /// `int pthread_rwlock_init(pthread_rwlock_t *, const pthread_rwlockattr_t *)`.
    ///
    /// # Safety
    /// `l` points to a pthread_rwlock_t (56 bytes).
    fn pthread_rwlock_init(l: *mut c_void, _a: *const c_void) -> c_int {
        // SAFETY: caller's contract.
        unsafe { core::ptr::write_bytes(l as *mut u8, 0, 56) };
        0
    }

    /// `int pthread_rwlock_destroy(pthread_rwlock_t *)`.
    ///
    /// # Safety
    /// Always safe.
    fn pthread_rwlock_destroy(_l: *mut c_void) -> c_int { 0 }

    /// `int pthread_rwlock_rdlock(pthread_rwlock_t *)`: shared with readers, waits for a writer.
    ///
    /// # Safety
    /// `l` points to a pthread_rwlock_t.
    fn pthread_rwlock_rdlock(l: *mut c_void) -> c_int {
        // SAFETY: caller's contract.
        let w = unsafe { rw_word(l) };
        loop {
            let v = w.load(Ordering::Relaxed);
            if v >= 0 {
                if w.compare_exchange_weak(v, v + 1, Ordering::Acquire, Ordering::Relaxed).is_ok() {
                    return 0;
                }
            } else {
                rw_wait(w, v);
            }
        }
    }

    /// `int pthread_rwlock_wrlock(pthread_rwlock_t *)`: waits until nobody holds it.
    ///
    /// # Safety
    /// `l` points to a pthread_rwlock_t.
    fn pthread_rwlock_wrlock(l: *mut c_void) -> c_int {
        // SAFETY: caller's contract.
        let w = unsafe { rw_word(l) };
        loop {
            match w.compare_exchange(0, -1, Ordering::Acquire, Ordering::Relaxed) {
                Ok(_) => return 0,
                Err(v) => rw_wait(w, v),
            }
        }
    }

    /// `int pthread_rwlock_unlock(pthread_rwlock_t *)`.
    ///
    /// # Safety
    /// `l` points to a pthread_rwlock_t.
    fn pthread_rwlock_unlock(l: *mut c_void) -> c_int {
        // SAFETY: caller's contract.
        let w = unsafe { rw_word(l) };
        let v = w.load(Ordering::Relaxed);
        let left = if v == -1 {
            w.store(0, Ordering::Release);
            0
        } else if v > 0 {
            w.fetch_sub(1, Ordering::Release) - 1
        } else {
            return EPERM;
        };
        if left == 0 {
            threads::futex_wake(w.as_ptr() as u64, u32::MAX);
        }
        0
    }

    /// `int pthread_barrier_init(pthread_barrier_t *, const pthread_barrierattr_t *, unsigned)`.
    ///
    /// # Safety
    /// `b` points to a pthread_barrier_t (32 bytes).
    fn pthread_barrier_init(b: *mut c_void, _a: *const c_void, count: u32) -> c_int {
        if count == 0 {
            return EINVAL;
        }
        // SAFETY: caller's contract.
        unsafe {
            core::ptr::write_bytes(b as *mut u8, 0, 32);
            (*(b as *mut Barrier)).count = count;
        }
        0
    }

    /// `int pthread_barrier_destroy(pthread_barrier_t *)`.
    ///
    /// # Safety
    /// Always safe.
    fn pthread_barrier_destroy(_b: *mut c_void) -> c_int { 0 }

    /// `int pthread_barrier_wait(pthread_barrier_t *)`: waits for the round's last arrival.
    /// That one returns PTHREAD_BARRIER_SERIAL_THREAD (-1) and releases the others (0).
    ///
    /// # Safety
    /// `b` an initialised barrier.
    fn pthread_barrier_wait(b: *mut c_void) -> c_int {
        // SAFETY: caller's contract.
        let b = unsafe { &*(b as *const Barrier) };
        // Every thread of this round read the round number after the previous round ended.
        let round = b.round.load(Ordering::Acquire);
        if b.arrived.fetch_add(1, Ordering::AcqRel) + 1 == b.count {
            b.arrived.store(0, Ordering::Relaxed);
            b.round.fetch_add(1, Ordering::Release);
            futex_wake(&b.round, u32::MAX);
            return -1;
        }
        while b.round.load(Ordering::Acquire) == round {
            futex_wait(&b.round, round);
        }
        0
    }

    /// `int pthread_spin_init(pthread_spinlock_t *, int)`.
    ///
    /// # Safety
    /// `l` points to a pthread_spinlock_t.
    fn pthread_spin_init(l: *mut c_int, _shared: c_int) -> c_int {
        // SAFETY: caller's contract.
        unsafe { *l = 0 };
        0
    }

    /// `int pthread_spin_destroy(pthread_spinlock_t *)`.
    ///
    /// # Safety
    /// Always safe.
    fn pthread_spin_destroy(_l: *mut c_int) -> c_int { 0 }

    /// `int pthread_spin_lock(pthread_spinlock_t *)`: spins, yielding every 1000 tries.
    /// A holder waiting for a CPU (more threads than CPUs: nothing preempts) thus gets one.
    ///
    /// # Safety
    /// `l` points to a pthread_spinlock_t.
    fn pthread_spin_lock(l: *mut c_int) -> c_int {
        // SAFETY: caller's contract: an aligned int.
        let w = unsafe { AtomicI32::from_ptr(l) };
        let mut tries = 0u32;
        while w.compare_exchange_weak(0, 1, Ordering::Acquire, Ordering::Relaxed).is_err() {
            tries += 1;
            if tries.is_multiple_of(1000) {
                threads::yield_now();
            }
            core::hint::spin_loop();
        }
        0
    }

    /// `int pthread_spin_trylock(pthread_spinlock_t *)`.
    ///
    /// # Safety
    /// `l` points to a pthread_spinlock_t.
    fn pthread_spin_trylock(l: *mut c_int) -> c_int {
        // SAFETY: caller's contract.
        let w = unsafe { AtomicI32::from_ptr(l) };
        if w.compare_exchange(0, 1, Ordering::Acquire, Ordering::Relaxed).is_ok() { 0 } else { EBUSY }
    }

    /// `int pthread_spin_unlock(pthread_spinlock_t *)`.
    ///
    /// # Safety
    /// `l` points to a held pthread_spinlock_t.
    fn pthread_spin_unlock(l: *mut c_int) -> c_int {
        // SAFETY: caller's contract.
        unsafe { AtomicI32::from_ptr(l) }.store(0, Ordering::Release);
        0
    }
}
