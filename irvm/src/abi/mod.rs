//! The SysV x86-64 calling convention at the LLVM-IR level, without libffi: classification of a
//! signature into register/stack locations (`classify`), the asm trampoline that calls native code
//! (`native`), and the pool of asm thunks through which native code calls interpreted functions
//! (`thunk`). clang has already lowered C structs-by-value into scalars, `byval` pointers and
//! small first-class aggregates, so irvm classifies IR types, as LLVM's x86-64 backend does.

pub(crate) mod catch;
pub(crate) mod classify;
pub(crate) mod exception;
pub(crate) mod native;
pub(crate) mod thunk;

pub(crate) use classify::{ArgLoc, RetLoc, Sig};

/// The register image of a call: what a native callee finds in its argument registers, and what
/// a thunk saves. Bytes 0..176 are laid out like a SysV `va_list` register save area (six GPRs
/// then eight 16-byte XMM registers), so `va_start` can point straight at it.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub(crate) struct RegImage {
    pub(crate) gpr: [u64; 6],
    pub(crate) xmm: [[u64; 2]; 8],
    /// Stack arguments (the caller's outgoing area): `nstack` 8-byte words at `stack`.
    pub(crate) stack: usize,
    pub(crate) nstack: u64,
    /// Number of XMM registers used (%al for variadic callees).
    pub(crate) nvec: u64,
    /// Set by a thunk's handler: a C++ exception (`exception::Thrown::into_raw`) that the
    /// thunk's asm throws again into its native caller instead of returning (0: none).
    pub(crate) rethrow: u64,
    /// Return registers: rax, rdx, xmm0 (16 bytes), xmm1 (16 bytes).
    pub(crate) rax: u64,
    pub(crate) rdx: u64,
    pub(crate) ret_xmm: [[u64; 2]; 2],
    /// Non-zero if the return value is an x86_fp80 in st(0) (the trampoline pops it into `st0`,
    /// a thunk loads it from there).
    pub(crate) x87: u64,
    _pad2: u64,
    pub(crate) st0: [u64; 2],
}

// The asm in `native` and `thunk` relies on these offsets.
const _: () = {
    assert!(std::mem::offset_of!(RegImage, xmm) == 48);
    assert!(std::mem::offset_of!(RegImage, stack) == 176);
    assert!(std::mem::offset_of!(RegImage, nstack) == 184);
    assert!(std::mem::offset_of!(RegImage, nvec) == 192);
    assert!(std::mem::offset_of!(RegImage, rethrow) == 200);
    assert!(std::mem::offset_of!(RegImage, rax) == 208);
    assert!(std::mem::offset_of!(RegImage, ret_xmm) == 224);
    assert!(std::mem::offset_of!(RegImage, x87) == 256);
    assert!(std::mem::offset_of!(RegImage, st0) == 272);
    assert!(std::mem::size_of::<RegImage>() == 288);
};
