//! <sys/mman.h>: mmap, munmap, mprotect, madvise over the mmap arena, with real page
//! permissions. W^X: a mapping is never writable and executable at once — PROT_WRITE|PROT_EXEC
//! fails with EACCES (as Linux does under an execmem-denying policy); JIT code is written RW, then
//! switched to RX with mprotect.

use crate::Errno;
use crate::kernel::fd;
use crate::kernel::memory::Perm;
use crate::kernel::memory::{self as mem, ArenaError};
use core::ffi::{c_int, c_void};

const PAGE: u64 = 4096;
const MAP_FAILED: *mut c_void = !0usize as *mut c_void;

fn perm(prot: c_int) -> Result<Perm, Errno> {
    let (r, w, x) = (prot & libc::PROT_READ != 0, prot & libc::PROT_WRITE != 0, prot & libc::PROT_EXEC != 0);
    if prot & !(libc::PROT_READ | libc::PROT_WRITE | libc::PROT_EXEC) != 0 {
        return Err(Errno::EINVAL);
    }
    Ok(match (r, w, x) {
        (_, true, true) => return Err(Errno::EACCES),
        (_, true, false) => Perm::ReadWrite,
        (_, false, true) => Perm::ReadExec,
        (true, false, false) => Perm::Read,
        (false, false, false) => Perm::None,
    })
}

fn arena_err(e: ArenaError) -> Errno {
    match e {
        ArenaError::Outside => Errno::EINVAL,
        ArenaError::NotMapped => Errno::ENOMEM,
    }
}

fn do_mmap(len: usize, prot: c_int, flags: c_int, f: c_int, off: i64) -> Result<*mut c_void, Errno> {
    if len == 0 || off < 0 || !(off as u64).is_multiple_of(PAGE) {
        return Err(Errno::EINVAL);
    }
    if flags & libc::MAP_FIXED != 0 {
        return Err(Errno::ENOTSUP);
    }
    let p = perm(prot)?;
    let len = len as u64;
    if flags & libc::MAP_ANONYMOUS != 0 {
        return mem::map_anonymous(len, p).map(|a| a as *mut c_void).ok_or(Errno::ENOMEM);
    }
    // A file mapping is a private copy of the boot file's bytes.
    let meta = fd::meta(f)?;
    if meta.mode & libc::S_IFMT != libc::S_IFREG {
        return Err(Errno::ENODEV);
    }
    if flags & libc::MAP_SHARED != 0 && prot & libc::PROT_WRITE != 0 {
        return Err(Errno::EACCES);
    }
    let addr = mem::map_anonymous(len, Perm::ReadWrite).ok_or(Errno::ENOMEM)?;
    let avail = meta.size.saturating_sub(off as u64).min(len) as usize;
    // SAFETY: `addr` is a fresh RW mapping of `len` >= `avail` bytes.
    let dst = unsafe { core::slice::from_raw_parts_mut(addr as *mut u8, avail) };
    let got = fd::read(f, dst, Some(off as u64))?;
    debug_assert_eq!(got, avail);
    if p != Perm::ReadWrite {
        mem::protect(addr, len, p).map_err(arena_err)?;
    }
    Ok(addr as *mut c_void)
}

crate::libc_fn! {
    /// `void *mmap(void *, size_t, int, int, int, off_t)`; the address hint is ignored.
    ///
    /// # Safety
    /// Always safe to call; the returned memory is new.
    fn mmap(_hint: *mut c_void, len: usize, prot: c_int, flags: c_int, f: c_int, off: i64) -> *mut c_void = MAP_FAILED; {
        do_mmap(len, prot, flags, f, off)
    }

    /// `void *mmap64(...)`: same as mmap on x86-64.
    ///
    /// # Safety
    /// As mmap.
    fn mmap64(_hint: *mut c_void, len: usize, prot: c_int, flags: c_int, f: c_int, off: i64) -> *mut c_void = MAP_FAILED; {
        do_mmap(len, prot, flags, f, off)
    }

    /// `int munmap(void *, size_t)`.
    ///
    /// # Safety
    /// The caller no longer uses the range.
    fn munmap(addr: *mut c_void, len: usize) -> c_int = -1; {
        if !(addr as u64).is_multiple_of(PAGE) || len == 0 {
            return Err(Errno::EINVAL);
        }
        mem::unmap(addr as u64, len as u64).map(|_| 0).map_err(arena_err)
    }

    /// `int mprotect(void *, size_t, int)`.
    ///
    /// # Safety
    /// No live reference may rely on access being removed from the range.
    fn mprotect(addr: *mut c_void, len: usize, prot: c_int) -> c_int = -1; {
        if !(addr as u64).is_multiple_of(PAGE) {
            return Err(Errno::EINVAL);
        }
        let p = perm(prot)?;
        if len == 0 {
            return Ok(0);
        }
        mem::protect(addr as u64, len as u64, p).map(|_| 0).map_err(arena_err)
    }

    /// `int madvise(void *, size_t, int)`: MADV_DONTNEED zeroes the pages (as Linux does for
    /// private anonymous memory); other advice is accepted and has no effect.
    ///
    /// # Safety
    /// For MADV_DONTNEED the caller must not rely on the range's contents.
    fn madvise(addr: *mut c_void, len: usize, advice: c_int) -> c_int = -1; {
        if !(addr as u64).is_multiple_of(PAGE) {
            return Err(Errno::EINVAL);
        }
        if advice == libc::MADV_DONTNEED && len > 0 {
            mem::protect(addr as u64, len as u64, Perm::ReadWrite).map_err(arena_err)?;
            // SAFETY: the range is mapped RW arena memory; the caller gave up its contents.
            unsafe { core::ptr::write_bytes(addr as *mut u8, 0, len) };
        }
        Ok(0)
    }

    /// `int posix_madvise(void *, size_t, int)`: advice only (glibc ignores POSIX_MADV_DONTNEED too).
    /// Returns an error number.
    ///
    /// # Safety
    /// Always safe.
    fn posix_madvise(addr: *mut c_void, _len: usize, _advice: c_int) -> c_int {
        if !(addr as u64).is_multiple_of(PAGE) { Errno::EINVAL as c_int } else { 0 }
    }
}

crate::libc_fn! {
    /// `int mlock(const void *, size_t)`: memory is never paged out, so this always holds.
    ///
    /// # Safety
    /// Always safe.
    fn mlock(_addr: *const c_void, _len: usize) -> c_int { 0 }
}

crate::stub! {
    /// `void *mremap(void *, size_t, size_t, int, ...)`.
    fn mremap(addr: *mut c_void, old: usize, new: usize, flags: c_int) -> *mut c_void = MAP_FAILED;
}
