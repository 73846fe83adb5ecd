//! Physical memory: usable RAM from the boot memory map minus everything already in use (low
//! 1 MiB, the kernel image, loader structures, boot modules), handed out by a bump allocator.

use crate::boot_info::Region;
use crate::util::{Fixed, align_down, align_up};

/// Free physical memory, as disjoint sorted regions.
pub struct FreeMemory {
    regions: Fixed<Region, 160>,
}

impl FreeMemory {
    /// `usable` minus `taken`, clipped to addresses ≥ 1 MiB, page-aligned.
    pub fn new(usable: impl Iterator<Item = Region>, taken: &[Region]) -> Self {
        let mut out: Fixed<Region, 160> = Fixed::new();
        for r in usable {
            let mut pieces: Fixed<Region, 160> = Fixed::new();
            pieces.push(Region { start: align_up(r.start.max(0x10_0000), 4096), end: align_down(r.end, 4096) });
            for t in taken {
                let mut next: Fixed<Region, 160> = Fixed::new();
                for p in pieces.iter() {
                    let (ts, te) = (align_down(t.start, 4096), align_up(t.end, 4096));
                    if te <= p.start || ts >= p.end {
                        next.push(p);
                        continue;
                    }
                    if ts > p.start {
                        next.push(Region { start: p.start, end: ts });
                    }
                    if te < p.end {
                        next.push(Region { start: te, end: p.end });
                    }
                }
                pieces = next;
            }
            for p in pieces.iter().filter(|p| !p.is_empty()) {
                out.push(p);
            }
        }
        let mut sorted: [Option<Region>; 160] = [None; 160];
        for (i, r) in out.iter().enumerate() {
            sorted[i] = Some(r);
        }
        sorted[..out.len()].sort_unstable_by_key(|r| r.map(|r| r.start));
        let mut regions = Fixed::new();
        for r in sorted.iter().flatten() {
            regions.push(*r);
        }
        Self { regions }
    }

    /// Total free bytes.
    pub fn total(&self) -> u64 {
        self.regions.iter().map(|r| r.len()).sum()
    }

    /// The free regions.
    pub fn regions(&self) -> impl Iterator<Item = Region> + '_ {
        self.regions.iter()
    }

    /// Take `size` bytes aligned to `align` from the end of the largest region that fits.
    pub fn take(&mut self, size: u64, align: u64) -> Option<Region> {
        let mut best: Option<(usize, Region)> = None;
        for (i, r) in self.regions.iter().enumerate() {
            let Some(top) = r.end.checked_sub(size) else { continue };
            let start = align_down(top, align);
            if start >= r.start && best.is_none_or(|(_, b)| r.len() > b.len()) {
                best = Some((i, r));
            }
        }
        let (i, r) = best?;
        let start = align_down(r.end - size, align);
        let mut regions: Fixed<Region, 160> = Fixed::new();
        for (j, x) in self.regions.iter().enumerate() {
            if j != i {
                regions.push(x);
            } else {
                regions.push(Region { start: x.start, end: start });
                if start + size < x.end {
                    regions.push(Region { start: start + size, end: x.end });
                }
            }
        }
        self.regions = regions;
        Some(Region { start, end: start + size })
    }

    /// The largest free region.
    pub fn largest(&self) -> Option<Region> {
        self.regions.iter().max_by_key(|r| r.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(start: u64, end: u64) -> Region {
        Region { start, end }
    }

    #[test]
    fn subtracts_taken_and_low_memory() {
        let usable = [r(0, 0x9f000), r(0x10_0000, 0x800_0000)];
        let taken = [r(0x20_0000, 0x40_0000), r(0x700_0000, 0x700_0010)];
        let f = FreeMemory::new(usable.into_iter(), &taken);
        let got: std::vec::Vec<_> = f.regions().collect();
        assert_eq!(got, [r(0x10_0000, 0x20_0000), r(0x40_0000, 0x700_0000), r(0x700_1000, 0x800_0000)]);
        assert_eq!(f.total(), 0x10_0000 + 0x6c0_0000 + 0xff_f000);
    }

    #[test]
    fn take_from_largest_with_alignment() {
        let mut f = FreeMemory::new([r(0x10_0000, 0x30_0000), r(0x100_0000, 0x200_0000)].into_iter(), &[]);
        let got = f.take(0x20_0000, 0x20_0000).unwrap();
        assert_eq!(got, r(0x1e0_0000, 0x200_0000));
        assert_eq!(f.largest(), Some(r(0x100_0000, 0x1e0_0000)));
        assert!(f.take(0x1000_0000, 4096).is_none());
        // A small region must not stop the search for a big enough one.
        let mut f = FreeMemory::new([r(0x10_0000, 0x10_1000), r(0x100_0000, 0x200_0000)].into_iter(), &[]);
        assert_eq!(f.take(0x10_0000, 4096), Some(r(0x1f0_0000, 0x200_0000)));
    }
}
