//! Recovering from LLVM's fatal errors while reading untrusted bitcode.
//!
//! LLVM's bitcode reader does not always return an error on malformed input: a corrupted size field
//! can make it request a huge allocation (→ `report_bad_alloc_error`) or hit `report_fatal_error`,
//! both of which end the process. While a guarded call runs, irvm installs handlers for both that
//! jump back to the guard (a minimal setjmp/longjmp in asm, no libc needed, so it also works on bare
//! metal) and report an error instead. The LLVM context involved is then leaked, never reused:
//! its state after the jump is unknown. Frames skipped by the jump are LLVM's C++ frames (whose
//! destructors do not run: a leak) and two Rust frames without destructors.

use std::cell::{Cell, RefCell};
use std::sync::Mutex;

// A jump buffer: rbx, rbp, r12, r13, r14, r15, rsp, return address.
type JmpBuf = [u64; 8];

core::arch::global_asm!(
    ".text",
    ".globl irvm_guard_call",
    // u32 irvm_guard_call(void (*f)(void *), void *arg, JmpBuf *buf): 0 = returned, 1 = jumped.
    "irvm_guard_call:",
    "    mov [rdx], rbx",
    "    mov [rdx + 8], rbp",
    "    mov [rdx + 16], r12",
    "    mov [rdx + 24], r13",
    "    mov [rdx + 32], r14",
    "    mov [rdx + 40], r15",
    "    lea rax, [rsp + 8]",
    "    mov [rdx + 48], rax",
    "    mov rax, [rsp]",
    "    mov [rdx + 56], rax",
    "    sub rsp, 8",
    "    mov rax, rdi",
    "    mov rdi, rsi",
    "    call rax",
    "    add rsp, 8",
    "    xor eax, eax",
    "    ret",
    ".globl irvm_guard_jump",
    // void irvm_guard_jump(JmpBuf *buf): resume irvm_guard_call's caller with 1.
    "irvm_guard_jump:",
    "    mov rbx, [rdi]",
    "    mov rbp, [rdi + 8]",
    "    mov r12, [rdi + 16]",
    "    mov r13, [rdi + 24]",
    "    mov r14, [rdi + 32]",
    "    mov r15, [rdi + 40]",
    "    mov rsp, [rdi + 48]",
    "    mov eax, 1",
    "    jmp qword ptr [rdi + 56]",
);

unsafe extern "C" {
    fn irvm_guard_call(f: extern "C" fn(*mut libc::c_void), arg: *mut libc::c_void, buf: *mut JmpBuf) -> u32;
    fn irvm_guard_jump(buf: *mut JmpBuf) -> !;
    #[link_name = "_ZN4llvm31install_bad_alloc_error_handlerEPFvPvPKcbES0_"]
    fn install_bad_alloc_error_handler(
        h: extern "C" fn(*mut libc::c_void, *const libc::c_char, bool),
        data: *mut libc::c_void,
    );
    #[link_name = "_ZN4llvm30remove_bad_alloc_error_handlerEv"]
    fn remove_bad_alloc_error_handler();
}

thread_local! {
    static ACTIVE: Cell<*mut JmpBuf> = const { Cell::new(std::ptr::null_mut()) };
    static REASON: RefCell<String> = const { RefCell::new(String::new()) };
}

/// LLVM's handlers are process-wide: one guarded call at a time.
static LOCK: Mutex<()> = Mutex::new(());

fn jump_back(reason: *const libc::c_char) {
    let buf = ACTIVE.with(Cell::get);
    if buf.is_null() {
        return; // not ours: let LLVM end the process as it would have
    }
    let text = if reason.is_null() {
        String::from("fatal error")
    } else {
        // SAFETY: LLVM passes a NUL-terminated message.
        unsafe { std::ffi::CStr::from_ptr(reason) }.to_string_lossy().into_owned()
    };
    REASON.with(|r| *r.borrow_mut() = text);
    // SAFETY: `buf` was filled by irvm_guard_call on this thread, whose frame is still live (ACTIVE
    // is cleared before it returns); the frames in between own nothing that needs dropping.
    unsafe { irvm_guard_jump(buf) }
}

extern "C" fn on_fatal(reason: *const libc::c_char) {
    jump_back(reason);
}

extern "C" fn on_bad_alloc(_data: *mut libc::c_void, reason: *const libc::c_char, _diag: bool) {
    jump_back(reason);
}

/// Run `f(arg)` with LLVM's fatal-error and bad-alloc handlers pointing back here. Returns
/// `Err(reason)` if LLVM gave up instead of returning.
///
/// # Safety
/// `f` must own no values with destructors across the LLVM calls it makes (it may be abandoned
/// mid-way), and anything LLVM was working on when it failed must not be used again.
pub(crate) unsafe fn guarded(f: extern "C" fn(*mut libc::c_void), arg: *mut libc::c_void) -> Result<(), String> {
    let _held = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let mut buf: JmpBuf = [0; 8];
    ACTIVE.with(|a| a.set(&mut buf));
    // SAFETY: handlers with the signatures LLVM expects; `buf` outlives the guarded call; f's
    // contract is the caller's.
    let jumped = unsafe {
        llvm_sys::error_handling::LLVMInstallFatalErrorHandler(Some(on_fatal));
        install_bad_alloc_error_handler(on_bad_alloc, std::ptr::null_mut());
        let r = irvm_guard_call(f, arg, &mut buf);
        remove_bad_alloc_error_handler();
        llvm_sys::error_handling::LLVMResetFatalErrorHandler();
        r
    };
    ACTIVE.with(|a| a.set(std::ptr::null_mut()));
    if jumped == 0 { Ok(()) } else { Err(REASON.with(|r| r.borrow().clone())) }
}
