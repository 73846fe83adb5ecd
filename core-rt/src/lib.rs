//! core-rt: the machine as a library. Linked into the `bareflow` program in place of glibc, it
//! brings up x86-64 (boot hand-off, paging, interrupts, timers) and exports the libc ABI that
//! Rust std, libstdc++ and LLVM call. Host unit tests build it with `std` to compare with glibc.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

pub mod arch;
pub mod backtrace;
pub mod boot_info;
pub mod console;
pub mod dev;
pub mod fs;
pub mod image;
pub mod libc;
pub mod mem;
pub mod rtapi;
pub mod runtime;
#[cfg(all(feature = "standalone", not(test)))]
mod standalone;
pub mod symmap;
pub mod time;
pub mod util;
