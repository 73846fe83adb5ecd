//! Linux process: glibc already did everything.

/// Nothing to set up on Linux.
pub fn init() {}

/// Leave with `code` as the process exit status.
pub fn exit(code: i32) -> ! {
    std::process::exit(code)
}

/// Boot milestones exist only on bare metal.
pub fn boot_mark(_what: &str) {}

/// CPUs this process may run on (its affinity mask, cgroup quota; at least 1).
pub fn cpus_online() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The calling thread's CPU time (user + system).
pub fn thread_cpu() -> Option<std::time::Duration> {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec for the duration of the call.
    let r = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    (r == 0).then(|| std::time::Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
}
