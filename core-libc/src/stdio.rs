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

/// A global the single core-rt thread mutates in place (C globals such as `stdout`, `strtok`'s
/// save pointer). `repr(transparent)` so a `#[no_mangle]` one is laid out as the bare C object.
#[repr(transparent)]
pub struct SyncCell<T>(UnsafeCell<T>);

// SAFETY: core-rt runs one thread; these cells are never touched concurrently there. Host tests
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
