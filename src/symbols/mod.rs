//! The native symbols interpreted and JIT-compiled code may call, resolved without a dynamic
//! loader where there is none: the symbol registry (`symbol_registry`: every export of the
//! program, registered where it is defined — on bare metal the whole libc ABI, runtime.h and the
//! GDB JIT hooks of `gdb_jit`), and as a Linux process runtime.h backed by the host
//! (`runtime_api`). On Linux the rest is found with `dlsym` by the caller's fallback resolver.

#[cfg(all(feature = "baremetal", feature = "llvm"))]
mod gdb_jit;
#[cfg(not(feature = "baremetal"))]
mod runtime_api;

/// Explicit (name, address) pairs for this platform: the symbol registry (on Linux, runtime.h
/// backed by the host registers there too; on bare metal core-rt defines and registers runtime.h).
pub fn table() -> Vec<(&'static str, usize)> {
    symbol_registry::entries().collect()
}

#[cfg(test)]
mod tests {
    use std::ffi::c_int;

    symbol_registry::export_c! {
        /// A test-only export: defining it with the registry's macro is all it takes for the
        /// resolver table to offer it to interpreted and JIT-compiled code.
        ///
        /// # Safety
        /// Always safe.
        fn bareflow_symbols_test_export(x: c_int) -> c_int {
            x * 2
        }
    }

    #[test]
    fn runtime_api_is_resolvable() {
        let t = super::table();
        for name in ["vga_init", "vga_puts", "serial_init", "serial_puts", "keyboard_getchar", "cpu_rdtsc", "cpu_cpuid"]
        {
            assert!(t.iter().any(|(n, a)| *n == name && *a != 0), "{name} missing");
        }
    }

    #[test]
    fn an_export_defined_with_the_macro_is_in_the_table() {
        let t = super::table();
        let a = t.iter().find(|(n, _)| *n == "bareflow_symbols_test_export").map(|(_, a)| *a);
        assert_eq!(a, Some(bareflow_symbols_test_export as *const () as usize));
    }
}
