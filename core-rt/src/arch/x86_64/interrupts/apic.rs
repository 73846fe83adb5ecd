//! The local APIC (xAPIC, memory-mapped at the address IA32_APIC_BASE gives): its id, software
//! enable, and inter-processor interrupts through the ICR (INIT and STARTUP to wake application
//! processors; the scheduler's wake-up of a halted CPU).

use x86_64::registers::model_specific::Msr;

const IA32_APIC_BASE: u32 = 0x1b;
const GLOBAL_ENABLE: u64 = 1 << 11;

const REG_ID: usize = 0x20;
const REG_EOI: usize = 0xb0;
const REG_SPURIOUS: usize = 0xf0;
const REG_ICR_LOW: usize = 0x300;
const REG_ICR_HIGH: usize = 0x310;
pub const REG_LVT_LINT0: usize = 0x350;
pub const REG_LVT_LINT1: usize = 0x360;
/// ICR delivery status: the previous IPI is still being sent.
const ICR_PENDING: u32 = 1 << 12;

/// MMIO base of this CPU's local APIC, or `None` when the APIC is globally disabled.
fn base() -> Option<usize> {
    // SAFETY: IA32_APIC_BASE exists on every x86-64 CPU; reading it has no side effect.
    let msr = unsafe { Msr::new(IA32_APIC_BASE).read() };
    (msr & GLOBAL_ENABLE != 0).then_some((msr & 0x000f_ffff_ffff_f000) as usize)
}

/// Read local APIC register `offset`.
fn read(base: usize, offset: usize) -> u32 {
    // SAFETY: the local APIC's registers are 4 KiB of MMIO at `base` (below 4 GiB, identity-mapped
    // by `mm::paging`); each CPU sees its own APIC at that address; a read has no side effect on
    // the registers used here.
    unsafe { core::ptr::read_volatile((base + offset) as *const u32) }
}

/// Write local APIC register `offset`.
pub fn write(base: usize, offset: usize, value: u32) {
    // SAFETY: as in `read`; the register offsets used are the architectural ones.
    unsafe { core::ptr::write_volatile((base + offset) as *mut u32, value) }
}

/// The running CPU's local APIC: `None` when it is globally disabled.
pub fn local() -> Option<usize> {
    base()
}

/// Software-enable the running CPU's local APIC with spurious vector 255 (its stub ignores it).
pub fn enable(base: usize) {
    write(base, REG_SPURIOUS, read(base, REG_SPURIOUS) | 0x1ff);
}

/// The running CPU's local APIC id.
pub fn id(base: usize) -> u32 {
    read(base, REG_ID) >> 24
}

/// Send the IPI `command` (ICR low word) to the CPU with local APIC id `dest` and wait until it
/// left (delivery status idle). False when it did not leave within ~100 ms.
fn send(base: usize, dest: u32, command: u32, ticks_per_ms: u64) -> bool {
    write(base, REG_ICR_HIGH, dest << 24);
    write(base, REG_ICR_LOW, command);
    let t0 = super::super::cpu::tsc::read();
    while read(base, REG_ICR_LOW) & ICR_PENDING != 0 {
        if super::super::cpu::tsc::read() - t0 > 100 * ticks_per_ms {
            return false;
        }
        core::hint::spin_loop();
    }
    true
}

/// INIT (level assert) to `dest`: the CPU resets and waits for a STARTUP IPI.
pub fn send_init(base: usize, dest: u32, ticks_per_ms: u64) -> bool {
    send(base, dest, 0x0000_4500, ticks_per_ms)
}

/// STARTUP to `dest`: it starts in real mode at `page * 4096` (`page` below 256).
pub fn send_startup(base: usize, dest: u32, page: u8, ticks_per_ms: u64) -> bool {
    send(base, dest, 0x0000_4600 | page as u32, ticks_per_ms)
}

/// The vector of the scheduler's wake-up IPI: its handler only acknowledges it (the point is to
/// end a `hlt`).
pub const WAKE_VECTOR: u8 = 0xf0;

/// Send the wake-up IPI to the CPU with local APIC id `dest` (does not wait for delivery).
/// Interrupts are off between the two ICR writes: the timer tick sends wake-ups too, and its
/// destination must not land between ours.
pub fn send_wake(dest: u32) {
    if let Some(base) = base() {
        x86_64::instructions::interrupts::without_interrupts(|| {
            write(base, REG_ICR_HIGH, dest << 24);
            write(base, REG_ICR_LOW, WAKE_VECTOR as u32);
        });
    }
}

/// Acknowledge the interrupt the local APIC delivered (end of interrupt).
pub fn eoi() {
    if let Some(base) = base() {
        write(base, REG_EOI, 0);
    }
}
