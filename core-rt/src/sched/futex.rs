//! Futex-like wait and wake on a 32-bit word, the one blocking primitive under the C library's
//! mutexes, condition variables, joins and sleeps (and Rust std's, through `syscall(SYS_futex)`).
//! A wait checks the word under the scheduler's lock, so a wake after the word changed cannot be
//! missed; waiters are keyed by the word's address.

use super::{Errno, SCHED, Waiter, current, switch_to_idle, wake_cpu};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::Ordering;

/// Block the running thread on `key` (0: just sleep) until woken or until `deadline`
/// (monotonic ns). With `check = Some(v)`, block only while the u32 at `key` still holds `v`
/// (else `EAGAIN`). `ETIMEDOUT` when the deadline ended the wait.
pub(super) fn block(key: u64, check: Option<u32>, deadline: Option<u64>) -> Result<(), Errno> {
    let t = current();
    {
        let mut s = SCHED.lock();
        if let Some(v) = check {
            // SAFETY: the caller of `wait` passes the address of a live u32 futex word.
            if unsafe { core::ptr::read_volatile(key as *const u32) } != v {
                return Err(Errno::EAGAIN);
            }
        }
        t.woken.store(false, Ordering::Relaxed);
        if let Some(d) = deadline {
            super::EARLIEST_DEADLINE.fetch_min(d, Ordering::Relaxed);
        }
        s.waiters.push(Waiter { key, thread: t.clone(), deadline });
    }
    let raw = Arc::as_ptr(&t);
    drop(t);
    // SAFETY: the waiter list (then the ready queue) holds a reference while it is switched out.
    let t = unsafe { &*raw };
    switch_to_idle(t);
    if t.woken.load(Ordering::Acquire) { Ok(()) } else { Err(Errno::ETIMEDOUT) }
}

/// Wait while the u32 at `addr` equals `expected`, until a [`wake`] on `addr` or `deadline`.
///
/// Errors: `EAGAIN` (the word differed), `ETIMEDOUT`.
pub fn wait(addr: u64, expected: u32, deadline: Option<u64>) -> Result<(), Errno> {
    if addr == 0 || !addr.is_multiple_of(4) {
        return Err(Errno::EINVAL);
    }
    block(addr, Some(expected), deadline)
}

/// Wake up to `n` threads waiting on `addr`; returns how many were woken.
pub fn wake(addr: u64, n: u32) -> u32 {
    if addr == 0 {
        return 0; // key 0 is the sleepers'
    }
    let mut woken = 0;
    let mut cpus = Vec::new();
    {
        let mut s = SCHED.lock();
        let mut i = 0;
        while i < s.waiters.len() && woken < n {
            if s.waiters[i].key == addr {
                let w = s.waiters.remove(i);
                w.thread.woken.store(true, Ordering::Release);
                cpus.extend(s.make_ready(w.thread));
                woken += 1;
            } else {
                i += 1;
            }
        }
    }
    wake_cpu(cpus);
    woken
}
