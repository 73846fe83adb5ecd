//! Small fixed-capacity containers for the code that runs before the heap exists.

/// A vector of at most `N` `Copy` items, stored inline.
pub struct Fixed<T: Copy, const N: usize> {
    items: [Option<T>; N],
    len: usize,
}

impl<T: Copy, const N: usize> Fixed<T, N> {
    /// An empty vector.
    pub const fn new() -> Self {
        Self { items: [None; N], len: 0 }
    }

    /// Append `item`; returns false (and drops it) when full.
    pub fn push(&mut self, item: T) -> bool {
        if self.len == N {
            return false;
        }
        self.items[self.len] = Some(item);
        self.len += 1;
        true
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Iterate over the items in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = T> + '_ {
        self.items[..self.len].iter().map(|x| x.expect("Fixed: slot below len is filled"))
    }
}

impl<T: Copy, const N: usize> Default for Fixed<T, N> {
    fn default() -> Self {
        Self::new()
    }
}

/// Round `x` up to a multiple of `align` (a power of two).
pub const fn align_up(x: u64, align: u64) -> u64 {
    (x + align - 1) & !(align - 1)
}

/// Round `x` down to a multiple of `align` (a power of two).
pub const fn align_down(x: u64, align: u64) -> u64 {
    x & !(align - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_keeps_order_and_capacity() {
        let mut v: Fixed<u32, 2> = Fixed::new();
        assert!(v.push(7));
        assert!(v.push(9));
        assert!(!v.push(11));
        assert_eq!(v.iter().collect::<std::vec::Vec<_>>(), [7, 9]);
    }

    #[test]
    fn alignment() {
        assert_eq!(align_up(4097, 4096), 8192);
        assert_eq!(align_up(4096, 4096), 4096);
        assert_eq!(align_down(8191, 4096), 4096);
    }
}
