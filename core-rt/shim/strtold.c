/* strtold and friends: x87 long double results cannot be returned from Rust, so the Rust parser
 * (stdlib_num/float.rs) fills raw fields and this file assembles the long double. */
#include "bf.h"

typedef struct bf_locale *locale_t_;

long double BF(strtold)(const char *s, char **end)
{
    union {
        long double ld;
        struct bf_f80 raw;
    } u;
    u.ld = 0;
    bf_strtold_impl(s, end, &u.raw);
    return u.ld;
}

long double BF(strtold_l)(const char *s, char **end, locale_t_ loc)
{
    (void)loc;
    return BF(strtold)(s, end);
}

long double BF(__strtold_l)(const char *s, char **end, locale_t_ loc)
{
    (void)loc;
    return BF(strtold)(s, end);
}

long double BF(__strtold_internal)(const char *s, char **end, int group)
{
    (void)group;
    return BF(strtold)(s, end);
}
