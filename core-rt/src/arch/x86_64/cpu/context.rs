//! Execution contexts for the scheduler: switching stacks (callee-saved registers, MXCSR and the
//! x87 control word stay with their context, as the System V ABI makes them callee-saved), the
//! first frame of a new thread, the per-CPU pointer (GS base: compiled code never uses GS), and
//! interrupt masking and idling for the scheduler's lock and idle loop.

core::arch::global_asm!(
    r#"
.section .text.core_rt_switch, "ax"
.global core_rt_switch
/* core_rt_switch(save: *mut u64 (rdi), next_rsp: u64 (rsi), saved_flag: *mut u32 (rdx)):
   push the callee-saved state, store rsp at *save, clear *saved_flag (the old context is now
   complete in memory: another CPU may resume it), load next_rsp and pop its state. */
core_rt_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $16, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movl $0, (%rdx)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $16, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret

.global core_rt_thread_trampoline
/* First return address of a new context: r12 = its entry function, r13 = the argument. */
core_rt_thread_trampoline:
    movq %r13, %rdi
    xorl %ebp, %ebp
    andq $-16, %rsp
    callq *%r12
    ud2
"#,
    options(att_syntax)
);

unsafe extern "C" {
    fn core_rt_switch(save: *mut u64, next_rsp: u64, saved_flag: *mut u32);
    fn core_rt_thread_trampoline();
}

/// Save the running context's stack pointer at `save`, then clear `saved_flag` (the context can
/// be resumed elsewhere from then on) and continue the context whose stack pointer is `next_rsp`.
/// Returns when some CPU switches back to the saved context.
///
/// # Safety
/// `next_rsp` is a context saved by this function or prepared by [`prepare`], not running on any
/// CPU, and nobody else resumes it; `save` and `saved_flag` stay valid until the switch is done.
pub unsafe fn switch(save: *mut u64, next_rsp: u64, saved_flag: *mut u32) {
    // SAFETY: the caller's contract; the routine preserves everything the ABI says a call does.
    unsafe { core_rt_switch(save, next_rsp, saved_flag) }
}

/// Prepare a context on the stack ending at `stack_top` that, when switched to, calls
/// `entry(arg)` (which must never return). Returns its stack pointer.
///
/// # Safety
/// `stack_top` is the end of writable memory of at least 128 bytes that nothing else uses.
pub unsafe fn prepare(stack_top: u64, entry: extern "C" fn(u64) -> !, arg: u64) -> u64 {
    let top = stack_top & !0xf;
    // Frame popped by core_rt_switch: mxcsr/fcw (16 bytes), r15, r14, r13, r12, rbx, rbp, then
    // the return address.
    let words: [u64; 9] = [
        0x037f_0000_1f80, // MXCSR default (all masked, round to nearest) | x87 CW default << 32
        0,
        0,                                             // r15
        0,                                             // r14
        arg,                                           // r13
        entry as *const () as u64,                     // r12
        0,                                             // rbx
        0,                                             // rbp
        core_rt_thread_trampoline as *const () as u64, // return address
    ];
    let rsp = top - 16 - (words.len() as u64) * 8;
    // SAFETY: [rsp, top) lies in the caller's stack memory (at least 128 bytes below its top).
    unsafe { core::ptr::copy_nonoverlapping(words.as_ptr(), rsp as *mut u64, words.len()) };
    rsp
}

/// Make `ptr` this CPU's per-CPU pointer (GS base).
pub fn set_cpu_local(ptr: *const u8) {
    use x86_64::registers::model_specific::GsBase;
    GsBase::write(x86_64::VirtAddr::new(ptr as u64));
}

/// This CPU's per-CPU pointer (null before [`set_cpu_local`]).
pub fn cpu_local() -> *const u8 {
    use x86_64::registers::model_specific::GsBase;
    GsBase::read().as_u64() as *const u8
}

/// The first word of this CPU's per-CPU block: one load through GS, no MSR read (which costs a
/// helper call under TCG and may trap to a hypervisor).
///
/// # Safety
/// [`set_cpu_local`] was called on this CPU with a block whose first word is readable.
pub unsafe fn cpu_local_word() -> u64 {
    let w: u64;
    // SAFETY: GS points at the CPU's block (caller's contract); the load has no side effect.
    unsafe { core::arch::asm!("mov {}, gs:[0]", out(reg) w, options(nostack, readonly, preserves_flags)) };
    w
}

/// Disable interrupts; returns whether they were enabled.
pub fn interrupts_off() -> bool {
    let was = x86_64::instructions::interrupts::are_enabled();
    x86_64::instructions::interrupts::disable();
    was
}

/// Enable interrupts again when `was_enabled`.
pub fn interrupts_restore(was_enabled: bool) {
    if was_enabled {
        x86_64::instructions::interrupts::enable();
    }
}

/// Enable interrupts and halt until one arrives, atomically (no wake-up lost in between).
pub fn wait_for_interrupt() {
    x86_64::instructions::interrupts::enable_and_hlt();
}

/// The thread pointer (FS base) of the running context.
pub fn thread_pointer() -> u64 {
    use x86_64::registers::model_specific::FsBase;
    FsBase::read().as_u64()
}
