/* Matrix multiply: C = A x B for N x N float matrices (i-k-j loop order). Usage: matmul [N=200] */
#include "common.h"

int main(int argc, char **argv) {
    long n = arg_long(argc, argv, 1, 200);
    float *a = malloc((size_t)(n * n) * sizeof *a), *b = malloc((size_t)(n * n) * sizeof *b), *c = calloc((size_t)(n * n), sizeof *c);
    for (long i = 0; i < n; i++)
        for (long j = 0; j < n; j++) {
            long k = i * n + j;
            a[k] = (float)((k * 7) % 13) * 0.1f - 0.6f;
            b[k] = (float)((k * 11) % 17) * 0.05f - 0.4f;
        }
    for (long i = 0; i < n; i++)
        for (long k = 0; k < n; k++) {
            float aik = a[i * n + k];
            for (long j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
        }
    double tr = 0, sum = 0;
    for (long i = 0; i < n; i++) {
        tr += c[i * n + i];
        for (long j = 0; j < n; j++) sum += c[i * n + j];
    }
    printf("matmul n=%ld trace=%.6e sum=%.6e\n", n, tr, sum);
    free(a); free(b); free(c);
    return 0;
}
