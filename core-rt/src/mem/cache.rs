//! Per-CPU caches of small heap blocks in front of the one locked heap ([`super::HEAP`]). Each CPU
//! keeps, per size class, a list of free blocks it allocates from and frees to without a lock; it
//! takes blocks from the heap and gives them back in batches, so the heap's lock is taken once
//! per batch instead of once per malloc and free. With a compile thread (LLVM) on one CPU and the
//! program on another, a single lock taken for every allocation was a spin on every call, and
//! under QEMU's TCG a CPU spins for whole host time slices while the host has descheduled the
//! virtual CPU that holds the lock.
//!
//! Why no lock is needed: a cache is used only by its own CPU (found through the GS base), and a
//! thread never leaves its CPU inside malloc or free: the scheduler does not preempt (threads
//! switch only when they block or yield, and these functions do neither). An interrupt handler
//! that allocates on a CPU whose cache is in the middle of an update (the `busy` flag) goes to
//! the locked heap instead. Large blocks (over 1 KiB) and aligned ones always do.
//!
//! Accounting: blocks held by the caches count as in use in the heap's statistics until they are
//! given back; [`stats`] subtracts what the caches hold, so `in_use` is exact and `peak` may
//! include up to `2 * BATCH_BYTES` per size class and CPU of cached blocks.

use super::HEAP;
use super::heap::{self, Block, Chain, Heap, Stats};
use core::cell::UnsafeCell;
use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering, compiler_fence};

/// CPUs with a cache (the scheduler's bit masks allow 64); a CPU beyond uses the locked heap.
const MAX_CPUS: usize = 64;
/// About how many bytes of blocks one batch moves between a cache and the heap.
const BATCH_BYTES: usize = 4096;

/// How many blocks of class `c` one batch moves: 4..=64.
fn batch(c: usize) -> usize {
    (BATCH_BYTES / (heap::HEADER + heap::class_size(c))).clamp(4, 64)
}

/// One size class of one CPU's cache.
#[derive(Clone, Copy)]
struct List {
    head: *mut u8,
    count: usize,
}

/// One CPU's cache.
struct CpuCache {
    /// Set while this CPU updates `lists` (an interrupt handler then bypasses the cache).
    busy: AtomicBool,
    lists: UnsafeCell<[List; heap::CLASSES]>,
    /// Bytes of blocks held (usable sizes), read by [`stats`] from any CPU.
    held: AtomicUsize,
}

// SAFETY: `lists` is touched only by the CPU the cache belongs to, with `busy` set (see the module
// doc); `busy` and `held` are atomics.
unsafe impl Sync for CpuCache {}

static CACHES: [CpuCache; MAX_CPUS] = [const { CpuCache::new() }; MAX_CPUS];

/// The running CPU's cache, marked busy; `None` when there is none yet (early boot), the CPU has
/// none, or the cache is busy (an allocation from an interrupt handler).
fn enter() -> Option<&'static CpuCache> {
    let cache = CACHES.get(crate::sched::cpu_index()?)?;
    if cache.busy.load(Ordering::Relaxed) {
        return None;
    }
    cache.busy.store(true, Ordering::Relaxed);
    // Only this CPU reads the flag: a compiler fence keeps the list updates after the store.
    compiler_fence(Ordering::SeqCst);
    Some(cache)
}

impl CpuCache {
    const fn new() -> CpuCache {
        CpuCache {
            busy: AtomicBool::new(false),
            lists: UnsafeCell::new([List { head: ptr::null_mut(), count: 0 }; heap::CLASSES]),
            held: AtomicUsize::new(0),
        }
    }

    fn leave(&self) {
        compiler_fence(Ordering::SeqCst);
        self.busy.store(false, Ordering::Relaxed);
    }

    /// This cache's list of class `c`.
    ///
    /// # Safety
    /// The caller is on this cache's CPU and marked it busy ([`enter`]); no other reference to the
    /// lists is live.
    #[allow(clippy::mut_from_ref)]
    unsafe fn list(&self, c: usize) -> &mut List {
        // SAFETY: caller's contract: this CPU only, not re-entered (busy).
        unsafe { &mut (*self.lists.get())[c] }
    }

    /// A class-`c` block, refilling the list from `heap` when it is empty.
    fn alloc(&self, heap: &spin::Mutex<Heap>, c: usize) -> *mut u8 {
        // SAFETY: called between `enter` and `leave` on this cache's CPU.
        let list = unsafe { self.list(c) };
        if list.head.is_null() {
            let Some(chain) = heap.lock().take_small(c, batch(c)) else { return ptr::null_mut() };
            self.held.fetch_add(chain.count * heap::class_size(c), Ordering::Relaxed);
            *list = List { head: chain.head, count: chain.count };
        }
        let block = list.head;
        // SAFETY: a block of the list is free and ours; its first word links to the next one.
        list.head = unsafe { *(block as *mut *mut u8) };
        list.count -= 1;
        self.held.fetch_sub(heap::class_size(c), Ordering::Relaxed);
        // SAFETY: the block just left the list; nobody else holds it.
        unsafe { heap::hand_out(block, c) }
    }

    /// Take back the class-`c` block `block` (its header's address); past two batches, give one
    /// batch back to `heap`.
    ///
    /// # Safety
    /// `block` is a class-`c` block of `heap` that its owner has just freed.
    unsafe fn free(&self, heap: &spin::Mutex<Heap>, c: usize, block: *mut u8) {
        // SAFETY: called between `enter` and `leave` on this cache's CPU.
        let list = unsafe { self.list(c) };
        // SAFETY: the block is free now (caller's contract): its first word becomes the link.
        unsafe { *(block as *mut *mut u8) = list.head };
        list.head = block;
        list.count += 1;
        self.held.fetch_add(heap::class_size(c), Ordering::Relaxed);
        let n = batch(c);
        if list.count <= 2 * n {
            return;
        }
        let head = list.head;
        let mut tail = head;
        for _ in 1..n {
            // SAFETY: the list holds more than `n` blocks, each linking to the next.
            tail = unsafe { *(tail as *mut *mut u8) };
        }
        // SAFETY: `tail` is the n-th block; the rest of the list stays here.
        list.head = unsafe { *(tail as *mut *mut u8) };
        list.count -= n;
        self.held.fetch_sub(n * heap::class_size(c), Ordering::Relaxed);
        // SAFETY: the first `n` blocks of the list, ending at `tail`, are free and no longer ours.
        unsafe { heap.lock().give_small(c, Chain { head, count: n }, tail) };
    }
}

/// Allocate `size` bytes aligned to 16. Null when out of memory.
pub fn malloc(size: usize) -> *mut u8 {
    if let Some(c) = heap::class_of(size)
        && let Some(cache) = enter()
    {
        let p = cache.alloc(&HEAP, c);
        cache.leave();
        return p;
    }
    HEAP.lock().malloc(size)
}

/// Allocate `size` bytes aligned to `align` (a power of two). Null when out of memory.
pub fn memalign(align: usize, size: usize) -> *mut u8 {
    if align <= 16 { malloc(size) } else { HEAP.lock().memalign(align, size) }
}

/// Free the block at `p` (null is ignored).
///
/// # Safety
/// `p` must be null or come from this heap and not be freed yet.
pub unsafe fn free(p: *mut u8) {
    if p.is_null() {
        return;
    }
    // SAFETY: a live block of the heap (caller's contract).
    if let Block::Small(c) = unsafe { heap::block_of(p) }
        && let Some(cache) = enter()
    {
        // SAFETY: its header is HEADER bytes below; the caller gives the block up.
        unsafe { cache.free(&HEAP, c, p.sub(heap::HEADER)) };
        cache.leave();
        return;
    }
    // SAFETY: caller's contract.
    unsafe { HEAP.lock().free(p) }
}

/// Usable bytes of the block at `p`.
///
/// # Safety
/// `p` must come from this heap and not be freed.
pub unsafe fn usable_size(p: *mut u8) -> usize {
    // SAFETY: caller's contract.
    unsafe { heap::usable_size_of(p) }
}

/// Resize the block at `p` to `size` bytes, moving it when it does not fit (or when it would
/// waste more than half of a large block).
///
/// # Safety
/// As for [`free`].
pub unsafe fn realloc(p: *mut u8, size: usize) -> *mut u8 {
    if p.is_null() {
        return malloc(size);
    }
    // SAFETY: caller's contract.
    let have = unsafe { usable_size(p) };
    if size <= have && (size >= have / 2 || heap::class_of(have).is_some()) {
        return p;
    }
    let q = malloc(size);
    if !q.is_null() {
        // SAFETY: both blocks are live and at least min(have, size) bytes long; `p` is given up.
        unsafe {
            ptr::copy_nonoverlapping(p, q, have.min(size));
            free(p);
        }
    }
    q
}

/// Heap statistics, blocks held by the caches not counted as in use.
pub fn stats() -> Stats {
    let mut s = HEAP.lock().stats();
    let held: usize = CACHES.iter().map(|c| c.held.load(Ordering::Relaxed)).sum();
    s.in_use = s.in_use.saturating_sub(held);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A heap on a fresh buffer (the buffer must outlive it).
    fn heap_on(buf: &mut [u8]) -> spin::Mutex<Heap> {
        let mut h = Heap::empty();
        // SAFETY: the buffer outlives the heap in each test.
        unsafe { h.init(buf.as_mut_ptr(), buf.len()) };
        spin::Mutex::new(h)
    }

    fn held(c: &CpuCache) -> usize {
        c.held.load(Ordering::Relaxed)
    }

    #[test]
    fn blocks_move_between_two_caches_and_the_heap_intact() {
        let mut buf = vec![0u8; 8 << 20];
        let h = heap_on(&mut buf);
        let cpus = [CpuCache::new(), CpuCache::new()];
        let mut live: Vec<(*mut u8, usize, u8)> = Vec::new();
        let mut seed = 0x9e37_79b9_u64;
        let mut rnd = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for step in 0..50_000u32 {
            let r = rnd();
            let cpu = &cpus[(r & 1) as usize];
            if live.len() < 2000 && (r % 3 != 0 || live.is_empty()) {
                let size = (r >> 8) as usize % 1025;
                let c = heap::class_of(size).expect("a small size");
                let p = cpu.alloc(&h, c);
                assert!(!p.is_null(), "step {step}: out of memory");
                assert_eq!(p as usize % 16, 0);
                // SAFETY: a live block of at least `size` bytes.
                assert!(unsafe { heap::usable_size_of(p) } >= size);
                let tag = step as u8;
                // SAFETY: fresh block of `size` bytes.
                unsafe { ptr::write_bytes(p, tag, size) };
                live.push((p, size, tag));
            } else {
                let (p, size, tag) = live.swap_remove((r >> 16) as usize % live.len());
                // SAFETY: the block is live: check its contents, then free it on the chosen CPU.
                unsafe {
                    assert!(std::slice::from_raw_parts(p, size).iter().all(|&b| b == tag), "corrupted block");
                    let Block::Small(c) = heap::block_of(p) else { panic!("a small block reads as large") };
                    cpu.free(&h, c, p.sub(heap::HEADER));
                }
            }
            // Each cache holds at most two batches (plus the block just freed) per class.
            let bound = (0..heap::CLASSES).map(|c| (2 * batch(c) + 1) * heap::class_size(c)).sum::<usize>();
            assert!(held(cpu) <= bound);
        }
        for (p, _, _) in live.drain(..) {
            // SAFETY: live blocks, freed once.
            unsafe {
                let Block::Small(c) = heap::block_of(p) else { panic!("a small block reads as large") };
                cpus[0].free(&h, c, p.sub(heap::HEADER));
            }
        }
        // Everything is free: what the heap counts as in use is exactly what the caches hold.
        assert_eq!(h.lock().stats().in_use, held(&cpus[0]) + held(&cpus[1]));
    }

    #[test]
    fn frees_past_two_batches_go_back_to_the_heap() {
        let mut buf = vec![0u8; 1 << 20];
        let h = heap_on(&mut buf);
        let (a, b) = (CpuCache::new(), CpuCache::new());
        let c = heap::class_of(32).expect("small");
        let blocks: Vec<*mut u8> = (0..500).map(|_| a.alloc(&h, c)).collect();
        assert!(blocks.iter().all(|p| !p.is_null()));
        // SAFETY: `list` is used by this test's thread only, with no other reference live.
        let in_a = unsafe { a.list(c).count };
        assert!(in_a < batch(c), "a refills one batch at a time");
        for &p in &blocks {
            // SAFETY: each block is live and freed once.
            unsafe { b.free(&h, c, p.sub(heap::HEADER)) };
        }
        // SAFETY: as above.
        let in_b = unsafe { b.list(c).count };
        assert!(in_b <= 2 * batch(c), "b keeps at most two batches, holds {in_b}");
        assert_eq!(held(&b), in_b * heap::class_size(c));
        assert_eq!(h.lock().stats().in_use, held(&a) + held(&b));
        // The blocks b gave back are the heap's again: a fresh cache gets them.
        let p = CpuCache::new().alloc(&h, c);
        assert!(blocks.contains(&p));
    }
}
