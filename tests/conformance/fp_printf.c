/* printf float formatting through the native libc: %e %f %g %a with widths, precisions and flags. */
#include "common.h"
#include <math.h>

int main(void) {
    double v[] = {0, 1, -1, 0.5, 1e-7, 123456789.0, 1e21, 9.999999e-5, 0.000123456, 3.14159265358979, -2.5e-300,
                  1.0 / 0.0, 6.02214076e23};
    char buf[256];
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
        double x = OPQ(v[i]);
        int n = snprintf(buf, sizeof buf, "[%e] [%.3f] [%10.4g] [%-12.2e] [%+g] [% .0f] [%#.0f] [%a] [%.2a] [%012.3f] [%G] [%E]",
                         x, x, x, x, x, x, x, x, x, x, x, x);
        printf("%s n=%d\n", buf, n);
        ck_s(buf);
        float f = (float)x;
        n = snprintf(buf, sizeof buf, "%f %g %.10e", f, f, f);
        printf("  float %s\n", buf);
        ck_s(buf);
    }
    /* Star width/precision. */
    for (int w = 0; w < 12; w += 3) {
        for (int p = 0; p < 8; p += 2) {
            snprintf(buf, sizeof buf, "%*.*f|%-*.*e|", w, p, OPQ(M_PI) * w, w, p, -M_E / (p + 1));
            printf("%s\n", buf);
            ck_s(buf);
        }
    }
    ck_print();
    return 0;
}
