//! The start sequence, after the architecture's entry has read the loader's hand-off:
//! CPU state → GDT/IDT → memory (paging, heap, arena) → TLS → timer/TSC → ACPI → boot files →
//! argv/env from the command line → the other CPUs → `.init_array(argc, argv, envp)` → `main(argc, argv, envp)`
//! → `exit`. Every step is timed for the boot log. The C library is reached only through its C
//! names (`environ`, `exit`), like a C runtime's start code reaches its libc.

pub mod cmdline;
pub mod sampler;
pub mod tls;

use crate::arch;
use crate::boot_info::BootInfo;
use alloc::ffi::CString;
use alloc::vec::Vec;
use core::ffi::c_char;

/// Exit code of `abort()` (and so of a Rust panic).
pub const EXIT_ABORT: i32 = 101;
/// Exit code after a fatal CPU exception.
pub const EXIT_FAULT: i32 = 102;
/// Exit code when the boot command line or boot files are unusable.
pub const EXIT_BOOT_ERROR: i32 = 2;

// What the start sequence needs from the C library (core-libc defines them; host tests reach
// glibc's): it is reached through these C names, as a C runtime's start code reaches its libc,
// so core-rt does not depend on the libc crate.
unsafe extern "C" {
    /// The environment C code and Rust std read (`environ` and its glibc alias `__environ`).
    static mut environ: *mut *mut c_char;
    static mut __environ: *mut *mut c_char;
    /// Run the program's exit handlers (thread-local destructors, `atexit`, `.fini_array`, stdio
    /// flush) and leave the machine with `code`.
    fn exit(code: i32) -> !;
}

#[cfg(not(test))]
unsafe extern "C" {
    /// The program's C-ABI `main` (rustc generates it for a Rust binary).
    fn main(argc: i32, argv: *const *const c_char, envp: *const *const c_char) -> i32;
}

/// Host unit tests link their own `main` (the test harness); the start sequence never runs there.
#[cfg(test)]
unsafe fn main(_: i32, _: *const *const c_char, _: *const *const c_char) -> i32 {
    unreachable!("runtime::start does not run in host tests")
}

type InitFn = unsafe extern "C" fn(i32, *const *const c_char, *const *const c_char);

fn fail(what: &str, detail: &dyn core::fmt::Display) -> ! {
    crate::kprintln!("core-rt: {what}: {detail}");
    arch::machine::exit(EXIT_BOOT_ERROR)
}

/// Milestones of the boot, in TSC ticks (printed as microseconds since entry).
struct Marks(Vec<(&'static str, u64)>);

impl Marks {
    fn mark(&mut self, what: &'static str) {
        self.0.push((what, arch::cpu::tsc::read()));
    }
}

/// Run the machine and the program. Never returns.
pub fn start(boot: BootInfo) -> ! {
    let cpu = arch::cpu::enable_vector_state();
    arch::cpu::gdt::init();
    arch::interrupts::init_idt();
    let t_cpu = arch::cpu::tsc::read();
    let mem = match crate::mem::init(&boot) {
        Ok(m) => m,
        Err(e) => fail("memory", &e),
    };
    let mut marks = Marks(Vec::with_capacity(16));
    marks.0.push(("cpu+idt", t_cpu));
    marks.mark("paging+heap");
    let (template, memsz, align) = crate::image::tls_template();
    tls::init(template, memsz, align, arch::cpu::rng::random_u64());
    marks.mark("tls");
    let (hz, hz_source) = arch::cpu::tsc::frequency();
    crate::time::init(hz, boot.entry_tsc, arch::machine::rtc_unix_seconds());
    arch::interrupts::start_timer();
    marks.mark("timer+tsc");
    let acpi = arch::acpi::init(boot.rsdp);
    marks.mark("acpi");
    crate::fs::fd::init();
    let state_disk = crate::dev::ata::init().ok();
    let nfiles = match crate::fs::bootfs::init(boot.modules.iter().map(|m| {
        // SAFETY: module memory is reserved from the allocator and identity-mapped for the run.
        let data = unsafe { core::slice::from_raw_parts(m.region.start as *const u8, m.region.len() as usize) };
        (m.name, data)
    })) {
        Ok(n) => n,
        Err(e) => fail("boot files", &e),
    };
    marks.mark("boot files");
    let args = match cmdline::parse(boot.cmdline) {
        Ok(a) => a,
        Err(e) => fail("boot command line", &e),
    };
    let ap_ids = arch::acpi::application_processors(boot.rsdp);
    crate::sched::init(1 + ap_ids.len());
    let smp = arch::cpu::smp::start_aps(&boot, &ap_ids, ap_main);
    marks.mark("cpus");

    let mut brand = [0u8; 48];
    crate::kprintln!(
        "core-rt: {} boot, {} | {} CPU{} online | {} MiB RAM, heap {} MiB, mmap arena {} MiB | TSC {}.{:03} MHz ({:?}) | {}{} | {} boot file{}{}",
        boot.loader,
        arch::cpu::brand(&mut brand),
        smp.online,
        if smp.online == 1 { "" } else { "s" },
        mem.ram >> 20,
        mem.heap.len() >> 20,
        mem.arena.len() >> 20,
        hz / 1_000_000,
        (hz / 1000) % 1000,
        hz_source,
        if cpu.avx512f {
            "AVX-512"
        } else if cpu.avx2 {
            "AVX2"
        } else if cpu.avx {
            "AVX"
        } else {
            "SSE2"
        },
        match &acpi {
            Ok(_) => ", ACPI S5",
            Err(_) => "",
        },
        nfiles,
        if nfiles == 1 { "" } else { "s" },
        match state_disk {
            Some(n) => alloc::format!(" | state disk {} MiB", (n * 512) >> 20),
            None => alloc::string::String::new(),
        },
    );
    if let Err(e) = &acpi {
        crate::kprintln!("core-rt: ACPI power-off unavailable: {e}");
    }
    if let Some(problem) = smp.problem {
        crate::kprintln!("core-rt: {} of {} CPUs online: {problem}", smp.online, smp.listed);
    }

    let argv_c: Vec<CString> = args.argv.iter().map(|a| CString::new(a.as_str()).unwrap_or_default()).collect();
    let env_c: Vec<CString> = args.env.iter().map(|a| CString::new(a.as_str()).unwrap_or_default()).collect();
    let mut argv: Vec<*const c_char> = argv_c.iter().map(|c| c.as_ptr()).collect();
    argv.push(core::ptr::null());
    let mut envp: Vec<*const c_char> = env_c.iter().map(|c| c.as_ptr()).collect();
    envp.push(core::ptr::null());
    let (argv, envp) = (argv.leak(), envp.leak());
    core::mem::forget(argv_c);
    core::mem::forget(env_c);
    let environment = envp.as_mut_ptr() as *mut *mut c_char;
    // SAFETY: the C library's `environ` and `__environ` words, written once here before the
    // program's first instruction (single thread); they point at the leaked, NULL-terminated envp.
    unsafe {
        environ = environment;
        __environ = environment;
    }
    let argc = (argv.len() - 1) as i32;

    let init = crate::image::init_array();
    let n = (init.len() / 8) as usize;
    for i in 0..n {
        // SAFETY: .init_array holds `n` function pointers placed by the linker; glibc calls them
        // with (argc, argv, envp), which Rust std relies on to capture its arguments.
        unsafe {
            let f: InitFn = core::mem::transmute(*((init.start as *const usize).add(i)));
            f(argc, argv.as_ptr(), envp.as_ptr());
        }
    }
    marks.mark("init_array");
    print_marks(&marks, boot.entry_tsc);
    MAIN_STARTED.store(true, core::sync::atomic::Ordering::Relaxed);
    // SAFETY: the program's main, called once with a NULL-terminated argv/envp that live forever.
    let code = unsafe { main(argc, argv.as_ptr(), envp.as_ptr()) };
    // SAFETY: the C library's `exit`: it runs the program's exit handlers and leaves the machine.
    unsafe { exit(code) }
}

/// What every application processor runs once its CPU state is set up (`arch::cpu::smp`): its
/// own TLS block and thread pointer, then the scheduler's idle loop (it runs threads).
fn ap_main(index: usize) -> ! {
    crate::sched::enter_cpu(index); // before the first allocation: malloc's cache is per CPU
    let tp = tls::new_thread_pointer(arch::cpu::rng::random_u64());
    // SAFETY: `tp` is a fresh TCB whose first word is itself, used only by this CPU.
    unsafe { arch::machine::set_thread_pointer(tp) };
    crate::sched::cpu_main(index)
}

/// One line per boot: how long each step took (µs), from the CPU's reset (TSC 0 on QEMU and on
/// most machines) through the firmware and loader to `main`. See docs/architecture.md.
fn print_marks(marks: &Marks, entry_tsc: u64) {
    let hz = crate::time::tsc_hz();
    let us = |ticks: u64| crate::time::ticks_to_ns(ticks, hz) / 1000;
    crate::kprint!("core-rt: boot breakdown (us): firmware+loader {}", us(entry_tsc));
    let mut prev = entry_tsc;
    for (what, t) in &marks.0 {
        crate::kprint!(" | {what} {}", us(t.saturating_sub(prev)));
        prev = *t;
    }
    crate::kprintln!(" | main at {} us after reset", us(prev));
}

static MAIN_STARTED: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);
static FIRST_OUTPUT_SEEN: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);

/// Called by the console descriptors before the program's bytes go out: the first write after
/// `main` started is the boot breakdown's "first output" milestone.
pub fn note_program_output() {
    use core::sync::atomic::Ordering::Relaxed;
    if MAIN_STARTED.load(Relaxed) && !FIRST_OUTPUT_SEEN.swap(true, Relaxed) {
        boot_mark("first output");
    }
}

/// Print a boot milestone reached after `main` started (first interpreted instruction, first JIT
/// compile, first output...), in µs since reset, in the same style as the boot breakdown.
pub fn boot_mark(what: &str) {
    let hz = crate::time::tsc_hz();
    let now = crate::arch::cpu::tsc::read();
    crate::kprintln!("core-rt: boot mark: {what} at {} us after reset", crate::time::ticks_to_ns(now, hz) / 1000);
}
