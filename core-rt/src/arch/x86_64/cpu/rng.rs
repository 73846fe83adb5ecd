//! Machine randomness: the CPU's RDRAND when it has one, else a mixer seeded from the time-stamp
//! counter (not cryptographic then). Seeds the TLS stack-protector canary at boot and backs the
//! libc's `getrandom`, `getentropy` and `arc4random`.

/// 64 random bits: RDRAND when the CPU has it, else a TSC-seeded mixer (not cryptographic).
pub fn random_u64() -> u64 {
    static STATE: core::sync::atomic::AtomicU64 = core::sync::atomic::AtomicU64::new(0);
    if let Some(v) = rdrand() {
        return v;
    }
    let mut x = STATE.load(core::sync::atomic::Ordering::Relaxed) ^ super::tsc::read();
    // splitmix64
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    STATE.store(x, core::sync::atomic::Ordering::Relaxed);
    let mut z = x;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn rdrand() -> Option<u64> {
    if core::arch::x86_64::__cpuid(1).ecx & (1 << 30) == 0 {
        return None;
    }
    for _ in 0..10 {
        let (v, ok): (u64, u8);
        // SAFETY: RDRAND is available (checked); it only writes the named registers and flags.
        unsafe {
            core::arch::asm!("rdrand {v}", "setc {ok}", v = out(reg) v, ok = out(reg_byte) ok, options(nomem, nostack))
        };
        if ok != 0 {
            return Some(v);
        }
    }
    None
}
