/* C99 complex numbers: arithmetic (multiplication/division call libgcc's __muldc3/__divdc3 at -O0),
 * _Complex values passed to and returned from interpreted and native (libm cexp, cabs, csqrt) functions. */
#include "common.h"
#include <complex.h>

__attribute__((noinline)) static double complex rotate(double complex z, double angle) { return z * cexp(I * angle); }
__attribute__((noinline)) static float complex fmix(float complex a, float complex b) { return a * b + conjf(a) / (b + 1.0f); }

int main(void) {
    double complex z = OPQ(1.5) + 2.0 * I, w = -0.5 + OPQ(0.25) * I;
    double complex p = z * w, q = z / w, s = z + w, d = z - w;
    printf("mul %.17g%+.17gi div %.17g%+.17gi\n", creal(p), cimag(p), creal(q), cimag(q));
    printf("add %g%+gi sub %g%+gi conj %g%+gi\n", creal(s), cimag(s), creal(d), cimag(d), creal(conj(z)), cimag(conj(z)));
    ck_d(creal(p)); ck_d(cimag(p)); ck_d(creal(q)); ck_d(cimag(q));
    printf("abs %.17g arg %.17g\n", cabs(z), carg(z));
    double complex r = csqrt(w), e = cexp(z), l = clog(z), pw = cpow(z, w);
    printf("sqrt %.15g%+.15gi exp %.15g%+.15gi log %.15g%+.15gi pow %.15g%+.15gi\n", creal(r), cimag(r), creal(e), cimag(e),
           creal(l), cimag(l), creal(pw), cimag(pw));
    ck_d(creal(r)); ck_d(cimag(e)); ck_d(creal(l)); ck_d(cimag(pw));
    double complex acc = 1;
    for (int k = 0; k < 12; k++) acc = rotate(acc, OPQ(0.5)) * 1.01;
    printf("rotated %.15g%+.15gi\n", creal(acc), cimag(acc));
    ck_d(creal(acc)); ck_d(cimag(acc));
    float complex f = fmix(OPQ(1.0f) + 2.0f * I, 3.0f - OPQ(1.0f) * I);
    printf("float %.7g%+.7gi\n", crealf(f), cimagf(f));
    ck_f(crealf(f)); ck_f(cimagf(f));
    /* Mandelbrot-style iteration in complex arithmetic. */
    int inside = 0;
    for (int y = -10; y <= 10; y++)
        for (int x = -20; x <= 10; x++) {
            double complex c = x * 0.1 + y * 0.1 * I, zz = 0;
            int it = 0;
            while (it < 50 && cabs(zz) <= 2) { zz = zz * zz + c; it++; }
            inside += it == 50;
        }
    printf("inside %d\n", inside);
    ck((uint32_t)inside);
    ck_print();
    return 0;
}
