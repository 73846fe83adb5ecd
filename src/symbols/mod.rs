//! The native symbols interpreted and JIT-compiled code may call, resolved without a dynamic
//! loader where there is none: runtime.h (`runtime_api`), and on bare metal every C-named function
//! and variable core-rt exports (a table generated at build time from docs/libc-abi.md).
//! On Linux the rest is found with `dlsym` by the caller's fallback resolver.

pub mod runtime_api;

#[cfg(feature = "baremetal")]
mod core_rt_table {
    include!(concat!(env!("OUT_DIR"), "/core_rt_symbols.rs"));
}

/// Explicit (name, address) pairs for this platform: runtime.h, plus core-rt's exports on bare metal.
pub fn table() -> Vec<(&'static str, usize)> {
    #[cfg_attr(not(feature = "baremetal"), allow(unused_mut))]
    let mut t = runtime_api::table();
    #[cfg(feature = "baremetal")]
    {
        let extra: Vec<_> =
            core_rt_table::table().into_iter().filter(|(n, _)| !t.iter().any(|(m, _)| m == n)).collect();
        t.extend(extra);
    }
    t
}

#[cfg(test)]
mod tests {
    #[test]
    fn runtime_api_is_resolvable() {
        let t = super::table();
        for name in ["vga_init", "vga_puts", "serial_init", "serial_puts", "keyboard_getchar", "cpu_rdtsc", "cpu_cpuid"]
        {
            assert!(t.iter().any(|(n, a)| *n == name && *a != 0), "{name} missing");
        }
    }
}
