/* <setjmp.h>: setjmp/longjmp and their aliases, in assembly (a function that returns twice cannot
 * be written in C or Rust). The buffer is glibc's `struct __jmp_buf_tag` (200 bytes, so programs
 * built against glibc's header fit): the callee-saved registers rbx, rbp, r12-r15, the stack
 * pointer after the call and the return address, then `__mask_was_saved`. Pointers are stored
 * as they are (glibc mangles them; nothing outside this file reads the buffer). There are no
 * asynchronous signals on bare metal, so the sig* forms have no mask to save or restore: they are
 * setjmp/longjmp (and record that no mask was saved). longjmp(env, 0) returns 1 from setjmp, as C
 * requires. Host builds name them bf_* (bf.h's convention) so tests can call them beside glibc. */
#include "bf.h"

#ifdef BF_EXPORT_LIBC
#define BF_SJ(name) #name
#else
#define BF_SJ(name) "bf_" #name
#endif

/* A global function label: the entries and their aliases share one address. */
#define BF_SJ_ENTRY(name) ".globl " BF_SJ(name) "\n.type " BF_SJ(name) ",@function\n" BF_SJ(name) ":\n"

/* Two entries, each with its aliases: the first saves the registers and returns 0; the second
 * restores them and returns `val` (1 if 0) from the matching setjmp. */
__asm__(".text\n"
        ".p2align 4\n"
        BF_SJ_ENTRY(setjmp) BF_SJ_ENTRY(_setjmp) BF_SJ_ENTRY(__sigsetjmp) BF_SJ_ENTRY(sigsetjmp)
        "  movq %rbx, 0(%rdi)\n"
        "  movq %rbp, 8(%rdi)\n"
        "  movq %r12, 16(%rdi)\n"
        "  movq %r13, 24(%rdi)\n"
        "  movq %r14, 32(%rdi)\n"
        "  movq %r15, 40(%rdi)\n"
        "  leaq 8(%rsp), %rdx\n"   /* the caller's stack pointer once setjmp has returned */
        "  movq %rdx, 48(%rdi)\n"
        "  movq (%rsp), %rdx\n"    /* where setjmp returns to */
        "  movq %rdx, 56(%rdi)\n"
        "  movl $0, 64(%rdi)\n"    /* __mask_was_saved: never */
        "  xorl %eax, %eax\n"
        "  ret\n"
        ".size " BF_SJ(setjmp) ", .-" BF_SJ(setjmp) "\n"
        ".p2align 4\n"
        BF_SJ_ENTRY(longjmp) BF_SJ_ENTRY(_longjmp) BF_SJ_ENTRY(siglongjmp) BF_SJ_ENTRY(__longjmp_chk)
        "  movl %esi, %eax\n"
        "  testl %eax, %eax\n"
        "  jnz 1f\n"
        "  incl %eax\n"
        "1:\n"
        "  movq 0(%rdi), %rbx\n"
        "  movq 8(%rdi), %rbp\n"
        "  movq 16(%rdi), %r12\n"
        "  movq 24(%rdi), %r13\n"
        "  movq 32(%rdi), %r14\n"
        "  movq 40(%rdi), %r15\n"
        "  movq 48(%rdi), %rsp\n"
        "  jmpq *56(%rdi)\n"
        ".size " BF_SJ(longjmp) ", .-" BF_SJ(longjmp) "\n");

#ifndef BF_EXPORT_LIBC
#define setjmp bf_setjmp
#define _setjmp bf__setjmp
#define __sigsetjmp bf___sigsetjmp
#define sigsetjmp bf_sigsetjmp
#define longjmp bf_longjmp
#define _longjmp bf__longjmp
#define siglongjmp bf_siglongjmp
#define __longjmp_chk bf___longjmp_chk
#endif

/* The C view of the entries above, for their registry records. */
int setjmp(void *env) __attribute__((returns_twice));
int _setjmp(void *env) __attribute__((returns_twice));
int __sigsetjmp(void *env, int savemask) __attribute__((returns_twice));
int sigsetjmp(void *env, int savemask) __attribute__((returns_twice));
void longjmp(void *env, int val) __attribute__((noreturn));
void _longjmp(void *env, int val) __attribute__((noreturn));
void siglongjmp(void *env, int val) __attribute__((noreturn));
void __longjmp_chk(void *env, int val) __attribute__((noreturn));

/* int setjmp(jmp_buf env): save the calling context; 0 now, longjmp's value later. */
BF_EXPORT(setjmp);
/* int _setjmp(jmp_buf env): glibc's setjmp macro (what clang calls for setjmp). */
BF_EXPORT(_setjmp);
/* int __sigsetjmp(sigjmp_buf env, int savemask): glibc's sigsetjmp macro; no signal mask to save. */
BF_EXPORT(__sigsetjmp);
/* int sigsetjmp(sigjmp_buf env, int savemask): setjmp (no asynchronous signals, no mask). */
BF_EXPORT(sigsetjmp);
/* void longjmp(jmp_buf env, int val): back to env's setjmp, which returns val (1 if val is 0). */
BF_EXPORT(longjmp);
/* void _longjmp(jmp_buf env, int val): longjmp. */
BF_EXPORT(_longjmp);
/* void siglongjmp(sigjmp_buf env, int val): longjmp (no mask to restore). */
BF_EXPORT(siglongjmp);
/* void __longjmp_chk(jmp_buf env, int val): the fortified longjmp, without glibc's check against jumping into a deeper frame. */
BF_EXPORT(__longjmp_chk);
