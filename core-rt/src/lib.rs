//! core-rt: the machine as a library. Linked into the `bareflow` program with its C library
//! (core-libc) in place of glibc, it brings up x86-64 (boot hand-off, paging, interrupts, timers),
//! owns memory, the devices, the files and the console, and runs the start sequence up to the
//! program's `main`. It exports runtime.h (`rtapi`); the libc ABI is core-libc's, which reaches
//! core-rt through `core_libc::kernel`. Host unit tests build it with `std`.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

pub mod arch;
pub mod backtrace;
pub mod boot_info;
pub mod console;
pub mod dev;
pub mod errno;
pub mod fs;
pub mod image;
pub mod mem;
pub mod rtapi;
pub mod runtime;
pub mod sched;
#[cfg(all(feature = "standalone", not(test)))]
mod standalone;
pub mod symmap;
pub mod time;
pub mod util;
