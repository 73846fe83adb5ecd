//! The time-stamp counter: read it, and learn its frequency from CPUID when the CPU says it,
//! otherwise by counting TSC ticks over 1 ms of the PIT's channel 2 (1.193182 MHz crystal).

use core::arch::x86_64::{__cpuid, _rdtsc};
use x86_64::instructions::port::Port;

/// Current TSC value.
#[inline]
pub fn read() -> u64 {
    // SAFETY: RDTSC is unprivileged and always present on x86-64.
    unsafe { _rdtsc() }
}

/// How the frequency was found, for the boot log.
#[derive(Clone, Copy, Debug)]
pub enum Source {
    CpuidLeaf15,
    HypervisorLeaf,
    Pit,
}

/// TSC frequency in Hz and where it came from.
pub fn frequency() -> (u64, Source) {
    if let Some(hz) = from_cpuid_15() {
        return (hz, Source::CpuidLeaf15);
    }
    if let Some(hz) = from_hypervisor_leaf() {
        return (hz, Source::HypervisorLeaf);
    }
    (from_pit(), Source::Pit)
}

fn from_cpuid_15() -> Option<u64> {
    let max = __cpuid(0).eax;
    if max < 0x15 {
        return None;
    }
    let r = __cpuid(0x15);
    (r.eax != 0 && r.ebx != 0 && r.ecx != 0).then(|| r.ecx as u64 * r.ebx as u64 / r.eax as u64)
}

fn from_hypervisor_leaf() -> Option<u64> {
    if __cpuid(1).ecx & (1 << 31) == 0 {
        return None;
    }
    let max = __cpuid(0x4000_0000).eax;
    if max < 0x4000_0010 {
        return None;
    }
    let khz = __cpuid(0x4000_0010).eax;
    (khz != 0).then_some(khz as u64 * 1000)
}

/// Count TSC ticks while PIT channel 2 counts down 1 ms (mode 0, gate on, speaker off).
fn from_pit() -> u64 {
    const PIT_HZ: u64 = 1_193_182;
    const TICKS: u16 = (PIT_HZ / 1000) as u16;
    let mut gate: Port<u8> = Port::new(0x61);
    let mut cmd: Port<u8> = Port::new(0x43);
    let mut ch2: Port<u8> = Port::new(0x42);
    // SAFETY: ports 0x42/0x43/0x61 are the PIT channel 2 and its gate on every PC; nothing else
    // in core-rt uses channel 2.
    unsafe {
        let g = gate.read();
        gate.write((g & !0x02) | 0x01);
        cmd.write(0b1011_0000); // channel 2, lobyte/hibyte, mode 0, binary
        ch2.write(TICKS as u8);
        ch2.write((TICKS >> 8) as u8);
        let g = gate.read();
        gate.write(g & !0x01); // restart the count with a gate edge
        gate.write(g | 0x01);
        let start = read();
        while gate.read() & 0x20 == 0 {
            core::hint::spin_loop();
        }
        let end = read();
        (end - start) * PIT_HZ / TICKS as u64
    }
}
