//! The trampoline that calls a native function with a prepared `RegImage`: loads the argument
//! registers, copies the stack arguments, sets %al, calls, and stores rax/rdx/xmm0/xmm1 back.
//! The trampoline has unwind information, so a C++ exception thrown by the callee reaches the
//! `catch (...)` that calls it (irvm/cxx/exceptions.cc) and never a Rust frame.

use super::RegImage;
use super::exception::Thrown;

core::arch::global_asm!(
    ".text",
    ".p2align 4",
    ".globl irvm_call_native",
    // void irvm_call_native(void *f /* rdi */, RegImage *img /* rsi */)
    "irvm_call_native:",
    "    .cfi_startproc",
    "    push rbp",
    "    .cfi_def_cfa_offset 16",
    "    .cfi_offset rbp, -16",
    "    mov rbp, rsp",
    "    .cfi_def_cfa_register rbp",
    "    push rbx",
    "    .cfi_offset rbx, -24",
    "    push r12",
    "    .cfi_offset r12, -32",
    "    mov rbx, rsi",
    "    mov r12, rdi",
    // Outgoing stack area, 16-byte aligned at the call.
    "    mov rcx, [rbx + 184]",
    "    mov rsi, [rbx + 176]",
    "    lea rax, [rcx * 8 + 15]",
    "    and rax, -16",
    "    sub rsp, rax",
    "    xor edx, edx",
    "2:",
    "    cmp rdx, rcx",
    "    jae 3f",
    "    mov rax, [rsi + rdx * 8]",
    "    mov [rsp + rdx * 8], rax",
    "    inc rdx",
    "    jmp 2b",
    "3:",
    "    movdqu xmm0, [rbx + 48]",
    "    movdqu xmm1, [rbx + 64]",
    "    movdqu xmm2, [rbx + 80]",
    "    movdqu xmm3, [rbx + 96]",
    "    movdqu xmm4, [rbx + 112]",
    "    movdqu xmm5, [rbx + 128]",
    "    movdqu xmm6, [rbx + 144]",
    "    movdqu xmm7, [rbx + 160]",
    "    mov rdi, [rbx]",
    "    mov rsi, [rbx + 8]",
    "    mov rdx, [rbx + 16]",
    "    mov rcx, [rbx + 24]",
    "    mov r8, [rbx + 32]",
    "    mov r9, [rbx + 40]",
    "    mov rax, [rbx + 192]",
    "    call r12",
    "    mov [rbx + 208], rax",
    "    mov [rbx + 216], rdx",
    "    movdqu [rbx + 224], xmm0",
    "    movdqu [rbx + 240], xmm1",
    "    cmp qword ptr [rbx + 256], 0",
    "    je 4f",
    "    fstp tbyte ptr [rbx + 272]",
    "4:",
    "    lea rsp, [rbp - 16]",
    "    pop r12",
    "    pop rbx",
    "    pop rbp",
    "    .cfi_def_cfa rsp, 8",
    "    ret",
    "    .cfi_endproc",
);

#[cfg(not(feature = "cxx-exceptions"))]
unsafe extern "C" {
    fn irvm_call_native(f: usize, img: *mut RegImage);
}

#[cfg(feature = "cxx-exceptions")]
unsafe extern "C" {
    fn irvm_call_native_catching(f: usize, img: *mut RegImage, thrown: *mut *mut u8) -> i32;
}

/// Call native function `f` with the registers and stack words in `img`; results land in
/// `img.rax`, `img.rdx` and `img.ret_xmm`. `Err`: the callee threw a C++ exception (the frames
/// between it and this call were unwound, their destructors run; `img`'s results are unset).
///
/// # Safety
/// `f` must be a native function whose SysV signature matches what `img` holds, and
/// `img.stack` must point at `img.nstack` readable words. The callee may do anything native code
/// can, including calling back into irvm through a thunk.
pub(crate) unsafe fn call(f: usize, img: &mut RegImage) -> Result<(), Thrown> {
    #[cfg(feature = "cxx-exceptions")]
    {
        let mut thrown = std::ptr::null_mut();
        // SAFETY: the caller's contract; the trampoline preserves every callee-saved register,
        // and the catcher stops any exception before it reaches this Rust frame.
        if unsafe { irvm_call_native_catching(f, img, &mut thrown) } != 0 {
            // SAFETY: the catcher returned 1, so `thrown` is a handle it made for us alone.
            return Err(unsafe { Thrown::from_raw(thrown) });
        }
        Ok(())
    }
    #[cfg(not(feature = "cxx-exceptions"))]
    {
        // SAFETY: the caller's contract; the trampoline preserves every callee-saved register.
        // Without a C++ runtime (the kernel) nothing can throw.
        unsafe { irvm_call_native(f, img) };
        Ok(())
    }
}
