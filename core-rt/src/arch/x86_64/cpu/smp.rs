//! Application processors (APs): every CPU the ACPI MADT lists is woken with INIT-SIPI-SIPI from
//! the boot CPU's local APIC, one at a time, through the start-up code of boot/ap_trampoline.S
//! (real mode → long mode) copied to a free page below 1 MiB. Each AP gets its own kernel stack,
//! IST stacks, GDT and TSS, loads the shared IDT, enables its vector state and its local APIC
//! (software enable; LINT0 stays masked, so the 8259's interrupts only reach the boot CPU), says
//! it is online and runs the generic code's per-CPU main (`ap_main(index)`), which never returns.

use super::gdt::{CpuTables, IST_BYTES};
use crate::boot_info::BootInfo;
use alloc::boxed::Box;
use alloc::vec;
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Kernel stack of an AP's own context (its threads run on their own stacks).
const AP_STACK_BYTES: usize = 256 * 1024;
/// Offsets of the parameter block in the start-up code (checked by ap_trampoline.S itself).
const PARAM_CR3: u64 = 8;
const PARAM_STACK: u64 = 16;
const PARAM_ARG: u64 = 24;
/// How long an AP may take from the STARTUP IPI to "online" (TCG runs real mode slowly).
const ONLINE_TIMEOUT_MS: u64 = 2000;

/// One CPU: its local APIC id, and (for an AP) the state only it uses.
pub struct Cpu {
    apic_id: u32,
    tables: CpuTables,
    ist: Box<[u8]>,
    stack: Box<[u8]>,
    online: AtomicBool,
}

/// Every CPU, the boot CPU first (index 0); built once before the first AP starts.
static CPUS: spin::Once<Box<[Cpu]>> = spin::Once::new();
/// What an AP runs once its CPU state is set up.
static AP_MAIN: spin::Once<fn(usize) -> !> = spin::Once::new();
static ONLINE: AtomicUsize = AtomicUsize::new(1);

/// CPUs running (the boot CPU and every AP that reported in).
pub fn online() -> usize {
    ONLINE.load(Ordering::Acquire)
}

/// What [`start_aps`] did, for the boot log.
pub struct Report {
    /// CPUs online, the boot CPU included.
    pub online: usize,
    /// CPUs the MADT lists as usable, the boot CPU included.
    pub listed: usize,
    /// Why some or all APs were not started (no page below 1 MiB, no local APIC, time-out).
    pub problem: Option<&'static str>,
}

/// A free 4 KiB page below 1 MiB for the start-up code: inside usable RAM, clear of the loader's
/// structures and the boot modules, above the real-mode interrupt table and BIOS data area.
fn startup_page(boot: &BootInfo) -> Option<u64> {
    let overlaps = |p: u64, s: u64, e: u64| s < p + 4096 && e > p;
    (0x1000u64..0x9f000).step_by(4096).find(|&p| {
        boot.usable.iter().any(|r| r.start <= p && r.end >= p + 4096)
            && !boot.keep.iter().any(|r| overlaps(p, r.start, r.end))
            && !boot.modules.iter().any(|m| overlaps(p, m.region.start, m.region.end))
    })
}

/// Wait `ms` milliseconds on the time-stamp counter.
fn wait_ms(ms: u64, ticks_per_ms: u64) {
    let t0 = super::tsc::read();
    while super::tsc::read() - t0 < ms * ticks_per_ms {
        core::hint::spin_loop();
    }
}

/// Start the APs whose local APIC ids are `ap_ids` (the MADT's, boot CPU excluded); each ends
/// in `ap_main(index)` (index 1.. in the order of `ap_ids`). Needs the heap and the TSC frequency.
pub fn start_aps(boot: &BootInfo, ap_ids: &[u32], ap_main: fn(usize) -> !) -> Report {
    let listed = 1 + ap_ids.len();
    let mut report = Report { online: 1, listed, problem: None };
    let Some(apic) = crate::arch::interrupts::apic::local() else {
        report.problem = (listed > 1).then_some("local APIC disabled");
        return report;
    };
    let bsp = Cpu {
        apic_id: crate::arch::interrupts::apic::id(apic),
        tables: CpuTables::new(),
        ist: Box::default(),
        stack: Box::default(),
        online: AtomicBool::new(true),
    };
    let mut cpus = vec![bsp];
    cpus.extend(ap_ids.iter().map(|&apic_id| Cpu {
        apic_id,
        tables: CpuTables::new(),
        ist: vec![0u8; IST_BYTES].into_boxed_slice(),
        stack: vec![0u8; AP_STACK_BYTES].into_boxed_slice(),
        online: AtomicBool::new(false),
    }));
    let cpus = CPUS.call_once(|| cpus.into_boxed_slice());
    AP_MAIN.call_once(|| ap_main);
    if cpus.len() == 1 {
        return report;
    }
    let Some(page) = startup_page(boot) else {
        report.problem = Some("no free page below 1 MiB for the start-up code");
        return report;
    };
    let code = crate::image::ap_startup_code();
    let ticks_per_ms = (crate::time::tsc_hz() / 1000).max(1);
    let (cr3, _) = x86_64::registers::control::Cr3::read();
    // SAFETY: `page` is free RAM below 1 MiB (checked above), identity-mapped read-write and used
    // by nothing else; the start-up code is `code.len()` (< 4 KiB) bytes of the image's rodata.
    unsafe {
        core::ptr::copy_nonoverlapping(code.start as *const u8, page as *mut u8, code.len() as usize);
        *((page + PARAM_CR3) as *mut u64) = cr3.start_address().as_u64();
    }
    let mut failed = false;
    for (index, cpu) in cpus.iter().enumerate().skip(1) {
        let top = (cpu.stack.as_ptr() as u64 + cpu.stack.len() as u64) & !0xf;
        // SAFETY: the parameter block of the copy made above; the previous AP has read it (it
        // reported online, or timed out and is never woken again), so only this CPU will.
        unsafe {
            *((page + PARAM_STACK) as *mut u64) = top;
            *((page + PARAM_ARG) as *mut u64) = index as u64;
        }
        core::sync::atomic::fence(Ordering::SeqCst);
        use crate::arch::interrupts::apic::{send_init, send_startup};
        let mut sent = send_init(apic, cpu.apic_id, ticks_per_ms);
        wait_ms(10, ticks_per_ms);
        for _ in 0..2 {
            sent &= send_startup(apic, cpu.apic_id, (page >> 12) as u8, ticks_per_ms);
            wait_ms(1, ticks_per_ms);
            if cpu.online.load(Ordering::Acquire) {
                break;
            }
        }
        let t0 = super::tsc::read();
        while sent && !cpu.online.load(Ordering::Acquire) && super::tsc::read() - t0 < ONLINE_TIMEOUT_MS * ticks_per_ms
        {
            core::hint::spin_loop();
        }
        if !cpu.online.load(Ordering::Acquire) {
            failed = true;
        }
    }
    report.online = online();
    if failed {
        report.problem = Some("an AP did not come online");
    }
    report
}

/// Where the start-up code lands on an AP, in long mode on its own stack with the kernel's page
/// tables.
///
/// # Safety
/// Called only by ap_trampoline.S, once per AP, with the index [`start_aps`] gave it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn core_rt_ap_entry(index: u64) -> ! {
    let index = index as usize;
    let cpus = CPUS.get().expect("AP started before the CPU table");
    let cpu = &cpus[index];
    super::enable_vector_state();
    cpu.tables.load(cpu.ist.as_ptr() as u64);
    crate::arch::interrupts::load_idt_on_this_cpu();
    if let Some(apic) = crate::arch::interrupts::apic::local() {
        crate::arch::interrupts::apic::enable(apic);
    }
    ONLINE.fetch_add(1, Ordering::AcqRel);
    cpu.online.store(true, Ordering::Release);
    let main = AP_MAIN.get().expect("AP started before its main was set");
    main(index)
}

/// Wake CPU `index` (0 = the boot CPU) from `hlt` with an IPI.
pub fn wake(index: usize) {
    if let Some(cpu) = CPUS.get().and_then(|c| c.get(index)) {
        crate::arch::interrupts::apic::send_wake(cpu.apic_id);
    }
}

/// CPUs the table holds (online or not): the size of per-CPU arrays.
pub fn slots() -> usize {
    CPUS.get().map_or(1, |c| c.len())
}
