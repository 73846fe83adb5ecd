//! Multiboot2 (GRUB): the boot information is a list of 8-byte-aligned tags.

use super::read_at;
use crate::boot_info::{BootInfo, Module, Region, cstr_at};

const TAG_END: u32 = 0;
const TAG_CMDLINE: u32 = 1;
const TAG_MODULE: u32 = 3;
const TAG_MMAP: u32 = 6;
const TAG_ACPI_OLD: u32 = 14;
const TAG_ACPI_NEW: u32 = 15;
const MMAP_AVAILABLE: u32 = 1;

/// Parse the Multiboot2 information at `info`.
///
/// # Safety
/// `info` must be the physical address GRUB passed in `ebx` (identity-mapped).
pub unsafe fn parse(info: u64, entry_tsc: u64) -> Result<BootInfo, &'static str> {
    let mut boot = BootInfo::new("multiboot2", entry_tsc);
    // SAFETY: the header is two u32s at `info` (caller's contract).
    let total: u32 = unsafe { read_at(info) };
    if !(16..(1 << 24)).contains(&total) {
        return Err("multiboot2 information has an implausible size");
    }
    boot.keep.push(Region { start: info, end: info + total as u64 });
    let mut tag = info + 8;
    let end = info + total as u64;
    while tag + 8 <= end {
        // SAFETY: `tag` lies inside the information block GRUB built.
        let (ty, size): (u32, u32) = unsafe { (read_at(tag), read_at(tag + 4)) };
        if size < 8 {
            return Err("multiboot2 tag with size < 8");
        }
        match ty {
            TAG_END => break,
            // SAFETY: the command-line tag holds a NUL-terminated string after its header.
            TAG_CMDLINE => boot.cmdline = unsafe { cstr_at(tag + 8) },
            TAG_MODULE => {
                // SAFETY: a module tag is {u32 start, u32 end, string}.
                let (start, mend): (u32, u32) = unsafe { (read_at(tag + 8), read_at(tag + 12)) };
                // SAFETY: as above, the name string follows.
                let name = unsafe { cstr_at(tag + 16) };
                let region = Region { start: start as u64, end: mend as u64 };
                if !boot.modules.push(Module { region, name }) {
                    return Err("more than 32 boot modules");
                }
            }
            TAG_MMAP => {
                // SAFETY: the mmap tag header holds entry_size at +8.
                let entry_size: u32 = unsafe { read_at(tag + 8) };
                if entry_size < 24 {
                    return Err("multiboot2 memory map entries smaller than 24 bytes");
                }
                let mut e = tag + 16;
                while e + entry_size as u64 <= tag + size as u64 {
                    // SAFETY: each entry is {u64 base, u64 length, u32 type, u32 reserved}.
                    let (base, len, kind): (u64, u64, u32) = unsafe { (read_at(e), read_at(e + 8), read_at(e + 16)) };
                    if kind == MMAP_AVAILABLE && len > 0 {
                        boot.usable.push(Region { start: base, end: base + len });
                    }
                    e += entry_size as u64;
                }
            }
            TAG_ACPI_OLD | TAG_ACPI_NEW
                // The tag carries a copy of the RSDP; the copy itself is a valid RSDP.
                if (boot.rsdp.is_none() || ty == TAG_ACPI_NEW) => {
                    boot.rsdp = Some(tag + 8);
                }
            _ => {}
        }
        tag += (size as u64 + 7) & !7;
    }
    if boot.usable.is_empty() {
        return Err("multiboot2 information has no memory map");
    }
    Ok(boot)
}
