//! Backtraces for fault reports: walk the frame-pointer chain (the kernel is built with
//! `-C force-frame-pointers=yes`) and name each address from the image's symbol map
//! ([`crate::symmap`]).

use core::fmt::Write;

const MAX_FRAMES: usize = 48;

fn on_a_stack(addr: u64) -> bool {
    let s = crate::image::stack();
    let (ist_lo, ist_hi) = crate::arch::cpu::gdt::ist_range();
    (addr >= s.start && addr < s.end) || (addr >= ist_lo && addr < ist_hi)
}

/// Print `pc` and the return addresses found from frame pointer `fp` on.
pub fn print(out: &mut dyn Write, pc: u64, mut fp: u64) {
    // Inflating the map allocates: not while the heap's lock is held (a fault inside malloc).
    let map = if crate::mem::HEAP.is_locked() { crate::symmap::boot_map_loaded() } else { crate::symmap::boot_map() };
    let _ = writeln!(out, "  backtrace{}:", if map.is_none() { " (no symbol map: addresses only)" } else { "" });
    line(out, 0, pc, map);
    for i in 1..MAX_FRAMES {
        if fp == 0 || !fp.is_multiple_of(8) || !on_a_stack(fp) || !on_a_stack(fp + 8) {
            break;
        }
        // SAFETY: `fp` and `fp + 8` were checked to lie on a kernel stack, which is mapped.
        let (next, ret) = unsafe { (*(fp as *const u64), *((fp + 8) as *const u64)) };
        if ret == 0 {
            break;
        }
        line(out, i, ret, map);
        if next <= fp {
            break; // frames move up the stack; anything else is a broken chain
        }
        fp = next;
    }
}

fn line(out: &mut dyn Write, i: usize, addr: u64, map: Option<&[u8]>) {
    match map.and_then(|m| crate::symmap::symbolize(m, addr)) {
        Some((name, off)) => {
            let name = core::str::from_utf8(name).unwrap_or("?");
            let _ = writeln!(out, "    #{i:<2} {addr:#018x}  {name}+{off:#x}");
        }
        None => {
            let _ = writeln!(out, "    #{i:<2} {addr:#018x}  ?");
        }
    }
}
