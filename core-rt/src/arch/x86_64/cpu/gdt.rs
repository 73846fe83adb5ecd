//! The GDT (kernel code, data, TSS) and the TSS's seven interrupt stacks, one set per CPU. Every
//! IDT vector runs on one of them: the code is compiled for the Linux ABI, which uses the 128-byte
//! red zone below `rsp`, so an interrupt must never push its frame onto the interrupted stack.

use core::cell::UnsafeCell;
use x86_64::VirtAddr;
use x86_64::instructions::segmentation::{CS, DS, ES, SS, Segment};
use x86_64::instructions::tables::load_tss;
use x86_64::structures::gdt::{Descriptor, GlobalDescriptorTable, SegmentSelector};
use x86_64::structures::tss::TaskStateSegment;

/// IST slots (1-based in the IDT, 0-based in the TSS array).
pub mod ist {
    pub const DOUBLE_FAULT: u16 = 0;
    pub const NMI: u16 = 1;
    pub const MACHINE_CHECK: u16 = 2;
    pub const PAGE_FAULT: u16 = 3;
    pub const EXCEPTION: u16 = 4;
    pub const IRQ: u16 = 5;
    pub const DEBUG: u16 = 6;
}

const IST_STACK_SIZE: usize = 64 * 1024;
/// Bytes of one CPU's seven IST stacks.
pub const IST_BYTES: usize = 7 * IST_STACK_SIZE;

#[repr(C, align(64))]
struct IstStacks(UnsafeCell<[[u8; IST_STACK_SIZE]; 7]>);
// SAFETY: each stack is used only by the boot CPU while it runs the corresponding handler.
unsafe impl Sync for IstStacks {}
/// The boot CPU's interrupt stacks (in the image, so that they exist before the heap).
static IST_STACKS: IstStacks = IstStacks(UnsafeCell::new([[0; IST_STACK_SIZE]; 7]));

type Gdt = (GlobalDescriptorTable, SegmentSelector, SegmentSelector, SegmentSelector);

/// One CPU's descriptor tables: its TSS (which points at its IST stacks) and its GDT (which
/// points at the TSS). Both are built on first load and never move (the value lives for the run).
pub struct CpuTables {
    tss: spin::Once<TaskStateSegment>,
    gdt: spin::Once<Gdt>,
}

/// The boot CPU's tables.
static BOOT_CPU: CpuTables = CpuTables::new();

impl CpuTables {
    pub const fn new() -> Self {
        Self { tss: spin::Once::new(), gdt: spin::Once::new() }
    }

    /// Build (first time) and load this GDT and TSS on the running CPU, with the IST stacks at
    /// `ist_base` ([`IST_BYTES`] bytes that only this CPU uses); reload the segment registers.
    pub fn load(&'static self, ist_base: u64) {
        let tss = self.tss.call_once(|| {
            let mut tss = TaskStateSegment::new();
            for i in 0..7 {
                // Stacks grow down: the IST entry is the top; keep it 16-byte aligned.
                let top = ist_base + ((i + 1) * IST_STACK_SIZE) as u64;
                tss.interrupt_stack_table[i] = VirtAddr::new(top & !0xf);
            }
            tss
        });
        let (gdt, code, data, tss_sel) = self.gdt.call_once(|| {
            let mut gdt = GlobalDescriptorTable::new();
            let code = gdt.append(Descriptor::kernel_code_segment());
            let data = gdt.append(Descriptor::kernel_data_segment());
            let tss_sel = gdt.append(Descriptor::tss_segment(tss));
            (gdt, code, data, tss_sel)
        });
        gdt.load();
        // SAFETY: the selectors come from the GDT just loaded (64-bit code, data, TSS); the TSS
        // descriptor is loaded once per CPU, each CPU having its own `CpuTables`.
        unsafe {
            CS::set_reg(*code);
            SS::set_reg(*data);
            DS::set_reg(*data);
            ES::set_reg(*data);
            load_tss(*tss_sel);
        }
    }
}

impl Default for CpuTables {
    fn default() -> Self {
        Self::new()
    }
}

/// Build and load the boot CPU's GDT and TSS.
pub fn init() {
    BOOT_CPU.load(IST_STACKS.0.get() as u64);
}

/// The range of the boot CPU's IST stacks, so a backtrace knows where a handler's stack ends.
pub fn ist_range() -> (u64, u64) {
    let base = IST_STACKS.0.get() as u64;
    (base, base + IST_BYTES as u64)
}
