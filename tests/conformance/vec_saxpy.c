/* saxpy/daxpy and elementwise loops with conditionals (vector selects/masks), int conversions, strided access. */
#include "common.h"

#define N 1000

__attribute__((noinline)) static void saxpy(int n, float a, const float *x, float *restrict y) { for (int i = 0; i < n; i++) y[i] = a * x[i] + y[i]; }
__attribute__((noinline)) static void daxpy(int n, double a, const double *x, double *restrict y) { for (int i = 0; i < n; i++) y[i] += a * x[i]; }
__attribute__((noinline)) static void relu(int n, float *x) { for (int i = 0; i < n; i++) x[i] = x[i] > 0 ? x[i] : 0.01f * x[i]; }
__attribute__((noinline)) static void absdiff(int n, const int *a, const int *b, int *restrict o) { for (int i = 0; i < n; i++) o[i] = a[i] > b[i] ? a[i] - b[i] : b[i] - a[i]; }
__attribute__((noinline)) static void i2f(int n, const int *a, float *restrict o) { for (int i = 0; i < n; i++) o[i] = (float)a[i] * 0.5f; }
__attribute__((noinline)) static void f2i(int n, const float *a, int *restrict o) { for (int i = 0; i < n; i++) o[i] = (int)a[i]; }
__attribute__((noinline)) static void stride2(int n, const float *a, float *restrict o) { for (int i = 0; i < n / 2; i++) o[i] = a[2 * i] - a[2 * i + 1]; }
__attribute__((noinline)) static void rev(int n, const int *a, int *restrict o) { for (int i = 0; i < n; i++) o[i] = a[n - 1 - i] * 3; }

int main(void) {
    static float x[N], y[N], t[N];
    static double dx[N], dy[N];
    static int a[N], b[N], o[N];
    for (int i = 0; i < N; i++) {
        x[i] = (float)i * 0.01f - 3.0f; y[i] = (float)(N - i) * 0.003f;
        dx[i] = i * 0.001; dy[i] = 1.0 - i * 0.002;
        a[i] = (i * 37) % 101 - 50; b[i] = (i * 53) % 97 - 48;
    }
    float alpha = OPQ(2.5f);
    for (int rep = 0; rep < 3; rep++) { saxpy(N, alpha, x, y); daxpy(N, -0.75, dx, dy); }
    relu(N, y);
    absdiff(N, a, b, o);
    i2f(N, o, t);
    float s = 0; double ds = 0; long is = 0;
    for (int i = 0; i < N; i++) { s += y[i]; ds += dy[i]; is += o[i]; ck_f(y[i]); ck_d(dy[i]); ck((uint32_t)o[i]); ck_f(t[i]); }
    printf("saxpy %.9g daxpy %.17g absdiff %ld\n", s, ds, is);
    f2i(N, y, o);
    stride2(N, x, t);
    rev(N, o, b);
    long r = 0;
    for (int i = 0; i < N; i++) { r += (long)b[i] * (i % 7); ck((uint32_t)b[i]); }
    for (int i = 0; i < N / 2; i++) ck_f(t[i]);
    printf("f2i/rev %ld stride %.9g %.9g\n", r, t[0], t[N / 2 - 1]);
    ck_print();
    return 0;
}
