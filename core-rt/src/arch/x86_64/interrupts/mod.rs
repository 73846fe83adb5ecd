//! Interrupts: the IDT (every vector on an IST stack), the trap entry, exception reports, and
//! the legacy PIC + PIT periodic timer.

pub mod apic;
mod idt;
mod timer;
mod trap;

pub use timer::{TIMER_HZ, set_rate, ticks};
pub use trap::TrapFrame;

use core::sync::atomic::{AtomicBool, AtomicU32};

core::arch::global_asm!(include_str!("stubs.S"), options(att_syntax));

/// Read by the trap entry (stubs.S): bytes reserved for vector state, and xsave vs fxsave.
#[unsafe(no_mangle)]
static core_rt_vstate_size: AtomicU32 = AtomicU32::new(512);
#[unsafe(no_mangle)]
static core_rt_use_xsave: AtomicBool = AtomicBool::new(false);

/// Load the IDT (after the vector state is enabled: the trap entry saves what is enabled).
pub fn init_idt() {
    use core::sync::atomic::Ordering::Relaxed;
    core_rt_vstate_size.store(super::cpu::vector_state_size() + 64, Relaxed);
    core_rt_use_xsave.store(super::cpu::uses_xsave(), Relaxed);
    idt::load();
}

/// Load the (shared) IDT on an application processor; the boot CPU built it in [`init_idt`].
pub fn load_idt_on_this_cpu() {
    idt::load();
}

/// Program the PIC and the periodic timer, and enable interrupts.
pub fn start_timer() {
    timer::init();
    x86_64::instructions::interrupts::enable();
}
