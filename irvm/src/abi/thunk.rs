//! Native entry points for interpreted functions: a fixed pool of asm thunks (no run-time code
//! generation, so it works on bare metal too). Thunk #i is `call irvm_thunk_common` padded to 16
//! bytes; the common stub pops that return address (which identifies the thunk), saves the
//! argument registers into a `RegImage` on the stack and calls `irvm_thunk_dispatch`, which runs
//! the interpreted function and fills in the return registers. A thunk's address is what
//! interpreted code sees as the function's address, so native code (qsort, atexit...) can call it,
//! and an indirect call from interpreted code recognises it and enters the interpreter directly.
//! If the handler leaves a C++ exception in `RegImage::rethrow`, the stub throws it again
//! (`irvm_rethrow`) instead of returning; its unwind information makes the thunk transparent, so
//! the exception continues in the native caller.

use super::RegImage;
use std::sync::Mutex;
use std::sync::atomic::{AtomicPtr, AtomicU32, Ordering};

/// Number of thunks in the pool (address-taken interpreted functions, over all live programs).
pub(crate) const POOL: usize = 8192;
const THUNK_BYTES: usize = 16;

core::arch::global_asm!(
    ".text",
    ".p2align 4",
    ".globl irvm_thunk_common",
    "irvm_thunk_common:",
    // Unwind information: the pool's `call` pushed one word above the native caller's return
    // address; once it is popped this is an ordinary frame with rbp as its CFA base.
    "    .cfi_startproc",
    "    .cfi_def_cfa_offset 16",
    "    pop r11",
    "    .cfi_def_cfa_offset 8",
    "    push rbp",
    "    .cfi_def_cfa_offset 16",
    "    .cfi_offset rbp, -16",
    "    mov rbp, rsp",
    "    .cfi_def_cfa_register rbp",
    "    sub rsp, 288",
    "    mov [rsp], rdi",
    "    mov [rsp + 8], rsi",
    "    mov [rsp + 16], rdx",
    "    mov [rsp + 24], rcx",
    "    mov [rsp + 32], r8",
    "    mov [rsp + 40], r9",
    "    movdqu [rsp + 48], xmm0",
    "    movdqu [rsp + 64], xmm1",
    "    movdqu [rsp + 80], xmm2",
    "    movdqu [rsp + 96], xmm3",
    "    movdqu [rsp + 112], xmm4",
    "    movdqu [rsp + 128], xmm5",
    "    movdqu [rsp + 144], xmm6",
    "    movdqu [rsp + 160], xmm7",
    "    lea rcx, [rbp + 16]",
    "    mov [rsp + 176], rcx",
    "    mov qword ptr [rsp + 184], 0",
    "    mov qword ptr [rsp + 256], 0",
    "    movzx ecx, al",
    "    mov [rsp + 192], rcx",
    "    mov qword ptr [rsp + 200], 0",
    "    lea rdi, [r11 - 5]",
    "    mov rsi, rsp",
    "    call {dispatch}",
    "    mov rdi, [rsp + 200]",
    "    test rdi, rdi",
    "    jnz 7f",
    "    mov rax, [rsp + 208]",
    "    mov rdx, [rsp + 216]",
    "    movdqu xmm0, [rsp + 224]",
    "    movdqu xmm1, [rsp + 240]",
    "    cmp qword ptr [rsp + 256], 0",
    "    je 6f",
    "    fld tbyte ptr [rsp + 272]",
    "6:",
    "    .cfi_remember_state",
    "    leave",
    "    .cfi_def_cfa rsp, 8",
    "    ret",
    "    .cfi_restore_state",
    "7:",
    "    call {rethrow}",
    "    ud2",
    "    .cfi_endproc",
    ".p2align 4",
    ".globl irvm_thunk_pool",
    "irvm_thunk_pool:",
    ".rept {pool}",
    "    call irvm_thunk_common",
    "    .p2align 4",
    ".endr",
    ".globl irvm_thunk_pool_end",
    "irvm_thunk_pool_end:",
    dispatch = sym irvm_thunk_dispatch,
    rethrow = sym rethrow,
    pool = const POOL,
);

#[cfg(feature = "cxx-exceptions")]
unsafe extern "C" {
    /// irvm/cxx/exceptions.cc: throw the handle's exception again; never returns.
    #[link_name = "irvm_rethrow"]
    fn rethrow(thrown: *mut u8) -> !;
}

/// Without a C++ runtime no handler ever sets `RegImage::rethrow`.
#[cfg(not(feature = "cxx-exceptions"))]
extern "C" fn rethrow(_thrown: *mut u8) -> ! {
    eprintln!("irvm: a C++ exception reached a thunk in a build without C++ exceptions");
    std::process::abort()
}

unsafe extern "C" {
    static irvm_thunk_pool: u8;
    static irvm_thunk_pool_end: u8;
}

/// What a thunk runs: `handler(owner, func, regs)`.
pub(crate) type Handler = unsafe fn(owner: *mut (), func: u32, regs: &mut RegImage);

struct Slot {
    owner: AtomicPtr<()>,
    func: AtomicU32,
}

static SLOTS: [Slot; POOL] =
    [const { Slot { owner: AtomicPtr::new(std::ptr::null_mut()), func: AtomicU32::new(0) } }; POOL];
static HANDLER: AtomicPtr<()> = AtomicPtr::new(std::ptr::null_mut());
static FREE: Mutex<(usize, Vec<usize>)> = Mutex::new((0, Vec::new()));

fn pool_start() -> usize {
    &raw const irvm_thunk_pool as usize
}

/// Bind a free thunk to (`owner`, `func`) and return its address; None if the pool is exhausted.
pub(crate) fn bind(owner: *mut (), func: u32, handler: Handler) -> Option<usize> {
    HANDLER.store(handler as *mut (), Ordering::Release);
    let mut free = FREE.lock().unwrap_or_else(|p| p.into_inner());
    let i = match free.1.pop() {
        Some(i) => i,
        None if free.0 < POOL => {
            free.0 += 1;
            free.0 - 1
        }
        None => return None,
    };
    SLOTS[i].func.store(func, Ordering::Relaxed);
    SLOTS[i].owner.store(owner, Ordering::Release);
    Some(pool_start() + i * THUNK_BYTES)
}

/// Return a thunk to the pool (when its program goes away).
pub(crate) fn unbind(addr: usize) {
    if let Some(i) = index(addr) {
        SLOTS[i].owner.store(std::ptr::null_mut(), Ordering::Release);
        FREE.lock().unwrap_or_else(|p| p.into_inner()).1.push(i);
    }
}

fn index(addr: usize) -> Option<usize> {
    let start = pool_start();
    let end = &raw const irvm_thunk_pool_end as usize;
    (addr >= start && addr < end && (addr - start).is_multiple_of(THUNK_BYTES)).then(|| (addr - start) / THUNK_BYTES)
}

/// If `addr` is a thunk bound to `owner`, the function it stands for.
#[inline]
pub(crate) fn lookup(addr: usize, owner: *mut ()) -> Option<u32> {
    let i = index(addr)?;
    (SLOTS[i].owner.load(Ordering::Acquire) == owner).then(|| SLOTS[i].func.load(Ordering::Relaxed))
}

/// Called by `irvm_thunk_common` with the thunk's address and the saved registers.
extern "C" fn irvm_thunk_dispatch(thunk: usize, regs: *mut RegImage) {
    let i = index(thunk).expect("irvm: thunk dispatch from outside the pool");
    let owner = SLOTS[i].owner.load(Ordering::Acquire);
    if owner.is_null() {
        eprintln!("irvm: native code called a function of a program that is gone");
        std::process::abort();
    }
    let func = SLOTS[i].func.load(Ordering::Relaxed);
    // SAFETY: HANDLER was stored (as a `Handler`) before any thunk was bound.
    let handler: Handler = unsafe { std::mem::transmute::<*mut (), Handler>(HANDLER.load(Ordering::Acquire)) };
    // SAFETY: `regs` is the RegImage the asm stub built on its own stack frame; `owner` is live
    // (bound and not yet unbound).
    unsafe { handler(owner, func, &mut *regs) }
}
