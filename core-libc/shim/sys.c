/* Variadic system entry points (C-only: stable Rust cannot define variadic functions).
   Each reads its optional argument and calls core-libc's fixed-argument Rust function. */
#include "bf.h"

#ifdef BF_EXPORT_LIBC

int core_rt_open(const char *path, int flags, unsigned mode);
int core_rt_openat(int dirfd, const char *path, int flags, unsigned mode);
int core_rt_fcntl(int fd, int cmd, long arg);
long core_rt_syscall(long n, long a1, long a2, long a3, long a4, long a5, long a6);
int core_rt_ioctl(int fd, unsigned long req, void *arg);

#define O_CREAT 0100
#define O_TMPFILE 020200000

static unsigned mode_arg(int flags, va_list ap) {
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? va_arg(ap, unsigned) : 0;
}

int open(const char *path, int flags, ...) {
    va_list ap;
    va_start(ap, flags);
    unsigned mode = mode_arg(flags, ap);
    va_end(ap);
    return core_rt_open(path, flags, mode);
}
BF_EXPORT(open);

/* int open64(const char *, int, ...): open (files are 64-bit already). */
BF_ALIAS(open64, open, int, (const char *, int, ...));

int openat(int dirfd, const char *path, int flags, ...) {
    va_list ap;
    va_start(ap, flags);
    unsigned mode = mode_arg(flags, ap);
    va_end(ap);
    return core_rt_openat(dirfd, path, flags, mode);
}
BF_EXPORT(openat);

/* int openat64(int dirfd, const char *, int, ...): openat. */
BF_ALIAS(openat64, openat, int, (int, const char *, int, ...));

int fcntl(int fd, int cmd, ...) {
    va_list ap;
    va_start(ap, cmd);
    long arg = va_arg(ap, long); /* every fcntl argument fits a long; reading one is harmless */
    va_end(ap);
    return core_rt_fcntl(fd, cmd, arg);
}
BF_EXPORT(fcntl);

/* int fcntl64(int fd, int cmd, ...): fcntl. */
BF_ALIAS(fcntl64, fcntl, int, (int, int, ...));

/* int ioctl(int fd, unsigned long request, ...): the console answers TCGETS and TIOCGWINSZ; anything else is ENOTTY. */
int ioctl(int fd, unsigned long req, ...) {
    va_list ap;
    va_start(ap, req);
    void *arg = va_arg(ap, void *); /* every request's argument is one word; reading one is harmless */
    va_end(ap);
    return core_rt_ioctl(fd, req, arg);
}
BF_EXPORT(ioctl);

long syscall(long n, ...) {
    va_list ap;
    va_start(ap, n);
    long a1 = va_arg(ap, long), a2 = va_arg(ap, long), a3 = va_arg(ap, long);
    long a4 = va_arg(ap, long), a5 = va_arg(ap, long), a6 = va_arg(ap, long);
    va_end(ap);
    return core_rt_syscall(n, a1, a2, a3, a4, a5, a6);
}
BF_EXPORT(syscall);

#endif
