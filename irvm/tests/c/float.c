// Floating point: arithmetic (with the fmul+fadd and dot/axpy folds), math intrinsics and libm
// calls, conversions, NaN comparisons, long double on the x87, half precision.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t h;
static void ck(double d) { uint64_t u; memcpy(&u, &d, 8); h = h * 1000003 + u; }

__attribute__((noinline)) static float dot(const float *a, const float *b, int n) {
    float s = 0;
    for (int i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}
__attribute__((noinline)) static void axpy(float *y, const float *x, float a, int n) {
    for (int i = 0; i < n; i++) y[i] += a * x[i];
}
__attribute__((noinline)) static double both_products(const double *p, int n) {
    double s = 0;
    for (int i = 0; i + 3 < n; i += 2) s += p[i] * p[i + 1] + p[i + 2] * p[i + 3];
    return s;
}

int main(void) {
    float a[100], b[100];
    for (int i = 0; i < 100; i++) { a[i] = (float)i * 0.37f - 9.0f; b[i] = 1.0f / (float)(i + 1); }
    ck(dot(a, b, 100));
    axpy(a, b, 2.5f, 100);
    ck(dot(a, a, 100));
    axpy(a, a, -0.5f, 100); /* y and x alias: every load must see the store before it */
    ck(dot(a, b, 77));
    double p[64];
    for (int i = 0; i < 64; i++) p[i] = sin(i * 0.1) * 3.0;
    ck(both_products(p, 64));
    volatile double x = 2.0, y = -0.75, z = 0.0;
    ck(sqrt(x)); ck(fabs(y)); ck(floor(y)); ck(ceil(y)); ck(trunc(y)); ck(round(-2.5)); ck(rint(2.5)); ck(nearbyint(3.5));
    ck(fmin(x, y)); ck(fmax(x, y)); ck(copysign(x, y)); ck(fma(x, y, 1.0)); ck(pow(x, y)); ck(exp(y)); ck(log(x));
    ck(sin(x)); ck(cos(x)); ck(atan2(x, y)); ck(fmod(7.5, y)); ck(ldexp(x, 7)); ck(x / z); ck(-x / z); ck(z / z);
    double nan = z / z;
    h = h * 3 + (nan < 1) + 2 * (nan != nan) + 4 * (nan == nan) + 8 * (x > y) + 16 * isnan(nan) + 32 * isinf(x / z);
    ck((double)(float)1e40); ck((double)(int32_t)-3.99); ck((double)(uint32_t)3e9); ck((double)(int64_t)-1e18);
    ck((double)(uint64_t)1.8e19); ck((float)(uint64_t)UINT64_MAX); ck((double)(int8_t)-100.7);
    long double ld = (long double)x / 3, le = ld * ld - 1.0L / 7;
    ck((double)ld); ck((double)le); ck((double)sqrtl(le + 10)); h = h * 7 + (ld < le) + 2 * (ld == ld);
    ck((double)(long long)(le * 1e10L));
    _Float16 hf = (_Float16)(float)y, hg = hf * (_Float16)3.1f + (_Float16)1;
    ck((double)hg); ck((double)(_Float16)65519.0f); ck((double)(_Float16)1e-7f);
    printf("hash %016llx\n", (unsigned long long)h);
    return 0;
}
