//! <fcntl.h>: open and fcntl. Both are variadic in C, so the C shim (shim/sys.c) defines `open`,
//! `open64`, `openat`, `fcntl`, `fcntl64` and calls these fixed-argument functions.

use super::unistd::path;
use crate::Errno;
use crate::kernel::fd;
use core::ffi::{c_char, c_int, c_long};

crate::libc_fn! {
    /// `open(path, flags, mode)` behind the C shim's variadic `open`/`open64`.
    ///
    /// # Safety
    /// `p` is a C string.
    bridge fn core_rt_open(p: *const c_char, flags: c_int, _mode: u32) -> c_int = -1; {
        // SAFETY: caller's contract.
        fd::open(unsafe { path(p)? }, flags)
    }

    /// `openat(dirfd, path, flags, mode)`: only AT_FDCWD or absolute paths.
    ///
    /// # Safety
    /// `p` is a C string.
    bridge fn core_rt_openat(dirfd: c_int, p: *const c_char, flags: c_int, _mode: u32) -> c_int = -1; {
        // SAFETY: caller's contract.
        let s = unsafe { path(p)? };
        if dirfd != libc::AT_FDCWD && !s.starts_with('/') {
            return Err(Errno::ENOTSUP);
        }
        fd::open(s, flags)
    }

    /// `fcntl(fd, cmd, arg)` behind the C shim's variadic `fcntl`/`fcntl64`.
    ///
    /// # Safety
    /// Always safe to call.
    bridge fn core_rt_fcntl(f: c_int, cmd: c_int, arg: c_long) -> c_int = -1; {
        match cmd {
            libc::F_GETFD => fd::with(f, |d| Ok(if d.cloexec { libc::FD_CLOEXEC } else { 0 })),
            libc::F_SETFD => fd::with(f, |d| {
                d.cloexec = arg as c_int & libc::FD_CLOEXEC != 0;
                Ok(0)
            }),
            libc::F_GETFL => fd::with(f, |d| Ok(d.status_flags)),
            libc::F_SETFL => fd::with(f, |d| {
                let changeable = libc::O_APPEND | libc::O_NONBLOCK;
                d.status_flags = (d.status_flags & !changeable) | (arg as c_int & changeable);
                Ok(0)
            }),
            libc::F_DUPFD => fd::dup(f, arg as c_int, false, false),
            libc::F_DUPFD_CLOEXEC => fd::dup(f, arg as c_int, false, true),
            _ => Err(Errno::EINVAL),
        }
    }
}
