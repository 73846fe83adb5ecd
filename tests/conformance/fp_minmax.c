/* fmin/fmax/copysign/fabs/fdim with NaN and signed zeros, and a min/max reduction over doubles. */
#include "common.h"
#include <math.h>

int main(void) {
    double v[] = {0.0, -0.0, 1.0, -1.0, 2.5, INFINITY, -INFINITY, NAN};
    int n = 8;
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            double a = OPQ(v[i]), b = OPQ(v[j]);
            double mn = fmin(a, b), mx = fmax(a, b), cs = copysign(a, b), fd = fdim(a, b);
            float fmn = fminf((float)a, (float)b), fmx = fmaxf((float)a, (float)b), fcs = copysignf((float)a, (float)b);
            /* fmin(-0,+0) may return either zero: print and check only the value class for zero pairs. */
            int zeros = a == 0 && b == 0;
            if (!zeros) { ck_d(mn); ck_d(mx); ck_f(fmn); ck_f(fmx); }
            ck_d(cs); ck_f(fcs);
            ck(isnan(fd) ? 7 : (ck_d(fd), 1));
            if (i == (j + 3) % n)
                printf("%g %g: min=%g max=%g cs=%g fdim=%g fmin=%g fcs=%g\n", a, b, zeros ? 0.0 : mn,
                       zeros ? 0.0 : mx, cs, fd, zeros ? 0.0 : fmn, fcs);
        }
        double a = OPQ(v[i]);
        printf("fabs %g %g %d\n", fabs(a), (double)fabsf((float)a), signbit(fabs(a)) != 0);
        ck_d(fabs(a));
    }
    /* Reductions with fmin/fmax and with the plain ternary. */
    double arr[100];
    for (int i = 0; i < 100; i++) arr[i] = sin(i * 0.7) * (i % 13) - cos(i * 0.3);
    double lo = arr[0], hi = arr[0], lo2 = arr[0], hi2 = arr[0];
    for (int i = 1; i < 100; i++) {
        lo = fmin(lo, arr[i]); hi = fmax(hi, arr[i]);
        lo2 = arr[i] < lo2 ? arr[i] : lo2; hi2 = arr[i] > hi2 ? arr[i] : hi2;
    }
    printf("range %.17g %.17g %.17g %.17g\n", lo, hi, lo2, hi2);
    ck_d(lo); ck_d(hi); ck_d(lo2); ck_d(hi2);
    float farr[256], fl = 1e30f;
    for (int i = 0; i < 256; i++) farr[i] = (float)((i * 7919) % 1000) - 500.5f;
    for (int i = 0; i < 256; i++) fl = fminf(fl, farr[i]);
    printf("fmin %g\n", fl);
    ck_f(fl);
    ck_print();
    return 0;
}
