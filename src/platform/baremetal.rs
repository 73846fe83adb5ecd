//! Kernel build: core-rt (the machine), core-libc (the libc ABI) and boot (the entry code) are
//! linked in; core-rt has already run the start sequence when `main` is called.

use bareflow_boot as boot;
use core_libc as _;

/// Keep the boot crate's object (headers, entry) in the link. core-libc's `dlsym` finds the
/// program's own symbols in the symbol registry (there is no dynamic symbol table to search).
pub fn init() {
    std::hint::black_box(boot::entry_address());
}

/// Leave with `code` through libc's exit (handlers, flush, then QEMU's exit device).
pub fn exit(code: i32) -> ! {
    std::process::exit(code)
}

/// Record a boot milestone (printed in core-rt's boot breakdown).
pub fn boot_mark(what: &str) {
    core_rt::runtime::boot_mark(what);
}

/// CPUs online (the boot CPU and every other one core-rt started at boot).
pub fn cpus_online() -> usize {
    core_rt::arch::cpu::smp::online()
}

/// core-rt's scheduler does not account CPU time per thread.
pub fn thread_cpu() -> Option<std::time::Duration> {
    None
}
