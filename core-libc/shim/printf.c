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
BF_EXPORT(vsnprintf);

/* int vsprintf(char *, const char *, va_list). */
int vsprintf(char *buf, const char *fmt, va_list ap)
{
    return vsnprintf(buf, (size_t)-1 >> 1, fmt, ap);
}
BF_EXPORT(vsprintf);

/* int vfprintf(FILE *, const char *, va_list): -1 on a stream write error. */
int vfprintf(FILE *f, const char *fmt, va_list ap)
{
    struct bf_va v;
    va_copy(v.ap, ap);
    int r = bf_vfprintf_impl(f, fmt, &v);
    va_end(v.ap);
    return r;
}
BF_EXPORT(vfprintf);

/* int vprintf(const char *, va_list): to stdout. */
int vprintf(const char *fmt, va_list ap)
{
    return vfprintf(bf_stdout_stream(), fmt, ap);
}
BF_EXPORT(vprintf);

/* int vdprintf(int fd, const char *, va_list). */
int vdprintf(int fd, const char *fmt, va_list ap)
{
    struct bf_va v;
    va_copy(v.ap, ap);
    int r = bf_vdprintf_impl(fd, fmt, &v);
    va_end(v.ap);
    return r;
}
BF_EXPORT(vdprintf);

/* int vasprintf(char **, const char *, va_list): a malloc'd result. */
int vasprintf(char **out, const char *fmt, va_list ap)
{
    struct bf_va v;
    va_copy(v.ap, ap);
    int r = bf_vasprintf_impl(out, fmt, &v);
    va_end(v.ap);
    return r;
}
BF_EXPORT(vasprintf);

/* int snprintf(char *, size_t, const char *, ...). */
int snprintf(char *buf, size_t n, const char *fmt, ...)
{
    VARIADIC(vsnprintf(buf, n, fmt, ap));
}
BF_EXPORT(snprintf);

/* int sprintf(char *, const char *, ...). */
int sprintf(char *buf, const char *fmt, ...)
{
    VARIADIC(vsprintf(buf, fmt, ap));
}
BF_EXPORT(sprintf);

/* int fprintf(FILE *, const char *, ...). */
int fprintf(FILE *f, const char *fmt, ...)
{
    VARIADIC(vfprintf(f, fmt, ap));
}
BF_EXPORT(fprintf);

/* int printf(const char *, ...). */
int printf(const char *fmt, ...)
{
    VARIADIC(vprintf(fmt, ap));
}
BF_EXPORT(printf);

/* int dprintf(int fd, const char *, ...). */
int dprintf(int fd, const char *fmt, ...)
{
    VARIADIC(vdprintf(fd, fmt, ap));
}
BF_EXPORT(dprintf);

/* int asprintf(char **, const char *, ...). */
int asprintf(char **out, const char *fmt, ...)
{
    VARIADIC(vasprintf(out, fmt, ap));
}
BF_EXPORT(asprintf);

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
BF_EXPORT(__vsnprintf_chk);

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
BF_EXPORT(__vsprintf_chk);

/* int __vfprintf_chk(FILE *, int flag, const char *, va_list). */
int __vfprintf_chk(FILE *f, int flag, const char *fmt, va_list ap)
{
    (void)flag;
    return vfprintf(f, fmt, ap);
}
BF_EXPORT(__vfprintf_chk);

/* int __vprintf_chk(int flag, const char *, va_list). */
int __vprintf_chk(int flag, const char *fmt, va_list ap)
{
    (void)flag;
    return vprintf(fmt, ap);
}
BF_EXPORT(__vprintf_chk);

/* int __vdprintf_chk(int fd, int flag, const char *, va_list). */
int __vdprintf_chk(int fd, int flag, const char *fmt, va_list ap)
{
    (void)flag;
    return vdprintf(fd, fmt, ap);
}
BF_EXPORT(__vdprintf_chk);

/* int __vasprintf_chk(char **, int flag, const char *, va_list). */
int __vasprintf_chk(char **out, int flag, const char *fmt, va_list ap)
{
    (void)flag;
    return vasprintf(out, fmt, ap);
}
BF_EXPORT(__vasprintf_chk);

/* int __snprintf_chk(char *, size_t n, int flag, size_t slen, const char *, ...): aborts if n > slen. */
int __snprintf_chk(char *buf, size_t n, int flag, size_t slen, const char *fmt, ...)
{
    VARIADIC(__vsnprintf_chk(buf, n, flag, slen, fmt, ap));
}
BF_EXPORT(__snprintf_chk);

/* int __sprintf_chk(char *, int flag, size_t slen, const char *, ...): aborts if the output does not fit. */
int __sprintf_chk(char *buf, int flag, size_t slen, const char *fmt, ...)
{
    VARIADIC(__vsprintf_chk(buf, flag, slen, fmt, ap));
}
BF_EXPORT(__sprintf_chk);

/* int __fprintf_chk(FILE *, int flag, const char *, ...). */
int __fprintf_chk(FILE *f, int flag, const char *fmt, ...)
{
    VARIADIC(__vfprintf_chk(f, flag, fmt, ap));
}
BF_EXPORT(__fprintf_chk);

/* int __printf_chk(int flag, const char *, ...). */
int __printf_chk(int flag, const char *fmt, ...)
{
    VARIADIC(__vprintf_chk(flag, fmt, ap));
}
BF_EXPORT(__printf_chk);

/* int __dprintf_chk(int fd, int flag, const char *, ...). */
int __dprintf_chk(int fd, int flag, const char *fmt, ...)
{
    VARIADIC(__vdprintf_chk(fd, flag, fmt, ap));
}
BF_EXPORT(__dprintf_chk);

/* int __asprintf_chk(char **, int flag, const char *, ...). */
int __asprintf_chk(char **out, int flag, const char *fmt, ...)
{
    VARIADIC(__vasprintf_chk(out, flag, fmt, ap));
}
BF_EXPORT(__asprintf_chk);
