//! CPU set-up: SSE/AVX state enabling, the time-stamp counter, the GDT/TSS with IST stacks (one
//! set per CPU), starting the other CPUs (`smp`), and RDRAND-based randomness (`rng`).

pub mod context;
pub mod gdt;
pub mod rng;
pub mod smp;
pub mod tsc;

use core::arch::x86_64::{__cpuid, __cpuid_count, _xgetbv};
use core::sync::atomic::{AtomicU32, Ordering};

/// Bytes `xsave` needs for the enabled state components (0 when only `fxsave` is available).
static XSAVE_SIZE: AtomicU32 = AtomicU32::new(0);

/// What the CPU offers and what we enabled, for the boot log.
#[derive(Clone, Copy, Debug, Default)]
pub struct Features {
    pub xsave: bool,
    pub avx: bool,
    pub avx2: bool,
    pub avx512f: bool,
    pub rdrand: bool,
    pub xsave_size: u32,
}

/// Enable the vector state compiled code may use: SSE (CR0/CR4, also done by the boot code),
/// and when the CPU has XSAVE, the AVX and AVX-512 components in XCR0.
pub fn enable_vector_state() -> Features {
    let l1 = __cpuid(1);
    let l7 = __cpuid_count(7, 0);
    let mut f = Features {
        xsave: l1.ecx & (1 << 26) != 0,
        avx: l1.ecx & (1 << 28) != 0,
        avx2: l7.ebx & (1 << 5) != 0,
        avx512f: l7.ebx & (1 << 16) != 0,
        rdrand: l1.ecx & (1 << 30) != 0,
        xsave_size: 0,
    };
    // SAFETY: CR0/CR4 updates below only turn on FPU/SSE/XSAVE state handling, which the CPU
    // reported (CPUID) and which no running code depends on being off.
    unsafe {
        use x86_64::registers::control::{Cr0, Cr0Flags, Cr4, Cr4Flags};
        let mut cr0 = Cr0::read();
        cr0.remove(Cr0Flags::EMULATE_COPROCESSOR);
        cr0.insert(Cr0Flags::MONITOR_COPROCESSOR | Cr0Flags::NUMERIC_ERROR | Cr0Flags::WRITE_PROTECT);
        Cr0::write(cr0);
        let mut cr4 = Cr4::read();
        cr4.insert(Cr4Flags::OSFXSR | Cr4Flags::OSXMMEXCPT_ENABLE);
        if f.xsave {
            cr4.insert(Cr4Flags::OSXSAVE);
        }
        Cr4::write(cr4);
    }
    if f.xsave {
        let d = __cpuid_count(0xD, 0);
        let supported = ((d.edx as u64) << 32) | d.eax as u64;
        let mut want = 0b11; // x87 | SSE
        if f.avx {
            want |= 1 << 2;
        }
        if f.avx512f {
            want |= 0b111 << 5; // opmask, ZMM_Hi256, Hi16_ZMM
        }
        let xcr0 = want & supported;
        f.avx &= xcr0 & (1 << 2) != 0;
        f.avx2 &= f.avx;
        f.avx512f &= xcr0 & (0b111 << 5) == 0b111 << 5;
        // SAFETY: CR4.OSXSAVE is set; `xcr0` only holds components the CPU supports, with x87|SSE.
        unsafe {
            core::arch::asm!("xsetbv", in("ecx") 0, in("eax") xcr0 as u32, in("edx") (xcr0 >> 32) as u32,
                options(nostack));
        }
        let size = __cpuid_count(0xD, 0).ebx;
        // SAFETY: OSXSAVE is on, so xgetbv is allowed; read back as a sanity check.
        let check = unsafe { _xgetbv(0) };
        if check == xcr0 {
            f.xsave_size = size;
            XSAVE_SIZE.store(size, Ordering::Relaxed);
        }
    }
    f
}

/// Bytes the trap entry reserves for saving vector state (`xsave` area or 512 for `fxsave`).
pub fn vector_state_size() -> u32 {
    match XSAVE_SIZE.load(Ordering::Relaxed) {
        0 => 512,
        n => n,
    }
}

/// True when trap entry saves vector state with `xsave` (else `fxsave`).
pub fn uses_xsave() -> bool {
    XSAVE_SIZE.load(Ordering::Relaxed) != 0
}

/// Wait for the next interrupt.
pub fn halt() {
    x86_64::instructions::hlt();
}

/// Spin-loop hint.
pub fn pause() {
    core::hint::spin_loop();
}

/// The CPU's brand string (CPUID 0x80000002..4), e.g. "QEMU Virtual CPU version 2.5+".
pub fn brand(buf: &mut [u8; 48]) -> &str {
    let max = __cpuid(0x8000_0000).eax;
    if max < 0x8000_0004 {
        return "unknown x86-64";
    }
    for (i, leaf) in (0x8000_0002u32..=0x8000_0004).enumerate() {
        let r = __cpuid(leaf);
        for (j, w) in [r.eax, r.ebx, r.ecx, r.edx].iter().enumerate() {
            buf[i * 16 + j * 4..i * 16 + j * 4 + 4].copy_from_slice(&w.to_le_bytes());
        }
    }
    let n = buf.iter().position(|&b| b == 0).unwrap_or(48);
    core::str::from_utf8(&buf[..n]).unwrap_or("unknown x86-64").trim()
}
