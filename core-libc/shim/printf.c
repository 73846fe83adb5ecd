/* The printf family and its _FORTIFY_SOURCE (_chk) variants. Each packages its arguments and
 * calls the Rust engine (stdio/printf.rs) through stdio/shim_api.rs. The shapes (BF_VA_ENGINE,
 * BF_VARIADIC, BF_CHK_FORWARD) are in bf.h. */
#include "bf.h"

/* int vsnprintf(char *, size_t, const char *, va_list): glibc-exact formatting, NUL-terminated. */
BF_VA_ENGINE(vsnprintf, (char *buf, size_t n, const char *fmt, va_list ap), bf_vsnprintf_impl(buf, n, fmt, &v));

/* int vsprintf(char *, const char *, va_list). */
int vsprintf(char *buf, const char *fmt, va_list ap)
{
    return vsnprintf(buf, (size_t)-1 >> 1, fmt, ap);
}
BF_EXPORT(vsprintf);

/* int vfprintf(FILE *, const char *, va_list): -1 on a stream write error. */
BF_VA_ENGINE(vfprintf, (FILE *f, const char *fmt, va_list ap), bf_vfprintf_impl(f, fmt, &v));

/* int vprintf(const char *, va_list): to stdout. */
int vprintf(const char *fmt, va_list ap)
{
    return vfprintf(bf_stdout_stream(), fmt, ap);
}
BF_EXPORT(vprintf);

/* int vdprintf(int fd, const char *, va_list). */
BF_VA_ENGINE(vdprintf, (int fd, const char *fmt, va_list ap), bf_vdprintf_impl(fd, fmt, &v));

/* int vasprintf(char **, const char *, va_list): a malloc'd result. */
BF_VA_ENGINE(vasprintf, (char **out, const char *fmt, va_list ap), bf_vasprintf_impl(out, fmt, &v));

/* int snprintf(char *, size_t, const char *, ...). */
BF_VARIADIC(snprintf, (char *buf, size_t n, const char *fmt, ...), vsnprintf(buf, n, fmt, ap));

/* int sprintf(char *, const char *, ...). */
BF_VARIADIC(sprintf, (char *buf, const char *fmt, ...), vsprintf(buf, fmt, ap));

/* int fprintf(FILE *, const char *, ...). */
BF_VARIADIC(fprintf, (FILE *f, const char *fmt, ...), vfprintf(f, fmt, ap));

/* int printf(const char *, ...). */
BF_VARIADIC(printf, (const char *fmt, ...), vprintf(fmt, ap));

/* int dprintf(int fd, const char *, ...). */
BF_VARIADIC(dprintf, (int fd, const char *fmt, ...), vdprintf(fd, fmt, ap));

/* int asprintf(char **, const char *, ...). */
BF_VARIADIC(asprintf, (char **out, const char *fmt, ...), vasprintf(out, fmt, ap));

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
BF_CHK_FORWARD(__vfprintf_chk, (FILE *f, int flag, const char *fmt, va_list ap), vfprintf(f, fmt, ap));

/* int __vprintf_chk(int flag, const char *, va_list). */
BF_CHK_FORWARD(__vprintf_chk, (int flag, const char *fmt, va_list ap), vprintf(fmt, ap));

/* int __vdprintf_chk(int fd, int flag, const char *, va_list). */
BF_CHK_FORWARD(__vdprintf_chk, (int fd, int flag, const char *fmt, va_list ap), vdprintf(fd, fmt, ap));

/* int __vasprintf_chk(char **, int flag, const char *, va_list). */
BF_CHK_FORWARD(__vasprintf_chk, (char **out, int flag, const char *fmt, va_list ap), vasprintf(out, fmt, ap));

/* int __snprintf_chk(char *, size_t n, int flag, size_t slen, const char *, ...): aborts if n > slen. */
BF_VARIADIC(__snprintf_chk, (char *buf, size_t n, int flag, size_t slen, const char *fmt, ...), __vsnprintf_chk(buf, n, flag, slen, fmt, ap));

/* int __sprintf_chk(char *, int flag, size_t slen, const char *, ...): aborts if the output does not fit. */
BF_VARIADIC(__sprintf_chk, (char *buf, int flag, size_t slen, const char *fmt, ...), __vsprintf_chk(buf, flag, slen, fmt, ap));

/* int __fprintf_chk(FILE *, int flag, const char *, ...). */
BF_VARIADIC(__fprintf_chk, (FILE *f, int flag, const char *fmt, ...), __vfprintf_chk(f, flag, fmt, ap));

/* int __printf_chk(int flag, const char *, ...). */
BF_VARIADIC(__printf_chk, (int flag, const char *fmt, ...), __vprintf_chk(flag, fmt, ap));

/* int __dprintf_chk(int fd, int flag, const char *, ...). */
BF_VARIADIC(__dprintf_chk, (int fd, int flag, const char *fmt, ...), __vdprintf_chk(fd, flag, fmt, ap));

/* int __asprintf_chk(char **, int flag, const char *, ...). */
BF_VARIADIC(__asprintf_chk, (char **out, int flag, const char *fmt, ...), __vasprintf_chk(out, flag, fmt, ap));
