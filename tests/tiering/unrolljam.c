/* Guarded unroll-and-jam (docs/tiering.md, "Unroll-and-jam"): `rows` is a loop nest whose inner
 * loop is a float reduction over a row (one chain, a float a step: bound by the adds' latency),
 * called with the same row length N every time, so its specialization on N is jammed by 4 rows.
 * Usage: unrolljam N D CALLS OVERLAP. The first CALLS calls use separate buffers (the guard holds:
 * the jammed rows run); then, if OVERLAP > 0, CALLS / 4 calls whose output overlaps the matrix
 * OVERLAP floats in, so each row's result is read by a later row: only the nest as written (the
 * guard misses) gives the native build's sums. Prints a checksum of both phases. */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) void rows(float *out, const float *w, const float *x, int n, int d) {
    for (int i = 0; i < d; i++) {
        float s = 0.0f;
        for (int j = 0; j < n; j++) s += w[(long)i * n + j] * x[j];
        out[i] = s;
    }
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: unrolljam N D CALLS OVERLAP\n");
        return 2;
    }
    int n = atoi(argv[1]), d = atoi(argv[2]), calls = atoi(argv[3]), overlap = atoi(argv[4]);
    float *w = malloc(sizeof(float) * ((size_t)n * d + d));
    float *x = malloc(sizeof(float) * (size_t)n);
    float *out = malloc(sizeof(float) * (size_t)d);
    if (!w || !x || !out || n < 1 || d < 1 || overlap < 0 || overlap > n * d) {
        fprintf(stderr, "unrolljam: bad sizes\n");
        return 2;
    }
    for (long k = 0; k < (long)n * d + d; k++) w[k] = (float)((k * 7) % 13) * 0.03125f - 0.1875f;
    for (int j = 0; j < n; j++) x[j] = (float)(j % 5) * 0.25f - 0.5f;
    double sum = 0.0;
    for (int c = 0; c < calls; c++) {
        x[c % n] += 0.001f;
        rows(out, w, x, n, d);
        sum += out[c % d];
    }
    printf("separate: %.9e\n", sum);
    if (overlap > 0) {
        double osum = 0.0;
        for (int c = 0; c < calls / 4; c++) {
            rows(w + overlap, w, x, n, d);
            osum += w[overlap + c % d];
        }
        printf("overlapping: %.9e\n", osum);
    }
    return 0;
}
