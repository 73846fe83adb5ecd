/* 2-D convolution whose image and kernel sizes come from the command line: a K x K kernel over an
 * H x W image, applied REPS times (ping-pong between two images). Only the running program knows
 * that K is 3 in every call. Usage: spec_conv [H=32] [W=32] [K=3] [REPS=1000] */
#include "common.h"

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
    long h = arg_long(argc, argv, 1, 32), w = arg_long(argc, argv, 2, 32), kk = arg_long(argc, argv, 3, 3);
    long reps = arg_long(argc, argv, 4, 1000);
    if (kk > h || kk > w) {
        fprintf(stderr, "spec_conv: kernel %ld larger than the image %ldx%ld\n", kk, h, w);
        return 2;
    }
    float *a = calloc((size_t)(h * w), sizeof *a), *b = calloc((size_t)(h * w), sizeof *b), *k = malloc((size_t)(kk * kk) * sizeof *k);
    for (long i = 0; i < h * w; i++) a[i] = (float)((i * 7) % 13) * 0.1f - 0.6f;
    for (long i = 0; i < kk * kk; i++) k[i] = (float)(i % 5) * 0.0625f - 0.1f + (i == kk * kk / 2 ? 0.7f : 0.0f);
    double sum = 0;
    for (long r = 0; r < reps; r++) {
        conv(b, a, k, h, w, kk, kk);
        sum += b[(r % (h - kk + 1)) * w + r % (w - kk + 1)];
        float *t = a;
        a = b;
        b = t;
    }
    double total = 0;
    for (long i = 0; i < h * w; i++) total += a[i];
    printf("spec_conv %ldx%ld k=%ld reps=%ld sample=%.6e total=%.6e\n", h, w, kk, reps, sum, total);
    free(a); free(b); free(k);
    return 0;
}
