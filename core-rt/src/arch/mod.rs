//! Architecture selection: picks the one architecture and re-exports it. Generic code uses only
//! what an architecture provides:
//! - `start`: the entry called by the boot code, turning the loader's hand-off into a [`crate::boot_info::BootInfo`];
//! - `cpu`: feature set-up (SSE/AVX), the time-stamp counter, the GDT/TSS, `halt`, `pause`, and
//!   machine randomness (`rng::random_u64`);
//! - `mm`: page tables with permissions (map, protect, unmap 4 KiB pages of the mmap arena);
//! - `interrupts`: the IDT, exception reports, the interrupt controller and the periodic timer;
//! - `machine`: leaving the machine (QEMU exit device, ACPI power-off), thread pointer, RTC.

#[cfg(target_arch = "x86_64")]
mod x86_64;
#[cfg(target_arch = "x86_64")]
pub use self::x86_64::*;
