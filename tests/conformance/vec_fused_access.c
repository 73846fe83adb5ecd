/* The shapes irvm folds into one op, at -O2: multiply-add steps whose loads and store are folded
 * (`y[j] += a * x[j]` vectorized, two vectors a step; `s += a[i] * b[i]` with llvm.fmuladd), 16-byte
 * vector loads and stores at an indexed address, lanes of <2 x double> read in place, and the
 * same loops on overlapping arrays, where clang's run-time overlap check or a store between a
 * load and its use decide what may be folded. */
#include "common.h"

#define N 203

/* i-k-j matrix product: the vectorized step is two <4 x float> multiply-adds into c. */
__attribute__((noinline)) static void matmul_f(int n, const float *a, const float *b, float *c) {
    for (int i = 0; i < n; i++)
        for (int k = 0; k < n; k++) {
            float aik = a[i * n + k];
            for (int j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
        }
}

/* The same on double (<2 x double> steps). */
__attribute__((noinline)) static void matmul_d(int n, const double *a, const double *b, double *c) {
    for (int i = 0; i < n; i++)
        for (int k = 0; k < n; k++) {
            double aik = a[i * n + k];
            for (int j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
        }
}

/* axpy without restrict: called with y overlapping x (shifted by 1, 3 and 4 elements either way). */
__attribute__((noinline)) static void axpy_f(long n, float a, const float *x, float *y) {
    for (long j = 0; j < n; j++) y[j] += a * x[j];
}
__attribute__((noinline)) static void axpy_d(long n, double a, const double *x, double *y) {
    for (long j = 0; j < n; j++) y[j] = a * x[j] + y[j];
}

/* Dot products through llvm.fmuladd (unrolled by 4 at -O2), one of them with a store between
 * the loads and the multiply-add that may hit what was loaded. */
__attribute__((noinline)) static float dot_f(const float *a, const float *b, long n) {
    float s = 0;
    for (long i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}
__attribute__((noinline)) static double dot_d(const double *a, const double *b, long n) {
    double s = 0;
    for (long i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}
__attribute__((noinline)) static double dot_store(double *a, const double *b, double *out, long n) {
    double s = 0;
    for (long i = 0; i < n; i++) {
        double x = a[i], y = b[i];
        out[i] = s; /* may be a[i] or b[i] */
        s = __builtin_fma(x, y, s) * 0.5 + x * y;
    }
    return s;
}

/* Pairs of doubles: clang's SLP vectorizer makes <2 x double> values and reads their lanes; an
 * update of a pair by a multiply-add of computed factors is an axpy step from slots (VAxpyR). */
struct v2 { double x, y; };
__attribute__((noinline)) static double pairs(struct v2 *p, int n, double dt) {
    double e = 0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            double dx = p[i].x - p[j].x, dy = p[i].y - p[j].y;
            double d2 = dx * dx + dy * dy + 0.01;
            double m = dt / d2;
            p[i].x -= dx * m; p[i].y -= dy * m;
            p[j].x += dx * m; p[j].y += dy * m;
            e += dx * dy;
        }
    return e;
}

/* Scalar updates by a multiply-add of computed factors, stored where the addend was loaded
 * (FAxpyR), on doubles and floats; the last one has a store between its load and its store that
 * may hit it (through `w`), which keeps the load in place. */
struct b3 { double x, v, m; float fx, fv; };
__attribute__((noinline)) static void kick(struct b3 *b, int n, double dt, double *w) {
    for (int i = 0; i + 1 < n; i++) {
        double d = b[i].x - b[i + 1].x;
        b[i].v -= d * b[i + 1].m * dt;
        b[i].fv += (b[i].fx - b[i + 1].fx) * (float)dt;
        double old = b[i + 1].v;
        *w = d;
        b[i + 1].v = old + d * dt * 0.5;
    }
}

int main(void) {
    static float fa[N * N / 8], fb[N * N / 8], fc[N * N / 8], buf[4 * N];
    static double da[N * N / 8], db[N * N / 8], dc[N * N / 8], dbuf[4 * N], out[N];
    int n = OPQ(71);
    for (int i = 0; i < n * n; i++) {
        fa[i] = (float)(i % 13) * 0.125f - 0.75f; fb[i] = (float)(i % 7) * 0.5f - 1.25f; fc[i] = 0.0f;
        da[i] = (i % 11) * 0.2 - 1.0; db[i] = 1.0 / (i % 17 + 1); dc[i] = 0.0;
    }
    matmul_f(n, fa, fb, fc);
    matmul_d(n, da, db, dc);
    for (int i = 0; i < n * n; i++) { ck_f(fc[i]); ck_d(dc[i]); }
    printf("matmul %.9g %.17g\n", fc[n * n - 1], dc[n * n / 2]);

    for (int shift = -4; shift <= 4; shift++) {
        for (int i = 0; i < 4 * N; i++) { buf[i] = (float)(i % 9) - 4.0f; dbuf[i] = (i % 5) * 0.3 - 0.6; }
        long m = OPQ(2 * N + 1);
        axpy_f(m, 1.5f, buf + N, buf + N + shift);
        axpy_d(m, -0.25, dbuf + N, dbuf + N + shift);
        for (int i = 0; i < 4 * N; i++) { ck_f(buf[i]); ck_d(dbuf[i]); }
        printf("axpy shift %d: %.9g %.17g\n", shift, buf[N + 7], dbuf[2 * N + 3]);
    }

    long m = OPQ(N);
    printf("dot %.9g %.17g\n", dot_f(fa, fb, m), dot_d(da, db, m));
    for (int i = 0; i < N; i++) { dbuf[i] = i * 0.01 - 1.0; dbuf[N + i] = 1.0 / (i + 2); }
    double s1 = dot_store(dbuf, dbuf + N, out, m);       /* out apart */
    double s2 = dot_store(dbuf, dbuf + N, dbuf, m);      /* the store hits a[i] */
    double s3 = dot_store(dbuf, dbuf + N, dbuf + N, m);  /* the store hits b[i] */
    printf("dot_store %.17g %.17g %.17g\n", s1, s2, s3);
    ck_d(s1); ck_d(s2); ck_d(s3);

    struct v2 p[9];
    for (int i = 0; i < 9; i++) { p[i].x = i * 1.25 - 3.0; p[i].y = (i % 4) * 0.75 + 0.5; }
    double e = 0;
    for (int step = 0; step < 50; step++) e += pairs(p, OPQ(9), 0.001);
    for (int i = 0; i < 9; i++) { ck_d(p[i].x); ck_d(p[i].y); }
    printf("pairs %.17g %.17g %.17g\n", e, p[0].x, p[8].y);

    struct b3 k[7];
    double sink = 0;
    /* No `a * b + c` here: clang -O2 folds a contracted constant exactly, -O0 rounds twice. */
    for (int i = 0; i < 7; i++) { k[i].x = (i * 7 - 20) / 10.0; k[i].v = 0.1 * i; k[i].m = 1.0 / (i + 1); k[i].fx = i * 0.3f; k[i].fv = 0.0f; }
    for (int step = 0; step < 20; step++) {
        kick(k, OPQ(7), 0.01, &sink);
        kick(k, OPQ(7), 0.02, &k[3].v); /* the store between hits an addend */
    }
    for (int i = 0; i < 7; i++) { ck_d(k[i].v); ck_f(k[i].fv); }
    printf("kick %.17g %.17g %.9g\n", sink, k[6].v, k[2].fv);
    ck_print();
    return 0;
}
