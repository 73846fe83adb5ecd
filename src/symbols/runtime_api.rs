//! runtime.h (core-rt/include/runtime.h) for code run by `bareflow`: in the unikernel the
//! functions are core-rt's; as a Linux process they are backed by the host, with the behaviour
//! core-rt/host/runtime_host.c gives natively compiled programs (vga_puts → stdout,
//! serial_puts → stderr, keyboard_getchar → stdin).

/// runtime.h's functions on this platform.
pub fn table() -> Vec<(&'static str, usize)> {
    platform::table()
}

#[cfg(feature = "baremetal")]
mod platform {
    unsafe extern "C" {
        static vga_init: u8;
        static vga_puts: u8;
        static serial_init: u8;
        static serial_puts: u8;
        static keyboard_getchar: u8;
        static cpu_rdtsc: u8;
        static cpu_cpuid: u8;
    }

    pub fn table() -> Vec<(&'static str, usize)> {
        vec![
            ("vga_init", &raw const vga_init as usize),
            ("vga_puts", &raw const vga_puts as usize),
            ("serial_init", &raw const serial_init as usize),
            ("serial_puts", &raw const serial_puts as usize),
            ("keyboard_getchar", &raw const keyboard_getchar as usize),
            ("cpu_rdtsc", &raw const cpu_rdtsc as usize),
            ("cpu_cpuid", &raw const cpu_cpuid as usize),
        ]
    }
}

#[cfg(not(feature = "baremetal"))]
mod platform {
    use std::ffi::{CStr, c_char, c_int};
    use std::io::{Read, Write};

    extern "C" fn vga_init() {}

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

    extern "C" fn serial_init() {}

    /// # Safety
    /// `s` is a C string.
    unsafe extern "C" fn serial_puts(s: *const c_char) {
        if !s.is_null() {
            // SAFETY: caller's contract.
            let _ = std::io::stderr().write_all(unsafe { CStr::from_ptr(s) }.to_bytes());
        }
    }

    extern "C" fn keyboard_getchar() -> c_int {
        let mut b = [0u8; 1];
        match std::io::stdin().lock().read(&mut b) {
            Ok(1) => b[0] as c_int,
            _ => -1,
        }
    }

    extern "C" fn cpu_rdtsc() -> u64 {
        // SAFETY: RDTSC is unprivileged on x86-64.
        unsafe { core::arch::x86_64::_rdtsc() }
    }

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

    pub fn table() -> Vec<(&'static str, usize)> {
        vec![
            ("vga_init", vga_init as *const () as usize),
            ("vga_puts", vga_puts as *const () as usize),
            ("serial_init", serial_init as *const () as usize),
            ("serial_puts", serial_puts as *const () as usize),
            ("keyboard_getchar", keyboard_getchar as *const () as usize),
            ("cpu_rdtsc", cpu_rdtsc as *const () as usize),
            ("cpu_cpuid", cpu_cpuid as *const () as usize),
        ]
    }
}
