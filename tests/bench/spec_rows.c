/* A dense layer scored again and again: OUT = W (ROWS x LEN) . X for a weight matrix and a feature
 * vector whose sizes come from the command line, REPS times with a small update of X between (a
 * scoring or recurrent-cell kernel). Each row's sum is one chain of float adds in source order: the
 * adds' latency, not memory, bounds it, and only the running program knows the rows are LEN long
 * and that OUT never overlaps W or X. Usage: spec_rows [LEN=256] [ROWS=64] [REPS=1000] */
#include "common.h"

__attribute__((noinline)) static void score(float *out, const float *w, const float *x, long len, long rows) {
    for (long i = 0; i < rows; i++) {
        float s = 0.0f;
        for (long j = 0; j < len; j++) s += w[i * len + j] * x[j];
        out[i] = s;
    }
}

int main(int argc, char **argv) {
    long len = arg_long(argc, argv, 1, 256), rows = arg_long(argc, argv, 2, 64), reps = arg_long(argc, argv, 3, 1000);
    float *w = malloc(sizeof(float) * (size_t)(len * rows)), *x = malloc(sizeof(float) * (size_t)len);
    float *out = malloc(sizeof(float) * (size_t)rows);
    if (!w || !x || !out) {
        fprintf(stderr, "spec_rows: out of memory\n");
        return 2;
    }
    for (long k = 0; k < len * rows; k++) w[k] = (float)((k * 7) % 13) * 0.03125f - 0.1875f;
    for (long j = 0; j < len; j++) x[j] = (float)(j % 5) * 0.25f - 0.5f;
    double total = 0.0;
    for (long r = 0; r < reps; r++) {
        score(out, w, x, len, rows);
        x[r % len] = 0.5f * x[r % len] + 0.001f * out[r % rows];
        total += out[r % rows];
    }
    printf("spec_rows len=%ld rows=%ld reps=%ld total=%.9e\n", len, rows, reps, total);
    free(w); free(x); free(out);
    return 0;
}
