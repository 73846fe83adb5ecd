//! Page tables. All RAM (and the first 4 GiB, for MMIO and firmware tables) is identity-mapped.
//! Plain memory uses 2 MiB pages, read-write, no-execute. Where permissions differ within 2 MiB —
//! page 0 (unmapped, catches null pointers), the kernel image (text R-X, rodata R--, data RW-),
//! the stack guard page (unmapped) and the mmap arena (mapped on demand with the permissions
//! `mmap`/`mprotect` ask for, W^X enforced by the caller) — 4 KiB tables are used.

use crate::boot_info::Region;
use x86_64::registers::control::{Cr3, Cr3Flags};
use x86_64::structures::paging::{PageTable, PageTableFlags as F, PhysFrame};
use x86_64::{PhysAddr, VirtAddr};

pub const PAGE_SIZE: u64 = 4096;
const HUGE: u64 = 2 * 1024 * 1024;

/// Access rights of a 4 KiB page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Perm {
    None,
    Read,
    ReadWrite,
    ReadExec,
}

impl Perm {
    fn flags(self) -> Option<F> {
        match self {
            Perm::None => None,
            Perm::Read => Some(F::PRESENT | F::NO_EXECUTE),
            Perm::ReadWrite => Some(F::PRESENT | F::WRITABLE | F::NO_EXECUTE),
            Perm::ReadExec => Some(F::PRESENT),
        }
    }
}

/// The kernel's layout, as the page tables must express it.
pub struct KernelLayout {
    pub text: Region,
    pub rodata: Region,
    pub data: Region,
    pub stack_guard: Region,
    pub arena: Region,
    /// Map identity up to here (rounded up to 1 GiB, at least 4 GiB).
    pub top: u64,
}

static PML4: spin::Once<u64> = spin::Once::new();

fn table(phys: u64) -> &'static mut PageTable {
    // SAFETY: page-table frames are identity-mapped and owned by this module. Tables are created
    // only by `build` (one CPU, at boot); later edits (`set_perm`, arena pages, whose tables exist
    // from boot) change single entries of pages the caller owns, and readers (`allows`) read
    // whole 8-byte entries, which the CPU writes atomically.
    unsafe { &mut *(phys as *mut PageTable) }
}

fn child(entry: &mut x86_64::structures::paging::page_table::PageTableEntry, alloc: &mut dyn FnMut() -> u64) -> u64 {
    if entry.is_unused() {
        let frame = alloc();
        table(frame).zero();
        entry.set_addr(PhysAddr::new(frame), F::PRESENT | F::WRITABLE);
    }
    entry.addr().as_u64()
}

/// Permission of the 4 KiB page at `p` in a chunk that needs 4 KiB granularity.
fn perm_at(l: &KernelLayout, p: u64) -> Perm {
    let inside = |r: &Region| p >= r.start && p < r.end;
    if p == 0 || inside(&l.stack_guard) || inside(&l.arena) {
        Perm::None
    } else if inside(&l.text) {
        Perm::ReadExec
    } else if inside(&l.rodata) {
        Perm::Read
    } else {
        Perm::ReadWrite
    }
}

/// Build the kernel's page tables (frames from `alloc`, each 4 KiB) and switch to them.
pub fn build(l: &KernelLayout, alloc: &mut dyn FnMut() -> u64) {
    let pml4 = alloc();
    table(pml4).zero();
    let fine = |c: u64| {
        let overlaps = |r: &Region| r.start < c + HUGE && r.end > c;
        c == 0
            || overlaps(&l.text)
            || overlaps(&l.rodata)
            || overlaps(&l.data)
            || overlaps(&l.stack_guard)
            || overlaps(&l.arena)
    };
    let mut chunk = 0;
    while chunk < l.top {
        let v = VirtAddr::new(chunk);
        let pdpt = child(&mut table(pml4)[v.p4_index()], alloc);
        let pd = child(&mut table(pdpt)[v.p3_index()], alloc);
        let pde = &mut table(pd)[v.p2_index()];
        if fine(chunk) {
            let pt = child(pde, alloc);
            for i in 0..512u64 {
                let p = chunk + i * PAGE_SIZE;
                if let Some(flags) = perm_at(l, p).flags() {
                    table(pt)[i as usize].set_addr(PhysAddr::new(p), flags);
                }
            }
        } else {
            pde.set_addr(PhysAddr::new(chunk), F::PRESENT | F::WRITABLE | F::HUGE_PAGE | F::NO_EXECUTE);
        }
        chunk += HUGE;
    }
    PML4.call_once(|| pml4);
    let frame = PhysFrame::containing_address(PhysAddr::new(pml4));
    // SAFETY: the new tables identity-map everything the running code touches (image with its
    // permissions, stacks, boot structures, all RAM), so switching CR3 keeps every live address valid.
    unsafe { Cr3::write(frame, Cr3Flags::empty()) };
}

/// Set the permission of the 4 KiB pages `[addr, addr + len)` of the mmap arena (map, protect
/// or unmap), flushing the TLB for each page.
///
/// # Safety
/// The range must lie in the arena given to [`build`], and no live Rust reference may point into
/// a page whose access is being removed.
pub unsafe fn set_perm(addr: u64, len: u64, perm: Perm) {
    let pml4 = *PML4.get().expect("paging::set_perm before paging::build");
    let mut p = addr & !(PAGE_SIZE - 1);
    while p < addr + len {
        let v = VirtAddr::new(p);
        let pdpt = table(pml4)[v.p4_index()].addr().as_u64();
        let pd = table(pdpt)[v.p3_index()].addr().as_u64();
        let pt = table(pd)[v.p2_index()].addr().as_u64();
        let e = &mut table(pt)[v.p1_index()];
        match perm.flags() {
            Some(flags) => e.set_addr(PhysAddr::new(p), flags),
            None => e.set_unused(),
        }
        x86_64::instructions::tlb::flush(v);
        p += PAGE_SIZE;
    }
}

/// Whether the live page tables allow the access (`write`, instruction `fetch`) to `addr`. Each
/// CPU caches translations in its TLB, and `set_perm` flushes only the running CPU's: another CPU
/// may fault on a stale, stricter entry (JIT code made executable on one CPU, run on another).
/// The page-fault handler asks this, and when the tables allow the access it flushes the entry
/// and retries the instruction. (A stale, looser entry is not caught: protections removed on one
/// CPU may be honoured late on another; no shoot-down IPI is sent.)
pub fn allows(addr: u64, write: bool, fetch: bool) -> bool {
    let Some(&pml4) = PML4.get() else { return false };
    let Ok(v) = VirtAddr::try_new(addr) else { return false };
    let ok = |flags: F| {
        flags.contains(F::PRESENT)
            && (!write || flags.contains(F::WRITABLE))
            && (!fetch || !flags.contains(F::NO_EXECUTE))
    };
    let e4 = &table(pml4)[v.p4_index()];
    if !ok(e4.flags()) {
        return false;
    }
    let e3 = &table(e4.addr().as_u64())[v.p3_index()];
    if !ok(e3.flags()) || e3.flags().contains(F::HUGE_PAGE) {
        return ok(e3.flags()) && e3.flags().contains(F::HUGE_PAGE);
    }
    let e2 = &table(e3.addr().as_u64())[v.p2_index()];
    if !ok(e2.flags()) || e2.flags().contains(F::HUGE_PAGE) {
        return ok(e2.flags()) && e2.flags().contains(F::HUGE_PAGE);
    }
    ok(table(e2.addr().as_u64())[v.p1_index()].flags())
}

/// Drop this CPU's cached translation of `addr`.
pub fn flush_local(addr: u64) {
    x86_64::instructions::tlb::flush(VirtAddr::new_truncate(addr));
}
