//! A thin, typed view of the LLVM C API (llvm-sys) over a module that `load` loaded: `Val` and `Ty`
//! handles plus the data-layout queries irvm needs. Everything else in irvm reads IR through here.

mod guard;
mod load;
mod ty;
mod val;

/// LLVM opcodes, as `Val::opcode` returns them (for users outside irvm).
pub(crate) use llvm_sys::LLVMOpcode;
pub(crate) use load::{Loaded, load_bitcode};
pub(crate) use ty::{Ty, TyKind};
pub(crate) use val::{Val, ValKind};

use llvm_sys::target::LLVMTargetDataRef;

/// The module's data layout (sizes, alignments, struct field offsets).
#[derive(Clone, Copy)]
pub(crate) struct Layout(pub(crate) LLVMTargetDataRef);

impl Layout {
    /// ABI size in bytes (includes tail padding; the array stride).
    pub(crate) fn size(self, t: Ty) -> u64 {
        // SAFETY: the layout and the type belong to the live module (see `Loaded`).
        unsafe { llvm_sys::target::LLVMABISizeOfType(self.0, t.0) }
    }
    /// Bytes a store of `t` writes.
    pub(crate) fn store_size(self, t: Ty) -> u64 {
        // SAFETY: as in `size`.
        unsafe { llvm_sys::target::LLVMStoreSizeOfType(self.0, t.0) }
    }
    /// ABI alignment in bytes.
    pub(crate) fn align(self, t: Ty) -> u64 {
        // SAFETY: as in `size`.
        u64::from(unsafe { llvm_sys::target::LLVMABIAlignmentOfType(self.0, t.0) })
    }
    /// Offset of field `i` of struct type `t`.
    pub(crate) fn field_offset(self, t: Ty, i: u32) -> u64 {
        // SAFETY: as in `size`; callers pass a struct type and an index below its field count.
        unsafe { llvm_sys::target::LLVMOffsetOfElement(self.0, t.0, i) }
    }
}

/// Turn an LLVM-owned message into a String and free it.
///
/// # Safety
/// `p` is null or a message allocated by LLVM that nobody else frees.
pub(crate) unsafe fn take_message(p: *mut libc::c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: non-null, NUL-terminated LLVM string (caller's contract).
    let s = unsafe { std::ffi::CStr::from_ptr(p) }.to_string_lossy().into_owned();
    // SAFETY: LLVM allocated it; we free it once.
    unsafe { llvm_sys::core::LLVMDisposeMessage(p) };
    s
}
