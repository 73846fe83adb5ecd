//! The libc-ABI layer: every C-named function core-rt exports, grouped by header, one module each.
//! Functions are written with [`libc_fn!`], which gives them the C ABI and, when the `export-libc`
//! feature is on (the kernel build), their unmangled C name. Host tests leave the feature off and
//! compare these functions with glibc's.

#[macro_use]
mod macros;
pub mod assert;
pub mod compat;
pub mod ctype;
pub mod dirent;
pub mod dl;
pub mod errno;
pub mod fcntl;
pub mod fortify;
pub mod iconv;
pub mod intl;
pub mod locale;
pub mod malloc;
pub mod math;
pub mod mman;
pub mod process;
pub mod pthread;
pub mod signal;
pub mod stat;
pub mod stdio;
pub mod stdlib_num;
pub mod strerror;
pub mod string;
pub mod sysinfo;
#[cfg(test)]
mod testkit;
pub mod time;
pub mod time_fmt;
pub mod unistd;
pub mod wchar;

pub use errno::Errno;
