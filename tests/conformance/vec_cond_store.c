/* Conditional stores in loops that clang -O2 vectorizes: without masked stores (SSE) each lane's
 * store sits behind a branch on that lane of the compare's mask, which irvm reads in place. Bytes,
 * ints and doubles, on lengths that leave a scalar remainder, with every lane taken, none, and a
 * mix. */
#include "common.h"

__attribute__((noinline)) static void fold_case(char *t, long n) {
    for (long i = 0; i < n; i++)
        if (t[i] >= 'A' && t[i] <= 'Z') t[i] = (char)(t[i] + 32);
}

__attribute__((noinline)) static void clamp(int *a, long n, int lo) {
    for (long i = 0; i < n; i++)
        if (a[i] < lo) a[i] = lo;
}

__attribute__((noinline)) static void halve_big(double *x, long n) {
    for (long i = 0; i < n; i++)
        if (x[i] > 1.0) x[i] = x[i] * 0.5;
}

int main(void) {
    char text[301];
    for (int k = 0; k < 300; k++) text[k] = (char)(32 + (k * 37) % 90);
    text[300] = 0;
    for (long n = OPQ(0); n <= 300; n += 61) {
        fold_case(text, n);
        for (int k = 0; k < 300; k++) ck((uint8_t)text[k]);
    }
    printf("fold %.40s\n", text);

    int a[203];
    for (int k = 0; k < 203; k++) a[k] = (k * 7919) % 401 - 200;
    clamp(a, OPQ(203), OPQ(-50));
    clamp(a, OPQ(203), OPQ(-1000)); /* no lane taken */
    clamp(a, OPQ(100), OPQ(1000));  /* every lane taken */
    for (int k = 0; k < 203; k++) ck((uint32_t)a[k]);
    printf("clamp %d %d %d\n", a[0], a[101], a[202]);

    double x[99];
    for (int k = 0; k < 99; k++) x[k] = (k % 13) * 0.25;
    for (int r = 0; r < 3; r++) halve_big(x, OPQ(99));
    for (int k = 0; k < 99; k++) ck_d(x[k]);
    printf("halve %.17g %.17g\n", x[12], x[98]);
    ck_print();
    return 0;
}
