//! The image's symbol map `/boot/kernel.sym` (written by `make image` from the kernel ELF: one
//! "ADDR NAME" line per text symbol, hexadecimal addresses): read in place from the boot files
//! by `dlsym` and by the driver's coverage report (the backtrace bisects the same lines).

/// The map, when the image was booted with one.
pub fn boot_map() -> Option<&'static [u8]> {
    crate::fs::bootfs::lookup("/boot/kernel.sym").map(|f| f.data)
}

/// Its entries, in file order: (address, name). Malformed lines are skipped.
pub fn entries(map: &[u8]) -> impl Iterator<Item = (u64, &[u8])> {
    map.split(|&b| b == b'\n').filter_map(|l| {
        let sp = l.iter().position(|&b| b == b' ')?;
        let addr = u64::from_str_radix(core::str::from_utf8(&l[..sp]).ok()?, 16).ok()?;
        Some((addr, &l[sp + 1..]))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn entries_skip_malformed_lines() {
        let map = b"1000 main\nzz bad\n2a0 f g\nnospace\n";
        let e: alloc::vec::Vec<(u64, &[u8])> = super::entries(map).collect();
        assert_eq!(e, [(0x1000, &b"main"[..]), (0x2a0, &b"f g"[..])]);
    }
}
