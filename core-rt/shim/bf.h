/* core-rt C shim: the variadic libc functions, which stable Rust cannot define. Each one only
 * packages its va_list and calls the Rust engine (core-rt/src/libc/stdio/shim_api.rs); the Rust
 * side pulls arguments back through the bf_va_* callbacks in va.c.
 *
 * Built by core-rt/build.rs. With -DBF_EXPORT_LIBC (the kernel build) the functions carry their C
 * names (printf, snprintf...); otherwise they are prefixed (bf_printf...) so host tests can call
 * them next to glibc's. Freestanding: only the compiler's own <stdarg.h>/<stddef.h>. */
#ifndef BF_SHIM_H
#define BF_SHIM_H

#include <stdarg.h>
#include <stddef.h>

#ifdef BF_EXPORT_LIBC
#define BF(name) name
#else
#define BF(name) bf_##name
#endif

typedef struct bf_file FILE; /* opaque: core-rt's stream (stdio/file.rs) */

/* A va_list in a struct, so Rust can hold a pointer to it. */
struct bf_va {
    va_list ap;
};

/* An x87 long double split into raw fields (Rust has no 80-bit float type). */
struct bf_f80 {
    unsigned long long mant;
    unsigned short sign_exp;
};

/* Rust engine entry points (stdio/shim_api.rs). Each returns what the C function returns. */
int bf_vsnprintf_impl(char *buf, size_t n, const char *fmt, struct bf_va *va);
int bf_vfprintf_impl(FILE *f, const char *fmt, struct bf_va *va);
int bf_vdprintf_impl(int fd, const char *fmt, struct bf_va *va);
int bf_vasprintf_impl(char **out, const char *fmt, struct bf_va *va);
int bf_vsscanf_impl(const char *s, const char *fmt, struct bf_va *va);
int bf_vfscanf_impl(FILE *f, const char *fmt, struct bf_va *va);
FILE *bf_stdout_stream(void);
FILE *bf_stdin_stream(void);
void bf_strtold_impl(const char *s, char **end, struct bf_f80 *out);
_Noreturn void bf_chk_fail(void);

#endif
