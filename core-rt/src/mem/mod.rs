//! Memory: physical frames from the boot map, the kernel's page tables, the malloc heap and the
//! mmap arena. [`init`] lays them out once at boot:
//! - the arena (a quarter of free RAM, 16 MiB..1 GiB) gets 4 KiB page tables, pages mapped on demand;
//! - page tables come from free frames;
//! - the heap is the largest free region left (2 MiB pages, RW, NX); malloc reaches it through
//!   per-CPU caches of small blocks (`cache`).

pub mod arena;
pub mod cache;
pub mod frames;
pub mod heap;

use crate::arch::mm::{Perm, paging};
use crate::boot_info::{BootInfo, Region};
use crate::util::{Fixed, align_down};
use frames::FreeMemory;

pub use heap::Stats as HeapStats;

/// The malloc heap. Allocate through [`cache`] (per-CPU caches in front of it), which takes this
/// lock once per batch of small blocks and for every large one.
pub static HEAP: spin::Mutex<heap::Heap> = spin::Mutex::new(heap::Heap::empty());
/// The mmap arena (None until [`init`]).
pub static ARENA: spin::Mutex<Option<arena::Arena>> = spin::Mutex::new(None);

const MIB: u64 = 1024 * 1024;

/// What [`init`] set up, for the boot log.
pub struct Summary {
    pub ram: u64,
    pub heap: Region,
    pub arena: Region,
    pub page_tables: u64,
}

/// Lay out memory and switch to the kernel's page tables.
pub fn init(boot: &BootInfo) -> Result<Summary, &'static str> {
    let mut taken: Fixed<Region, 64> = Fixed::new();
    taken.push(crate::image::whole());
    for k in boot.keep.iter() {
        taken.push(k);
    }
    for m in boot.modules.iter() {
        taken.push(m.region);
    }
    let cmd = boot.cmdline.as_ptr() as u64;
    taken.push(Region { start: cmd, end: cmd + boot.cmdline.len() as u64 + 1 });
    let mut taken_arr = [Region { start: 0, end: 0 }; 64];
    for (i, t) in taken.iter().enumerate() {
        taken_arr[i] = t;
    }
    let mut free = FreeMemory::new(boot.usable.iter(), &taken_arr[..taken.len()]);
    let ram = boot.usable.iter().map(|r| r.len()).sum();
    let top_ram = boot.usable.iter().map(|r| r.end).max().unwrap_or(0);

    let arena_size = align_down((free.total() / 4).clamp(16 * MIB, 1024 * MIB), 2 * MIB);
    let arena = free.take(arena_size, 2 * MIB).ok_or("not enough RAM for the mmap arena")?;

    let layout = paging::KernelLayout {
        text: crate::image::text(),
        rodata: crate::image::rodata(),
        data: crate::image::data(),
        stack_guard: crate::image::stack_guard(),
        arena,
        top: top_ram.max(4 << 30).next_multiple_of(1 << 30),
    };
    let mut tables = 0u64;
    paging::build(&layout, &mut || match free.take(4096, 4096) {
        Some(r) => {
            tables += 1;
            r.start
        }
        None => {
            crate::console::write_str("core-rt: out of memory for page tables\n");
            crate::arch::machine::exit(crate::runtime::EXIT_FAULT)
        }
    });
    let heap = free.largest().ok_or("no RAM left for the heap")?;
    // SAFETY: `heap` is free RAM (not image, modules, loader data, tables or arena), mapped RW.
    unsafe { HEAP.lock().init(heap.start as *mut u8, heap.len() as usize) };
    *ARENA.lock() = Some(arena::Arena::new(arena.start, (arena.len() / arena::PAGE) as usize));
    Ok(Summary { ram, heap, arena, page_tables: tables * 4096 })
}

/// True when `addr` is in the guard page below the main stack.
pub fn is_stack_guard(addr: u64) -> bool {
    let g = crate::image::stack_guard();
    addr >= g.start && addr < g.end
}

/// Map fresh arena pages for `len` bytes with `perm`; returns the address.
pub fn map_anonymous(len: u64, perm: Perm) -> Option<u64> {
    let pages = len.div_ceil(arena::PAGE) as usize;
    let addr = ARENA.lock().as_mut()?.alloc(pages)?;
    let size = pages as u64 * arena::PAGE;
    // SAFETY: the pages were just reserved in the arena; nobody references them yet. They are
    // first mapped writable to zero them, then given the requested permission.
    unsafe {
        paging::set_perm(addr, size, Perm::ReadWrite);
        core::ptr::write_bytes(addr as *mut u8, 0, size as usize);
        if perm != Perm::ReadWrite {
            paging::set_perm(addr, size, perm);
        }
    }
    Some(addr)
}

/// Why an arena operation was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum ArenaError {
    /// Not inside the arena (e.g. heap or image memory).
    Outside,
    /// Some page in the range is not mapped.
    NotMapped,
}

/// Change the permission of mapped arena pages.
pub fn protect(addr: u64, len: u64, perm: Perm) -> Result<(), ArenaError> {
    let guard = ARENA.lock();
    let a = guard.as_ref().ok_or(ArenaError::Outside)?;
    if !a.contains(addr, len) {
        return Err(ArenaError::Outside);
    }
    if !a.is_allocated(addr, len) {
        return Err(ArenaError::NotMapped);
    }
    // SAFETY: the range is mapped arena memory; removing access is the caller's (mprotect's) request.
    unsafe { paging::set_perm(addr, len, perm) };
    Ok(())
}

/// Unmap arena pages and give them back.
pub fn unmap(addr: u64, len: u64) -> Result<(), ArenaError> {
    let mut guard = ARENA.lock();
    let a = guard.as_mut().ok_or(ArenaError::Outside)?;
    if !a.contains(addr, len) {
        return Err(ArenaError::Outside);
    }
    // SAFETY: munmap's contract: the caller no longer uses these pages.
    unsafe { paging::set_perm(addr, len, Perm::None) };
    a.free(addr, len);
    Ok(())
}
