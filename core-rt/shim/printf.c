/* The printf family and its _FORTIFY_SOURCE (_chk) variants. Each packages its arguments and
 * calls the Rust engine (stdio/printf.rs) through stdio/shim_api.rs. */
#include "bf.h"

#define VARIADIC(call)        \
    va_list ap;               \
    va_start(ap, fmt);        \
    int r = call;             \
    va_end(ap);               \
    return r

/* int vsnprintf(char *, size_t, const char *, va_list): glibc-exact formatting, NUL-terminated. */
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
    struct bf_va v;
    va_copy(v.ap, ap);
    int r = bf_vsnprintf_impl(buf, n, fmt, &v);
    va_end(v.ap);
    return r;
}

/* int vsprintf(char *, const char *, va_list). */
int vsprintf(char *buf, const char *fmt, va_list ap)
{
    return vsnprintf(buf, (size_t)-1 >> 1, fmt, ap);
}

/* int vfprintf(FILE *, const char *, va_list): -1 on a stream write error. */
int vfprintf(FILE *f, const char *fmt, va_list ap)
{
    struct bf_va v;
    va_copy(v.ap, ap);
    int r = bf_vfprintf_impl(f, fmt, &v);
    va_end(v.ap);
    return r;
}

/* int vprintf(const char *, va_list): to stdout. */
int vprintf(const char *fmt, va_list ap)
{
    return vfprintf(bf_stdout_stream(), fmt, ap);
}

/* int vdprintf(int fd, const char *, va_list). */
int vdprintf(int fd, const char *fmt, va_list ap)
{
    struct bf_va v;
    va_copy(v.ap, ap);
    int r = bf_vdprintf_impl(fd, fmt, &v);
    va_end(v.ap);
    return r;
}

/* int vasprintf(char **, const char *, va_list): a malloc'd result. */
int vasprintf(char **out, const char *fmt, va_list ap)
{
    struct bf_va v;
    va_copy(v.ap, ap);
    int r = bf_vasprintf_impl(out, fmt, &v);
    va_end(v.ap);
    return r;
}

/* int snprintf(char *, size_t, const char *, ...). */
int snprintf(char *buf, size_t n, const char *fmt, ...)
{
    VARIADIC(vsnprintf(buf, n, fmt, ap));
}

/* int sprintf(char *, const char *, ...). */
int sprintf(char *buf, const char *fmt, ...)
{
    VARIADIC(vsprintf(buf, fmt, ap));
}

/* int fprintf(FILE *, const char *, ...). */
int fprintf(FILE *f, const char *fmt, ...)
{
    VARIADIC(vfprintf(f, fmt, ap));
}

/* int printf(const char *, ...). */
int printf(const char *fmt, ...)
{
    VARIADIC(vprintf(fmt, ap));
}

/* int dprintf(int fd, const char *, ...). */
int dprintf(int fd, const char *fmt, ...)
{
    VARIADIC(vdprintf(fd, fmt, ap));
}

/* int asprintf(char **, const char *, ...). */
int asprintf(char **out, const char *fmt, ...)
{
    VARIADIC(vasprintf(out, fmt, ap));
}

/* Fortified variants: `flag` asks for extra %n checks (nothing to do); a destination smaller than
 * the caller claims (`slen`) is a buffer overflow: report and abort like glibc. */

/* int __vsnprintf_chk(char *, size_t n, int flag, size_t slen, const char *, va_list): aborts if n > slen. */
int __vsnprintf_chk(char *buf, size_t n, int flag, size_t slen, const char *fmt, va_list ap)
{
    (void)flag;
    if (n > slen)
        bf_chk_fail();
    return vsnprintf(buf, n, fmt, ap);
}

/* int __vsprintf_chk(char *, int flag, size_t slen, const char *, va_list): aborts if the output does not fit slen. */
int __vsprintf_chk(char *buf, int flag, size_t slen, const char *fmt, va_list ap)
{
    (void)flag;
    if (slen == 0)
        bf_chk_fail();
    int r = vsnprintf(buf, slen, fmt, ap);
    if (r >= 0 && (size_t)r >= slen)
        bf_chk_fail();
    return r;
}

/* int __vfprintf_chk(FILE *, int flag, const char *, va_list). */
int __vfprintf_chk(FILE *f, int flag, const char *fmt, va_list ap)
{
    (void)flag;
    return vfprintf(f, fmt, ap);
}

/* int __vprintf_chk(int flag, const char *, va_list). */
int __vprintf_chk(int flag, const char *fmt, va_list ap)
{
    (void)flag;
    return vprintf(fmt, ap);
}

/* int __vdprintf_chk(int fd, int flag, const char *, va_list). */
int __vdprintf_chk(int fd, int flag, const char *fmt, va_list ap)
{
    (void)flag;
    return vdprintf(fd, fmt, ap);
}

/* int __vasprintf_chk(char **, int flag, const char *, va_list). */
int __vasprintf_chk(char **out, int flag, const char *fmt, va_list ap)
{
    (void)flag;
    return vasprintf(out, fmt, ap);
}

/* int __snprintf_chk(char *, size_t n, int flag, size_t slen, const char *, ...): aborts if n > slen. */
int __snprintf_chk(char *buf, size_t n, int flag, size_t slen, const char *fmt, ...)
{
    VARIADIC(__vsnprintf_chk(buf, n, flag, slen, fmt, ap));
}

/* int __sprintf_chk(char *, int flag, size_t slen, const char *, ...): aborts if the output does not fit. */
int __sprintf_chk(char *buf, int flag, size_t slen, const char *fmt, ...)
{
    VARIADIC(__vsprintf_chk(buf, flag, slen, fmt, ap));
}

/* int __fprintf_chk(FILE *, int flag, const char *, ...). */
int __fprintf_chk(FILE *f, int flag, const char *fmt, ...)
{
    VARIADIC(__vfprintf_chk(f, flag, fmt, ap));
}

/* int __printf_chk(int flag, const char *, ...). */
int __printf_chk(int flag, const char *fmt, ...)
{
    VARIADIC(__vprintf_chk(flag, fmt, ap));
}

/* int __dprintf_chk(int fd, int flag, const char *, ...). */
int __dprintf_chk(int fd, int flag, const char *fmt, ...)
{
    VARIADIC(__vdprintf_chk(fd, flag, fmt, ap));
}

/* int __asprintf_chk(char **, int flag, const char *, ...). */
int __asprintf_chk(char **out, int flag, const char *fmt, ...)
{
    VARIADIC(__vasprintf_chk(out, flag, fmt, ap));
}
