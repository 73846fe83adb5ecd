//! Which app functions a compile inlined: the functions whose code is in the emitted object
//! although their own entry never runs when it does (an inlined copy runs instead). irvm counts a
//! function only when it is entered through it, so the dead-code record of a snapshot needs these
//! (a function that only ever ran inlined into compiled code is not dead). The work is done by
//! `cxx/inlined.cc` (the inliner's remarks, collected by a diagnostic handler for the length of
//! the pipeline), built by `build.rs`; this is its binding.

use std::ffi::{CStr, c_char, c_void};

use llvm_sys::prelude::LLVMModuleRef;

use crate::llvm::OwnedModule;

unsafe extern "C" {
    fn bf_inline_record_start(module: LLVMModuleRef) -> *mut c_void;
    fn bf_inline_record_finish(module: LLVMModuleRef, token: *mut c_void) -> *mut c_char;
    fn bf_inline_record_free(names: *mut c_char);
}

/// Recording of the inlining done in one module's context, from [`Recording::start`] to
/// [`Recording::finish`] (or until dropped: the context gets its handler back either way).
pub(crate) struct Recording<'m> {
    module: &'m OwnedModule,
    token: *mut c_void,
}

impl<'m> Recording<'m> {
    /// Start recording (the module's context reports the inliner's remarks to the recorder; its
    /// other diagnostics still go to the handler it had).
    pub(crate) fn start(module: &'m OwnedModule) -> Recording<'m> {
        // SAFETY: a valid module; the shim replaces its context's handler with one that keeps
        // the old one and gives it back in `bf_inline_record_finish` (called by `finish` or drop).
        let token = unsafe { bf_inline_record_start(module.raw()) };
        Recording { module, token }
    }

    /// Stop recording: the functions inlined into the code the module emits (sorted, once each).
    pub(crate) fn finish(mut self) -> Vec<String> {
        self.stop()
    }

    fn stop(&mut self) -> Vec<String> {
        let token = std::mem::replace(&mut self.token, std::ptr::null_mut());
        if token.is_null() {
            return Vec::new();
        }
        // SAFETY: the module is alive (borrowed) and `token` came from `bf_inline_record_start` on
        // it and is used once; the answer is null or a NUL-terminated string the shim allocated,
        // read and then freed by the shim's own free.
        unsafe {
            let names = bf_inline_record_finish(self.module.raw(), token);
            if names.is_null() {
                return Vec::new();
            }
            let out = CStr::from_ptr(names).to_string_lossy().lines().map(str::to_string).collect();
            bf_inline_record_free(names);
            out
        }
    }
}

impl Drop for Recording<'_> {
    fn drop(&mut self) {
        self.stop();
    }
}
