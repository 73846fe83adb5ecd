/* Row sums side by side (docs/tiering.md): `scores` takes d dot products of rows of a fixed
 * length 128, each with 16 partial sums added in lane order at the end, as app-tinyllama's `dot`.
 * Its row count changes from call to call (d, d - 1, d - 2, d - 3), so an unrolled row loop
 * runs its remainder too. Prints a hash of every result's bits and a few results exactly:
 * any change in the order of a row's adds shows.
 * usage: rowsums ROWS CALLS */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 128
#define LANES 16

static float dot(const float *restrict a, const float *restrict b) {
    float acc[LANES] = {0};
    for (int i = 0; i < N; i += LANES)
        for (int k = 0; k < LANES; k++) acc[k] += a[i + k] * b[i + k];
    float s = 0.0f;
    for (int k = 0; k < LANES; k++) s += acc[k];
    return s;
}

__attribute__((noinline)) void scores(float *restrict out, const float *restrict x, const float *restrict w, int d) {
    for (int r = 0; r < d; r++) out[r] = dot(w + (long)r * N, x);
}

int main(int argc, char **argv) {
    int d = argc > 1 ? atoi(argv[1]) : 0, calls = argc > 2 ? atoi(argv[2]) : 0;
    if (d < 4 || calls <= 0) {
        fprintf(stderr, "rowsums: usage: rowsums ROWS CALLS (ROWS >= 4, CALLS > 0)\n");
        return 2;
    }
    float *w = malloc(sizeof(float) * N * (size_t)d), *x = malloc(sizeof(float) * N);
    float *out = malloc(sizeof(float) * (size_t)d);
    if (!w || !x || !out) {
        fprintf(stderr, "rowsums: out of memory for %d rows\n", d);
        return 1;
    }
    /* Magnitudes spread over several binades, so that adding in another order rounds otherwise. */
    unsigned seed = 12345;
    for (long i = 0; i < (long)N * d; i++) {
        seed = seed * 1103515245u + 12345u;
        w[i] = (float)((int)(seed >> 8) % 2001 - 1000) / (float)(1 << (seed % 13));
    }
    for (int i = 0; i < N; i++) x[i] = (float)(i % 17) / 7.0f - 1.1f;
    unsigned hash = 0;
    for (int c = 0; c < calls; c++) {
        int rows = d - c % 4;
        x[c % N] += 0.001f;
        scores(out, x, w, rows);
        for (int r = 0; r < rows; r++) {
            unsigned bits;
            memcpy(&bits, &out[r], sizeof bits);
            hash = hash * 31u + bits;
        }
    }
    printf("%08x %a %a %a\n", hash, out[0], out[1], out[d - 4]);
    free(w);
    free(x);
    free(out);
    return 0;
}
