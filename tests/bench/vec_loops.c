/* Loops that clang -O2 vectorizes: float saxpy and dot product, an int32 histogram-free reduction
 * (sum, min and max), a byte-wise average and a double scaling, repeated over arrays.
 * Usage: vec_loops [N=20000] */
#include "common.h"
#include <stdint.h>

int main(int argc, char **argv) {
    long n = arg_long(argc, argv, 1, 20000);
    float *x = malloc((size_t)n * sizeof *x), *y = malloc((size_t)n * sizeof *y);
    int32_t *k = malloc((size_t)n * sizeof *k);
    double *d = malloc((size_t)n * sizeof *d);
    uint8_t *p = malloc((size_t)n), *q = malloc((size_t)n);
    for (long i = 0; i < n; i++) {
        x[i] = (float)(i % 17) * 0.25f; y[i] = (float)(i % 13) * 0.5f;
        k[i] = (int32_t)((((uint32_t)i * 2654435761u) >> 8) % 100000u) - 50000;
        d[i] = (double)(i % 101) / 7.0;
        p[i] = (uint8_t)(i * 31); q[i] = (uint8_t)(i * 17 + 3);
    }
    double dots = 0;
    long long isum = 0;
    int32_t imin = INT32_MAX, imax = INT32_MIN;
    unsigned bytes = 0;
    for (int rep = 0; rep < 2000; rep++) {
        float a = 1.0f / (float)(rep + 1);
        for (long i = 0; i < n; i++) y[i] = a * x[i] + y[i] * 0.5f;
        float dot = 0;
        for (long i = 0; i < n; i++) dot += x[i] * y[i];
        dots += dot;
        int32_t mn = INT32_MAX, mx = INT32_MIN;
        long long sum = 0;
        for (long i = 0; i < n; i++) {
            int32_t v = k[i] + rep;
            sum += v;
            mn = v < mn ? v : mn;
            mx = v > mx ? v : mx;
        }
        isum += sum; imin = mn < imin ? mn : imin; imax = mx > imax ? mx : imax;
        for (long i = 0; i < n; i++) p[i] = (uint8_t)((p[i] + q[i] + 1) >> 1);
        for (long i = 0; i < n; i++) d[i] = d[i] * 0.999 + 0.001;
        bytes += p[rep % n];
    }
    double dsum = 0;
    for (long i = 0; i < n; i++) dsum += d[i];
    printf("vec_loops n=%ld dots=%.6e isum=%lld min=%d max=%d bytes=%u dsum=%.9f\n", n, dots, isum, imin, imax, bytes,
           dsum);
    free(x); free(y); free(k); free(d); free(p); free(q);
    return 0;
}
