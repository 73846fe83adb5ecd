/* Host-test helpers (compiled only without BF_EXPORT_LIBC): bridge x87 long doubles between Rust
 * tests and glibc, which Rust cannot pass or return directly. They call glibc's functions. */
#include "bf.h"

#ifndef BF_EXPORT_LIBC
/* Here the names mean glibc's functions, not ours. */
#undef snprintf
#undef strtold
int snprintf(char *buf, size_t n, const char *fmt, ...);
long double strtold(const char *s, char **end);
long double bf_strtold(const char *s, char **end);

union bf_ld {
    long double ld;
    struct bf_f80 raw;
};

void bf_test_strtold_bits(const char *s, struct bf_f80 *out)
{
    union bf_ld u;
    u.ld = strtold(s, 0);
    *out = u.raw;
}

int bf_test_snprintf_ld(char *buf, size_t n, const char *fmt, const struct bf_f80 *v)
{
    union bf_ld u;
    u.ld = 0;
    u.raw = *v;
    return snprintf(buf, n, fmt, u.ld);
}

void bf_test_our_strtold_bits(const char *s, char **end, struct bf_f80 *out)
{
    union bf_ld u;
    u.ld = bf_strtold(s, end);
    *out = u.raw;
}

/* setjmp/longjmp (setjmp.c, bf_ names here): setjmp returns 0, then a longjmp from `depth` calls
 * deeper makes it return `val` (1 for 0) with the frame intact. Returns setjmp's second result
 * * 1000 + how many times the code after setjmp ran (2) * 100 + a value kept across the jump. */
int bf__setjmp(void *env) __attribute__((returns_twice));
int bf___sigsetjmp(void *env, int savemask) __attribute__((returns_twice));
void bf_longjmp(void *env, int val) __attribute__((noreturn));
void bf_siglongjmp(void *env, int val) __attribute__((noreturn));

static __attribute__((noinline)) void bf_test_jump_from(void *env, int depth, int val, int sig)
{
    if (depth == 0) {
        if (sig)
            bf_siglongjmp(env, val);
        bf_longjmp(env, val);
    }
    bf_test_jump_from(env, depth - 1, val, sig);
    __asm__ volatile("" ::: "memory"); /* not a tail call: the frames pile up */
}

int bf_test_setjmp(int val, int depth, int sig)
{
    long env[25];
    volatile int after = 0;
    volatile int kept = 42;
    int r = sig ? bf___sigsetjmp(env, 1) : bf__setjmp(env);
    after++;
    if (r == 0)
        bf_test_jump_from(env, depth, val, sig);
    return r * 1000 + after * 100 + kept;
}
#endif
