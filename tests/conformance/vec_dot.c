/* Dot products and elementwise products: float/double (ordered reduction), int (vectorized), int16 madd. */
#include "common.h"

#define N 517

static float fa[N], fb[N];
static double da[N], db[N];
static int32_t ia[N], ib[N];
static int16_t sa[N], sb[N];

__attribute__((noinline)) static float fdot(const float *a, const float *b, int n) { float s = 0; for (int i = 0; i < n; i++) s += a[i] * b[i]; return s; }
__attribute__((noinline)) static double ddot(const double *a, const double *b, int n) { double s = 0; for (int i = 0; i < n; i++) s += a[i] * b[i]; return s; }
__attribute__((noinline)) static int64_t idot(const int32_t *a, const int32_t *b, int n) { int64_t s = 0; for (int i = 0; i < n; i++) s += (int64_t)a[i] * b[i]; return s; }
__attribute__((noinline)) static int32_t sdot(const int16_t *a, const int16_t *b, int n) { int32_t s = 0; for (int i = 0; i < n; i++) s += a[i] * b[i]; return s; }
__attribute__((noinline)) static void fmul(float *restrict o, const float *a, const float *b, int n) { for (int i = 0; i < n; i++) o[i] = a[i] * b[i] + 0.5f; }
/* Four independent partial sums: a reassociated dot product written by hand. */
__attribute__((noinline)) static float fdot4(const float *a, const float *b, int n) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i + 4 <= n; i += 4) { s0 += a[i] * b[i]; s1 += a[i + 1] * b[i + 1]; s2 += a[i + 2] * b[i + 2]; s3 += a[i + 3] * b[i + 3]; }
    for (; i < n; i++) s0 += a[i] * b[i];
    return (s0 + s1) + (s2 + s3);
}

int main(void) {
    for (int i = 0; i < N; i++) {
        fa[i] = (float)(i % 17) * 0.25f - 2.0f; fb[i] = 1.0f / (float)(i + 1);
        da[i] = (i % 29) * 0.125 - 1.5; db[i] = 1.0 / (i * 0.5 + 1);
        ia[i] = i * 7919 % 2003 - 1000; ib[i] = i * 104729 % 1009 - 500;
        sa[i] = (int16_t)(i * 31 % 511 - 255); sb[i] = (int16_t)(i * 17 % 255 - 127);
    }
    float out[N];
    for (int n = OPQ(1); n <= N; n += 64) {
        float f = fdot(fa, fb, n), f4 = fdot4(fa, fb, n);
        double d = ddot(da, db, n);
        int64_t id = idot(ia, ib, n);
        int32_t sd = sdot(sa, sb, n);
        fmul(out, fa, fb, n);
        float os = 0;
        for (int i = 0; i < n; i++) os += out[i];
        printf("n=%3d f=%.9g f4=%.9g d=%.17g i=%lld s=%d out=%.9g\n", n, f, f4, d, (long long)id, sd, os);
        ck_f(f); ck_f(f4); ck_d(d); ck((uint64_t)id); ck((uint32_t)sd); ck_f(os);
    }
    ck_print();
    return 0;
}
