//! The mmap arena: a range of pages handed out by `mmap` and taken back by `munmap`, tracked in
//! a bitmap (one bit per 4 KiB page, first fit from a moving hint). Page-table updates are the
//! caller's job; this only does the bookkeeping, so it is tested on the host.

use alloc::vec;
use alloc::vec::Vec;

pub const PAGE: u64 = 4096;

/// Bookkeeping for `[base, base + pages * PAGE)`.
pub struct Arena {
    base: u64,
    pages: usize,
    used: Vec<u64>,
    hint: usize,
    in_use: usize,
}

impl Arena {
    /// An arena over `pages` pages starting at `base` (page-aligned), all free.
    pub fn new(base: u64, pages: usize) -> Self {
        Self { base, pages, used: vec![0; pages.div_ceil(64)], hint: 0, in_use: 0 }
    }

    fn get(&self, i: usize) -> bool {
        self.used[i / 64] & (1 << (i % 64)) != 0
    }

    fn set(&mut self, i: usize, v: bool) {
        if v {
            self.used[i / 64] |= 1 << (i % 64);
        } else {
            self.used[i / 64] &= !(1 << (i % 64));
        }
    }

    /// True when `[addr, addr + len)` lies inside the arena.
    pub fn contains(&self, addr: u64, len: u64) -> bool {
        addr >= self.base && addr.saturating_add(len) <= self.base + self.pages as u64 * PAGE
    }

    /// Pages currently handed out.
    pub fn in_use(&self) -> usize {
        self.in_use
    }

    /// Size in bytes.
    pub fn size(&self) -> u64 {
        self.pages as u64 * PAGE
    }

    /// Reserve `n` contiguous pages; returns their address.
    pub fn alloc(&mut self, n: usize) -> Option<u64> {
        if n == 0 || n > self.pages {
            return None;
        }
        for pass in 0..2 {
            let from = if pass == 0 { self.hint } else { 0 };
            let mut i = from;
            while i + n <= self.pages {
                // Skip full words quickly.
                if i % 64 == 0 && self.used[i / 64] == u64::MAX {
                    i += 64;
                    continue;
                }
                match (i..i + n).find(|&j| self.get(j)) {
                    Some(busy) => i = busy + 1,
                    None => {
                        for j in i..i + n {
                            self.set(j, true);
                        }
                        self.hint = i + n;
                        self.in_use += n;
                        return Some(self.base + i as u64 * PAGE);
                    }
                }
            }
        }
        None
    }

    /// Release the pages of `[addr, addr + len)` (any of them may already be free).
    pub fn free(&mut self, addr: u64, len: u64) {
        let first = ((addr - self.base) / PAGE) as usize;
        let n = len.div_ceil(PAGE) as usize;
        for i in first..(first + n).min(self.pages) {
            if self.get(i) {
                self.set(i, false);
                self.in_use -= 1;
            }
        }
        self.hint = self.hint.min(first);
    }

    /// True when every page of `[addr, addr + len)` is handed out.
    pub fn is_allocated(&self, addr: u64, len: u64) -> bool {
        let first = ((addr - self.base) / PAGE) as usize;
        let n = len.div_ceil(PAGE) as usize;
        (first..first + n).all(|i| i < self.pages && self.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_fit_partial_free_and_reuse() {
        let mut a = Arena::new(0x1000_0000, 100);
        let x = a.alloc(10).unwrap();
        let y = a.alloc(10).unwrap();
        assert_eq!(y, x + 10 * PAGE);
        a.free(x + 2 * PAGE, 3 * PAGE); // punch a hole
        assert!(!a.is_allocated(x, 10 * PAGE));
        assert!(a.is_allocated(x, 2 * PAGE));
        assert_eq!(a.in_use(), 17);
        let z = a.alloc(3).unwrap();
        assert_eq!(z, x + 2 * PAGE);
        assert!(a.alloc(81).is_none());
        assert!(a.alloc(80).is_some());
        a.free(x, 100 * PAGE);
        assert_eq!(a.in_use(), 0);
        assert!(a.alloc(100).is_some());
    }

    #[test]
    fn many_small_allocations() {
        let mut a = Arena::new(0, 4096);
        let v: Vec<u64> = (0..1000).map(|_| a.alloc(4).unwrap()).collect();
        for w in v.windows(2) {
            assert!(w[1] >= w[0] + 4 * PAGE || w[1] + 4 * PAGE <= w[0]);
        }
        assert!(a.contains(v[999], 4 * PAGE));
        assert!(!a.contains(4096 * PAGE, 1));
    }
}
