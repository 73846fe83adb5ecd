/* The scanf family, including glibc's C99-conforming aliases (__isoc99_*), which C programs
 * compiled without _GNU_SOURCE call instead of the plain names. The engine is stdio/scanf.rs. */
#include "bf.h"

#define VARIADIC(call)        \
    va_list ap;               \
    va_start(ap, fmt);        \
    int r = call;             \
    va_end(ap);               \
    return r

/* int vsscanf(const char *, const char *, va_list). */
int vsscanf(const char *s, const char *fmt, va_list ap)
{
    struct bf_va v;
    va_copy(v.ap, ap);
    int r = bf_vsscanf_impl(s, fmt, &v);
    va_end(v.ap);
    return r;
}
BF_EXPORT(vsscanf);

/* int vfscanf(FILE *, const char *, va_list): the lookahead byte goes back with ungetc. */
int vfscanf(FILE *f, const char *fmt, va_list ap)
{
    struct bf_va v;
    va_copy(v.ap, ap);
    int r = bf_vfscanf_impl(f, fmt, &v);
    va_end(v.ap);
    return r;
}
BF_EXPORT(vfscanf);

/* int vscanf(const char *, va_list): from stdin. */
int vscanf(const char *fmt, va_list ap)
{
    return vfscanf(bf_stdin_stream(), fmt, ap);
}
BF_EXPORT(vscanf);

/* int sscanf(const char *, const char *, ...). */
int sscanf(const char *s, const char *fmt, ...)
{
    VARIADIC(vsscanf(s, fmt, ap));
}
BF_EXPORT(sscanf);

/* int fscanf(FILE *, const char *, ...). */
int fscanf(FILE *f, const char *fmt, ...)
{
    VARIADIC(vfscanf(f, fmt, ap));
}
BF_EXPORT(fscanf);

/* int scanf(const char *, ...). */
int scanf(const char *fmt, ...)
{
    VARIADIC(vscanf(fmt, ap));
}
BF_EXPORT(scanf);

/* int __isoc99_vsscanf(const char *, const char *, va_list): vsscanf. */
int __isoc99_vsscanf(const char *s, const char *fmt, va_list ap)
{
    return vsscanf(s, fmt, ap);
}
BF_EXPORT(__isoc99_vsscanf);

/* int __isoc99_vfscanf(FILE *, const char *, va_list): vfscanf. */
int __isoc99_vfscanf(FILE *f, const char *fmt, va_list ap)
{
    return vfscanf(f, fmt, ap);
}
BF_EXPORT(__isoc99_vfscanf);

/* int __isoc99_vscanf(const char *, va_list): vscanf. */
int __isoc99_vscanf(const char *fmt, va_list ap)
{
    return vscanf(fmt, ap);
}
BF_EXPORT(__isoc99_vscanf);

/* int __isoc99_sscanf(const char *, const char *, ...): sscanf. */
int __isoc99_sscanf(const char *s, const char *fmt, ...)
{
    VARIADIC(vsscanf(s, fmt, ap));
}
BF_EXPORT(__isoc99_sscanf);

/* int __isoc99_fscanf(FILE *, const char *, ...): fscanf. */
int __isoc99_fscanf(FILE *f, const char *fmt, ...)
{
    VARIADIC(vfscanf(f, fmt, ap));
}
BF_EXPORT(__isoc99_fscanf);

/* int __isoc99_scanf(const char *, ...): scanf. */
int __isoc99_scanf(const char *fmt, ...)
{
    VARIADIC(vscanf(fmt, ap));
}
BF_EXPORT(__isoc99_scanf);
