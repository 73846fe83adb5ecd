/* long double (x87 80-bit) math that LLVM's static libraries call. Rust has no f80 type, so these
   live in C, computed with the x87 unit itself. */
#ifdef BF_EXPORT_LIBC

#include "bf_export.h"

/* log(x) = ln(2) * log2(x): fyl2x computes st1 * log2(st0). Negative → NaN, 0 → -inf, as IEEE. */
long double logl(long double x) {
    long double r;
    __asm__("fldln2\n\tfxch\n\tfyl2x" : "=t"(r) : "0"(x) : "st(1)");
    return r;
}
BF_EXPORT(logl);

/* std::hash<long double> calls it: fxtract gives the significand in [1, 2) and the exponent. */
/* x = m * 2^e with 0.5 <= |m| < 1; 0, infinities and NaN unchanged with *e = 0, as glibc. */
long double frexpl(long double x, int *e) {
    if (x == 0 || x != x || x - x != 0) {
        *e = 0;
        return x;
    }
    long double sig, ex;
    __asm__("fxtract" : "=t"(sig), "=u"(ex) : "0"(x));
    *e = (int)ex + 1;
    return sig / 2;
}
BF_EXPORT(frexpl);

#endif
