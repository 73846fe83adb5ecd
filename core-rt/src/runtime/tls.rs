//! ELF thread-local storage, one block per thread of execution (x86-64 variant II): the TLS block sits just below
//! the thread pointer (FS base); at the thread pointer is the TCB, laid out as glibc does where
//! compiled code looks: [0] self pointer, [0x28] stack-protector canary, [0x30] pointer guard.

use crate::boot_info::Region;

/// Size of the TCB we reserve above the TLS block.
const TCB_SIZE: usize = 0x100;

/// The thread's TLS block: start address and aligned size (offset of the thread pointer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    pub start: u64,
    pub size: u64,
}

static BLOCK: spin::Once<Block> = spin::Once::new();

/// Offsets of a TLS layout: TLS block size aligned to `align` (thread pointer = start + that).
pub fn layout(memsz: u64, align: u64) -> (u64, u64) {
    let aligned = memsz.next_multiple_of(align.max(1));
    (aligned, aligned + TCB_SIZE as u64)
}

/// The PT_TLS template every new block copies (set by [`init`]).
static TEMPLATE: spin::Once<(Region, u64, u64)> = spin::Once::new();

/// Build the main thread's TLS block from the PT_TLS template and install the thread pointer.
/// `canary` seeds the stack protector.
pub fn init(template: Region, memsz: u64, align: u64, canary: u64) {
    TEMPLATE.call_once(|| (template, memsz, align));
    let (base, tls_size) = new_block(template, memsz, align, canary);
    // SAFETY: `new_block` built a TCB whose first word is the thread pointer itself.
    unsafe { crate::arch::machine::set_thread_pointer(base + tls_size) };
    BLOCK.call_once(|| Block { start: base, size: tls_size });
}

/// A fresh TLS block + TCB for a CPU's own context, kept for the run: returns its thread
/// pointer. The caller installs it (FS base) on that CPU.
pub fn new_thread_pointer(canary: u64) -> u64 {
    let (template, memsz, align) = *TEMPLATE.get().expect("TLS template before the first thread");
    let (base, tls_size) = new_block(template, memsz, align, canary);
    base + tls_size
}

/// A thread's TLS block and TCB, freed with the value.
pub struct OwnedBlock {
    base: *mut u8,
    layout: core::alloc::Layout,
    tp: u64,
}

// SAFETY: plain heap memory owned by this value.
unsafe impl Send for OwnedBlock {}
// SAFETY: the value itself is never written through a shared reference.
unsafe impl Sync for OwnedBlock {}

impl OwnedBlock {
    /// A fresh block from the PT_TLS template (`None` when the heap is exhausted).
    pub fn new(canary: u64) -> Option<OwnedBlock> {
        let (template, memsz, align) = *TEMPLATE.get()?;
        let (tls_size, total) = layout(memsz, align);
        let layout = core::alloc::Layout::from_size_align(total as usize, align.max(64) as usize).ok()?;
        let (base, size) = new_block(template, memsz, align, canary);
        debug_assert_eq!(size, tls_size);
        Some(OwnedBlock { base: base as *mut u8, layout, tp: base + tls_size })
    }

    /// Its thread pointer (the TCB's address).
    pub fn thread_pointer(&self) -> u64 {
        self.tp
    }
}

impl Drop for OwnedBlock {
    fn drop(&mut self) {
        // SAFETY: `base` was allocated by `new_block` with exactly this layout and is freed once.
        unsafe { alloc::alloc::dealloc(self.base, self.layout) };
    }
}

/// Allocate and fill one TLS block with its TCB: (start, aligned TLS size = offset of the TCB).
fn new_block(template: Region, memsz: u64, align: u64, canary: u64) -> (u64, u64) {
    // The linker computed every TP-relative offset as `offset - align_up(memsz, p_align)`: the
    // block size must use exactly PT_TLS's alignment. The allocation may be aligned more.
    let (tls_size, total) = layout(memsz, align);
    let layout = core::alloc::Layout::from_size_align(total as usize, align.max(64) as usize).expect("TLS layout");
    // SAFETY: the heap is up; a non-zero size is requested.
    let base = unsafe { alloc::alloc::alloc_zeroed(layout) };
    assert!(!base.is_null(), "core-rt: out of memory for the TLS block");
    let tp = base as u64 + tls_size;
    // SAFETY: `base` has `total` zeroed bytes; the template is `template.len()` <= memsz bytes of
    // readable image; the TCB words are inside the allocation.
    unsafe {
        core::ptr::copy_nonoverlapping(template.start as *const u8, base, template.len() as usize);
        let tcb = tp as *mut u64;
        *tcb = tp;
        *tcb.add(5) = canary & !0xff; // glibc keeps a zero low byte to stop string overflows
        *tcb.add(6) = canary.rotate_left(17);
    }
    (base as u64, tls_size)
}

/// The TLS block (for `__tls_get_addr` and `dl_iterate_phdr`).
pub fn block() -> Option<Block> {
    BLOCK.get().copied()
}

#[cfg(test)]
mod tests {
    #[test]
    fn block_size_uses_the_segment_alignment_exactly() {
        // PT_TLS memsz 0x148, align 8: the linker's TP offsets assume a 0x148-byte block.
        assert_eq!(super::layout(0x148, 8).0, 0x148);
    }

    #[test]
    fn thread_pointer_is_aligned_and_above_block() {
        assert_eq!(super::layout(0x123, 64), (0x140, 0x240));
        assert_eq!(super::layout(0, 16), (0, 0x100));
        assert_eq!(super::layout(4096, 4096), (4096, 4096 + 0x100));
    }
}
