/* libm functions (called natively from interpreted code): trig, exp/log, pow, hyperbolic, special. */
#include "common.h"
#include <math.h>

int main(void) {
    for (int i = -6; i <= 6; i++) {
        double x = OPQ(i * 0.55 + 0.1);
        double r[] = {sin(x), cos(x), tan(x), atan(x), exp(x), expm1(x), fabs(x) > 0 ? log(fabs(x)) : 0,
                      log1p(fabs(x)), pow(fabs(x), 1.7), cbrt(x), exp2(x), log2(fabs(x) + 1), log10(fabs(x) + 1),
                      sinh(x), cosh(x), tanh(x), asinh(x), atan2(x, 0.7), erf(x), erfc(x), lgamma(fabs(x) + 0.5),
                      tgamma(fabs(x) + 0.5), fmod(x * 7, 1.3), remainder(x * 7, 1.3)};
        int n = sizeof r / sizeof r[0];
        printf("x=%.3f", x);
        for (int k = 0; k < n; k++) { printf(" %.12g", r[k]); ck_d(r[k]); }
        printf("\n");
        float fx = (float)x;
        float fr[] = {sinf(fx), cosf(fx), expf(fx), logf(fabsf(fx) + 1), powf(fabsf(fx), 0.3f), atan2f(fx, -1.0f)};
        for (int k = 0; k < 6; k++) ck_f(fr[k]);
        printf("  f: %.7g %.7g %.7g %.7g %.7g %.7g\n", fr[0], fr[1], fr[2], fr[3], fr[4], fr[5]);
    }
    double in = OPQ(0.75);
    printf("asin %.17g acos %.17g atanh %.17g acosh %.17g\n", asin(in), acos(in), atanh(in), acosh(in + 1));
    int e;
    double m = frexp(OPQ(1234.5), &e);
    double ip, fp = modf(OPQ(-3.75), &ip);
    printf("frexp %.17g %d ldexp %g modf %g %g scalbn %g ilogb %d logb %g\n", m, e, ldexp(m, e), ip, fp,
           scalbn(OPQ(1.5), 10), ilogb(OPQ(1000.0)), logb(OPQ(0.01)));
    ck_d(m); ck((uint64_t)e); ck_d(ip); ck_d(fp);
    double s = 0;
    for (int k = 1; k < 2000; k++) s += sin(k) / k;
    printf("series %.17g\n", s);
    ck_d(s);
    ck_print();
    return 0;
}
