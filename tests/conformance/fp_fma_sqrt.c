/* fma/fmaf (fused: one rounding), sqrt/sqrtf, hypot, and a Newton iteration compared with sqrt. */
#include "common.h"
#include <math.h>

int main(void) {
    double a[] = {1.0 + 0x1p-52, 0.1, 3.0, -2.5, 1e308, 1e-308, 123456.789};
    double b[] = {1.0 - 0x1p-52, 10.0, 1.0 / 3.0, 4.0, 10.0, 1e-10, -0.001};
    double c[] = {-1.0, -1.0, -1.0, 0.5, -1e308, 0.0, 123.456};
    for (int i = 0; i < 7; i++) {
        double x = OPQ(a[i]), y = OPQ(b[i]), z = OPQ(c[i]);
        double fused = fma(x, y, z);
        volatile double prod = x * y;
        double unfused = prod + z;
        float fx = (float)x, fy = (float)y, fz = (float)z;
        float ff = fmaf(fx, fy, fz);
        printf("fma %a unfused %a fmaf %a\n", nn_d(fused), nn_d(unfused), nn_f(ff));
        ck_d(fused); ck_d(unfused); ck_f(ff);
    }
    for (double x = 0; x < 100; x += OPQ(3.7)) {
        double s = sqrt(x);
        float sf = sqrtf((float)x);
        double g = x > 0 ? x : 1;
        for (int k = 0; k < 60; k++) g = 0.5 * (g + x / g);
        double h = hypot(x, 3.0), hf = hypotf((float)x, 4.0f);
        printf("sqrt(%g)=%.17g %.9g newton=%.17g hypot=%.17g %.9g\n", x, s, sf, g, h, hf);
        ck_d(s); ck_f(sf); ck_d(g); ck_d(h); ck_d(hf);
    }
    printf("sqrt special %g %g %g %d\n", sqrt(OPQ(0.0)), sqrt(OPQ(-0.0)), sqrt(OPQ(INFINITY)),
           isnan(sqrtf(OPQ(-4.0f))) != 0);
    /* A loop -O2 vectorizes into vector sqrt. */
    double v[128], acc = 0;
    for (int i = 0; i < 128; i++) v[i] = i * 1.25;
    for (int i = 0; i < 128; i++) v[i] = sqrt(v[i]) * 2.0 + 1.0;
    for (int i = 0; i < 128; i++) acc += v[i];
    printf("acc %.17g\n", acc);
    ck_d(acc);
    ck_print();
    return 0;
}
