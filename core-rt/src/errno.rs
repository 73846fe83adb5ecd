//! `Errno`: the one error enum of the machine and its C library, with Linux's values. Kernel
//! operations (files, memory) fail with an `Errno`; the libc (core-libc) turns it into -1/NULL +
//! errno at the C boundary.

/// Linux errno values (asm-generic/errno-base.h, errno.h).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum Errno {
    EPERM = 1,
    ENOENT = 2,
    ESRCH = 3,
    EINTR = 4,
    EIO = 5,
    ENXIO = 6,
    E2BIG = 7,
    ENOEXEC = 8,
    EBADF = 9,
    ECHILD = 10,
    EAGAIN = 11,
    ENOMEM = 12,
    EACCES = 13,
    EFAULT = 14,
    EBUSY = 16,
    EEXIST = 17,
    EXDEV = 18,
    ENODEV = 19,
    ENOTDIR = 20,
    EISDIR = 21,
    EINVAL = 22,
    ENFILE = 23,
    EMFILE = 24,
    ENOTTY = 25,
    EFBIG = 27,
    ENOSPC = 28,
    ESPIPE = 29,
    EROFS = 30,
    EPIPE = 32,
    EDOM = 33,
    ERANGE = 34,
    EDEADLK = 35,
    ENAMETOOLONG = 36,
    ENOSYS = 38,
    ENOTEMPTY = 39,
    ELOOP = 40,
    ENODATA = 61,
    EOVERFLOW = 75,
    EILSEQ = 84,
    ENOTSUP = 95,
    ETIMEDOUT = 110,
}

#[cfg(test)]
mod tests {
    use super::Errno;

    #[test]
    fn values_are_linux_ones() {
        assert_eq!(Errno::ENOSYS as i32, libc::ENOSYS);
        assert_eq!(Errno::ERANGE as i32, libc::ERANGE);
        assert_eq!(Errno::EOVERFLOW as i32, libc::EOVERFLOW);
        assert_eq!(Errno::ETIMEDOUT as i32, libc::ETIMEDOUT);
    }
}
