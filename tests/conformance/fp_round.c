/* Rounding functions in float and double: floor ceil round trunc rint nearbyint lround llrint. */
#include "common.h"
#include <math.h>

int main(void) {
    double v[] = {0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994, 1e15 + 0.5,
                  -1e15 - 0.5, 4503599627370497.0, 123.456, -123.456, 1e300, -1e-300, 2.675, 7.0, -7.999999};
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
        double x = OPQ(v[i]);
        double r[6] = {floor(x), ceil(x), round(x), trunc(x), rint(x), nearbyint(x)};
        float fx = (float)x;
        float fr[6] = {floorf(fx), ceilf(fx), roundf(fx), truncf(fx), rintf(fx), nearbyintf(fx)};
        printf("%.17g: %g %g %g %g %g %g | %g %g %g %g %g %g", x, r[0], r[1], r[2], r[3], r[4], r[5], fr[0],
               fr[1], fr[2], fr[3], fr[4], fr[5]);
        for (int k = 0; k < 6; k++) { ck_d(r[k]); ck_f(fr[k]); }
        if (fabs(x) < 1e18) {
            long lr = lround(x);
            long long llr = llrint(x);
            long lrf = lroundf(fx);
            printf(" | %ld %lld %ld", lr, llr, lrf);
            ck((uint64_t)lr); ck((uint64_t)llr); ck((uint64_t)lrf);
        }
        printf("\n");
    }
    /* Rounding to decimal places, the common idiom. */
    for (double x = -3; x <= 3; x += OPQ(0.37)) {
        double r2 = round(x * 100) / 100, t = trunc(x * 7) / 7;
        ck_d(r2); ck_d(t);
    }
    /* A floor loop the vectorizer may turn into vector floor. */
    float in[64], out[64];
    for (int i = 0; i < 64; i++) in[i] = (float)(i - 32) * 0.3f;
    for (int i = 0; i < 64; i++) out[i] = floorf(in[i]) + ceilf(in[i] * 0.5f) + truncf(in[i] * 1.7f);
    float s = 0;
    for (int i = 0; i < 64; i++) { s += out[i]; ck_f(out[i]); }
    printf("vec %g\n", s);
    ck_print();
    return 0;
}
