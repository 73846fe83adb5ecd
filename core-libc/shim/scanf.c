/* The scanf family, including glibc's C99-conforming aliases (__isoc99_*), which C programs
 * compiled without _GNU_SOURCE call instead of the plain names: the same functions under a second
 * name. The engine is stdio/scanf.rs; the shapes (BF_VA_ENGINE, BF_VARIADIC, BF_ALIAS) are in bf.h. */
#include "bf.h"

/* int vsscanf(const char *, const char *, va_list). */
BF_VA_ENGINE(vsscanf, (const char *s, const char *fmt, va_list ap), bf_vsscanf_impl(s, fmt, &v));

/* int vfscanf(FILE *, const char *, va_list): the lookahead byte goes back with ungetc. */
BF_VA_ENGINE(vfscanf, (FILE *f, const char *fmt, va_list ap), bf_vfscanf_impl(f, fmt, &v));

/* int vscanf(const char *, va_list): from stdin. */
int vscanf(const char *fmt, va_list ap)
{
    return vfscanf(bf_stdin_stream(), fmt, ap);
}
BF_EXPORT(vscanf);

/* int sscanf(const char *, const char *, ...). */
BF_VARIADIC(sscanf, (const char *s, const char *fmt, ...), vsscanf(s, fmt, ap));

/* int fscanf(FILE *, const char *, ...). */
BF_VARIADIC(fscanf, (FILE *f, const char *fmt, ...), vfscanf(f, fmt, ap));

/* int scanf(const char *, ...). */
BF_VARIADIC(scanf, (const char *fmt, ...), vscanf(fmt, ap));

/* int __isoc99_vsscanf(const char *, const char *, va_list): vsscanf. */
BF_ALIAS(__isoc99_vsscanf, vsscanf, int, (const char *, const char *, va_list));

/* int __isoc99_vfscanf(FILE *, const char *, va_list): vfscanf. */
BF_ALIAS(__isoc99_vfscanf, vfscanf, int, (FILE *, const char *, va_list));

/* int __isoc99_vscanf(const char *, va_list): vscanf. */
BF_ALIAS(__isoc99_vscanf, vscanf, int, (const char *, va_list));

/* int __isoc99_sscanf(const char *, const char *, ...): sscanf. */
BF_ALIAS(__isoc99_sscanf, sscanf, int, (const char *, const char *, ...));

/* int __isoc99_fscanf(FILE *, const char *, ...): fscanf. */
BF_ALIAS(__isoc99_fscanf, fscanf, int, (FILE *, const char *, ...));

/* int __isoc99_scanf(const char *, ...): scanf. */
BF_ALIAS(__isoc99_scanf, scanf, int, (const char *, ...));
