//! A C++ exception that native code threw into irvm: caught by `irvm_call_native_catching`
//! (irvm/cxx/exceptions.cc) at the native call, owned here while irvm pops its interpreted
//! frames, and thrown again into the native caller of the entry it reaches (the thunk's asm
//! rethrows it, see `abi/thunk.rs`) or, past the program's outermost frame, `std::terminate`.

/// An exception in flight through irvm (a `std::exception_ptr` on the C++ heap).
pub(crate) struct Thrown(std::ptr::NonNull<u8>);

#[cfg(feature = "cxx-exceptions")]
unsafe extern "C" {
    fn irvm_rethrow_uncaught(thrown: *mut u8) -> !;
    fn irvm_drop_exception(thrown: *mut u8);
}

impl Thrown {
    /// Take ownership of a handle from `irvm_call_native_catching`.
    ///
    /// # Safety
    /// `raw` is a handle that catcher produced, owned by no one else.
    #[cfg(feature = "cxx-exceptions")]
    pub(crate) unsafe fn from_raw(raw: *mut u8) -> Thrown {
        Thrown(std::ptr::NonNull::new(raw).expect("irvm: null exception handle"))
    }

    /// Give the handle up, for the thunk's asm to rethrow (`irvm_rethrow`).
    pub(crate) fn into_raw(self) -> *mut u8 {
        let raw = self.0.as_ptr();
        std::mem::forget(self);
        raw
    }

    /// The exception passed the program's outermost frame: `std::terminate`, as natively.
    pub(crate) fn terminate(self) -> ! {
        #[cfg(feature = "cxx-exceptions")]
        // SAFETY: the handle is ours (never given up); the rethrow happens in a noexcept C++
        // function, so the unwinder stops there and never reaches a Rust frame.
        unsafe {
            irvm_rethrow_uncaught(self.into_raw())
        }
        #[cfg(not(feature = "cxx-exceptions"))]
        unreachable!("irvm: a C++ exception without the C++ runtime")
    }
}

impl Drop for Thrown {
    fn drop(&mut self) {
        #[cfg(feature = "cxx-exceptions")]
        // SAFETY: the handle is ours and dropped once.
        unsafe {
            irvm_drop_exception(self.0.as_ptr())
        };
    }
}
