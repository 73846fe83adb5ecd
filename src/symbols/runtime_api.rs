//! runtime.h (core-rt/include/runtime.h) for code run by `bareflow` as a Linux process: backed by
//! the host, with the behaviour core-rt/host/runtime_host.c gives natively compiled programs
//! (vga_puts → stdout, serial_puts → stderr, keyboard_getchar → stdin). In the unikernel the
//! functions are core-rt's (`core_rt::rtapi`), found in the symbol registry.

/// runtime.h's functions backed by the host (a Linux process), each registered in the symbol
/// registry where it is defined.
mod host {
    use std::ffi::{CStr, c_char, c_int};
    use std::io::{Read, Write};

    extern "C" fn vga_init() {}
    symbol_registry::register!(fn vga_init);

    /// # Safety
    /// `s` is a C string.
    unsafe extern "C" fn vga_puts(s: *const c_char) {
        if !s.is_null() {
            // SAFETY: caller's contract.
            let b = unsafe { CStr::from_ptr(s) }.to_bytes();
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(b);
            let _ = out.flush();
        }
    }
    symbol_registry::register!(fn vga_puts);

    extern "C" fn serial_init() {}
    symbol_registry::register!(fn serial_init);

    /// # Safety
    /// `s` is a C string.
    unsafe extern "C" fn serial_puts(s: *const c_char) {
        if !s.is_null() {
            // SAFETY: caller's contract.
            let _ = std::io::stderr().write_all(unsafe { CStr::from_ptr(s) }.to_bytes());
        }
    }
    symbol_registry::register!(fn serial_puts);

    extern "C" fn keyboard_getchar() -> c_int {
        let mut b = [0u8; 1];
        match std::io::stdin().lock().read(&mut b) {
            Ok(1) => b[0] as c_int,
            _ => -1,
        }
    }
    symbol_registry::register!(fn keyboard_getchar);

    extern "C" fn cpu_rdtsc() -> u64 {
        // SAFETY: RDTSC is unprivileged on x86-64.
        unsafe { core::arch::x86_64::_rdtsc() }
    }
    symbol_registry::register!(fn cpu_rdtsc);

    /// # Safety
    /// The pointers are null or writable.
    unsafe extern "C" fn cpu_cpuid(leaf: u32, a: *mut u32, b: *mut u32, c: *mut u32, d: *mut u32) {
        let r = core::arch::x86_64::__cpuid_count(leaf, 0);
        for (p, v) in [(a, r.eax), (b, r.ebx), (c, r.ecx), (d, r.edx)] {
            if !p.is_null() {
                // SAFETY: caller's contract.
                unsafe { *p = v };
            }
        }
    }
    symbol_registry::register!(fn cpu_cpuid);
}
