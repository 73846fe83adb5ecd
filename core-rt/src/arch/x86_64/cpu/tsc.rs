//! The time-stamp counter: read it, and learn its frequency from CPUID when the CPU says it,
//! otherwise by counting TSC ticks over about 2 ms of the PIT's channel 2 (1.193182 MHz crystal).

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

/// TSC ticks per second against PIT channel 2 over about 2 ms. Each end of the window is a PIT
/// count read bracketed by two TSC reads; of several tries the one with the tightest bracket is
/// kept, so a stall inside a port access (under QEMU's TCG the vCPU may wait for QEMU's global
/// lock there; measured: single 1 ms windows gave 2634–3079 MHz for a 2600 MHz host TSC) cannot
/// stretch the window unnoticed.
fn from_pit() -> u64 {
    const PIT_HZ: u64 = 1_193_182;
    const SPAN: u16 = (PIT_HZ * 2 / 1000) as u16; // 2 ms of PIT ticks
    let mut gate: Port<u8> = Port::new(0x61);
    let mut cmd: Port<u8> = Port::new(0x43);
    let mut ch2: Port<u8> = Port::new(0x42);
    // SAFETY: ports 0x42/0x43/0x61 are the PIT channel 2 and its gate on every PC; nothing else
    // in core-rt uses channel 2.
    unsafe {
        let g = gate.read();
        gate.write((g & !0x02) | 0x01); // gate on, speaker off
        cmd.write(0b1011_0000); // channel 2, lobyte/hibyte, mode 0, binary
        ch2.write(0xff);
        ch2.write(0xff); // counts down from 65535 (55 ms)
    }
    let (ta, ca, _) = best(&mut cmd, &mut ch2, 8);
    while ca.saturating_sub(sample(&mut cmd, &mut ch2).1) < SPAN {
        core::hint::spin_loop();
    }
    let (tb, cb, _) = best(&mut cmd, &mut ch2, 8);
    let pit = u64::from(ca.saturating_sub(cb)).max(1);
    (tb - ta) * PIT_HZ / pit
}

/// One bracketed reading of PIT channel 2: (TSC at the middle, count, bracket width in TSC ticks).
fn sample(cmd: &mut Port<u8>, ch2: &mut Port<u8>) -> (u64, u16, u64) {
    let t0 = read();
    // SAFETY: PIT ports (see `from_pit`); the latch command freezes channel 2's count for the
    // two reads.
    let count = unsafe {
        cmd.write(0b1000_0000);
        let lo = ch2.read();
        let hi = ch2.read();
        u16::from_le_bytes([lo, hi])
    };
    let t1 = read();
    (t0 + (t1 - t0) / 2, count, t1 - t0)
}

/// Of `n` readings, the one with the tightest bracket.
fn best(cmd: &mut Port<u8>, ch2: &mut Port<u8>, n: usize) -> (u64, u16, u64) {
    (0..n).map(|_| sample(cmd, ch2)).min_by_key(|s| s.2).expect("n > 0")
}
