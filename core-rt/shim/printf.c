/* The printf family and its _FORTIFY_SOURCE (_chk) variants. */
#include "bf.h"

int BF(vsnprintf)(char *buf, size_t n, const char *fmt, va_list ap)
{
    struct bf_va v;
    va_copy(v.ap, ap);
    int r = bf_vsnprintf_impl(buf, n, fmt, &v);
    va_end(v.ap);
    return r;
}

int BF(vsprintf)(char *buf, const char *fmt, va_list ap)
{
    return BF(vsnprintf)(buf, (size_t)-1 >> 1, fmt, ap);
}

int BF(vfprintf)(FILE *f, const char *fmt, va_list ap)
{
    struct bf_va v;
    va_copy(v.ap, ap);
    int r = bf_vfprintf_impl(f, fmt, &v);
    va_end(v.ap);
    return r;
}

int BF(vprintf)(const char *fmt, va_list ap) { return BF(vfprintf)(bf_stdout_stream(), fmt, ap); }

int BF(vdprintf)(int fd, const char *fmt, va_list ap)
{
    struct bf_va v;
    va_copy(v.ap, ap);
    int r = bf_vdprintf_impl(fd, fmt, &v);
    va_end(v.ap);
    return r;
}

int BF(vasprintf)(char **out, const char *fmt, va_list ap)
{
    struct bf_va v;
    va_copy(v.ap, ap);
    int r = bf_vasprintf_impl(out, fmt, &v);
    va_end(v.ap);
    return r;
}

#define VARIADIC(call)        \
    va_list ap;               \
    va_start(ap, fmt);        \
    int r = call;             \
    va_end(ap);               \
    return r

int BF(snprintf)(char *buf, size_t n, const char *fmt, ...) { VARIADIC(BF(vsnprintf)(buf, n, fmt, ap)); }
int BF(sprintf)(char *buf, const char *fmt, ...) { VARIADIC(BF(vsprintf)(buf, fmt, ap)); }
int BF(fprintf)(FILE *f, const char *fmt, ...) { VARIADIC(BF(vfprintf)(f, fmt, ap)); }
int BF(printf)(const char *fmt, ...) { VARIADIC(BF(vprintf)(fmt, ap)); }
int BF(dprintf)(int fd, const char *fmt, ...) { VARIADIC(BF(vdprintf)(fd, fmt, ap)); }
int BF(asprintf)(char **out, const char *fmt, ...) { VARIADIC(BF(vasprintf)(out, fmt, ap)); }

/* Fortified variants. `flag` asks for extra %n checks, which need no action here; the object size
 * `slen` is checked: a destination smaller than the caller claims is a buffer overflow. */
int BF(__vsnprintf_chk)(char *buf, size_t n, int flag, size_t slen, const char *fmt, va_list ap)
{
    (void)flag;
    if (n > slen)
        bf_chk_fail();
    return BF(vsnprintf)(buf, n, fmt, ap);
}

int BF(__vsprintf_chk)(char *buf, int flag, size_t slen, const char *fmt, va_list ap)
{
    (void)flag;
    if (slen == 0)
        bf_chk_fail();
    int r = BF(vsnprintf)(buf, slen, fmt, ap);
    if (r >= 0 && (size_t)r >= slen)
        bf_chk_fail();
    return r;
}

int BF(__vfprintf_chk)(FILE *f, int flag, const char *fmt, va_list ap)
{
    (void)flag;
    return BF(vfprintf)(f, fmt, ap);
}

int BF(__vprintf_chk)(int flag, const char *fmt, va_list ap)
{
    (void)flag;
    return BF(vprintf)(fmt, ap);
}

int BF(__vdprintf_chk)(int fd, int flag, const char *fmt, va_list ap)
{
    (void)flag;
    return BF(vdprintf)(fd, fmt, ap);
}

int BF(__vasprintf_chk)(char **out, int flag, const char *fmt, va_list ap)
{
    (void)flag;
    return BF(vasprintf)(out, fmt, ap);
}

int BF(__snprintf_chk)(char *buf, size_t n, int flag, size_t slen, const char *fmt, ...)
{
    VARIADIC(BF(__vsnprintf_chk)(buf, n, flag, slen, fmt, ap));
}
int BF(__sprintf_chk)(char *buf, int flag, size_t slen, const char *fmt, ...)
{
    VARIADIC(BF(__vsprintf_chk)(buf, flag, slen, fmt, ap));
}
int BF(__fprintf_chk)(FILE *f, int flag, const char *fmt, ...) { VARIADIC(BF(__vfprintf_chk)(f, flag, fmt, ap)); }
int BF(__printf_chk)(int flag, const char *fmt, ...) { VARIADIC(BF(__vprintf_chk)(flag, fmt, ap)); }
int BF(__dprintf_chk)(int fd, int flag, const char *fmt, ...) { VARIADIC(BF(__vdprintf_chk)(fd, flag, fmt, ap)); }
int BF(__asprintf_chk)(char **out, int flag, const char *fmt, ...) { VARIADIC(BF(__vasprintf_chk)(out, flag, fmt, ap)); }
