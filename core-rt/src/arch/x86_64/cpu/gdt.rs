//! The GDT (kernel code, data, TSS) and the TSS's seven interrupt stacks. Every IDT vector runs on
//! one of them: the code is compiled for the Linux ABI, which uses the 128-byte red zone below
//! `rsp`, so an interrupt must never push its frame onto the interrupted stack.

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

#[repr(C, align(64))]
struct IstStacks(UnsafeCell<[[u8; IST_STACK_SIZE]; 7]>);
// SAFETY: each stack is used only by the CPU while it runs the corresponding handler.
unsafe impl Sync for IstStacks {}
static IST_STACKS: IstStacks = IstStacks(UnsafeCell::new([[0; IST_STACK_SIZE]; 7]));

static TSS: spin::Once<TaskStateSegment> = spin::Once::new();
static GDT: spin::Once<(GlobalDescriptorTable, SegmentSelector, SegmentSelector, SegmentSelector)> = spin::Once::new();

/// Build and load the GDT and TSS; reload the segment registers.
pub fn init() {
    let tss = TSS.call_once(|| {
        let mut tss = TaskStateSegment::new();
        let base = IST_STACKS.0.get() as u64;
        for i in 0..7 {
            // Stacks grow down: the IST entry is the top; keep it 16-byte aligned.
            let top = base + ((i + 1) * IST_STACK_SIZE) as u64;
            tss.interrupt_stack_table[i] = VirtAddr::new(top & !0xf);
        }
        tss
    });
    let (gdt, code, data, tss_sel) = GDT.call_once(|| {
        let mut gdt = GlobalDescriptorTable::new();
        let code = gdt.append(Descriptor::kernel_code_segment());
        let data = gdt.append(Descriptor::kernel_data_segment());
        let tss_sel = gdt.append(Descriptor::tss_segment(tss));
        (gdt, code, data, tss_sel)
    });
    gdt.load();
    // SAFETY: the selectors come from the GDT just loaded (64-bit code, data, TSS).
    unsafe {
        CS::set_reg(*code);
        SS::set_reg(*data);
        DS::set_reg(*data);
        ES::set_reg(*data);
        load_tss(*tss_sel);
    }
}

/// The range of all IST stacks, so a backtrace knows where a handler's stack ends.
pub fn ist_range() -> (u64, u64) {
    let base = IST_STACKS.0.get() as u64;
    (base, base + (7 * IST_STACK_SIZE) as u64)
}
