//! The image's symbol map: one "ADDR NAME" line per text symbol of the kernel, sorted by
//! address, hexadecimal addresses (`make image` writes it from the kernel ELF with `nm -n -C`).
//! The boot files carry it gzip-compressed as `/boot/kernel.sym.gz` (≈ 2 MB instead of ≈ 28 MB
//! for the loader to copy on every boot); the first reader inflates it, once, and it stays in
//! memory. A plain `/boot/kernel.sym` is read in place. Readers, all off the normal path: dlsym's
//! fallback, the driver's coverage report, fault and panic backtraces.

use core::sync::atomic::{AtomicU64, Ordering};

/// The map as shipped by `make image`.
pub const GZ_PATH: &str = "/boot/kernel.sym.gz";
/// The map uncompressed (preferred when an image carries it).
pub const PLAIN_PATH: &str = "/boot/kernel.sym";

static MAP: spin::Once<Option<&'static [u8]>> = spin::Once::new();
/// The thread that inflates the map (0: none yet).
static LOADER: AtomicU64 = AtomicU64::new(0);

/// The map, when the image was booted with a readable one: the first call inflates
/// `/boot/kernel.sym.gz` (a damaged one is reported in one line and counts as no map).
pub fn boot_map() -> Option<&'static [u8]> {
    if let Some(m) = MAP.get() {
        return *m;
    }
    // The first caller inflates the map. The loading thread entering again can only come from a
    // fault or panic inside the inflater, whose backtrace then goes without names instead of
    // waiting for itself; another thread yields its CPU until the map is there (nothing
    // preempts, so spinning could hold the CPU the loader needs).
    let me = running_thread();
    match LOADER.compare_exchange(0, me, Ordering::Relaxed, Ordering::Relaxed) {
        Ok(_) => *MAP.call_once(load),
        Err(loader) if loader == me => None,
        Err(_) => loop {
            if let Some(m) = MAP.get() {
                return *m;
            }
            crate::sched::yield_now();
        },
    }
}

/// The running thread's id (host tests run on threads the scheduler does not know: one id).
#[cfg(not(test))]
fn running_thread() -> u64 {
    crate::sched::current_id()
}
#[cfg(test)]
fn running_thread() -> u64 {
    1
}

/// The map only if reading it needs no memory (loaded before, or plain): for fault reports
/// raised while the heap itself may be what failed.
pub fn boot_map_loaded() -> Option<&'static [u8]> {
    match MAP.get() {
        Some(m) => *m,
        None => crate::fs::bootfs::lookup(PLAIN_PATH).map(|f| f.data),
    }
}

fn load() -> Option<&'static [u8]> {
    if let Some(f) = crate::fs::bootfs::lookup(PLAIN_PATH) {
        return Some(f.data);
    }
    let gz = crate::fs::bootfs::lookup(GZ_PATH)?;
    let t0 = crate::arch::cpu::tsc::read();
    match crate::fs::gzip::decompress_member(gz.data) {
        Ok(map) => {
            let us = crate::time::ticks_to_ns(crate::arch::cpu::tsc::read() - t0, crate::time::tsc_hz()) / 1000;
            crate::kprintln!(
                "core-rt: symbol map: {GZ_PATH} inflated, {} -> {} bytes in {} ms",
                gz.data.len(),
                map.len(),
                us / 1000
            );
            Some(map.leak())
        }
        Err(e) => {
            crate::kprintln!("core-rt: {GZ_PATH}: cannot inflate: {e}; going on without the symbol map");
            None
        }
    }
}

/// Its entries, in file order: (address, name). Malformed lines are skipped.
pub fn entries(map: &[u8]) -> impl Iterator<Item = (u64, &[u8])> {
    map.split(|&b| b == b'\n').filter_map(parse)
}

fn parse(l: &[u8]) -> Option<(u64, &[u8])> {
    let sp = l.iter().position(|&b| b == b' ')?;
    let addr = u64::from_str_radix(core::str::from_utf8(&l[..sp]).ok()?, 16).ok()?;
    Some((addr, &l[sp + 1..]))
}

/// The line starting at byte `start`: its entry and where the next line starts.
fn line_at(map: &[u8], start: usize) -> Option<(u64, &[u8], usize)> {
    let end = map[start..].iter().position(|&b| b == b'\n').map_or(map.len(), |n| start + n);
    let (addr, name) = parse(&map[start..end])?;
    Some((addr, name, end + 1))
}

fn line_start(map: &[u8], at: usize) -> usize {
    map[..at].iter().rposition(|&b| b == b'\n').map_or(0, |n| n + 1)
}

/// The symbol containing `addr`: name and offset. Binary search over byte offsets (the map is
/// sorted by address).
pub fn symbolize(map: &[u8], addr: u64) -> Option<(&[u8], u64)> {
    let (mut lo, mut hi) = (0usize, map.len());
    let mut best = None;
    while lo < hi {
        let mid = line_start(map, lo + (hi - lo) / 2);
        let (a, name, next) = line_at(map, mid)?;
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
    fn entries_skip_malformed_lines() {
        let map = b"1000 main\nzz bad\n2a0 f g\nnospace\n";
        let e: alloc::vec::Vec<(u64, &[u8])> = entries(map).collect();
        assert_eq!(e, [(0x1000, &b"main"[..]), (0x2a0, &b"f g"[..])]);
    }

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

    #[test]
    fn no_boot_files_means_no_map() {
        // Host tests register no boot files: neither form is there, nothing is inflated.
        assert_eq!(boot_map(), None);
        assert_eq!(boot_map_loaded(), None);
    }
}
