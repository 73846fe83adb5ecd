//! PVH (QEMU `-kernel`): `hvm_start_info` with a module list, a command line and (version 1) an
//! E820-style memory map.

use super::read_at;
use crate::boot_info::{BootInfo, Module, Region, cstr_at};

const START_INFO_MAGIC: u32 = 0x336e_c578;
const E820_RAM: u32 = 1;

/// `struct hvm_start_info` (xen/include/public/arch-x86/hvm/start_info.h).
#[derive(Clone, Copy)]
#[repr(C)]
struct StartInfo {
    magic: u32,
    version: u32,
    flags: u32,
    nr_modules: u32,
    modlist_paddr: u64,
    cmdline_paddr: u64,
    rsdp_paddr: u64,
    memmap_paddr: u64,
    memmap_entries: u32,
    reserved: u32,
}

/// `struct hvm_modlist_entry`.
#[derive(Clone, Copy)]
#[repr(C)]
struct ModEntry {
    paddr: u64,
    size: u64,
    cmdline_paddr: u64,
    reserved: u64,
}

/// `struct hvm_memmap_table_entry`.
#[derive(Clone, Copy)]
#[repr(C)]
struct MemEntry {
    addr: u64,
    size: u64,
    kind: u32,
    reserved: u32,
}

/// Parse the PVH start info at `info`.
///
/// # Safety
/// `info` must be the physical address the loader passed in `ebx` (identity-mapped).
pub unsafe fn parse(info: u64, entry_tsc: u64) -> Result<BootInfo, &'static str> {
    // SAFETY: caller's contract.
    let si: StartInfo = unsafe { read_at(info) };
    if si.magic != START_INFO_MAGIC {
        return Err("PVH start info has a bad magic number");
    }
    let mut boot = BootInfo::new("pvh", entry_tsc);
    boot.keep.push(Region { start: info, end: info + core::mem::size_of::<StartInfo>() as u64 });
    // SAFETY: the loader's command line is a NUL-terminated string (or 0).
    boot.cmdline = unsafe { cstr_at(si.cmdline_paddr) };
    if si.rsdp_paddr != 0 {
        boot.rsdp = Some(si.rsdp_paddr);
    }
    let n = si.nr_modules as u64;
    if n > 32 {
        return Err("more than 32 boot modules");
    }
    let list = si.modlist_paddr;
    boot.keep.push(Region { start: list, end: list + n * core::mem::size_of::<ModEntry>() as u64 });
    for i in 0..n {
        // SAFETY: the module list has `nr_modules` entries.
        let m: ModEntry = unsafe { read_at(list + i * core::mem::size_of::<ModEntry>() as u64) };
        // SAFETY: module command lines are NUL-terminated strings (or 0).
        let name = unsafe { cstr_at(m.cmdline_paddr) };
        boot.modules.push(Module { region: Region { start: m.paddr, end: m.paddr + m.size }, name });
    }
    if si.version < 1 || si.memmap_paddr == 0 {
        return Err("PVH start info has no memory map (version 0)");
    }
    let map = si.memmap_paddr;
    let sz = core::mem::size_of::<MemEntry>() as u64;
    boot.keep.push(Region { start: map, end: map + si.memmap_entries as u64 * sz });
    for i in 0..si.memmap_entries as u64 {
        // SAFETY: the memory map has `memmap_entries` entries.
        let e: MemEntry = unsafe { read_at(map + i * sz) };
        if e.kind == E820_RAM && e.size > 0 {
            boot.usable.push(Region { start: e.addr, end: e.addr + e.size });
        }
    }
    Ok(boot)
}
