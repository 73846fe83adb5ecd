//! The boot path: the Multiboot2 header (GRUB), the PVH ELF note (`qemu -kernel`), and the 32-bit
//! entry code that builds a temporary identity map, enters long mode with its own GDT, enables
//! SSE and jumps to core-rt's `core_rt_boot(protocol, info)`. Everything after that is Rust.
//!
//! Both loaders hand over in 32-bit protected mode with paging off and `ebx` = physical address of
//! their boot information (Multiboot2 info or PVH `hvm_start_info`); the two entry points only
//! differ in the protocol number they pass on ([`PROTOCOL_MULTIBOOT2`], [`PROTOCOL_PVH`]).
#![no_std]

/// `core_rt_boot`'s first argument when GRUB booted us through Multiboot2.
pub const PROTOCOL_MULTIBOOT2: u32 = 1;
/// `core_rt_boot`'s first argument when QEMU booted us through PVH (`-kernel`).
pub const PROTOCOL_PVH: u32 = 2;

core::arch::global_asm!(include_str!("header.S"), options(att_syntax));
core::arch::global_asm!(include_str!("entry.S"), options(att_syntax));
// The application processors' start-up code (`ap_trampoline` .. `ap_trampoline_end`, copied by
// core-rt below 1 MiB; its parameter block layout is documented in the file).
core::arch::global_asm!(include_str!("ap_trampoline.S"), options(att_syntax));

unsafe extern "C" {
    /// The Multiboot2 entry point (defined in entry.S); also the ELF entry.
    fn mb2_start() -> !;
}

/// A reference to the entry code, so that the linker keeps this crate's object file. The kernel
/// program's platform module takes its address once.
pub fn entry_address() -> usize {
    mb2_start as *const () as usize
}
