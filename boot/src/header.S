/* Boot headers, placed first in the image by linker.ld (section .boot.header). */

/* ---- Multiboot2 header (must be 8-byte aligned and within the first 32 KiB) ---- */
.section .boot.header, "a"
.balign 8
mb2_header:
    .long 0xE85250D6                /* magic */
    .long 0                         /* architecture: i386 protected mode */
    .long mb2_header_end - mb2_header
    .long -(0xE85250D6 + 0 + (mb2_header_end - mb2_header))
    /* entry address tag: start at mb2_start in 32-bit protected mode */
    .balign 8
    .short 3, 0
    .long 12
    .long mb2_start
    /* module alignment tag: page-aligned modules */
    .balign 8
    .short 6, 0
    .long 8
    /* end tag */
    .balign 8
    .short 0, 0
    .long 8
mb2_header_end:

/* ---- PVH: XEN_ELFNOTE_PHYS32_ENTRY (type 18), read by QEMU's -kernel loader ---- */
.section .note.Xen, "a", @note
.balign 4
    .long 4                         /* namesz: "Xen\0" */
    .long 8                         /* descsz: a 64-bit value, whichever width the loader reads */
    .long 18                        /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .balign 4
    .quad pvh_start
