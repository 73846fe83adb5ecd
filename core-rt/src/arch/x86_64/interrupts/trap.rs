//! Every vector lands in [`core_rt_trap`] with the saved registers. IRQs are dispatched to the
//! timer; CPU exceptions are fatal: print the vector, error code, registers and a symbolized
//! backtrace, then leave with `runtime::EXIT_FAULT`.

use crate::console::Console;
use core::fmt::Write;
use core::sync::atomic::{AtomicBool, Ordering};

/// The frame stubs.S builds, from the lowest address up.
#[repr(C)]
#[derive(Debug)]
pub struct TrapFrame {
    pub r15: u64,
    pub r14: u64,
    pub r13: u64,
    pub r12: u64,
    pub r11: u64,
    pub r10: u64,
    pub r9: u64,
    pub r8: u64,
    pub rbp: u64,
    pub rdi: u64,
    pub rsi: u64,
    pub rdx: u64,
    pub rcx: u64,
    pub rbx: u64,
    pub rax: u64,
    pub vector: u64,
    pub error: u64,
    pub rip: u64,
    pub cs: u64,
    pub rflags: u64,
    pub rsp: u64,
    pub ss: u64,
}

const NAMES: [&str; 32] = [
    "#DE divide error",
    "#DB debug",
    "NMI",
    "#BP breakpoint",
    "#OF overflow",
    "#BR bound range",
    "#UD invalid opcode",
    "#NM device not available",
    "#DF double fault",
    "coprocessor overrun",
    "#TS invalid TSS",
    "#NP segment not present",
    "#SS stack-segment fault",
    "#GP general protection fault",
    "#PF page fault",
    "reserved 15",
    "#MF x87 floating point",
    "#AC alignment check",
    "#MC machine check",
    "#XM SIMD floating point",
    "#VE virtualization",
    "#CP control protection",
    "reserved 22",
    "reserved 23",
    "reserved 24",
    "reserved 25",
    "reserved 26",
    "reserved 27",
    "#HV hypervisor injection",
    "#VC VMM communication",
    "#SX security",
    "reserved 31",
];

static IN_FATAL: AtomicBool = AtomicBool::new(false);

/// Called by stubs.S for every vector.
///
/// # Safety
/// Only called by the trap entry with a pointer to the frame it just built.
#[unsafe(no_mangle)]
unsafe extern "C" fn core_rt_trap(frame: *mut TrapFrame) {
    // SAFETY: stubs.S passes its own, live frame.
    let f = unsafe { &mut *frame };
    match f.vector {
        32..=47 => super::timer::handle_irq((f.vector - 32) as u8, f.rip),
        14 if stale_translation(f) => {}
        0..=31 => fatal(f),
        v if v == super::apic::WAKE_VECTOR as u64 => super::apic::eoi(),
        v => {
            let mut c = Console;
            let _ = writeln!(c, "core-rt: unexpected interrupt vector {v} ignored");
        }
    }
}

/// A page fault on a translation this CPU cached before another CPU loosened the page's
/// permission (see `mm::paging::allows`): flush it and let the instruction run again. The same
/// page failing again within a millisecond is a real fault (the flush did not help).
fn stale_translation(f: &TrapFrame) -> bool {
    use core::sync::atomic::AtomicU64;
    static LAST_PAGE: AtomicU64 = AtomicU64::new(u64::MAX);
    static LAST_TSC: AtomicU64 = AtomicU64::new(0);
    let addr = x86_64::registers::control::Cr2::read_raw();
    let (write, fetch) = (f.error & 2 != 0, f.error & 16 != 0);
    if f.error & 8 != 0 || !super::super::mm::paging::allows(addr, write, fetch) {
        return false; // reserved bit set, or the tables refuse it too
    }
    let now = super::super::cpu::tsc::read();
    let again = LAST_PAGE.swap(addr & !0xfff, Ordering::Relaxed) == addr & !0xfff
        && now.saturating_sub(LAST_TSC.load(Ordering::Relaxed)) < crate::time::tsc_hz() / 1000;
    LAST_TSC.store(now, Ordering::Relaxed);
    if again {
        return false;
    }
    super::super::mm::paging::flush_local(addr);
    true
}

fn fatal(f: &TrapFrame) -> ! {
    let mut c = Console;
    if IN_FATAL.swap(true, Ordering::SeqCst) {
        let _ = writeln!(
            c,
            "\ncore-rt: {} while reporting a fault at rip={:#x}; giving up",
            NAMES[f.vector as usize], f.rip
        );
        super::super::machine::exit(crate::runtime::EXIT_FAULT);
    }
    let _ = writeln!(
        c,
        "\ncore-rt: CPU exception {} (vector {}), error code {:#x}",
        NAMES[f.vector as usize], f.vector, f.error
    );
    if f.vector == 14 {
        let addr = x86_64::registers::control::Cr2::read_raw();
        let e = f.error;
        let _ = writeln!(
            c,
            "  faulting address: {addr:#018x} ({} {} page{})",
            if e & 2 != 0 {
                "write to"
            } else if e & 16 != 0 {
                "instruction fetch from"
            } else {
                "read from"
            },
            if e & 1 != 0 { "a protected" } else { "a not-present" },
            if crate::mem::is_stack_guard(addr) { ": stack overflow (guard page below the main stack)" } else { "" }
        );
    }
    let _ = writeln!(
        c,
        "  rip={:#018x} rsp={:#018x} rflags={:#010x} cs={:#x} ss={:#x}",
        f.rip, f.rsp, f.rflags, f.cs, f.ss
    );
    let regs = [
        ("rax", f.rax),
        ("rbx", f.rbx),
        ("rcx", f.rcx),
        ("rdx", f.rdx),
        ("rsi", f.rsi),
        ("rdi", f.rdi),
        ("rbp", f.rbp),
        ("r8", f.r8),
        ("r9", f.r9),
        ("r10", f.r10),
        ("r11", f.r11),
        ("r12", f.r12),
        ("r13", f.r13),
        ("r14", f.r14),
        ("r15", f.r15),
    ];
    for row in regs.chunks(4) {
        let _ = write!(c, " ");
        for (name, v) in row {
            let _ = write!(c, " {name:>3}={v:#018x}");
        }
        let _ = writeln!(c);
    }
    crate::backtrace::print(&mut c, f.rip, f.rbp);
    super::super::machine::exit(crate::runtime::EXIT_FAULT)
}
