/* float <-> double conversions: rounding of narrowing, subnormals, huge values, and strtod round trips. */
#include "common.h"
#include <float.h>
#include <math.h>
#include <stdlib.h>

int main(void) {
    double d[] = {0.1, 1.0 / 3.0, 16777217.0, 3.4028235677973366e38, 3.4028236e38, 1e39, 1.1754942e-38, 1e-45,
                  7e-46, -0.0, 2.0000001192092896, 1.0000000596046448, 1.0000000596046449};
    for (unsigned i = 0; i < sizeof d / sizeof d[0]; i++) {
        double x = OPQ(d[i]);
        float f = (float)x;
        double back = f;
        printf("%.17g -> %a -> %.17g\n", x, (double)f, back);
        ck_f(f); ck_d(back);
    }
    /* Round trip through text at full precision. */
    char buf[64];
    double seed = OPQ(0.123456789);
    for (int i = 0; i < 200; i++) {
        seed = seed * 3.7 + 0.001 * i;
        seed -= floor(seed);
        double x = seed * pow(10, (i % 40) - 20);
        snprintf(buf, sizeof buf, "%.17g", x);
        double y = strtod(buf, NULL);
        float fx = (float)x;
        snprintf(buf, sizeof buf, "%.9g", fx);
        float fy = strtof(buf, NULL);
        if (y != x || fy != fx) printf("roundtrip mismatch %d\n", i);
        ck_d(y); ck_f(fy);
    }
    /* Integer-valued doubles to float and the halfway cases. */
    for (long long k = 16777210; k < 16777230; k++) {
        float f = (float)(double)OPQ(k);
        ck_f(f);
        if (k % 5 == 0) printf("%lld -> %.1f\n", k, f);
    }
    printf("limits %a %a %a %a\n", (double)FLT_MAX, (double)FLT_MIN, FLT_EPSILON + 0.0, DBL_EPSILON);
    ck_print();
    return 0;
}
