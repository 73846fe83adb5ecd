// FP80: uses long double, which clang emits as x86_fp80 on x86-64 (reported separately by the harness).
/* long double arithmetic (80-bit extended), conversions and printf %Lf/%La via the native libc. */
#include "common.h"
#include <math.h>

static void ck_ld(long double x) {
    unsigned char b[16] = {0};
    memcpy(b, &x, 10); /* only the 10 significant bytes: the 6 padding bytes are unspecified */
    uint64_t lo, hi = 0;
    memcpy(&lo, b, 8);
    memcpy(&hi, b + 8, 2);
    ck(lo); ck(hi);
}

int main(void) {
    long double x = OPQ(1.0L) / 3, y = OPQ(2.0L);
    long double s = x + y, p = x * y, q = y / x, d = x - y;
    printf("%.21Lg %.21Lg %.21Lg %.21Lg\n", s, p, q, d);
    printf("%La %La\n", x, sqrtl(y));
    ck_ld(s); ck_ld(p); ck_ld(q); ck_ld(d);
    /* More precision than double: 2^64 + 1 is exact in fp80. */
    long double big = (long double)OPQ(18446744073709551615ull) + 2;
    printf("big %.0Lf as double %.0f\n", big, (double)big);
    ck_ld(big);
    long double acc = 0;
    for (int i = 1; i <= 1000; i++) acc += 1.0L / ((long double)i * i);
    printf("zeta2 %.20Lf\n", acc);
    ck_ld(acc);
    long double f = 1;
    for (int i = 1; i <= 25; i++) f *= i;
    printf("25! %.0Lf\n", f);
    unsigned long long back = (unsigned long long)(f / 1e10L);
    long long neg = (long long)(-f / 1e12L);
    printf("conv %llu %lld %d\n", back, neg, (int)(OPQ(-2.75L)));
    ck(back); ck((uint64_t)neg);
    long double cmp[] = {1.0L, -0.0L, 0.0L, 1e4000L, -1e-4000L};
    for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) ck((cmp[i] < cmp[j]) | (cmp[i] == cmp[j]) << 1);
    printf("%Lg %Lg %Lg\n", cmp[3], cmp[4], cmp[3] * cmp[3]);
    printf("math %.18Lg %.18Lg %.18Lg\n", sinl(OPQ(1.0L)), expl(OPQ(1.0L)), floorl(OPQ(-2.5L)));
    ck_print();
    return 0;
}
