/* Two loops the generic -O2 build vectorizes for 128-bit SSE (tests/tiering.rs, revec): one over a
 * run-time length, whose scalar remainder loop survives (the JIT gives it back to the loop
 * vectorizer), and one over a fixed 1024 elements, which has no remainder (the JIT scalarizes it
 * for the SLP vectorizer). Usage: revec [N=1000] */
#include <stdio.h>
#include <stdlib.h>

static float x[1024], y[1024];

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000;
    float *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)n * sizeof *b);
    for (long i = 0; i < n; i++) {
        a[i] = (float)(i % 7) * 0.5f;
        b[i] = (float)(i % 5);
    }
    for (int i = 0; i < 1024; i++) {
        x[i] = (float)(i % 3);
        y[i] = (float)(i % 11) * 0.25f;
    }
    for (int rep = 0; rep < 300; rep++) {
        for (long i = 0; i < n; i++) b[i] = b[i] * 0.5f + a[i];
        for (int i = 0; i < 1024; i++) y[i] = y[i] * 0.5f - x[i];
    }
    double s = 0;
    for (long i = 0; i < n; i++) s += b[i];
    for (int i = 0; i < 1024; i++) s += y[i];
    printf("revec n=%ld sum=%.6f\n", n, s);
    free(a);
    free(b);
    return 0;
}
