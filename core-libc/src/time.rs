//! <time.h>, <sys/time.h>: clocks from the TSC (monotonic since boot; real time from the RTC),
//! and sleeping by halting until the timer interrupt.

use crate::Errno;
use crate::kernel::clock as time;
use core::ffi::c_int;

fn timespec(ns: i128) -> libc::timespec {
    libc::timespec { tv_sec: ns.div_euclid(1_000_000_000) as i64, tv_nsec: ns.rem_euclid(1_000_000_000) as i64 }
}

fn clock_ns(clock: c_int) -> Result<i128, Errno> {
    match clock {
        libc::CLOCK_REALTIME | libc::CLOCK_REALTIME_COARSE => Ok(time::realtime_ns()),
        libc::CLOCK_MONOTONIC
        | libc::CLOCK_MONOTONIC_RAW
        | libc::CLOCK_MONOTONIC_COARSE
        | libc::CLOCK_BOOTTIME
        | libc::CLOCK_PROCESS_CPUTIME_ID
        | libc::CLOCK_THREAD_CPUTIME_ID => Ok(time::monotonic_ns() as i128),
        _ => Err(Errno::EINVAL),
    }
}

/// Sleep `ns` nanoseconds: the thread blocks (its CPU runs other threads or halts) until the
/// last timer tick before the end, then spins for the remainder. Before the scheduler runs, the
/// boot CPU halts between its timer ticks instead (the other CPUs have no tick: they never halt
/// here).
fn sleep_ns(ns: u64) {
    let end = time::monotonic_ns().saturating_add(ns);
    let tick = 1_000_000_000 / crate::kernel::clock::TIMER_HZ as u64;
    let threads = crate::kernel::threads::libc_word().is_some();
    loop {
        let left = end.saturating_sub(time::monotonic_ns());
        if left == 0 {
            break;
        }
        if left > tick {
            if threads {
                crate::kernel::threads::sleep(left - tick);
            } else {
                crate::kernel::clock::halt();
            }
        } else {
            crate::kernel::clock::pause();
        }
    }
}

crate::libc_fn! {
    /// `int clock_gettime(clockid_t, struct timespec *)`. CPU-time clocks equal the monotonic
    /// clock: the program is the only thing that runs.
    ///
    /// # Safety
    /// `ts` writable.
    fn clock_gettime(clock: c_int, ts: *mut libc::timespec) -> c_int = -1; {
        let ns = clock_ns(clock)?;
        if ts.is_null() {
            return Err(Errno::EFAULT);
        }
        // SAFETY: caller's contract, checked non-null.
        unsafe { ts.write(timespec(ns)) };
        Ok(0)
    }

    /// `int clock_getres(clockid_t, struct timespec *)`: 1 ns (TSC-based).
    ///
    /// # Safety
    /// `ts` null or writable.
    fn clock_getres(clock: c_int, ts: *mut libc::timespec) -> c_int = -1; {
        clock_ns(clock)?;
        if !ts.is_null() {
            // SAFETY: caller's contract.
            unsafe { ts.write(libc::timespec { tv_sec: 0, tv_nsec: 1 }) };
        }
        Ok(0)
    }

    /// `int gettimeofday(struct timeval *, void *)`.
    ///
    /// # Safety
    /// `tv` null or writable.
    fn gettimeofday(tv: *mut libc::timeval, _tz: *mut core::ffi::c_void) -> c_int = -1; {
        if !tv.is_null() {
            let ns = time::realtime_ns();
            // SAFETY: caller's contract.
            unsafe {
                tv.write(libc::timeval { tv_sec: (ns / 1_000_000_000) as i64, tv_usec: ((ns % 1_000_000_000) / 1000) as i64 })
            };
        }
        Ok(0)
    }

    /// `time_t time(time_t *)`.
    ///
    /// # Safety
    /// `t` null or writable.
    fn time(t: *mut i64) -> i64 {
        let s = (time::realtime_ns() / 1_000_000_000) as i64;
        if !t.is_null() {
            // SAFETY: caller's contract.
            unsafe { *t = s };
        }
        s
    }

    /// `clock_t clock(void)`: processor time in CLOCKS_PER_SEC (10^6) units.
    ///
    /// # Safety
    /// Always safe.
    fn clock() -> i64 {
        (time::monotonic_ns() / 1000) as i64
    }

    /// `int nanosleep(const struct timespec *, struct timespec *)`.
    ///
    /// # Safety
    /// `req` readable, `rem` null or writable.
    fn nanosleep(req: *const libc::timespec, rem: *mut libc::timespec) -> c_int = -1; {
        if req.is_null() {
            return Err(Errno::EFAULT);
        }
        // SAFETY: caller's contract.
        let r = unsafe { *req };
        if r.tv_sec < 0 || !(0..1_000_000_000).contains(&r.tv_nsec) {
            return Err(Errno::EINVAL);
        }
        sleep_ns((r.tv_sec as u64).saturating_mul(1_000_000_000).saturating_add(r.tv_nsec as u64));
        if !rem.is_null() {
            // SAFETY: caller's contract.
            unsafe { rem.write(libc::timespec { tv_sec: 0, tv_nsec: 0 }) };
        }
        Ok(0)
    }

    /// `int clock_nanosleep(clockid_t, int, const struct timespec *, struct timespec *)`;
    /// returns an error number.
    ///
    /// # Safety
    /// As nanosleep.
    fn clock_nanosleep(clock: c_int, flags: c_int, req: *const libc::timespec, _rem: *mut libc::timespec) -> c_int {
        let Ok(now) = clock_ns(clock) else { return Errno::EINVAL as c_int };
        if req.is_null() {
            return Errno::EFAULT as c_int;
        }
        // SAFETY: caller's contract.
        let r = unsafe { *req };
        let want = r.tv_sec as i128 * 1_000_000_000 + r.tv_nsec as i128;
        let ns = if flags & libc::TIMER_ABSTIME != 0 { want - now } else { want };
        sleep_ns(ns.max(0) as u64);
        0
    }

    /// `int usleep(useconds_t)`.
    ///
    /// # Safety
    /// Always safe.
    fn usleep(us: u32) -> c_int {
        sleep_ns(us as u64 * 1000);
        0
    }

    /// `unsigned sleep(unsigned)`.
    ///
    /// # Safety
    /// Always safe.
    fn sleep(s: u32) -> u32 {
        sleep_ns(s as u64 * 1_000_000_000);
        0
    }
}
