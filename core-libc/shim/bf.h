/* core-libc C shim: the variadic libc functions, which stable Rust cannot define. Each one only
 * packages its va_list and calls the Rust engine (core-libc/src/stdio/shim_api.rs); the Rust
 * side pulls arguments back through the bf_va_* callbacks in va.c.
 *
 * Built by core-libc/build.rs. With -DBF_EXPORT_LIBC (the kernel build) the functions carry their C
 * names (printf, snprintf...); otherwise the #defines below rename them (bf_printf...) so host
 * tests can call them next to glibc's. Freestanding: only the compiler's own <stdarg.h> and
 * <stddef.h>. Each definition is registered in the symbol registry (dlsym, the JIT's resolver
 * and the libc-ABI test read it): by the shape macros below, or BF_EXPORT(name) after it. Each
 * definition (or shape macro use) sits on one line with a one-line comment above it:
 * tools/libc-abi-table reads them into docs/libc-abi.md. */
#ifndef BF_SHIM_H
#define BF_SHIM_H

#include <stdarg.h>
#include <stddef.h>

#include "bf_export.h"

#ifndef BF_EXPORT_LIBC
/* Host builds: every exported name gets a bf_ prefix, so tests can call ours next to glibc's. */
#define vsnprintf bf_vsnprintf
#define vsprintf bf_vsprintf
#define vfprintf bf_vfprintf
#define vprintf bf_vprintf
#define vdprintf bf_vdprintf
#define vasprintf bf_vasprintf
#define snprintf bf_snprintf
#define sprintf bf_sprintf
#define fprintf bf_fprintf
#define printf bf_printf
#define dprintf bf_dprintf
#define asprintf bf_asprintf
#define __vsnprintf_chk bf___vsnprintf_chk
#define __vsprintf_chk bf___vsprintf_chk
#define __vfprintf_chk bf___vfprintf_chk
#define __vprintf_chk bf___vprintf_chk
#define __vdprintf_chk bf___vdprintf_chk
#define __vasprintf_chk bf___vasprintf_chk
#define __snprintf_chk bf___snprintf_chk
#define __sprintf_chk bf___sprintf_chk
#define __fprintf_chk bf___fprintf_chk
#define __printf_chk bf___printf_chk
#define __dprintf_chk bf___dprintf_chk
#define __asprintf_chk bf___asprintf_chk
#define vsscanf bf_vsscanf
#define vfscanf bf_vfscanf
#define vscanf bf_vscanf
#define sscanf bf_sscanf
#define fscanf bf_fscanf
#define scanf bf_scanf
#define __isoc99_vsscanf bf___isoc99_vsscanf
#define __isoc99_vfscanf bf___isoc99_vfscanf
#define __isoc99_vscanf bf___isoc99_vscanf
#define __isoc99_sscanf bf___isoc99_sscanf
#define __isoc99_fscanf bf___isoc99_fscanf
#define __isoc99_scanf bf___isoc99_scanf
#define strtold bf_strtold
#define strtold_l bf_strtold_l
#define __strtold_l bf___strtold_l
#define __strtold_internal bf___strtold_internal
#endif

/* The shapes every shim function takes, defined once. Each defines `int name params` and registers
 * it under the name as written (#name: the host build's renaming #defines do not reach it). */

/* The text of a macro argument after expansion (an alias target renamed by the host build). */
#define BF_STR_(x) #x
#define BF_STR(x) BF_STR_(x)

/* A `...` function whose last named parameter is `fmt`: the va_list function call `vcall` on `ap`. */
#define BF_VARIADIC(name, params, vcall)                                                           \
    int name params                                                                                \
    {                                                                                              \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        int r = vcall;                                                                             \
        va_end(ap);                                                                                \
        return r;                                                                                  \
    }                                                                                              \
    BF_EXPORT_NAMED(name, #name)

/* A va_list function (parameter `ap`): the Rust engine call `engine` on a copy `v` of `ap`. */
#define BF_VA_ENGINE(name, params, engine)                                                         \
    int name params                                                                                \
    {                                                                                              \
        struct bf_va v;                                                                            \
        va_copy(v.ap, ap);                                                                         \
        int r = engine;                                                                            \
        va_end(v.ap);                                                                              \
        return r;                                                                                  \
    }                                                                                              \
    BF_EXPORT_NAMED(name, #name)

/* A fortified (_chk) function whose `flag` (extra %n checks) has nothing to do: `call`. */
#define BF_CHK_FORWARD(name, params, call)                                                         \
    int name params                                                                                \
    {                                                                                              \
        (void)flag;                                                                                \
        return call;                                                                               \
    }                                                                                              \
    BF_EXPORT_NAMED(name, #name)

/* Another name of `target`, same signature `type (params)` and same address (glibc's
 * __isoc99_ and 64-suffixed names). */
#define BF_ALIAS(name, target, type, params)                                                       \
    type name params __attribute__((alias(BF_STR(target))));                                       \
    BF_EXPORT_NAMED(name, #name)

typedef struct bf_file FILE; /* opaque: core-libc's stream (stdio/file.rs) */

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
