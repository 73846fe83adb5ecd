//! The libc's one door into the kernel: everything core-libc uses of core-rt is named here, and
//! no other module of the crate imports `core_rt`. What the C library needs from the machine:
//! - [`console`]: core-rt's messages (`kprintln!`) and the report of a stub call;
//! - [`fd`]: the descriptor table and the files behind it (console, boot files, state disk);
//! - [`memory`]: the heap `malloc` serves from, and the mmap arena's pages with permissions;
//! - [`clock`]: monotonic and wall-clock time, the timer tick, and idling until an interrupt;
//! - [`image`]: the linked image's regions (for `dl_iterate_phdr`, the unwinder, thread stacks),
//!   the TLS block and the symbol map;
//! - [`machine`]: leaving the machine, a backtrace, randomness;
//! - [`cpus`]: how many CPUs run;
//! - [`threads`]: creating, joining and ending threads, futex wait/wake, yield, sleep, the
//!   running thread's id and its C-library word.
//!
//! In the other direction core-rt reaches the libc only through C names: its start sequence sets
//! `environ` and ends in `exit` (core-rt/src/runtime/mod.rs), like a C runtime's start code.

pub use core_rt::errno::Errno;
pub use core_rt::{kprint, kprintln};

/// The console: core-rt's messages and the one-time report of a stub.
pub mod console {
    /// Print "core-rt: stub NAME called (not supported on bare metal)" on the console. Host tests
    /// print nothing: the console's ports are not theirs to touch.
    pub fn report_stub(name: &str) {
        if cfg!(test) {
            return;
        }
        core_rt::kprintln!("core-rt: stub {name} called (not supported on bare metal)");
    }
}

/// File descriptors: open/read/write/seek/close/dup on the kernel's table, metadata, directories.
pub mod fd {
    pub use core_rt::fs::bootfs::normalize;
    pub use core_rt::fs::fd::{
        Desc, Meta, Node, Object, close, dup, fsync, is_console, lseek, meta, meta_path, next_dirent, open, pwrite,
        read, resolve, with, write,
    };
}

/// Memory: the heap behind `malloc`, and anonymous mappings in the mmap arena.
pub mod memory {
    pub use core_rt::arch::mm::Perm;
    pub use core_rt::mem::cache as heap;
    pub use core_rt::mem::{ArenaError, map_anonymous, protect, unmap};
}

/// Time: clocks since boot and of the wall, the timer's rate, waiting for an interrupt.
pub mod clock {
    pub use core_rt::arch::cpu::{halt, pause};
    pub use core_rt::arch::interrupts::TIMER_HZ;
    pub use core_rt::time::{monotonic_ns, realtime_ns};
}

/// The linked image: its regions, the TLS block of the only thread, the symbol map.
pub mod image {
    pub use core_rt::boot_info::Region;
    pub use core_rt::image::{data, eh_frame_hdr, rodata, stack, stack_guard, text, tls_template, whole};
    pub use core_rt::runtime::tls::block as tls_block;
    pub use core_rt::symmap::{boot_map, entries as symbol_map_entries};
}

/// The machine as a whole: leaving it, printing a backtrace, randomness.
pub mod machine {
    pub use core_rt::arch::cpu::rng::random_u64;
    pub use core_rt::arch::machine::exit;
    pub use core_rt::runtime::EXIT_ABORT;

    /// Print a frame-pointer backtrace on the console, starting at frame pointer `fp`, with `pc`
    /// as the innermost address.
    pub fn print_backtrace(pc: u64, fp: u64) {
        core_rt::backtrace::print(&mut core_rt::console::Console, pc, fp);
    }
}

/// The CPUs: how many are online (the boot CPU and every other one that came up at boot).
pub mod cpus {
    pub use core_rt::arch::cpu::smp::online;
}

/// Threads (core-rt's scheduler): create/join/detach/exit, the running thread, a futex-like
/// wait/wake on a 32-bit word, yield and sleep.
pub mod threads {
    pub use core_rt::arch::cpu::context::thread_pointer;
    pub use core_rt::sched::futex::{wait as futex_wait, wake as futex_wake};
    pub use core_rt::sched::{
        Entry, STACK_GUARD_BYTES, ThreadId, current_id, current_stack, detach, exit, join, libc_word, sleep, spawn,
        yield_now,
    };
}
