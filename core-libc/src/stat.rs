//! <sys/stat.h>, <sys/statfs.h>, <sys/statvfs.h>: stat, fstat, lstat (and the 64 variants, identical on x86-64),
//! fstatat and statx, from the boot file system's metadata.

use super::unistd::path;
use crate::Errno;
use crate::kernel::fd::{self, Meta};
use core::ffi::{c_char, c_int, c_uint};

fn boot_time() -> i64 {
    (crate::kernel::clock::realtime_ns() / 1_000_000_000) as i64
        - (crate::kernel::clock::monotonic_ns() / 1_000_000_000) as i64
}

fn fill_stat(m: &Meta, st: *mut libc::stat) {
    // SAFETY: `libc::stat` is plain data; all-zero is a valid value.
    let mut s: libc::stat = unsafe { core::mem::zeroed() };
    s.st_dev = 1;
    s.st_ino = m.ino;
    s.st_nlink = 1;
    s.st_mode = m.mode;
    s.st_size = m.size as i64;
    s.st_blksize = 4096;
    s.st_blocks = m.size.div_ceil(512) as i64;
    let t = boot_time();
    s.st_atime = t;
    s.st_mtime = t;
    s.st_ctime = t;
    // SAFETY: the caller's pointer is valid for a `struct stat` (checked non-null by callers).
    unsafe { st.write(s) };
}

fn stat_into(m: Result<Meta, Errno>, st: *mut libc::stat) -> Result<c_int, Errno> {
    if st.is_null() {
        return Err(Errno::EFAULT);
    }
    fill_stat(&m?, st);
    Ok(0)
}

crate::libc_fn! {
    /// `int stat(const char *, struct stat *)`.
    ///
    /// # Safety
    /// `p` is a C string, `st` writable.
    fn stat(p: *const c_char, st: *mut libc::stat) -> c_int = -1; {
        // SAFETY: caller's contract.
        stat_into(fd::meta_path(unsafe { path(p)? }), st)
    }

    /// `int stat64(const char *, struct stat64 *)`.
    ///
    /// # Safety
    /// As stat.
    fn stat64(p: *const c_char, st: *mut libc::stat) -> c_int = -1; {
        // SAFETY: caller's contract.
        stat_into(fd::meta_path(unsafe { path(p)? }), st)
    }

    /// `int lstat(const char *, struct stat *)`: no symbolic links, same as stat.
    ///
    /// # Safety
    /// As stat.
    fn lstat(p: *const c_char, st: *mut libc::stat) -> c_int = -1; {
        // SAFETY: caller's contract.
        stat_into(fd::meta_path(unsafe { path(p)? }), st)
    }

    /// `int lstat64(const char *, struct stat64 *)`.
    ///
    /// # Safety
    /// As stat.
    fn lstat64(p: *const c_char, st: *mut libc::stat) -> c_int = -1; {
        // SAFETY: caller's contract.
        stat_into(fd::meta_path(unsafe { path(p)? }), st)
    }

    /// `int fstat(int, struct stat *)`.
    ///
    /// # Safety
    /// `st` writable.
    fn fstat(f: c_int, st: *mut libc::stat) -> c_int = -1; {
        stat_into(fd::meta(f), st)
    }

    /// `int fstat64(int, struct stat64 *)`.
    ///
    /// # Safety
    /// `st` writable.
    fn fstat64(f: c_int, st: *mut libc::stat) -> c_int = -1; {
        stat_into(fd::meta(f), st)
    }

    /// `int fstatat(int, const char *, struct stat *, int)`: AT_FDCWD/absolute paths, AT_EMPTY_PATH.
    ///
    /// # Safety
    /// `p` is a C string, `st` writable.
    fn fstatat(dirfd: c_int, p: *const c_char, st: *mut libc::stat, flags: c_int) -> c_int = -1; {
        // SAFETY: caller's contract.
        let s = unsafe { path(p)? };
        if s.is_empty() && flags & libc::AT_EMPTY_PATH != 0 {
            return stat_into(fd::meta(dirfd), st);
        }
        if dirfd != libc::AT_FDCWD && !s.starts_with('/') {
            return Err(Errno::ENOTSUP);
        }
        stat_into(fd::meta_path(s), st)
    }

    /// `int statx(int, const char *, int, unsigned, struct statx *)`.
    ///
    /// # Safety
    /// `p` is a C string, `out` writable.
    fn statx(dirfd: c_int, p: *const c_char, flags: c_int, _mask: c_uint, out: *mut libc::statx) -> c_int = -1; {
        // SAFETY: caller's contract.
        let s = unsafe { path(p)? };
        let m = if s.is_empty() && flags & libc::AT_EMPTY_PATH != 0 {
            fd::meta(dirfd)?
        } else if dirfd != libc::AT_FDCWD && !s.starts_with('/') {
            return Err(Errno::ENOTSUP);
        } else {
            fd::meta_path(s)?
        };
        if out.is_null() {
            return Err(Errno::EFAULT);
        }
        // SAFETY: `libc::statx` is plain data; all-zero is valid.
        let mut x: libc::statx = unsafe { core::mem::zeroed() };
        x.stx_mask = libc::STATX_BASIC_STATS;
        x.stx_blksize = 4096;
        x.stx_nlink = 1;
        x.stx_mode = m.mode as u16;
        x.stx_ino = m.ino;
        x.stx_size = m.size;
        x.stx_blocks = m.size.div_ceil(512);
        let t = boot_time();
        x.stx_atime.tv_sec = t;
        x.stx_mtime.tv_sec = t;
        x.stx_ctime.tv_sec = t;
        // SAFETY: checked non-null; caller's contract.
        unsafe { out.write(x) };
        Ok(0)
    }

    /// `int statfs(const char *, struct statfs *)`: a read-only file system.
    ///
    /// # Safety
    /// `p` is a C string, `out` writable.
    fn statfs(p: *const c_char, out: *mut libc::statfs) -> c_int = -1; {
        // SAFETY: caller's contract.
        fd::resolve(unsafe { path(p)? })?;
        if out.is_null() {
            return Err(Errno::EFAULT);
        }
        // SAFETY: plain data, zero is valid.
        let mut s: libc::statfs = unsafe { core::mem::zeroed() };
        s.f_type = 0x858458f6; // RAMFS_MAGIC
        s.f_bsize = 4096;
        s.f_namelen = 255;
        // SAFETY: checked non-null.
        unsafe { out.write(s) };
        Ok(0)
    }

    /// `int statvfs(const char *, struct statvfs *)`: as statfs, read-only (`ST_RDONLY`).
    ///
    /// # Safety
    /// `p` is a C string, `out` writable.
    fn statvfs(p: *const c_char, out: *mut libc::statvfs) -> c_int = -1; {
        // SAFETY: caller's contract.
        fd::resolve(unsafe { path(p)? })?;
        if out.is_null() {
            return Err(Errno::EFAULT);
        }
        // SAFETY: plain data, zero is valid.
        let mut s: libc::statvfs = unsafe { core::mem::zeroed() };
        s.f_bsize = 4096;
        s.f_frsize = 4096;
        s.f_namemax = 255;
        s.f_flag = libc::ST_RDONLY;
        // SAFETY: checked non-null.
        unsafe { out.write(s) };
        Ok(0)
    }
}
