//! <unistd.h> and <sys/uio.h>: descriptor I/O on the boot file system and the console, working
//! directory, identity. The process is alone: pid = tid = 1, uid = gid = 0.

use crate::Errno;
use crate::kernel::fd;
use core::ffi::{CStr, c_char, c_int, c_void};

/// Borrow a C path as UTF-8.
///
/// # Safety
/// `p` must be a valid NUL-terminated string.
pub unsafe fn path<'a>(p: *const c_char) -> Result<&'a str, Errno> {
    if p.is_null() {
        return Err(Errno::EFAULT);
    }
    // SAFETY: caller's contract.
    unsafe { CStr::from_ptr(p) }.to_str().map_err(|_| Errno::ENOENT)
}

/// Borrow `(ptr, len)` as a byte slice (empty when len is 0, whatever ptr is).
///
/// # Safety
/// When `len > 0`, `ptr` must be valid for `len` bytes.
pub unsafe fn bytes<'a>(ptr: *const c_void, len: usize) -> &'a [u8] {
    if len == 0 {
        &[]
    } else {
        // SAFETY: caller's contract.
        unsafe { core::slice::from_raw_parts(ptr.cast(), len) }
    }
}

/// Borrow `(ptr, len)` as a mutable byte slice.
///
/// # Safety
/// When `len > 0`, `ptr` must be valid for writes of `len` bytes.
pub unsafe fn bytes_mut<'a>(ptr: *mut c_void, len: usize) -> &'a mut [u8] {
    if len == 0 {
        &mut []
    } else {
        // SAFETY: caller's contract.
        unsafe { core::slice::from_raw_parts_mut(ptr.cast(), len) }
    }
}

crate::libc_fn! {
    /// `ssize_t read(int, void *, size_t)`.
    ///
    /// # Safety
    /// `buf` valid for `n` bytes.
    fn read(f: c_int, buf: *mut c_void, n: usize) -> isize = -1; {
        // SAFETY: caller's contract.
        fd::read(f, unsafe { bytes_mut(buf, n) }, None).map(|n| n as isize)
    }

    /// `ssize_t pread(int, void *, size_t, off_t)`.
    ///
    /// # Safety
    /// `buf` valid for `n` bytes.
    fn pread(f: c_int, buf: *mut c_void, n: usize, off: i64) -> isize = -1; {
        let off = u64::try_from(off).map_err(|_| Errno::EINVAL)?;
        // SAFETY: caller's contract.
        fd::read(f, unsafe { bytes_mut(buf, n) }, Some(off)).map(|n| n as isize)
    }

    /// `ssize_t pread64(int, void *, size_t, off64_t)`.
    ///
    /// # Safety
    /// `buf` valid for `n` bytes.
    fn pread64(f: c_int, buf: *mut c_void, n: usize, off: i64) -> isize = -1; {
        let off = u64::try_from(off).map_err(|_| Errno::EINVAL)?;
        // SAFETY: caller's contract.
        fd::read(f, unsafe { bytes_mut(buf, n) }, Some(off)).map(|n| n as isize)
    }

    /// `ssize_t write(int, const void *, size_t)`.
    ///
    /// # Safety
    /// `buf` valid for `n` bytes.
    fn write(f: c_int, buf: *const c_void, n: usize) -> isize = -1; {
        // SAFETY: caller's contract.
        fd::write(f, unsafe { bytes(buf, n) }).map(|n| n as isize)
    }

    /// `ssize_t pwrite(int, const void *, size_t, off_t)`: at `off`, the descriptor's offset unchanged.
    ///
    /// # Safety
    /// `buf` valid for `n` bytes.
    fn pwrite(f: c_int, buf: *const c_void, n: usize, off: i64) -> isize = -1; {
        let off = u64::try_from(off).map_err(|_| Errno::EINVAL)?;
        // SAFETY: caller's contract.
        fd::pwrite(f, unsafe { bytes(buf, n) }, off).map(|n| n as isize)
    }

    /// `ssize_t pwrite64(int, const void *, size_t, off64_t)`: pwrite.
    ///
    /// # Safety
    /// `buf` valid for `n` bytes.
    fn pwrite64(f: c_int, buf: *const c_void, n: usize, off: i64) -> isize = -1; {
        let off = u64::try_from(off).map_err(|_| Errno::EINVAL)?;
        // SAFETY: caller's contract.
        fd::pwrite(f, unsafe { bytes(buf, n) }, off).map(|n| n as isize)
    }

    /// `int fchown(int, uid_t, gid_t)`: files belong to uid 0, gid 0; keeping that owner succeeds, another is EROFS.
    ///
    /// uid 0 is the only user, and no file system is writable; -1 means "unchanged", as in POSIX.
    ///
    /// # Safety
    /// Always safe.
    fn fchown(f: c_int, uid: u32, gid: u32) -> c_int = -1; {
        fd::meta(f)?;
        if [uid, gid].iter().all(|&id| id == 0 || id == u32::MAX) { Ok(0) } else { Err(Errno::EROFS) }
    }

    /// `ssize_t writev(int, const struct iovec *, int)`.
    ///
    /// # Safety
    /// `iov` valid for `cnt` entries, each valid for its length.
    fn writev(f: c_int, iov: *const libc::iovec, cnt: c_int) -> isize = -1; {
        if !(0..=1024).contains(&cnt) {
            return Err(Errno::EINVAL);
        }
        let mut total = 0isize;
        for i in 0..cnt as usize {
            // SAFETY: caller's contract.
            let v = unsafe { *iov.add(i) };
            // SAFETY: caller's contract.
            total += fd::write(f, unsafe { bytes(v.iov_base, v.iov_len) })? as isize;
        }
        Ok(total)
    }

    /// `ssize_t readv(int, const struct iovec *, int)`.
    ///
    /// # Safety
    /// `iov` valid for `cnt` entries, each valid for its length.
    fn readv(f: c_int, iov: *const libc::iovec, cnt: c_int) -> isize = -1; {
        if !(0..=1024).contains(&cnt) {
            return Err(Errno::EINVAL);
        }
        let mut total = 0isize;
        for i in 0..cnt as usize {
            // SAFETY: caller's contract.
            let v = unsafe { *iov.add(i) };
            // SAFETY: caller's contract.
            let n = fd::read(f, unsafe { bytes_mut(v.iov_base, v.iov_len) }, None)?;
            total += n as isize;
            if n < v.iov_len {
                break;
            }
        }
        Ok(total)
    }

    /// `off_t lseek(int, off_t, int)`.
    ///
    /// # Safety
    /// Always safe to call.
    fn lseek(f: c_int, off: i64, whence: c_int) -> i64 = -1; {
        fd::lseek(f, off, whence)
    }

    /// `off64_t lseek64(int, off64_t, int)`.
    ///
    /// # Safety
    /// Always safe to call.
    fn lseek64(f: c_int, off: i64, whence: c_int) -> i64 = -1; {
        fd::lseek(f, off, whence)
    }

    /// `int close(int)`.
    ///
    /// # Safety
    /// Always safe to call.
    fn close(f: c_int) -> c_int = -1; {
        fd::close(f).map(|_| 0)
    }

    /// `int dup(int)`.
    ///
    /// # Safety
    /// Always safe to call.
    fn dup(f: c_int) -> c_int = -1; {
        fd::dup(f, 0, false, false)
    }

    /// `int dup2(int, int)`.
    ///
    /// # Safety
    /// Always safe to call.
    fn dup2(f: c_int, to: c_int) -> c_int = -1; {
        if f == to {
            return fd::with(f, |_| Ok(to));
        }
        fd::dup(f, to, true, false)
    }

    /// `int dup3(int, int, int)`.
    ///
    /// # Safety
    /// Always safe to call.
    fn dup3(f: c_int, to: c_int, flags: c_int) -> c_int = -1; {
        if f == to || flags & !libc::O_CLOEXEC != 0 {
            return Err(Errno::EINVAL);
        }
        fd::dup(f, to, true, flags & libc::O_CLOEXEC != 0)
    }

    /// `int isatty(int)`: the console descriptors are terminals.
    ///
    /// # Safety
    /// Always safe to call.
    fn isatty(f: c_int) -> c_int = 0; {
        if fd::is_console(f)? { Ok(1) } else { Err(Errno::ENOTTY) }
    }

    /// `ioctl(fd, request, arg)`'s Rust half (the variadic entry is shim/sys.c): the console
    /// descriptors answer `TCGETS` (a terminal in canonical mode with echo, as the console reads)
    /// and `TIOCGWINSZ` (the 80×25 VGA text screen); any other request, or any other descriptor,
    /// is ENOTTY, as Linux says for a request that does not apply.
    ///
    /// # Safety
    /// `arg` points at the object `request` names (a `struct termios`, a `struct winsize`).
    bridge fn core_rt_ioctl(f: c_int, request: core::ffi::c_ulong, arg: *mut c_void) -> c_int = -1; {
        if !fd::is_console(f)? {
            return Err(Errno::ENOTTY);
        }
        match request {
            libc::TCGETS => {
                // SAFETY: caller's contract: a termios to fill.
                let t = unsafe { &mut *(arg as *mut libc::termios) };
                // SAFETY: an all-zero termios is a valid value; the fields that matter are set below.
                *t = unsafe { core::mem::zeroed() };
                t.c_iflag = libc::ICRNL;
                t.c_oflag = libc::OPOST | libc::ONLCR;
                t.c_cflag = libc::B115200 | libc::CS8 | libc::CREAD;
                t.c_lflag = libc::ICANON | libc::ECHO | libc::ECHOE;
                t.c_cc[libc::VERASE] = 0x7f;
                t.c_cc[libc::VEOF] = 4;
                t.c_cc[libc::VMIN] = 1;
                t.c_ispeed = libc::B115200;
                t.c_ospeed = libc::B115200;
                Ok(0)
            }
            libc::TIOCGWINSZ => {
                // SAFETY: caller's contract: a winsize to fill.
                unsafe { (arg as *mut libc::winsize).write(libc::winsize { ws_row: 25, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0 }) };
                Ok(0)
            }
            _ => Err(Errno::ENOTTY),
        }
    }

    /// `int access(const char *, int)`: files are readable, nothing is writable.
    ///
    /// # Safety
    /// `p` is a C string.
    fn access(p: *const c_char, mode: c_int) -> c_int = -1; {
        // SAFETY: caller's contract.
        let m = fd::meta_path(unsafe { path(p)? })?;
        if mode & libc::W_OK != 0 && m.mode & libc::S_IFMT != libc::S_IFCHR {
            return Err(Errno::EROFS);
        }
        if mode & libc::X_OK != 0 && m.mode & libc::S_IFMT == libc::S_IFREG {
            return Err(Errno::EACCES);
        }
        Ok(0)
    }

    /// `char *getcwd(char *, size_t)`: always "/".
    ///
    /// # Safety
    /// `buf` valid for `size` bytes (or null with size 0: allocates).
    fn getcwd(buf: *mut c_char, size: usize) -> *mut c_char = core::ptr::null_mut(); {
        if buf.is_null() {
            // SAFETY: malloc is always safe to call.
            let p = unsafe { crate::malloc::malloc(size.max(2)) } as *mut c_char;
            if p.is_null() {
                return Err(Errno::ENOMEM);
            }
            // SAFETY: `p` has at least 2 bytes.
            unsafe { p.copy_from(c"/".as_ptr(), 2) };
            return Ok(p);
        }
        if size < 2 {
            return Err(Errno::ERANGE);
        }
        // SAFETY: caller's contract; 2 bytes fit.
        unsafe { buf.copy_from(c"/".as_ptr(), 2) };
        Ok(buf)
    }

    /// `int chdir(const char *)`: only "/" exists as a working directory.
    ///
    /// # Safety
    /// `p` is a C string.
    fn chdir(p: *const c_char) -> c_int = -1; {
        // SAFETY: caller's contract.
        match fd::resolve(unsafe { path(p)? })? {
            fd::Node::Dir { boot: false } => Ok(0),
            fd::Node::Dir { boot: true } => Err(Errno::EACCES),
            _ => Err(Errno::ENOTDIR),
        }
    }

    /// `ssize_t readlink(const char *, char *, size_t)`: there are no symbolic links.
    ///
    /// # Safety
    /// `p` is a C string.
    fn readlink(p: *const c_char, _buf: *mut c_char, _n: usize) -> isize = -1; {
        // SAFETY: caller's contract.
        fd::resolve(unsafe { path(p)? })?;
        Err(Errno::EINVAL)
    }

    /// `char *realpath(const char *, char *)`: normalises and checks existence.
    ///
    /// # Safety
    /// `p` is a C string; `out` null or valid for PATH_MAX bytes.
    fn realpath(p: *const c_char, out: *mut c_char) -> *mut c_char = core::ptr::null_mut(); {
        // SAFETY: caller's contract.
        let s = unsafe { path(p)? };
        fd::resolve(s)?;
        let n = fd::normalize(s);
        let dst = if out.is_null() {
            // SAFETY: malloc is always safe to call.
            let d = unsafe { crate::malloc::malloc(n.len() + 1) } as *mut c_char;
            if d.is_null() {
                return Err(Errno::ENOMEM);
            }
            d
        } else {
            out
        };
        // SAFETY: `dst` holds n.len() + 1 bytes (malloc'd, or PATH_MAX by contract).
        unsafe {
            dst.copy_from(n.as_ptr().cast(), n.len());
            *dst.add(n.len()) = 0;
        }
        Ok(dst)
    }

    /// `int unlink(const char *)`: the file system is read-only.
    ///
    /// # Safety
    /// `p` is a C string.
    fn unlink(p: *const c_char) -> c_int = -1; {
        // SAFETY: caller's contract.
        fd::resolve(unsafe { path(p)? })?;
        Err(Errno::EROFS)
    }

    /// `int rmdir(const char *)`: read-only.
    ///
    /// # Safety
    /// `p` is a C string.
    fn rmdir(p: *const c_char) -> c_int = -1; {
        // SAFETY: caller's contract.
        fd::resolve(unsafe { path(p)? })?;
        Err(Errno::EROFS)
    }

    /// `int remove(const char *)`: read-only.
    ///
    /// # Safety
    /// `p` is a C string.
    fn remove(p: *const c_char) -> c_int = -1; {
        // SAFETY: caller's contract.
        fd::resolve(unsafe { path(p)? })?;
        Err(Errno::EROFS)
    }

    /// `int truncate(const char *, off_t)`: read-only.
    ///
    /// # Safety
    /// `p` is a C string.
    fn truncate(p: *const c_char, _len: i64) -> c_int = -1; {
        // SAFETY: caller's contract.
        fd::resolve(unsafe { path(p)? })?;
        Err(Errno::EROFS)
    }

    /// `int mkdir(const char *, mode_t)`: read-only.
    ///
    /// # Safety
    /// `p` is a C string.
    fn mkdir(p: *const c_char, _mode: u32) -> c_int = -1; {
        // SAFETY: caller's contract.
        match fd::resolve(unsafe { path(p)? }) {
            Ok(_) => Err(Errno::EEXIST),
            Err(_) => Err(Errno::EROFS),
        }
    }

    /// `int mknod(const char *, mode_t, dev_t)`: read-only.
    ///
    /// # Safety
    /// `p` is a C string.
    fn mknod(p: *const c_char, _mode: u32, _dev: u64) -> c_int = -1; {
        // SAFETY: caller's contract.
        let _ = unsafe { path(p)? };
        Err(Errno::EROFS)
    }

    /// `int poll(struct pollfd *, nfds_t, int)`: console and boot files are always ready;
    /// console input is ready when a byte is waiting. A timeout with nothing ready sleeps.
    ///
    /// # Safety
    /// `fds` valid for `n` entries.
    fn poll(fds: *mut libc::pollfd, n: u64, timeout: c_int) -> c_int = -1; {
        if n > 1024 {
            return Err(Errno::EINVAL);
        }
        let list = if n == 0 { &mut [][..] } else {
            // SAFETY: caller's contract.
            unsafe { core::slice::from_raw_parts_mut(fds, n as usize) }
        };
        let start = crate::kernel::clock::monotonic_ns();
        loop {
            let mut ready = 0;
            for p in list.iter_mut() {
                p.revents = 0;
                if p.fd < 0 {
                    continue;
                }
                p.revents = match fd::with(p.fd, |d| Ok(d.obj.clone())) {
                    Err(_) => libc::POLLNVAL,
                    Ok(fd::Object::ConsoleIn) => 0, // readiness of serial input is not tracked yet
                    Ok(_) => p.events & (libc::POLLIN | libc::POLLOUT | libc::POLLRDNORM | libc::POLLWRNORM),
                };
                if p.revents != 0 {
                    ready += 1;
                }
            }
            let waited_ms = (crate::kernel::clock::monotonic_ns() - start) / 1_000_000;
            if ready > 0 || timeout == 0 || (timeout > 0 && waited_ms >= timeout as u64) {
                return Ok(ready);
            }
            crate::kernel::clock::halt();
        }
    }

    /// `int fsync(int)`: the state disk flushes its write cache (FLUSH CACHE EXT); other
    /// descriptors have nothing buffered below stdio.
    ///
    /// # Safety
    /// Always safe.
    fn fsync(f: c_int) -> c_int = -1; {
        fd::fsync(f).map(|_| 0)
    }

    /// `int ftruncate(int, off_t)`: boot files are read-only (EINVAL, as for a descriptor not
    /// open for writing); the state disk has a fixed size (only its own size is accepted).
    ///
    /// # Safety
    /// Always safe.
    fn ftruncate(f: c_int, len: i64) -> c_int = -1; {
        let m = fd::meta(f)?;
        if len >= 0 && len as u64 == m.size && m.ino == 6 { Ok(0) } else { Err(Errno::EINVAL) }
    }

    /// `int ftruncate64(int, off64_t)`: as ftruncate.
    ///
    /// # Safety
    /// Always safe.
    fn ftruncate64(f: c_int, len: i64) -> c_int = -1; {
        // SAFETY: forwarded.
        if unsafe { ftruncate(f, len) } == 0 { Ok(0) } else { Err(Errno::EINVAL) }
    }

    /// `int fdatasync(int)`: as fsync.
    ///
    /// # Safety
    /// Always safe.
    fn fdatasync(f: c_int) -> c_int = -1; {
        fd::fsync(f).map(|_| 0)
    }

    /// `pid_t getpid(void)`: 1.
    ///
    /// # Safety
    /// Always safe.
    fn getpid() -> c_int { 1 }

    /// `pid_t getppid(void)`: 0 (no parent).
    ///
    /// # Safety
    /// Always safe.
    fn getppid() -> c_int { 0 }

    /// `pid_t gettid(void)`: 1, the only thread.
    ///
    /// # Safety
    /// Always safe.
    fn gettid() -> c_int { 1 }

    /// `uid_t getuid(void)`: 0.
    ///
    /// # Safety
    /// Always safe.
    fn getuid() -> u32 { 0 }

    /// `uid_t geteuid(void)`: 0.
    ///
    /// # Safety
    /// Always safe.
    fn geteuid() -> u32 { 0 }

    /// `gid_t getgid(void)`: 0.
    ///
    /// # Safety
    /// Always safe.
    fn getgid() -> u32 { 0 }

    /// `gid_t getegid(void)`: 0.
    ///
    /// # Safety
    /// Always safe.
    fn getegid() -> u32 { 0 }
}

crate::stub! {
    /// `int pipe(int[2])`: no pipes in a single-process system.
    fn pipe(fds: *mut c_int) -> c_int = -1;
    /// `int pipe2(int[2], int)`.
    fn pipe2(fds: *mut c_int, flags: c_int) -> c_int = -1;
    /// `int rename(const char *, const char *)`.
    fn rename(a: *const c_char, b: *const c_char) -> c_int = -1;
    /// `int symlink(const char *, const char *)`.
    fn symlink(a: *const c_char, b: *const c_char) -> c_int = -1;
    /// `int link(const char *, const char *)`.
    fn link(a: *const c_char, b: *const c_char) -> c_int = -1;
    /// `int chmod(const char *, mode_t)`.
    fn chmod(p: *const c_char, mode: u32) -> c_int = -1;
    /// `int fchmod(int, mode_t)`.
    fn fchmod(fd: c_int, mode: u32) -> c_int = -1;
    /// `int fchmodat(int, const char *, mode_t, int)` (std::filesystem::permissions).
    fn fchmodat(dirfd: c_int, p: *const c_char, mode: u32, flags: c_int) -> c_int = -1;
    /// `int unlinkat(int, const char *, int)` (std::filesystem::remove_all).
    fn unlinkat(dirfd: c_int, p: *const c_char, flags: c_int) -> c_int = -1;
    /// `int utimensat(int, const char *, const struct timespec[2], int)` (last_write_time).
    fn utimensat(dirfd: c_int, p: *const c_char, times: *const libc::timespec, flags: c_int) -> c_int = -1;
    /// `ssize_t sendfile(int, int, off_t *, size_t)` (std::filesystem::copy_file).
    fn sendfile(out: c_int, input: c_int, offset: *mut i64, n: usize) -> isize = -1;
}
