//! <dirent.h>: opendir/readdir/closedir over `/` and `/boot`.

use super::unistd::path;
use crate::Errno;
use crate::kernel::fd;
use alloc::boxed::Box;
use core::ffi::{c_char, c_int};

/// An open directory stream (opaque `DIR` to C).
pub struct Dir {
    fd: c_int,
    entry: libc::dirent64,
}

crate::libc_fn! {
    /// `DIR *opendir(const char *)`.
    ///
    /// # Safety
    /// `p` is a C string.
    fn opendir(p: *const c_char) -> *mut Dir = core::ptr::null_mut(); {
        // SAFETY: caller's contract.
        let f = fd::open(unsafe { path(p)? }, libc::O_RDONLY | libc::O_DIRECTORY)?;
        if fd::next_dirent(f).is_err() {
            let _ = fd::close(f);
            return Err(Errno::ENOTDIR);
        }
        // Rewind: next_dirent above consumed the first entry only to check the type.
        let _ = fd::close(f);
        // SAFETY: as above.
        let f = fd::open(unsafe { path(p)? }, libc::O_RDONLY | libc::O_DIRECTORY)?;
        // SAFETY: dirent64 is plain data, zero is valid.
        Ok(Box::into_raw(Box::new(Dir { fd: f, entry: unsafe { core::mem::zeroed() } })))
    }

    /// `struct dirent *readdir(DIR *)`: NULL at the end (errno unchanged).
    ///
    /// # Safety
    /// `d` comes from opendir and is not closed.
    fn readdir(d: *mut Dir) -> *mut libc::dirent64 {
        // SAFETY: caller's contract.
        let d = unsafe { &mut *d };
        match fd::next_dirent(d.fd) {
            Ok(Some((ino, name, is_dir))) => {
                d.entry.d_ino = ino;
                d.entry.d_reclen = core::mem::size_of::<libc::dirent64>() as u16;
                d.entry.d_type = if is_dir { libc::DT_DIR } else { libc::DT_REG };
                let n = name.len().min(255);
                for (i, b) in name.bytes().take(n).enumerate() {
                    d.entry.d_name[i] = b as c_char;
                }
                d.entry.d_name[n] = 0;
                &mut d.entry
            }
            _ => core::ptr::null_mut(),
        }
    }

    /// `struct dirent64 *readdir64(DIR *)`.
    ///
    /// # Safety
    /// As readdir.
    fn readdir64(d: *mut Dir) -> *mut libc::dirent64 {
        // SAFETY: caller's contract.
        unsafe { readdir(d) }
    }

    /// `int closedir(DIR *)`.
    ///
    /// # Safety
    /// `d` comes from opendir and is not closed.
    fn closedir(d: *mut Dir) -> c_int = -1; {
        if d.is_null() {
            return Err(Errno::EBADF);
        }
        // SAFETY: caller's contract: `d` was made by Box::into_raw in opendir.
        let d = unsafe { Box::from_raw(d) };
        fd::close(d.fd).map(|_| 0)
    }

    /// `int dirfd(DIR *)`.
    ///
    /// # Safety
    /// `d` comes from opendir.
    fn dirfd(d: *mut Dir) -> c_int {
        // SAFETY: caller's contract.
        unsafe { (*d).fd }
    }
}

crate::stub! {
    /// `DIR *fdopendir(int)` (std::filesystem's directory iterators over a descriptor).
    fn fdopendir(fd: c_int) -> *mut Dir = core::ptr::null_mut();
}
