// Loops the -O2 vectorizer turns into vector code (reductions, min/max, casts, interleaving) and
// explicit vector extensions (shuffles, lane access, vector compares and selects).
#include <stdint.h>
#include <stdio.h>

typedef int32_t v4i __attribute__((vector_size(16)));
typedef float v4f __attribute__((vector_size(16)));
typedef uint8_t v16b __attribute__((vector_size(16)));

__attribute__((noinline)) static int64_t sum_i16(const int16_t *p, int n) { int64_t s = 0; for (int i = 0; i < n; i++) s += p[i]; return s; }
__attribute__((noinline)) static int32_t max_i32(const int32_t *p, int n) { int32_t m = p[0]; for (int i = 1; i < n; i++) m = p[i] > m ? p[i] : m; return m; }
__attribute__((noinline)) static void widen(const uint8_t *s, uint32_t *d, int n) { for (int i = 0; i < n; i++) d[i] = s[i] * 3u + 1; }
__attribute__((noinline)) static void cplx(float *re, float *im, const float *z, int n) { for (int i = 0; i < n; i++) { re[i] = z[2 * i] * 2; im[i] = z[2 * i + 1] - z[2 * i]; } }
__attribute__((noinline)) static uint32_t count_lt(const float *p, int n, float t) { uint32_t c = 0; for (int i = 0; i < n; i++) c += p[i] < t; return c; }

int main(void) {
    int16_t a[257]; int32_t b[300]; uint8_t c[100]; uint32_t w[100]; float z[128], re[64], im[64];
    for (int i = 0; i < 257; i++) a[i] = (int16_t)(i * 977 - 30000);
    for (int i = 0; i < 300; i++) b[i] = (i * 7919) % 1000 - 500;
    for (int i = 0; i < 100; i++) c[i] = (uint8_t)(i * 13);
    for (int i = 0; i < 128; i++) z[i] = (float)i / 7.0f - 5.0f;
    uint64_t h = (uint64_t)sum_i16(a, 257) * 31 + (uint64_t)max_i32(b, 300);
    widen(c, w, 100);
    for (int i = 0; i < 100; i++) h = h * 31 + w[i];
    cplx(re, im, z, 64);
    for (int i = 0; i < 64; i++) h = h * 31 + (uint64_t)(int64_t)(re[i] * 1000) + (uint64_t)(int64_t)(im[i] * 1000);
    h = h * 31 + count_lt(z, 128, 1.5f);
    v4i x = {1, -2, 3, -4}, y = {10, 20, 30, 40};
    v4i s = __builtin_shufflevector(x, y, 7, 0, 5, 2) * x + (x < y);
    for (int i = 0; i < 4; i++) h = h * 31 + (uint32_t)s[i];
    v4f f = {1.5f, -2.0f, 0.25f, 8.0f}, g = f * f - 1.0f;
    v4i m = g > f;
    for (int i = 0; i < 4; i++) h = h * 31 + (uint32_t)m[i] + (uint64_t)(int64_t)(g[i] * 16);
    v16b bytes = {0};
    for (int i = 0; i < 16; i++) bytes[i] = (uint8_t)(i * i);
    v16b rev = __builtin_shufflevector(bytes, bytes, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    for (int i = 0; i < 16; i++) h = h * 31 + rev[i];
    printf("hash %016llx\n", (unsigned long long)h);
    return 0;
}
