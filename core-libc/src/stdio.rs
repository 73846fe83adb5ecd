//! `<stdio.h>`: FILE streams and the printf/scanf engines behind the C shim.

pub(crate) mod bigint;
pub(crate) mod float_dec;
pub mod printf;
mod printf_float;
pub mod scanf;
#[cfg(test)]
mod scanf_tests;

mod file;
pub mod io;
#[cfg(test)]
mod printf_tests;
mod shim_api;
#[cfg(test)]
mod stream_tests;
pub(crate) mod sys;
mod wide;

pub use file::File;
pub use io::*;

use core::cell::UnsafeCell;

/// A C global mutated in place (`stdout`, `strtok`'s save pointer): as in C, the program's
/// threads do not change one at the same time (`strtok` is not thread-safe in C either).
/// `repr(transparent)` so a `#[no_mangle]` one is laid out as the bare C object.
#[repr(transparent)]
pub struct SyncCell<T>(UnsafeCell<T>);

// SAFETY: what C allows: a stream pointer such as `stdout` is assigned (freopen) by a program
// that no other thread is using it in, and functions whose state lives in one (`strtok`) are not
// thread-safe in C either; the list of open streams has its own lock (stdio/file.rs). Host tests
// only use cells whose users are serialized or per-test.
unsafe impl<T> Sync for SyncCell<T> {}

impl<T> SyncCell<T> {
    pub const fn new(v: T) -> Self {
        SyncCell(UnsafeCell::new(v))
    }
    pub const fn get(&self) -> *mut T {
        self.0.get()
    }
}
