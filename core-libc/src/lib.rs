//! core-libc: the C library of the unikernel, the libc ABI that Rust std, libstdc++ and LLVM link
//! against, on core-rt's machine. One module per header; the variadic functions are in the C shim
//! (`shim/*.c`, built by build.rs). Functions are written with [`libc_fn!`], which gives them the C
//! ABI and registers them in the symbol registry (`symbol-registry`) and, when the `export-libc`
//! feature is on (the kernel build), their unmangled C name. Host tests leave the feature off and
//! compare these functions with glibc's. Everything the libc needs from the kernel goes through
//! [`kernel`].
#![cfg_attr(not(test), no_std)]

extern crate alloc;

#[macro_use]
mod macros;
pub mod assert;
pub mod compat;
pub mod ctype;
mod decimal;
pub mod dirent;
pub mod dl;
pub mod errno;
pub mod fcntl;
pub mod fortify;
pub mod iconv;
pub mod intl;
pub mod kernel;
pub mod locale;
pub mod malloc;
pub mod math;
pub mod mman;
pub mod process;
pub mod pthread;
pub mod setjmp;
pub mod signal;
pub mod stat;
pub mod stdio;
pub mod stdlib_num;
pub mod strerror;
pub mod string;
pub mod sysinfo;
#[cfg(test)]
mod testkit;
pub mod thread;
pub mod time;
pub mod time_fmt;
pub mod unistd;
pub mod wchar;

pub use errno::Errno;
