//! Backtraces for fault reports: walk the frame-pointer chain (the kernel is built with
//! `-C force-frame-pointers=yes`) and name each address from the symbol map `/boot/kernel.sym`
//! (lines "ADDR NAME", sorted by address, written by `make image` from `nm -n -C`).

use core::fmt::Write;

const MAX_FRAMES: usize = 48;

fn on_a_stack(addr: u64) -> bool {
    let s = crate::image::stack();
    let (ist_lo, ist_hi) = crate::arch::cpu::gdt::ist_range();
    (addr >= s.start && addr < s.end) || (addr >= ist_lo && addr < ist_hi)
}

/// Print `pc` and the return addresses found from frame pointer `fp` on.
pub fn print(out: &mut dyn Write, pc: u64, mut fp: u64) {
    let map = crate::fs::bootfs::lookup("/boot/kernel.sym").map(|f| f.data);
    let _ = writeln!(out, "  backtrace{}:", if map.is_none() { " (no /boot/kernel.sym: addresses only)" } else { "" });
    line(out, 0, pc, map);
    for i in 1..MAX_FRAMES {
        if fp == 0 || fp % 8 != 0 || !on_a_stack(fp) || !on_a_stack(fp + 8) {
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
    match map.and_then(|m| symbolize(m, addr)) {
        Some((name, off)) => {
            let name = core::str::from_utf8(name).unwrap_or("?");
            let _ = writeln!(out, "    #{i:<2} {addr:#018x}  {name}+{off:#x}");
        }
        None => {
            let _ = writeln!(out, "    #{i:<2} {addr:#018x}  ?");
        }
    }
}

fn parse_line(map: &[u8], start: usize) -> Option<(u64, &[u8], usize)> {
    let end = map[start..].iter().position(|&b| b == b'\n').map_or(map.len(), |n| start + n);
    let l = &map[start..end];
    let sp = l.iter().position(|&b| b == b' ')?;
    let addr = u64::from_str_radix(core::str::from_utf8(&l[..sp]).ok()?, 16).ok()?;
    Some((addr, &l[sp + 1..], end + 1))
}

fn line_start(map: &[u8], at: usize) -> usize {
    map[..at].iter().rposition(|&b| b == b'\n').map_or(0, |n| n + 1)
}

/// The symbol containing `addr`: name and offset. Binary search over byte offsets.
pub fn symbolize(map: &[u8], addr: u64) -> Option<(&[u8], u64)> {
    let (mut lo, mut hi) = (0usize, map.len());
    let mut best = None;
    while lo < hi {
        let mid = line_start(map, lo + (hi - lo) / 2);
        let (a, name, next) = parse_line(map, mid)?;
        if a <= addr {
            best = Some((name, addr - a));
            if next <= lo {
                break;
            }
            lo = next;
        } else {
            hi = mid;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_enclosing_symbol() {
        let map = b"1000 a\n1010 b c<d>\n2000 e\n";
        assert_eq!(symbolize(map, 0x1004), Some((&b"a"[..], 4)));
        assert_eq!(symbolize(map, 0x1010), Some((&b"b c<d>"[..], 0)));
        assert_eq!(symbolize(map, 0x1fff), Some((&b"b c<d>"[..], 0xfef)));
        assert_eq!(symbolize(map, 0x3000), Some((&b"e"[..], 0x1000)));
        assert_eq!(symbolize(map, 0xfff), None);
    }

    #[test]
    fn large_map() {
        let mut map = std::string::String::new();
        for i in 0..5000u64 {
            map.push_str(&std::format!("{:x} f{}\n", 0x10_0000 + i * 32, i));
        }
        for i in [0u64, 1, 2499, 4999] {
            let (name, off) = symbolize(map.as_bytes(), 0x10_0000 + i * 32 + 5).unwrap();
            assert_eq!(name, std::format!("f{i}").as_bytes());
            assert_eq!(off, 5);
        }
    }
}
