//! The IDT: vector `n` enters `core_rt_trap_stubs + 16 * n` (stubs.S) on an IST stack.

use super::super::cpu::gdt::ist;
use x86_64::VirtAddr;
use x86_64::structures::idt::InterruptDescriptorTable;

unsafe extern "C" {
    static core_rt_trap_stubs: u8;
}

static IDT: spin::Once<InterruptDescriptorTable> = spin::Once::new();

fn stub(vector: u8) -> VirtAddr {
    let base = &raw const core_rt_trap_stubs as u64;
    VirtAddr::new(base + 16 * vector as u64)
}

/// Build the IDT once and load it.
pub fn load() {
    let idt = IDT.call_once(|| {
        let mut idt = InterruptDescriptorTable::new();
        // SAFETY: (for every `set_handler_addr` / `set_stack_index` below) the address is the
        // matching stub in stubs.S, which saves all state and ends with iretq; the IST indexes
        // are valid entries of the TSS loaded by `gdt::init`.
        unsafe {
            macro_rules! set {
                ($field:ident, $vec:expr, $ist:expr) => {
                    idt.$field.set_handler_addr(stub($vec)).set_stack_index($ist);
                };
            }
            set!(divide_error, 0, ist::EXCEPTION);
            set!(debug, 1, ist::DEBUG);
            set!(non_maskable_interrupt, 2, ist::NMI);
            set!(breakpoint, 3, ist::DEBUG);
            set!(overflow, 4, ist::EXCEPTION);
            set!(bound_range_exceeded, 5, ist::EXCEPTION);
            set!(invalid_opcode, 6, ist::EXCEPTION);
            set!(device_not_available, 7, ist::EXCEPTION);
            set!(double_fault, 8, ist::DOUBLE_FAULT);
            set!(invalid_tss, 10, ist::EXCEPTION);
            set!(segment_not_present, 11, ist::EXCEPTION);
            set!(stack_segment_fault, 12, ist::EXCEPTION);
            set!(general_protection_fault, 13, ist::EXCEPTION);
            set!(page_fault, 14, ist::PAGE_FAULT);
            set!(x87_floating_point, 16, ist::EXCEPTION);
            set!(alignment_check, 17, ist::EXCEPTION);
            set!(machine_check, 18, ist::MACHINE_CHECK);
            set!(simd_floating_point, 19, ist::EXCEPTION);
            set!(virtualization, 20, ist::EXCEPTION);
            set!(cp_protection_exception, 21, ist::EXCEPTION);
            set!(hv_injection_exception, 28, ist::EXCEPTION);
            set!(vmm_communication_exception, 29, ist::EXCEPTION);
            set!(security_exception, 30, ist::EXCEPTION);
            for v in 32..=255u8 {
                idt[v].set_handler_addr(stub(v)).set_stack_index(ist::IRQ);
            }
        }
        idt
    });
    idt.load();
}
