//! The legacy interrupt controller (two 8259 PICs remapped to vectors 32..47) and the PIT's
//! channel 0 as a periodic tick. The tick count is the coarse clock for sampling; precise time
//! comes from the TSC (see `cpu::tsc`).

use core::sync::atomic::{AtomicU64, Ordering};
use pic8259::ChainedPics;
use x86_64::instructions::port::Port;

/// Timer interrupts per second.
pub const TIMER_HZ: u32 = 100;
/// First vector of the remapped PICs.
pub const PIC_BASE: u8 = 32;

static PICS: spin::Mutex<ChainedPics> = spin::Mutex::new(
    // SAFETY: vectors 32..47 are free (exceptions end at 31) and only this module drives the PICs.
    unsafe { ChainedPics::new(PIC_BASE, PIC_BASE + 8) },
);
static TICKS: AtomicU64 = AtomicU64::new(0);
/// Timer interrupts per tick (1 at [`TIMER_HZ`]; more while the sampler runs faster).
static PER_TICK: AtomicU64 = AtomicU64::new(1);
static SUB: AtomicU64 = AtomicU64::new(0);

/// Timer interrupts since boot.
pub fn ticks() -> u64 {
    TICKS.load(Ordering::Relaxed)
}

/// Remap the PICs, unmask the timer (IRQ 0) and the keyboard (IRQ 1), start the PIT at [`TIMER_HZ`].
pub fn init() {
    let mut pics = PICS.lock();
    // SAFETY: standard 8259 initialisation sequence on the PC's fixed ports; then mask every
    // line but IRQ 0 and 1 (master) — the slave stays masked, cascade line 2 unmasked.
    unsafe {
        pics.initialize();
        pics.write_masks(0b1111_1000, 0xff);
    }
    local_apic_virtual_wire();
    program_pit(TIMER_HZ);
}

/// Let the 8259's interrupts reach the CPU through the local APIC ("virtual wire" mode: LINT0
/// delivers ExtINT, LINT1 NMI), as a PC BIOS leaves it. Firmware that does not touch the local
/// APIC (QEMU's qboot, which `tools/qemu-run` uses for direct kernel boots) leaves LINT0 masked,
/// and no timer or keyboard interrupt would ever arrive. With the APIC globally disabled the 8259
/// is wired to the CPU directly and there is nothing to do.
fn local_apic_virtual_wire() {
    use super::apic;
    let Some(base) = apic::local() else { return };
    // Software enable (spurious vector 255); LVT LINT0: ExtINT, unmasked; LINT1: NMI. Only the
    // boot CPU takes the 8259's interrupts: the other CPUs leave LINT0 masked, as INIT left it.
    apic::enable(base);
    apic::write(base, apic::REG_LVT_LINT0, 0x700);
    apic::write(base, apic::REG_LVT_LINT1, 0x400);
}

/// Run the timer interrupt at `hz` (a multiple of [`TIMER_HZ`], up to 10 kHz); ticks keep
/// counting at [`TIMER_HZ`].
pub fn set_rate(hz: u32) {
    let hz = (hz / TIMER_HZ).clamp(1, 100) * TIMER_HZ;
    PER_TICK.store(u64::from(hz / TIMER_HZ), Ordering::Relaxed);
    program_pit(hz);
}

fn program_pit(hz: u32) {
    let divisor = (1_193_182 / hz) as u16;
    let mut cmd: Port<u8> = Port::new(0x43);
    let mut ch0: Port<u8> = Port::new(0x40);
    // SAFETY: PIT channel 0, mode 2 (rate generator), lobyte/hibyte; only this module uses it.
    unsafe {
        cmd.write(0b0011_0100);
        ch0.write(divisor as u8);
        ch0.write((divisor >> 8) as u8);
    }
}

/// Handle IRQ `irq` (0..15) that interrupted `rip`: count timer ticks (and take a profile
/// sample when the sampler runs), acknowledge the PIC. Spurious IRQ 7/15 are not acknowledged
/// (the 8259 did not set them in-service).
pub fn handle_irq(irq: u8, rip: u64) {
    match irq {
        0 => {
            if crate::runtime::sampler::enabled() {
                crate::runtime::sampler::record(rip);
            }
            let per = PER_TICK.load(Ordering::Relaxed);
            if per <= 1 || SUB.fetch_add(1, Ordering::Relaxed) % per == per - 1 {
                TICKS.fetch_add(1, Ordering::Relaxed);
                crate::sched::tick();
            }
        }
        1 => crate::dev::keyboard::handle_irq(),
        _ => {}
    }
    if irq == 7 || irq == 15 {
        let mut isr_cmd: Port<u8> = Port::new(if irq == 7 { 0x20 } else { 0xa0 });
        // SAFETY: OCW3 "read ISR" on the PIC's command port, then read it back.
        let isr = unsafe {
            isr_cmd.write(0x0b);
            isr_cmd.read()
        };
        if isr & 0x80 == 0 {
            if irq == 15 {
                // The master saw the cascade interrupt: it still needs its EOI.
                let mut master: Port<u8> = Port::new(0x20);
                // SAFETY: non-specific EOI to the master PIC.
                unsafe { master.write(0x20) };
            }
            return;
        }
    }
    // SAFETY: `irq` is the line that interrupted us; the PIC expects this EOI.
    unsafe { PICS.lock().notify_end_of_interrupt(PIC_BASE + irq) };
}
