/* A kernel hot within its first call (that call enters native code by OSR), then called again
 * and again with the same sizes, which only the command line gives: with a compile thread, its
 * whole-function code must still be specialized on them. Usage: spec_first_call H W K REPS */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static void conv(float *out, const float *in, const float *k, long h, long w, long kh, long kw) {
    for (long y = 0; y + kh <= h; y++)
        for (long x = 0; x + kw <= w; x++) {
            float acc = 0.0f;
            for (long i = 0; i < kh; i++)
                for (long j = 0; j < kw; j++) acc += in[(y + i) * w + x + j] * k[i * kw + j];
            out[y * w + x] = acc;
        }
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: spec_first_call H W K REPS\n");
        return 2;
    }
    long h = atol(argv[1]), w = atol(argv[2]), kk = atol(argv[3]), reps = atol(argv[4]);
    if (h < 1 || w < 1 || kk < 1 || kk > h || kk > w || reps < 1) {
        fprintf(stderr, "spec_first_call: bad sizes %ld %ld %ld %ld\n", h, w, kk, reps);
        return 2;
    }
    float *a = calloc((size_t)(h * w), sizeof *a), *b = calloc((size_t)(h * w), sizeof *b);
    float *k = malloc((size_t)(kk * kk) * sizeof *k);
    for (long i = 0; i < h * w; i++) a[i] = (float)((i * 7) % 13) * 0.1f - 0.6f;
    for (long i = 0; i < kk * kk; i++) k[i] = (float)(i % 5) * 0.0625f - 0.1f;
    double sum = 0;
    for (long r = 0; r < reps; r++) {
        conv(b, a, k, h, w, kk, kk);
        sum += b[(r % (h - kk + 1)) * w + r % (w - kk + 1)];
        float *t = a;
        a = b;
        b = t;
    }
    printf("spec_first_call %ldx%ld k=%ld reps=%ld sample=%.6e\n", h, w, kk, reps, sum);
    free(a);
    free(b);
    free(k);
    return 0;
}
