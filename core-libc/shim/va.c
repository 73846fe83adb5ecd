/* Argument callbacks: the Rust printf/scanf engines fetch each variadic argument through these,
 * by the class C promotes it to. */
#include "bf.h"

int bf_va_int(struct bf_va *v) { return va_arg(v->ap, int); }
long long bf_va_long(struct bf_va *v) { return va_arg(v->ap, long long); }
double bf_va_double(struct bf_va *v) { return va_arg(v->ap, double); }
void *bf_va_ptr(struct bf_va *v) { return va_arg(v->ap, void *); }

void bf_va_long_double(struct bf_va *v, struct bf_f80 *out)
{
    union {
        long double ld;
        struct bf_f80 raw;
    } u;
    u.ld = va_arg(v->ap, long double);
    out->mant = u.raw.mant;
    out->sign_exp = u.raw.sign_exp;
}
