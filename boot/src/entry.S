/* 32-bit entry → long mode. Linked at physical addresses (identity-mapped image). */

.set CR0_PE, 1 << 0
.set CR0_MP, 1 << 1
.set CR0_EM, 1 << 2
.set CR0_PG, 1 << 31
.set CR4_PAE, 1 << 5
.set CR4_OSFXSR, 1 << 9
.set CR4_OSXMMEXCPT, 1 << 10
.set EFER_MSR, 0xC0000080
.set EFER_LME, 1 << 8
.set EFER_NXE, 1 << 11
.set PTE_P_W, 0x3
.set PTE_P_W_PS, 0x83

.section .boot.text, "ax"
.code32

.global mb2_start
mb2_start:
    cli
    movl $1, %edi                   /* PROTOCOL_MULTIBOOT2 */
    jmp 1f

.global pvh_start
pvh_start:
    cli
    movl $2, %edi                   /* PROTOCOL_PVH */
1:
    movl %ebx, %esi                 /* boot information, physical */
    movl $boot_stack_top, %esp

    /* Zero .bss (loaders are not all trusted to) — keep edi/esi. */
    movl %edi, %ebp
    movl %esi, %edx
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    cld
    rep stosb
    movl %ebp, %edi
    movl %edx, %esi

    /* Temporary identity map of the first 4 GiB with 2 MiB pages:
       PML4[0] → PDPT, PDPT[0..4] → boot_pd[0..4]. core-rt replaces it with real permissions. */
    movl $boot_pdpt, %eax
    orl $PTE_P_W, %eax
    movl %eax, boot_pml4
    xorl %ecx, %ecx
2:  movl %ecx, %eax
    shll $12, %eax
    addl $boot_pd, %eax
    orl $PTE_P_W, %eax
    movl %eax, boot_pdpt(,%ecx,8)
    incl %ecx
    cmpl $4, %ecx
    jne 2b
    xorl %ecx, %ecx                 /* 2048 PDEs, entry i maps i * 2 MiB */
3:  movl %ecx, %eax
    shll $21, %eax
    orl $PTE_P_W_PS, %eax
    movl %eax, boot_pd(,%ecx,8)
    movl %ecx, %eax
    shrl $11, %eax                  /* high dword: (i * 2 MiB) >> 32 */
    movl %eax, boot_pd+4(,%ecx,8)
    incl %ecx
    cmpl $2048, %ecx
    jne 3b

    /* PAE + SSE in CR4, page tables in CR3, long mode + NX in EFER, then paging. */
    movl %cr4, %eax
    orl $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl $EFER_MSR, %ecx
    rdmsr
    orl $(EFER_LME | EFER_NXE), %eax
    wrmsr
    movl %cr0, %eax
    andl $~CR0_EM, %eax
    orl $(CR0_PE | CR0_MP | CR0_PG), %eax
    movl %eax, %cr0

    lgdt boot_gdt_ptr
    ljmp $0x08, $long_mode_entry

.code64
long_mode_entry:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    movl %esi, %esi                 /* zero-extend boot info pointer */
    movabsq $boot_stack_top, %rsp
    xorl %ebp, %ebp                 /* end of the frame-pointer chain for backtraces */
    pushq $0                        /* fake return address, keeps the ABI's 16-byte alignment */
    jmp core_rt_boot                /* (edi = protocol, rsi = info) — never returns */

.section .boot.rodata, "a"
.balign 16
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff        /* 0x08: 64-bit code, DPL0 */
    .quad 0x00cf92000000ffff        /* 0x10: data, DPL0 */
boot_gdt_end:
boot_gdt_ptr:
    .short boot_gdt_end - boot_gdt - 1
    .long boot_gdt

/* Boot page tables: in .bss, which is zeroed above before they are written. */
.section .bss.boot_tables, "aw", @nobits
.balign 4096
.global boot_pml4
boot_pml4: .skip 4096
boot_pdpt: .skip 4096
boot_pd:   .skip 4 * 4096

/* The main stack (8 MiB), below it one guard page that core-rt leaves unmapped. Not zeroed:
   linker.ld places .kstack after .bss. */
.section .kstack, "aw", @nobits
.balign 4096
.global boot_stack_guard
boot_stack_guard: .skip 4096
.global boot_stack_bottom
boot_stack_bottom: .skip 8 * 1024 * 1024
.global boot_stack_top
boot_stack_top:
