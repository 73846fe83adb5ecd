//! Kernel build: core-rt (the libc ABI, the machine) and boot (the entry code) are linked in;
//! core-rt has already run the start sequence when `main` is called.

use bareflow_boot as boot;
use core_rt as _;

/// Keep the boot crate's object (headers, entry) in the link, and give core-rt's `dlsym` the
/// program's own symbols (there is no dynamic symbol table to search).
pub fn init() {
    std::hint::black_box(boot::entry_address());
    core_rt::libc::dl::set_resolver(resolve);
}

/// dlsym's source of names: LLVM's GDB JIT interface (ORC looks its registration function up by
/// name), runtime.h and every core-rt export; core-rt falls back to the image's symbol map.
fn resolve(name: &str) -> Option<usize> {
    #[cfg(feature = "llvm")]
    {
        if let Some(a) = gdb_jit::table().into_iter().find(|(n, _)| *n == name).map(|(_, a)| a) {
            return Some(a);
        }
        crate::symbols::table().into_iter().find(|(n, _)| *n == name).map(|(_, a)| a)
    }
    #[cfg(not(feature = "llvm"))]
    {
        let _ = name;
        None
    }
}

/// The GDB JIT interface in LLVM's OrcTargetProcess library. `Jit::new` with GDB registration
/// (docs/orc-bridge.md, "G (GDB)") looks `llvm_orc_registerJITLoaderGDBWrapper` up with dlsym;
/// naming it here also keeps it in the link (the linker would drop it as unreferenced). The
/// wrapper appends each JIT object to `__jit_debug_descriptor` and calls
/// `__jit_debug_register_code`, where a debugger (gdb with the kernel ELF) has its breakpoint.
#[cfg(feature = "llvm")]
mod gdb_jit {
    use std::ffi::c_char;

    unsafe extern "C" {
        // Only their addresses are taken; the C++ result type (a two-word struct) is not needed.
        fn llvm_orc_registerJITLoaderGDBWrapper(data: *const c_char, size: u64);
        fn llvm_orc_registerJITLoaderGDBAllocAction(data: *const c_char, size: u64);
        fn __jit_debug_register_code();
        static __jit_debug_descriptor: u8;
    }

    /// (name, address) of each entry point.
    pub fn table() -> [(&'static str, usize); 4] {
        [
            ("llvm_orc_registerJITLoaderGDBWrapper", llvm_orc_registerJITLoaderGDBWrapper as *const () as usize),
            (
                "llvm_orc_registerJITLoaderGDBAllocAction",
                llvm_orc_registerJITLoaderGDBAllocAction as *const () as usize,
            ),
            ("__jit_debug_register_code", __jit_debug_register_code as *const () as usize),
            ("__jit_debug_descriptor", (&raw const __jit_debug_descriptor) as usize),
        ]
    }
}

/// Leave with `code` through libc's exit (handlers, flush, then QEMU's exit device).
pub fn exit(code: i32) -> ! {
    std::process::exit(code)
}

/// Record a boot milestone (printed in core-rt's boot breakdown).
pub fn boot_mark(what: &str) {
    core_rt::runtime::boot_mark(what);
}
