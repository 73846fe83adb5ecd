//! The heap behind malloc: a first-fit `linked_list_allocator` for large blocks, fronted by
//! size-class free lists for blocks up to 1 KiB (LLVM makes millions of small allocations, and a
//! single first-fit list grows slow under them). Every block carries a 16-byte header just
//! below the pointer handed out, so `free` needs no size. The per-CPU caches (`mem::cache`) move
//! small blocks in and out of the class lists in batches ([`Heap::take_small`], [`Heap::give_small`]).

use core::alloc::Layout;
use core::ptr::{self, NonNull};

pub(crate) const HEADER: usize = 16;
const CLASS_STEP: usize = 16;
pub(crate) const CLASSES: usize = 64; // user sizes 16, 32, ... 1024
const BIG: u64 = 1 << 63;
const REFILL_BYTES: usize = 16 * 1024;

/// Heap statistics (for mallinfo2 and the boot log).
#[derive(Clone, Copy, Debug, Default)]
pub struct Stats {
    pub arena: usize,
    pub in_use: usize,
    pub peak: usize,
}

/// The allocator state. Not thread-safe by itself: wrap it in a lock.
pub struct Heap {
    big: linked_list_allocator::Heap,
    free: [*mut u8; CLASSES],
    stats: Stats,
}

// SAFETY: the raw pointers are into the heap region this value owns; moving it between threads
// moves that ownership.
unsafe impl Send for Heap {}

/// The size class of a `size`-byte request, `None` for a large block.
pub(crate) fn class_of(size: usize) -> Option<usize> {
    (size <= CLASSES * CLASS_STEP).then(|| size.max(1).div_ceil(CLASS_STEP) - 1)
}

/// Usable bytes of a class-`class` block.
pub(crate) fn class_size(class: usize) -> usize {
    (class + 1) * CLASS_STEP
}

/// What the header below a block handed out says about it.
pub(crate) enum Block {
    /// A small block of this class.
    Small(usize),
    /// A large block, from the first-fit heap.
    Big,
}

/// Read the header of the live block at `p`.
///
/// # Safety
/// `p` must come from a heap of this module and not be freed.
pub(crate) unsafe fn block_of(p: *mut u8) -> Block {
    // SAFETY: every block has its header right below the pointer (caller's contract).
    let tag = unsafe { *(p.sub(HEADER) as *const u64) };
    if tag & BIG != 0 {
        return Block::Big;
    }
    assert!((tag as usize) < CLASSES, "heap: free() of a pointer that malloc did not return");
    Block::Small(tag as usize)
}

/// Usable bytes of the live block at `p`.
///
/// # Safety
/// As for [`block_of`].
pub(crate) unsafe fn usable_size_of(p: *mut u8) -> usize {
    // SAFETY: every block has its header right below the pointer (caller's contract).
    let (tag, base) = unsafe { (*(p.sub(HEADER) as *const u64), *(p.sub(8) as *const u64)) };
    if tag & BIG != 0 { (base as usize + (tag & !BIG) as usize) - p as usize } else { class_size(tag as usize) }
}

/// Mark a free class-`c` block as handed out (its header holds the class) and return the
/// pointer the caller gets.
///
/// # Safety
/// `block` is a free block of class `c` that nobody else holds.
pub(crate) unsafe fn hand_out(block: *mut u8, c: usize) -> *mut u8 {
    // SAFETY: the block is HEADER + class_size bytes, ours (caller's contract).
    unsafe {
        *(block as *mut u64) = c as u64;
        block.add(HEADER)
    }
}

/// A run of free small blocks linked through their first words, `count` long, the last one's
/// link null.
pub(crate) struct Chain {
    pub(crate) head: *mut u8,
    pub(crate) count: usize,
}

impl Heap {
    /// An empty heap; call [`Heap::init`] before use.
    pub const fn empty() -> Self {
        Self {
            big: linked_list_allocator::Heap::empty(),
            free: [ptr::null_mut(); CLASSES],
            stats: Stats { arena: 0, in_use: 0, peak: 0 },
        }
    }

    /// Hand `[start, start + size)` to the heap.
    ///
    /// # Safety
    /// The memory must be writable, unused by anything else, and live for the heap's lifetime.
    pub unsafe fn init(&mut self, start: *mut u8, size: usize) {
        // SAFETY: forwarded caller contract.
        unsafe { self.big.init(start, size) };
        self.stats.arena = size;
    }

    /// Statistics.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    fn account(&mut self, delta: isize) {
        self.stats.in_use = (self.stats.in_use as isize + delta) as usize;
        self.stats.peak = self.stats.peak.max(self.stats.in_use);
    }

    /// Allocate `size` bytes aligned to 16. Null when out of memory.
    pub fn malloc(&mut self, size: usize) -> *mut u8 {
        match class_of(size) {
            Some(c) => self.alloc_small(c),
            None => self.alloc_big(size, 16),
        }
    }

    /// Allocate `size` bytes aligned to `align` (a power of two). Null when out of memory.
    pub fn memalign(&mut self, align: usize, size: usize) -> *mut u8 {
        if align <= 16 { self.malloc(size) } else { self.alloc_big(size, align) }
    }

    fn alloc_small(&mut self, c: usize) -> *mut u8 {
        if self.free[c].is_null() && !self.refill(c) {
            return ptr::null_mut();
        }
        let block = self.free[c];
        // SAFETY: free-list blocks are ours; their first word links to the next free block.
        self.free[c] = unsafe { *(block as *mut *mut u8) };
        self.account(class_size(c) as isize);
        // SAFETY: the block just left the free list.
        unsafe { hand_out(block, c) }
    }

    /// Take up to `n` (at least one) free class-`c` blocks for a per-CPU cache; they count as in
    /// use from now on. `None` when out of memory.
    pub(crate) fn take_small(&mut self, c: usize, n: usize) -> Option<Chain> {
        if self.free[c].is_null() && !self.refill(c) {
            return None;
        }
        let head = self.free[c];
        let (mut tail, mut count) = (head, 1);
        // SAFETY: free-list blocks are ours; their first word links to the next free block.
        unsafe {
            while count < n && !(*(tail as *mut *mut u8)).is_null() {
                tail = *(tail as *mut *mut u8);
                count += 1;
            }
            self.free[c] = *(tail as *mut *mut u8);
            *(tail as *mut *mut u8) = ptr::null_mut();
        }
        self.account((count * class_size(c)) as isize);
        Some(Chain { head, count })
    }

    /// Give back a run of free class-`c` blocks a per-CPU cache held, `tail` its last block.
    ///
    /// # Safety
    /// `chain` links `chain.count` free class-`c` blocks of this heap, ending at `tail`, that
    /// nobody holds any more.
    pub(crate) unsafe fn give_small(&mut self, c: usize, chain: Chain, tail: *mut u8) {
        // SAFETY: `tail` is the last block of the chain (caller's contract).
        unsafe { *(tail as *mut *mut u8) = self.free[c] };
        self.free[c] = chain.head;
        self.account(-((chain.count * class_size(c)) as isize));
    }

    /// Carve a run of class-`c` blocks out of one large allocation.
    fn refill(&mut self, c: usize) -> bool {
        let block = HEADER + class_size(c);
        let n = (REFILL_BYTES / block).max(1);
        let Ok(layout) = Layout::from_size_align(n * block, 16) else { return false };
        let Ok(run) = self.big.allocate_first_fit(layout) else { return false };
        let run = run.as_ptr();
        for i in (0..n).rev() {
            // SAFETY: `i * block` is inside the run just allocated.
            unsafe {
                let b = run.add(i * block);
                *(b as *mut *mut u8) = self.free[c];
                self.free[c] = b;
            }
        }
        true
    }

    fn alloc_big(&mut self, size: usize, align: usize) -> *mut u8 {
        let Some(total) = size.checked_add(HEADER + align) else { return ptr::null_mut() };
        let Ok(layout) = Layout::from_size_align(total, 16) else { return ptr::null_mut() };
        let Ok(base) = self.big.allocate_first_fit(layout) else { return ptr::null_mut() };
        let base = base.as_ptr();
        let user = (base as usize + HEADER).next_multiple_of(align) as *mut u8;
        // SAFETY: user - HEADER >= base and user + size <= base + total.
        unsafe {
            let h = user.sub(HEADER) as *mut u64;
            *h = BIG | total as u64;
            *h.add(1) = base as u64;
        }
        self.account(total as isize);
        user
    }

    /// Usable bytes of the block at `p` (from this heap, not freed).
    ///
    /// # Safety
    /// `p` must come from this heap and not be freed.
    pub unsafe fn usable_size(&self, p: *mut u8) -> usize {
        // SAFETY: caller's contract.
        unsafe { usable_size_of(p) }
    }

    /// Free the block at `p` (null is ignored).
    ///
    /// # Safety
    /// `p` must be null or come from this heap and not be freed yet.
    pub unsafe fn free(&mut self, p: *mut u8) {
        if p.is_null() {
            return;
        }
        // SAFETY: header below the pointer (caller's contract).
        let (tag, base) = unsafe { (*(p.sub(HEADER) as *const u64), *(p.sub(8) as *const u64)) };
        if tag & BIG != 0 {
            let total = (tag & !BIG) as usize;
            let layout = Layout::from_size_align(total, 16).expect("heap: corrupt block header");
            // SAFETY: `base`/`layout` are exactly what alloc_big got from the big heap.
            unsafe { self.big.deallocate(NonNull::new_unchecked(base as *mut u8), layout) };
            self.account(-(total as isize));
        } else {
            let c = tag as usize;
            assert!(c < CLASSES, "heap: free() of a pointer that malloc did not return");
            let block = p.wrapping_sub(HEADER);
            // SAFETY: the block is ours again; link it into its class list.
            unsafe { *(block as *mut *mut u8) = self.free[c] };
            self.free[c] = block;
            self.account(-(class_size(c) as isize));
        }
    }

    /// Resize the block at `p` to `size` bytes, moving it when it does not fit.
    ///
    /// # Safety
    /// As for [`Heap::free`].
    pub unsafe fn realloc(&mut self, p: *mut u8, size: usize) -> *mut u8 {
        if p.is_null() {
            return self.malloc(size);
        }
        // SAFETY: caller's contract.
        let have = unsafe { self.usable_size(p) };
        if size <= have && (size >= have / 2 || have <= CLASSES * CLASS_STEP) {
            return p;
        }
        let q = self.malloc(size);
        if !q.is_null() {
            // SAFETY: both blocks are live and at least min(have, size) bytes long.
            unsafe {
                ptr::copy_nonoverlapping(p, q, have.min(size));
                self.free(p);
            }
        }
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heap(buf: &mut [u8]) -> Heap {
        let mut h = Heap::empty();
        // SAFETY: the buffer outlives the heap in each test.
        unsafe { h.init(buf.as_mut_ptr(), buf.len()) };
        h
    }

    #[test]
    fn random_alloc_free_keeps_contents_and_alignment() {
        let mut buf = vec![0u8; 8 << 20];
        let mut h = heap(&mut buf);
        let mut live: Vec<(*mut u8, usize, u8)> = Vec::new();
        let mut seed = 0x1234_5678_u64;
        let mut rnd = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for step in 0..40_000 {
            let r = rnd();
            if live.len() < 500 && (r % 3 != 0 || live.is_empty()) {
                let size = if r % 10 == 0 { (r >> 8) as usize % 20_000 } else { (r >> 8) as usize % 300 };
                let align = if r % 17 == 0 { 64 << (r % 4) } else { 16 };
                let p = h.memalign(align, size);
                assert!(!p.is_null(), "step {step}: out of memory");
                assert_eq!(p as usize % align, 0);
                let tag = step as u8;
                // SAFETY: fresh block of `size` bytes.
                unsafe { ptr::write_bytes(p, tag, size) };
                live.push((p, size, tag));
            } else {
                let i = (r >> 16) as usize % live.len();
                let (p, size, tag) = live.swap_remove(i);
                // SAFETY: block is live; check nobody overwrote it, then free it.
                unsafe {
                    assert!(std::slice::from_raw_parts(p, size).iter().all(|&b| b == tag), "corrupted block");
                    if r % 5 == 0 {
                        let q = h.realloc(p, size * 2 + 1);
                        assert!(std::slice::from_raw_parts(q, size).iter().all(|&b| b == tag));
                        h.free(q);
                    } else {
                        h.free(p);
                    }
                }
            }
        }
        for (p, _, _) in live {
            // SAFETY: live blocks.
            unsafe { h.free(p) };
        }
        assert_eq!(h.stats().in_use, 0);
        assert!(h.stats().peak > 0);
    }

    #[test]
    fn out_of_memory_is_null() {
        let mut buf = vec![0u8; 64 * 1024];
        let mut h = heap(&mut buf);
        assert!(h.malloc(1 << 20).is_null());
        assert!(h.malloc(usize::MAX - 8).is_null());
    }

    #[test]
    fn usable_size_covers_request() {
        let mut buf = vec![0u8; 1 << 20];
        let mut h = heap(&mut buf);
        for size in [0, 1, 15, 16, 17, 1000, 1024, 1025, 5000] {
            let p = h.malloc(size);
            // SAFETY: live block.
            assert!(unsafe { h.usable_size(p) } >= size);
            // SAFETY: live block.
            unsafe { h.free(p) };
        }
    }

    #[test]
    fn batches_taken_and_given_back_are_accounted() {
        let mut buf = vec![0u8; 1 << 20];
        let mut h = heap(&mut buf);
        let c = class_of(100).expect("small");
        let chain = h.take_small(c, 10).expect("memory");
        assert_eq!(chain.count, 10);
        assert_eq!(h.stats().in_use, 10 * class_size(c));
        let mut tail = chain.head;
        // SAFETY: the chain links 10 free blocks, the last link null.
        unsafe {
            for _ in 1..10 {
                tail = *(tail as *mut *mut u8);
            }
            assert!((*(tail as *mut *mut u8)).is_null());
        }
        let first = chain.head;
        // SAFETY: the whole chain goes back, unused.
        unsafe { h.give_small(c, chain, tail) };
        assert_eq!(h.stats().in_use, 0);
        // The list is last in, first out: the next block of the class is the chain's first.
        // SAFETY: `hand_out` put the header right below the pointer.
        assert_eq!(h.malloc(100), unsafe { first.add(HEADER) });
    }
}
