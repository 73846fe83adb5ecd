/* A batch of small matrix products whose shape comes from the command line: C (N x P) = A (N x M)
 * x B (M x P) for COUNT pairs, REPS times. Only the running program knows the shape is the same in
 * every call. Usage: spec_matmul [N=8] [M=8] [P=8] [COUNT=256] [REPS=200] */
#include "common.h"

__attribute__((noinline)) static void matmul(float *c, const float *a, const float *b, long n, long m, long p) {
    for (long i = 0; i < n; i++) {
        for (long j = 0; j < p; j++) c[i * p + j] = 0.0f;
        for (long k = 0; k < m; k++) {
            float aik = a[i * m + k];
            for (long j = 0; j < p; j++) c[i * p + j] += aik * b[k * p + j];
        }
    }
}

int main(int argc, char **argv) {
    long n = arg_long(argc, argv, 1, 8), m = arg_long(argc, argv, 2, 8), p = arg_long(argc, argv, 3, 8);
    long count = arg_long(argc, argv, 4, 256), reps = arg_long(argc, argv, 5, 200);
    float *a = malloc((size_t)(count * n * m) * sizeof *a), *b = malloc((size_t)(count * m * p) * sizeof *b);
    float *c = calloc((size_t)(count * n * p), sizeof *c);
    for (long i = 0; i < count * n * m; i++) a[i] = (float)((i * 7) % 13) * 0.1f - 0.6f;
    for (long i = 0; i < count * m * p; i++) b[i] = (float)((i * 11) % 17) * 0.05f - 0.4f;
    double sum = 0;
    for (long r = 0; r < reps; r++) {
        for (long q = 0; q < count; q++) matmul(c + q * n * p, a + q * n * m, b + q * m * p, n, m, p);
        sum += c[(r * 31) % (count * n * p)];
        a[r % (count * n * m)] += 0.001f;
    }
    double total = 0;
    for (long i = 0; i < count * n * p; i++) total += c[i];
    printf("spec_matmul %ldx%ldx%ld count=%ld reps=%ld sample=%.6e total=%.6e\n", n, m, p, count, reps, sum, total);
    free(a); free(b); free(c);
    return 0;
}
