/* The scanf family, including glibc's C99-conforming aliases (__isoc99_*), which C programs
 * compiled without _GNU_SOURCE call instead of the plain names. */
#include "bf.h"

int BF(vsscanf)(const char *s, const char *fmt, va_list ap)
{
    struct bf_va v;
    va_copy(v.ap, ap);
    int r = bf_vsscanf_impl(s, fmt, &v);
    va_end(v.ap);
    return r;
}

int BF(vfscanf)(FILE *f, const char *fmt, va_list ap)
{
    struct bf_va v;
    va_copy(v.ap, ap);
    int r = bf_vfscanf_impl(f, fmt, &v);
    va_end(v.ap);
    return r;
}

int BF(vscanf)(const char *fmt, va_list ap) { return BF(vfscanf)(bf_stdin_stream(), fmt, ap); }

#define VARIADIC(call)        \
    va_list ap;               \
    va_start(ap, fmt);        \
    int r = call;             \
    va_end(ap);               \
    return r

int BF(sscanf)(const char *s, const char *fmt, ...) { VARIADIC(BF(vsscanf)(s, fmt, ap)); }
int BF(fscanf)(FILE *f, const char *fmt, ...) { VARIADIC(BF(vfscanf)(f, fmt, ap)); }
int BF(scanf)(const char *fmt, ...) { VARIADIC(BF(vscanf)(fmt, ap)); }

int BF(__isoc99_vsscanf)(const char *s, const char *fmt, va_list ap) { return BF(vsscanf)(s, fmt, ap); }
int BF(__isoc99_vfscanf)(FILE *f, const char *fmt, va_list ap) { return BF(vfscanf)(f, fmt, ap); }
int BF(__isoc99_vscanf)(const char *fmt, va_list ap) { return BF(vscanf)(fmt, ap); }
int BF(__isoc99_sscanf)(const char *s, const char *fmt, ...) { VARIADIC(BF(vsscanf)(s, fmt, ap)); }
int BF(__isoc99_fscanf)(FILE *f, const char *fmt, ...) { VARIADIC(BF(vfscanf)(f, fmt, ap)); }
int BF(__isoc99_scanf)(const char *fmt, ...) { VARIADIC(BF(vscanf)(fmt, ap)); }
