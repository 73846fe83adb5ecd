//! LLVM's GDB JIT interface (OrcTargetProcess), registered in the symbol registry: `Jit::new` with
//! GDB registration (docs/orc-bridge.md, "GDB") looks `llvm_orc_registerJITLoaderGDBWrapper` up
//! with dlsym; the record also keeps it in the link (the linker would drop it as unreferenced).
//! The wrapper appends each JIT object to `__jit_debug_descriptor` and calls
//! `__jit_debug_register_code`, where a debugger (gdb with the kernel ELF) has its breakpoint.
//! LLVM defines them in C++; only their addresses are registered here.

use std::ffi::c_char;

unsafe extern "C" {
    // Only their addresses are taken; the C++ result type (a two-word struct) is not needed.
    fn llvm_orc_registerJITLoaderGDBWrapper(data: *const c_char, size: u64);
    fn llvm_orc_registerJITLoaderGDBAllocAction(data: *const c_char, size: u64);
    fn __jit_debug_register_code();
    static __jit_debug_descriptor: u8;
}

symbol_registry::register!(fn llvm_orc_registerJITLoaderGDBWrapper);
symbol_registry::register!(fn llvm_orc_registerJITLoaderGDBAllocAction);
symbol_registry::register!(fn __jit_debug_register_code);
symbol_registry::register!(static __jit_debug_descriptor);
