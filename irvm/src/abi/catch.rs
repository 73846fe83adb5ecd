//! The landing place of a longjmp aimed at interpreted code: `irvm_guarded` saves a jmp_buf
//! *template* with the C library's own `_setjmp` in its frame, then calls `body(guard, 0, 0)`.
//! An interpreted `setjmp` copies that template into the program's buffer with rbx set to the
//! buffer's address; the C library's `longjmp` on that buffer (from interpreted, JIT-compiled or
//! native code) therefore lands back here with the value in eax and the buffer in rbx, and the
//! wrapper calls `body(guard, value, buffer)` again. See exec/jump.rs for what body does.

core::arch::global_asm!(
    ".text",
    ".p2align 4",
    ".globl irvm_guarded",
    // void irvm_guarded(void *guard /* rdi: template first */, void (*body)(void *, int, void *)
    //                   /* rsi */, int (*setjmp)(void *) /* rdx */)
    "irvm_guarded:",
    "    push rbp",
    "    mov rbp, rsp",
    "    push rbx",
    "    push r12",
    "    push r13",
    "    push r14",
    "    push r15",
    "    sub rsp, 8",
    "    mov r12, rdi",
    "    mov r13, rsi",
    // rbx is 0 in the template; a buffer copied from it holds its own address there.
    "    xor ebx, ebx",
    "    call rdx",
    "    mov rdi, r12",
    "    mov esi, eax",
    "    mov rdx, rbx",
    "    call r13",
    "    add rsp, 8",
    "    pop r15",
    "    pop r14",
    "    pop r13",
    "    pop r12",
    "    pop rbx",
    "    pop rbp",
    "    ret",
);

unsafe extern "C" {
    fn irvm_guarded(guard: *mut u8, body: unsafe extern "C" fn(*mut u8, i32, usize), setjmp: usize);
}

/// The body a guard calls: first with `(guard, 0, 0)`, then with `(guard, value, buffer)` after
/// each longjmp that lands on it.
pub(crate) type Body = unsafe extern "C" fn(guard: *mut u8, value: i32, buffer: usize);

/// Run `body` under a guard whose template is the first bytes of `guard`.
///
/// # Safety
/// `setjmp` is the C library's `_setjmp`; `guard` points at writable memory that starts with room
/// for a jmp_buf and stays valid until this returns; `body` only ever returns normally, and the
/// frames it leaves by a longjmp hold nothing that needs dropping.
pub(crate) unsafe fn guarded(guard: *mut u8, body: Body, setjmp: usize) {
    // SAFETY: the caller's contract; the wrapper preserves every callee-saved register.
    unsafe { irvm_guarded(guard, body, setjmp) }
}
