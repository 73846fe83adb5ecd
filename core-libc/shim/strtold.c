/* strtold and friends: an x87 long double cannot be returned from Rust, so the Rust parser
 * (stdlib_num/float.rs, correctly rounded for up to 800 significant digits) fills the raw
 * fields and this file assembles the value. */
#include "bf.h"

typedef struct bf_locale *bf_locale_t;

/* long double strtold(const char *, char **): correctly rounded to 64-bit precision. */
long double strtold(const char *s, char **end)
{
    union {
        long double ld;
        struct bf_f80 raw;
    } u;
    u.ld = 0;
    bf_strtold_impl(s, end, &u.raw);
    return u.ld;
}
BF_EXPORT(strtold);

/* long double strtold_l(const char *, char **, locale_t): the only locale is C. */
long double strtold_l(const char *s, char **end, bf_locale_t loc)
{
    (void)loc;
    return strtold(s, end);
}
BF_EXPORT(strtold_l);

/* long double __strtold_l(const char *, char **, locale_t): glibc's internal name (libstdc++). */
long double __strtold_l(const char *s, char **end, bf_locale_t loc)
{
    (void)loc;
    return strtold(s, end);
}
BF_EXPORT(__strtold_l);

/* long double __strtold_internal(const char *, char **, int group): old glibc entry. */
long double __strtold_internal(const char *s, char **end, int group)
{
    (void)group;
    return strtold(s, end);
}
BF_EXPORT(__strtold_internal);
