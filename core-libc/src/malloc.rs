//! <stdlib.h>/<malloc.h> allocation: malloc, free, calloc, realloc, the aligned variants,
//! malloc_usable_size and mallinfo2, on the core-rt heap (`mem::cache`: per-CPU caches in front of
//! `mem::heap`).

use crate::Errno;
use crate::kernel::memory::heap;
use core::ffi::{c_int, c_void};

fn heap_malloc(size: usize) -> Result<*mut c_void, Errno> {
    let p = heap::malloc(size);
    if p.is_null() { Err(Errno::ENOMEM) } else { Ok(p.cast()) }
}

crate::libc_fn! {
    /// `void *malloc(size_t)`.
    ///
    /// # Safety
    /// Always safe to call.
    fn malloc(size: usize) -> *mut c_void = core::ptr::null_mut(); {
        heap_malloc(size)
    }

    /// `void free(void *)`.
    ///
    /// # Safety
    /// `p` is null or a live pointer from this allocator.
    fn free(p: *mut c_void) {
        // SAFETY: `p` is null or a live block of this allocator (caller's contract), which is what
        // the heap's `free` asks; every allocation here comes from that heap.
        unsafe { heap::free(p.cast()) }
    }

    /// `void *calloc(size_t, size_t)`: zeroed, overflow-checked.
    ///
    /// # Safety
    /// Always safe to call.
    fn calloc(n: usize, size: usize) -> *mut c_void = core::ptr::null_mut(); {
        let total = n.checked_mul(size).ok_or(Errno::ENOMEM)?;
        let p = heap_malloc(total)?;
        // SAFETY: fresh block of `total` bytes.
        unsafe { core::ptr::write_bytes(p.cast::<u8>(), 0, total) };
        Ok(p)
    }

    /// `void *realloc(void *, size_t)`; realloc(p, 0) frees p and returns a fresh minimal block.
    ///
    /// # Safety
    /// `p` is null or a live pointer from this allocator.
    fn realloc(p: *mut c_void, size: usize) -> *mut c_void = core::ptr::null_mut(); {
        // SAFETY: `p` is null or a live block of this allocator (caller's contract), as the heap's
        // `realloc` asks.
        let q = unsafe { heap::realloc(p.cast(), size) };
        if q.is_null() { Err(Errno::ENOMEM) } else { Ok(q.cast()) }
    }

    /// `void *reallocarray(void *, size_t, size_t)`.
    ///
    /// # Safety
    /// As realloc.
    fn reallocarray(p: *mut c_void, n: usize, size: usize) -> *mut c_void = core::ptr::null_mut(); {
        let total = n.checked_mul(size).ok_or(Errno::ENOMEM)?;
        // SAFETY: as realloc: `p` is null or a live block of this allocator (caller's contract).
        let q = unsafe { heap::realloc(p.cast(), total) };
        if q.is_null() { Err(Errno::ENOMEM) } else { Ok(q.cast()) }
    }

    /// `int posix_memalign(void **, size_t align, size_t size)`: returns an error number.
    ///
    /// # Safety
    /// `out` must be writable.
    fn posix_memalign(out: *mut *mut c_void, align: usize, size: usize) -> c_int {
        if !align.is_power_of_two() || !align.is_multiple_of(core::mem::size_of::<usize>()) {
            return Errno::EINVAL as c_int;
        }
        let p = heap::memalign(align, size);
        if p.is_null() {
            return Errno::ENOMEM as c_int;
        }
        // SAFETY: caller's contract.
        unsafe { *out = p.cast() };
        0
    }

    /// `void *aligned_alloc(size_t align, size_t size)`.
    ///
    /// # Safety
    /// Always safe to call.
    fn aligned_alloc(align: usize, size: usize) -> *mut c_void = core::ptr::null_mut(); {
        if !align.is_power_of_two() {
            return Err(Errno::EINVAL);
        }
        let p = heap::memalign(align, size);
        if p.is_null() { Err(Errno::ENOMEM) } else { Ok(p.cast()) }
    }

    /// `void *memalign(size_t align, size_t size)`.
    ///
    /// # Safety
    /// Always safe to call.
    fn memalign(align: usize, size: usize) -> *mut c_void = core::ptr::null_mut(); {
        if !align.is_power_of_two() {
            return Err(Errno::EINVAL);
        }
        let p = heap::memalign(align, size);
        if p.is_null() { Err(Errno::ENOMEM) } else { Ok(p.cast()) }
    }

    /// `void *valloc(size_t)`: page-aligned.
    ///
    /// # Safety
    /// Always safe to call.
    fn valloc(size: usize) -> *mut c_void = core::ptr::null_mut(); {
        let p = heap::memalign(4096, size);
        if p.is_null() { Err(Errno::ENOMEM) } else { Ok(p.cast()) }
    }

    /// `size_t malloc_usable_size(void *)`.
    ///
    /// # Safety
    /// `p` is null or a live pointer from this allocator.
    fn malloc_usable_size(p: *mut c_void) -> usize {
        if p.is_null() {
            return 0;
        }
        // SAFETY: `p` is not null (checked above) and a live block of this allocator (caller's
        // contract), as the heap's `usable_size` asks.
        unsafe { heap::usable_size(p.cast()) }
    }

    /// `struct mallinfo2 mallinfo2(void)`: arena = heap size, uordblks = bytes in use,
    /// fordblks = free bytes, usmblks = peak use; the other fields are 0.
    ///
    /// # Safety
    /// Always safe to call.
    fn mallinfo2() -> MallInfo2 {
        let s = heap::stats();
        MallInfo2 { arena: s.arena, uordblks: s.in_use, fordblks: s.arena - s.in_use, usmblks: s.peak, ..MallInfo2::default() }
    }
}

/// glibc's `struct mallinfo2` (10 size_t fields).
#[repr(C)]
#[derive(Default)]
pub struct MallInfo2 {
    pub arena: usize,
    pub ordblks: usize,
    pub smblks: usize,
    pub hblks: usize,
    pub hblkhd: usize,
    pub usmblks: usize,
    pub fsmblks: usize,
    pub uordblks: usize,
    pub fordblks: usize,
    pub keepcost: usize,
}
