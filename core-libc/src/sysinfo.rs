//! System information: sysconf, getauxval, uname, resource limits and usage, and the generic
//! `syscall()` entry (variadic in C: the shim calls [`core_rt_syscall`]).

use crate::Errno;
use core::ffi::{c_char, c_int, c_long, c_ulong, c_void};

const PAGE: c_long = 4096;

static STACK_LIMIT: spin::Mutex<libc::rlimit> = spin::Mutex::new(libc::rlimit { rlim_cur: 8 << 20, rlim_max: 8 << 20 });

fn copy_field(dst: &mut [c_char], s: &str) {
    for (d, b) in dst.iter_mut().zip(s.bytes().chain(core::iter::once(0))) {
        *d = b as c_char;
    }
}

crate::libc_fn! {
    /// `long sysconf(int)`: page size, the CPUs online, clock ticks, signal stack sizes, memory size.
    ///
    /// # Safety
    /// Always safe.
    fn sysconf(name: c_int) -> c_long = -1; {
        Ok(match name {
            libc::_SC_PAGESIZE => PAGE,
            libc::_SC_NPROCESSORS_ONLN | libc::_SC_NPROCESSORS_CONF => crate::kernel::cpus::online() as c_long,
            libc::_SC_CLK_TCK => 100,
            libc::_SC_OPEN_MAX => 1024,
            libc::_SC_ARG_MAX => 128 * 1024,
            libc::_SC_PHYS_PAGES => (crate::kernel::memory::heap::stats().arena as c_long) / PAGE,
            libc::_SC_AVPHYS_PAGES => {
                let s = crate::kernel::memory::heap::stats();
                ((s.arena - s.in_use) as c_long) / PAGE
            }
            250 /* _SC_SIGSTKSZ */ => 16384,
            249 /* _SC_MINSIGSTKSZ */ => 2048,
            libc::_SC_GETPW_R_SIZE_MAX | libc::_SC_GETGR_R_SIZE_MAX => return Ok(-1),
            libc::_SC_HOST_NAME_MAX => 64,
            libc::_SC_LINE_MAX => 2048,
            _ => return Err(Errno::EINVAL),
        })
    }

    /// `int getpagesize(void)`.
    ///
    /// # Safety
    /// Always safe.
    fn getpagesize() -> c_int { PAGE as c_int }

    /// `int get_nprocs(void)`.
    ///
    /// # Safety
    /// Always safe.
    fn get_nprocs() -> c_int { 1 }

    /// `int get_nprocs_conf(void)`.
    ///
    /// # Safety
    /// Always safe.
    fn get_nprocs_conf() -> c_int { 1 }

    /// `unsigned long getauxval(unsigned long)`: AT_PAGESZ, AT_HWCAP (CPUID.1:EDX, as Linux
    /// reports it), AT_MINSIGSTKSZ, AT_CLKTCK, AT_SECURE; ENOENT for the rest.
    ///
    /// # Safety
    /// Always safe.
    fn getauxval(t: c_ulong) -> c_ulong = 0; {
        Ok(match t {
            libc::AT_PAGESZ => PAGE as c_ulong,
            libc::AT_CLKTCK => 100,
            libc::AT_SECURE | libc::AT_UID | libc::AT_EUID | libc::AT_GID | libc::AT_EGID => 0,
            libc::AT_HWCAP => core::arch::x86_64::__cpuid(1).edx as c_ulong,
            libc::AT_MINSIGSTKSZ => 2048,
            _ => return Err(Errno::ENOENT),
        })
    }

    /// `int uname(struct utsname *)`.
    ///
    /// # Safety
    /// `u` writable.
    fn uname(u: *mut libc::utsname) -> c_int = -1; {
        if u.is_null() {
            return Err(Errno::EFAULT);
        }
        // SAFETY: caller's contract; utsname is plain arrays.
        let u = unsafe { &mut *u };
        copy_field(&mut u.sysname, "BareFlow");
        copy_field(&mut u.nodename, "bareflow");
        copy_field(&mut u.release, env!("CARGO_PKG_VERSION"));
        copy_field(&mut u.version, "core-rt");
        copy_field(&mut u.machine, "x86_64");
        copy_field(&mut u.domainname, "");
        Ok(0)
    }

    /// `int getrlimit(int, struct rlimit *)`: the stack limit is the main stack's size; others
    /// are unlimited.
    ///
    /// # Safety
    /// `r` writable.
    fn getrlimit(res: c_int, r: *mut libc::rlimit) -> c_int = -1; {
        if r.is_null() {
            return Err(Errno::EFAULT);
        }
        let v = match res as u32 {
            libc::RLIMIT_STACK => *STACK_LIMIT.lock(),
            libc::RLIMIT_NOFILE => libc::rlimit { rlim_cur: 1024, rlim_max: 1024 },
            x if x < 16 /* RLIM_NLIMITS */ => libc::rlimit { rlim_cur: libc::RLIM_INFINITY, rlim_max: libc::RLIM_INFINITY },
            _ => return Err(Errno::EINVAL),
        };
        // SAFETY: caller's contract.
        unsafe { r.write(v) };
        Ok(0)
    }

    /// `int setrlimit(int, const struct rlimit *)`: lowering is accepted (remembered for
    /// RLIMIT_STACK), raising above the maximum is EPERM.
    ///
    /// # Safety
    /// `r` readable.
    fn setrlimit(res: c_int, r: *const libc::rlimit) -> c_int = -1; {
        if r.is_null() {
            return Err(Errno::EFAULT);
        }
        // SAFETY: caller's contract.
        let v = unsafe { *r };
        if v.rlim_cur > v.rlim_max {
            return Err(Errno::EINVAL);
        }
        if res as u32 == libc::RLIMIT_STACK {
            let mut cur = STACK_LIMIT.lock();
            if v.rlim_max > cur.rlim_max {
                return Err(Errno::EPERM);
            }
            *cur = v;
        }
        Ok(0)
    }

    /// `int getrusage(int, struct rusage *)`: user time = time since boot, max RSS = heap peak.
    ///
    /// # Safety
    /// `u` writable.
    fn getrusage(_who: c_int, u: *mut libc::rusage) -> c_int = -1; {
        if u.is_null() {
            return Err(Errno::EFAULT);
        }
        let ns = crate::kernel::clock::monotonic_ns();
        // SAFETY: plain data, zero is valid.
        let mut r: libc::rusage = unsafe { core::mem::zeroed() };
        r.ru_utime = libc::timeval { tv_sec: (ns / 1_000_000_000) as i64, tv_usec: ((ns % 1_000_000_000) / 1000) as i64 };
        r.ru_maxrss = (crate::kernel::memory::heap::stats().peak / 1024) as i64;
        // SAFETY: caller's contract.
        unsafe { u.write(r) };
        Ok(0)
    }

    /// `long syscall(long, ...)` behind the C shim: the few numbers Rust std and LLVM use.
    /// Unknown numbers print once and fail with ENOSYS.
    ///
    /// # Safety
    /// Arguments as the named system call expects.
    bridge fn core_rt_syscall(n: c_long, a1: c_long, a2: c_long, a3: c_long, a4: c_long, a5: c_long, _a6: c_long) -> c_long = -1; {
        // SAFETY: (all arms) arguments are forwarded with the system call's own contract.
        unsafe {
            match n {
                libc::SYS_getrandom => Ok(super::process::getrandom(a1 as *mut c_void, a2 as usize, a3 as u32) as c_long),
                libc::SYS_getpid => Ok(1),
                libc::SYS_gettid => Ok(crate::kernel::threads::current_id() as c_long),
                libc::SYS_write => Ok(super::unistd::write(a1 as c_int, a2 as *const c_void, a3 as usize) as c_long),
                libc::SYS_read => Ok(super::unistd::read(a1 as c_int, a2 as *mut c_void, a3 as usize) as c_long),
                libc::SYS_clock_gettime => Ok(super::time::clock_gettime(a1 as c_int, a2 as *mut libc::timespec) as c_long),
                libc::SYS_statx => Ok(super::stat::statx(a1 as c_int, a2 as *const c_char, a3 as c_int, a4 as u32, a5 as *mut libc::statx) as c_long),
                libc::SYS_futex => futex(a1 as *const u32, a2 as c_int, a3 as u32, a4 as *const libc::timespec),
                _ => {
                    report_syscall(n);
                    Err(Errno::ENOSYS)
                }
            }
        }
    }
}

/// futex(2) on the kernel's wait/wake: WAIT (relative time-out), WAIT_BITSET (absolute, on the
/// monotonic clock unless FUTEX_CLOCK_REALTIME; the bitset must be all ones), WAKE and WAKE_BITSET
/// (likewise). Private and shared futexes are the same here (one address space).
///
/// # Safety
/// `addr` is an aligned, readable u32; `timeout` null or a timespec.
unsafe fn futex(addr: *const u32, op: c_int, val: u32, timeout: *const libc::timespec) -> Result<c_long, Errno> {
    use crate::kernel::{clock, threads};
    let until = |absolute: bool| -> Result<Option<u64>, Errno> {
        if timeout.is_null() {
            return Ok(None);
        }
        // SAFETY: caller's contract.
        let t = unsafe { &*timeout };
        if t.tv_sec < 0 || !(0..1_000_000_000).contains(&t.tv_nsec) {
            return Err(Errno::EINVAL);
        }
        let ns = t.tv_sec as i128 * 1_000_000_000 + t.tv_nsec as i128;
        let mono = clock::monotonic_ns() as i128;
        let at = match (absolute, op & libc::FUTEX_CLOCK_REALTIME != 0) {
            (false, _) => mono + ns,
            (true, false) => ns,
            (true, true) => mono + (ns - clock::realtime_ns()),
        };
        Ok(Some(at.max(0) as u64))
    };
    match op & 0x7f {
        libc::FUTEX_WAKE | libc::FUTEX_WAKE_BITSET => Ok(threads::futex_wake(addr as u64, val) as c_long),
        libc::FUTEX_WAIT => threads::futex_wait(addr as u64, val, until(false)?).map(|()| 0),
        libc::FUTEX_WAIT_BITSET => threads::futex_wait(addr as u64, val, until(true)?).map(|()| 0),
        _ => Err(Errno::ENOSYS),
    }
}

fn report_syscall(n: c_long) {
    static SEEN: spin::Mutex<[bool; 512]> = spin::Mutex::new([false; 512]);
    let first =
        usize::try_from(n).ok().filter(|&i| i < 512).is_none_or(|i| !core::mem::replace(&mut SEEN.lock()[i], true));
    if first {
        crate::kernel::kprintln!("core-rt: stub syscall({n}) called (not supported on bare metal)");
    }
}

crate::libc_fn! {
    /// `void *__tls_get_addr(tls_index *)`: the address of a TLS variable of module 1 (the only
    /// module) at `offset` in the calling thread's TLS block.
    ///
    /// # Safety
    /// `ti` points to a `{module, offset}` pair emitted by the linker.
    fn __tls_get_addr(ti: *const [u64; 2]) -> *mut c_void {
        let b = crate::kernel::image::tls_block().expect("__tls_get_addr before TLS set-up");
        // SAFETY: caller's contract.
        let off = unsafe { (*ti)[1] };
        // Every thread's block has the main thread's size and sits just below its thread pointer.
        (crate::kernel::threads::thread_pointer() - b.size + off) as *mut c_void
    }
}
