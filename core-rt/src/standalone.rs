//! What Rust std would otherwise provide, for kernels with no std program in them (the
//! appliance): the global allocator (the malloc heap) and the panic handler.

use core::alloc::{GlobalAlloc, Layout};

struct Heap;

// SAFETY: every block comes from the core-rt heap, which hands out distinct, live blocks of at
// least the requested size and alignment and takes them back exactly once.
unsafe impl GlobalAlloc for Heap {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        crate::mem::cache::memalign(l.align(), l.size())
    }

    unsafe fn dealloc(&self, p: *mut u8, _l: Layout) {
        // SAFETY: `p` came from `alloc` and is not freed yet (GlobalAlloc's contract); `alloc`
        // takes every block from the per-CPU caches' heap, whose `free` this is.
        unsafe { crate::mem::cache::free(p) }
    }
}

#[global_allocator]
static GLOBAL: Heap = Heap;

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    crate::kprintln!("core-rt: panic: {info}");
    let fp: u64;
    // SAFETY: reads the frame pointer register only.
    unsafe { core::arch::asm!("mov {}, rbp", out(reg) fp, options(nomem, nostack)) };
    crate::backtrace::print(&mut crate::console::Console, 0, fp);
    crate::arch::machine::exit(crate::runtime::EXIT_ABORT)
}

/// The prebuilt `alloc` crate was compiled with unwinding and names Rust's personality routine in
/// its unwind tables. With panic=abort nothing unwinds, so it is never called; if it ever were, it
/// stops the machine.
#[unsafe(no_mangle)]
extern "C" fn rust_eh_personality() {
    crate::kprintln!("core-rt: rust_eh_personality called: unwinding is not supported (panic=abort)");
    crate::arch::machine::exit(crate::runtime::EXIT_ABORT)
}
