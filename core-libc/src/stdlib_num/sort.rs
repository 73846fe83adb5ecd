//! `qsort`, `qsort_r` (GNU argument order) and `bsearch`. qsort is an introsort: median-of-three
//! quicksort with Sedgewick's partition (balanced on equal keys), insertion sort for short ranges
//! and heapsort when the recursion gets too deep, so the worst case is O(n log n). Not stable
//! (glibc does not promise stability either).

use core::ffi::{c_int, c_void};

/// C comparison function.
pub type CmpFn = unsafe extern "C" fn(*const c_void, *const c_void) -> c_int;
/// GNU `qsort_r` comparison function.
pub type CmpArgFn = unsafe extern "C" fn(*const c_void, *const c_void, *mut c_void) -> c_int;

/// An array of `n` elements of `size` bytes being sorted.
struct Arr<'a> {
    base: *mut u8,
    size: usize,
    cmp: &'a mut dyn FnMut(*const u8, *const u8) -> c_int,
}

impl Arr<'_> {
    fn at(&self, i: usize) -> *mut u8 {
        // SAFETY: callers pass indices below the array length.
        unsafe { self.base.add(i * self.size) }
    }
    fn less(&mut self, i: usize, j: usize) -> bool {
        let (a, b) = (self.at(i), self.at(j));
        (self.cmp)(a, b) < 0
    }
    fn swap(&mut self, i: usize, j: usize) {
        if i == j {
            return;
        }
        let (a, b) = (self.at(i), self.at(j));
        let mut k = 0;
        // SAFETY: both elements are `size` bytes and distinct.
        unsafe {
            while k + 8 <= self.size {
                let x = (a.add(k) as *const u64).read_unaligned();
                let y = (b.add(k) as *const u64).read_unaligned();
                (a.add(k) as *mut u64).write_unaligned(y);
                (b.add(k) as *mut u64).write_unaligned(x);
                k += 8;
            }
            while k < self.size {
                core::ptr::swap(a.add(k), b.add(k));
                k += 1;
            }
        }
    }

    fn insertion(&mut self, lo: usize, hi: usize) {
        for i in lo + 1..=hi {
            let mut j = i;
            while j > lo && self.less(j, j - 1) {
                self.swap(j, j - 1);
                j -= 1;
            }
        }
    }

    fn sift_down(&mut self, lo: usize, mut root: usize, n: usize) {
        loop {
            let mut child = 2 * root + 1;
            if child >= n {
                return;
            }
            if child + 1 < n && self.less(lo + child, lo + child + 1) {
                child += 1;
            }
            if !self.less(lo + root, lo + child) {
                return;
            }
            self.swap(lo + root, lo + child);
            root = child;
        }
    }

    fn heapsort(&mut self, lo: usize, hi: usize) {
        let n = hi - lo + 1;
        for i in (0..n / 2).rev() {
            self.sift_down(lo, i, n);
        }
        for end in (1..n).rev() {
            self.swap(lo, lo + end);
            self.sift_down(lo, 0, end);
        }
    }

    /// Put the median of lo, mid, hi at lo.
    fn median_to_front(&mut self, lo: usize, hi: usize) {
        let mid = lo + (hi - lo) / 2;
        if self.less(mid, lo) {
            self.swap(mid, lo);
        }
        if self.less(hi, lo) {
            self.swap(hi, lo);
        }
        if self.less(hi, mid) {
            self.swap(hi, mid);
        }
        // Now lo <= mid <= hi: the median is at mid.
        self.swap(lo, mid);
    }

    fn partition(&mut self, lo: usize, hi: usize) -> usize {
        self.median_to_front(lo, hi);
        let (mut i, mut j) = (lo, hi + 1);
        loop {
            loop {
                i += 1;
                if i > hi || !self.less(i, lo) {
                    break;
                }
            }
            loop {
                j -= 1;
                if !self.less(lo, j) {
                    break;
                }
            }
            if i >= j {
                break;
            }
            self.swap(i, j);
        }
        self.swap(lo, j);
        j
    }

    fn sort(&mut self, mut lo: usize, mut hi: usize, mut depth: u32) {
        while hi > lo {
            if hi - lo < 12 {
                self.insertion(lo, hi);
                return;
            }
            if depth == 0 {
                self.heapsort(lo, hi);
                return;
            }
            depth -= 1;
            let p = self.partition(lo, hi);
            // Recurse into the smaller side, loop on the larger (stack depth O(log n)).
            if p - lo < hi - p {
                if p > lo {
                    self.sort(lo, p - 1, depth);
                }
                lo = p + 1;
            } else {
                self.sort(p + 1, hi, depth);
                if p == 0 {
                    return;
                }
                hi = p - 1;
            }
        }
    }
}

/// Sort with a Rust comparison closure.
///
/// # Safety
/// `base` holds `n` elements of `size` bytes; `cmp` is a consistent order.
unsafe fn sort_with(base: *mut c_void, n: usize, size: usize, cmp: &mut dyn FnMut(*const u8, *const u8) -> c_int) {
    if n < 2 || size == 0 {
        return;
    }
    let depth = 2 * (usize::BITS - n.leading_zeros());
    let mut a = Arr { base: base as *mut u8, size, cmp };
    a.sort(0, n - 1, depth);
}

crate::libc_fn! {
    /// `void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))`.
    ///
    /// # Safety
    /// `base` holds `n` elements of `size` bytes; `cmp` is a consistent order.
    fn qsort(base: *mut c_void, n: usize, size: usize, cmp: CmpFn) {
        // SAFETY: the comparator receives pointers to elements of the array.
        let mut f = |a: *const u8, b: *const u8| unsafe { cmp(a as *const c_void, b as *const c_void) };
        // SAFETY: per the caller.
        unsafe { sort_with(base, n, size, &mut f) }
    }

    /// `void qsort_r(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *,
    /// void *), void *arg)` (GNU order).
    ///
    /// # Safety
    /// As `qsort`.
    fn qsort_r(base: *mut c_void, n: usize, size: usize, cmp: CmpArgFn, arg: *mut c_void) {
        // SAFETY: the comparator receives pointers to elements and the caller's argument.
        let mut f = |a: *const u8, b: *const u8| unsafe { cmp(a as *const c_void, b as *const c_void, arg) };
        // SAFETY: per the caller.
        unsafe { sort_with(base, n, size, &mut f) }
    }

    /// `void *bsearch(const void *key, const void *base, size_t n, size_t size, cmp)`.
    ///
    /// # Safety
    /// `base` holds `n` elements sorted by `cmp`.
    fn bsearch(key: *const c_void, base: *const c_void, n: usize, size: usize, cmp: CmpFn) -> *mut c_void {
        let (mut lo, mut hi) = (0usize, n);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            // SAFETY: mid < n.
            let p = unsafe { (base as *const u8).add(mid * size) } as *const c_void;
            // SAFETY: per the caller.
            let c = unsafe { cmp(key, p) };
            if c == 0 {
                return p as *mut c_void;
            }
            if c < 0 {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        core::ptr::null_mut()
    }
}
