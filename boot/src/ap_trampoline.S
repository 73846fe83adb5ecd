/* Application-processor start-up: real mode → protected mode → long mode.
   The BSP copies the bytes between ap_trampoline and ap_trampoline_end into a free page below
   1 MiB and sends INIT-SIPI-SIPI with that page's number as the vector: the AP starts in real mode
   at CS = page << 8, IP = 0. The code only uses offsets from its own start (it is not run where it
   was linked); the parameter block at fixed offsets is written by core-rt before each start-up.
   The AP first pages through the boot's identity map (boot_pml4: no NX bits, so the code can run
   from this low page), then, in long mode at ap_long_mode (linked code), switches to the kernel's
   page tables and stack and calls core_rt_ap_entry(arg). */

.set AP_PARAM_CR3, 8
.set AP_PARAM_STACK, 16
.set AP_PARAM_ARG, 24

.section .boot.rodata, "a"
.balign 16
.global ap_trampoline
ap_trampoline:
.code16
    /* cli; jmp short over the parameter block to offset 32. Written as bytes so that nothing
       between here and the block can change size: the block is at fixed offsets. */
    .byte 0xfa, 0xeb, 0x1d
    .skip 5
ap_param_cr3:   .quad 0     /* offset 8: kernel page tables (CR3) */
ap_param_stack: .quad 0     /* offset 16: initial stack pointer */
ap_param_arg:   .quad 0     /* offset 24: core_rt_ap_entry's argument */
    jmp 1f
ap_far32:       .long 0     /* far pointer to ap_pm32 (linear), selector 0x08 */
                .word 0x08
.balign 8
ap_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff        /* 0x08: 32-bit code */
    .quad 0x00cf92000000ffff        /* 0x10: data */
    .quad 0x00af9a000000ffff        /* 0x18: 64-bit code */
ap_gdt_end:
ap_gdt_ptr:
    .short ap_gdt_end - ap_gdt - 1
    .long 0                         /* linear address of ap_gdt, filled in below */
1:
    movw %cs, %ax
    movw %ax, %ds
    movzwl %ax, %ebx
    shll $4, %ebx                   /* ebx = linear address of this page */
    leal (ap_gdt - ap_trampoline)(%ebx), %eax
    movl %eax, (ap_gdt_ptr + 2 - ap_trampoline)
    leal (ap_pm32 - ap_trampoline)(%ebx), %eax
    movl %eax, (ap_far32 - ap_trampoline)
    lgdtl (ap_gdt_ptr - ap_trampoline)
    movl %cr0, %eax
    orl $1, %eax                    /* PE */
    movl %eax, %cr0
    ljmpl *(ap_far32 - ap_trampoline)

.code32
ap_pm32:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    /* PAE + SSE, the boot's identity map, long mode + NX, paging: as entry.S does on the BSP. */
    movl %cr4, %eax
    orl $((1 << 5) | (1 << 9) | (1 << 10)), %eax
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl $0xC0000080, %ecx
    rdmsr
    orl $((1 << 8) | (1 << 11)), %eax
    wrmsr
    movl %cr0, %eax
    andl $~(1 << 2), %eax           /* EM off */
    orl $((1 << 0) | (1 << 1) | (1 << 31)), %eax
    movl %eax, %cr0
    ljmp $0x18, $ap_long_mode
.global ap_trampoline_end
ap_trampoline_end:

.section .boot.text, "ax"
.code64
ap_long_mode:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    movl %ebx, %ebx                 /* the trampoline page, zero-extended */
    movq AP_PARAM_CR3(%rbx), %rax
    movq %rax, %cr3
    movq AP_PARAM_STACK(%rbx), %rsp
    movq AP_PARAM_ARG(%rbx), %rdi
    xorl %ebp, %ebp                 /* end of the frame-pointer chain */
    pushq $0                        /* fake return address: 16-byte alignment at the call */
    jmp core_rt_ap_entry
