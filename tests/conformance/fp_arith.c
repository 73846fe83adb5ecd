/* float/double arithmetic: + - * /, denormals, mixed precision, printed exactly (%a and %.17g). */
#include "common.h"
#include <float.h>

int main(void) {
    double d[] = {0.1, 0.2, 1.0 / 3.0, 1e308, 2.2250738585072014e-308, 4.9406564584124654e-324, -7.5, 1e-5,
                  123456789.123, 3.141592653589793};
    float f[] = {0.1f, 0.2f, 1.0f / 3.0f, 3.4e38f, 1.17549435e-38f, 1.4e-45f, -7.5f, 1e-5f, 16777217.0f, 2.5f};
    for (int i = 0; i < 10; i++) {
        int j = (i * 3 + 1) % 10;
        double a = OPQ(d[i]), b = OPQ(d[j]);
        float x = OPQ(f[i]), y = OPQ(f[j]);
        double s = a + b, m = a - b, p = a * b, q = a / b;
        float fs = x + y, fm = x - y, fp = x * y, fq = x / y;
        double mixed = x * a + y / b; /* float promoted to double */
        float back = (float)(a * 0.5);
        printf("%a %a %a %a | %a %a %a %a | %.17g %.9g\n", s, m, p, q, fs, fm, fp, fq, mixed, back);
        ck_d(s); ck_d(m); ck_d(p); ck_d(q); ck_f(fs); ck_f(fm); ck_f(fp); ck_f(fq); ck_d(mixed); ck_f(back);
    }
    /* Accumulation order matters: summing 0.1 a million times. */
    double acc = 0; float facc = 0;
    for (int i = 0; i < 1000000; i++) { acc += OPQ(0.1); facc += 0.1f; }
    printf("sum %.17g %.9g\n", acc, facc);
    ck_d(acc); ck_f(facc);
    /* Denormal arithmetic and gradual underflow. */
    double tiny = OPQ(DBL_MIN);
    for (int i = 0; i < 60; i++) tiny /= 2;
    float ftiny = OPQ(FLT_MIN);
    for (int i = 0; i < 20; i++) ftiny *= 0.5f;
    printf("tiny %a %a %a %a\n", tiny, tiny * 3, ftiny, ftiny * 7);
    ck_d(tiny); ck_f(ftiny);
    /* Overflow to infinity and negation. */
    double big = OPQ(DBL_MAX);
    printf("big %g %g %g %g\n", big * 2, -big * 2, big + big / 1e16, -(big - big));
    ck_d(big * 2); ck_d(-(big - big));
    /* Horner polynomial evaluation (a*b+c shapes: clang may form fmuladd, which x86 lowers unfused). */
    double poly = 0;
    double coef[] = {1, -0.5, 1.0 / 6, -1.0 / 24, 1.0 / 120, -1.0 / 720};
    for (double t = -2; t <= 2; t += OPQ(0.25)) {
        double r = 0;
        for (int k = 5; k >= 0; k--) r = r * t + coef[k];
        poly += r;
        ck_d(r);
    }
    printf("poly %.17g\n", poly);
    ck_print();
    return 0;
}
