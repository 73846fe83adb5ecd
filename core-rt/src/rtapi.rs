//! runtime.h (core-rt/include/runtime.h): the seeds' runtime API for C applications, on core-rt's
//! devices. Exported under the C names and registered in the symbol registry, like the libc ABI.

use core::ffi::{CStr, c_char, c_int};

symbol_registry::export_c! {
    /// `void vga_init(void)`: clear the VGA text screen.
    ///
    /// # Safety
    /// Always safe.
    fn vga_init() {
        crate::dev::vga::init();
    }

    /// `void vga_puts(const char *)`: write on the VGA text screen.
    ///
    /// # Safety
    /// `s` is a C string.
    fn vga_puts(s: *const c_char) {
        if !s.is_null() {
            // SAFETY: caller's contract.
            crate::dev::vga::write_bytes(unsafe { CStr::from_ptr(s) }.to_bytes());
        }
    }

    /// `void serial_init(void)`: COM1 is set up at boot; idempotent.
    ///
    /// # Safety
    /// Always safe.
    fn serial_init() {
        crate::dev::serial::init();
    }

    /// `void serial_puts(const char *)`: write to COM1.
    ///
    /// # Safety
    /// `s` is a C string.
    fn serial_puts(s: *const c_char) {
        if !s.is_null() {
            // SAFETY: caller's contract.
            crate::dev::serial::write_bytes(unsafe { CStr::from_ptr(s) }.to_bytes());
        }
    }

    /// `int keyboard_getchar(void)`: wait for a key (PS/2 keyboard or serial line).
    ///
    /// # Safety
    /// Always safe.
    fn keyboard_getchar() -> c_int {
        crate::console::read_byte() as c_int
    }

    /// `uint64_t cpu_rdtsc(void)`.
    ///
    /// # Safety
    /// Always safe.
    fn cpu_rdtsc() -> u64 {
        crate::arch::cpu::tsc::read()
    }

    /// `void cpu_cpuid(uint32_t leaf, uint32_t *eax, uint32_t *ebx, uint32_t *ecx, uint32_t *edx)`.
    ///
    /// # Safety
    /// The four pointers are writable (null ones are skipped).
    fn cpu_cpuid(leaf: u32, a: *mut u32, b: *mut u32, c: *mut u32, d: *mut u32) {
        let r = core::arch::x86_64::__cpuid_count(leaf, 0);
        for (p, v) in [(a, r.eax), (b, r.ebx), (c, r.ecx), (d, r.edx)] {
            if !p.is_null() {
                // SAFETY: caller's contract.
                unsafe { *p = v };
            }
        }
    }
}
