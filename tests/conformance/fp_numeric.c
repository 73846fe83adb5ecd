/* Numerical algorithms: Kahan summation, Simpson integration, Gaussian elimination, Mandelbrot counts. */
#include "common.h"
#include <math.h>

static double f(double x) { return exp(-x * x) * cos(3 * x); }

int main(void) {
    /* Kahan vs naive summation. */
    double naive = 0, sum = 0, c = 0;
    for (int i = 1; i <= 100000; i++) {
        double x = 1.0 / ((double)i * OPQ(1.0) * i);
        naive += x;
        double y = x - c, t = sum + y;
        c = (t - sum) - y;
        sum = t;
    }
    printf("naive %.17g kahan %.17g\n", naive, sum);
    ck_d(naive); ck_d(sum);
    /* Simpson's rule. */
    int n = OPQ(1000);
    double a = -2, b = 2, h = (b - a) / n, s = f(a) + f(b);
    for (int i = 1; i < n; i++) s += f(a + i * h) * (i % 2 ? 4 : 2);
    printf("simpson %.17g\n", s * h / 3);
    ck_d(s);
    /* Gaussian elimination with partial pivoting on a 6x6 Hilbert-like system. */
    enum { N = 6 };
    double m[N][N + 1];
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) m[i][j] = 1.0 / (i + j + 1) + (i == j ? OPQ(0.5) : 0);
        m[i][N] = i + 1;
    }
    for (int k = 0; k < N; k++) {
        int p = k;
        for (int i = k + 1; i < N; i++) if (fabs(m[i][k]) > fabs(m[p][k])) p = i;
        for (int j = 0; j <= N; j++) { double t = m[k][j]; m[k][j] = m[p][j]; m[p][j] = t; }
        for (int i = k + 1; i < N; i++) {
            double q = m[i][k] / m[k][k];
            for (int j = k; j <= N; j++) m[i][j] -= q * m[k][j];
        }
    }
    double x[N];
    for (int i = N - 1; i >= 0; i--) {
        double t = m[i][N];
        for (int j = i + 1; j < N; j++) t -= m[i][j] * x[j];
        x[i] = t / m[i][i];
    }
    for (int i = 0; i < N; i++) { printf("x%d=%.15g ", i, x[i]); ck_d(x[i]); }
    printf("\n");
    /* Mandelbrot iteration counts. */
    long total = 0;
    for (int py = 0; py < 24; py++) {
        for (int px = 0; px < 64; px++) {
            double cr = -2.2 + px * 3.0 / 64, ci = -1.2 + py * 2.4 / 24, zr = 0, zi = 0;
            int it = 0;
            while (it < 200 && zr * zr + zi * zi < 4) { double t = zr * zr - zi * zi + cr; zi = 2 * zr * zi + ci; zr = t; it++; }
            total += it;
            if (py % 6 == 0 && px % 8 == 0) putchar(it == 200 ? '#' : '.');
        }
    }
    printf("\nmandel %ld\n", total);
    ck((uint64_t)total);
    ck_print();
    return 0;
}
