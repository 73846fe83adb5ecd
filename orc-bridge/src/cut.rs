//! The module cut: a new module holding the bodies of a few functions of a source module and a
//! declaration of everything else they reference, at a cost proportional to what is kept (the
//! LLVM-C API can only clone a whole module). The work is done by `cxx/cut.cc`, built by
//! `build.rs` against the LLVM that llvm-sys links; this is its one binding.

use llvm_sys::prelude::{LLVMModuleRef, LLVMValueRef};

use crate::error::{Error, Result};
use crate::llvm::OwnedModule;

unsafe extern "C" {
    /// cxx/cut.cc: the cut module (the caller owns it), or null when one of `keep[..count]` is
    /// not a function definition of `src`.
    fn bf_cut_module(src: LLVMModuleRef, keep: *const LLVMValueRef, count: usize) -> LLVMModuleRef;
}

/// A new module in `src`'s context with `src`'s data layout, triple, inline asm and named
/// metadata, the bodies of `keep` (function definitions of `src`, same names and linkage, no
/// comdat), and a declaration of each other global value they reference (a left-behind definition
/// becomes an external declaration; a declaration keeps its linkage, e.g. `extern_weak`). What
/// nothing kept references is not in it.
pub(crate) fn cut(src: &OwnedModule, keep: &[LLVMValueRef]) -> Result<OwnedModule> {
    // SAFETY: `src` is a valid module; `keep` is a live slice of `keep.len()` values, which the
    // shim checks to be function definitions of `src` before using them; it reads `src` only.
    let m = unsafe { bf_cut_module(src.raw(), keep.as_ptr(), keep.len()) };
    if m.is_null() {
        return Err(Error::Input("module cut: a function to keep is not a definition of the module".into()));
    }
    // SAFETY: the shim hands over a new module that nothing else owns.
    Ok(unsafe { OwnedModule::from_raw(m) })
}
