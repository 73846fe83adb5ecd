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
#endif
