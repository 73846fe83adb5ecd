/* One 16-byte entry stub per vector (trap_stubs + 16 * vector), then the common path: save the
   general registers and the vector state (xsave/fxsave), call core_rt_trap(frame), restore, iretq. */

.section .text.trap, "ax"
.balign 16
.global core_rt_trap_stubs
core_rt_trap_stubs:
.set vec, 0
.rept 256
    .balign 16
    .if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
    .else
    pushq $0                        /* no CPU error code: push a zero one */
    .endif
    pushq $vec
    jmp core_rt_trap_common
    .set vec, vec + 1
.endr

.balign 16
core_rt_trap_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, %rbx                 /* rbx = frame (callee-saved across the call) */

    movl core_rt_vstate_size(%rip), %eax
    subq %rax, %rsp
    andq $-64, %rsp
    cmpb $0, core_rt_use_xsave(%rip)
    je 1f
    xorl %eax, %eax                 /* xsave leaves XCOMP_BV and reserved header bytes alone: zero them */
    movq %rax, 512(%rsp)
    movq %rax, 520(%rsp)
    movq %rax, 528(%rsp)
    movq %rax, 536(%rsp)
    movq %rax, 544(%rsp)
    movq %rax, 552(%rsp)
    movq %rax, 560(%rsp)
    movq %rax, 568(%rsp)
    movl $-1, %eax
    movl $-1, %edx
    xsave64 (%rsp)
    jmp 2f
1:  fxsave64 (%rsp)
2:
    movq %rbx, %rdi
    cld
    call core_rt_trap

    cmpb $0, core_rt_use_xsave(%rip)
    je 3f
    movl $-1, %eax
    movl $-1, %edx
    xrstor64 (%rsp)
    jmp 4f
3:  fxrstor64 (%rsp)
4:
    movq %rbx, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp                  /* vector + error code */
    iretq
