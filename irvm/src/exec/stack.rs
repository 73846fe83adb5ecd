//! The interpreter's stacks (register slots, growing up; alloca memory, growing down): one
//! allocation each at full size, zeroed lazily in chunks as the stack reaches them. Zeroing
//! megabytes up front is free on Linux (calloc maps zero pages) but not on bare metal, where
//! core-rt's calloc writes every byte (≈ 50 ms per boot under TCG for two 8 MiB stacks).
//! Every byte the interpreter can reach has been zeroed: the bounds checks test against the
//! zeroed part (`ready`) and call [`Stack::grow_up`] / [`Stack::grow_down`] past it.

use std::alloc::{Layout, alloc, dealloc};

/// How much is zeroed at a time (and at first).
const CHUNK: usize = 64 << 10;

/// A stack of `len` bytes at `base`, of which `[ready_lo, ready_hi)` is zeroed. It grows either
/// up (`ready_lo == base`) or down (`ready_hi == base + len`), never both.
pub(crate) struct Stack {
    base: *mut u8,
    len: usize,
    ready_lo: usize,
    ready_hi: usize,
}

impl Stack {
    /// A stack of at least `len` bytes (rounded up to 16) that grows up (`up`) or down.
    pub(crate) fn new(len: usize, up: bool) -> Stack {
        let len = len.max(CHUNK).next_multiple_of(16);
        let layout = Layout::from_size_align(len, 16).expect("irvm: stack size overflows");
        // SAFETY: non-zero size.
        let base = unsafe { alloc(layout) };
        if base.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        let (b, e) = (base as usize, base as usize + len);
        let mut s = Stack { base, len, ready_lo: if up { b } else { e }, ready_hi: if up { b } else { e } };
        if up {
            s.grow_up(b + 1);
        } else {
            s.grow_down(e - 1);
        }
        s
    }

    /// Size in bytes.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// First byte.
    #[inline(always)]
    pub(crate) fn base(&self) -> usize {
        self.base as usize
    }

    /// One past the last byte.
    #[inline(always)]
    pub(crate) fn end(&self) -> usize {
        self.base as usize + self.len
    }

    /// Lowest zeroed address (a down-growing stack may use `[ready_lo, end)`).
    #[inline(always)]
    pub(crate) fn ready_lo(&self) -> usize {
        self.ready_lo
    }

    /// End of the zeroed part (an up-growing stack may use `[base, ready_hi)`).
    #[inline(always)]
    pub(crate) fn ready_hi(&self) -> usize {
        self.ready_hi
    }

    /// Zero up to (at least) `to`; false when `to` is past the end (stack overflow).
    #[cold]
    pub(crate) fn grow_up(&mut self, to: usize) -> bool {
        if to > self.end() {
            return false;
        }
        let new_hi = (to.max(self.ready_hi + CHUNK) - self.base()).next_multiple_of(CHUNK).min(self.len) + self.base();
        // SAFETY: [ready_hi, new_hi) is inside the allocation and not yet handed out.
        unsafe { std::ptr::write_bytes(self.ready_hi as *mut u8, 0, new_hi - self.ready_hi) };
        self.ready_hi = new_hi;
        true
    }

    /// Zero down to (at least) `from`; false when `from` is below the base (stack overflow).
    #[cold]
    pub(crate) fn grow_down(&mut self, from: usize) -> bool {
        if from < self.base() {
            return false;
        }
        let below = (self.end() - from).max(self.end() - self.ready_lo + CHUNK).next_multiple_of(CHUNK).min(self.len);
        let new_lo = self.end() - below;
        // SAFETY: [new_lo, ready_lo) is inside the allocation and not yet handed out.
        unsafe { std::ptr::write_bytes(new_lo as *mut u8, 0, self.ready_lo - new_lo) };
        self.ready_lo = new_lo;
        true
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe { dealloc(self.base, Layout::from_size_align_unchecked(self.len, 16)) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_by_chunks_and_refuses_past_the_end() {
        let mut up = Stack::new(4 * CHUNK, true);
        assert_eq!(up.ready_hi() - up.base(), CHUNK);
        assert!(up.grow_up(up.base() + CHUNK + 1));
        assert_eq!(up.ready_hi() - up.base(), 2 * CHUNK);
        assert!(up.grow_up(up.end()));
        assert_eq!(up.ready_hi(), up.end());
        assert!(!up.grow_up(up.end() + 1));
        // SAFETY: the whole stack is zeroed now.
        assert!(unsafe { std::slice::from_raw_parts(up.base() as *const u8, up.len) }.iter().all(|&b| b == 0));

        let mut down = Stack::new(3 * CHUNK + 16, false);
        assert_eq!(down.end() - down.ready_lo(), CHUNK);
        assert!(down.grow_down(down.end() - 2 * CHUNK - 5));
        assert_eq!(down.end() - down.ready_lo(), 3 * CHUNK);
        assert!(down.grow_down(down.base()));
        assert_eq!(down.ready_lo(), down.base());
        assert!(!down.grow_down(down.base() - 1));
    }
}
