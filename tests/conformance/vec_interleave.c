/* Interleaved/strided data the vectorizer handles with shuffles: complex multiply, RGB to gray,
 * AoS to SoA, transposition of 4x4 blocks. */
#include "common.h"

#define N 512

__attribute__((noinline)) static void cmul(const float *a, const float *b, float *restrict o, int n) {
    for (int i = 0; i < n; i++) {
        float ar = a[2 * i], ai = a[2 * i + 1], br = b[2 * i], bi = b[2 * i + 1];
        o[2 * i] = ar * br - ai * bi;
        o[2 * i + 1] = ar * bi + ai * br;
    }
}
__attribute__((noinline)) static void gray(const uint8_t *rgb, uint8_t *restrict o, int n) {
    for (int i = 0; i < n; i++) o[i] = (uint8_t)((rgb[3 * i] * 77 + rgb[3 * i + 1] * 150 + rgb[3 * i + 2] * 29) >> 8);
}
__attribute__((noinline)) static void split(const int *xy, int *restrict x, int *restrict y, int n) {
    for (int i = 0; i < n; i++) { x[i] = xy[2 * i]; y[i] = xy[2 * i + 1]; }
}
__attribute__((noinline)) static void transpose(const int *m, int *restrict t, int n) {
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) t[j * n + i] = m[i * n + j];
}

int main(void) {
    static float a[2 * N], b[2 * N], o[2 * N];
    static uint8_t rgb[3 * N], g[N];
    static int xy[2 * N], x[N], y[N], m[32 * 32], t[32 * 32];
    for (int i = 0; i < 2 * N; i++) { a[i] = (float)(i % 11) - 5; b[i] = (float)(i % 7) * 0.5f; xy[i] = i * i - 3 * i; }
    for (int i = 0; i < 3 * N; i++) rgb[i] = (uint8_t)(i * 13);
    for (int i = 0; i < 32 * 32; i++) m[i] = i ^ (i >> 3);
    cmul(a, b, o, OPQ(N));
    gray(rgb, g, N);
    split(xy, x, y, N);
    transpose(m, t, 32);
    double so = 0; long sg = 0, sx = 0, sy = 0, st = 0;
    for (int i = 0; i < 2 * N; i++) { so += o[i] * (i % 3); ck_f(o[i]); }
    for (int i = 0; i < N; i++) { sg += g[i] * (i % 5); sx += x[i] % 1000; sy += y[i] / 7; ck(g[i]); ck((uint32_t)x[i]); ck((uint32_t)y[i]); }
    for (int i = 0; i < 32 * 32; i++) { st += (long)t[i] * i; }
    printf("cmul %.17g gray %ld split %ld %ld transpose %ld\n", so, sg, sx, sy, st);
    ck((uint64_t)st);
    ck_print();
    return 0;
}
